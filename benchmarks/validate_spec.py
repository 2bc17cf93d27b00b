#!/usr/bin/env python3
"""Time the validation of a large spec: openapi-spec-validator alone, and as portal runs it.

By default the spec is GitHub's REST API description, cached by ``build_large.py`` in
``benchmarks/.cache/`` (run that script once first, or pass ``--spec``). Each figure is
the wall time of one validation in a fresh process (each run starts from nothing; the
speed fixes of ``portal_gen/accel/spec_validator.py`` apply while portal validates):

* ``library``: ``OpenAPIV3xSpecValidator(spec).iter_errors()`` as the library ships;
* ``portal, cold``: portal's ``iter_spec_problems`` with its fixes and an empty memo of
  the schemas known to pass the meta-schema check (a first build);
* ``portal, after an edit``: the same once the spec was validated in the process and one
  operation's description then changed (a rebuild, its memo from the cache).

Every run of portal must find the same number of problems (the library's count is
of raw errors, which portal merges). Usage::

    python benchmarks/validate_spec.py [--spec PATH] [--runs 3] [--skip-library]

Standard library only, besides portal and the validator it uses.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_SPEC = BENCH_DIR / ".cache/node_modules/@octokit/openapi/generated/api.github.com.json"
MODES = {"library": "library", "cold": "portal, cold", "edit": "portal, after an edit"}


def measure(mode: str, spec: Path) -> dict[str, Any]:
    """One validation in this process: its wall time and how many problems it found."""
    sys.setrecursionlimit(20_000)  # as portal_gen.checks.spec does, for long $ref chains
    if mode == "library":
        from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

        data = json.loads(spec.read_text(encoding="utf-8"))
        cls = OpenAPIV31SpecValidator if str(data.get("openapi", "")).startswith("3.1") else OpenAPIV30SpecValidator
        start = time.perf_counter()
        found = len(list(cls(data, base_uri=spec.as_uri()).iter_errors()))
        return {"seconds": time.perf_counter() - start, "problems": found}

    from portal_gen.checks.spec import SchemaVerdicts, iter_spec_problems
    from portal_gen.load.spec import RefPolicy, load_spec

    source = load_spec(spec, spec.parent, RefPolicy(False, False))
    verdicts = SchemaVerdicts()
    if mode == "edit":
        list(iter_spec_problems(source, verdicts))
        operation = next(
            item[method]
            for item in source.data["paths"].values()
            for method in ("get", "put", "post", "delete", "patch")
            if isinstance(item, dict) and method in item
        )
        operation["description"] = "Edited by the benchmark."
        verdicts = SchemaVerdicts(verdicts.known)
    start = time.perf_counter()
    found = len(list(iter_spec_problems(source, verdicts)))
    return {"seconds": time.perf_counter() - start, "problems": found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-library", action="store_true", help="leave out the library alone (the slowest)")
    parser.add_argument("--one", choices=sorted(MODES), help=argparse.SUPPRESS)  # a single run, as JSON
    args = parser.parse_args()
    spec = args.spec.resolve()
    if args.one:
        print(json.dumps(measure(args.one, spec)))
        return 0
    if not spec.is_file():
        print(f"no spec at {spec}: run benchmarks/build_large.py once, or pass --spec", file=sys.stderr)
        return 2
    print(f"spec: {spec} ({spec.stat().st_size / 1e6:.1f} MB), {args.runs} runs each, a fresh process each")
    problems: dict[str, set[int]] = {}
    print(f"\n{'validation':<28}{'wall (s), median':>18}   runs")
    for mode, label in MODES.items():
        if mode == "library" and args.skip_library:
            continue
        times = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--spec", str(spec), "--one", mode],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout)
            times.append(result["seconds"])
            problems.setdefault(mode, set()).add(result["problems"])
        print(f"{label:<28}{statistics.median(times):>18.2f}   {', '.join(f'{t:.2f}' for t in times)}")
    print("\nproblems found: " + ", ".join(f"{MODES[m]} {sorted(n)}" for m, n in problems.items()))
    if len(problems["cold"] | problems["edit"]) != 1:
        print("portal's runs disagree on how many problems the spec has", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
