"""CommonMark descriptions rendered to sanitized HTML.

Spec descriptions and content come from many hands: everything is rendered with
markdown-it-py (a CommonMark-compliant parser) and then cleaned by nh3 (ammonia), so
no script, event handler or ``javascript:`` URL survives, wherever the text appears.
Links and images keep their URL under the policy of :mod:`.urls` (``http``, ``https``,
``mailto`` or relative): nh3 reads a URL as browsers do (after decoding character
references, without tabs, newlines and surrounding control characters) and drops an
``href`` or ``src`` with any other scheme, leaving the link's text.

Headings are sections of the page only in the page's own text (the API's, a tag's, an
operation's or a model's description): rendered with ``sections=True`` they are marked,
and :func:`anchor_sections`, run over the whole page, gives each an id no other element
of the page has, so they join the table of contents and can be linked. A heading in a
field's description (a parameter, a property, a response) stays a plain heading: it is
not a section of the page, and the same field text may appear many times on one page.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from .. import accel
from ..plan.slugs import slugify
from .urls import SCHEMES

_md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _cell_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """A table cell's alignment as ``align`` (markdown-it writes a ``style``, which the
    sanitizer drops): a column of numbers stays right-aligned."""
    attrs = tokens[idx].attrs
    style = attrs.pop("style", None)
    if isinstance(style, str) and style.startswith("text-align:"):
        attrs["align"] = style.partition(":")[2]
    return str(self.renderToken(tokens, idx, options, env))


_md.add_render_rule("th_open", _cell_open)
_md.add_render_rule("td_open", _cell_open)

_TAGS = set(nh3.ALLOWED_TAGS)
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in ("code", "span", "div"):
    _ATTRIBUTES.setdefault(_tag, set()).add("class")
_ATTRIBUTES.setdefault("details", set()).add("open")
_URL_SCHEMES = set(SCHEMES)  # no tel: the one policy for every URL a page shows


@lru_cache(maxsize=65536)
def render_markdown(text: str | None, sections: bool = False) -> Markup:
    """Render a CommonMark block (a description) to safe HTML.

    ``sections``: the text is the page's own (not a field's), so its headings are
    sections of the page: marked for :func:`anchor_sections`, and moved down a level
    when the text starts at ``#``, so that they sit below the page's title.
    """
    if not text:
        return Markup("")
    if accel.enabled("markdown_plain"):
        from ..accel.markdown import paragraph

        plain = paragraph(text)
        if plain is not None:
            return Markup(plain)
    rendered = sanitize_html(_md.render(text))
    if sections:
        rendered = _mark_sections(rendered)
    return Markup(rendered)


# After sanitizing, a heading tag has no attributes (nh3 allows none on headings).
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
_SECTION_MARK = "data-portal-section"
_MARKED = re.compile(rf'<h([1-6]) {_SECTION_MARK}="">(.*?)</h\1>', re.S)
_ID = re.compile(r'\sid="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")


def _mark_sections(rendered: str) -> str:
    levels = [int(level) for closing, level in _HEADING_TAG.findall(rendered) if not closing]
    if not levels:
        return rendered
    shift = 1 if min(levels) == 1 else 0

    def mark(match: re.Match[str]) -> str:
        level = min(int(match.group(2)) + shift, 6)
        return f"</h{level}>" if match.group(1) else f'<h{level} {_SECTION_MARK}="">'

    return _HEADING_TAG.sub(mark, rendered)


def anchor_sections(page: str) -> Markup:
    """Give each marked heading of ``page`` (see :func:`render_markdown`) an id and a
    permanent link: the slug of its text, unless another element of the page has that
    id already (portal's own sections, such as ``servers`` or ``responses``, keep
    theirs), then ``-2``, ``-3``... The same page always gets the same ids."""
    if _SECTION_MARK not in page:
        return Markup(page)
    taken = set(_ID.findall(page))

    def anchor(match: re.Match[str]) -> str:
        level, inner = match.groups()
        slug = slugify(html.unescape(_TAG.sub("", inner)), "section")
        found, counter = slug, 2
        while found in taken:
            found, counter = f"{slug}-{counter}", counter + 1
        taken.add(found)
        return (
            f'<h{level} id="{found}">{inner}'
            f'<a class="headerlink" href="#{found}" title="Permanent link">&para;</a></h{level}>'
        )

    return Markup(_MARKED.sub(anchor, page))


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
