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
      nav_tags_limit: {tags_limit}
"""


def generate(operations: int, tags: int) -> dict:
    spec = importlib.util.spec_from_file_location("generate_spec", ROOT / "benchmarks" / "generate_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate_spec(operations, schemas=20, tags=tags)


def build(tmp_path: Path, operations: int, tags: int = 4, tags_limit: int = 60) -> list[int]:
    root = tmp_path / f"ops{operations}-tags{tags}-limit{tags_limit}"
    (root / "openapi").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "content" / "index.md").write_text("# Scale\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(tags_limit=tags_limit))
    (root / "openapi" / "openapi.json").write_text(json.dumps(generate(operations, tags)))
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


def test_the_sidebar_does_not_grow_with_the_number_of_tags(tmp_path: Path) -> None:
    # Real APIs add tags as they grow (one per resource): 10x the operations, 10x the tags.
    def sidebar_items(operations: int, tags: int, tags_limit: int) -> float:
        build(tmp_path, operations, tags, tags_limit)
        root = tmp_path / f"ops{operations}-tags{tags}-limit{tags_limit}" / "site" / "reference"
        pages = list(root.glob("group-*/*/index.html"))
        return sum(p.read_text(encoding="utf-8").count('class="md-nav__item') for p in pages) / len(pages)

    small = sidebar_items(40, tags=4, tags_limit=8)
    large = sidebar_items(400, tags=40, tags_limit=8)  # 5 groups of 8 tags
    # Bounded: 5 groups and the 8 tags of its own group instead of 4 tags, so 9 more.
    assert large <= small + 9, (small, large)
    ungrouped = sidebar_items(400, tags=40, tags_limit=40)  # every tag on every page
    assert ungrouped - large == 40 - (5 + 8), (large, ungrouped)  # what grouping saves
