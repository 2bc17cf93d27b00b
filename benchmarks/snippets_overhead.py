#!/usr/bin/env python3
"""What snippets cost: ``portal build`` of a large spec with and without them.

Scaffolds one portal from the spec (default: GitHub's REST description, installed
into ``benchmarks/.cache`` by ``build_large.py``), then builds it alternately with
``snippet_languages: []`` and with the default seven languages, ``--repeat`` times
each, and prints the median wall times and the share snippets add (target: < 20%).
It also times snippet generation alone, in process: every operation's request
worked out, written in every language and highlighted, as the build does.

Usage::

    python benchmarks/snippets_overhead.py [--spec PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_SPEC = BENCH_DIR / ".cache/node_modules/@octokit/openapi/generated/api.github.com.json"


def build_seconds(project: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "portal_gen", "build"], cwd=project, check=True, capture_output=True)
    return time.perf_counter() - started


def set_languages(project: Path, languages: str | None) -> None:
    config = project / "mkdocs.yml"
    lines = [line for line in config.read_text().splitlines() if "snippet_languages" not in line]
    text = "\n".join(lines) + "\n"
    if languages is not None:
        text = text.replace("  - portal:\n", f"  - portal:\n      snippet_languages: {languages}\n", 1)
    config.write_text(text)


def generation_only(project: Path) -> tuple[int, int, float]:
    from portal_gen.config import PortalConfig
    from portal_gen.engine.project import load_project
    from portal_gen.render.reference import _highlight_snippet
    from portal_gen.snippets import LANGUAGES, Snippets, SnippetSettings

    spec = next(p for p in (project / "openapi").iterdir()).relative_to(project).as_posix()
    api = load_project(PortalConfig(project_dir=project, spec=spec), background_validation=True).api
    snippets = Snippets(api, SnippetSettings(), list(LANGUAGES))
    started = time.perf_counter()
    count = 0
    for op in api.operations:
        for snippet in snippets.for_operation(op):
            _highlight_snippet(snippet)
            count += 1
    return len(api.operations), count, time.perf_counter() - started


def seconds(value: float) -> str:
    return f"{value:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.spec.is_file():
        print(f"no spec at {args.spec}: run benchmarks/build_large.py once to fetch it", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="portal-snippets-bench-") as tmp:
        project = Path(tmp) / "gh"
        subprocess.run(
            [sys.executable, "-m", "portal_gen", "new", str(project), "--spec", str(args.spec)],
            check=True,
            capture_output=True,
        )
        operations, snippets, took = generation_only(project)  # `seconds` is the formatter below
        print(
            f"generation alone: {snippets:,} snippets for {operations:,} operations in {took:.2f} s "
            f"({took / snippets * 1000:.2f} ms each, highlighting included)"
        )
        without, with_ = [], []
        for _ in range(args.repeat):
            set_languages(project, "[]")
            without.append(build_seconds(project))
            set_languages(project, None)
            with_.append(build_seconds(project))
        a, b = statistics.median(without), statistics.median(with_)
        print(f"portal build without snippets: {a:.1f} s (median of {args.repeat}: {', '.join(map(seconds, without))})")
        print(f"portal build with 7 languages: {b:.1f} s (median of {args.repeat}: {', '.join(map(seconds, with_))})")
        share = (b - a) / a * 100
        print(
            f"snippets add {b - a:.1f} s = {share:.1f}% of the build (target < 20%): {'PASS' if share < 20 else 'FAIL'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
