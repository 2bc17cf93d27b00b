"""A spec whose schemas chain by $ref deeper than Python's default recursion limit
validates instead of crashing (openapi-spec-validator recurses once per schema)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from conftest import ROOT
from portal_gen.checks.spec import iter_spec_problems
from portal_gen.load.spec import RefPolicy, load_spec


def test_a_chain_of_1100_schemas_validates(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_spec", ROOT / "benchmarks" / "generate_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(module.generate_spec(5, schemas=1100, tags=1)))
    source = load_spec(path, tmp_path, RefPolicy(False, False))
    assert list(iter_spec_problems(source)) == []
