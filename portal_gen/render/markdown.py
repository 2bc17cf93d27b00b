"""CommonMark descriptions rendered to sanitized HTML.

Spec descriptions and content come from many hands: everything is rendered with
markdown-it-py (a CommonMark-compliant parser) and then cleaned by nh3 (ammonia), so
no script, event handler or ``javascript:`` URL survives, wherever the text appears.
Links and images keep their URL under the policy of :mod:`.urls` (``http``, ``https``,
``mailto`` or relative): nh3 reads a URL as browsers do (after decoding character
references, without tabs, newlines and surrounding control characters) and drops an
``href`` or ``src`` with any other scheme, leaving the link's text.
"""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from .. import accel
from .urls import SCHEMES

_md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

_TAGS = set(nh3.ALLOWED_TAGS)
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in ("code", "span", "div"):
    _ATTRIBUTES.setdefault(_tag, set()).add("class")
_ATTRIBUTES.setdefault("details", set()).add("open")
_URL_SCHEMES = set(SCHEMES)  # no tel: the one policy for every URL a page shows


@lru_cache(maxsize=65536)
def render_markdown(text: str | None) -> Markup:
    """Render a CommonMark block (a description) to safe HTML."""
    if not text:
        return Markup("")
    if accel.enabled("markdown_plain"):
        from ..accel.markdown import paragraph

        plain = paragraph(text)
        if plain is not None:
            return Markup(plain)
    return Markup(sanitize_html(_md.render(text)))


@lru_cache(maxsize=65536)
def render_inline(text: str | None) -> Markup:
    """Render one line of CommonMark (no paragraph wrapper), sanitized."""
    if not text:
        return Markup("")
    if accel.enabled("markdown_plain"):
        from ..accel.markdown import inline

        plain = inline(text)
        if plain is not None:
            return Markup(plain)
    return Markup(sanitize_html(_md.renderInline(text)))


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
