#!/usr/bin/env python3
"""Time ``portal check --no-run`` on a large spec and print its wall time and peak memory.

By default the spec is GitHub's REST API description, cached by ``build_large.py`` in
``benchmarks/.cache/`` (run that script once first, or pass ``--spec``). The check
scaffolds a fresh project (``portal new``), then runs ``portal check --no-run`` in it:
spec validation, the quality rules (example validation included), a full build into
a temporary folder and the internal-link check of every page.

Peak RSS is the largest single process (``RUSAGE_CHILDREN`` of a wrapper that waits
for nothing else), plus the whole tree's RSS sampled every second, since the build
validates the spec in a forked process.

Usage::

    python benchmarks/check_large.py [--spec PATH]

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_SPEC = BENCH_DIR / ".cache/node_modules/@octokit/openapi/generated/api.github.com.json"

# Runs the command, samples the tree's RSS, then reports the exact peak of the largest process.
_WRAPPER = r"""
import json, os, resource, subprocess, sys, tempfile, time
log = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: the report can be long
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=log, text=True)
peak_tree = 0
def tree_rss(root):
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) * 1024
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (OSError, StopIteration):
            pass
    return total
started = time.perf_counter()
while process.poll() is None:
    peak_tree = max(peak_tree, tree_rss(process.pid))
    time.sleep(1)
seconds = time.perf_counter() - started
log.seek(0)
stderr = log.read()
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
lines = sum(1 for line in stderr.splitlines() if line.startswith(("openapi/", "content/")))
result = {"seconds": seconds, "peak": peak, "tree": peak_tree, "code": process.returncode}
print(json.dumps({**result, "findings": lines, "tail": stderr[-2000:]}))
"""


def measure(argv: list[str], cwd: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *argv], cwd=cwd, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    args = parser.parse_args()
    if not args.spec.is_file():
        print(f"no spec at {args.spec}: run benchmarks/build_large.py once, or pass --spec", file=sys.stderr)
        return 2
    portal = [sys.executable, "-m", "portal_gen"]
    with tempfile.TemporaryDirectory(prefix="portal-check-bench-") as tmp:
        project = Path(tmp) / "project"
        subprocess.run([*portal, "new", str(project), "--spec", str(args.spec)], check=True, capture_output=True)
        started = time.strftime("%Y-%m-%d %H:%M")
        result = measure([*portal, "check", "--no-run"], project)
    print(f"portal check --no-run on {args.spec.name} ({started})")
    print(f"  exit code        {result['code']}")
    print(f"  wall time        {float(result['seconds']):.1f} s")  # type: ignore[arg-type]
    print(f"  peak RSS         {int(result['peak']) / 1e6:.0f} MB (largest process)")  # type: ignore[call-overload]
    print(f"  peak RSS (tree)  {int(result['tree']) / 1e6:.0f} MB (sampled each second)")  # type: ignore[call-overload]
    tail = str(result["tail"]).strip().splitlines()
    summary = next((line for line in reversed(tail) if line.startswith(("OK", "FAILED"))), "")
    print(f"  findings         {result['findings']} lines of findings")
    print(f"  verdict          {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
