"""`portal check` runs every guide, step by step, as real programs in their real
runtimes against a real mock server on 127.0.0.1 (or a sandbox), and reports in the
formats CI tools read."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests

from conftest import copy_demo, run_portal
from portal_gen.config import PortalConfig
from portal_gen.engine.build import make_snippets, template_loader
from portal_gen.engine.project import load_project
from portal_gen.gate.verify import RunSettings, run_guide
from portal_gen.mock import MockApi, serve_mock
from portal_gen.model.guides import Budget

EXAMPLE_ID = "msg_9Zk2LqT8vXw3RbN5cYp7HdJ4"  # the spec's example message id


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path)


def write(project: Path, relative: str, text: str) -> Path:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def set_option(project: Path, line: str) -> None:
    """Add an option to the portal plugin in the project's mkdocs.yml."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("      spec: openapi/openapi.yaml\n", f"      spec: openapi/openapi.yaml\n      {line}\n")
    )


def test_the_demo_guides_pass_in_every_language_and_are_recorded(demo: Path) -> None:
    result = run_portal("check", "--strict", "--json", "report.json", "--junit", "report.xml", "--record", cwd=demo)
    assert result.returncode == 0, result.stderr
    assert "OK: 0 problems; 21 of 21 guide runs passed" in result.stderr

    report = json.loads((demo / "report.json").read_text())
    assert report["ok"] is True and report["problems"] == []
    runs = {(r["guide"], r["language"]): r for r in report["guides"]}
    assert len(runs) == 21
    quickstart = runs[("send-your-first-message", "go")]
    assert [s["outcome"] for s in quickstart["steps"]] == ["passed", "passed"]
    assert quickstart["first_call"]["steps"] == 2 and quickstart["first_call"]["seconds"] > 0
    # Hand-written code runs in the languages it is written in, and only there.
    webhooks = runs[("receive-delivery-webhooks", "ruby")]
    assert [s["outcome"] for s in webhooks["steps"]] == ["passed", "skipped", "passed", "passed", "passed"]
    assert runs[("receive-delivery-webhooks", "javascript")]["steps"][1]["outcome"] == "passed"

    suites = ElementTree.parse(demo / "report.xml").getroot()
    assert suites.get("tests") == "21" and suites.get("failures") == "0"
    assert {s.get("name") for s in suites} == {
        "send-your-first-message",
        "paginate-message-history",
        "receive-delivery-webhooks",
    }

    verified = json.loads((demo / "portal-verified.json").read_text())
    record = verified["guides"]["send-your-first-message"]
    assert record["spec_version"] == "2026-11-01"
    assert set(record["languages"]) == {"curl", "python", "javascript", "go", "java", "ruby", "php"}

    # The pages show what was measured, with the date and the spec version.
    assert run_portal("build", cwd=demo).returncode == 0
    page = (demo / "site" / "quickstarts" / "send-your-first-message" / "index.html").read_text()
    assert f"<dt>Verified</dt><dd>{record['date']} against API version <code>2026-11-01</code>" in page
    assert " 0.0 s" not in page and "ran in " in page


def test_captured_ids_carry_from_step_to_step(demo: Path) -> None:
    config = PortalConfig(
        project_dir=demo, snippet_env_prefix="RELAY", snippet_credentials={"bearerAuth": "RELAY_API_KEY"}
    )
    project = load_project(config)
    guide = next(g for g in project.guides if g.id == "send-your-first-message")
    snippets = make_snippets(project, template_loader(config))
    seen: list[str] = []
    with serve_mock(MockApi.from_project(project), log=seen.append) as server:
        settings = RunSettings(server.base_url, {"RELAY_API_KEY": "rk_test_123"}, 60.0, Budget())
        run = run_guide(guide, "python", snippets, project.schema_validator, settings)
    assert run.ok, run.problems
    assert seen[0] == "POST /v1/messages 202"
    created = re.fullmatch(r"GET /v1/messages/(msg_[A-Za-z0-9]{24}) 200", seen[1])
    assert created, seen
    assert created.group(1) != EXAMPLE_ID  # the id the mock made up, captured and sent back


def test_a_failing_step_stops_the_guide_and_is_reported_in_every_format(demo: Path) -> None:
    write(
        demo,
        "content/tutorials/failing.yaml",
        """
        title: Failing
        summary: The second step fails.
        steps:
          - title: Works
            code:
              python: |
                print('{"id": "x1"}')
            capture:
              THING_ID: id
          - title: Breaks
            code:
              python: |
                import os, sys
                print("got", os.environ["THING_ID"])
                sys.exit("boom: the server said no")
          - title: Never runs
            code:
              python: print("unreachable")
          - title: Not JSON
            code:
              python: print("plain text")
        """,
    )
    result = run_portal("check", "-l", "python", "--json", "r.json", "--junit", "r.xml", cwd=demo)
    assert result.returncode == 1
    assert (
        "content/tutorials/failing.yaml:10:5: step 2 (Breaks) failed in Python: exited with status 1\n"
        "  hint: output:\n    got x1\n    boom: the server said no [guide-run]"
    ) in result.stderr
    assert "FAILED: 1 problem; 3 of 4 guide runs passed" in result.stderr

    report = json.loads((demo / "r.json").read_text())
    failing = next(r for r in report["guides"] if r["guide"] == "failing")
    assert [s["outcome"] for s in failing["steps"]] == ["passed", "failed", "not run", "not run"]
    assert report["problems"] == [
        {
            "file": "content/tutorials/failing.yaml",
            "line": 10,
            "column": 5,
            "rule": "guide-run",
            "severity": "error",
            "message": "step 2 (Breaks) failed in Python: exited with status 1",
            "hint": "output:\n    got x1\n    boom: the server said no",
        }
    ]
    suites = ElementTree.parse(demo / "r.xml").getroot()
    case = suites.find("./testsuite[@name='failing']/testcase[@name='python']")
    assert case is not None and case.find("failure") is not None
    assert suites.get("failures") == "1"


def test_output_that_is_not_json_cannot_be_captured(demo: Path) -> None:
    write(
        demo,
        "content/tutorials/plain.yaml",
        """
        title: Plain
        summary: Prints text where JSON was expected.
        steps:
          - title: Plain
            code:
              python: print("plain text")
            capture:
              OTHER: id
          - title: Uses it
            code:
              python: import os; print(os.environ["OTHER"])
        """,
    )
    result = run_portal("check", "-l", "python", cwd=demo)
    assert result.returncode == 1
    assert (
        "content/tutorials/plain.yaml:4:5: step 1 (Plain) failed in Python: "
        "its output is not JSON (needed for its captures)"
    ) in result.stderr


def test_a_hanging_step_is_killed_within_its_timeout_and_leaves_nothing_behind(demo: Path, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    set_option(demo, "guide_timeout: 3")
    write(
        demo,
        "content/tutorials/hang.yaml",
        f"""
        title: Hang
        summary: Starts a background process and never ends.
        steps:
          - title: Hang
            code:
              python: |
                import subprocess, time
                child = subprocess.Popen(["sleep", "300"])
                open({str(pids)!r}, "w").write(str(child.pid))
                time.sleep(300)
        """,
    )
    started = time.monotonic()
    result = run_portal("check", "-l", "python", cwd=demo)
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "step 1 (Hang) failed in Python: timed out after 3 s (its process group was killed)" in result.stderr
    child = int(pids.read_text())
    time.sleep(0.2)
    assert not _alive(child), "the snippet's background process outlived it"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state


def test_a_quickstart_over_its_budget_fails(demo: Path) -> None:
    guide = demo / "content" / "quickstarts" / "send-your-first-message.yaml"
    guide.write_text(guide.read_text().replace("  lines: 40\n", "  lines: 5\n"))
    result = run_portal("check", "-l", "curl", cwd=demo)
    assert result.returncode == 1
    assert (
        "content/quickstarts/send-your-first-message.yaml:2:1: time to first call over budget in curl: "
        "8 lines of code (budget 5)\n"
        "  hint: shorten the path to the first call, or raise `budget:` in the guide [guide-budget]"
    ) in result.stderr


def test_the_configured_budget_applies_to_quickstarts(demo: Path) -> None:
    set_option(demo, "quickstart_budget: {reading_seconds: 10}")
    guide = demo / "content" / "quickstarts" / "send-your-first-message.yaml"
    assert "reading_seconds" not in guide.read_text()
    result = run_portal("check", "-l", "curl", cwd=demo)
    assert result.returncode == 1
    assert "time to first call over budget in curl: 34 s of reading (budget 10 s)" in result.stderr
    assert result.stderr.count("over budget") == 1  # tutorials keep their own budgets

    (demo / "mkdocs.yml").write_text((demo / "mkdocs.yml").read_text().replace("reading_seconds: 10", "speed: 10"))
    result = run_portal("build", cwd=demo)
    assert result.returncode == 1
    assert "mkdocs.yml: unknown quickstart_budget limit 'speed'" in result.stderr


def test_guides_run_against_a_sandbox_with_its_key(demo: Path) -> None:
    """--base-url and --api-key-env: the same guides, a real server, the real key."""
    project = load_project(PortalConfig(project_dir=demo))
    keys: list[str] = []

    class Sandbox(MockApi):
        def handle(self, method, target, headers=(), body=b""):  # type: ignore[no-untyped-def]
            keys.append(dict((k.lower(), v) for k, v in dict(headers).items()).get("authorization", ""))
            return super().handle(method, target, headers, body)

    sandbox = Sandbox(project.api, project.source.data, project.source.version)
    with serve_mock(sandbox) as server:
        result = run_portal(
            "check",
            "-l",
            "python,curl",
            "--base-url",
            server.base_url,
            "--api-key-env",
            "SANDBOX_KEY",
            cwd=demo,
            env={"SANDBOX_KEY": "rk_test_sandbox"},
        )
    assert result.returncode == 0, result.stderr
    assert f"Guides run against {server.base_url}" in result.stderr
    assert keys and set(keys) == {"Bearer rk_test_sandbox"}

    result = run_portal("check", "--base-url", "http://127.0.0.1:9", "--api-key-env", "UNSET_KEY", cwd=demo)
    assert result.returncode == 1
    assert "--api-key-env UNSET_KEY: that environment variable is not set" in result.stderr


def test_usage_errors_exit_2(demo: Path) -> None:
    result = run_portal("check", "--record", "--base-url", "http://127.0.0.1:9", cwd=demo)
    assert result.returncode == 2
    assert "--record keeps what was measured against the mock server" in result.stderr


def test_portal_mock_serves_the_spec(demo: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_gen", "mock", "--port", "0"],
        cwd=demo,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # Ctrl-C as a terminal sends it: a test before this one in the worker may have
        # left SIGINT ignored, which a child inherits, and the mock would never hear it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+/v1) ", line)
        assert match, line
        base = match.group(1)
        missing_auth = requests.get(f"{base}/messages", timeout=10)
        assert missing_auth.status_code == 401
        answer = requests.get(f"{base}/messages/{EXAMPLE_ID}", headers={"Authorization": "Bearer x"}, timeout=10)
        assert answer.status_code == 200 and answer.json()["id"] == EXAMPLE_ID
        wrong = requests.get(
            f"{base}/messages", params={"limit": 500}, headers={"Authorization": "Bearer x"}, timeout=10
        )
        assert wrong.status_code == 400
        assert "query parameter 'limit': 500 is greater than the maximum of 100" in wrong.json()["problems"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0


# -- what a reader copies from the page, run as the page says --------------------------


def _step_blocks(page: str, number: int) -> list[list[str]]:
    """Per tab of step ``number``'s code, the text of its code blocks (the program,
    then the shell lines that run it and keep its captures), as a reader copies them."""
    from html import unescape

    section = page.split(f'<h2 id="step-{number}">', 1)[1].split("<h2 ", 1)[0].split("portal-step__expected", 1)[0]
    tabs = section.split('<div class="tabbed-content">', 1)[1].split('<div class="tabbed-block">')[1:]
    return [
        [unescape(re.sub(r"<[^>]+>", "", pre)) for pre in re.findall(r"<pre>(.*?)</pre>", tab, re.S)] for tab in tabs
    ]


@pytest.mark.parametrize("lang", ["curl", "python", "javascript", "go", "java", "ruby", "php"])
def test_a_reader_who_follows_the_quickstart_sends_the_id_the_api_returned(
    lang: str, demo: Path, tmp_path: Path
) -> None:
    """Step 2's code as the page shows it, run as the page says, keeps the id the API
    returned (the mock makes up a new one, never the spec's example), and step 3's code
    asks for that message."""
    from portal_gen.snippets.languages import LANGUAGES

    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    page = (demo / "site" / "quickstarts" / "send-your-first-message" / "index.html").read_text(encoding="utf-8")
    index = list(LANGUAGES).index(lang)
    send, check = _step_blocks(page, 2)[index], _step_blocks(page, 3)[index]
    language = LANGUAGES[lang]
    assert EXAMPLE_ID not in "".join(send + check)
    assert all("..." not in block for block in send + check)
    project = load_project(PortalConfig(project_dir=demo))
    seen: list[str] = []
    workdir = tmp_path / "reader"
    bin_dir = tmp_path / "bin"
    workdir.mkdir()
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)  # the interpreter that has requests
    with serve_mock(MockApi.from_project(project), log=seen.append) as server:

        def here(text: str) -> str:
            return text.replace("https://api.relay.example/v1", server.base_url)

        if language.run:  # a program: saved, then run as the page's shell lines say
            assert len(send) == 2 and len(check) == 1
            script = (
                f"cat > {language.filename} <<'PORTAL_END'\n{here(send[0])}PORTAL_END\n{send[1]}"
                f"cat > {language.filename} <<'PORTAL_END'\n{here(check[0])}PORTAL_END\n{language.run}\n"
            )
        else:  # shell: pasted into one terminal
            assert len(send) == 1 and len(check) == 1
            script = here(send[0]) + here(check[0])
        env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(workdir),
            "RELAY_API_KEY": "rk_test_123",
            **language.run_env(tmp_path / "cache"),
        }
        if "JAVA_HOME" in os.environ:
            env["JAVA_HOME"] = os.environ["JAVA_HOME"]
        ran = subprocess.run(
            ["bash", "-e", "-c", script], cwd=workdir, env=env, capture_output=True, text=True, timeout=240
        )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    created = json.loads((workdir / "response.json").read_text())["id"]
    assert created != EXAMPLE_ID
    assert seen == ["POST /v1/messages 202", f"GET /v1/messages/{created} 200"]
    assert f'"id": "{created}"' in ran.stdout.replace('":"', '": "')  # step 3 printed that message
