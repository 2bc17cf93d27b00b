"""Site size grows linearly with the spec: every page's navigation stays bounded.

Sizes, not timings: timings belong in benchmarks/.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from conftest import ROOT, run_portal

MKDOCS_YML = """\
site_name: Scale
docs_dir: content
theme:
  name: material
  font: false
  features: [navigation.indexes, navigation.prune]
plugins:
  - portal:
      spec: openapi/openapi.json
      nav_operations_limit: 30
"""


def generate(operations: int) -> dict:
    spec = importlib.util.spec_from_file_location("generate_spec", ROOT / "benchmarks" / "generate_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate_spec(operations, schemas=20, tags=4)


def build(tmp_path: Path, operations: int) -> list[int]:
    root = tmp_path / f"ops{operations}"
    (root / "openapi").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "content" / "index.md").write_text("# Scale\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / "openapi" / "openapi.json").write_text(json.dumps(generate(operations)))
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    pages = [p for p in (root / "site" / "reference").glob("group-*/*/index.html")]
    assert len(pages) == operations
    return [p.stat().st_size for p in pages]


def test_operation_pages_do_not_grow_with_the_spec(tmp_path: Path) -> None:
    small = build(tmp_path, 40)  # 10 operations a tag: all listed in the sidebar
    large = build(tmp_path, 400)  # 100 a tag: over the limit, listed on tag pages only
    average_small = sum(small) / len(small)
    average_large = sum(large) / len(large)
    # 10x the operations must not make the average page bigger (quadratic navigation would).
    assert average_large <= average_small * 1.1, (average_small, average_large)
    # The biggest page depends on the schemas' shape, never on how many operations there are.
    assert max(large) <= max(small) * 1.1, (max(small), max(large))
