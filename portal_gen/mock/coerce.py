"""Typed values from the text of a request, guided by the schema they must meet (pure).

Query strings, headers, cookies and form fields carry text only; a schema saying
``integer`` turns ``"42"`` into ``42`` before validation. Text that does not convert
is kept as is, so the validator reports it in the spec's terms
(``'abc' is not of type 'integer'``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..model.api import UNSET, Schema, json_type

_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def resolve(schema: Schema | None, schemas: Mapping[str, Schema]) -> Schema | None:
    """The schema a named reference stands for (itself otherwise)."""
    seen: set[str] = set()
    while schema is not None and schema.ref is not None and schema.ref not in seen:
        seen.add(schema.ref)
        schema = schemas.get(schema.ref)
    return schema


def shape(schema: Schema | None, schemas: Mapping[str, Schema]) -> str:
    """``array``, ``object`` or ``scalar``: how a serialized value must be split."""
    target = resolve(schema, schemas)
    if target is None:
        return "scalar"
    for kind in target.types:
        if kind in ("array", "object"):
            return kind
    if target.types:
        return "scalar"
    if target.items is not None or target.prefix_items:
        return "array"
    if target.properties or isinstance(target.additional, Schema):
        return "object"
    for alternative in (*target.one_of, *target.any_of):
        kind = shape(alternative, schemas)
        if kind != "scalar":
            return kind
    return "scalar"


def items_schema(schema: Schema | None, schemas: Mapping[str, Schema]) -> Schema | None:
    """The schema of an array's items."""
    target = resolve(schema, schemas)
    return target.items if target is not None else None


def property_schema(schema: Schema | None, name: str, schemas: Mapping[str, Schema]) -> Schema | None:
    """The schema of property ``name`` (or of additional properties)."""
    target = resolve(schema, schemas)
    if target is None:
        return None
    for prop in target.properties:
        if prop.name == name:
            return prop.schema
    return target.additional if isinstance(target.additional, Schema) else None


def coerce(text: str, schema: Schema | None, schemas: Mapping[str, Schema]) -> Any:
    """``text`` as the scalar the schema wants: integer, number or boolean; else text."""
    target = resolve(schema, schemas)
    if target is None:
        return text
    types = _scalar_types(target, schemas, 0)
    if not types:
        for member in target.enum or ():
            if not isinstance(member, str) and _as_text(member) == text:
                return member
        return text
    if "string" in types:
        return text
    if "integer" in types and _INTEGER.match(text):
        return int(text)
    if "number" in types and _NUMBER.match(text):
        number = float(text)
        if math.isfinite(number):
            return int(text) if _INTEGER.match(text) else number
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "null" in types and text in ("", "null"):
        return None
    return text


def coerce_value(value: Any, schema: Schema | None, schemas: Mapping[str, Schema]) -> Any:
    """Coerce every piece of text in an array or object by the schema at its place."""
    if isinstance(value, str):
        return coerce(value, schema, schemas) if shape(schema, schemas) == "scalar" else value
    if isinstance(value, list):
        return [coerce_value(v, items_schema(schema, schemas), schemas) for v in value]
    if isinstance(value, dict):
        return {k: coerce_value(v, property_schema(schema, k, schemas), schemas) for k, v in value.items()}
    return value


def object_from_pairs(pieces: list[str]) -> dict[str, Any]:
    """``["a", "1", "b", "2"]`` (non-exploded object) -> ``{"a": "1", "b": "2"}``."""
    return {pieces[i]: pieces[i + 1] if i + 1 < len(pieces) else "" for i in range(0, len(pieces), 2)}


def deep_object(pairs: Iterable[tuple[str, str]]) -> Any:
    """``[("[a][b]", "1"), ("[c][]", "2"), ("[d][0][e]", "3")]`` ->
    ``{"a": {"b": "1"}, "c": ["2"], "d": [{"e": "3"}]}`` (keys after the parameter
    name, values still text), as Rack and PHP read brackets: ``[]`` appends, and an
    object whose keys are 0, 1, 2... is a list. ``[][x]`` alone gives a list."""
    holder: dict[str, Any] = {}
    for key, value in pairs:
        path = _BRACKETS.findall(key)
        if path:
            _put(holder, ["", *path], value)
    return _listed(holder.get("", {}))


def _put(node: Any, path: list[str], value: str) -> None:
    part, rest = path[0], path[1:]
    if isinstance(node, list):  # `[]`: append, or fill the last item while it lacks the key
        if not rest:
            node.append(value)
            return
        last = node[-1] if node else None
        if not (isinstance(last, dict) and rest[0] and rest[0] not in last):
            last = [] if rest[0] == "" else {}
            node.append(last)
        _put(last, rest, value)
        return
    if not rest:
        node[part] = value
        return
    child = node.get(part)
    if not isinstance(child, list if rest[0] == "" else dict):
        child = node[part] = [] if rest[0] == "" else {}
    _put(child, rest, value)


def _listed(value: Any) -> Any:
    """Objects keyed 0..n-1 (``a[0][b]``) as lists, all the way down."""
    if isinstance(value, list):
        return [_listed(v) for v in value]
    if not isinstance(value, dict):
        return value
    items = {k: _listed(v) for k, v in value.items()}
    if items and all(k.isdigit() for k in items) and sorted(int(k) for k in items) == list(range(len(items))):
        return [items[str(i)] for i in range(len(items))]
    return items


def _scalar_types(schema: Schema, schemas: Mapping[str, Schema], depth: int) -> set[str]:
    """The JSON types a scalar may take: declared, or those of its alternatives."""
    types = set(schema.types)
    if schema.nullable:
        types.add("null")
    if depth < 5:
        for alternative in (*schema.one_of, *schema.any_of):
            target = resolve(alternative, schemas)
            if target is not None:
                found = _scalar_types(target, schemas, depth + 1)
                types |= found or {"string"}  # an alternative of any type takes text
    if schema.const is not UNSET and not types and not isinstance(schema.const, str):
        types.add(json_type(schema.const))
    return types


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
