#!/usr/bin/env python3
"""What the Markdown twins, ``llms.txt`` and ``llms-full.txt`` cost a big build.

Scaffolds a project from a large spec (GitHub's REST description by default, the one
``build_large.py`` installs into ``benchmarks/.cache/``) and times cold ``portal
build``s with the twins (the default) and without (``llms_txt: false``), alternating,
``--repeat`` times each, then a warm build of each (the page cache kept). Prints the
median wall and CPU times, the peak RSS, and what the twins add to the site on disk.

Usage::

    python benchmarks/twins_cost.py [--spec PATH] [--repeat 2]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_large import GITHUB_SPEC, measure, portal_command, tree_size


def set_option(project: Path, enabled: bool) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "llms_txt:" not in line]
    out = []
    for line in lines:
        out.append(line)
        if line.strip() == "- portal:" and not enabled:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}    llms_txt: false")
    config.write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=GITHUB_SPEC)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not args.spec.is_file():
        print(f"{args.spec} is missing: run benchmarks/build_large.py once to install it", file=sys.stderr)
        return 2
    portal = portal_command()
    work = Path(tempfile.mkdtemp(prefix="portal-twins-"))
    try:
        project = work / "project"
        subprocess.run([*portal, "new", str(project), "--spec", str(args.spec)], check=True, capture_output=True)
        results: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
        sizes: dict[bool, object] = {}
        for round_ in range(args.repeat):
            for enabled in (True, False) if round_ % 2 == 0 else (False, True):
                set_option(project, enabled)
                shutil.rmtree(project / ".portal-cache", ignore_errors=True)
                shutil.rmtree(project / "site", ignore_errors=True)
                cold = measure([*portal, "build"], project, work / f"cold-{enabled}-{round_}.log")
                warm = measure([*portal, "build"], project, work / f"warm-{enabled}-{round_}.log")
                found = results[enabled]
                found.setdefault("cold_wall", []).append(cold.wall_s)
                found.setdefault("cold_cpu", []).append(cold.cpu_s)
                found.setdefault("warm_wall", []).append(warm.wall_s)
                found.setdefault("rss", []).append(cold.peak_rss_bytes / 1e6)
                sizes[enabled] = tree_size(project / "site")
                if enabled:
                    site = project / "site"
                    twins = list(site.rglob("*.md"))
                    results[enabled]["twins"] = [len(twins)]
                    results[enabled]["twins_mb"] = [sum(p.stat().st_size for p in twins) / 1e6]
                    results[enabled]["llms_kb"] = [(site / "llms.txt").stat().st_size / 1e3]
                    results[enabled]["full_mb"] = [(site / "llms-full.txt").stat().st_size / 1e6]
        on, off = results[True], results[False]
        print(f"spec: {args.spec.name}, {args.repeat} cold and warm builds each (medians)")
        print("| | twins off | twins on | difference |")
        print("| --- | ---: | ---: | ---: |")
        for key, label in (
            ("cold_wall", "cold build, wall s"),
            ("cold_cpu", "cold build, CPU s"),
            ("warm_wall", "warm build, wall s"),
            ("rss", "peak RSS, MB"),
        ):
            a, b = statistics.median(off[key]), statistics.median(on[key])
            print(f"| {label} | {a:.2f} | {b:.2f} | {100 * (b - a) / a:+.1f}% |")
        print(f"| site on disk, MB | {sizes[False].bytes / 1e6:.0f} | {sizes[True].bytes / 1e6:.0f} | |")  # type: ignore[attr-defined]
        print(
            f"twins: {on['twins'][0]:,} files, {on['twins_mb'][0]:.1f} MB; llms.txt {on['llms_kb'][0]:.0f} kB; "
            f"llms-full.txt {on['full_mb'][0]:.1f} MB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
