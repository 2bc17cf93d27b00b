#!/usr/bin/env python3
"""Benchmark ``portal diff`` on real spec histories, and check it reports nothing on real
specs that did not change (issue 28).

**Pairs.** GitHub's REST API description is published on npm as ``@octokit/openapi``,
one version per release (file ``generated/api.github.com.json``, about 1,200 operations
and 13 MB). The script lists the published versions (``npm view @octokit/openapi
versions --json``), fetches the ones it needs with ``npm pack @octokit/openapi@X
--pack-destination benchmarks/.cache/diff/`` and keeps ``api.github.com.json`` and
``package.json`` of each under ``benchmarks/.cache/diff/<version>/`` (the tarball is
deleted once read). The version installed by ``build_large.py`` in
``benchmarks/.cache/node_modules/`` is read in place and never touched. By default it
compares the two newest consecutive versions whose ``api.github.com.json`` differ
(pairs whose files are byte-identical are passed over and named); ``--pairs N`` takes
the N newest such pairs; ``--versions A B`` any two versions.

For each pair it runs ``portal diff BASE HEAD --format json --fail-on never`` as a
subprocess ``--repeat`` times (default 3) and reports the median wall time (with the
CPU time and peak RSS of that run, from ``os.wait4``), the counts by level and by
section from the JSON, the operations in each spec (counted from the files), the most
frequent kinds and the first breaking changes. Then ``portal diff HEAD HEAD``, once,
which must report 0 changes, and once in-process the steps the CLI takes (import, load
each spec, compare, write the JSON report), timed apart with portal's own functions.
Target: under 5 s per pair. The machine's load average is printed with the figures:
other work on the machine lengthens the wall times.

**No noise on real specs.** For every spec of the corpus (``benchmarks/.cache/corpus/``,
listed as ``corpus.py`` lists it; Swagger 2.0 documents left out) it runs ``portal diff X
X`` and ``portal diff X Y``, where Y is X written again: JSON as YAML and YAML as JSON,
every mapping's keys in reverse order. Both must report 0 changes. A spec that ``portal
diff`` refuses (exit status 2) is counted apart and not checked. Y is written by the
interpreter that runs ``portal`` (PyYAML is portal's dependency; this script stays
stdlib-only): it reads X with portal's own loader, so it sees the values portal sees
(dates kept as strings, ``200:`` keys as strings), writes Y, reads Y back and checks it
holds the same values; a copy that does not is reported as such and not held against
``portal diff``. A multi-file spec (``$ref``s to other files) is copied whole into a
temporary folder first, every file of it rewritten in place with its keys reversed (the
YAML files as JSON text, which YAML reads, under their own names so that the ``$ref``s
still find them).

Usage::

    python benchmarks/diff_real.py [--versions A B | --pairs N] [--repeat 3] [--sample 10]
                                   [--no-corpus | --only NAME,...] [-j 2] [--timeout 300]
                                   [--keep] [--fetch-only] [--json FILE] [--strict]

Progress goes to stderr, the report to stdout. Exit status: 0; 1 with ``--strict`` when
a target is missed; 2 when the set-up is impossible (no npm, no such version, no
``portal diff``) or ``portal diff`` fails on a pair. Standard library only; Python 3.10+.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CORPUS_DIR, SOURCES, environment, find_specs, portal_command, source_commit, tool_version

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
DIFF_CACHE = CACHE_DIR / "diff"
PACKAGE = "@octokit/openapi"
SPEC_IN_PACKAGE = "generated/api.github.com.json"
SPEC_NAME = "api.github.com.json"
INSTALLED = CACHE_DIR / "node_modules" / "@octokit" / "openapi"
TARGET_S = 5.0  # issue 28: a diff of two versions of GitHub's spec in under 5 s
LEVELS = ("breaking", "warning", "info")
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
TRACEBACK = "Traceback (most recent call last)"
NPM_ENV = {"NPM_CONFIG_UPDATE_NOTIFIER": "false", "NPM_CONFIG_FUND": "false", "NPM_CONFIG_AUDIT": "false"}
MB = 1_000_000

# Run by the interpreter that runs `portal`: write SOURCE again as the other format, every
# mapping's keys reversed, read the copy back with portal's loader and compare.
#   argv: SOURCE OUT_DIR ROOT_OF_TREE-or-""
# With a tree root (a multi-file spec), the whole folder is copied into OUT_DIR and each
# file is rewritten in place under its own name (YAML as JSON text, JSON as JSON).
# Prints one JSON line: {"spec": path of the copy, "files": n, "faithful": bool, "problem": str}.
RESERIALIZE = r"""
import json, shutil, sys
from pathlib import Path
import yaml
from portal_gen.load.sources import load_document

source, out_dir, tree = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

def reverse(value):
    if isinstance(value, dict):
        return {key: reverse(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reverse(item) for item in value]
    return value

def as_json(data):
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

def as_yaml(data):
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)

def read(path):
    return load_document(path, str(path), 1 << 40).data

def rewrite(original, copy, json_text):
    data = reverse(read(original))
    copy.write_text(as_json(data) if json_text else as_yaml(data), encoding="utf-8")
    return read(copy) == data

faithful, problem, files = True, "", 0
try:
    if tree:
        root = Path(tree)
        shutil.copytree(root, out_dir / "tree", symlinks=False)
        spec = out_dir / "tree" / source.relative_to(root)
        for path in sorted((out_dir / "tree").rglob("*")):
            if path.is_file() and path.suffix in (".json", ".yaml", ".yml"):
                try:
                    same = rewrite(path, path, True)
                except Exception:
                    if path == spec:
                        raise
                    continue  # a file the spec does not read (left as it is)
                files += 1
                if not same:
                    faithful, problem = False, f"{path.relative_to(out_dir)} reads back differently"
    else:
        spec = out_dir / (source.stem + (".yaml" if source.suffix == ".json" else ".json"))
        files = 1
        if not rewrite(source, spec, spec.suffix == ".json"):
            faithful, problem = False, "the copy reads back differently"
except Exception as error:  # report, do not crash: the copy is the harness's, not portal's
    faithful, problem, spec = False, f"{type(error).__name__}: {error}"[:500], out_dir
print(json.dumps({"spec": str(spec), "files": files, "faithful": faithful, "problem": problem}))
"""


# Run by the interpreter that runs `portal`, once per pair: where `portal diff`'s time goes,
# in-process (the CLI's steps as it runs them: load both specs, compare, write the JSON).
# It uses portal's internal functions: should they change, the breakdown is left out.
BREAKDOWN = r"""
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from portal_gen.diff import diff_specs
from portal_gen.diff.report import Side, report_json
from portal_gen.load.spec import load_spec
imported = time.perf_counter()
base_path, head_path = Path(sys.argv[1]), Path(sys.argv[2])
base = load_spec(base_path, base_path.parent)
loaded_base = time.perf_counter()
head = load_spec(head_path, head_path.parent)
loaded_head = time.perf_counter()
result = diff_specs(base, head)
compared = time.perf_counter()

def locate(change):
    return head.locate(change.head_pointer) if change.head_pointer is not None else None

text = json.dumps(report_json(result, Side("", "", "base"), Side("", "", "head"), locate), indent=2, ensure_ascii=False)
reported = time.perf_counter()
print(json.dumps({"import_s": imported - start, "load_base_s": loaded_base - imported,
                  "load_head_s": loaded_head - loaded_base, "compare_s": compared - loaded_head,
                  "report_s": reported - compared}))
"""


class SetupError(Exception):
    """The benchmark cannot be set up (no npm, no such version, no ``portal diff``)."""


def progress(message: str) -> None:
    """Tell the user what is going on (stderr, so stdout holds the report only)."""
    print(f"[diff_real] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- the data


def version_key(version: str) -> tuple[Any, ...]:
    """Semantic-version order: ``1.10.0`` after ``1.9.0``, a pre-release before its release."""
    main, _, pre = version.partition("-")
    numbers = tuple(int(part) if part.isdigit() else 0 for part in main.split("."))
    return (numbers, pre == "", tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")))


def npm_command() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise SetupError(f"npm is needed to fetch versions of {PACKAGE}; install Node.js and npm")
    return npm


def installed_version() -> str | None:
    """The version of ``@octokit/openapi`` that ``build_large.py`` installed, if any."""
    try:
        return str(json.loads((INSTALLED / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def cached_versions() -> list[str]:
    found = {path.parent.name for path in DIFF_CACHE.glob(f"*/{SPEC_NAME}")}
    if installed_version() and (INSTALLED / SPEC_IN_PACKAGE).is_file():
        found.add(str(installed_version()))
    return sorted(found, key=version_key)


def published_versions() -> list[str]:
    """Every published version, oldest first; offline, the versions already at hand."""
    command = [npm_command(), "view", PACKAGE, "versions", "--json"]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, **NPM_ENV})
        versions = json.loads(completed.stdout)
        if completed.returncode != 0 or not isinstance(versions, list):
            raise ValueError(completed.stderr.strip() or completed.stdout.strip())
    except (OSError, subprocess.TimeoutExpired, ValueError) as error:
        local = cached_versions()
        progress(f"`{' '.join(command)}` failed ({str(error)[:200]}); using the versions at hand: {local}")
        return local
    return sorted((str(v) for v in versions), key=version_key)


def spec_path(version: str) -> Path:
    """``api.github.com.json`` of ``version``, fetched with ``npm pack`` when missing."""
    if installed_version() == version and (INSTALLED / SPEC_IN_PACKAGE).is_file():
        return INSTALLED / SPEC_IN_PACKAGE
    target = DIFF_CACHE / version / SPEC_NAME
    if not target.is_file():
        fetch(version, target.parent)
    return target


def fetch(version: str, folder: Path) -> None:
    """``npm pack`` one version into ``benchmarks/.cache/diff/``, keep its spec and manifest."""
    DIFF_CACHE.mkdir(parents=True, exist_ok=True)
    command = [npm_command(), "pack", f"{PACKAGE}@{version}", "--pack-destination", str(DIFF_CACHE), "--json"]
    progress(f"fetching {PACKAGE}@{version}: {' '.join(command[1:])}")
    completed = subprocess.run(
        command, cwd=DIFF_CACHE, capture_output=True, text=True, timeout=600, env={**os.environ, **NPM_ENV}
    )
    if completed.returncode != 0:
        raise SetupError(f"`{' '.join(command)}` failed:\n{completed.stdout}{completed.stderr}")
    try:
        filename = json.loads(completed.stdout)[0]["filename"]
    except (ValueError, IndexError, KeyError, TypeError):
        raise SetupError(f"cannot read the output of `{' '.join(command)}`:\n{completed.stdout}") from None
    tarball = DIFF_CACHE / filename
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"package/{SPEC_IN_PACKAGE}": SPEC_NAME, "package/package.json": "package.json"}
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for member_name, name in wanted.items():
                member = archive.extractfile(member_name)
                if member is None:
                    raise SetupError(f"{tarball.name} has no {member_name}")
                part = folder / (name + ".part")
                with part.open("wb") as out:
                    shutil.copyfileobj(member, out)
                part.replace(folder / name)  # the spec appears whole or not at all
    except (KeyError, tarfile.TarError, OSError) as error:
        raise SetupError(f"cannot extract {SPEC_IN_PACKAGE} from {tarball}: {error}") from None
    finally:
        tarball.unlink(missing_ok=True)
    progress(f"  {folder / SPEC_NAME}: {(folder / SPEC_NAME).stat().st_size / MB:.1f} MB")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count_operations(path: Path) -> int:
    document = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        1
        for item in (document.get("paths") or {}).values()
        if isinstance(item, dict)
        for key in item
        if key in HTTP_METHODS
    )


@dataclass
class Pair:
    base: str
    head: str
    base_spec: str
    head_spec: str


def choose_pairs(args: argparse.Namespace) -> tuple[list[Pair], list[str]]:
    """The pairs to compare, and the consecutive pairs passed over as byte-identical."""
    if args.versions:
        base, head = args.versions
        return [Pair(base, head, str(spec_path(base)), str(spec_path(head)))], []
    versions = published_versions()
    if len(versions) < 2:
        raise SetupError(f"fewer than two versions of {PACKAGE} at hand: {versions}")
    pairs: list[Pair] = []
    identical: list[str] = []
    for index in range(len(versions) - 1, 0, -1):
        base, head = versions[index - 1], versions[index]
        base_spec, head_spec = spec_path(base), spec_path(head)
        if digest(base_spec) == digest(head_spec):
            progress(f"{base} and {head}: {SPEC_NAME} identical, passed over")
            identical.append(f"{base} → {head}")
            continue
        pairs.append(Pair(base, head, str(base_spec), str(head_spec)))
        if len(pairs) == args.pairs:
            break
    return pairs, identical


# ---------------------------------------------------------------------- running portal


@dataclass
class Run:
    """One command's outcome, measured by ``os.wait4`` (its own rusage, no one else's)."""

    command: list[str]
    returncode: int | None  # None: killed at the time limit
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int
    stdout: str
    stderr: str

    @property
    def crashed(self) -> bool:
        return self.returncode is None or self.returncode < 0 or TRACEBACK in self.stderr


def measure(command: list[str], cwd: Path, timeout: float) -> Run:
    """Run ``command`` in a session of its own; past ``timeout``, kill its process group."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=environment(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
        stderr = err.read().decode("utf-8", errors="replace")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Run(
        command=command,
        returncode=None if killed.is_set() else process.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_bytes=usage.ru_maxrss * scale,
        stdout=stdout,
        stderr=stderr + (f"\n[killed after {timeout:g} s]" if killed.is_set() else ""),
    )


def diff_command(portal: list[str], base: str, head: str) -> list[str]:
    return [*portal, "diff", base, head, "--format", "json", "--fail-on", "never"]


def read_diff(run: Run) -> dict[str, Any]:
    """The JSON report of a ``portal diff`` run, or a ``SetupError`` saying why not."""
    try:
        report = json.loads(run.stdout)
        if not isinstance(report, dict) or not isinstance(report.get("changes"), list):
            raise ValueError("no 'changes' list")
        return report
    except ValueError as error:
        raise SetupError(
            f"`{' '.join(run.command)}` (exit {run.returncode}) did not print the JSON report ({error}):\n"
            f"{run.stdout[-1500:]}{run.stderr[-1500:]}"
        ) from None


def first_line(run: Run) -> str:
    """The first meaningful line of what a run printed (a crash: its exception line)."""
    text = run.stderr if run.stderr.strip() else run.stdout
    if TRACEBACK in text:
        lines = [line for line in text[text.rfind(TRACEBACK) :].splitlines() if line and not line[0].isspace()]
        return lines[-1] if lines else "traceback"
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(("WARNING", "INFO"))]
    return lines[0][:300] if lines else f"(no output; exit status {run.returncode})"


def load_average() -> float | None:
    """The machine's load over the last minute (others' work slows the measured runs)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def check_cli(portal: list[str]) -> None:
    completed = subprocess.run([*portal, "diff", "--help"], capture_output=True, text=True, timeout=120)
    if completed.returncode != 0:
        raise SetupError(
            f"`portal diff --help` failed (exit {completed.returncode}); is `portal diff` implemented?\n"
            f"{(completed.stdout + completed.stderr)[-800:]}"
        )


# ------------------------------------------------------------------------- the pairs


@dataclass
class PairResult:
    base: str
    head: str
    base_spec: str
    head_spec: str
    base_operations: int
    head_operations: int
    base_bytes: int
    head_bytes: int
    wall_s: float  # median over the rounds
    walls_s: list[float]
    cpu_s: float  # of the median run
    peak_rss_bytes: int  # the worst run
    counts: dict[str, int]  # as the report's "counts" says
    counted: dict[str, int]  # counted from "changes", by level
    sections: dict[str, int]
    kinds: list[tuple[str, str, int]]  # (level, kind, count), most frequent first
    operations_touched: int
    breaking_sample: list[str]
    consistent: bool  # every round reported the same changes
    same_spec_changes: int  # `portal diff HEAD HEAD`
    same_spec_wall_s: float
    breakdown: dict[str, float] | None = None  # in-process seconds: import, load base/head, compare, report
    problems: list[str] = field(default_factory=list)


def measure_pair(pair: Pair, portal: list[str], args: argparse.Namespace, workdir: Path) -> PairResult:
    command = diff_command(portal, pair.base_spec, pair.head_spec)
    runs: list[Run] = []
    outputs: list[str] = []
    problems: list[str] = []
    for round_number in range(1, args.repeat + 1):
        run = measure(command, workdir, args.timeout)
        if run.crashed or run.returncode != 0:
            raise SetupError(
                f"`{' '.join(command)}` exited {run.returncode} (with --fail-on never it must exit 0):\n"
                f"{run.stdout[-1500:]}{run.stderr[-3000:]}"
            )
        runs.append(run)
        outputs.append(run.stdout)
        progress(f"  {pair.base} → {pair.head}, round {round_number}/{args.repeat}: {run.wall_s:.2f} s")
    report = read_diff(runs[0])
    changes = report["changes"]
    counted = Counter(change.get("level") for change in changes)
    counts = {level: int(report.get("counts", {}).get(level, -1)) for level in LEVELS}
    if counts != {level: counted.get(level, 0) for level in LEVELS}:
        problems.append(f"'counts' {counts} differ from the changes listed {dict(counted)}")
    unknown = sorted({str(change.get("level")) for change in changes} - set(LEVELS))
    if unknown:
        problems.append(f"levels outside {LEVELS}: {unknown}")
    missing = sorted(
        {key for change in changes for key in ("level", "kind", "message", "section") if key not in change}
    )
    if missing:
        problems.append(f"changes without {missing}")
    kinds = Counter((str(change.get("level")), str(change.get("kind"))) for change in changes)
    order = {level: index for index, level in enumerate(LEVELS)}
    ordered = sorted(runs, key=lambda run: run.wall_s)
    median = ordered[len(ordered) // 2]
    same = measure(diff_command(portal, pair.head_spec, pair.head_spec), workdir, args.timeout)
    same_changes = -1
    if same.returncode == 0 and not same.crashed:
        same_changes = len(read_diff(same)["changes"])
    else:
        problems.append(f"`portal diff HEAD HEAD` exited {same.returncode}: {first_line(same)}")
    breakdown = time_steps(pair, portal, workdir, args.timeout)
    return PairResult(
        base=pair.base,
        head=pair.head,
        base_spec=pair.base_spec,
        head_spec=pair.head_spec,
        base_operations=count_operations(Path(pair.base_spec)),
        head_operations=count_operations(Path(pair.head_spec)),
        base_bytes=Path(pair.base_spec).stat().st_size,
        head_bytes=Path(pair.head_spec).stat().st_size,
        wall_s=round(statistics.median(run.wall_s for run in runs), 3),
        walls_s=[round(run.wall_s, 3) for run in runs],
        cpu_s=round(median.cpu_s, 3),
        peak_rss_bytes=max(run.peak_rss_bytes for run in runs),
        counts=counts,
        counted={level: counted.get(level, 0) for level in LEVELS},
        sections=dict(Counter(str(change.get("section")) for change in changes).most_common()),
        kinds=[
            (level, kind, n)
            for (level, kind), n in sorted(kinds.items(), key=lambda i: (-i[1], order.get(i[0][0], 9), i[0][1]))
        ],
        operations_touched=len({change["operation"] for change in changes if change.get("operation")}),
        breaking_sample=[
            f"{change.get('operation') or change.get('model') or '-'}: {change.get('kind')}: {change.get('message')}"
            for change in changes
            if change.get("level") == "breaking"
        ][: args.sample],
        consistent=all(output == outputs[0] for output in outputs),
        same_spec_changes=same_changes,
        same_spec_wall_s=round(same.wall_s, 3),
        breakdown=breakdown,
        problems=problems,
    )


def time_steps(pair: Pair, portal: list[str], workdir: Path, timeout: float) -> dict[str, float] | None:
    """Where the time goes, in-process (see ``BREAKDOWN``); None when it cannot be measured."""
    try:
        completed = subprocess.run(
            [portal_python(portal), "-c", BREAKDOWN, pair.base_spec, pair.head_spec],
            cwd=workdir,  # not this script's folder: `-c` puts the working folder first on sys.path
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environment(),
        )
        return {key: round(float(value), 3) for key, value in json.loads(completed.stdout.splitlines()[-1]).items()}
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError, AttributeError):
        progress("  (no breakdown: portal's internal functions could not be called)")
        return None


# ------------------------------------------------------------------------- the corpus


@dataclass
class NoiseResult:
    name: str
    spec: str
    files: int = 1
    status: str = "?"  # checked, refused, crashed, noisy
    same_changes: int | None = None  # portal diff X X
    copy_changes: int | None = None  # portal diff X Y
    copy: str = ""  # Y, when kept
    copy_status: str = "-"  # checked, unfaithful (the copy is the harness's fault), refused, crashed
    seconds_same: float = 0.0
    seconds_copy: float = 0.0
    message: str = ""
    changes: list[dict[str, Any]] = field(default_factory=list)  # the first changes reported, if any


def has_external_refs(spec: Path) -> bool:
    """Whether a spec's ``$ref``s lead to other files (a quick look at the text)."""
    text = spec.read_text(encoding="utf-8", errors="replace")
    return any(not ref.startswith("#") for ref in re.findall(r"""["']?\$ref["']?\s*:\s*["']?([^"'\s,}]+)""", text))


def reserialize(spec: Path, corpus: Path, python: str, out_dir: Path, timeout: float) -> dict[str, Any]:
    tree = ""
    if has_external_refs(spec):
        # The corpus entry's folder: `spec` itself, or the folder at the corpus's top holding it.
        relative = spec.resolve().relative_to(corpus.resolve())
        tree = str(corpus.resolve() / relative.parts[0]) if len(relative.parts) > 1 else str(spec.parent)
    completed = subprocess.run(
        [python, "-c", RESERIALIZE, str(spec.resolve()), str(out_dir), tree],
        cwd=out_dir,  # not this script's folder: `-c` puts the working folder first on sys.path
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    try:
        return dict(json.loads(completed.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        return {"spec": "", "files": 0, "faithful": False, "problem": (completed.stdout + completed.stderr)[-500:]}


def check_noise(
    row: NoiseResult, portal: list[str], python: str, corpus: Path, args: argparse.Namespace, base: Path
) -> NoiseResult:
    workdir = Path(tempfile.mkdtemp(prefix=f"diff-{row.name[:40]}-", dir=base))
    spec = Path(row.spec).resolve()
    same = measure(diff_command(portal, str(spec), str(spec)), workdir, args.timeout)
    row.seconds_same = round(same.wall_s, 2)
    if same.crashed:
        row.status, row.message = "crashed", first_line(same)
        return row
    if same.returncode == 2:
        row.status, row.message = "refused", first_line(same)
        return row
    try:
        report = read_diff(same)
    except SetupError as error:
        row.status, row.message = "crashed", str(error).splitlines()[0]
        return row
    row.same_changes = len(report["changes"])
    row.changes = report["changes"][:5]
    copy = reserialize(spec, corpus, python, workdir, args.timeout)
    row.files, row.copy = int(copy.get("files") or 0), str(copy.get("spec") or "")
    if not copy.get("faithful"):
        row.copy_status, row.message = "unfaithful", str(copy.get("problem"))
    else:
        other = measure(diff_command(portal, str(spec), row.copy), workdir, args.timeout)
        row.seconds_copy = round(other.wall_s, 2)
        if other.crashed:
            row.copy_status, row.message = "crashed", first_line(other)
        elif other.returncode == 2:
            row.copy_status, row.message = "refused", first_line(other)
        else:
            try:
                copied = read_diff(other)
                row.copy_changes = len(copied["changes"])
                row.copy_status = "checked"
                if row.copy_changes and not row.changes:
                    row.changes = copied["changes"][:5]
            except SetupError as error:
                row.copy_status, row.message = "crashed", str(error).splitlines()[0]
    noisy = bool(row.same_changes) or bool(row.copy_changes)
    row.status = "noisy" if noisy else "crashed" if row.copy_status == "crashed" else "checked"
    return row


def portal_python(portal: list[str]) -> str:
    """The interpreter that runs ``portal`` (its script's ``#!`` line), else this one."""
    try:
        with open(portal[0], "rb") as script:
            first = script.readline()
    except OSError:
        return sys.executable
    if first.startswith(b"#!"):
        interpreter = first[2:].decode(errors="replace").strip()
        if " " not in interpreter and Path(interpreter).is_file():
            return interpreter
    return sys.executable


def run_corpus(portal: list[str], args: argparse.Namespace) -> tuple[list[NoiseResult], list[str]]:
    """Check every OpenAPI 3.x spec of the corpus; also the names of the Swagger 2.0 ones left out."""
    sources: dict[str, dict[str, Any]] = {}
    if SOURCES.is_file():
        sources = {spec["name"]: spec for spec in json.loads(SOURCES.read_text(encoding="utf-8"))["specs"]}
    rows = find_specs(args.corpus, sources)
    if args.only:
        wanted = set(args.only.split(","))
        rows = [row for row in rows if row.name in wanted]
    swagger = [row.name for row in rows if row.swagger]
    checks = [NoiseResult(row.name, row.spec) for row in rows if not row.swagger]
    python = portal_python(portal)
    base = Path(tempfile.mkdtemp(prefix="portal-diff-real-"))
    done = 0
    lock = threading.Lock()

    def task(row: NoiseResult) -> NoiseResult:
        nonlocal done
        check_noise(row, portal, python, args.corpus, args, base)
        with lock:
            done += 1
            detail = f"X X: {row.same_changes}, X Y: {row.copy_changes} ({row.copy_status})"
            note = f"; {row.message}" if row.message else ""
            progress(f"[{done}/{len(checks)}] {row.name}: {row.status}; {detail}{note}")
        return row

    try:
        by_size = sorted(checks, key=lambda row: -Path(row.spec).stat().st_size)
        with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
            list(pool.map(task, by_size))
    finally:
        if args.keep:
            progress(f"copies kept under {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    return checks, swagger


# ------------------------------------------------------------------------- the report


def render(
    header: dict[str, Any],
    pairs: list[PairResult],
    identical: list[str],
    noise: list[NoiseResult] | None,
    swagger: list[str],
    targets: list[tuple[str, str, str]],
) -> str:
    lines = [
        f"portal diff on real spec histories: portal {header['portal']} (commit {header['commit']}), "
        f"{header['cpus']} CPUs, {header['date']}",
        f"(`portal --version`, the CLI's start-up: {header['startup_s']:.2f} s; load average over 1 minute "
        f"{header['load_average_before']} before the pairs, {header['load_average_after_pairs']} after)",
        "",
    ]
    if identical:
        lines += [f"Consecutive versions with byte-identical {SPEC_NAME}, passed over: {', '.join(identical)}", ""]
    for pair in pairs:
        lines += [
            f"## {PACKAGE} {pair.base} → {pair.head}",
            f"  operations: {pair.base_operations:,} → {pair.head_operations:,}; "
            f"size: {pair.base_bytes / MB:.1f} MB → {pair.head_bytes / MB:.1f} MB",
            f"  portal diff: {pair.wall_s:.2f} s wall (median of {len(pair.walls_s)}: "
            f"{', '.join(f'{wall:.2f}' for wall in pair.walls_s)}), {pair.cpu_s:.2f} s CPU, "
            f"peak RSS {pair.peak_rss_bytes / MB:.0f} MB",
            f"  changes: {sum(pair.counted.values()):,} (breaking {pair.counted['breaking']}, "
            f"warning {pair.counted['warning']}, info {pair.counted['info']}), "
            f"{pair.operations_touched} operations touched; by section: "
            + ", ".join(f"{name} {n}" for name, n in pair.sections.items()),
            f"  same report every round: {'yes' if pair.consistent else 'NO'}",
            f"  portal diff HEAD HEAD: {pair.same_spec_changes} changes in {pair.same_spec_wall_s:.2f} s",
            "  in-process, once: "
            + (
                ", ".join(
                    f"{key.removesuffix('_s').replace('_', ' ')} {value:.2f} s" for key, value in pair.breakdown.items()
                )
                if pair.breakdown
                else "not measured"
            ),
            "  kinds (level, kind, count):",
        ]
        lines += [f"    {level:8} {kind:55} {n:5}" for level, kind, n in pair.kinds[:15]]
        if len(pair.kinds) > 15:
            lines.append(f"    ... and {len(pair.kinds) - 15} more kinds")
        if pair.breaking_sample:
            lines.append(f"  breaking (first {len(pair.breaking_sample)}):")
            lines += [f"    - {text[:200]}" for text in pair.breaking_sample]
        lines += [f"  PROBLEM: {problem}" for problem in pair.problems]
        lines.append("")
    if noise is not None:
        status = Counter(row.status for row in noise)
        copies = Counter(row.copy_status for row in noise if row.status != "refused")
        lines += [
            "## No noise: portal diff X X and portal diff X Y (Y: X as the other format, keys reversed)",
            f"  specs: {len(noise)} OpenAPI 3.x"
            + (f" ({len(swagger)} Swagger 2.0 left out: {', '.join(swagger)})" if swagger else ""),
            f"  checked: {status['checked'] + status['noisy']} (of which reported changes: {status['noisy']}), "
            f"refused (exit 2): {status['refused']}, crashed: {status['crashed']}",
            f"  X Y compared: {copies['checked']}; copy not faithful (left out): {copies['unfaithful']}; "
            f"copy refused: {copies['refused']}; copy crashed: {copies['crashed']}",
            "  multi-file specs (copied whole): "
            + (", ".join(f"{row.name} ({row.files} files)" for row in noise if row.files > 1) or "none"),
            f"  time: X X summed {sum(row.seconds_same for row in noise):.0f} s, "
            f"X Y summed {sum(row.seconds_copy for row in noise):.0f} s",
        ]
        for row in noise:
            if row.status in ("noisy", "crashed", "refused") or row.copy_status not in ("checked", "-"):
                lines.append(
                    f"  {row.name}: {row.status}; X X {row.same_changes}, X Y {row.copy_changes} "
                    f"({row.copy_status}){': ' + row.message if row.message else ''}"
                )
                for change in row.changes[:3]:
                    lines.append(
                        f"      {change.get('level')} {change.get('kind')}: {str(change.get('message'))[:160]} "
                        f"(at {change.get('pointer') or change.get('location')})"
                    )
        lines.append("")
    lines.append("Targets (issue 28):")
    lines += [f"  [{status}] {name}: {detail}" for name, status, detail in targets]
    return "\n".join(lines)


def check_targets(pairs: list[PairResult], noise: list[NoiseResult] | None) -> list[tuple[str, str, str]]:
    targets = []
    for pair in pairs:
        status = "PASS" if pair.wall_s < TARGET_S else "FAIL"
        targets.append((f"portal diff {pair.base} → {pair.head} under {TARGET_S:g} s", status, f"{pair.wall_s:.2f} s"))
    targets.append(
        (
            "0 changes for GitHub's spec against itself",
            "PASS" if all(pair.same_spec_changes == 0 for pair in pairs) else "FAIL",
            ", ".join(f"{pair.head}: {pair.same_spec_changes}" for pair in pairs),
        )
    )
    if noise is None:
        targets.append(("0 changes on identical corpus specs", "SKIP", "not measured (--no-corpus)"))
        return targets
    noisy_same = [row.name for row in noise if row.same_changes]
    noisy_copy = [row.name for row in noise if row.copy_changes]
    crashed = [row.name for row in noise if row.status == "crashed" or row.copy_status == "crashed"]
    checked = sum(1 for row in noise if row.same_changes is not None)
    compared = sum(1 for row in noise if row.copy_changes is not None)
    targets += [
        (
            "0 changes: portal diff X X",
            "FAIL" if noisy_same else "PASS",
            f"{checked} specs; " + (", ".join(noisy_same) or "none noisy"),
        ),
        (
            "0 changes: portal diff X (X as the other format, keys reversed)",
            "FAIL" if noisy_copy else "PASS",
            f"{compared} specs; " + (", ".join(noisy_copy) or "none noisy"),
        ),
        ("no crash", "FAIL" if crashed else "PASS", ", ".join(crashed) or "none"),
    ]
    return targets


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--versions", nargs=2, metavar=("A", "B"), help=f"compare these two versions of {PACKAGE}")
    choice.add_argument(
        "--pairs", type=int, default=1, metavar="N", help="the N newest consecutive pairs that differ (default 1)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, metavar="N", help="rounds per pair; the median is reported (default 3)"
    )
    parser.add_argument("--no-corpus", action="store_true", help="skip the no-noise check on the corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of specs (default: %(default)s)")
    parser.add_argument("--only", help="comma-separated corpus spec names: check only these")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="corpus specs checked at once (default 2)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per command (default 300)")
    parser.add_argument("--sample", type=int, default=10, help="breaking changes listed per pair (default 10)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus specs' copies (Y) and print where")
    parser.add_argument("--fetch-only", action="store_true", help="fetch the versions and stop (no portal needed)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure to FILE as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.pairs < 1:
        parser.error("--repeat and --pairs take a number of at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        pairs, identical = choose_pairs(args)
        for pair in pairs:
            progress(f"pair {pair.base} → {pair.head}: {pair.base_spec} → {pair.head_spec}")
        if args.fetch_only:
            return 0
        portal = portal_command()
        check_cli(portal)
        header = {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join(["python", *sys.argv]),
            "portal": tool_version([*portal, "--version"]).rsplit(" ", 1)[-1],
            "commit": source_commit(),
            "cpus": os.cpu_count(),
            "repeat": args.repeat,
            "startup_s": round(measure([*portal, "--version"], BENCH_DIR, args.timeout).wall_s, 3),
            "load_average_before": load_average(),
        }
        workdir = Path(tempfile.mkdtemp(prefix="portal-diff-pairs-"))
        try:
            results = []
            for pair in pairs:
                progress(f"portal diff {pair.base} → {pair.head}, {args.repeat} rounds")
                results.append(measure_pair(pair, portal, args, workdir))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        header["load_average_after_pairs"] = load_average()
        noise: list[NoiseResult] | None = None
        swagger: list[str] = []
        if not args.no_corpus:
            if not args.corpus.is_dir():
                raise SetupError(f"no corpus at {args.corpus}; gather it with benchmarks/corpus_fetch.py")
            noise, swagger = run_corpus(portal, args)
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    targets = check_targets(results, noise)
    print(render(header, results, identical, noise, swagger, targets))
    if args.json is not None:
        payload = {
            **header,
            "identical_pairs": identical,
            "pairs": [asdict(result) for result in results],
            "corpus": None if noise is None else [asdict(row) for row in noise],
            "swagger_left_out": swagger,
            "targets": [{"name": name, "status": status, "detail": detail} for name, status, detail in targets],
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"Figures written to {args.json}")
    missed = [name for name, status, _ in targets if status == "FAIL"]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
