"""portal's shortcuts in highlighting make Pygments' markup, byte for byte: JSON examples
without Pygments' lexer, and snippets with their plain strings as placeholders."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_gen.render.html import _json_markup, highlight_code, highlight_once, to_json

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['"', "\\", '\\"', "<b>&amp;</b>", "'", "&quot;", '":', "a\nb", "\u2028", "{}[],:"]
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


@settings(max_examples=800, deadline=None)
@given(_JSON)
def test_json_is_highlighted_as_pygments_highlights_it(value: Any) -> None:
    code = to_json(value)
    assert _json_markup(code) is not None  # read without Pygments
    assert highlight_code(code, "json") == highlight_once(code, "json")  # Pygments'


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, -3, 1e100, True, None, [], {}, 'x<y&"q"\''], "": {"c": "é\n\\"}, "n": -0.0, "e": 1e-7},
        [[[]], {}, [{}]],
        '":" is not a key',
        {"&quot;": "\\&", "<": ">"},
    ],
)
def test_chosen_json_is_highlighted_as_pygments_highlights_it(value: Any) -> None:
    code = to_json(value)
    assert _json_markup(code) is not None
    assert highlight_code(code, "json") == highlight_once(code, "json")  # Pygments'


@pytest.mark.parametrize("code", [to_json({"k": float("nan")}), '{\n  "a": 1 // no\n}', "'x'", '{"a": tru}'])
def test_other_text_is_left_to_pygments(code: str) -> None:
    # NaN, and anything else json.dumps does not write, is Pygments' to read.
    assert _json_markup(code) is None
    assert highlight_code(code, "json") == highlight_once(code, "json")  # Pygments'


@pytest.mark.parametrize("code", ['{"a": 1}', "[1,2]", '{"a":[true,{}],"b":-1.5e3}'])
def test_compact_json_is_highlighted_as_pygments_highlights_it(code: str) -> None:
    assert _json_markup(code) is not None
    assert highlight_code(code, "json") == highlight_once(code, "json")  # Pygments'


def _unshaped(code: str, language: str) -> str:
    from portal_gen.render.html import _highlight_block, _lexer

    lexer = _lexer(language)
    blocks = code.split("\n\n")
    return "\n".join(_highlight_block(b if b.endswith("\n") else b + "\n", lexer) for b in blocks)


def _shaped(code: str, language: str) -> str:
    from portal_gen.render.html import _highlight_shaped, _lexer

    lexer = _lexer(language)
    blocks = code.split("\n\n")
    return "\n".join(_highlight_shaped(b if b.endswith("\n") else b + "\n", lexer) for b in blocks)


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
            code = html.unescape(re.sub(r"<[^>]+>", "", markup))
            assert _shaped(code, language) == _unshaped(code, language), (page, language)
            found += 1
    assert found > 20


@pytest.mark.parametrize(
    "language, code",
    [
        ("go", 'fmt.Printf("%d bytes of %s\\n", len(body), resp.Header.Get("Content-Type"))\n'),
        ("java", 'String body = """\n    {\n      "name": "Rex",\n      "tag": "a b"\n    }\n    """;\nx("y");\n'),
        ("python", 'h = {"Authorization": f"Bearer {os.environ["T"]}", "a": "b"}\nprint("%s" % "x", "y")\n'),
        ("ruby", 'uri = URI("https://x.test/pets")\nputs "#{a} b" + "c"\nq = \'"\' + "d"\n'),
        ("php", '$u = "https://x.test/" . "$id";\n$h = ["A" => "b&c", \'k\' => "v"];\n'),
        ("javascript", 'const u = `${base}/pets`;\nfetch("https://x.test/pets?a=1&b=2", {method: "POST"});\n'),
        ("python", 'x = """a"""\ny = "" + "z"\nz = ""\n'),
        ("go", 'c := \'"\'\ns := "x" + "y"\n'),
        ("python", 'x = "\\"" + y + "\\"" + "z"\n'),  # escaped quotes: the line is left alone
        ("python", 'print("""a "b" c""")\n'),  # a triple quote: the line is left alone
    ],
)
def test_chosen_code_is_highlighted_as_without_placeholders(language: str, code: str) -> None:
    assert _shaped(code, language) == _unshaped(code, language)


def test_placeholders_stand_for_plain_strings() -> None:
    # The point: two requests that differ in their URL and values are one highlighting.
    from portal_gen.render.html import _highlight_block

    _highlight_block.cache_clear()
    _shaped('r = requests.get(\n    "https://x.test/pets",\n    params={"limit": "10"},\n)\n', "python")
    _shaped('r = requests.get(\n    "https://x.test/users/me",\n    params={"state": "open"},\n)\n', "python")
    assert _highlight_block.cache_info().misses == 1
