"""CommonMark descriptions rendered to sanitized HTML.

Spec descriptions and content come from many hands: everything is rendered with
markdown-it-py (a CommonMark-compliant parser) and then cleaned by nh3 (ammonia), so
no script, event handler or ``javascript:`` URL survives, wherever the text appears.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

_TAGS = set(nh3.ALLOWED_TAGS)
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in ("code", "span", "div"):
    _ATTRIBUTES.setdefault(_tag, set()).add("class")
_ATTRIBUTES.setdefault("details", set()).add("open")
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


@lru_cache(maxsize=65536)
def render_markdown(text: str | None) -> Markup:
    """Render a CommonMark block (a description) to safe HTML."""
    if not text:
        return Markup("")
    if _plain(text):
        return Markup(f"<p>{text}</p>\n")
    return Markup(sanitize_html(_md.render(text)))


@lru_cache(maxsize=65536)
def render_inline(text: str | None) -> Markup:
    """Render one line of CommonMark (no paragraph wrapper), sanitized."""
    if not text:
        return Markup("")
    if _plain(text):
        return Markup(text)
    return Markup(sanitize_html(_md.renderInline(text)))


# Most descriptions of a big spec are one plain sentence ("The name of the repository."):
# no character CommonMark or HTML gives a meaning to, on one line, starting with nothing
# a list or a code block could start with. Such text renders to itself, in a paragraph
# for a block, and sanitizing changes nothing (markdown-it's &quot; is a quote again), so
# it skips both: half the time Markdown took on GitHub's spec. tests/test_markdown.py
# holds the shortcut to the full path on random text.
_MARKUP_CHARACTERS = re.compile(r"[`*_\[\]<>#|\\!&~=]")
_LIST_START = re.compile(r"[-+]|\d{1,9}[.)]")


def _plain(text: str) -> bool:
    return (
        text.isprintable()  # no line break, tab, no-break space or control character
        and text.strip() == text
        and not _MARKUP_CHARACTERS.search(text)
        and not _LIST_START.match(text)
    )


def sanitize_html(raw: str) -> str:
    """Strip everything that could run code or leave the page unexpectedly."""
    return nh3.clean(
        raw,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def plain_title(text: str) -> str:
    """Escape text for places that treat it as HTML and may unescape it again.

    Material inserts page titles unescaped and also puts ``title | striptags`` in
    ``<title>``; striptags unescapes entities, so an escaped ``</title>`` would
    become markup again. Angle brackets are swapped for look-alike quotes instead.
    """
    cleaned = " ".join(text.replace("<", "\u2039").replace(">", "\u203a").split())
    return html.escape(cleaned, quote=True)
