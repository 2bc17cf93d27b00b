from __future__ import annotations

import html as html_module
import logging
import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import accel_modules_loaded
from portal_gen import accel
from portal_gen.accel import markdown as fast
from portal_gen.render import markdown as render_markdown_module
from portal_gen.render.markdown import _md, plain_title, render_inline, render_markdown, sanitize_html


def _text(markup: str) -> str:
    """What a reader reads: the text, tags stripped and unescaped."""
    return html_module.unescape(re.sub(r"<[^>]+>", "", markup))


def test_descriptions_are_commonmark() -> None:
    html = render_markdown("Hello **world**\n\n- a\n- b")
    assert re.fullmatch(r"<p>Hello <strong>world</strong></p>\s*<ul>\s*<li>a</li>\s*<li>b</li>\s*</ul>\s*", html)
    assert render_inline("a `b` *c*") == "a <code>b</code> <em>c</em>"


def test_scripts_handlers_and_javascript_urls_are_removed() -> None:
    html = render_markdown(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[x](javascript:alert(1)) <a href='JaVaScRiPt:alert(1)'>y</a> <iframe src=//evil></iframe>"
    )
    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered
    assert 'href="javascript' not in lowered
    assert "<iframe" not in lowered
    assert '<img src="x">' in html


def test_links_keep_safe_urls_and_get_rel() -> None:
    html = render_markdown("[docs](https://example.com/a?b=1)")
    link = re.fullmatch(r"<p><a ([^>]*)>docs</a></p>\s*", html)
    assert link
    assert sorted(re.findall(r'(\w+)="([^"]*)"', link.group(1))) == [
        ("href", "https://example.com/a?b=1"),
        ("rel", "noopener noreferrer"),
    ]


def test_links_follow_the_one_url_policy() -> None:
    """http, https, mailto and relative URLs are links; ``tel:`` and every other scheme
    are not (the policy of portal_gen.render.urls; tests/test_urls.py feeds it payloads)."""
    html = render_markdown(
        "[a](mailto:a@b.c) [b](../x) [c](#top) <a href='tel:+15550100'>d</a> <a href=' JAVASCRIPT:x'>e</a>"
    )
    assert re.findall(r"<a[^>]*>", html) == [
        '<a href="mailto:a@b.c" rel="noopener noreferrer">',
        '<a href="../x" rel="noopener noreferrer">',
        '<a href="#top" rel="noopener noreferrer">',
        '<a rel="noopener noreferrer">',
        '<a rel="noopener noreferrer">',
    ]
    assert _text(html) == "a b c d e\n"


def test_titles_cannot_break_out_of_title_tags() -> None:
    title = plain_title('List </title><script>alert("x")</script> & more')
    assert "<" not in title and ">" not in title
    assert title == "List \u2039/title\u203a\u2039script\u203aalert(&quot;x&quot;)\u2039/script\u203a &amp; more"


_PIECES = ["a", "Z", "é", "名", "🙂", " ", "  ", ".", ",", ")", "(", "-", "+", "1", "23", '"', "'", ":", "/", "?"]
_PIECES += ["%", "\n", "\t", "\u00a0", "\u2028", "*", "_", "`", "[", "]", "<", ">", "#", "|", "\\", "!", "&", "~"]
_PIECES += ["=", "http://x.test", "1. ", "- ", "&amp;", "<b>", "    ", "a\n\nb", "---", "{", "$", "^", "&quot;"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_plain_text_renders_as_markdown_it_and_nh3_render_it(text: str) -> None:
    # The shortcut for plain sentences must give what the full path (the switch off) gives.
    block, line = fast.paragraph(text), fast.inline(text)
    if block is not None:
        assert block == sanitize_html(_md.render(text))
        assert _text(block).strip("\n") == text  # a reader reads the sentence
    if line is not None:
        assert line == sanitize_html(_md.renderInline(text))
        assert _text(line) == text
    assert (block is None) == (line is None)


def test_plain_sentences_take_the_shortcut() -> None:
    assert fast._plain('The name of the repository, e.g. "hello-world".')
    assert not fast._plain("1. A list")
    assert not fast._plain("A *stressed* word")
    assert not fast._plain("Two\nlines")
    assert fast._plain(fast._PROBE)  # the self-check's probe is one
    assert fast.paragraph('Say "hi" (politely).') is not None


@pytest.fixture
def switch(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """``switch(False)``: speed-ups off (``PORTAL_ACCEL=0``); ``switch(True)``: on."""

    def turn(on: bool) -> None:
        monkeypatch.delenv("PORTAL_ACCEL_SKIP", raising=False)
        monkeypatch.setenv("PORTAL_ACCEL", "1" if on else "0")
        assert accel.enabled("markdown_plain") is on  # markdown-it and nh3 are in its range

    return turn


@pytest.mark.parametrize(
    "text",
    [
        'Say "hi" (politely).',
        "The name of the repository.",
        "It's 100% {ok}: a/b, c.d; e? f@g + h-i é 名 🙂",
        "A *stressed* word",
        "1. A list",
        "Two\nlines",
        "Tom & Jerry",
    ],
)
def test_descriptions_render_the_same_with_the_switch_on_and_off(text: str, switch: Callable[[bool], None]) -> None:
    switch(True)
    on = (render_markdown.__wrapped__(text), render_inline.__wrapped__(text))
    switch(False)
    off = (render_markdown.__wrapped__(text), render_inline.__wrapped__(text))
    assert on == off
    assert _text(on[1]) == text.replace("*", "")


@pytest.fixture
def patch() -> Iterator[pytest.MonkeyPatch]:
    """A monkeypatch of what the self-check reads; it runs again before it and after it is undone."""
    fast.reset()
    with pytest.MonkeyPatch.context() as patch:
        yield patch
    fast.reset()


def test_the_shortcut_turns_itself_off_when_the_full_path_renders_its_probe_otherwise(
    patch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, switch: Callable[[bool], None]
) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.portal")
    switch(True)
    sanitize = render_markdown_module.sanitize_html
    # A sanitizer that writes quotes as entities, as another release might.
    patch.setattr(render_markdown_module, "sanitize_html", lambda raw: sanitize(raw).replace('"', "&quot;"))
    for _ in range(3):
        assert fast.paragraph('Say "hi".') is None
        assert fast.inline('Say "hi".') is None
        assert render_markdown.__wrapped__('Say "hi".') == "<p>Say &quot;hi&quot;.</p>\n"
    lines = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.portal"]
    assert len(lines) == 1 and "markdown_plain off" in lines[0]


def test_with_the_switch_off_the_shortcut_is_not_loaded() -> None:
    code = (
        "from portal_gen.render.markdown import render_inline, render_markdown\n"
        "render_markdown('A plain sentence.'), render_inline('Another one.')\n"
    )
    assert accel_modules_loaded(code, "0") == []
    assert accel_modules_loaded(code, "1") == ["portal_gen.accel.markdown"]


# -- headings of a page's own description: sections with ids -------------------------

from portal_gen.render.html import extract_toc  # noqa: E402
from portal_gen.render.markdown import anchor_sections  # noqa: E402

DESCRIPTION = "Intro.\n\n## Base URL\n\nText.\n\n## Servers\n\n### Rate limits\n\n## Base URL\n"


def test_a_page_descriptions_headings_get_ids_and_join_the_outline() -> None:
    page = (
        '<h1 id="relay">Relay</h1>'
        + str(render_markdown(DESCRIPTION, sections=True))
        + '<h2 id="servers">Servers</h2><li id="param-query-limit">x</li>'
    )
    toc = extract_toc(anchor_sections(page))
    assert [(e.level, e.id, e.title) for e in toc] == [
        (1, "relay", "Relay"),
        (2, "base-url", "Base URL"),
        (2, "servers-2", "Servers"),  # portal's own "servers" keeps its id
        (3, "rate-limits", "Rate limits"),
        (2, "base-url-2", "Base URL"),
        (2, "servers", "Servers"),
    ]


def test_section_ids_are_stable_and_linked() -> None:
    page = render_markdown("## Errors &amp; *retries*\n\ntext", sections=True)
    once = anchor_sections(page)
    assert once == anchor_sections(page) == anchor_sections(once)  # same page, same ids; idempotent
    assert re.search(
        r'<h2 id="errors-retries">Errors &amp; <em>retries</em><a class="headerlink" href="#errors-retries"[^>]*>', once
    )


def test_a_description_starting_at_h1_sits_below_the_page_title() -> None:
    page = anchor_sections(render_markdown("# Overview\n\n## Details\n", sections=True))
    assert [(e.level, e.title) for e in extract_toc(page)] == [(2, "Overview"), (3, "Details")]


def test_a_fields_description_keeps_plain_headings() -> None:
    """A parameter's or a property's text is no section of the page: its headings get no
    id, so they stay out of the outline and never repeat an id when the text repeats."""
    field = render_markdown("## Notes\n\nSee below.")
    page = anchor_sections(f"{field}{field}")
    assert "<h2>Notes</h2>" in page and " id=" not in page and extract_toc(page) == ()


def test_sections_are_sanitized_like_any_description() -> None:
    page = anchor_sections(render_markdown('## <img src=x onerror=alert(1)>Hi"\n', sections=True))
    assert "onerror" not in page and re.search(r'<h2 id="hi">.*</h2>', page)


def test_table_columns_keep_their_alignment() -> None:
    html = render_markdown("| Plan | Requests |\n|---|--:|\n| Trial | 5 |\n")
    assert '<th align="right">Requests</th>' in html and '<td align="right">5</td>' in html
    assert "style=" not in html
