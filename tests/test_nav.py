"""Material's sidebar, each entry rendered once per link and then remembered
(``_nav_item_memo``): every page comes out as Material renders it entry by entry, but
for the blank lines of remembered entries (each run of whitespace holding a line break
is one line break: rendered the same).

The reference is the same project built with copies of Material's ``nav.html``,
``nav-item.html`` and ``language.html`` in the theme's ``custom_dir``: portal leaves a user's override
of a template as it is, so that build renders every entry on every page, and
translates with Material's own macro.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from conftest import MKDOCS_YML, make_project, run_portal, site_files

# Sections open and pruned, nested (30 operations a group), links relative to folders
# and to files: every kind of key the memo uses.
VARIANTS = {
    "pruned": MKDOCS_YML,
    "expanded": MKDOCS_YML.replace("navigation.prune, ", ""),
    "tabs": MKDOCS_YML.replace("navigation.indexes", "navigation.tabs, navigation.indexes"),
    "file-urls": MKDOCS_YML.replace("docs_dir: content", "docs_dir: content\nuse_directory_urls: false"),
    # Translated: Material's French, and English where French has no text.
    "french": MKDOCS_YML.replace("  font: false\n", "  font: false\n  language: fr\n"),
}


def material_nav_item() -> Path:
    spec = importlib.util.find_spec("material")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / "partials" / "nav-item.html"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_remembered_navigation_renders_every_page_as_material(tmp_path: Path, variant: str) -> None:
    project = make_project(tmp_path / "project", operations=70)
    (project / "content" / "guides").mkdir()
    (project / "content" / "guides" / "deep.md").write_text("# Deep\n\nA page one folder down.\n")
    # A page whose URL holds another's (guides/ and guides/deep/, in two entries of the
    # top level): the links from it to its neighbours are its own.
    (project / "content" / "guides.md").write_text("# Guides\n\nThe page over the folder.\n")
    plain_files, fast_files = built_both_ways(tmp_path, project, VARIANTS[variant])
    assert fast_files == plain_files  # byte for byte, every file


def built_both_ways(tmp_path: Path, project: Path, mkdocs_yml: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The files of ``project`` built with Material's templates as the user's (rendered
    as they are) and as portal finds them (remembered): ``(plain, fast)``."""
    (project / "mkdocs.yml").write_text(mkdocs_yml)
    fast = run_portal("build", "-d", str(tmp_path / "fast"), cwd=project, env={"PORTAL_CACHE": "0"})
    assert fast.returncode == 0, fast.stderr
    overrides = project / "overrides" / "partials"
    overrides.mkdir(parents=True)
    for name in ("nav.html", "nav-item.html", "language.html"):  # as the user's: left alone
        (overrides / name).write_bytes((material_nav_item().parent / name).read_bytes())
    (project / "mkdocs.yml").write_text(
        mkdocs_yml.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    )
    plain = run_portal("build", "-d", str(tmp_path / "plain"), cwd=project, env={"PORTAL_CACHE": "0"})
    assert plain.returncode == 0, plain.stderr
    plain_files, fast_files = site_files(tmp_path / "plain"), site_files(tmp_path / "fast")
    assert sorted(fast_files) == sorted(plain_files)
    return plain_files, fast_files


def test_materials_loops_over_entries_are_replaced() -> None:
    # The installed Material reads as portal expects: its loops over a section's
    # entries run in Python (a Material whose loops differ keeps them: the test above).
    import jinja2

    from portal_gen.accel.material_nav import _MaterialLoader

    loader = _MaterialLoader(jinja2.FileSystemLoader(str(material_nav_item().parent.parent)))
    source, _, _ = loader.get_source(jinja2.Environment(), "partials/nav-item.html")
    assert "portal_nav_items(render, nav_item.children" in source
    assert "portal_nav_index(nav_item.children)" in source
    assert "{% for item in nav_item.children %}" not in source
    source, _, _ = loader.get_source(jinja2.Environment(), "partials/nav.html")
    assert "portal_nav_items(item.render, nav.items" in source and "{% for nav_item in nav.items %}" not in source
    source, _, _ = loader.get_source(jinja2.Environment(), "partials/language.html")
    assert "{% set t = portal_translator(lang, fallback) %}" in source and "macro t(" not in source


def test_the_top_level_is_left_alone_when_nav_item_html_is_the_users(tmp_path: Path) -> None:
    # The memo knows what Material's entries depend on, not what a user's template does.
    import jinja2

    from portal_gen.accel.material_nav import _MaterialLoader

    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "nav-item.html").write_bytes(material_nav_item().read_bytes())
    material = jinja2.FileSystemLoader(str(material_nav_item().parent.parent))
    loader = _MaterialLoader(jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(tmp_path)), material]))
    source, _, _ = loader.get_source(jinja2.Environment(), "partials/nav.html")
    assert "{% for nav_item in nav.items %}" in source and "portal_nav_items" not in source


TWICE_LISTED = """nav:
  - Home: index.md
  - First: [dup/a.md, dup/b.md]
  - Second: [dup/b.md, dup/c.md]
  - Reference: reference/index.md
"""


@pytest.mark.parametrize("urls", ["folder", "file"])
def test_a_page_listed_in_two_sections_is_rendered_as_itself_in_both(tmp_path: Path, urls: str) -> None:
    # b is the page in both sections; the first is not active on b's page (b's parent is
    # the second), yet it holds b: neither it nor its entries may be reused from b's page.
    project = make_project(tmp_path / "project", operations=4)
    (project / "content" / "dup").mkdir()
    for name in "abc":
        (project / "content" / "dup" / f"{name}.md").write_text(f"# {name.upper()}\n\n## Part\n")
    mkdocs_yml = MKDOCS_YML + TWICE_LISTED
    if urls == "file":
        mkdocs_yml = mkdocs_yml.replace("docs_dir: content", "docs_dir: content\nuse_directory_urls: false")
    plain_files, fast_files = built_both_ways(tmp_path, project, mkdocs_yml)
    assert [name for name in plain_files if fast_files[name] != plain_files[name]] == []
