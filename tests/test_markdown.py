from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from portal_gen.render.markdown import plain_title, render_inline, render_markdown


def test_descriptions_are_commonmark() -> None:
    assert render_markdown("Hello **world**\n\n- a\n- b") == (
        "<p>Hello <strong>world</strong></p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
    )
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
    assert html == '<p><a href="https://example.com/a?b=1" rel="noopener noreferrer">docs</a></p>\n'


def test_titles_cannot_break_out_of_title_tags() -> None:
    title = plain_title('List </title><script>alert("x")</script> & more')
    assert "<" not in title and ">" not in title
    assert title == "List \u2039/title\u203a\u2039script\u203aalert(&quot;x&quot;)\u2039/script\u203a &amp; more"


_PIECES = ["a", "Z", "é", "名", "🙂", " ", "  ", ".", ",", ")", "(", "-", "+", "1", "23", '"', "'", ":", "/", "?"]
_PIECES += ["%", "\n", "\t", "\u00a0", "\u2028", "*", "_", "`", "[", "]", "<", ">", "#", "|", "\\", "!", "&", "~"]
_PIECES += ["=", "http://x.test", "1. ", "- ", "&amp;", "<b>", "    ", "a\n\nb", "---"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_plain_text_renders_as_markdown_it_and_nh3_render_it(text: str) -> None:
    # The shortcut for plain sentences must give what the full path gives.
    from portal_gen.render.markdown import _md, _plain, sanitize_html

    if text and _plain(text):
        assert render_markdown.__wrapped__(text) == sanitize_html(_md.render(text))
        assert render_inline.__wrapped__(text) == sanitize_html(_md.renderInline(text))


def test_plain_sentences_take_the_shortcut() -> None:
    from portal_gen.render.markdown import _plain

    assert _plain('The name of the repository, e.g. "hello-world".')
    assert not _plain("1. A list")
    assert not _plain("A *stressed* word")
    assert not _plain("Two\nlines")
    assert render_markdown('Say "hi" (politely).') == '<p>Say "hi" (politely).</p>\n'
