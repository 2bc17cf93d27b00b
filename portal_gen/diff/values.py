"""Reading a bundled spec's raw JSON for :mod:`.compare`: ``$ref``s and model names,
a schema's types, nullability, implied format and enum, and values as messages show
them. Pure functions of plain data."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..load.spec import MISSING, parse_fragment, resolve_pointer

Pointer = tuple[str, ...]
SCHEMAS_PREFIX = "#/components/schemas/"


def info_field(data: Mapping[str, Any], key: str) -> str:
    """``info.title``, ``info.version``... of a spec, as text ("" when missing)."""
    info = data.get("info")
    value = info.get(key) if isinstance(info, dict) else None
    return "" if value is None else str(value)


# Keywords that give a schema a shape of its own (beside a oneOf, they are not a wrapper).
_SHAPE = ("type", "properties", "items", "allOf", "enum", "const", "$ref", "additionalProperties")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def deref(data: Mapping[str, Any], node: Any, ptr: Pointer) -> tuple[Any, Pointer]:
    """Follow internal ``$ref``s (siblings of a ``$ref`` are ignored, as in 3.0)."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#") or ref in seen:
            return {}, ptr
        seen.add(ref)
        ptr = parse_fragment(ref)
        node = resolve_pointer(data, ptr)
        if node is MISSING:
            return {}, ptr
    return node, ptr


def model_name(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith(SCHEMAS_PREFIX):
        name = parse_fragment(node["$ref"])
        return name[2] if len(name) == 3 else None
    return None


def is_model_ref(ref: str) -> bool:
    return ref.startswith(SCHEMAS_PREFIX) and "/" not in ref[len(SCHEMAS_PREFIX) :]


def written_refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(v for k, v in item.items() if k not in ("example", "examples", "default", "enum", "const"))
        elif isinstance(item, list):
            stack.extend(item)


def schema_types(schema: Mapping[str, Any]) -> set[str] | None:
    kind = schema.get("type")
    if kind is None:
        if "const" in schema and schema.get("const") is None:
            return {"null"}
        return None
    types = {str(t) for t in kind} if isinstance(kind, list) else {str(kind)}
    if schema.get("nullable") is True:
        types.add("null")
    return types


def null_variant(schema: Mapping[str, Any]) -> tuple[str, int] | None:
    """``("oneOf", i)`` when ``schema`` is only ``oneOf: [X, {type: 'null'}]`` (or
    ``anyOf``) with X at ``i``: 3.1's spelling of 3.0's ``nullable: true``."""
    for key, other in (("oneOf", "anyOf"), ("anyOf", "oneOf")):
        parts = schema.get(key)
        if not isinstance(parts, list) or len(parts) != 2 or any(k in schema for k in (other, *_SHAPE)):
            continue
        nulls = [isinstance(p, dict) and schema_types(p) == {"null"} for p in parts]
        if nulls.count(True) == 1:
            return key, nulls.index(False)
    return None


def without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with null no longer allowed (its other values unchanged)."""
    kind = schema.get("type")
    if schema.get("nullable") is not True and not (isinstance(kind, list) and "null" in kind):
        return schema
    out = {k: v for k, v in schema.items() if k != "nullable"}
    if isinstance(kind, list):
        out["type"] = [t for t in kind if t != "null"]
    return out


def unwrapped(
    schema: dict[str, Any], ptr: Pointer, wrap: tuple[str, int] | None, raw: tuple[Any, Pointer]
) -> tuple[Any, Pointer]:
    """What to compare of ``schema`` once null is set apart: X of ``oneOf: [X, null]``,
    else the schema as written (a model's ``$ref`` stays one) or, if it allows null,
    without it."""
    if wrap is not None:
        key, index = wrap
        return schema[key][index], (*ptr, key, str(index))
    stripped = without_null(schema)
    return raw if stripped is schema else (stripped, ptr)


def implied_format(schema: Mapping[str, Any]) -> str | None:
    types = (schema_types(schema) or set()) - {"null"}
    return "int64" if types == {"integer"} else "double" if types == {"number"} else None


def widened(types: set[str]) -> set[str]:
    return types | {"integer"} if "number" in types else types


def enum_values(schema: Mapping[str, Any]) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return [v for v in schema["enum"] if v is not None]
    if "const" in schema and schema["const"] is not None:
        return [schema["const"]]
    return None


def show_value(value: Any) -> str:
    if value is None:
        return "none"
    return (
        json.dumps(value, ensure_ascii=False)
        if not isinstance(value, (int, float)) or isinstance(value, bool)
        else str(value)
    )


def show_values(values: list[Any]) -> str:
    return ", ".join(show_value(v) for v in values[:10]) + (f" and {len(values) - 10} more" if len(values) > 10 else "")
