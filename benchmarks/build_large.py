#!/usr/bin/env python3
"""Benchmark a cold ``portal build`` of a large spec against ``redocly build-docs``.

By default the spec is GitHub's REST API description (``api.github.com.json``
from the npm package ``@octokit/openapi``: about 1,200 operations, 13 MB).
Both npm packages it needs (``@octokit/openapi`` and ``@redocly/cli``) are
installed at run time into ``benchmarks/.cache/`` (gitignored), and only when
they are missing.

In one run the script measures:

* ``redocly build-docs SPEC -o TMP/redoc.html``: wall time, peak RSS, size of
  the HTML file; run twice per round: through ``npx @redocly/cli build-docs``,
  the command the performance issue names (npx starts npm first, which finds
  the installed package), and as the installed binary alone, which leaves npx's
  start-up out (stricter);
* ``portal new TMP/gh --spec SPEC`` (it validates the spec): wall time, peak RSS;
* ``portal build`` in ``TMP/gh`` (cold: a fresh project and a fresh site
  folder): wall time, peak RSS, site size (sum of the file sizes and ``du``-style
  disk usage) and file count.

Every measured command runs under its own small Python wrapper process, which
times it and then reads ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``. As
the wrapper waits for nothing else, that figure is the exact peak RSS of the
measured command alone; strictly, of the largest single process in its tree.
Since ``portal build`` validates the spec in a forked process while it renders,
and writes part of the pages from another, the wrapper also samples the whole
tree's memory on Linux (RSS and PSS summed over the processes alive at once,
every second). The memory target is checked
against the larger of the exact single-process peak and the sampled RSS sum,
an upper bound because pages shared after a fork count once per process.

It then checks the targets of the foundation issue (cold build within 10x
Redocly's wall time, peak RSS < 1.5 GB, site < 400 MB) and the performance
issue's (within 3x ``npx @redocly/cli build-docs``; also shown against the
binary alone) and prints PASS/FAIL for each. It exits 0 even when a target is missed unless ``--strict`` is given; it
exits 2 when a command fails or the set-up is impossible.

With ``--accel-table`` it also measures what each speed-up behind portal's switch
(``portal_gen.accel``) is worth: in every round, after Redocly, each configuration in
turn (all speed-ups on, the default; all off, ``PORTAL_ACCEL=0``; and each speed-up off
alone, ``PORTAL_ACCEL_SKIP=name``) gets a cold ``portal build``, then a warm one (a
second ``portal build`` into the same site, the cache kept) and a third ("warm again":
only it finds the folders ``site_folders`` kept from the site the second replaced). The
configurations run in a shuffled order, a different one each round. Each build waits
for the last one's detached clean-up of the site it replaced, and after a configuration
that deleted that site (no spare folders kept) the next one waits a minute (see run()).
It prints a Markdown table of the medians (wall and CPU time, and each configuration's
difference from all on), the ratio to Redocly with the speed-ups off as well as on, and
whether every configuration's sites (first round) have the same bytes as the all-on
cold build's. The all-on cold builds are the report's "portal build (cold)".
``serve_quick`` is left out: it only runs in ``portal serve``. Builds run with
``SOURCE_DATE_EPOCH`` fixed in that mode, so that sites of different configurations
can be compared byte for byte.

Units are decimal: 1 MB = 1,000,000 bytes, 1 GB = 1,000,000,000 bytes.

Usage::

    python benchmarks/build_large.py [--spec PATH] [--skip-redocly] [--keep]
                                     [--json FILE] [--strict] [--repeat N]
                                     [--accel-table]

Standard library only; Python 3.10+.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
NODE_MODULES = CACHE_DIR / "node_modules"
OCTOKIT_PACKAGE = "@octokit/openapi"
REDOCLY_PACKAGE = "@redocly/cli"
GITHUB_SPEC = NODE_MODULES / "@octokit" / "openapi" / "generated" / "api.github.com.json"
REDOCLY_BIN = NODE_MODULES / ".bin" / "redocly"
# `npx @redocly/cli` as the performance issue runs it, from the cache folder so that
# npx finds the installed package: --offline and --no make it fail rather than reach
# the registry or install anything.
NPX_REDOCLY = ["npx", "--offline", "--no", REDOCLY_PACKAGE]

# Redocly must never reach the network: no usage telemetry (this also turns off
# the telemetry of the generated page), no npm "new version" check, no
# announcements. With these set, `strace -e trace=connect` shows no connection.
REDOCLY_ENV = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "REDOCLY_SUPPRESS_NOTIFICATIONS": "true",
    "DO_NOT_TRACK": "1",
    "NPM_CONFIG_UPDATE_NOTIFIER": "false",  # npx: no npm version check either
}

# The targets of the foundation issue, and the performance issue's tighter time target.
MAX_TIME_RATIO = 10.0
MAX_TIME_RATIO_FAST = 3.0
MAX_PEAK_RSS = 1_500_000_000  # bytes (1.5 GB)
MAX_SITE_SIZE = 400_000_000  # bytes (400 MB)

# --accel-table: the speed-ups that never run in `portal build`, left out of the table.
NOT_IN_BUILD = {"serve_quick": "only runs in `portal serve`'s rebuilds, never in `portal build`"}
ACCEL_ENV = "PORTAL_ACCEL"
ACCEL_SKIP_ENV = "PORTAL_ACCEL_SKIP"
# Fixed build date (MkDocs' sitemap), so that sites built by different configurations,
# possibly either side of midnight, can be compared byte for byte.
SITE_ENV = {"SOURCE_DATE_EPOCH": "1767225600"}
# Where portal_gen is imported from, what the speed-ups are and which of them run with
# these libraries' versions, asked of the interpreter that runs `portal` (in its own
# process, with the builds' environment: this script stays stdlib-only).
ACCEL_QUERY = r"""
import json, os
import portal_gen
from portal_gen import accel
print(json.dumps({
    "package": os.path.dirname(os.path.abspath(portal_gen.__file__)),
    "speedups": {name: {"summary": s.summary, "active": accel.enabled(name)} for name, s in accel.SPEEDUPS.items()},
}))
"""

MB = 1_000_000
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

# Runs one command, then reports its wall time and the rusage of its process
# tree to a JSON file. Only the measured command is ever waited for here, so
# RUSAGE_CHILDREN describes it and nothing else: ru_maxrss is the exact peak of
# the largest single process in its tree. Where Linux's /proc/PID/smaps_rollup
# exists, a thread also samples the summed memory of the whole tree (processes
# running at the same time, such as portal's forked validation and page-writing
# processes) every SAMPLE_INTERVAL seconds: RSS summed (an upper bound, as pages
# shared after a fork count once per process) and PSS summed (shared pages split
# between their sharers). Sampling can miss a peak shorter than the interval.
SAMPLE_INTERVAL = 1.0  # sampling costs CPU the measured build competes for
WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time
result_path, cwd, interval, *command = sys.argv[1:]

def tree(root):
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    ppid = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found

def memory(root):
    rss = pss = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
    return rss, pss

peaks = None
done = threading.Event()

def sample(root):
    global peaks
    peaks = [0, 0]
    while True:
        rss, pss = memory(root)
        peaks = [max(peaks[0], rss), max(peaks[1], pss)]
        if done.wait(float(interval)):
            return

start = time.perf_counter()
try:
    process = subprocess.Popen(command, cwd=cwd)
except OSError as error:
    print(f"cannot run {command[0]}: {error}", file=sys.stderr)
    returncode = 127
else:
    sampler = None
    if os.path.exists(f"/proc/{process.pid}/smaps_rollup"):
        sampler = threading.Thread(target=sample, args=(process.pid,), daemon=True)
        sampler.start()
    returncode = process.wait()
    done.set()
    if sampler is not None:
        sampler.join()
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
with open(result_path, "w", encoding="utf-8") as out:
    json.dump({"returncode": returncode, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
               "peak_rss_bytes": usage.ru_maxrss * scale,
               "peak_tree_rss_bytes": peaks[0] if peaks else None,
               "peak_tree_pss_bytes": peaks[1] if peaks else None}, out)
"""


class BenchmarkError(Exception):
    """A command failed or the benchmark cannot be set up."""


@dataclass
class Measurement:
    """What the wrapper reports about one command."""

    command: list[str]
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int  # the largest single process of the tree (exact)
    peak_tree_rss_bytes: int | None  # the whole tree's RSS, summed (sampled; None off Linux)
    peak_tree_pss_bytes: int | None  # the whole tree's PSS, summed (sampled; None off Linux)
    log: str

    @property
    def peak_memory_bytes(self) -> int:
        """The most conservative peak: the exact single-process peak or the sampled tree sum."""
        return max(self.peak_rss_bytes, self.peak_tree_rss_bytes or 0)


@dataclass
class TreeSize:
    """Size of a file or folder tree."""

    bytes: int  # sum of the sizes of the regular files
    disk_usage_bytes: int  # allocated blocks, like `du -s` (hard links counted once)
    files: int


@dataclass
class Target:
    """One target of the foundation issue, and how this run did against it."""

    name: str
    limit: str
    value: str
    status: str  # "PASS", "FAIL" or "SKIP"


@dataclass
class Report:
    """All the figures of one run, as written by ``--json``."""

    date: str
    command: str
    spec: str
    spec_bytes: int
    spec_operations: int | None
    environment: dict[str, str]
    redocly: dict[str, Any] | None = None  # the binary alone
    redocly_npx: dict[str, Any] | None = None  # `npx @redocly/cli build-docs`, as the issue runs it
    portal_new: dict[str, Any] | None = None
    portal_build: dict[str, Any] | None = None
    ratio_build_to_redocly: float | None = None
    ratio_build_to_redocly_npx: float | None = None
    ratio_new_and_build_to_redocly: float | None = None
    targets: list[Target] = field(default_factory=list)
    # --accel-table: one row per configuration, the cold build with every speed-up off,
    # and what was odd (failed builds, sites that differ, source changed during the run).
    accel_table: list[dict[str, Any]] | None = None
    portal_build_accel_off: dict[str, Any] | None = None
    ratio_build_accel_off_to_redocly: float | None = None
    ratio_build_accel_off_to_redocly_npx: float | None = None
    notes: list[str] = field(default_factory=list)
    repeat: int | None = None  # rounds (--repeat)
    load_average: list[list[float]] = field(default_factory=list)  # 1/5/15 min, before each round and at the end


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command-line options."""
    parser = argparse.ArgumentParser(
        description="Time a cold `portal build` of a large OpenAPI spec against `redocly build-docs`.",
    )
    parser.add_argument(
        "--spec",
        type=Path,
        help="benchmark this OpenAPI file instead of GitHub's api.github.com.json",
    )
    parser.add_argument("--skip-redocly", action="store_true", help="do not install or run Redocly")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="run Redocly and the cold portal build N times each, alternating, and report the median "
        "wall time (memory: the worst run); default 3",
    )
    parser.add_argument(
        "--accel-table",
        action="store_true",
        help="also time a cold build and two warm ones with portal's speed-ups all on, all off and each off "
        "alone (PORTAL_ACCEL, PORTAL_ACCEL_SKIP), round-robin, and print a Markdown table of the medians",
    )
    return parser.parse_args(argv)


def median_run(runs: list[Measurement]) -> Measurement:
    """The run with the median wall time, carrying the worst memory figures of all runs.

    Single runs of a few seconds (Redocly) vary by ±30% here with disk caches and
    background noise; the median of alternating runs compares like with like.
    """
    ordered = sorted(runs, key=lambda run: run.wall_s)
    middle = ordered[len(ordered) // 2]
    return replace(
        middle,
        peak_rss_bytes=max(run.peak_rss_bytes for run in runs),
        peak_tree_rss_bytes=max((run.peak_tree_rss_bytes or 0 for run in runs), default=0) or None,
        peak_tree_pss_bytes=max((run.peak_tree_pss_bytes or 0 for run in runs), default=0) or None,
    )


def is_installed(package: str) -> bool:
    """Whether the npm ``package`` is present in the cache folder."""
    if not (NODE_MODULES / package / "package.json").is_file():
        return False
    return package != REDOCLY_PACKAGE or REDOCLY_BIN.exists()


def ensure_npm_packages(packages: list[str]) -> None:
    """Install into ``benchmarks/.cache`` those of ``packages`` that are missing."""
    missing = [package for package in packages if not is_installed(package)]
    if not missing:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise BenchmarkError(f"npm is needed to install {', '.join(missing)}; install Node.js and npm")
    command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CACHE_DIR), *missing]
    progress(f"installing {' '.join(missing)} into {CACHE_DIR} ...")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise BenchmarkError(f"`{' '.join(command)}` failed:\n{completed.stdout}{completed.stderr}")
    still_missing = [package for package in missing if not is_installed(package)]
    if still_missing:
        raise BenchmarkError(f"npm did not install {', '.join(still_missing)} into {CACHE_DIR}")


def package_version(package: str) -> str:
    """Version of an npm package installed in the cache folder, or ``"?"``."""
    try:
        manifest = json.loads((NODE_MODULES / package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "?"
    return str(manifest.get("version", "?"))


def portal_command() -> list[str]:
    """The ``portal`` CLI of this interpreter's environment (no pyenv shim in between)."""
    beside = Path(sys.executable).parent / ("portal.exe" if os.name == "nt" else "portal")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("portal")
    if found:
        return [found]
    return [sys.executable, "-m", "portal_gen"]


def tool_version(command: list[str]) -> str:
    """First line that ``command`` prints, or ``"?"`` when it cannot be run."""
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (completed.stdout or completed.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def source_commit() -> str:
    """The repository's commit, marked when ``portal_gen/`` has local changes; ``"?"`` outside git."""
    repo = BENCH_DIR.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=30
        )
        changed = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--", "portal_gen"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    if head.returncode != 0:
        return "?"
    return head.stdout.strip() + (" + local changes to portal_gen/" if changed.stdout.strip() else "")


def count_operations(spec: Path) -> int | None:
    """Number of operations in a JSON spec; ``None`` for YAML (no parser in the stdlib)."""
    try:
        document = json.loads(spec.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict):
        return None
    return sum(1 for item in paths.values() if isinstance(item, dict) for method in item if method in HTTP_METHODS)


def optional_int(value: Any) -> int | None:
    """``int(value)``, or ``None`` for ``None``."""
    return None if value is None else int(value)


def measure(command: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Measurement:
    """Run ``command`` in its own wrapper process; output goes to ``log``.

    Raises ``BenchmarkError`` (with the end of the log) when the command fails.
    """
    result_path = log.with_suffix(".result.json")
    with log.open("wb") as out:
        subprocess.run(
            [sys.executable, "-c", WRAPPER, str(result_path), str(cwd), str(SAMPLE_INTERVAL), *command],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            check=False,
        )
    try:
        result = json.loads(result_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BenchmarkError(f"the measuring wrapper of `{' '.join(command)}` failed: {error}") from None
    measurement = Measurement(
        command=command,
        returncode=int(result["returncode"]),
        wall_s=float(result["wall_s"]),
        cpu_s=float(result["cpu_s"]),
        peak_rss_bytes=int(result["peak_rss_bytes"]),
        peak_tree_rss_bytes=optional_int(result.get("peak_tree_rss_bytes")),
        peak_tree_pss_bytes=optional_int(result.get("peak_tree_pss_bytes")),
        log=str(log),
    )
    if measurement.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise BenchmarkError(f"`{' '.join(command)}` exited with {measurement.returncode}; end of {log}:\n{tail}")
    return measurement


def tree_size(root: Path) -> TreeSize:
    """Apparent size, ``du -s``-style disk usage and file count of ``root``."""
    seen: set[tuple[int, int]] = set()
    total = disk = files = 0

    def add(path: str) -> None:
        nonlocal total, disk, files
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode):
            files += 1
            total += info.st_size
        key = (info.st_dev, info.st_ino)
        if key not in seen:
            seen.add(key)
            # st_blocks counts 512-byte units on every POSIX system; Windows has no blocks.
            disk += info.st_blocks * 512 if hasattr(info, "st_blocks") else info.st_size

    add(str(root))
    for folder, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            add(os.path.join(folder, name))
    return TreeSize(bytes=total, disk_usage_bytes=disk, files=files)


def progress(message: str) -> None:
    """Tell the user what is going on (stderr, so stdout holds the report only)."""
    print(f"[build_large] {message}", file=sys.stderr, flush=True)


def mb(value: int) -> str:
    """Bytes as decimal megabytes."""
    return f"{value / MB:,.1f} MB"


def human(value: int) -> str:
    """Bytes as decimal megabytes, or kilobytes below 1 MB."""
    return mb(value) if value >= MB else f"{value / 1000:,.1f} kB"


def figures(measurement: Measurement, **extra: Any) -> dict[str, Any]:
    """The JSON-friendly figures of a measurement."""
    return {
        "command": measurement.command,
        "wall_s": round(measurement.wall_s, 3),
        "cpu_s": round(measurement.cpu_s, 3),
        "peak_rss_bytes": measurement.peak_rss_bytes,
        "peak_tree_rss_bytes": measurement.peak_tree_rss_bytes,
        "peak_tree_pss_bytes": measurement.peak_tree_pss_bytes,
        "peak_memory_bytes": measurement.peak_memory_bytes,
        **extra,
    }


def set_aside(project: Path, attempt: int | str, paths: tuple[Path, ...]) -> None:
    """Move ``paths`` into a folder beside ``project`` that is deleted with the rest.

    ``attempt`` names the folder, so it must differ between calls of one run.
    """
    aside = project.parent / f"set-aside-{attempt}"
    for path in paths:
        if path.exists():
            aside.mkdir(exist_ok=True)
            path.rename(aside / path.name)


@dataclass
class AccelConfig:
    """One configuration of portal's speed-up switch, as measured by ``--accel-table``."""

    key: str  # "on", "off" or the name of the speed-up turned off
    label: str  # the table's first column
    env: dict[str, str]  # PORTAL_ACCEL and PORTAL_ACCEL_SKIP for its builds


def accel_configs(names: list[str]) -> list[AccelConfig]:
    """All on (the default: ``PORTAL_ACCEL`` empty, the same as unset), all off, and each
    of ``names`` off alone."""
    configs = [
        AccelConfig("on", "all on (default)", {ACCEL_ENV: "", ACCEL_SKIP_ENV: ""}),
        AccelConfig("off", "all off (`PORTAL_ACCEL=0`)", {ACCEL_ENV: "0", ACCEL_SKIP_ENV: ""}),
    ]
    configs += [AccelConfig(name, f"`{name}` off", {ACCEL_ENV: "", ACCEL_SKIP_ENV: name}) for name in names]
    return configs


def portal_python(portal: list[str]) -> str:
    """The interpreter that runs ``portal`` (its script's ``#!`` line), else this one."""
    if portal[0] == sys.executable:
        return sys.executable
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


def accel_speedups(portal: list[str], cwd: Path) -> tuple[Path, dict[str, dict[str, Any]]]:
    """The folder ``portal_gen`` is imported from, and ``portal_gen.accel.SPEEDUPS``: each
    name, its summary and whether it runs here."""
    python = portal_python(portal)
    completed = subprocess.run(
        [python, "-c", ACCEL_QUERY],
        cwd=cwd,  # not this script's folder: `-c` puts the working folder first on sys.path
        capture_output=True,
        text=True,
        env={**os.environ, ACCEL_ENV: "", ACCEL_SKIP_ENV: ""},
        timeout=120,
    )
    try:
        answer = json.loads(completed.stdout.strip().splitlines()[-1])
        return Path(answer["package"]), dict(answer["speedups"])
    except (ValueError, IndexError, KeyError, TypeError):
        raise BenchmarkError(
            f"cannot read portal_gen.accel.SPEEDUPS with {python}:\n{completed.stdout}{completed.stderr}"
        ) from None


def source_fingerprint(root: Path) -> str:
    """A digest of every file under ``root`` (``__pycache__`` aside), to see a change mid-run."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def site_digest(site: Path) -> dict[str, str]:
    """Each file of ``site`` by its path, with the SHA-256 of its bytes."""
    return {
        str(path.relative_to(site)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def compare_sites(reference: dict[str, str], other: dict[str, str]) -> str | None:
    """What differs between two ``site_digest`` results, or ``None`` when nothing does."""
    missing = sorted(set(reference) - set(other))
    extra = sorted(set(other) - set(reference))
    changed = sorted(name for name in set(reference) & set(other) if reference[name] != other[name])
    if not (missing or extra or changed):
        return None
    parts = []
    for what, names in (("differ", changed), ("missing", missing), ("extra", extra)):
        if names:
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            parts.append(f"{len(names)} files {what} ({shown})")
    return "; ".join(parts)


def load_average() -> list[float]:
    """The 1, 5 and 15-minute load averages (empty where the system has none)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return []


# --accel-table: the builds of each configuration, in order. "warm" is a second build into
# the same site with the cache kept; "again" a third: only it finds the folders that the
# site_folders speed-up kept from the site the second build replaced.
KINDS = ("cold", "warm", "again")
KIND_LABELS = {"cold": "cold", "warm": "warm", "again": "warm again"}
# After a configuration whose last build deleted the site it replaced (no spare folders
# kept: site_folders off), wait this long before the next configuration's cold build, so
# that it does not pay for those freed inodes (see run()); that cost is the deleting
# configuration's, and its own third build pays it.
SETTLE_AFTER_DELETE_S = 60.0
CLEANUP_TIMEOUT_S = 300.0


def wait_for_cleanup(project: Path) -> None:
    """Wait until the detached process that removes or recycles the site a build replaced
    (``.portal-old-site-PID`` beside it) is done, so it runs in no measured build."""
    deadline = time.monotonic() + CLEANUP_TIMEOUT_S
    while any(project.glob(".portal-old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


class AccelBench:
    """Cold and warm ``portal build`` runs of one project for each speed-up configuration."""

    def __init__(self, portal: list[str], project: Path, workdir: Path, configs: list[AccelConfig]) -> None:
        self.portal = portal
        self.project = project
        self.workdir = workdir
        self.configs = configs
        self.runs: dict[str, dict[str, list[Measurement]]] = {
            kind: {config.key: [] for config in configs} for kind in KINDS
        }
        self.failures: list[str] = []
        self.digests: dict[tuple[str, str], dict[str, str]] = {}  # (key, kind) -> site, round 1
        self.on_site: TreeSize | None = None  # the all-on cold build's site, round 1
        self.settled = 0  # waits of SETTLE_AFTER_DELETE_S

    def order(self, attempt: int) -> list[AccelConfig]:
        """The configurations in a shuffled order, a different one each round (seeded by the
        round: reproducible), so that none always follows the same one."""
        order = list(self.configs)
        random.Random(attempt).shuffle(order)
        return order

    def run_round(self, attempt: int, rounds: int) -> None:
        """Every configuration once: a cold build, then two warm ones."""
        site_dir = self.project / "site"
        for config in self.order(attempt):
            # Cold: the last build's site and cache moved aside (not deleted: see run()).
            set_aside(self.project, f"{attempt}-{config.key}", (site_dir, self.project / ".portal-cache"))
            for kind in KINDS:
                label = KIND_LABELS[kind]
                log = self.workdir / f"portal-build-{config.key}-{kind}.log"
                progress(f"running portal build, {config.label}, {label} (round {attempt}/{rounds}) ...")
                try:
                    run = measure([*self.portal, "build"], cwd=self.project, log=log, env={**SITE_ENV, **config.env})
                except BenchmarkError as error:
                    kept = log.with_name(f"{log.stem}-failed-{attempt}.log")
                    shutil.copyfile(log, kept)
                    self.failures.append(
                        f"{config.label}, {label} build of round {attempt} failed (log: {kept}): {error}"
                    )
                    progress(f"FAILED: {error}")
                    break  # no warm build after a failed one
                finally:
                    wait_for_cleanup(self.project)
                self.runs[kind][config.key].append(run)
                progress(f"portal build, {config.label}, {label}: {run.wall_s:.2f} s ({run.cpu_s:.2f} s CPU)")
                if attempt == 1:
                    self.digests[(config.key, kind)] = site_digest(site_dir)
                    if config.key == "on" and kind == "cold":
                        self.on_site = tree_size(site_dir)
            if not (self.project / ".portal-cache" / "spare-site").is_dir():
                progress(f"the replaced site was deleted: waiting {SETTLE_AFTER_DELETE_S:.0f} s")
                self.settled += 1
                time.sleep(SETTLE_AFTER_DELETE_S)

    def output_notes(self) -> list[str]:
        """Which sites (round 1) differ from the all-on cold build's."""
        reference = self.digests.get(("on", "cold"))
        if reference is None:
            return ["no all-on cold site to compare the others with (its first build failed)"]
        notes = []
        for (key, kind), digest in self.digests.items():
            difference = compare_sites(reference, digest)
            if difference is not None:
                label = next(config.label for config in self.configs if config.key == key)
                notes.append(
                    f"the site of {label}, {KIND_LABELS[kind]} (round 1), differs from all on, cold: {difference}"
                )
        if not notes:
            notes.append(
                f"every configuration's site, cold, warm and warm again (round 1, {len(self.digests)} sites), "
                f"has the same bytes as the all-on cold build's ({len(reference):,} files)"
            )
        if self.settled:
            notes.append(
                f"{self.settled} times a configuration's last build deleted the site it replaced (no spare "
                f"folders), and the next configuration waited {SETTLE_AFTER_DELETE_S:.0f} s"
            )
        return notes

    def table(self) -> list[dict[str, Any]]:
        """One row per configuration: medians and differences from all on."""

        def median(runs: list[Measurement], attribute: str) -> float | None:
            return round(statistics.median(getattr(run, attribute) for run in runs), 3) if runs else None

        rows = []
        for config in self.configs:
            row: dict[str, Any] = {"configuration": config.label, "key": config.key, "env": config.env}
            for kind in KINDS:
                runs = self.runs[kind][config.key]
                base = median(self.runs[kind]["on"], "wall_s")
                wall = median(runs, "wall_s")
                row[f"{kind}_wall_s"] = wall
                row[f"{kind}_cpu_s"] = median(runs, "cpu_s")
                row[f"{kind}_runs"] = len(runs)
                row[f"{kind}_wall_s_runs"] = [round(run.wall_s, 2) for run in runs]
                row[f"{kind}_cpu_s_runs"] = [round(run.cpu_s, 2) for run in runs]
                delta = None if wall is None or base is None else round(wall - base, 3)
                row[f"{kind}_delta_s"] = delta
                row[f"{kind}_delta_pct"] = None if delta is None or not base else round(100 * delta / base, 1)
            rows.append(row)
        return rows


def render_accel(report: Report, rounds: int) -> list[str]:
    """The ``--accel-table`` part of the report: a Markdown table, the runs, the notes."""
    rows = report.accel_table or []
    lines = [
        "",
        f"Speed-ups behind one switch (portal_gen.accel): `portal build` cold, warm (a second build, the "
        f"cache kept) and warm again (a third); medians of {rounds} round(s), configurations alternating",
        "",
        "| configuration | cold (s) | Δ cold | cold CPU (s) | warm (s) | Δ warm | warm CPU (s) "
        "| warm again (s) | Δ warm again | warm again CPU (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def number(value: float | None, places: int = 2, sign: bool = False) -> str:
        return "failed" if value is None else f"{value:{'+' if sign else ''}.{places}f}"

    for row in rows:
        cells = [row["configuration"]]
        for kind in KINDS:
            wall = number(row[f"{kind}_wall_s"])
            if 0 < row[f"{kind}_runs"] < rounds:
                wall += f" ({row[f'{kind}_runs']} of {rounds} runs)"
            if row["key"] == "on":
                delta = "-"
            elif row[f"{kind}_delta_s"] is None:
                delta = "failed"
            else:
                delta = f"{row[f'{kind}_delta_s']:+.2f} s ({row[f'{kind}_delta_pct']:+.1f}%)"
            cells += [wall, delta, number(row[f"{kind}_cpu_s"])]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "Δ: the configuration's median wall time minus all on's, in seconds and in % of all on's "
        "(cold, warm, warm again: each of its own kind); positive: slower without the speed-up(s)."
    )
    skipped = ", ".join(f"{name} ({why})" for name, why in NOT_IN_BUILD.items())
    lines.append(f"Left out: {skipped}.")
    lines.append("Runs (wall s; cold / warm / warm again):")
    for row in rows:
        runs = " / ".join(", ".join(f"{value:.2f}" for value in row[f"{kind}_wall_s_runs"]) for kind in KINDS)
        lines.append(f"  {row['configuration']}: {runs}")
    if report.ratio_build_accel_off_to_redocly_npx is not None:
        lines.append("")
        on = report.ratio_build_to_redocly_npx
        lines.append(
            f"portal build / npx redocly wall time: {on:.2f}x with the speed-ups on, "
            f"{report.ratio_build_accel_off_to_redocly_npx:.2f}x with all off"
        )
    if report.ratio_build_accel_off_to_redocly is not None:
        lines.append(
            f"portal build / redocly (binary alone) wall time: {report.ratio_build_to_redocly:.2f}x on, "
            f"{report.ratio_build_accel_off_to_redocly:.2f}x off"
        )
    loads = "; ".join(" ".join(f"{value:.2f}" for value in load) for load in report.load_average)
    lines.append(f"Load average (1, 5, 15 min) before each round and at the end: {loads}")
    lines.append("Notes:")
    lines.extend(f"  - {note}" for note in report.notes)
    return lines


def check_targets(report: Report) -> list[Target]:
    """Compare the run with the targets of the foundation and performance issues."""
    build = report.portal_build
    assert build is not None and report.portal_new is not None
    targets: list[Target] = []

    for limit, ratio, against in (
        (MAX_TIME_RATIO, report.ratio_build_to_redocly, "Redocly's (the binary alone)"),
        (MAX_TIME_RATIO_FAST, report.ratio_build_to_redocly_npx, "`npx @redocly/cli build-docs`'s"),
        (MAX_TIME_RATIO_FAST, report.ratio_build_to_redocly, "Redocly's binary alone (stricter: no npx start-up)"),
    ):
        name = f"cold build within {limit:g}x {against} wall time"
        if ratio is None:
            targets.append(Target(name, f"<= {limit:.1f}x", "not measured", "SKIP"))
        else:
            targets.append(Target(name, f"<= {limit:.1f}x", f"{ratio:.2f}x", "PASS" if ratio <= limit else "FAIL"))

    peak = max(build["peak_memory_bytes"], report.portal_new["peak_memory_bytes"])
    status = "PASS" if peak < MAX_PEAK_RSS else "FAIL"
    name = "peak RSS of portal new and portal build (largest process, or whole tree summed)"
    targets.append(Target(name, "< 1,500 MB", mb(peak), status))

    site = build["site"]
    size = max(site["bytes"], site["disk_usage_bytes"])
    status = "PASS" if size < MAX_SITE_SIZE else "FAIL"
    targets.append(Target("site size (larger of file bytes and disk usage)", "< 400 MB", mb(size), status))
    return targets


def render(report: Report) -> str:
    """The report as a plain-text table."""
    operations = f"{report.spec_operations:,} operations, " if report.spec_operations is not None else ""
    env = report.environment
    lines = [
        f"Spec: {report.spec} ({operations}{human(report.spec_bytes)})",
        "Machine: {cpus} CPUs, {system}, Python {python}, Node {node}, Redocly CLI {redocly}".format(**env),
        (
            "portal: {portal}, commit {commit}".format(**env)
            if "portal_gen" not in env
            else "portal: {portal}, portal_gen imported from {portal_gen} (the repository: commit {commit})".format(
                **env
            )
        ),
        "",
        f"{'':<22} {'wall':>9} {'CPU':>9} {'peak RSS':>11} {'peak RSS':>11} {'peak PSS':>11}",
        f"{'step':<22} {'(s)':>9} {'(s)':>9} {'1 process':>11} {'tree, sum':>11} {'tree, sum':>11}",
        "-" * 78,
    ]

    def optional_mb(value: int | None) -> str:
        return "n/a" if value is None else mb(value)

    def row(label: str, data: dict[str, Any] | None) -> None:
        if data is None:
            lines.append(f"{label:<22} {'skipped':>9}")
            return
        lines.append(
            f"{label:<22} {data['wall_s']:>9.2f} {data['cpu_s']:>9.2f} {mb(data['peak_rss_bytes']):>11}"
            f" {optional_mb(data['peak_tree_rss_bytes']):>11} {optional_mb(data['peak_tree_pss_bytes']):>11}"
        )

    redocly, new, build = report.redocly, report.portal_new, report.portal_build
    row("npx redocly build-docs", report.redocly_npx)
    row("redocly build-docs", redocly)
    row("portal new", new)
    row("portal build (cold)", build)
    if report.portal_build_accel_off is not None:
        row("build, speed-ups off", report.portal_build_accel_off)
    for label, data in (
        ("npx redocly build-docs", report.redocly_npx),
        ("redocly build-docs", redocly),
        ("portal build (cold)", build),
        ("build, speed-ups off", report.portal_build_accel_off),
    ):
        if data and len(data.get("wall_s_runs", [])) > 1:
            runs = ", ".join(f"{value:.2f}" for value in data["wall_s_runs"])
            lines.append(f"  {label}: median of runs of {runs} s")
    lines.append("")
    lines.append("Output:")
    if redocly is not None:
        lines.append(f"  redocly build-docs: 1 HTML file, {human(redocly['output_bytes'])}")
    if build is not None:
        site = build["site"]
        lines.append(
            f"  portal build: {site['files']:,} files, {human(site['bytes'])}"
            f" (disk usage {human(site['disk_usage_bytes'])})"
        )
    lines.append("")
    if report.ratio_build_to_redocly_npx is not None:
        lines.append(f"portal build / npx redocly wall time:          {report.ratio_build_to_redocly_npx:.2f}x")
    if report.ratio_build_to_redocly is not None:
        lines.append(f"portal build / redocly wall time:              {report.ratio_build_to_redocly:.2f}x")
        lines.append(f"(portal new + portal build) / redocly wall time: {report.ratio_new_and_build_to_redocly:.2f}x")
        lines.append("")
    lines.append("Targets (foundation issue; the 3x ones are the performance issue's):")
    for target in report.targets:
        lines.append(f"  [{target.status}] {target.name}: {target.value} (target {target.limit})")
    if report.accel_table is not None:
        lines.extend(render_accel(report, report.repeat or 1))
    return "\n".join(lines)


def run(args: argparse.Namespace, workdir: Path) -> Report:
    """Install what is missing, run the measured commands in ``workdir``, and return the figures."""
    packages = [] if args.spec else [OCTOKIT_PACKAGE]
    if not args.skip_redocly:
        packages.append(REDOCLY_PACKAGE)
    ensure_npm_packages(packages)

    spec = (args.spec or GITHUB_SPEC).resolve()
    if not spec.is_file():
        raise BenchmarkError(f"spec not found: {spec}")
    portal = portal_command()
    environment = {
        "cpus": str(os.cpu_count() or "?"),
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "portal": tool_version([*portal, "--version"]).rsplit(" ", 1)[-1],
        "node": "-" if args.skip_redocly else tool_version(["node", "--version"]),
        "redocly": "-" if args.skip_redocly else package_version(REDOCLY_PACKAGE),
        "commit": source_commit(),
    }
    if not args.spec:
        environment["octokit_openapi"] = package_version(OCTOKIT_PACKAGE)
    report = Report(
        date=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        command=" ".join(["python", *sys.argv]),
        spec=str(spec),
        spec_bytes=spec.stat().st_size,
        spec_operations=count_operations(spec),
        environment=environment,
    )

    report.repeat = max(args.repeat, 1)
    project = workdir / "gh"
    bench: AccelBench | None = None
    source = BENCH_DIR.parent / "portal_gen"
    fingerprint: str | None = None
    if args.accel_table:
        source, speedups = accel_speedups(portal, workdir)
        if source != BENCH_DIR.parent / "portal_gen":
            environment["portal_gen"] = str(source)
            report.notes.append(f"portal_gen imported from {source}, not from this repository's working tree")
        names = [name for name in speedups if name not in NOT_IN_BUILD]
        inactive = [name for name in names if not speedups[name]["active"]]
        if inactive:
            report.notes.append(
                f"not running here even when on (outside their verified library versions): {', '.join(inactive)}"
            )
        bench = AccelBench(portal, project, workdir, accel_configs(names))
        fingerprint = source_fingerprint(source)

    progress("running portal new ...")
    new = measure([*portal, "new", str(project), "--spec", str(spec)], cwd=workdir, log=workdir / "portal-new.log")
    report.portal_new = figures(new)
    progress(f"portal new: {new.wall_s:.1f} s")

    html = workdir / "redoc.html"
    site_dir = project / "site"
    redocly_runs: list[Measurement] = []
    npx_runs: list[Measurement] = []
    build_runs: list[Measurement] = []
    for attempt in range(1, report.repeat + 1):
        report.load_average.append(load_average())
        if report.load_average[-1]:
            progress(f"round {attempt}/{report.repeat}, load average {report.load_average[-1]}")
        if not args.skip_redocly:
            progress(f"running npx @redocly/cli build-docs ({attempt}/{args.repeat}) ...")
            npx_runs.append(
                measure(
                    [*NPX_REDOCLY, "build-docs", str(spec), "-o", str(html)],
                    cwd=CACHE_DIR,
                    log=workdir / "redocly-npx.log",
                    env=REDOCLY_ENV,
                )
            )
            progress(f"npx @redocly/cli build-docs: {npx_runs[-1].wall_s:.1f} s")
            progress(f"running redocly build-docs ({attempt}/{args.repeat}) ...")
            redocly_runs.append(
                measure(
                    [str(REDOCLY_BIN), "build-docs", str(spec), "-o", str(html)],
                    cwd=workdir,
                    log=workdir / "redocly.log",
                    env=REDOCLY_ENV,
                )
            )
            progress(f"redocly build-docs: {redocly_runs[-1].wall_s:.1f} s")
        # Every build is cold: no previous site, and no page cache (`.portal-cache/`).
        # The last run's are moved aside, not deleted, until the end: on ext4 without a
        # journal (this project's machines), the inode allocator skips every inode freed
        # in the last minute or more, one by one, so a build that creates 7,000 files
        # right after 10,000 were deleted pays up to 0.8 ms of kernel time per file
        # (measured: the same cold build 10.9 s a minute after such a delete, 13.2 s
        # right after it). That is the harness's cost, not the build's.
        if bench is not None:
            bench.run_round(attempt, report.repeat)
            continue
        set_aside(project, attempt, (site_dir, project / ".portal-cache"))
        progress(f"running portal build, cold ({attempt}/{args.repeat}) ...")
        build_runs.append(measure([*portal, "build"], cwd=project, log=workdir / "portal-build.log"))
        progress(f"portal build: {build_runs[-1].wall_s:.1f} s")
    report.load_average.append(load_average())
    site_size: TreeSize | None = None
    if bench is not None:
        report.accel_table = bench.table()
        report.notes += bench.failures + bench.output_notes()
        if fingerprint is not None and source_fingerprint(source) != fingerprint:
            report.notes.append(f"the files under {source} changed during the run: builds may mix two versions")
        if source == BENCH_DIR.parent / "portal_gen" and source_commit() != environment["commit"]:
            report.notes.append(f"the commit changed during the run: {environment['commit']} -> {source_commit()}")
        build_runs = bench.runs["cold"]["on"]
        if not build_runs:
            raise BenchmarkError("every cold build with the speed-ups on failed:\n" + "\n".join(bench.failures))
        site_size = bench.on_site
        off_runs = bench.runs["cold"]["off"]
        if off_runs:
            report.portal_build_accel_off = figures(
                median_run(off_runs), wall_s_runs=[round(r.wall_s, 2) for r in off_runs]
            )
    if redocly_runs:
        redocly = median_run(redocly_runs)
        report.redocly = figures(
            redocly, output_bytes=html.stat().st_size, wall_s_runs=[round(r.wall_s, 2) for r in redocly_runs]
        )
        report.redocly_npx = figures(median_run(npx_runs), wall_s_runs=[round(r.wall_s, 2) for r in npx_runs])
    build = median_run(build_runs)
    if site_size is None:
        if not site_dir.is_dir():
            raise BenchmarkError(f"portal build succeeded but wrote no {site_dir}")
        site_size = tree_size(site_dir)
    report.portal_build = figures(
        build,
        site_dir=str(site_dir),
        site=asdict(site_size),
        wall_s_runs=[round(r.wall_s, 2) for r in build_runs],
    )

    if report.redocly is not None:
        redocly_wall = report.redocly["wall_s"]
        report.ratio_build_to_redocly = round(build.wall_s / redocly_wall, 2)
        if report.redocly_npx is not None:
            report.ratio_build_to_redocly_npx = round(build.wall_s / report.redocly_npx["wall_s"], 2)
        report.ratio_new_and_build_to_redocly = round((new.wall_s + build.wall_s) / redocly_wall, 2)
        if report.portal_build_accel_off is not None:
            off_wall = report.portal_build_accel_off["wall_s"]
            report.ratio_build_accel_off_to_redocly = round(off_wall / redocly_wall, 2)
            if report.redocly_npx is not None:
                report.ratio_build_accel_off_to_redocly_npx = round(off_wall / report.redocly_npx["wall_s"], 2)
    report.targets = check_targets(report)
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    if args.spec is not None and not args.spec.is_file():
        print(f"error: spec not found: {args.spec}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    try:
        report = run(args, workdir)
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        if args.keep:
            print(f"Temporary folder (kept): {workdir}", file=sys.stderr)
        else:
            print("(the temporary folder is deleted; rerun with --keep to read the logs)", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    print(render(report))
    if args.keep:
        print(f"\nTemporary folder (kept): {workdir}")
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
        print(f"Figures written to {args.json}")
    missed = [target for target in report.targets if target.status == "FAIL"]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
