"""Highlighting gives the same bytes with the ``json_highlight`` speed-up
(portal_gen.accel.highlight: JSON without Pygments' lexer, snippets' plain strings as
placeholders) and without it, on the installed Pygments; and what a reader gets is the
code, in the tokens Pygments' lexers read in it.

No test writes Pygments' markup down: how it escapes text changes between releases
(2.21 leaves quotes as they are where 2.20 wrote ``&quot;``), so markup is compared with
the markup Pygments makes here and now, and read back as text and CSS classes.
"""

from __future__ import annotations

import html
import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.token import STANDARD_TYPES

from conftest import accel_modules_loaded
from portal_gen import accel
from portal_gen.accel import highlight as fast
from portal_gen.render import html as render_html
from portal_gen.render.html import highlight_blocks, highlight_code, highlight_once, to_json

# Reading markup as a reader does ------------------------------------------------------------

_CODE_BLOCK = re.compile(r'<div class="language-[^"]+ highlight"><pre><span></span><code>(.*)</code></pre></div>', re.S)
_RUN = re.compile(r'<span class="([^"]+)">([^<]*)</span>|([^<]+)')


def _body(block: str) -> str:
    """The highlighted code in a code block."""
    found = _CODE_BLOCK.fullmatch(block)
    assert found, block[:200]
    return found.group(1)


def _text(markup: str) -> str:
    """What a reader reads: the text, tags stripped and unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _runs(markup: str) -> list[tuple[str, str]]:
    """What a reader sees: each stretch of text with the CSS class it is shown in ("" for
    none), unescaped, at line breaks split, and stretches of one class joined."""
    pieces = []
    position = 0
    for run in _RUN.finditer(markup):
        assert run.start() == position, markup[position : position + 200]
        position = run.end()
        css, inside, outside = run.groups()
        pieces.append((css or "", html.unescape(inside if outside is None else outside)))
    assert position == len(markup), markup[position : position + 200]
    return _joined(pieces)


def _joined(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def add(css: str, text: str) -> None:
        if out and out[-1][0] == css:
            out[-1] = (css, out[-1][1] + text)
        else:
            out.append((css, text))

    for css, text in pieces:
        for number, line in enumerate(text.split("\n")):
            if number:
                add("", "\n")
            if line:
                add(css, line)
    return out


def _css_class(token_type: Any) -> str:
    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return str(STANDARD_TYPES[token_type])


def _token_runs(code: str, language: str) -> list[tuple[str, str]]:
    """The stretches Pygments' lexer (portal's, whitespace unmarked) reads in ``code``, each
    token's type as its CSS class."""
    lexer = render_html._lexer(language)
    return _joined([(_css_class(token_type), value) for token_type, value in lexer.get_tokens(code)])


def _reads_as(markup: str, code: str, language: str) -> None:
    """``markup`` shows ``code`` (ended by a line break) in the tokens Pygments reads in it."""
    assert _text(markup) == code.strip("\n") + "\n"
    assert _runs(markup) == _token_runs(code, language)


# The switch -------------------------------------------------------------------------------


@pytest.fixture
def switch(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """``switch(False)``: speed-ups off (``PORTAL_ACCEL=0``); ``switch(True)``: on."""

    def turn(on: bool) -> None:
        monkeypatch.delenv("PORTAL_ACCEL_SKIP", raising=False)
        monkeypatch.setenv("PORTAL_ACCEL", "1" if on else "0")
        assert accel.enabled("json_highlight") is on  # the installed Pygments is in its range

    return turn


def _both_ways(switch: Callable[[bool], None], call: Callable[[], str]) -> tuple[str, str]:
    switch(True)
    on = call()
    switch(False)
    return on, call()


def _forget_checks() -> None:
    fast.reset()
    render_html._highlight_block.cache_clear()
    highlight_code.cache_clear()


@pytest.fixture
def patch() -> Iterator[pytest.MonkeyPatch]:
    """A monkeypatch for Pygments' formatter or what the self-checks read; they run again
    (and caches of markup are emptied) before it and after it is undone."""
    _forget_checks()
    with pytest.MonkeyPatch.context() as patch:
        yield patch
    _forget_checks()


# JSON -------------------------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['"', "\\", '\\"', "<b>&amp;</b>", "'", "&quot;", '":', "a\nb", "\u2028", "{}[],:", "&#39;", "&#34;"]
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


def _json_both_ways(code: str) -> tuple[str | None, str]:
    """The speed-up's markup for JSON ``code`` and Pygments' (the path without it)."""
    return fast.json_markup(code), _body(highlight_once(code, "json"))


@settings(max_examples=800, deadline=None)
@given(_JSON)
def test_json_is_highlighted_as_without_the_speedup(value: Any) -> None:
    code = to_json(value)
    markup, plain = _json_both_ways(code)
    assert markup is not None  # everything json.dumps writes is read without Pygments
    assert markup == plain
    _reads_as(markup, code, "json")


# JSON-like text: pieces of JSON, of almost-JSON and of what Pygments' lexer reads otherwise
# (whitespace it does not know, "\r", unicode digits, a "\u" without its digits...).
_PIECES = ['"', '"a"', "\\", "\\u", "00e9", ":", ",", "[", "]", "{", "}", " ", "\n", "\t", "\r", "-", "1", ".", "e"]
_PIECES += ["E", "+", "true", "fals", "null", "t", "/", "*", "<", "&", "'", "x", "é", "\xa0", "٣", "\ufeff", "&quot;"]
_PIECES += ['"k": ', "NaN", "\u2028", "2.5", "-1e-7"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_json_like_text_is_highlighted_as_without_the_speedup_or_left_to_pygments(code: str) -> None:
    markup, plain = _json_both_ways(code)
    if markup is not None:  # read without Pygments: it must be Pygments' markup
        assert markup == plain


@pytest.mark.parametrize(
    "code",
    [
        to_json({"a": [1, 2.5, -3, 1e100, True, None, [], {}, 'x<y&"q"\''], "": {"c": "é\n\\"}, "n": -0.0, "e": 1e-7}),
        to_json([[[]], {}, [{}]]),
        to_json('":" is not a key'),
        to_json({"&quot;": "\\&", "<": ">", "&#39;": "'"}),
        '{"a": 1}',
        "[1,2]",
        '{"a":[true,{}],"b":-1.5e3}',
        '{"a" : 1,\t"b": "\\u00e9\\"\\\\"}\n',
        "",
        "  ",
    ],
)
def test_chosen_json_is_highlighted_as_without_the_speedup(code: str, switch: Callable[[bool], None]) -> None:
    assert fast.json_markup(code) is not None
    on, off = _both_ways(switch, lambda: highlight_code.__wrapped__(code, "json"))
    assert on == off
    _reads_as(_body(on), code, "json")


@pytest.mark.parametrize(
    "code",
    [
        to_json({"k": float("nan")}),
        '{\n  "a": 1 // no\n}',
        "'x'",
        '{"a": tru}',
        '{"a": 1}\r\n',  # Pygments rewrites line ends
        '\n{"a": 1}',  # and drops blank lines around the code
        '{"a": 1}\n\n',
        '["a""b"]',  # two strings, one token to Pygments
        '"a" "b": 1',  # both keys to Pygments
        "[1-2, truefalse]",  # one number, one constant to Pygments
        '["\\u12"]',  # a "\u" without its digits: the quote does not end the string
        '["a\nb"]',  # a line break in a string
        "[1,\xa02]",  # whitespace JSON does not know
        "[٣]",  # a digit JSON does not know
    ],
)
def test_other_text_is_left_to_pygments(code: str, switch: Callable[[bool], None]) -> None:
    assert fast.json_markup(code) is None
    on, off = _both_ways(switch, lambda: highlight_code.__wrapped__(code, "json"))
    assert on == off
    assert _text(_body(on)) == code.replace("\r\n", "\n").strip("\n") + "\n"


@pytest.mark.parametrize("on", [True, False])
def test_a_reader_sees_keys_strings_numbers_constants_and_punctuation(on: bool, switch: Callable[[bool], None]) -> None:
    switch(on)
    code = '{"id": 7, "x": [-2.5e3, "a<&>\\"\'", true, null]}'
    body = _body(highlight_code.__wrapped__(code, "json"))
    assert _text(body) == code + "\n"
    assert _runs(body) == [
        ("p", "{"),
        ("nt", '"id"'),
        ("p", ":"),
        ("", " "),
        ("mi", "7"),
        ("p", ","),
        ("", " "),
        ("nt", '"x"'),
        ("p", ":"),
        ("", " "),
        ("p", "["),
        ("mf", "-2.5e3"),
        ("p", ","),
        ("", " "),
        ("s2", '"a<&>\\"\'"'),
        ("p", ","),
        ("", " "),
        ("kc", "true"),
        ("p", ","),
        ("", " "),
        ("kc", "null"),
        ("p", "]}"),
        ("", "\n"),
    ]


# Snippets -----------------------------------------------------------------------------------


def _blocks(code: str) -> list[str]:
    return [block if block.endswith("\n") else block + "\n" for block in code.split("\n\n")]


def _unshaped(code: str, language: str) -> str:
    lexer = render_html._lexer(language)
    return "\n".join(render_html._highlight_block(block, lexer) for block in _blocks(code))


def _shaped(code: str, language: str) -> str:
    lexer = render_html._lexer(language)
    return "\n".join(fast.highlight_shaped(block, lexer, language) for block in _blocks(code))


_SNIPPET = re.compile(
    r'<div class="language-(python|go|java|ruby|php|javascript) highlight">'
    r"<pre><span></span><code>(.*?)</code></pre></div>",
    re.S,
)


@pytest.mark.parametrize("name", ["petstore30", "nasty", "features31", "demo"])
def test_every_snippet_is_highlighted_as_without_placeholders(built, name: str) -> None:
    site = built(name)
    found = 0
    for page in sorted(site.glob("**/*.html")):
        for language, markup in _SNIPPET.findall(page.read_text(encoding="utf-8")):
            code = _text(markup)
            assert fast._shaping(language) is not None  # verified for this Pygments
            assert _shaped(code, language) == _unshaped(code, language), (page, language)
            found += 1
    assert found > 20


_CHOSEN_CODE = [
    ("go", 'fmt.Printf("%d bytes of %s\\n", len(body), resp.Header.Get("Content-Type"))\n'),
    ("java", 'String body = """\n    {\n      "name": "Rex",\n      "tag": "a b"\n    }\n    """;\nx("y");\n'),
    ("python", 'h = {"Authorization": f"Bearer {os.environ["T"]}", "a": "b"}\nprint("%s" % "x", "y")\n'),
    ("ruby", 'uri = URI("https://x.test/pets")\nputs "#{a} b" + "c"\nq = \'"\' + "d"\n'),
    ("php", '<?php\n$u = "https://x.test/" . "$id";\n$h = ["A" => "b&c", \'k\' => "v"];\n'),
    ("javascript", 'const u = `${base}/pets`;\nfetch("https://x.test/pets?a=1&b=2", {method: "POST"});\n'),
    ("python", 'x = """a"""\ny = "" + "z"\nz = ""\n'),
    ("go", 'c := \'"\'\ns := "x" + "y"\n'),
    ("python", 'x = "\\"" + y + "\\"" + "z"\n'),  # escaped quotes: the line is left alone
    ("python", 'print("""a "b" c""")\n'),  # a triple quote: the line is left alone
    ("python", 'import requests\n\nr = requests.get("https://x.test/a?b=1&c=<2>")\n\nprint(r.json())\n'),
]


@pytest.mark.parametrize("language, code", _CHOSEN_CODE)
def test_chosen_code_is_highlighted_as_without_placeholders(language: str, code: str) -> None:
    assert _shaped(code, language) == _unshaped(code, language)
    for block in _blocks(code):
        lexer = render_html._lexer(language)
        _reads_as(fast.highlight_shaped(block, lexer, language), block, language)


@pytest.mark.parametrize("language, code", _CHOSEN_CODE)
def test_snippets_are_highlighted_the_same_with_the_switch_on_and_off(
    language: str, code: str, switch: Callable[[bool], None]
) -> None:
    on, off = _both_ways(switch, lambda: highlight_blocks(code, language))
    assert on == off
    assert _text(_body(on)).rstrip("\n") == code.rstrip("\n")


@pytest.mark.parametrize("language", sorted(fast._SHAPE_PROBES))
def test_every_probe_is_shaped_and_reads_as_its_code(language: str) -> None:
    # The self-check is worth something only if its probe takes the placeholders' way.
    probe = fast._SHAPE_PROBES[language]
    assert fast._shaping(language) is not None
    shaped = []
    fast._shape(probe, render_html._lexer(language), lambda code, lexer: shaped.append(code) or "", {})
    assert shaped and fast._MARK in shaped[0]
    _reads_as(fast.highlight_shaped(probe, render_html._lexer(language), language), probe, language)


def test_placeholders_stand_for_plain_strings() -> None:
    # The point: two requests that differ in their URL and values are one highlighting.
    render_html._highlight_block.cache_clear()
    _shaped('r = requests.get(\n    "https://x.test/pets",\n    params={"limit": "10"},\n)\n', "python")
    _shaped('r = requests.get(\n    "https://x.test/users/me",\n    params={"state": "open"},\n)\n', "python")
    assert render_html._highlight_block.cache_info().misses == 1


def test_a_language_without_a_probe_is_highlighted_without_placeholders() -> None:
    assert fast._shaping("rust") is None
    code = 'let u = "https://x.test/a";\n'
    lexer = render_html._lexer("rust")
    assert fast.highlight_shaped(code, lexer, "rust") == render_html._highlight_block(code, lexer)


# The self-checks ----------------------------------------------------------------------------


class _OtherEscaping(HtmlFormatter):  # type: ignore[misc]
    """Pygments' formatter writing text as ``html.escape`` does (``"`` as ``&quot;``, ``'``
    as ``&#x27;``): a release that escapes otherwise than the installed one."""

    def format_unencoded(self, tokensource: Any, outfile: Any) -> None:
        written = io.StringIO()
        super().format_unencoded(tokensource, written)
        outfile.write(
            re.sub(r"[^<>]+(?=<|\Z)", lambda text: html.escape(html.unescape(text.group())), written.getvalue())
        )


def _portal_debug(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.portal" and r.levelno == logging.DEBUG]


_EXAMPLE = to_json({"name": 'Rex & "Max" <dogs>, it\'s', "tags": ["a"], "n": [1, 2.5, True, None]})
_REQUEST = 'r = requests.get("https://x.test/pets?a=1&b=2", headers={"A": "b"})\n'


def test_the_shortcuts_follow_the_formatters_escaping(
    patch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.portal")
    formatter = _OtherEscaping(nowrap=True)
    patch.setattr(render_html, "_FORMATTER", formatter)
    assert fast.escapes() == {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
    markup = fast.json_markup(_EXAMPLE)
    assert markup == highlight(_EXAMPLE, render_html._lexer("json"), formatter)
    assert "&#x27;" in markup
    assert _shaped(_REQUEST, "python") == _unshaped(_REQUEST, "python")
    assert fast._shaping("python") is not None
    assert _portal_debug(caplog) == []


def test_the_json_reader_turns_itself_off_when_pygments_writes_its_probe_otherwise(
    patch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.portal")
    # Spans with a title: the reader's markup is no longer Pygments'.
    formatter = HtmlFormatter(nowrap=True, debug_token_types=True)
    patch.setattr(render_html, "_FORMATTER", formatter)
    for _ in range(3):
        assert fast.json_markup(_EXAMPLE) is None
        assert highlight_code.__wrapped__(_EXAMPLE, "json") == highlight_once(_EXAMPLE, "json")
    assert 'title="Name.Tag"' in highlight_code.__wrapped__(_EXAMPLE, "json")
    [line] = _portal_debug(caplog)
    assert "json_highlight off" in line and "JSON" in line


def test_placeholders_turn_themselves_off_when_a_probe_comes_out_otherwise(
    patch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.portal")
    # "&" read as the formatter does not write it: a literal with one comes back otherwise.
    table = {"&": "&#38;", "<": "&lt;", ">": "&gt;", '"': '"', "'": "'"}
    patch.setattr(fast, "escapes", lambda: table)
    for language in ("python", "go", "python"):
        assert fast._shaping(language) is None
        code = 'x("https://x.test/a?b=1&c=2")\n'
        lexer = render_html._lexer(language)
        assert fast.highlight_shaped(code, lexer, language) == render_html._highlight_block(code, lexer)
    [line] = _portal_debug(caplog)
    assert "json_highlight off" in line and "python probe" in line


def test_with_the_switch_off_the_speedups_are_not_loaded() -> None:
    code = (
        "from portal_gen.render.html import highlight_blocks, highlight_code\n"
        "highlight_code('{\"a\": 1}', 'json')\n"
        "highlight_blocks('x = \"https://x.test\"\\n', 'python')\n"
    )
    assert accel_modules_loaded(code, "0") == []
    assert accel_modules_loaded(code, "1") == ["portal_gen.accel.highlight"]
