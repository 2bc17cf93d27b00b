"""Time a warm rebuild: `portal build` after one edit, with the page cache of a previous build.

    python benchmarks/warm_rebuild.py [--spec FILE] [--runs 3]
    python benchmarks/warm_rebuild.py --serve [--spec FILE] [--runs 3] [--port PORT]
    python benchmarks/warm_rebuild.py --demo [DIR] [--serve]

By default the spec is GitHub's REST API description (fetched by build_large.py into
benchmarks/.cache/). The script scaffolds a portal around it with `portal new`, builds it
cold, then for each kind of edit (one operation's description in the spec; one step of
the quickstart; nothing at all) changes the input, rebuilds, and reports the wall time
of `portal build` and how many cache entries the build wrote (pages rendered again).

--demo measures a copy of the demo portal at the repository root instead (or of the one
in DIR, e.g. a worktree of another commit): its inputs, not its output.

--serve measures the live preview instead: after the cold `portal build` (which warms the
page cache) it starts `portal serve -a 127.0.0.1:PORT`, waits until it serves the pages
that show each edit, then for each kind of edit writes it and fetches the page over HTTP
every 50 ms until the new text is there. It reports the time from the end of the file
write to the new text being served, split with serve's log (each line timestamped as it
arrives) into the watcher's delay (write to "Detected file changes": MkDocs polls the
files every 0.5 s), its debounce ("Detected" to "Building documentation..." or, for
portal's quick rebuild, "Only portal's inputs changed": 0.1 s without further changes)
and the rebuild (from there to "Reloading browsers"). It also counts the rebuilds each
edit caused, says which were quick ones and how many pages they wrote again, and shows
serve's warnings and errors. The server
runs in a process group of its own, stopped (SIGINT, then SIGTERM, then SIGKILL) even
when the script fails.

The 1-minute load average is printed before each measurement. Standard library only.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
GITHUB = HERE / ".cache" / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
DEMO_FILES = ("mkdocs.yml", "openapi", "content", "site_templates", "portal-verified.json")
ENV = {"SOURCE_DATE_EPOCH": "1767225600"}


def portal(*args: str, cwd: Path) -> float:
    """Run portal; return its wall time (exit on failure)."""
    env = {**os.environ, **ENV}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "portal_gen", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"portal {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return elapsed


def written_entries(project: Path, since: float) -> int:
    """Pages the engine rendered after ``since`` (each one's cache record is written anew)."""
    folder = project / ".portal-cache" / "pages"
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.iterdir() if p.suffix == ".page" and p.stat().st_mtime > since)


def spec_file(project: Path) -> Path:
    return next((project / "openapi").glob("*.json"), None) or next((project / "openapi").glob("*.y*ml"))


def guide_file(project: Path) -> Path:
    """The starter quickstart of `portal new`, or the first quickstart of another portal."""
    guide = project / "content" / "quickstarts" / "first-call.yaml"
    return guide if guide.is_file() else sorted((project / "content" / "quickstarts").glob("*.y*ml"))[0]


def replace_yaml_value(lines: list[str], index: int, value: str) -> None:
    """Give the ``key:`` on ``lines[index]`` a one-line value, dropping a block value under it."""
    line = lines[index]
    key_indent = len(line) - len(re.sub(r"^\s*(?:-\s+)?", "", line))
    end = index + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > key_indent):
        end += 1
    while end > index + 1 and not lines[end - 1].strip():  # blank lines before the next key stay
        end -= 1
    lines[index:end] = [line[: line.index(":") + 1] + " " + value]


def edit_description(project: Path, round_: int) -> None:
    """Change the description of the spec's first operation (JSON, or YAML edited as text)."""
    spec = spec_file(project)
    if spec.suffix == ".json":
        data = json.loads(spec.read_text(encoding="utf-8"))
        for item in data["paths"].values():
            for method in ("get", "post", "put", "patch", "delete"):
                if isinstance(item.get(method), dict):
                    item[method]["description"] = f"Edited for round {round_}."
                    spec.write_text(json.dumps(data), encoding="utf-8")
                    return
        return
    lines = spec.read_text(encoding="utf-8").split("\n")
    start = lines.index("paths:")
    op = next(i for i in range(start, len(lines)) if re.match(r"\s+(get|post|put|patch|delete):\s*$", lines[i]))
    indent = len(lines[op]) - len(lines[op].lstrip())
    body = op + 1
    while body < len(lines) and (not lines[body].strip() or len(lines[body]) - len(lines[body].lstrip()) > indent):
        body += 1
    key = " " * (len(lines[op + 1]) - len(lines[op + 1].lstrip())) + "description:"
    found = next((i for i in range(op + 1, body) if lines[i].startswith(key)), None)
    if found is None:
        lines.insert(op + 1, f"{key} Edited for round {round_}.")
    else:
        replace_yaml_value(lines, found, f"Edited for round {round_}.")
    spec.write_text("\n".join(lines), encoding="utf-8")


def edit_guide(project: Path, round_: int) -> None:
    """Change the text of the starter quickstart's first step."""
    guide = guide_file(project)
    lines = guide.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if re.match(r"\s+(?:-\s+)?text:", line))
    replace_yaml_value(lines, first, f"Edited for round {round_}.")
    guide.write_text("\n".join(lines), encoding="utf-8")


EDITS = (
    ("one operation description edited", edit_description),
    ("one quickstart step edited", edit_guide),
)


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def measure_build(project: Path, runs: int) -> None:
    cold = portal("build", cwd=project)
    pages = len(list((project / ".portal-cache" / "output").iterdir()))
    rows: list[tuple[str, list[float], int]] = [("cold build (empty cache)", [cold], pages)]
    for label, change in (*EDITS, ("nothing edited", lambda project, round_: None)):
        times: list[float] = []
        rendered: list[int] = []
        for round_ in range(runs):
            change(project, round_)
            since = time.time()
            times.append(portal("build", cwd=project))
            rendered.append(written_entries(project, since))
        rows.append((label, times, max(rendered)))
    width = max(28, *(len(", ".join(f"{t:.2f}" for t in times)) + 2 for _, times, _ in rows))
    print(f"\n{'build':<36}{'wall (s), median':>18}{'runs':>{width}}{'pages rendered':>16}")
    for label, times, count in rows:
        runs_ = ", ".join(f"{t:.2f}" for t in times)
        print(f"{label:<36}{statistics.median(times):>18.2f}{runs_:>{width}}{count:>16}")
    print(f"\n{pages} generated pages; target: a warm rebuild after one edit in under 2 s")


class Serve:
    """`portal serve` in a process group of its own, its output lines timestamped as they arrive."""

    def __init__(self, project: Path, port: int, tmp: Path) -> None:
        self.url = f"http://127.0.0.1:{port}/"
        self.log: list[tuple[float, str]] = []
        # TMPDIR: MkDocs builds into a temporary folder, removed with ours even if serve is killed.
        env = {**os.environ, **ENV, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)}
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "portal_gen", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            # A shell's background job ignores SIGINT, and Python keeps an inherited SIG_IGN: without
            # this, SIGINT would not stop serve, and its shutdown (which removes its site) would not run.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append((time.perf_counter(), line.rstrip("\n")))

    def fetch(self, path: str) -> str | None:
        """The page's text, or None if serve does not serve it (yet)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=120) as response:
                page: bytes = response.read()
                return page.decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for(self, path: str, text: str, timeout: float) -> float:
        """Fetch the page every 50 ms until it shows ``text``; return when it first did."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"portal serve exited ({self.proc.returncode}):\n{self.tail()}")
            page = self.fetch(path)
            if page is not None and text in page:
                return time.perf_counter()
            time.sleep(0.05)
        sys.exit(f"{self.url}{path} did not show {text!r} within {timeout:.0f} s:\n{self.tail()}")

    def wait_idle(self, quiet: float, timeout: float) -> None:
        """Until every rebuild serve started has ended, its log was quiet for ``quiet`` s
        and it has no child process left (the spec's validation, which goes on after a
        quick rebuild): one edit is measured at a time, not on top of the last one."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            lines = [line for _, line in self.log]
            started = sum("Detected file changes" in line for line in lines)
            ended = sum("Reloading browsers" in line or "error happened during the rebuild" in line for line in lines)
            last = self.log[-1][0] if self.log else self.start
            if started <= ended and time.perf_counter() - last >= quiet and not self.children():
                return
            time.sleep(0.1)

    def children(self) -> list[str]:
        """The pids of serve's child processes (Linux; elsewhere none are seen)."""
        found: list[str] = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*/children"):
            try:
                found += task.read_text().split()
            except OSError:
                continue
        return found

    def tail(self, count: int = 30) -> str:
        return "\n".join(line for _, line in self.log[-count:])

    def stop(self) -> None:
        """SIGINT to the group (MkDocs shuts down and removes its site), then SIGTERM, then SIGKILL."""
        for sig, grace in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(grace)
                os.killpg(self.proc.pid, 0)  # the leader is gone: is anything else in its group left?
            except (subprocess.TimeoutExpired, PermissionError):
                continue
            except ProcessLookupError:
                break
        self.proc.wait()
        self.reader.join(5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def page_showing(site: Path, text: str, others: list[str]) -> str:
    """The URL path of a built page that shows ``text`` (and none of ``others``)."""
    pages = sorted(
        page.relative_to(site).as_posix()
        for page in site.rglob("*.html")
        if text in (content := page.read_text(encoding="utf-8", errors="replace"))
        and not any(other in content for other in others)
    )
    if not pages:
        sys.exit(f"no page of {site} shows {text!r}")
    path = pages[0]
    return path[: -len("index.html")] if path.endswith("index.html") else path


def measure_serve(project: Path, runs: int, port: int, timeout: float, tmp: Path) -> None:
    # Markers: -1 and -2 before the cold build, to find the pages to watch; then 1, 2, ... one per edit.
    markers = {label: f"Edited for round {-n}." for n, (label, _) in enumerate(EDITS, start=1)}
    for n, (_, change) in enumerate(EDITS, start=1):
        change(project, -n)
    print(f"load {load()}: cold portal build", file=sys.stderr)
    cold = portal("build", cwd=project)
    pages = {
        label: page_showing(project / "site", marker, [m for other, m in markers.items() if other != label])
        for label, marker in markers.items()
    }
    print(f"cold build {cold:.2f} s; pages watched: {', '.join('/' + p for p in pages.values())}", file=sys.stderr)

    serve_tmp = tmp / "serve-tmp"
    serve_tmp.mkdir()
    print(f"load {load()}: portal serve on 127.0.0.1:{port}", file=sys.stderr)
    server = Serve(project, port, serve_tmp)
    rows: list[tuple[str, list[Run]]] = []
    try:
        for label, marker in markers.items():
            ready = server.wait_for(pages[label], marker, timeout)
        started = ready - server.start
        server.wait_idle(quiet=1.5, timeout=timeout)
        number = 0
        for label, change in EDITS:
            runs_: list[Run] = []
            for _ in range(runs):
                number += 1
                text = f"Edited for round {number}."
                before = server.fetch(pages[label])
                if before is None or text in before:
                    sys.exit(f"/{pages[label]} is not served, or already shows {text!r}")
                load_before = load()
                print(f"load {load_before}: {label}, round {len(runs_) + 1} of {runs}", file=sys.stderr)
                first = len(server.log)
                change(project, number)
                written, since = time.perf_counter(), time.time()
                seen = server.wait_for(pages[label], text, timeout)
                server.wait_idle(quiet=1.5, timeout=timeout)
                log = server.log[first:]
                run = Run(load_before, seen - written, *phases(log, written), written_entries(project, since))
                quick = [m for _, line in log if (m := re.search(r"rebuilt in [\d.]+ seconds: (\d+) of", line))]
                run.kind = f"quick ({quick[0].group(1)} pages)" if quick else "full"
                runs_.append(run)
            rows.append((label, runs_))
    finally:
        server.stop()
    report_serve(cold, started, rows, server.log)


@dataclasses.dataclass
class Run:
    """One edit under `portal serve`: seconds from the end of the write, and what serve logged."""

    load: str  # the 1-minute load average before the edit
    visible: float  # to the page showing the edit
    watcher: float | None  # to "Detected file changes"
    debounce: float | None  # from there to "Building documentation..."
    rebuild: float | None  # from there to "Reloading browsers"
    rebuilds: int  # "Detected file changes" after the write
    mkdocs: list[float]  # "Documentation built in" (full) or "rebuilt in" (quick) after the write
    rendered: int  # cache entries written: pages rendered again
    kind: str = ""  # "quick (N pages)" or "full"


def phases(
    log: list[tuple[float, str]], written: float
) -> tuple[float | None, float | None, float | None, int, list[float]]:
    """From serve's log after the write: the phases of the (first) rebuild, the rebuilds, MkDocs' times."""

    def first(text: str, after: float | None) -> float | None:
        return None if after is None else next((t for t, line in log if text in line and t >= after), None)

    detected = first("Detected file changes", written)
    starts = [t for t in (first("Building documentation", detected), first("Only portal's inputs", detected)) if t]
    building = min(starts) if starts else None
    reloaded = first("Reloading browsers", building)
    built = [float(m.group(1)) for _, line in log if (m := re.search(r"Documentation (?:re)?built in ([\d.]+)", line))]
    return (
        None if detected is None else detected - written,
        None if building is None or detected is None else building - detected,
        None if reloaded is None or building is None else reloaded - building,
        sum("Detected file changes" in line for _, line in log),
        built,
    )


def report_serve(cold: float, started: float, rows: list[tuple[str, list[Run]]], log: list[tuple[float, str]]) -> None:
    def cell(values: list[float | None]) -> str:
        known = [v for v in values if v is not None]
        median = f"{statistics.median(known):.2f}" if known else "-"
        return f"{median} ({', '.join('-' if v is None else f'{v:.2f}' for v in values)})"

    print(f"\ncold portal build {cold:.2f} s; portal serve up, pages served {started:.2f} s after its start")
    print("\nportal serve: seconds from the end of the write to the page showing the edit, median (runs)")
    for label, runs in rows:
        print(f"\n{label}")
        for name, key in (
            ("new text served", "visible"),
            ("  watcher: write -> 'Detected file changes'", "watcher"),
            ("  debounce: -> 'Building documentation'", "debounce"),
            ("  rebuild: -> 'Reloading browsers'", "rebuild"),
        ):
            print(f"  {name:<46}{cell([getattr(run, key) for run in runs])}")
        print(f"  {'  build time serve logged':<46}{', '.join(str(run.mkdocs) for run in runs)}")
        print(f"  {'kind of rebuild':<46}{', '.join(run.kind for run in runs)}")
        print(f"  {'rebuilds per edit':<46}{', '.join(str(run.rebuilds) for run in runs)}")
        print(f"  {'cache entries written (pages rendered)':<46}{', '.join(str(run.rendered) for run in runs)}")
        print(f"  {'1-minute load average before the run':<46}{', '.join(run.load for run in runs)}")
    noted = [line for _, line in log if not line.startswith("INFO: ")]
    print(f"\nserve's log: {len(log)} lines, {len(noted)} not INFO" + (":" if noted else ""))
    for line in noted[:40]:
        print(f"  {line}")
    print("\ntarget: `portal serve` shows one edit in under 2 s")


def make_project(tmp: Path, args: argparse.Namespace) -> Path:
    project = tmp / "portal"
    if args.demo:
        project.mkdir()
        for name in DEMO_FILES:
            source = args.demo / name
            if source.is_dir():
                shutil.copytree(source, project / name)
            elif source.is_file():
                shutil.copy(source, project / name)
        print(f"demo portal of {args.demo} ({spec_file(project).name})", file=sys.stderr)
        return project
    portal("new", str(project), "--spec", str(args.spec.resolve()), cwd=tmp)
    spec = next((project / "openapi").iterdir())
    print(f"spec: {args.spec} ({spec.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=GITHUB, help="the OpenAPI file (default: GitHub's)")
    parser.add_argument(
        "--demo",
        type=Path,
        nargs="?",
        const=ROOT,
        help="measure a copy of the demo portal in DIR (default: the repository's)",
        metavar="DIR",
    )
    parser.add_argument("--runs", type=int, default=3, help="rebuilds per kind of edit (the median is shown)")
    parser.add_argument("--serve", action="store_true", help="measure `portal serve` instead of `portal build`")
    parser.add_argument("--port", type=int, default=0, help="port for --serve on 127.0.0.1 (default: a free one)")
    parser.add_argument("--timeout", type=float, default=300, help="--serve: seconds to wait for a page (default 300)")
    args = parser.parse_args()
    if args.demo is None and not args.spec.is_file():
        sys.exit(f"{args.spec} not found: run benchmarks/build_large.py once to fetch it, or pass --spec")
    with tempfile.TemporaryDirectory(prefix="portal-warm-") as tmp:
        project = make_project(Path(tmp), args)
        if args.serve:
            measure_serve(project, args.runs, args.port or free_port(), args.timeout, Path(tmp))
        else:
            measure_build(project, args.runs)


if __name__ == "__main__":
    main()
