#!/usr/bin/env python3
"""How a cold ``portal build`` grows with the spec, from 1,000 to 10,000 operations.

For each size N of ``--sizes`` (default 1,000, 2,000, 5,000 and 10,000) the
script generates a synthetic spec with ``benchmarks/generate_spec.py`` (N
operations, N/5 schemas, N/100 tags, at least one of each), scaffolds a fresh
project from it with ``portal new DIR --spec FILE`` and times a cold
``portal build`` there.

Every command is measured exactly as ``benchmarks/build_large.py`` measures
its own (its ``measure`` and ``tree_size`` are imported and reused): wall
time, CPU time (user + system) of the process tree, the exact peak RSS of the
largest single process (``getrusage(RUSAGE_CHILDREN)`` in a wrapper process),
and the peaks of the RSS and PSS summed over the process tree, sampled every
second from ``/proc/PID/smaps_rollup`` (Linux only). The site is measured as
the sum of its files' sizes, its ``du``-style disk usage, its file count and
its number of HTML pages.

The report shows the figures per size, per operation, and the ratios between
consecutive sizes, so that linearity can be judged, then checks the targets at
10,000 operations: cold build under 5 minutes, peak RSS under 2 GB (the
largest process and the tree's summed RSS, each checked), site under 2 GB.
It exits 0 even when a target is missed unless ``--strict`` is given; it exits
2 when a command fails.

Units are decimal: 1 KB = 1,000 bytes, 1 MB = 1,000,000 bytes, 1 GB = 1,000 MB.
``SOURCE_DATE_EPOCH`` is set (unless already set) so that builds are reproducible.

Usage::

    python benchmarks/scale.py [--sizes 1000,2000,5000,10000] [--keep]
                               [--json FILE] [--strict]

Standard library only; Python 3.10+.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parent


def load_benchmark_module(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` by path (``benchmarks`` is not a package)."""
    spec = importlib.util.spec_from_file_location(f"_portal_bench_{name}", BENCH_DIR / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {BENCH_DIR / name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


build_large = load_benchmark_module("build_large")
generate_spec = load_benchmark_module("generate_spec")

DEFAULT_SIZES = "1000,2000,5000,10000"
SCHEMAS_PER_OPERATION = 1 / 5
TAGS_PER_OPERATION = 1 / 100
DEFAULT_SOURCE_DATE_EPOCH = "1700000000"  # 2023-11-14, any fixed value will do

# The targets, checked on the build of TARGET_OPERATIONS operations.
TARGET_OPERATIONS = 10_000
MAX_WALL_S = 300.0  # 5 minutes
MAX_PEAK_RSS = 2_000_000_000  # bytes (2 GB)
MAX_SITE_SIZE = 2_000_000_000  # bytes (2 GB)

KB = 1_000
MB = 1_000_000


@dataclass
class SizeResult:
    """The figures of one size: its spec, ``portal new`` and the cold ``portal build``."""

    operations: int
    schemas: int
    tags: int
    spec_bytes: int
    load_before_build: float | None  # 1-minute load average just before the build (noise indicator)
    new_wall_s: float
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int  # largest single process (exact)
    peak_tree_rss_bytes: int | None  # whole tree summed (sampled; None off Linux)
    peak_tree_pss_bytes: int | None  # whole tree summed (sampled; None off Linux)
    site_bytes: int
    site_disk_usage_bytes: int
    files: int
    pages: int
    project: str | None  # None once deleted (without --keep)


Target = build_large.Target  # one target, and how the run did against it


@dataclass
class Report:
    """All the figures of one run, as written by ``--json``."""

    date: str
    command: str
    environment: dict[str, str]
    source_date_epoch: str
    results: list[SizeResult] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    error: str | None = None
    total_wall_s: float | None = None


def parse_sizes(text: str) -> list[int]:
    """``"1000,2000"`` as sorted, distinct positive operation counts."""
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive integers: {text!r}")
    return sizes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command-line options."""
    parser = argparse.ArgumentParser(description="Time cold `portal build`s of synthetic specs of growing size.")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=DEFAULT_SIZES,
        metavar="N,N,...",
        help="operation counts to build (default: %(default)s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def progress(message: str) -> None:
    """Tell the user what is going on (stderr, so stdout holds the report only)."""
    print(f"[scale] {message}", file=sys.stderr, flush=True)


def shape(operations: int) -> tuple[int, int]:
    """Schemas and tags for a spec of ``operations`` operations (at least one of each)."""
    schemas = max(round(operations * SCHEMAS_PER_OPERATION), 1)
    tags = max(round(operations * TAGS_PER_OPERATION), 1)
    return schemas, tags


def write_spec(path: Path, operations: int, schemas: int, tags: int) -> int:
    """Write the synthetic spec to ``path`` as ``generate_spec.py`` does; return its size in bytes."""
    document = generate_spec.generate_spec(operations, schemas, tags)
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path.stat().st_size


def count_pages(site: Path) -> int:
    """Number of HTML pages in the site."""
    return sum(1 for _ in site.rglob("*.html"))


def load_average() -> float | None:
    """The 1-minute load average, or ``None`` where the system has none."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def measure_size(operations: int, workdir: Path, portal: list[str], env: dict[str, str]) -> SizeResult:
    """Generate a spec of ``operations`` operations, scaffold a project and build it cold, measured."""
    schemas, tags = shape(operations)
    folder = workdir / f"ops{operations}"
    folder.mkdir()
    spec = folder / "openapi.json"
    progress(f"{operations:,} operations: generating a spec ({schemas:,} schemas, {tags:,} tags) ...")
    spec_bytes = write_spec(spec, operations, schemas, tags)

    project = folder / "project"
    progress(f"{operations:,} operations: portal new ({spec_bytes / MB:,.1f} MB spec) ...")
    new = build_large.measure(
        [*portal, "new", str(project), "--spec", str(spec)], cwd=folder, log=folder / "portal-new.log", env=env
    )
    progress(f"{operations:,} operations: portal new took {new.wall_s:.1f} s; portal build (cold) ...")
    load = load_average()
    build = build_large.measure([*portal, "build"], cwd=project, log=folder / "portal-build.log", env=env)
    site = project / "site"
    if not site.is_dir():
        raise build_large.BenchmarkError(f"portal build succeeded but wrote no {site}")
    size = build_large.tree_size(site)
    progress(f"{operations:,} operations: portal build took {build.wall_s:.1f} s, site {size.bytes / MB:,.1f} MB")
    return SizeResult(
        operations=operations,
        schemas=schemas,
        tags=tags,
        spec_bytes=spec_bytes,
        load_before_build=load,
        new_wall_s=round(new.wall_s, 3),
        wall_s=round(build.wall_s, 3),
        cpu_s=round(build.cpu_s, 3),
        peak_rss_bytes=build.peak_rss_bytes,
        peak_tree_rss_bytes=build.peak_tree_rss_bytes,
        peak_tree_pss_bytes=build.peak_tree_pss_bytes,
        site_bytes=size.bytes,
        site_disk_usage_bytes=size.disk_usage_bytes,
        files=size.files,
        pages=count_pages(site),
        project=str(project),
    )


def environment(portal: list[str]) -> dict[str, str]:
    """What the figures depend on: machine, Python, portal and its commit."""
    return {
        "cpus": str(os.cpu_count() or "?"),
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "portal": build_large.tool_version([*portal, "--version"]).rsplit(" ", 1)[-1],
        "commit": build_large.source_commit(),
    }


TARGETS = (
    ("cold build wall time", "< 300 s (5 min)"),
    ("peak RSS, largest single process (exact)", "< 2,000 MB"),
    ("peak RSS, process tree summed (sampled)", "< 2,000 MB"),
    ("site size (larger of file bytes and disk usage)", "< 2,000 MB"),
)


def target(index: int, value: float | None, maximum: float, shown: str) -> Target:
    """Target number ``index`` of ``TARGETS``, passed when ``value`` is below ``maximum``."""
    name, limit = TARGETS[index]
    status = "SKIP" if value is None else "PASS" if value < maximum else "FAIL"
    return Target(f"{name} at {TARGET_OPERATIONS:,} operations", limit, shown, status)


def check_targets(results: list[SizeResult]) -> list[Target]:
    """Compare the build of ``TARGET_OPERATIONS`` operations with the targets (SKIP when not measured)."""
    r = next((result for result in results if result.operations == TARGET_OPERATIONS), None)
    if r is None:
        return [target(index, None, 0, "not measured") for index in range(len(TARGETS))]
    return [
        target(0, r.wall_s, MAX_WALL_S, f"{r.wall_s:,.1f} s"),
        target(1, r.peak_rss_bytes, MAX_PEAK_RSS, optional_mb(r.peak_rss_bytes)),
        target(2, r.peak_tree_rss_bytes, MAX_PEAK_RSS, optional_mb(r.peak_tree_rss_bytes)),
        target(3, site_size(r), MAX_SITE_SIZE, optional_mb(site_size(r))),
    ]


def optional_mb(value: int | None) -> str:
    """Bytes as decimal megabytes, or ``"n/a"``."""
    return "n/a" if value is None else f"{value / MB:,.1f} MB"


def cell_mb(value: int | None) -> str:
    """Bytes as a bare number of decimal megabytes, for a table cell."""
    return "n/a" if value is None else f"{value / MB:,.1f}"


def ratio(new: float | None, old: float | None) -> str:
    """``new / old`` as ``"2.03x"``, or ``"n/a"``."""
    return "n/a" if not new or not old else f"{new / old:.2f}x"


def site_size(result: SizeResult) -> int:
    """The site's size as the larger of its file bytes and its disk usage."""
    return max(result.site_bytes, result.site_disk_usage_bytes)


def render_figures(results: list[SizeResult]) -> list[str]:
    """The main table: one row per size."""
    lines = [
        f"{'':>10} {'':>8} {'wall':>8} {'CPU':>8} {'peak RSS':>10} {'peak RSS':>10} {'peak PSS':>10}"
        f" {'site':>9} {'site du':>9} {'':>7} {'':>7}",
        f"{'operations':>10} {'schemas':>8} {'(s)':>8} {'(s)':>8} {'1 proc MB':>10} {'tree MB':>10} {'tree MB':>10}"
        f" {'(MB)':>9} {'(MB)':>9} {'files':>7} {'pages':>7}",
        "-" * 104,
    ]
    for r in results:
        lines.append(
            f"{r.operations:>10,} {r.schemas:>8,} {r.wall_s:>8.1f} {r.cpu_s:>8.1f} {cell_mb(r.peak_rss_bytes):>10}"
            f" {cell_mb(r.peak_tree_rss_bytes):>10} {cell_mb(r.peak_tree_pss_bytes):>10}"
            f" {cell_mb(r.site_bytes):>9} {cell_mb(r.site_disk_usage_bytes):>9} {r.files:>7,} {r.pages:>7,}"
        )
    return lines


def per_operation(value: float | None, operations: int, unit: float) -> str:
    """``value / operations`` in ``unit``s, two decimals, or ``"n/a"``."""
    return "n/a" if value is None else f"{value / operations / unit:.2f}"


def render_per_operation(results: list[SizeResult]) -> list[str]:
    """Per-operation figures of each size (memory includes the fixed cost of a build's imports)."""
    lines = [
        "Per operation:",
        f"{'operations':>10} {'wall ms/op':>11} {'CPU ms/op':>10} {'RSS 1p KB/op':>13} {'RSS tree KB/op':>15}"
        f" {'PSS KB/op':>10} {'site KB/op':>11} {'files/op':>9}",
        "-" * 95,
    ]
    for r in results:
        n = r.operations
        lines.append(
            f"{n:>10,} {per_operation(r.wall_s, n, 1e-3):>11} {per_operation(r.cpu_s, n, 1e-3):>10}"
            f" {per_operation(r.peak_rss_bytes, n, KB):>13} {per_operation(r.peak_tree_rss_bytes, n, KB):>15}"
            f" {per_operation(r.peak_tree_pss_bytes, n, KB):>10} {per_operation(site_size(r), n, KB):>11}"
            f" {r.files / n:>9.2f}"
        )
    return lines


def marginal(new: float | None, old: float | None, operations: int, unit: float) -> str:
    """``(new - old) / operations`` in ``unit``s: the cost of each added operation, or ``"n/a"``."""
    return "n/a" if new is None or old is None else f"{(new - old) / operations / unit:.2f}"


def render_growth(results: list[SizeResult]) -> list[str]:
    """Ratios between consecutive sizes, and the cost of each added operation."""
    if len(results) < 2:
        return []
    grow: list[tuple[str, Callable[[SizeResult], float | None]]] = [
        ("wall", lambda r: r.wall_s),
        ("CPU", lambda r: r.cpu_s),
        ("RSS 1p", lambda r: r.peak_rss_bytes),
        ("RSS tree", lambda r: r.peak_tree_rss_bytes),
        ("PSS tree", lambda r: r.peak_tree_pss_bytes),
        ("site", site_size),
    ]
    header = "".join(f" {name:>9}" for name, _ in grow)
    lines = [
        "Growth between consecutive sizes (linear: every ratio equals the operations' ratio):",
        f"{'operations':>15} {'ops':>6}{header}",
        "-" * (22 + 10 * len(grow)),
    ]
    overall = [(results[0], results[-1])] if len(results) > 2 else []
    for old, new in [*itertools.pairwise(results), *overall]:
        label = f"{scale_label(old.operations)} -> {scale_label(new.operations)}"
        cells = "".join(f" {ratio(get(new), get(old)):>9}" for _, get in grow)
        lines.append(f"{label:>15} {new.operations / old.operations:>5.2f}x{cells}")
    lines += [
        "",
        "Cost of each added operation between consecutive sizes (constant if growth is linear):",
        f"{'operations':>15} {'wall ms':>9} {'CPU ms':>9} {'RSS 1p KB':>10} {'RSS tree KB':>12} {'PSS KB':>9}"
        f" {'site KB':>9}",
        "-" * 78,
    ]
    for old, new in itertools.pairwise(results):
        added = new.operations - old.operations
        lines.append(
            f"{scale_label(old.operations) + ' -> ' + scale_label(new.operations):>15}"
            f" {marginal(new.wall_s, old.wall_s, added, 1e-3):>9} {marginal(new.cpu_s, old.cpu_s, added, 1e-3):>9}"
            f" {marginal(new.peak_rss_bytes, old.peak_rss_bytes, added, KB):>10}"
            f" {marginal(new.peak_tree_rss_bytes, old.peak_tree_rss_bytes, added, KB):>12}"
            f" {marginal(new.peak_tree_pss_bytes, old.peak_tree_pss_bytes, added, KB):>9}"
            f" {marginal(site_size(new), site_size(old), added, KB):>9}"
        )
    return lines


def scale_label(operations: int) -> str:
    """``10000`` as ``"10k"``; other counts as they are."""
    return f"{operations // 1000}k" if operations % 1000 == 0 else f"{operations:,}"


def render(report: Report) -> str:
    """The report as plain text."""
    env = report.environment
    results = report.results
    lines = [
        "Cold `portal build` of synthetic specs (N operations, N/5 schemas, N/100 tags)",
        "Machine: {cpus} CPUs, {system}, Python {python}".format(**env),
        "portal: {portal}, commit {commit}".format(**env),
        f"SOURCE_DATE_EPOCH={report.source_date_epoch}",
        "",
        *render_figures(results),
        "",
        "portal new (spec load and validation), wall s: "
        + ", ".join(f"{scale_label(r.operations)} {r.new_wall_s:.1f}" for r in results),
        "Spec size, MB: " + ", ".join(f"{scale_label(r.operations)} {r.spec_bytes / MB:.1f}" for r in results),
        "1-minute load average before each build: "
        + ", ".join(f"{scale_label(r.operations)} {r.load_before_build}" for r in results),
        "",
        *render_per_operation(results),
        "",
        *render_growth(results),
        "",
        "Targets:",
        *(f"  [{t.status}] {t.name}: {t.value} (target {t.limit})" for t in report.targets),
    ]
    if report.error:
        lines += ["", f"FAILED: {report.error}"]
    return "\n".join(lines)


def run(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    """Measure every size in ``workdir``, adding to ``report``; stop at the first failure."""
    portal: list[str] = build_large.portal_command()
    report.environment = environment(portal)
    env = {"SOURCE_DATE_EPOCH": report.source_date_epoch}
    for operations in args.sizes:
        result = measure_size(operations, workdir, portal, env)
        if not args.keep:
            shutil.rmtree(workdir / f"ops{operations}", ignore_errors=True)
            result.project = None
        report.results.append(result)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    started = datetime.now(timezone.utc)
    report = Report(
        date=started.isoformat(timespec="seconds"),
        command=" ".join(["python", *sys.argv]),
        environment={"cpus": "?", "system": "?", "python": "?", "portal": "?", "commit": "?"},
        source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH),
    )
    workdir = Path(tempfile.mkdtemp(prefix="portal-scale-"))
    try:
        run(args, workdir, report)
    except build_large.BenchmarkError as error:
        report.error = str(error)
        progress(f"error: {error}")
        if not args.keep:
            progress("(the temporary folder is deleted; rerun with --keep to read the logs)")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    report.total_wall_s = round((datetime.now(timezone.utc) - started).total_seconds(), 1)
    report.targets = check_targets(report.results)

    print(render(report))
    print(f"\nWhole run: {report.total_wall_s:,.1f} s")
    if args.keep:
        print(f"Temporary folder (kept): {workdir}")
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
        print(f"Figures written to {args.json}")
    if report.error:
        return 2
    missed = [target for target in report.targets if target.status == "FAIL"]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
