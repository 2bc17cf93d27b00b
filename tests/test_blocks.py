"""Blocks of Material's page template rendered once per ``base_url`` and filled with each
page's title (``portal_gen.accel.material_blocks``): every page comes out as Material renders it.

The reference is the same project built in the same process with the memo left out.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import jinja2
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

import portal_gen.adapters.mkdocs.plugin
from conftest import MKDOCS_YML, make_project, site_files
from portal_gen.accel import material_blocks as mkdocs_blocks
from portal_gen.accel.material_blocks import _Checker

FEATURES = "features: [navigation.indexes, navigation.prune, navigation.sections]"
DRESSED = """\
site_url: https://docs.example.com/api/
repo_url: https://github.com/example/api
edit_uri: edit/main/content/
extra_javascript: [js/extra.js]
extra:
  polyfills: [js/poly.js]
  alternate:
    - {name: English, link: /en/, lang: en}
    - {name: Reference, link: reference/, lang: fr}
"""
VARIANTS = {
    "plain": MKDOCS_YML,
    "tabs": MKDOCS_YML.replace(FEATURES, FEATURES.replace("navigation.indexes", "navigation.tabs, navigation.indexes")),
    "sticky-tabs": MKDOCS_YML.replace(FEATURES, FEATURES.replace("[", "[navigation.tabs, navigation.tabs.sticky, ")),
    # A link relative to the pages (reference/) in the header's alternates, a logo, a
    # palette toggle, scripts through script_tag, canonical and edit links.
    "dressed": MKDOCS_YML.replace("  font: false\n", "  font: false\n  logo: images/logo.svg\n  palette:\n"
                                  "    - scheme: default\n    - scheme: slate\n") + DRESSED,
    "file-urls": MKDOCS_YML.replace("docs_dir: content", "docs_dir: content\nuse_directory_urls: false"),
    "french": MKDOCS_YML.replace("  font: false\n", "  font: false\n  language: fr\n"),
    # The user's base.html: a block with the title and a link to a folder of pages (the
    # link differs from folder to folder), one with the title through a filter.
    "overridden": MKDOCS_YML.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
}  # fmt: skip
EXTRAHEAD = (
    '{% block extrahead %}<meta name=t content="{{ page.title }}">'
    "<link rel=x href=\"{{ 'reference/' | url }}\">{% endblock %}"
)
HERO = "{% block hero %}<p>{{ page.title | upper }}</p>{% endblock %}"


def material_templates() -> Path:
    spec = importlib.util.find_spec("material")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "templates"


def material_base() -> str:
    return (material_templates() / "base.html").read_text()


def project_for(root: Path, variant: str) -> Path:
    project = make_project(root, operations=40)
    (project / "mkdocs.yml").write_text(VARIANTS[variant])
    (project / "content" / "images").mkdir()
    (project / "content" / "images" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (project / "content" / "js").mkdir()
    (project / "content" / "js" / "extra.js").write_text("// extra\n")
    (project / "content" / "js" / "poly.js").write_text("// poly\n")
    (project / "content" / "guides").mkdir()
    (project / "content" / "guides" / "deep.md").write_text("---\ntitle: With front matter\n---\n# Deep\n")
    base = material_base()
    assert base.count("{% block extrahead %}{% endblock %}") == 1 and base.count("{% block hero %}{% endblock %}") == 1
    base = base.replace("{% block extrahead %}{% endblock %}", EXTRAHEAD).replace(
        "{% block hero %}{% endblock %}", HERO
    )
    (project / "overrides" / "partials").mkdir(parents=True)
    (project / "overrides" / "base.html").write_text(base)
    # The user's translations: a module per page, compared as such (not as Material's).
    language = material_templates() / "partials" / "language.html"
    (project / "overrides" / "partials" / "language.html").write_text(language.read_text())
    return project


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_remembered_blocks_render_every_page_as_material(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variant: str
) -> None:
    project = project_for(tmp_path / "project", variant)
    monkeypatch.chdir(project)
    monkeypatch.setenv("PORTAL_CACHE", "0")
    filled = tmp_path / "filled"  # by this process and the one that shares the pages
    fill = mkdocs_blocks._BlockMemo._fill

    def counted(self: Any, entry: Any, context: Any, page: Any) -> Any:
        found = fill(self, entry, context, page)
        if found is not None:
            with filled.open("a") as out:
                out.write(f"{page.url}\n")
        return found

    monkeypatch.setattr(mkdocs_blocks._BlockMemo, "_fill", counted)
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "remembered")))
    assert filled.read_text().count("\n") > 40  # the memo was used...
    monkeypatch.setattr(portal_gen.adapters.mkdocs.plugin, "remember_blocks", lambda env: None)
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "plain")))

    # ...and every file is as Material renders it without.
    remembered, plain = site_files(tmp_path / "remembered"), site_files(tmp_path / "plain")
    assert sorted(remembered) == sorted(plain)
    assert [name for name in plain if remembered[name] != plain[name]] == []
    if variant == "overridden":
        page = next(name for name in plain if name.startswith("reference/") and name.count("/") >= 3)
        assert b"<meta name=t content=" in plain[page] and b"<p>" in plain[page]


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        # The title (filled in) and the meta (empty): all of the page read.
        (
            "<h1>{{ page.title }}</h1>{% if page.meta and page.meta.x %}{{ page.meta.x }}{% endif %}",
            {"page", "page.title"},
        ),
        ('<a href="{{ nav.homepage.url | url }}">{{ config.site_name | e }}</a>', {"nav", "config"}),
        # What the template sets itself is not read from the context.
        ("{% set icon = config.theme.icon or 'x' %}{% include 'i/' ~ icon ~ '.svg' %}", {"config"}),
        ("{{ lang.t('search') }}{% set _ = namespace(a=1) %}{{ _.a }}", {"lang", "namespace"}),
        ("{{ 'assets/x.js' | script_tag }}{{ features | tojson }}", {"features"}),
    ],
)
def test_templates_that_read_the_page_only_so_may_be_remembered(source: str, reads: set[str]) -> None:
    env = jinja2.Environment()
    env.filters["url"] = mkdocs_blocks.url_filter
    env.filters["script_tag"] = mkdocs_blocks.script_tag_filter
    assert _Checker(env).names(env.parse(source)) == frozenset(reads)


@pytest.mark.parametrize(
    "source",
    [
        "{{ page.title | upper }}",  # the title through a filter: not a plain fill
        "{{ page.title ~ '!' }}",
        "{% if page.title %}x{% endif %}",
        "{% set t = page.title %}{{ t }}",
        "{{ page.url }}",  # any other attribute of the page
        "{{ page.content }}",
        "{% set toc = page.toc %}{% for item in toc %}{{ item.title }}{% endfor %}",
        "{{ page }}",
        "{% for item in nav.items %}{{ item.active }}{% endfor %}",  # the entries' state
        "{{ nav }}",
        "{{ config.x | shout }}",  # a filter portal does not know
        "{{ item.render(x) }}",  # a macro: what it reads is not checked
        "{% macro m() %}{{ page.title }}{% endmacro %}",
        "{% block inner %}{% endblock %}",  # another block: a child template may replace it
        "{{ self.header() }}",
        "{{ extra_css }}",  # MkDocs' per-page links
        "{{ config._current_page.title }}",  # the page being written, through the config
        "{% for file in pages %}{{ file.url }}{% endfor %}",  # the files' pages and their state
        "{{ nav.homepage.active }}",  # the home page's state: only its URL may be read
        "{{ nav.homepage.title }}",
        "{{ config.nav[0].active }}",
        "{% set t %}{{ page.title }}{% endset %}{{ t | e }}",  # the title into a variable
        "{% filter e %}{{ page.title }}{% endfilter %}",  # or through a filter block
        "{{ (config | attr('_current_page')).url }}",  # a private attribute by name
        "{{ config[key] }}",  # a key computed: it can name anything
        "{{ config.nav | sort(attribute='active') | first }}",
        "{{ config.nav | sum('active') }}",
    ],
)
def test_templates_that_read_the_page_otherwise_are_rendered_each_time(source: str) -> None:
    env = jinja2.Environment()
    env.filters["shout"] = str.upper
    assert _Checker(env).names(env.parse(source)) is None


def test_a_filter_replaced_by_a_plugin_is_not_trusted() -> None:
    env = jinja2.Environment()
    env.filters["upper"] = lambda value: value  # not Jinja's
    env.filters["url"] = lambda value: value  # not MkDocs'
    checker = _Checker(env)
    assert checker.names(env.parse("{{ config.x | upper }}")) is None
    assert checker.names(env.parse("{{ 'x' | url }}")) is None


# Blocks of the user's base.html whose output differs from page to page in ways a filled
# title or equal-looking values would hide: each renders as Material renders it.
SPECIAL_PAGES = {
    "shared.md": "# Shared\n\ntext\n",
    "special.md": '# Tom & Jerry "show"\n\ntext\n',
    "generic.md": "# List&lt;T&gt; type\n\ntext\n",
}
ROOT = '{% import "partials/language.html" as lang with context %}'
LOOK_ALIKE = {
    "title-into-a-variable": ("", '{% set t %}{{ page.title }}{% endset %}<meta content="{{ t | e }}">'),
    "title-compared": ("", "{% set t %}{{ page.title }}{% endset %}{% if t == 'Shared' %}<meta name=r>{% endif %}"),
    "title-escaped-by-a-block": ("", '<meta content="{% filter e %}{{ page.title }}{% endfilter %}">'),
    "title-in-a-link": ("", "<a href=\"?t={% filter replace(' ', '+') %}{{ page.title }}{% endfilter %}\">s</a>"),
    "page-being-written": ("", "<meta content=\"{{ (config | attr('_current_page')).url }}\">"),
    "none-or-missing": (
        "{% if page.url == 'quickstarts/special/' %}{% set desc = config.site_description %}{% endif %}",
        '<meta content="{{ desc }}">',
    ),
    "true-or-1": ("{% set n = page.is_index or 1 %}", '<meta content="{{ n }}">'),
}


@pytest.mark.parametrize("case", sorted(LOOK_ALIKE))
def test_what_only_looks_alike_from_page_to_page_is_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    root, extrahead = LOOK_ALIKE[case]
    project = make_project(tmp_path / "project", operations=12)
    for name, text in SPECIAL_PAGES.items():
        (project / "content" / "quickstarts" / name).write_text(text)
    (project / "mkdocs.yml").write_text(VARIANTS["overridden"])
    base = material_base().replace(ROOT, ROOT + root, 1)
    base = base.replace("{% block extrahead %}{% endblock %}", f"{{% block extrahead %}}{extrahead}{{% endblock %}}")
    (project / "overrides").mkdir()
    (project / "overrides" / "base.html").write_text(base)
    assert_built_alike(tmp_path, monkeypatch, project)


def test_a_title_of_markup_is_not_filled_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Markup's join would escape the whole block around it.
    project = make_project(tmp_path / "project", operations=12)
    for name, text in SPECIAL_PAGES.items():
        (project / "content" / "quickstarts" / name).write_text(text)
    (project / "hooks.py").write_text(
        "from markupsafe import Markup\n"
        "def on_page_content(html, page, config, files):\n"
        "    if page.url == 'quickstarts/special/':\n"
        "        page.title = Markup('Special <code>x</code>')\n"
    )
    (project / "mkdocs.yml").write_text(MKDOCS_YML + "hooks: [hooks.py]\n")
    assert_built_alike(tmp_path, monkeypatch, project)


def assert_built_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("PORTAL_CACHE", "0")
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "remembered")))
    monkeypatch.setattr(portal_gen.adapters.mkdocs.plugin, "remember_blocks", lambda env: None)
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "plain")))
    remembered, plain = site_files(tmp_path / "remembered"), site_files(tmp_path / "plain")
    assert sorted(remembered) == sorted(plain)
    assert [name for name in plain if remembered[name] != plain[name]] == []
