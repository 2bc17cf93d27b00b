#!/usr/bin/env python3
"""Build every spec of a corpus of real, public API descriptions, and sort the results.

For each spec in the corpus folder (default ``benchmarks/.cache/corpus/``, filled by
``corpus_fetch.py`` from the list in ``benchmarks/corpus-sources.json``), in a fresh
temporary folder, the script runs ``portal new DIR --spec SPEC`` and then ``portal build``
in ``DIR``, each as a subprocess in a session of its own with a time limit (``--timeout``,
300 s by default; the whole process group is killed past it) and a pared-down
environment (``PATH``, ``HOME``, the locale, ``TMPDIR``, ``PYTHONPATH`` and ``PORTAL_*``
only). It classifies each spec:

* **built**: both commands exited 0;
* **refused**: a command exited non-zero with a diagnostic and no Python traceback; the
  first line of the diagnostic is kept, with the step that refused (``new`` or
  ``build``), whether the message has a place (``file:line:col`` other than ``1:1``)
  and whether it has a JSON pointer (portal's spec diagnostics end in ``(at paths → ...)``;
  a ``#/...`` pointer counts too): a pointer says where in the document, not only which
  file;
* **crashed**: a ``Traceback (most recent call last)`` in the output, a signal, or the
  time limit.

It also counts the warnings the two commands print (lines starting with ``WARNING`` or
holding ``warning:``). With ``--redocly`` it runs ``redocly build-docs SPEC -o TMP/x.html``
too (the binary in ``benchmarks/.cache/node_modules/.bin/``, offline: no telemetry, no
update check) and reports whether Redocly builds the spec, so that the table shows the
specs that Redocly builds and portal does not. With ``--strict`` a spec that built is
built again with ``portal build --strict`` and the result is reported. With
``--quickstart``, ``portal check -l curl`` runs on each project that built: the
quickstart ``portal new`` wrote must draw no problem and its curl run, against the mock
server built from the spec, must pass.

Swagger 2.0 documents are out of portal's scope: portal must refuse them with a clear
message. They are marked ``swagger`` and left out of the targets.

It prints one row per spec (name, operations, size, result, step, seconds for ``new`` +
``build``, warnings, Redocly's result, the first line of a refusal), then a summary:
built / refused / crashed, refusals without a pointer, specs Redocly builds and portal
does not, and the total time; and checks the targets of issue 23: every spec that Redocly
builds builds, no crash, no refusal without a JSON pointer. Specs run ``-j`` at a time
(default 2), so with the default the times are those of two builds sharing the machine.

Usage::

    python benchmarks/corpus.py [CORPUS] [-j 2] [--timeout 300] [--redocly] [--strict]
                                [--quickstart] [--only NAME,...] [--json FILE] [--markdown]
                                [--keep] [--check-targets]

Exit status: 0, or 1 with ``--check-targets`` when a target is missed; 2 when the set-up
is impossible (no corpus, no ``portal``). Standard library only; Python 3.10+.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
CORPUS_DIR = CACHE_DIR / "corpus"
SOURCES = BENCH_DIR / "corpus-sources.json"
REDOCLY_BIN = CACHE_DIR / "node_modules" / ".bin" / "redocly"
# As in build_large.py: Redocly must not reach the network.
REDOCLY_ENV = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "REDOCLY_SUPPRESS_NOTIFICATIONS": "true",
    "DO_NOT_TRACK": "1",
    "NPM_CONFIG_UPDATE_NOTIFIER": "false",
}
# What the commands see of this process's environment.
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYTHONPATH", "SOURCE_DATE_EPOCH")
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
TRACEBACK = "Traceback (most recent call last)"
PLACE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+):")
# portal's pointer: "(at paths → /x → get → ...)". A "#/..." inside a quoted $ref names the
# $ref's target, not where the problem is, so it does not count.
POINTER = re.compile(r"\(at [^)]+\)")
BOX = re.compile(r"[╔╚║═]")
MORE = re.compile(r"\.\.\. and (\d+) more\b")
NOT_A_DIAGNOSTIC = re.compile(r"^(WARNING|INFO|DEBUG)\b|^\s*$")


@dataclass
class Step:
    """One command's outcome."""

    command: str
    returncode: int | None  # None: killed at the time limit
    seconds: float
    output: str  # stdout and stderr, interleaved

    @property
    def crashed(self) -> bool:
        return self.returncode is None or self.returncode < 0 or TRACEBACK in self.output


@dataclass
class Row:
    """One spec's results."""

    name: str
    spec: str
    operations: int | None
    bytes: int | None
    swagger: bool
    result: str = "?"  # built, refused, crashed
    step: str = ""  # new or build: the step that refused or crashed
    seconds: float = 0.0  # portal new + portal build
    seconds_new: float = 0.0
    seconds_build: float = 0.0
    warnings: int = 0
    warning_lines: list[str] = field(default_factory=list)
    warnings_unplaced: int = 0  # warnings with neither a place (past 1:1) nor a pointer
    first_line: str = ""
    message: str = ""  # the whole diagnostic (warnings left out); for a crash, the traceback's end
    has_place: bool = False
    has_pointer: bool = False
    returncode: int | None = None
    redocly: str = "-"  # built, failed, timeout, or - (not run)
    redocly_seconds: float | None = None
    redocly_message: str = ""
    strict: str = "-"  # passed, failed, crashed, or - (not run)
    strict_first_line: str = ""
    quickstart: str = "-"  # accepted, refused, crashed, or - (not run); with --quickstart
    quickstart_calls: bool = False  # the starter quickstart calls the API (not prose only)
    quickstart_message: str = ""


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def human(size: int | None) -> str:
    if size is None:
        return "?"
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {name: os.environ[name] for name in KEPT_ENV if name in os.environ}
    env.update({name: value for name, value in os.environ.items() if name.startswith("PORTAL_")})
    env.setdefault("LC_ALL", "C.UTF-8")
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


def run(command: list[str], cwd: Path, timeout: float, env: dict[str, str]) -> Step:
    """Run ``command`` in a session of its own; past ``timeout``, kill its process group."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        returncode: int | None = process.returncode
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        returncode = None
    seconds = time.perf_counter() - start
    text = output.decode("utf-8", errors="replace")
    if returncode is None:
        text += f"\n[killed after {timeout:g} s]"
    return Step(" ".join(command), returncode, seconds, text)


def warning_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("WARNING") or "warning:" in line]


def count_warnings(lines: list[str]) -> int:
    """The warnings the lines stand for: portal prints the first few of a kind, then
    ``... and N more ... warnings``, which stands for N."""
    total = 0
    for line in lines:
        more = MORE.search(line)
        total += int(more[1]) if more else 1
    return total


def placed(line: str) -> bool:
    """Whether a diagnostic line says where: a ``file:line:col`` past 1:1, or a pointer."""
    place = PLACE.match(re.sub(r"^(WARNING|ERROR|INFO):\s*", "", line))
    return bool(POINTER.search(line) or (place and (place["line"], place["col"]) != ("1", "1")))


def diagnostic(output: str) -> list[str]:
    """The lines of a refusal, without the warnings printed before it (nor their hints)."""
    kept: list[str] = []
    in_warning = False
    for line in output.splitlines():
        if NOT_A_DIAGNOSTIC.search(line):
            in_warning = bool(line.strip())
            continue
        if in_warning and line[:1].isspace():
            continue  # a warning's "  hint: ..." line
        in_warning = False
        kept.append(line.rstrip())
    return kept


def traceback_tail(output: str, lines: int = 15) -> str:
    """The last ``lines`` lines of the last traceback's frames, then its exception (up to 5 lines)."""
    start = output.rfind(TRACEBACK)
    text = (output[start:] if start >= 0 else output).rstrip().splitlines()
    exception = exception_line(text)
    if exception is None:
        return "\n".join(text[-lines:])
    return "\n".join(text[max(exception - lines, 0) : exception] + text[exception : exception + 5])


def exception_line(text: list[str]) -> int | None:
    """Index of the exception's first line: the first unindented line after the last frame."""
    frames = [i for i, line in enumerate(text) if line.startswith("  File ")]
    for i in range(frames[-1] + 1 if frames else 1, len(text)):
        if text[i] and not text[i][0].isspace():
            return i
    return None


def classify(row: Row, step_name: str, step: Step) -> None:
    """Fill ``row`` from a failed step."""
    row.step = step_name
    row.returncode = step.returncode
    if step.crashed:
        row.result = "crashed"
        if step.returncode is None:
            row.first_line = f"timeout: killed after {step.seconds:.0f} s"
        elif TRACEBACK in step.output:
            text = step.output[step.output.rfind(TRACEBACK) :].rstrip().splitlines()
            at = exception_line(text)
            row.first_line = text[at] if at is not None else text[-1]
        else:
            row.first_line = f"killed by signal {-step.returncode}"
        row.message = traceback_tail(step.output)
        return
    row.result = "refused"
    lines = diagnostic(step.output)
    row.first_line = lines[0] if lines else f"(no message; exit status {step.returncode})"
    row.message = "\n".join(lines)
    place = PLACE.match(row.first_line)
    row.has_place = bool(place and (place["line"], place["col"]) != ("1", "1"))
    row.has_pointer = bool(POINTER.search(row.message))


def build_one(row: Row, args: argparse.Namespace, portal: list[str], base: Path) -> Row:
    """``portal new``, ``portal build`` (and the optional runs) for one spec."""
    workdir = Path(tempfile.mkdtemp(prefix=f"corpus-{row.name[:40]}-", dir=base))
    env = environment()
    spec = Path(row.spec)
    try:
        project = workdir / "project"
        new = run([*portal, "new", str(project), "--spec", str(spec)], workdir, args.timeout, env)
        row.seconds_new = new.seconds
        warnings = warning_lines(new.output)
        if new.returncode != 0 or new.crashed:
            classify(row, "new", new)
        else:
            build = run([*portal, "build"], project, args.timeout, env)
            row.seconds_build = build.seconds
            warnings += warning_lines(build.output)
            if build.returncode != 0 or build.crashed:
                classify(row, "build", build)
            else:
                row.result = "built"
                if args.strict:
                    strict = run([*portal, "build", "--strict", "-d", "site-strict"], project, args.timeout, env)
                    if strict.crashed:
                        row.strict = "crashed"
                        text = strict.output.rstrip().splitlines()
                        at = exception_line(text)
                        row.strict_first_line = text[at] if at is not None else (text[-1] if text else "")
                    elif strict.returncode == 0:
                        row.strict = "passed"
                    else:
                        row.strict = "failed"
                        # --strict fails on the warnings: the first one is the cause.
                        lines = warning_lines(strict.output) or diagnostic(strict.output)
                        row.strict_first_line = lines[0] if lines else ""
                if args.quickstart:
                    check_quickstart(row, project, portal, args.timeout, env)
        row.seconds = row.seconds_new + row.seconds_build
        row.warnings = count_warnings(warnings)
        row.warnings_unplaced = sum(1 for line in warnings if not placed(line) and not MORE.search(line))
        row.warning_lines = warnings[:50]
        if args.redocly:
            html = workdir / "redoc.html"
            redocly = run(
                [str(REDOCLY_BIN), "build-docs", str(spec), "-o", str(html)],
                workdir,
                args.timeout,
                environment(REDOCLY_ENV),
            )
            row.redocly_seconds = round(redocly.seconds, 2)
            if redocly.returncode is None:
                row.redocly = "timeout"
            elif redocly.returncode == 0 and html.is_file():
                row.redocly = "built"
            else:
                row.redocly = "failed"
                lines = [line for line in redocly.output.splitlines() if line.strip() and not BOX.search(line)]
                row.redocly_message = "\n".join(lines[-10:])
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return row


QUICKSTART = "content/quickstarts/first-call.yaml"


def check_quickstart(row: Row, project: Path, portal: list[str], timeout: float, env: dict[str, str]) -> None:
    """Whether ``portal check`` accepts the quickstart ``portal new`` wrote: no problem in
    its file, and its curl run (against the mock server built from the spec) passes.
    Problems elsewhere (the spec's own warnings, which check reports as errors) are not
    the quickstart's."""
    row.quickstart_calls = "call:" in (project / QUICKSTART).read_text(encoding="utf-8")
    report_file = project / "check.json"
    check = run([*portal, "check", "-l", "curl", "--json", str(report_file)], project, timeout, env)
    if check.crashed or not report_file.is_file():
        row.quickstart = "crashed"
        row.quickstart_message = traceback_tail(check.output, 5) or check.output[-500:]
        return
    report = json.loads(report_file.read_text(encoding="utf-8"))
    mine = [p for p in report["problems"] if p.get("file") == QUICKSTART]
    failed = [g for g in report["guides"] if g["file"] == QUICKSTART and not g["ok"]]
    ran = [g for g in report["guides"] if g["file"] == QUICKSTART]
    if mine or failed or not ran:
        row.quickstart = "refused"
        if mine:
            row.quickstart_message = f"{mine[0].get('line')}: {mine[0].get('message')}"
        elif failed:
            steps = [s for s in failed[0]["steps"] if s["outcome"] != "passed"]
            row.quickstart_message = (steps[0]["message"] or steps[0]["outcome"]) if steps else "failed"
        else:
            row.quickstart_message = "not run"
    else:
        row.quickstart = "accepted"


def count_operations(spec: Path) -> int | None:
    """Operations under ``paths`` of a JSON spec; ``None`` for YAML (no parser in the stdlib)."""
    if spec.suffix != ".json":
        return None
    try:
        document = json.loads(spec.read_text(encoding="utf-8-sig"))
        paths = document.get("paths") or {}
        return sum(1 for item in paths.values() if isinstance(item, dict) for key in item if key in HTTP_METHODS)
    except (OSError, ValueError, AttributeError):
        return None


def is_swagger(spec: Path) -> bool:
    head = spec.read_bytes()[:65536].decode("utf-8", errors="replace")
    return bool(re.search(r'"swagger"\s*:|^swagger\s*:', head, re.MULTILINE))


def find_specs(corpus: Path, sources: dict[str, dict[str, Any]]) -> list[Row]:
    """One row per spec: a spec file at the top of ``corpus``, or a folder holding one.

    In a folder, the spec is the manifest's ``entry`` for that name, or else its only
    top-level JSON or YAML file, or else the top-level one that says ``openapi``/``swagger``.
    """
    rows: list[Row] = []
    for path in sorted(corpus.iterdir()):
        if path.name.startswith("."):
            continue
        known = sources.get(path.stem if path.is_file() else path.name, {})
        if path.is_file():
            if path.suffix not in SPEC_SUFFIXES:
                continue
            spec = path
        elif known.get("entry") and (path / known["entry"]).is_file():
            spec = path / known["entry"]
        else:
            candidates = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SPEC_SUFFIXES)
            if len(candidates) > 1:
                candidates = [
                    p
                    for p in candidates
                    if re.search(r"\b(openapi|swagger)\b", p.read_bytes()[:4096].decode("utf-8", "replace"))
                ]
            if len(candidates) != 1:
                progress(f"{path.name}: skipped (no single spec file at its top level)")
                continue
            spec = candidates[0]
        name = path.stem if path.is_file() else path.name
        size = known.get("files_bytes") if known.get("files", 1) > 1 else known.get("bytes")
        rows.append(
            Row(
                name=name,
                spec=str(spec),
                operations=known.get("operations", count_operations(spec)),
                bytes=size if size is not None else spec.stat().st_size,
                swagger=str(known.get("openapi", "")).startswith("swagger") or is_swagger(spec),
            )
        )
    return rows


def portal_command() -> list[str]:
    """The ``portal`` CLI of this interpreter's environment, or the one on the PATH."""
    beside = Path(sys.executable).parent / "portal"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("portal")
    if found is None:
        raise SystemExit("error: no `portal` command; install portal first (pip install -e .)")
    return [found]


def tool_version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return out.splitlines()[0] if out else "?"


def source_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(BENCH_DIR.parent), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(BENCH_DIR.parent), "status", "--porcelain", "--", "portal_gen"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return (out or "?") + (" (portal_gen modified)" if dirty else "")


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def result_label(row: Row) -> str:
    return f"{row.result} ({row.step})" if row.step else row.result


def table(
    rows: list[Row], markdown: bool, redocly: bool, strict: bool, width: int = 110, quickstart: bool = False
) -> list[str]:
    headers = ["spec", "ops", "size", "result", "s", "warnings"]
    if redocly:
        headers.append("Redocly")
    if strict:
        headers.append("--strict")
    if quickstart:
        headers.append("quickstart")
    headers.append("first line of the refusal or crash")
    body = []
    for row in rows:
        cells = [
            row.name + (" (Swagger 2.0)" if row.swagger else ""),
            "?" if row.operations is None else f"{row.operations:,}",
            human(row.bytes),
            result_label(row),
            f"{row.seconds:.1f}",
            str(row.warnings),
        ]
        if redocly:
            cells.append(row.redocly)
        if strict:
            cells.append(row.strict)
        if quickstart:
            cells.append(
                f"{row.quickstart}, {'calls' if row.quickstart_calls else 'prose'}" if row.quickstart != "-" else "-"
            )
        mark = ""
        if row.result == "refused":
            missing = [
                name for name, present in (("place", row.has_place), ("pointer", row.has_pointer)) if not present
            ]
            mark = f"[no {' / no '.join(missing)}] " if missing else ""
        if markdown:
            first = row.first_line.replace("`", "'").replace("|", "\\|")
            cells.append(f"{mark}`{first}`" if first else "")
        else:
            cells.append(shorten(mark + row.first_line, width))
        body.append(cells)
    if markdown:
        right = {1, 2, 4, 5}
        lines = [
            "| " + " | ".join(headers) + " |",
            "| " + " | ".join("---:" if i in right else "---" for i in range(len(headers))) + " |",
        ]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return lines
    widths = [max(len(h), *(len(cells[i]) for cells in body)) for i, h in enumerate(headers[:-1])]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers[:-1], widths, strict=True)) + "  " + headers[-1]]
    lines.append("-" * min(sum(widths) + 2 * len(widths) + 40, 200))
    for cells in body:
        lines.append(
            "  ".join(
                c.rjust(w) if i in (1, 2, 4, 5) else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells[:-1], widths, strict=True))
            )
            + "  "
            + cells[-1]
        )
    return lines


def summary(rows: list[Row], args: argparse.Namespace, wall: float) -> tuple[list[str], list[tuple[str, bool, str]]]:
    """The summary lines and the targets (name, met, detail)."""
    count = {kind: [row for row in rows if row.result == kind] for kind in ("built", "refused", "crashed")}
    in_scope = [row for row in rows if not row.swagger]
    swagger = [row for row in rows if row.swagger]
    refused = [row for row in count["refused"] if not row.swagger]
    no_pointer = [row for row in refused if not row.has_pointer]
    no_place = [row for row in refused if not row.has_place]
    no_pointer_placed = [row for row in no_pointer if row.has_place]
    lines = [
        f"Specs: {len(rows)} ({len(in_scope)} OpenAPI 3.x, {len(swagger)} Swagger 2.0)",
        f"Built: {len(count['built'])}   refused: {len(count['refused'])}   crashed: {len(count['crashed'])}",
        f"OpenAPI 3.x refused: {len(refused)}, of which without a JSON pointer: {len(no_pointer)}, "
        f"without a place (file:line:col past 1:1): {len(no_place)}",
        "Swagger 2.0: "
        + (", ".join(f"{row.name} {result_label(row)}" for row in swagger) if swagger else "none in the corpus"),
        f"Warnings: {sum(row.warnings for row in rows):,} "
        f"(by {sum(1 for row in rows if row.warnings)} specs); with neither a place past 1:1 nor a pointer: "
        f"{sum(row.warnings_unplaced for row in rows)}"
        + (
            " (" + ", ".join(f"{row.name} {row.warnings_unplaced}" for row in rows if row.warnings_unplaced) + ")"
            if any(row.warnings_unplaced for row in rows)
            else ""
        ),
        f"Time: {wall:.0f} s wall for the whole run with -j {args.jobs}; "
        f"portal new + build summed over the specs: {sum(row.seconds for row in rows):.0f} s",
    ]
    if no_pointer:
        lines.append(
            "Refusals without a JSON pointer: "
            + ", ".join(row.name for row in no_pointer)
            + f" ({len(no_pointer_placed)} of them with a place, file:line:col)"
        )
    redocly_only: list[Row] = []
    if args.redocly:
        redocly_built = [row for row in in_scope if row.redocly == "built"]
        redocly_only = [row for row in redocly_built if row.result != "built"]
        lines.append(
            f"Redocly builds {sum(1 for row in rows if row.redocly == 'built')} of {len(rows)} "
            f"({len(redocly_built)} of the {len(in_scope)} OpenAPI 3.x); "
            f"Redocly builds, portal doesn't: {len(redocly_only)}"
            + (" (" + ", ".join(row.name for row in redocly_only) + ")" if redocly_only else "")
        )
        neither = [row.name for row in in_scope if row.redocly != "built" and row.result != "built"]
        portal_only = [row.name for row in in_scope if row.redocly != "built" and row.result == "built"]
        if portal_only:
            lines.append("portal builds, Redocly doesn't: " + ", ".join(portal_only))
        if neither:
            lines.append("Neither builds: " + ", ".join(neither))
        lines.append(f"Redocly time summed: {sum(row.redocly_seconds or 0 for row in rows):.0f} s")
    if args.strict:
        strict_failed = [row.name for row in rows if row.strict in ("failed", "crashed")]
        lines.append(
            f"portal build --strict: {sum(1 for row in rows if row.strict == 'passed')} passed, "
            f"{len(strict_failed)} failed" + (f" ({', '.join(strict_failed)})" if strict_failed else "")
        )
    if args.quickstart:
        checked = [row for row in rows if row.quickstart != "-"]
        refused_quickstarts = [row for row in checked if row.quickstart != "accepted"]
        lines.append(
            f"Starter quickstarts (portal check -l curl): {len(checked) - len(refused_quickstarts)} of "
            f"{len(checked)} accepted, {sum(1 for row in checked if row.quickstart_calls)} of them call the API"
            + (
                " (refused: " + ", ".join(f"{row.name}: {row.quickstart_message}" for row in refused_quickstarts) + ")"
                if refused_quickstarts
                else ""
            )
        )
    swagger_unclear = [row.name for row in swagger if row.result != "refused"]
    targets = [
        (
            "every OpenAPI 3.x spec that Redocly builds builds",
            not redocly_only,
            "not measured (no --redocly)" if not args.redocly else f"{len(redocly_only)} do not",
        ),
        ("no crash", not count["crashed"], f"{len(count['crashed'])} crashed"),
        ("no refusal without a JSON pointer (OpenAPI 3.x)", not no_pointer, f"{len(no_pointer)} without"),
        ("Swagger 2.0 refused, without a crash", not swagger_unclear, ", ".join(swagger_unclear) or "all refused"),
    ]
    if args.quickstart:
        bad = [row.name for row in rows if row.quickstart not in ("-", "accepted")]
        targets.append(("portal check accepts every starter quickstart", not bad, ", ".join(bad) or "all accepted"))
    return lines, targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "corpus", nargs="?", type=Path, default=CORPUS_DIR, help="folder of specs (default: %(default)s)"
    )
    parser.add_argument("-j", "--jobs", type=int, default=2, help="specs built at once (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per command (default: %(default)s)")
    parser.add_argument("--redocly", action="store_true", help="also run `redocly build-docs` on each spec")
    parser.add_argument(
        "--strict", action="store_true", help="also run `portal build --strict` on each spec that built"
    )
    parser.add_argument(
        "--quickstart",
        action="store_true",
        help="also run `portal check -l curl` on each project that built: is the starter quickstart accepted?",
    )
    parser.add_argument("--only", help="comma-separated spec names: build only these")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="the corpus' manifest (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="write every row (full messages included) to FILE as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    parser.add_argument("--keep", action="store_true", help="keep each spec's temporary folder")
    parser.add_argument("--workdir", type=Path, help="where the temporary folders go (default: the system's)")
    parser.add_argument("--check-targets", action="store_true", help="exit 1 when a target of issue 23 is missed")
    parser.add_argument(
        "--report", type=Path, metavar="FILE", help="build nothing: print the table and summary of a --json FILE"
    )
    args = parser.parse_args(argv)

    if args.report is not None:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        header = {key: value for key, value in saved.items() if key != "rows"}
        rows = [Row(**row) for row in saved["rows"]]
        args.redocly = any(row.redocly != "-" for row in rows)
        args.strict = any(row.strict != "-" for row in rows)
        args.quickstart = any(row.quickstart != "-" for row in rows)
        args.jobs = header["jobs"]
        return report(rows, args, header, header["wall_s"], None)

    if not args.corpus.is_dir():
        print(f"error: no corpus at {args.corpus}; gather it with benchmarks/corpus_fetch.py", file=sys.stderr)
        return 2
    if args.redocly and not REDOCLY_BIN.is_file():
        print(
            f"error: no {REDOCLY_BIN}; install it with "
            f"`npm install --no-audit --no-fund --prefix {CACHE_DIR} @redocly/cli`",
            file=sys.stderr,
        )
        return 2
    sources: dict[str, dict[str, Any]] = {}
    if args.sources.is_file():
        sources = {spec["name"]: spec for spec in json.loads(args.sources.read_text(encoding="utf-8"))["specs"]}
    rows = find_specs(args.corpus, sources)
    if args.only:
        wanted = set(args.only.split(","))
        rows = [row for row in rows if row.name in wanted]
    if not rows:
        print(f"error: no spec in {args.corpus}", file=sys.stderr)
        return 2
    portal = portal_command()
    header = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "portal": tool_version([*portal, "--version"]).rsplit(" ", 1)[-1],
        "commit": source_commit(),
        "redocly": tool_version([str(REDOCLY_BIN), "--version"]) if args.redocly else "-",
        "cpus": os.cpu_count(),
        "jobs": args.jobs,
        "timeout_s": args.timeout,
    }
    base = Path(tempfile.mkdtemp(prefix="portal-corpus-", dir=args.workdir))
    done = 0
    lock = threading.Lock()

    def task(row: Row) -> Row:
        nonlocal done
        build_one(row, args, portal, base)
        with lock:
            done += 1
            redocly = f", Redocly {row.redocly}" if args.redocly else ""
            progress(f"[{done}/{len(rows)}] {row.name}: {result_label(row)} in {row.seconds:.1f} s{redocly}")
        return row

    start = time.perf_counter()
    try:
        # Big specs first, so that the longest builds do not end the run alone.
        order = sorted(rows, key=lambda row: -(row.bytes or 0))
        with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
            list(pool.map(task, order))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    wall = time.perf_counter() - start
    return report(rows, args, header, wall, base)


def report(rows: list[Row], args: argparse.Namespace, header: dict[str, Any], wall: float, base: Path | None) -> int:
    """Print the table, the summary and the targets; write the JSON file; the exit status."""
    print(
        f"portal {header['portal']} (commit {header['commit']}), Redocly CLI {header['redocly']}, "
        f"{header['cpus']} CPUs, -j {header['jobs']}, timeout {header['timeout_s']:g} s, {header['date']}"
    )
    print()
    print("\n".join(table(rows, args.markdown, args.redocly, args.strict, quickstart=args.quickstart)))
    print()
    lines, targets = summary(rows, args, wall)
    print("\n".join(lines))
    print()
    print("Targets (issue 23):")
    for name, met, detail in targets:
        status = "SKIP" if detail.startswith("not measured") else "PASS" if met else "FAIL"
        print(f"  [{status}] {name}: {detail}")
    if args.keep and base is not None:
        print(f"\nTemporary folders kept under {base}")
    if args.json is not None and args.report is None:
        payload = {**header, "wall_s": round(wall, 1), "rows": [asdict(row) for row in rows]}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"Rows written to {args.json}")
    missed = [name for name, met, detail in targets if not met and not detail.startswith("not measured")]
    return 1 if args.check_targets and missed else 0


if __name__ == "__main__":
    sys.exit(main())
