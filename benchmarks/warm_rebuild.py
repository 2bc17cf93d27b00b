"""Time a warm rebuild: `portal build` after one edit, with the page cache of a previous build.

    python benchmarks/warm_rebuild.py [--spec FILE] [--runs 3]

By default the spec is GitHub's REST API description (fetched by build_large.py into
benchmarks/.cache/). The script scaffolds a portal around it with `portal new`, builds it
cold, then for each kind of edit (one operation's description in the spec; one step of
the quickstart; nothing at all) changes the input, rebuilds, and reports the wall time
of `portal build` and how many cache entries the build wrote (pages rendered again).
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
GITHUB = HERE / ".cache" / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"


def portal(*args: str, cwd: Path) -> float:
    """Run portal; return its wall time (exit on failure)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "portal_gen", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"portal {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return elapsed


def written_entries(project: Path, since: float) -> int:
    """Cache entries of finished pages written after ``since``: pages rendered again."""
    folder = project / ".portal-cache" / "output"
    return sum(1 for p in folder.iterdir() if p.stat().st_mtime > since) if folder.is_dir() else 0


def edit_description(project: Path, round_: int) -> None:
    """Change the description of the spec's first operation that has one."""
    spec = next((project / "openapi").glob("*.json"), None) or next((project / "openapi").glob("*.y*ml"))
    data = json.loads(spec.read_text(encoding="utf-8"))
    for item in data["paths"].values():
        for method in ("get", "post", "put", "patch", "delete"):
            if isinstance(item.get(method), dict):
                item[method]["description"] = f"Edited for round {round_}."
                spec.write_text(json.dumps(data), encoding="utf-8")
                return


def edit_guide(project: Path, round_: int) -> None:
    """Change the text of the starter quickstart's first step."""
    guide = project / "content" / "quickstarts" / "first-call.yaml"
    text = guide.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s+text: ).*$", rf"\1Edited for round {round_}.", text, count=1)
    guide.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=GITHUB, help="the OpenAPI file (default: GitHub's)")
    parser.add_argument("--runs", type=int, default=3, help="rebuilds per kind of edit (the median is shown)")
    args = parser.parse_args()
    if not args.spec.is_file():
        sys.exit(f"{args.spec} not found: run benchmarks/build_large.py once to fetch it, or pass --spec")
    with tempfile.TemporaryDirectory(prefix="portal-warm-") as tmp:
        project = Path(tmp) / "portal"
        portal("new", str(project), "--spec", str(args.spec.resolve()), cwd=Path(tmp))
        spec = next((project / "openapi").iterdir())
        if spec.suffix != ".json":  # the edit below rewrites JSON
            sys.exit("use a JSON spec")
        print(f"spec: {args.spec} ({spec.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
        cold = portal("build", cwd=project)
        pages = len(list((project / ".portal-cache" / "output").iterdir()))
        rows = [("cold build (empty cache)", [cold], pages)]
        for label, change in (
            ("one operation description edited", edit_description),
            ("one quickstart step edited", edit_guide),
            ("nothing edited", lambda project, round_: None),
        ):
            times, rendered = [], []
            for round_ in range(args.runs):
                change(project, round_)
                since = time.time()
                times.append(portal("build", cwd=project))
                rendered.append(written_entries(project, since))
            rows.append((label, times, max(rendered)))
    print(f"\n{'build':<36}{'wall (s), median':>18}{'runs':>28}{'pages rendered':>16}")
    for label, times, rendered in rows:
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"{label:<36}{statistics.median(times):>18.2f}{runs:>28}{rendered:>16}")
    print(f"\n{pages} generated pages; target: a warm rebuild after one edit in under 2 s")


if __name__ == "__main__":
    main()
