"""Search reads pages as Material's parser does: search_sections against Parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import copy_demo
from portal_gen.accel.material_search import search_sections
from portal_gen.adapters.mkdocs.search import search_text
from portal_gen.engine.cache import _read_body


@pytest.mark.parametrize(
    "html, text",
    [
        (
            '<p>keep</p><details class="portal-nested"><summary>x</summary><details><p>deep</p></details>'
            "<p>in</p></details><p>after</p>",
            "<p>keep</p><p>after</p>",
        ),
        ('<p>a</p><details class="portal-nested"><p>never closed</p>', "<p>a</p>"),
        # A <pre> only in a nested tree still keeps the page's spaces as they are.
        ('<p>a  <b>b</b></p>\n\n<details class="portal-nested"><pre>only here</pre></details>', "<p>a  b</p>\n\n"),
        ('<p>a  <b>b</b></p>\n\n<details class="portal-nested"><p>x</p></details>', "<p>a b</p> "),
        ("<p>a  b</p><pre>kept  as is</pre>", "<p>a  b</p><pre>kept  as is</pre>"),
        (
            "<p>x</p><details open><summary>s</summary>shown</details>",
            "<p>x</p><details open><summary>s</summary>shown</details>",
        ),
    ],
)
def test_search_text_leaves_out_nested_trees(html: str, text: str) -> None:
    assert search_text(html) == text


def material_sections(html: str) -> list[tuple[Any, ...]] | str:
    """What Material's parser makes of ``html``, or the error it fails with."""
    parser = Parser()
    try:
        parser.feed(html)
        parser.close()
    except ValueError as error:
        return f"error: {error}"
    return described(parser.data)


def described(sections: list[Any]) -> list[tuple[Any, ...]]:
    return [(s.id, s.title, s.text, s.el.tag, s.el.attrs, s.depth, s.is_excluded()) for s in sections]


def assert_read_alike(html: str) -> bool:
    """search_sections agrees with Material's parser on ``html``, or leaves it to it;
    whether it read it itself."""
    expected = material_sections(html)
    found = search_sections(html)
    if found is None:
        return False
    assert described(found) == expected, html
    return True


@pytest.mark.parametrize("name", ["petstore30", "nasty", "features31", "demo"])
def test_every_generated_page_is_read_as_material_reads_it(built, name: str) -> None:
    pages = sorted((built(name).parent / ".portal-cache" / "pages").glob("*.page"))
    assert pages
    for path in pages:
        body = _read_body(path)
        assert assert_read_alike(search_text(body)), f"{path}: left to Material's parser"
        assert_read_alike(body)  # with scripts and all: read alike, or by Material


@pytest.mark.parametrize(
    "html",
    [
        '<h1 id="a">Title<a class="headerlink" href="#a">&para;</a></h1><p>one &amp; two</p>',
        '<p>before</p><h2 id="b">Second</h2><p>x</p><h3 id="c">Third</h3><ul><li> </li><li>y</li></ul>',
        "<pre><code>a\n\n  b</code></pre><p>\n</p><p>c\nd</p>",
        "<p>x</p> <b> </b>\n<pre><code>x</code> <code> </code>\n<code>y</code></pre>",
        '<div data-search-exclude><p>hidden</p></div><p>shown</p><div class="linenodiv">1</div>',
        "<div><div data-search-exclude>x<div>inner</div>after inner</div>after</div>",
        '<h2 id="x"><a class="headerlink" href="#x">#</a>T<code>c</code></h2><object>o</object><p>p</p>',
        '<P CLASS="Q" data-x="&lt;&quot;">upper</P><br><br/><img src="x"/><hr /><p/>text',
        '<section><h2 id="n">Nested</h2><p>in</p></section><p>out</p><h4 id="m">M</h4>',
        '<h2 id="e" data-search-exclude>Excluded heading</h2><p>body</p>',
        "<ul><li>a</li></ol></li></ul><sub>1</sub><sup> </sup>tail, no ampersand",
        '<h1 id="first">First</h1><h1 id="again">Again</h1>text<p></p>',
        '<my-tag x="1" y>custom</my-tag><a title="a > b">gt</a>',
    ],
)
def test_markup_portal_generates_is_read_as_material_reads_it(html: str) -> None:
    assert assert_read_alike(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a <!-- comment --> b</p>",
        "<script>var a = '<p>';</script><p>x</p>",
        "<style>p { color: red }</style>",
        "<p class='single'>quoted</p>",
        "<p>a < b</p>",
        "<p>trailing</p>and &amp",
        "<p>trailing</p>and &amp; more",
        "<p>x</p></p><p>y</p>",
        "<!DOCTYPE html><p>x</p>",
        '<p title = "spaced">x</p>',
        "<p>unclosed",
        # Whitespace HTMLParser does not end a tag name at: part of the name to it.
        '<h2 id="a">T</h2><p\x0b>x</p>',
        '<h2\u2003id="a">T</h2><p>x</p>',
        "<div\x85data-search-exclude><p>secret</p></div>",
        '<p\xa0class="x">y</p></p\xa0>',
    ],
)
def test_other_markup_is_read_by_material_or_alike(html: str) -> None:
    # Outside what search_sections reads, it steps aside; inside, it agrees.
    assert_read_alike(html)


def test_a_page_material_cannot_read_is_left_to_it() -> None:
    # Material's parser fails on this (it looks for the <p> opened while skipping):
    # search_sections must not index it differently, but leave it to fail as it does.
    html = "<div data-search-exclude><p></div><p>x</p></p>"
    expected = material_sections(html)
    found = search_sections(html)
    if isinstance(expected, str):
        assert found is None
    else:
        assert found is not None and described(found) == expected


# Weighted toward what search treats specially: kept, skipped and heading tags.
_TAGS = ["p", "p", "div", "div", "code", "pre", "pre", "pre", "li", "ul", "ol", "sub", "sup", "span", "a", "a"]
_TAGS += ["h1", "h2", "h2", "h3", "h6", "br", "img", "object", "section", "table", "details", "P", "H2", "Code"]
_ATTRIBUTES = st.sampled_from(
    [
        "",
        ' id="x"',
        ' id="y&amp;z"',
        ' class="headerlink"',
        ' class="linenodiv"',
        " data-search-exclude",
        ' data-search-exclude=""',
        ' class="a" id="dup" id="last"',
        ' ID="upper"',
        ' title="a > b"',
        " hidden",
    ]
)
_TEXT = st.lists(
    st.sampled_from(["a", "B", " ", "\n", "\t", "&amp;", "&lt;", "&#33;", "é", "\u00a0"]), min_size=1, max_size=6
).map("".join)


@st.composite
def markup(draw: Any) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 9))
        tag = draw(st.sampled_from(_TAGS))
        if kind < 4:
            parts.append(f"<{tag}{draw(_ATTRIBUTES)}{draw(st.sampled_from(['', ' ', '/', ' /']))}>")
        elif kind < 7:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(_TEXT))
    return "".join(parts)


@settings(max_examples=1500, deadline=None)
@given(markup())
def test_random_markup_is_read_as_material_reads_it(html: str) -> None:
    assert_read_alike(html)


def test_the_search_index_is_the_one_materials_parser_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo portal (guides in Markdown, generated reference pages) built twice in
    # this process: once as portal builds it, once with Material's own index.
    root = copy_demo(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setenv("PORTAL_CACHE", "0")

    def index(site: str) -> Any:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / site))
        build(config)
        return json.loads((root / site / "search" / "search_index.json").read_text(encoding="utf-8"))

    faster = index("site-faster")
    monkeypatch.setenv("PORTAL_ACCEL_SKIP", "material_search")
    assert index("site-material") == faster
    assert len(faster["docs"]) > 100
