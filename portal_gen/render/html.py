"""Small HTML helpers shared by the renderers: code highlighting and outlines."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from pygments import highlight
from pygments.filter import Filter
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Text, Whitespace
from pygments.util import ClassNotFound

from .. import accel

_FORMATTER = HtmlFormatter(nowrap=True)
_HEADING = re.compile(r'<h([123]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_HEADERLINK = re.compile(r'<a class="headerlink".*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1 to 3
    id: str
    title: str  # HTML-safe


class _UnmarkedWhitespace(Filter):  # type: ignore[misc]
    """Whitespace as plain text: Pygments wraps each run in ``<span class="w">``, which
    no theme colours (it is invisible) and which made up a sixth of a big example's
    markup. Looks the same, and pages get smaller."""

    def filter(self, lexer: Lexer, stream: Any) -> Any:
        for token, value in stream:
            yield (Text if token in Whitespace else token), value


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return None
    lexer.add_filter(_UnmarkedWhitespace())
    return lexer


def highlight_once(code: str, language: str) -> Markup:
    """Highlight ``code`` the way Material's code blocks are marked up (uncached: for
    code that appears once, such as an operation's snippets)."""
    lexer = _lexer(language)
    return _code_block(highlight(code, lexer, _FORMATTER) if lexer is not None else html.escape(code), language)


def _code_block(body: str, language: str) -> Markup:
    return Markup(
        f'<div class="language-{html.escape(language)} highlight"><pre><span></span><code>{body}</code></pre></div>'
    )


# Bounded by count, and a block can be a big example body: 4,096 keep memory in tens of
# MB on any spec while the blocks every snippet shares stay in.
@lru_cache(maxsize=4096)
def _highlight_block(code: str, lexer: Lexer) -> str:
    return str(highlight(code, lexer, _FORMATTER))


def highlight_blocks(code: str, language: str) -> Markup:
    """:func:`highlight_once` for generated code, block by block (blocks are separated
    by blank lines) with each block's HTML cached.

    Snippets of one API share most of their blocks (imports, auth headers, response
    handling), and Pygments dominates the cost of snippets, so this makes them cheap.
    Only for code whose literals never span a blank line, which is true of the code
    portal generates (strings are escaped, JSON has no blank lines). With the
    ``json_highlight`` speed-up, blocks that differ only in their plain strings are
    highlighted once (:func:`portal_gen.accel.highlight.highlight_shaped`).
    """
    lexer = _lexer(language)
    if lexer is None:
        return highlight_once(code, language)
    blocks = [block if block.endswith("\n") else block + "\n" for block in code.split("\n\n")]
    if accel.enabled("json_highlight"):
        from ..accel.highlight import highlight_shaped

        body = "\n".join(highlight_shaped(block, lexer, language) for block in blocks)
    else:
        body = "\n".join(_highlight_block(block, lexer) for block in blocks)
    return _code_block(body, language)


@lru_cache(maxsize=4096)
def highlight_code(code: str, language: str) -> Markup:
    """:func:`highlight_once`, cached: big specs repeat the same example in many places.

    With the ``json_highlight`` speed-up, JSON is highlighted without Pygments' lexer
    where it can be (:func:`portal_gen.accel.highlight.json_markup`, the same markup): a
    big API's examples are mostly JSON, and lexing them was a third of the time
    highlighting took.
    """
    if language == "json" and accel.enabled("json_highlight"):
        from ..accel.highlight import json_markup

        body = json_markup(code)
        if body is not None:
            return _code_block(body, language)
    return highlight_once(code, language)


def to_json(value: Any) -> str:
    """Pretty JSON for examples; non-JSON YAML scalars are shown as strings."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def extract_toc(page_html: str) -> tuple[TocEntry, ...]:
    """Read the page outline (h1 to h3 with ids) back from rendered HTML.

    Reading it from the output keeps user-overridden templates and the outline in
    agreement without templates having to declare anything.
    """
    entries = []
    for level, anchor, inner in _HEADING.findall(page_html):
        title = _TAG.sub("", _HEADERLINK.sub("", inner)).strip()
        entries.append(TocEntry(int(level), anchor, title))
    return tuple(entries)
