"""Pygments' markup for JSON examples without its lexer, and for snippets with their plain
strings as placeholders: the ``json_highlight`` speed-up.

Highlighting dominated the cost of a big API's reference (GitHub's spec: 1,700 JSON
examples, 4 MB, and 7,300 snippets). Two shortcuts make the same markup faster:

* :func:`json_markup` reads a JSON example with one regex and writes what Pygments' JSON
  lexer and ``HtmlFormatter`` write for it (0.75 s of highlighting made 0.3 s);
* :func:`highlight_shaped` highlights a block of a generated snippet with its plain
  double-quoted strings made placeholders, so blocks that differ only in such strings
  (the request of every operation) are highlighted once, and puts the strings back into
  the HTML (1.5 s made 0.5 s).

Both imitate Pygments' output, which is not its API, and it changes: 2.21 writes ``"``
and ``'`` in a token's text as they are where 2.20 wrote ``&quot;`` and ``&#39;``. So no
escaping is written down here. On first use, :func:`escapes` reads how the formatter
writes each of ``& < > " '`` from what it writes for one token holding them, and each
shortcut checks itself once against Pygments (the lexers and formatter of
:mod:`portal_gen.render.html`) on probes: JSON documents with every token kind and every
one of those characters, and a snippet in each language whose blocks it shapes. If
Pygments writes a probe otherwise, that shortcut turns itself off for the process, with
one line in the ``--debug`` output, and Pygments highlights as without it.

Verified on Pygments 2.20.0 and 2.21.0.

Why it is safe: what a shortcut reads is only text Pygments reads the same way, token
for token. The JSON reader takes what ``json.dumps`` writes, each value ending where
Pygments' lexer ends it, and gives anything else (NaN, comments, ``\\r``, a leading blank
line, text that is not JSON) to Pygments. Placeholders stand only for strings of letters,
digits and a few punctuation marks, on lines whose double quotes pair up and that have
no escape or other quote. The probes hold both to Pygments' bytes on the installed
release; tests/test_highlight.py holds them to Pygments on random JSON, random JSON-like
text and every snippet of the fixture projects.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache
from html import unescape
from importlib import metadata

from pygments import format as format_tokens
from pygments import highlight
from pygments.lexer import Lexer
from pygments.token import String

from ..render import html as _html

log = logging.getLogger("mkdocs.plugins.portal")

# The characters an HTML formatter may escape in text, "&" first: the others' escapes
# start with one, so escaping them in this order escapes each character once.
_SPECIAL = "&<>\"'"
_TAG = re.compile(r"<[^>]*>")


@cache
def escapes() -> dict[str, str] | None:
    """How the formatter writes each of ``& < > " '`` in a token's text, read from what it
    writes for a string token holding them; ``None`` if that is not what it wrote."""
    written = str(format_tokens([(String.Double, "|".join(_SPECIAL))], _html._FORMATTER))
    parts = _TAG.sub("", written).removesuffix("\n").split("|")
    if len(parts) != len(_SPECIAL):
        return None
    table = dict(zip(_SPECIAL, parts, strict=True))
    if any(not escaped or unescape(escaped) != char for char, escaped in table.items()):
        return None
    return table


def _off(what: str, why: str) -> None:
    log.debug(f"portal accel: json_highlight off for {what}: {why} (Pygments {_pygments_version()})")


def _pygments_version() -> str:
    try:
        return metadata.version("pygments")
    except metadata.PackageNotFoundError:  # pragma: no cover - Pygments is a dependency
        return "?"


def _plain_highlight(code: str, lexer: Lexer) -> str:
    """Pygments, uncached: what the probes are held to."""
    return str(highlight(code, lexer, _html._FORMATTER))


# JSON ----------------------------------------------------------------------------------


class _JsonReader:
    """Writes JSON as Pygments' JSON lexer (whitespace unmarked) and HTML formatter do,
    escaping text by ``table``.

    The code is escaped first, then read token by token, as Pygments' lexer reads it:
    whitespace, then a key (a string before a colon), a string, a number, a constant or
    a run of punctuation (the formatter merges one into a span). A value must end where
    the lexer ends it: a number or a constant at a character its run does not go on
    over, a string at punctuation or the end (strings followed by strings are read
    otherwise). Only Pygments' whitespace (no ``\\r``: the lexer rewrites it).
    """

    def __init__(self, table: dict[str, str]) -> None:
        self._replacements = tuple((char, escaped) for char, escaped in table.items() if escaped != char)
        quote = re.escape(table['"'])
        # A JSON escape of four hex digits or one other character (a "\u" without its
        # digits makes the lexer read on past the closing quote); no raw line break.
        string = rf"{quote}(?:\\(?:u[0-9a-fA-F]{{4}}|[^u\n])|(?!{quote})[^\\\n])*{quote}"
        space = r"[ \t\n]*"
        self._token = re.compile(
            rf"({space})(?:({string})(?={space}(?:(:)|[,\[\]{{}}]|\Z))"
            r"|(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)(?![-+.eE0-9])"
            r"|(true|false|null)(?![aeflnrstu])"
            r"|([{}\[\],:]+))"
        )

    def markup(self, code: str) -> str | None:
        """The markup of ``code``, or ``None`` if it holds anything but the tokens this
        reads, each right after the last: Pygments' to read."""
        if code.startswith("\n") or code.endswith("\n\n") or "\r" in code:
            return None  # the lexer strips the first, and rewrites the last
        for char, escaped in self._replacements:
            code = code.replace(char, escaped)
        out: list[str] = []
        position = 0
        for token in self._token.finditer(code):
            if token.start() != position:
                return None
            position = token.end()
            space, string, colon, number, constant, punctuation = token.groups()
            if string is not None:
                out.append(f'{space}<span class="{"nt" if colon else "s2"}">{string}</span>')
            elif number is not None:
                kind = "mf" if ("." in number or "e" in number or "E" in number) else "mi"
                out.append(f'{space}<span class="{kind}">{number}</span>')
            elif constant is not None:
                out.append(f'{space}<span class="kc">{constant}</span>')
            else:
                out.append(f'{space}<span class="p">{punctuation}</span>')
        rest = code[position:]
        if rest.strip(" \t\n"):
            return None
        out.append(rest if rest.endswith("\n") else rest + "\n")  # Pygments ends code with a line break
        return "".join(out)


# Every token kind, every character the formatter may escape (in keys, values and
# escapes), indented as json.dumps(indent=2) writes it and compact, with and without a
# last line break; a tab, a space before a colon.
_JSON_PROBES = (
    '{\n  "key &<>\\"\'": [\n    "value &<>\\"\' \\\\ / é \u2028 \\u00e9 \\n",\n    "",\n    0,\n    -12,\n'
    "    3.25,\n    -1e-07,\n    1e+100,\n    true,\n    false,\n    null,\n    {},\n    [],\n    [\n"
    '      [\n        {}\n      ]\n    ],\n    {\n      "": {\n        "a": [\n          1.5\n        ]\n'
    "      }\n    }\n  ]\n}",
    '[{"a&":[true,{}],"b\'":-1.5E3,"c<>":"\\"x\\""},\t"y" ,null, 2e5]\n',
)


@cache
def _json_reader() -> _JsonReader | None:
    """The JSON reader for the installed Pygments, or ``None`` (off) if it does not write
    the probes as Pygments does."""
    table = escapes()
    if table is None:
        _off("JSON examples", "the formatter's escaping could not be read")
        return None
    reader = _JsonReader(table)
    lexer = _html._lexer("json")
    for number, probe in enumerate(_JSON_PROBES):
        if reader.markup(probe) != _plain_highlight(probe, lexer):
            _off("JSON examples", f"Pygments highlights JSON probe {number} otherwise")
            return None
    return reader


def json_markup(code: str) -> str | None:
    """Pygments' markup (nowrap, whitespace unmarked) for JSON ``code``, or ``None``: the
    code is not what the reader reads, or the reader is off for this Pygments."""
    reader = _json_reader()
    return reader.markup(code) if reader is not None else None


# Placeholders ----------------------------------------------------------------------------

# Each double-quoted string of a line, in turn; the plain ones hold characters no lexer
# treats specially inside one (no escape, interpolation or format character).
_DOUBLE_QUOTED = re.compile(r'"([^"\n]*)"')
_PLAIN = re.compile(r"[A-Za-z0-9 _.,:;/@+=?!*()\[\]&-]*")
_OTHER_QUOTES = re.compile(r"[\\'`]")  # an escape, or a literal that could hold a double quote
_MARK = "pQrTlZ"  # placeholders: pQrTlZ0pQrTlZ, pQrTlZ1pQrTlZ...
_PLACEHOLDER = re.compile(f"{_MARK}(\\d+){_MARK}")


def _shape(block: str, lexer: Lexer, highlight_block: Callable[[str, Lexer], str], escape: dict[int, str]) -> str:
    """``highlight_block(block, lexer)`` with the plain string literals of ``block`` made
    placeholders, and put back into the HTML escaped by ``escape`` (a ``str.translate``
    table); the block as it is if it has none."""
    if '"' not in block or _MARK in block:
        return highlight_block(block, lexer)
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
        return highlight_block(block, lexer)
    shaped = highlight_block("\n".join(lines), lexer)
    return _PLACEHOLDER.sub(lambda found: literals[int(found.group(1))].translate(escape), shaped)


# One block of what portal's snippets generate, per language whose blocks are shaped:
# URLs with a query, header values, a sentence, several strings on a line, keys, and a
# line left alone (an escape).
_SHAPE_PROBES = {
    "python": (
        'r = requests.post(\n    "https://x.test/pets?a=1&b=2",\n'
        '    headers={"Authorization": "Bearer t0k", "X-A": "b c"},\n'
        '    json={"name": "Rex (dog): 1.5, [a]; @b + c = d? e! *f*"},\n)\nprint(r.json()["id"], "\\n")\n'
    ),
    "go": (
        'req, _ := http.NewRequest("POST", "https://x.test/pets?a=1&b=2", body)\n'
        'req.Header.Set("Authorization", "Bearer t0k")\nfmt.Println("a & b", "\\n")\n'
    ),
    "java": (
        'HttpRequest r = HttpRequest.newBuilder(URI.create("https://x.test/pets?a=1&b=2"))\n'
        '    .header("Authorization", "Bearer t0k")\n    .POST(BodyPublishers.ofString("{\\"a\\": 1}"))\n'
        "    .build();\n"
    ),
    "ruby": (
        'uri = URI("https://x.test/pets?a=1&b=2")\nreq["Authorization"] = "Bearer t0k"\n'
        'puts "a & b"\nputs \'c\' + "d"\n'
    ),
    "php": (
        '<?php\n$r = $c->request("POST", "https://x.test/pets?a=1&b=2", [\n'
        '    "headers" => ["Authorization" => "Bearer t0k"],\n]);\necho "a & b", "$x";\n'
    ),
    "javascript": (
        'const r = await fetch("https://x.test/pets?a=1&b=2", {\n  method: "POST",\n'
        '  headers: {"Authorization": "Bearer t0k"},\n});\nconsole.log(`${r.status}`, "a & b");\n'
    ),
}

_shaping_broken = False  # a probe came out otherwise: no placeholders from now on


@cache
def _shaping(language: str) -> dict[int, str] | None:
    """The ``str.translate`` table that puts literals back into ``language``'s markup, or
    ``None`` (off): no probe for ``language``, or its probe comes out of Pygments
    otherwise than shaped (which turns placeholders off for every language)."""
    global _shaping_broken
    probe = _SHAPE_PROBES.get(language)
    if probe is None or _shaping_broken:
        return None
    table = escapes()
    if table is None:
        why = "the formatter's escaping could not be read"
    else:
        escape = str.maketrans(table)
        lexer = _html._lexer(language)
        if _shape(probe, lexer, _plain_highlight, escape) == _plain_highlight(probe, lexer):
            return escape
        why = f"Pygments highlights the {language} probe otherwise"
    _shaping_broken = True
    _off("snippets' strings", why)
    return None


def highlight_shaped(block: str, lexer: Lexer, language: str) -> str:
    """``_highlight_block(block, lexer)`` of :mod:`portal_gen.render.html` (``lexer`` is
    ``language``'s), with its plain string literals (URLs, names, example values) made
    placeholders, and put back into the HTML.

    Blocks that differ only in such strings (the request of every operation, a body with
    other values) are then highlighted once: a third of the distinct blocks of GitHub's
    snippets, and of the time. A placeholder is a string of the same kind to every
    lexer. Only lines whose double quotes pair up, read from the left, are shaped: lines
    with a backslash, a single quote or a backtick (escapes, other literals that could
    hold a quote), a triple quote or an odd number of quotes are left as they are.
    """
    escape = None if _shaping_broken else _shaping(language)
    if escape is None:
        return _html._highlight_block(block, lexer)
    return _shape(block, lexer, _html._highlight_block, escape)


def reset() -> None:
    """Forget what the self-checks found (tests that change Pygments' formatter)."""
    global _shaping_broken
    _shaping_broken = False
    escapes.cache_clear()
    _json_reader.cache_clear()
    _shaping.cache_clear()
