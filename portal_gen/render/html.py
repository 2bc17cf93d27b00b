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
    by blank lines) with each block's HTML cached, and shaped (:func:`_highlight_shaped`).

    Snippets of one API share most of their blocks (imports, auth headers, response
    handling), and Pygments dominates the cost of snippets, so this makes them cheap.
    Only for code whose literals never span a blank line, which is true of the code
    portal generates (strings are escaped, JSON has no blank lines).
    """
    lexer = _lexer(language)
    if lexer is None:
        return highlight_once(code, language)
    blocks = code.split("\n\n")
    body = "\n".join(_highlight_shaped(block if block.endswith("\n") else block + "\n", lexer) for block in blocks)
    return _code_block(body, language)


# Each double-quoted string of a line, in turn; the plain ones hold characters no lexer
# treats specially inside one (no escape, interpolation or format character).
_DOUBLE_QUOTED = re.compile(r'"([^"\n]*)"')
_PLAIN = re.compile(r"[A-Za-z0-9 _.,:;/@+=?!*()\[\]&-]*")
_OTHER_QUOTES = re.compile(r"[\\'`]")  # an escape, or a literal that could hold a double quote
_MARK = "pQrTlZ"  # placeholders: pQrTlZ0pQrTlZ, pQrTlZ1pQrTlZ...
_PLACEHOLDER = re.compile(f"{_MARK}(\\d+){_MARK}")


def _highlight_shaped(block: str, lexer: Lexer) -> str:
    """:func:`_highlight_block` of ``block`` with its plain string literals (URLs, names,
    example values) made placeholders, and put back into the HTML.

    Blocks that differ only in such strings (the request of every operation, a body
    with other values) are then highlighted once: a third of the distinct blocks of
    GitHub's snippets, and of the time. A placeholder is a string of the same kind to
    every lexer. Only lines whose double quotes pair up, read from the left, are shaped:
    lines with a backslash, a single quote or a backtick (escapes, other literals that
    could hold a quote), a triple quote or an odd number of quotes are left as they are.
    tests/test_highlight.py checks every snippet of the fixture projects comes out as
    without shaping (and GitHub's 7,300 did, 1.5 s of highlighting made 0.5 s).
    """
    if '"' not in block or _MARK in block:
        return _highlight_block(block, lexer)
    literals: list[str] = []

    def placeholder(found: re.Match[str]) -> str:
        if not _PLAIN.fullmatch(found.group(1)):
            return found.group()
        literals.append(found.group(1))
        return f'"{_MARK}{len(literals) - 1}{_MARK}"'

    lines = block.split("\n")
    for number, line in enumerate(lines):
        if '"' in line and line.count('"') % 2 == 0 and '"""' not in line and not _OTHER_QUOTES.search(line):
            lines[number] = _DOUBLE_QUOTED.sub(placeholder, line)
    if not literals:
        return _highlight_block(block, lexer)
    shaped = _highlight_block("\n".join(lines), lexer)
    return _PLACEHOLDER.sub(lambda found: literals[int(found.group(1))].replace("&", "&amp;"), shaped)


@lru_cache(maxsize=4096)
def highlight_code(code: str, language: str) -> Markup:
    """:func:`highlight_once`, cached: big specs repeat the same example in many places.

    JSON is highlighted without Pygments' lexer where it can be (:func:`_json_markup`):
    a big API's examples are mostly JSON, and lexing it character by character was a
    third of the time highlighting took (GitHub's spec: 1,700 examples, 4 MB, in 0.75 s;
    here 0.3 s). The markup is Pygments' to the byte (tests/test_highlight.py).
    """
    if language == "json":
        body = _json_markup(code)
        if body is not None:
            return _code_block(body, language)
    return highlight_once(code, language)


# What json.dumps(indent=2) writes, escaped for HTML as Pygments escapes it, token by
# token as Pygments' JSON lexer reads it: whitespace, then a key (a string before a
# colon), a string, a number, a constant or a run of punctuation (the formatter merges
# one into a span).
_JSON_STRING = r"&quot;(?:[^&\\]|\\.|&(?!quot;))*&quot;"
_JSON_TOKEN = re.compile(
    rf"(\s*)(?:({_JSON_STRING})(?=\s*:)|({_JSON_STRING})|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(true|false|null)|([{{}}\[\],:]+))"
)
_HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;"))


def _json_markup(code: str) -> str | None:
    """Pygments' HTML (nowrap, whitespace unmarked) for JSON ``code``, or ``None`` if it
    holds anything but the tokens :data:`_JSON_TOKEN` reads, each right after the last
    (``NaN``, or text that is not JSON at all): Pygments' to read."""
    for char, escaped in _HTML_ESCAPES:
        code = code.replace(char, escaped)
    out: list[str] = []
    position = 0
    for token in _JSON_TOKEN.finditer(code):
        if token.start() != position:
            return None
        position = token.end()
        space, key, string, number, constant, punctuation = token.groups()
        if key is not None:
            out.append(f'{space}<span class="nt">{key}</span>')
        elif string is not None:
            out.append(f'{space}<span class="s2">{string}</span>')
        elif number is not None:
            kind = "mf" if ("." in number or "e" in number or "E" in number) else "mi"
            out.append(f'{space}<span class="{kind}">{number}</span>')
        elif constant is not None:
            out.append(f'{space}<span class="kc">{constant}</span>')
        else:
            out.append(f'{space}<span class="p">{punctuation}</span>')
    rest = code[position:]
    if rest.strip():
        return None
    out.append(rest if rest.endswith("\n") else rest + "\n")  # Pygments ends code with a line break
    return "".join(out)


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
