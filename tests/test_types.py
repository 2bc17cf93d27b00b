"""Types read as types wherever portal writes one (property rows, parameter rows, model
pages): ``Decimal | null``, ``array of Message``, ``string (date-time)``, in OpenAPI 3.0
and 3.1 alike; a real union keeps its list of alternatives."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal_gen.load.spec import load_spec
from portal_gen.model.api import Api
from portal_gen.model.build import build_api
from portal_gen.render.schema import SchemaTree


def _text(markup: str) -> str:
    """What a reader reads, one space between words and between blocks."""
    spaced = re.sub(r"</?(?:p|div|li|ol|ul|summary|details)\b[^>]*>", " ", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", spaced)).split())


def _api(tmp_path: Path, version: str, properties: dict[str, Any], extra: dict[str, Any] | None = None) -> Api:
    spec = {
        "openapi": version,
        "info": {"title": "Types", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Decimal": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
                "Message": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Cat": {"type": "object", "properties": {"purrs": {"type": "boolean"}}},
                "Dog": {"type": "object", "properties": {"barks": {"type": "boolean"}}},
                "Thing": {"type": "object", "properties": properties},
                **(extra or {}),
            }
        },
    }
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return build_api(load_spec(path, tmp_path))


def _types(api: Api) -> dict[str, str]:
    """Each property of ``Thing`` and the type its row shows."""
    tree = SchemaTree(api.schemas, lambda name: f"{name.lower()}.html")
    return {p.name: _text(tree.type_html(p.schema)) for p in api.schemas["Thing"].properties}


REF = {"$ref": "#/components/schemas/Decimal"}
MESSAGE = {"$ref": "#/components/schemas/Message"}
COMMON = {
    "messages": {"type": "array", "items": MESSAGE},
    "sent_at": {"type": "string", "format": "date-time"},
    "count": {"type": "integer", "format": "int64"},
    "ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
    "status": {"type": "string", "enum": ["queued", "sent"]},
    "untyped_enum": {"enum": ["a", "b"]},
    "pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
    "anything": {},
}
COMMON_TYPES = {
    "messages": "array of Message",
    "sent_at": "string (date-time)",
    "count": "integer (int64)",
    "ids": "array of string (uuid)",
    "status": "string",
    "untyped_enum": "string",
    "pet": "Cat | Dog",
    "anything": "any",
}


def test_openapi_31_types(tmp_path: Path) -> None:
    null = {"type": "null"}
    api = _api(
        tmp_path,
        "3.1.0",
        {
            **COMMON,
            "price": {"description": "Charged.", "oneOf": [REF, null]},
            "price_any": {"anyOf": [REF, null]},
            "price_last": {"anyOf": [null, REF]},
            "label": {"type": ["string", "null"]},
            "when": {"type": ["string", "null"], "format": "date-time"},
            "tags": {"type": ["array", "null"], "items": {"type": "string"}},
            "maybe_tags": {"type": "array", "items": {"type": ["string", "null"]}},
            "nullable_enum": {"type": ["string", "null"], "enum": ["a", "b", None]},
            "pet_or_null": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}, null]
            },
            "nothing": null,
        },
    )
    assert _types(api) == {
        **COMMON_TYPES,
        "price": "Decimal | null",
        "price_any": "Decimal | null",
        "price_last": "Decimal | null",
        "label": "string | null",
        "when": "string (date-time) | null",
        "tags": "array of string | null",
        "maybe_tags": "array of (string | null)",
        "nullable_enum": "string | null",
        "pet_or_null": "Cat | Dog | null",
        "nothing": "null",
    }


def test_openapi_30_types(tmp_path: Path) -> None:
    api = _api(
        tmp_path,
        "3.0.3",
        {
            **COMMON,
            "price": {"allOf": [REF], "nullable": True, "description": "Charged."},
            "label": {"type": "string", "nullable": True},
            "when": {"type": "string", "format": "date-time", "nullable": True},
            "tags": {"type": "array", "items": {"type": "string"}, "nullable": True},
            "nullable_enum": {"type": "string", "nullable": True, "enum": ["a", "b", None]},
        },
    )
    assert _types(api) == {
        **COMMON_TYPES,
        "price": "Decimal | null",
        "label": "string | null",
        "when": "string (date-time) | null",
        "tags": "array of string | null",
        "nullable_enum": "string | null",
    }


def test_a_nullable_reference_reads_as_the_reference(tmp_path: Path) -> None:
    """No list of alternatives for ``oneOf: [Decimal, null]``: the row says it all, with
    the property's own description, and the named schema is linked."""
    api = _api(tmp_path, "3.1.0", {"price": {"description": "Charged.", "oneOf": [REF, {"type": "null"}]}})
    tree = SchemaTree(api.schemas, lambda name: f"{name.lower()}.html")
    page = tree.render(api.schemas["Thing"], root_name="Thing")
    assert '<span class="portal-type"><a href="decimal.html">Decimal</a> | null</span>' in page
    assert "Charged." in _text(page)
    assert "One of" not in page and "any | null" not in _text(page)
    # As a body of its own, the same.
    body = tree.render(api.schemas["Thing"].properties[0].schema)
    assert _text(body).startswith("Decimal | null") and "One of" not in body


def test_a_real_union_keeps_its_alternatives(tmp_path: Path) -> None:
    cat, dog = {"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}
    inline = {"type": "object", "properties": {"a": {"type": "string"}}}
    api = _api(
        tmp_path,
        "3.1.0",
        {"pet": {"oneOf": [cat, dog, {"type": "null"}]}, "shape": {"anyOf": [inline, {"type": "integer"}]}},
    )
    tree = SchemaTree(api.schemas, lambda name: f"{name.lower()}.html")
    page = tree.render(api.schemas["Thing"], root_name="Thing")
    lists = [
        (title, [_text(label) for label in re.findall(r'<li><span class="portal-type">(.*?)</span>', items)])
        for title, items in re.findall(
            r'<p class="portal-alternatives__title">(.*?)</p><ol class="portal-alternatives__list">(.*?)</ol>', page
        )
    ]
    assert lists == [("One of:", ["Cat", "Dog", "null"]), ("Any of:", ["object", "integer"])]
    assert "pet Cat | Dog | null" in _text(page)
    assert "shape any of" in _text(page)  # inline objects: the list tells them apart


def test_the_demo_reads_types_as_types(built) -> None:
    site = Path(built("demo"))
    message = (site / "reference" / "models" / "message" / "index.html").read_text(encoding="utf-8")
    row = r'<code class="portal-prop__name">([^<]*)</code>\s*<span class="portal-type">(.*?)</span>\s*(?=<span |</div>)'
    rows = {name: _text(label) for name, label in re.findall(row, message)}
    assert rows["price"] == "Decimal | null"
    assert rows["media"] == "array of Media"
    assert rows["created_at"] == "string (date-time)"
    assert rows["sent_at"] == "string (date-time) | null"
    assert rows["error_code"] == "string | null"
    assert "One of" not in message and "any | null" not in _text(message)
    # Parameter rows use the same words.
    listing = (site / "reference" / "messages" / "list-messages" / "index.html").read_text(encoding="utf-8")
    param = re.search(r'id="param-query-date-sent-after".*?<span class="portal-type">(.*?)</span>', listing, re.S)
    assert param is not None and _text(param.group(1)) == "string (date-time)"


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_nullable_union_of_arrays_and_scalars(tmp_path: Path, version: str) -> None:
    strings = {"type": "array", "items": {"type": "string"}}
    api = _api(tmp_path, version, {"one_or_many": {"oneOf": [{"type": "string"}, strings]}})
    assert _types(api) == {"one_or_many": "string | array of string"}
