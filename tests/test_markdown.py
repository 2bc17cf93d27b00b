from __future__ import annotations

from portal_gen.markdown import plain_title, render_inline, render_markdown


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
