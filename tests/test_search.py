"""Search: what it indexes of a generated page (operations titled with their method and
path, weighed by ``search.boost``, no run-together words, no tab labels or buttons), what
a reader finds typing in Material's search box in Chromium, and search_sections (the
speed-up) reading pages as Material's parser does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser import axe_source, serious_violations, serve_directory
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import ROOT, copy_demo
from portal_gen.accel.material_search import search_sections
from portal_gen.adapters.mkdocs.search import SEPARATOR, configure_search, search_boost, search_text
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
            "<p>x</p><details open><summary>s</summary> shown</details> ",
        ),
    ],
)
def test_search_text_leaves_out_nested_trees(html: str, text: str) -> None:
    assert search_text(html) == text


@pytest.mark.parametrize(
    "html, text",
    [
        # Blocks whose tags search drops keep their words apart.
        (
            "<dl><div><dt>Time</dt><dd>About 5 minutes</dd></div></dl><table><tr><th>Free</th><td>$0</td></tr>",
            "<dl><div><dt>Time</dt> <dd>About 5 minutes</dd> </div> </dl> <table><tr><th>Free</th> <td>$0</td> </tr> ",
        ),
        ("<p>one<br>two<br/>three</p>", "<p>one two three</p>"),
        # A snippet's language tabs and buttons are controls, not content.
        (
            '<div class="tabbed-set"><div class="tabbed-labels"><label for="a">curl</label><label>Python</label>'
            '</div><div class="tabbed-content"><p>Run it</p></div></div><button type="button">Copy</button>',
            '<div class="tabbed-set"><div class="tabbed-content"><p>Run it</p></div> </div> ',
        ),
    ],
)
def test_search_text_keeps_words_apart_and_leaves_out_controls(html: str, text: str) -> None:
    assert search_text(html) == text


OPERATION = (
    '<h1 id="send-message">Send a message</h1>\n<div class="portal-operation"><div class="portal-operation__intro">\n'
    '<p class="portal-endpoint"><span class="portal-method portal-method--post">POST</span> '
    '<code class="portal-url" id="endpoint-url"><span class="portal-url__server">https://api.relay.example/v1</span>'
    '<span class="portal-path">/messages</span></code><button type="button" class="portal-copy">Copy</button></p>\n'
    '<div class="portal-description"><p>Queues an SMS.</p></div></div></div>'
)


def test_an_operations_method_and_path_join_its_title() -> None:
    text = search_text(OPERATION)
    assert text.startswith('<h1 id="send-message">Send a message <code>POST /messages</code></h1> ')
    assert text.count("/messages") == 1 and "https://" not in text and "Copy" not in text
    assert "<p>Queues an SMS.</p>" in text
    # A webhook has a name, not a path: its title stays the event's name.
    webhook = (
        '<h1 id="w">Message received</h1>\n<p class="portal-endpoint"><span class="portal-method">POST</span> '
        '<span class="portal-webhook-label">webhook</span> <code class="portal-path">messageReceived</code></p>'
    )
    assert search_text(webhook).startswith('<h1 id="w">Message received</h1> <p class="portal-endpoint">POST webhook')


def test_an_operation_weighs_more_the_shorter_its_title_and_a_get_most() -> None:
    def boost(summary: str, method: str, path: str) -> float | None:
        return search_boost(f'<h1 id="x">{summary} <code>{method} {path}</code></h1> <p>text</p>')

    get = boost("Retrieve a message", "GET", "/messages/{message_id}")
    assert get is not None and get > 1
    assert get > boost("Delete a message", "DELETE", "/messages/{message_id}")  # type: ignore[operator]
    assert get > boost("Retrieve a message's media", "GET", "/messages/{message_id}/media")  # type: ignore[operator]
    assert search_boost('<h1 id="models">Models</h1> <p>text</p>') is None


def test_search_splits_words_at_code_punctuation_unless_the_project_chose(tmp_path: Path) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    search = config.plugins["material/search"]
    search.config["separator"] = None
    configure_search(config)
    assert search.config["separator"] == SEPARATOR
    words = [w for w in re.split(SEPARATOR, "GET /messages/{message_id} message's sendMessage 3.9+ a.b") if w]
    assert words == ["GET", "messages", "message", "id", "message", "sendMessage", "3.9+", "a", "b"]
    search.config["separator"] = r"[\s]+"  # the project's own
    configure_search(config)
    assert search.config["separator"] == r"[\s]+"


# What the issue found in the index: words run together across blocks, tab labels.
RUN_TOGETHER = (
    "curlPython",
    "PythonJavaScript",
    "curl Python JavaScript",
    "buildA ",
    "TimeAbout",
    "Free$",
    "SectionOperations",
    "StatusWhenBody",
    "ErrorHeaders",
    "Copy</p>",
)


def test_the_demos_search_index_holds_operations_titled_with_method_and_path(built) -> None:
    index = json.loads((built("demo") / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {doc["location"]: doc for doc in index["docs"]}
    send = docs["reference/messages/send-message/"]
    assert send["title"] == "Send a message <code>POST /messages</code>"
    assert send["text"].startswith("<p>Queues an SMS or MMS for delivery.")
    get = docs["reference/messages/get-message/"]
    assert get["title"] == "Retrieve a message <code>GET /messages/{message_id}</code>"
    # Operations (every entry of their pages) weigh more than other pages, which have no boost.
    assert all(doc.get("boost", 1) > 1 for doc in index["docs"] if doc["location"].startswith(SEND_PAGE))
    assert "boost" not in docs["reference/models/message-status/"]
    assert index["config"]["separator"] == SEPARATOR
    for doc in index["docs"]:
        for text in RUN_TOGETHER:
            assert text not in doc["title"] + doc["text"], (doc["location"], text)


SEND_PAGE = "reference/messages/send-message/"


def _search(page: Any, query: str) -> list[tuple[str, str]]:
    """Type ``query`` into Material's search box: each result's page and what it shows."""
    page.fill(".md-search__input", "")
    page.type(".md-search__input", query)
    # Material says how many documents match (or that none does) once results are in.
    page.wait_for_function(
        "q => document.querySelector('.md-search__input').value === q"
        " && /matching/i.test(document.querySelector('.md-search-result__meta').textContent)",
        arg=query,
    )
    page.wait_for_timeout(300)  # the last keystroke's results replace the ones before
    return page.eval_on_selector_all(
        ".md-search-result__item > .md-search-result__link:first-child",
        "links => links.map(a => [new URL(a.href).pathname, a.innerText.replace(/\\s+/g, ' ').trim()])",
    )


@pytest.mark.parametrize(
    "query, first",
    [
        ("send message", SEND_PAGE),
        ("/messages/{id}", "reference/messages/get-message/"),
        ("messages id", "reference/messages/get-message/"),
        ("/messages/{message_id}", "reference/messages/get-message/"),
        ("sendMessage", SEND_PAGE),
        ("MessageStatus", "reference/models/message-status/"),
    ],
)
def test_typing_in_the_search_box_finds_the_operation_first(built, chromium, query: str, first: str) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/")
        page.click(".md-search__input")  # opens the search dialog
        results = _search(page, query)
        context.close()
    assert results and results[0][0] == f"/{first}", results[:3]


def test_a_result_shows_the_operations_method_and_path(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/")
        page.click(".md-search__input")  # opens the search dialog
        results = _search(page, "send message")
        context.close()
    path, shown = results[0]
    assert path == f"/{SEND_PAGE}"
    assert shown.startswith("Send a message POST /messages Queues an SMS or MMS for delivery."), shown


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_dialog_is_named_and_accessible_with_results_open(built, chromium, scheme: str) -> None:
    axe = axe_source()
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{base}/reference/")
        page.click(".md-search__input")  # opens the search dialog
        assert _search(page, "message")
        name = page.eval_on_selector(".md-search[role='dialog']", "d => d.getAttribute('aria-label') || ''")
        assert name.strip()
        problems = serious_violations(page, axe)
        context.close()
    assert problems == []


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
