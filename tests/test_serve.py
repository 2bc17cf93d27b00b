"""`portal serve` previews the site and rebuilds when the spec changes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import copy_demo, site_files


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and text in body:
            return True
        time.sleep(0.3)
    return False


def test_serve_rebuilds_when_the_spec_changes(project) -> None:
    root: Path = project("multifile")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal_gen", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/reference/users/get-user/"
        assert wait_for(url, "Get a user", time.monotonic() + 60), "the preview never came up"
        spec = root / "openapi" / "paths" / "user.yaml"
        spec.write_text(spec.read_text().replace("summary: Get a user", "summary: Fetch one user"))
        assert wait_for(url, "Fetch one user", time.monotonic() + 60), "the change was not rebuilt"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Serve:
    """`portal serve` of a project, its log read as it comes, its site folder found."""

    def __init__(self, root: Path, tmp: Path) -> None:
        tmp.mkdir()
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)}
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "portal_gen", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.tmp = tmp

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, text: str, after: int, timeout: float = 120) -> list[str]:
        """The log from line ``after`` up to the first line holding ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if text in self.lines[index]:
                    return self.lines[after : index + 1]
            assert self.proc.poll() is None, "\n".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in:\n" + "\n".join(self.lines[after:]))

    def rebuild_after(self, change: Callable[[], None]) -> list[str]:
        """The log of the rebuild ``change`` caused, to its "Reloading browsers" or error."""
        mark = len(self.lines)
        time.sleep(0.05)  # a new mtime
        change()
        log = self.wait_for_line("Detected file changes", mark)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            tail = self.lines[mark:]
            if any("Reloading browsers" in line or "error happened during the rebuild" in line for line in tail):
                return tail
            time.sleep(0.05)
        raise AssertionError("\n".join(log))

    def site(self) -> dict[str, bytes]:
        (folder,) = self.tmp.glob("mkdocs_*")
        return site_files(folder)

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _edit(path: Path, old: str, new: str) -> Callable[[], None]:
    def change() -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


QUICK = "Documentation rebuilt in"
FULL = "Documentation built in"


@pytest.fixture
def served_demo(tmp_path: Path) -> Iterator[tuple[Path, Serve]]:
    """A copy of the demo under `portal serve`, up and serving."""
    demo = copy_demo(tmp_path)
    serve = Serve(demo, tmp_path / "tmp")
    try:
        serve.wait_for_line("Serving on", 0)
        yield demo, serve
    finally:
        serve.stop()


def test_serve_rebuilds_only_the_changed_pages_and_they_match_a_full_rebuild(served_demo: tuple[Path, Serve]) -> None:
    demo, serve = served_demo
    spec = demo / "openapi" / "openapi.yaml"
    edits = [
        # The operation's page, and the pages not kept in the cache (pricing, changelog).
        ("description", _edit(spec, "Queues an SMS or MMS for delivery.", "Queues a text for delivery."), 3),
        (
            "guide",
            _edit(
                demo / "content" / "quickstarts" / "send-your-first-message.yaml",
                "    text: |\n",
                "    text: |\n      Edited.\n",
            ),
            None,
        ),
        ("pricing", _edit(demo / "content" / "pricing.yaml", "unit_price: 0.0079}", "unit_price: 0.0081}"), None),
        (
            "case study",
            _edit(demo / "content" / "case_studies" / "finch-bank.yaml", 'value: "1.9"', 'value: "2.1"'),
            None,
        ),
    ]
    for kind, change, expected in edits:
        log = serve.rebuild_after(change)
        quick = [line for line in log if QUICK in line]
        assert quick and not any(FULL in line for line in log), (kind, log)
        changed = int(re.search(r"(\d+) of \d+ generated pages changed", quick[0]).group(1))  # type: ignore[union-attr]
        assert changed >= 1 and (expected is None or changed == expected), (kind, quick)
        after_quick = serve.site()
        # mkdocs.yml touched: MkDocs rebuilds everything from nothing.
        full = serve.rebuild_after(lambda: (demo / "mkdocs.yml").write_text((demo / "mkdocs.yml").read_text() + "\n"))
        assert any(FULL in line for line in full), full
        after_full = serve.site()
        assert sorted(after_quick) == sorted(after_full), kind
        assert [name for name in after_full if after_full[name] != after_quick[name]] == [], kind


def test_serve_rebuilds_everything_when_the_navigation_changes_and_recovers_from_errors(
    served_demo: tuple[Path, Serve],
) -> None:
    demo, serve = served_demo
    spec = demo / "openapi" / "openapi.yaml"
    # A summary is a page title in the navigation of every page.
    log = serve.rebuild_after(_edit(spec, "summary: Send a message", "summary: Send one message"))
    assert any("pages or navigation changed" in line for line in log) and any(FULL in line for line in log), log
    url = f"http://127.0.0.1:{serve.port}/reference/messages/send-message/"
    assert "Send one message" in (fetch(url) or "")
    # A broken guide: the error, located, and no traceback; fixed: a quick rebuild again.
    guide = demo / "content" / "quickstarts" / "send-your-first-message.yaml"
    good = guide.read_text(encoding="utf-8")
    log = serve.rebuild_after(lambda: guide.write_text(good + "\n  - [unclosed\n", encoding="utf-8"))
    assert any("send-your-first-message.yaml:" in line for line in log), log
    assert any("error happened during the rebuild" in line for line in log), log
    log = serve.rebuild_after(lambda: guide.write_text(good, encoding="utf-8"))
    assert any(FULL in line for line in log), log  # after an error, the next rebuild is a full one
    log = serve.rebuild_after(_edit(spec, "Queues an SMS or MMS for delivery.", "Queues a text for delivery."))
    assert any(QUICK in line for line in log), log
    assert "Queues a text for delivery." in (fetch(url) or "")
    # An invalid spec: the quick rebuild shows the edit at once, and the spec's
    # validation, done meanwhile, reports the problem where it is.
    mark = len(serve.lines)
    log = serve.rebuild_after(_edit(spec, "      pattern: '^[A-Z]{3}$'\n", "      minLength: three\n"))
    assert any(QUICK in line for line in log), log
    problem = serve.wait_for_line("'three' is not of type 'integer'", mark)[-1]
    assert re.search(r"openapi/openapi\.yaml:\d+:7: ", problem), problem
    assert not any("Traceback" in line for line in serve.lines), "\n".join(serve.lines)


def test_which_files_only_portal_reads(tmp_path: Path) -> None:
    from portal_gen.accel.serve_quick import PortalInputs

    content = tmp_path / "content"
    inputs = PortalInputs(tmp_path / "openapi", content, content / "case_studies", tmp_path / "verified.json", content)
    assert inputs.only_portal_reads(tmp_path / "openapi" / "paths" / "users.yaml")
    assert inputs.only_portal_reads(content / "quickstarts" / "first.yaml")
    assert inputs.only_portal_reads(content / "case_studies" / "logos" / "acme.svg")
    assert inputs.only_portal_reads(tmp_path / "verified.json")
    assert not inputs.only_portal_reads(content / "index.md")  # MkDocs publishes it
    assert not inputs.only_portal_reads(content / "images" / "diagram.png")
    assert not inputs.only_portal_reads(tmp_path / "mkdocs.yml")
    assert not inputs.only_portal_reads(tmp_path / "site_templates" / "reference" / "operation.html")
    # A spec inside the docs folder is also a file MkDocs copies into the site.
    inside = PortalInputs(content / "api", content, content / "case_studies", tmp_path / "v.json", content)
    assert inside.only_portal_reads(content / "api" / "openapi.yaml")  # YAML under content: never published
    assert not inside.only_portal_reads(content / "api" / "openapi.json")


def test_changed_files_sees_edits_additions_and_removals(tmp_path: Path) -> None:
    from portal_gen.accel.serve_quick import changed_files, snapshot

    (tmp_path / "a.yaml").write_text("a: 1\n")
    (tmp_path / "b.yaml").write_text("b: 1\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x").write_text("x")
    before = snapshot([tmp_path])
    assert sorted(Path(p).name for p in before) == ["a.yaml", "b.yaml"]  # hidden folders are not walked
    assert changed_files(before, snapshot([tmp_path])) == []
    time.sleep(0.01)
    (tmp_path / "a.yaml").write_text("a: 22\n")
    (tmp_path / "b.yaml").unlink()
    (tmp_path / "c.yaml").write_text("c: 1\n")
    assert [p.name for p in changed_files(before, snapshot([tmp_path]))] == ["a.yaml", "b.yaml", "c.yaml"]


def test_search_entries_of_a_page_built_again_take_the_old_ones_place() -> None:
    from portal_gen.accel.serve_quick import SearchEntries

    entries = [
        {"location": "", "title": "Home"},
        {"location": "#why", "title": "Why"},
        {"location": "ref/a/", "title": "A"},
        {"location": "ref/a/#body", "title": "Body"},
        {"location": "ref/ab/", "title": "AB"},  # a longer URL with the same start: another page
    ]
    page = SearchEntries(entries, "ref/a/")
    page.remove_old()
    assert [e["title"] for e in entries] == ["Home", "Why", "AB"]
    entries += [{"location": "ref/a/", "title": "A2"}]  # what search appends as the page is built
    page.put_new()
    assert [e["title"] for e in entries] == ["Home", "Why", "A2", "AB"]
    home = SearchEntries(entries, "")
    home.remove_old()
    entries += [{"location": "", "title": "Home2"}]
    home.put_new()
    assert [e["title"] for e in entries] == ["Home2", "A2", "AB"]
