"""portal's own highlighting of JSON examples makes Pygments' markup, byte for byte."""

from __future__ import annotations

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
