"""Realistic example values generated from a schema, bounded in depth and size."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import exrex

from ..checks.ecma import InvalidPattern, compile_pattern, python_pattern
from .api import UNSET, Schema

MAX_DEPTH = 6
MAX_PROPERTIES = 40
# Values generated per example at most: schemas that branch (every object refers to two
# others) would otherwise give examples exponential in MAX_DEPTH.
MAX_VALUES = 150

_FORMATS: dict[str, Any] = {
    "date-time": "2026-01-15T09:30:00Z",
    "date": "2026-01-15",
    "time": "09:30:00Z",
    "duration": "PT15M",
    "email": "jane.doe@example.com",
    "idn-email": "jane.doe@example.com",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "iri": "https://example.com/resource",
    "uri-reference": "/resource",
    "hostname": "api.example.com",
    "idn-hostname": "api.example.com",
    "ipv4": "192.0.2.10",
    "ipv6": "2001:db8::10",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "byte": "aGVsbG8gd29ybGQ=",
    "binary": "(binary data)",
    "password": "s3cr3t-passw0rd",
    "phone": "+14155550123",
    "int32": 1,
    "int64": 1,
}
# Property names whose meaning is clear enough to give a believable value.
_NAMES: dict[str, Any] = {
    "email": "jane.doe@example.com",
    "name": "Jane Doe",
    "first_name": "Jane",
    "last_name": "Doe",
    "username": "janedoe",
    "login": "janedoe",
    "phone": "+14155550123",
    "phone_number": "+14155550123",
    "country": "US",
    "country_code": "US",
    "currency": "USD",
    "language": "en",
    "locale": "en-US",
    "url": "https://example.com",
    "html_url": "https://example.com",
    "website": "https://example.com",
    "title": "Example title",
    "description": "A short description.",
    "message": "Hello from the API!",
    "body": "Hello from the API!",
    "text": "Hello from the API!",
    "city": "San Francisco",
    "zip": "94107",
    "postal_code": "94107",
    "status": "active",
    "color": "#336699",
    "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
}


def example_for(
    schema: Schema | None,
    schemas: Mapping[str, Schema],
    *,
    direction: str = "response",
) -> Any:
    """An example value for ``schema``: the spec's own example first, else generated.

    ``direction`` is ``"request"`` (readOnly properties left out) or ``"response"``
    (writeOnly properties left out).
    """
    if schema is None:
        return None
    return _Generator(schemas, direction).value(schema, None, 0, ())


class _Generator:
    def __init__(self, schemas: Mapping[str, Schema], direction: str) -> None:
        self.schemas = schemas
        self.direction = direction
        self.budget = MAX_VALUES

    def value(self, schema: Schema, name: str | None, depth: int, stack: tuple[str, ...]) -> Any:
        self.budget -= 1
        if schema.cycle is not None:
            return _empty(schema)  # a schema inside another came back to itself
        if schema.ref is not None:
            target = self.schemas.get(schema.ref)
            if target is None:
                return None
            if schema.ref in stack or depth > MAX_DEPTH or self.budget <= 0:
                return _empty(target)
            return self.value(target, name, depth, (*stack, schema.ref))
        if schema.const is not UNSET:
            return schema.const
        if schema.examples:
            return schema.examples[0]
        if schema.default is not UNSET:
            return schema.default
        if schema.enum:
            return schema.enum[0]
        if schema.one_of or schema.any_of:
            choice = (schema.one_of or schema.any_of)[0]
            value = self.value(choice, name, depth, stack)
            if schema.discriminator and isinstance(value, dict):
                value = self._discriminate(schema, choice, value)
            if schema.properties and isinstance(value, dict):
                base = self._object(schema, depth, stack)
                return {**base, **value}
            return value
        types = schema.types
        kind = types[0] if types else ("object" if schema.properties else None)
        if kind == "object" or (kind is None and schema.additional not in (None, False)):
            return self._object(schema, depth, stack)
        if kind == "array":
            if depth > MAX_DEPTH or schema.items is None or self.budget <= 0:
                return []
            item = self.value(schema.items, _singular(name), depth + 1, stack)
            count = max(1, min(_constraint(schema, "minItems", 1), 3))
            return [item] * count
        if kind == "string":
            return self._string(schema, name)
        if kind == "integer":
            return int(_number(schema, 1))
        if kind == "number":
            return _number(schema, 1.5)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return None if schema.nullable else _NAMES.get(name or "")

    def _object(self, schema: Schema, depth: int, stack: tuple[str, ...]) -> dict[str, Any]:
        if depth > MAX_DEPTH or self.budget <= 0:
            return {}
        result: dict[str, Any] = {}
        for prop in schema.properties[:MAX_PROPERTIES]:
            target = self._resolve(prop.schema)
            if self.direction == "request" and target.read_only:
                continue
            if self.direction == "response" and target.write_only:
                continue
            if not prop.required and self._cut(prop.schema, depth + 1, stack):
                continue  # an optional property that would only be an empty stub
            result[prop.name] = self.value(prop.schema, prop.name, depth + 1, stack)
        if not result and isinstance(schema.additional, Schema):
            result["key"] = self.value(schema.additional, None, depth + 1, stack)
        return result

    def _cut(self, schema: Schema, depth: int, stack: tuple[str, ...]) -> bool:
        """Whether generating ``schema`` here would stop at a cycle or the depth limit."""
        if schema.cycle is not None:
            return True
        if schema.ref is not None:
            return schema.ref in stack or depth > MAX_DEPTH or self.budget <= 0
        if schema.items is not None and "array" in schema.types:
            return self._cut(schema.items, depth + 1, stack)
        return False

    def _discriminate(self, schema: Schema, choice: Schema, value: dict[str, Any]) -> dict[str, Any]:
        assert schema.discriminator is not None
        prop = schema.discriminator.property_name
        for mapped, target in schema.discriminator.mapping:
            if target == choice.ref:
                return {**value, prop: mapped}
        if choice.ref and prop not in value:
            return {**value, prop: choice.ref}
        return value

    def _resolve(self, schema: Schema) -> Schema:
        if schema.ref is not None:
            return self.schemas.get(schema.ref, schema)
        return schema

    def _string(self, schema: Schema, name: str | None) -> str:
        value: Any = None
        if schema.format and schema.format in _FORMATS:
            value = _FORMATS[schema.format]
        elif name:
            key = name.lower()
            value = _NAMES.get(key)
            if value is None and (key == "id" or key.endswith("_id") or key.endswith("id")):
                value = "abc123"
            elif value is None and key.endswith("_at"):
                value = "2026-01-15T09:30:00Z"
            elif value is None and key.endswith("url"):
                value = "https://example.com"
        if not isinstance(value, str):
            value = "string"
        min_length = _constraint(schema, "minLength", 0)
        max_length = _constraint(schema, "maxLength", None)
        if len(value) < min_length:
            value = value + "x" * (min_length - len(value))
        if max_length is not None and len(value) > max_length:
            value = value[:max_length]
        pattern = _constraint(schema, "pattern", None)
        if isinstance(pattern, str) and not _matches(pattern, value):
            value = _from_pattern(pattern, min_length, max_length) or value
        return str(value)


def _matches(pattern: str, value: str) -> bool:
    """Whether ``value`` matches ``pattern`` as JSON Schema reads it (ECMA-262)."""
    try:
        return compile_pattern(pattern).search(value)
    except InvalidPattern:
        return True  # not a regular expression: nothing better to offer


@lru_cache(maxsize=4096)
def _from_pattern(pattern: str, min_length: int, max_length: int | None) -> str | None:
    """The first few strings the pattern generates (exrex enumerates them in a fixed
    order, so output is reproducible); the first that really matches and fits.

    exrex reads Python's syntax: it generates from an approximation of the ECMA-262
    pattern (``\\p{L}`` as ``a-zA-Z``), and every candidate is checked against the real one.
    """
    try:
        compiled = compile_pattern(pattern)
    except InvalidPattern:
        return None
    try:
        candidates = exrex.generate(python_pattern(compiled), limit=max(20, min_length + 1))
        for candidate in itertools.islice(candidates, 200):
            if (
                candidate
                and len(candidate) >= min_length
                and (max_length is None or len(candidate) <= max_length)
                and compiled.search(candidate)
            ):
                return str(candidate)
    except Exception:  # exrex does not know every regex construct; keep the heuristic value
        return None
    return None


def _empty(schema: Schema) -> Any:
    if "array" in schema.types:
        return []
    if schema.is_object:
        return {}
    return None


def _constraint(schema: Schema, key: str, default: Any) -> Any:
    for name, value in schema.constraints:
        if name == key:
            return value
    return default


def _number(schema: Schema, default: float) -> float:
    """``default`` if it fits the schema's range and step, else a value that does.

    Bounds are numbers here: the model turns 3.0's boolean ``exclusiveMinimum`` into
    the 3.1 form.
    """
    integer = "integer" in schema.types
    low, high = _constraint(schema, "minimum", None), _constraint(schema, "maximum", None)
    low_ex, high_ex = _constraint(schema, "exclusiveMinimum", None), _constraint(schema, "exclusiveMaximum", None)
    step = _constraint(schema, "multipleOf", None)

    def fits(value: float) -> bool:
        return (
            (low is None or value >= low)
            and (high is None or value <= high)
            and (low_ex is None or value > low_ex)
            and (high_ex is None or value < high_ex)
            and (not step or abs(value / step - round(value / step)) < 1e-9)
            and (not integer or float(value).is_integer())
        )

    floor = max((b for b in (low, low_ex) if b is not None), default=None)
    ceiling = min((b for b in (high, high_ex) if b is not None), default=None)
    candidates = [default]
    if floor is not None:
        candidates += [floor, floor + 1]
        if step:
            candidates.append(step * (int(floor / step) + 1))
    if ceiling is not None:
        candidates += [ceiling, ceiling - 1]
    if floor is not None and ceiling is not None:
        candidates.append((floor + ceiling) / 2)
    if step:
        candidates.append(step)
    for value in candidates:
        if fits(value):
            return int(value) if integer else value
    return default


def _singular(name: str | None) -> str | None:
    if name and name.endswith("s") and len(name) > 3:
        return name[:-1]
    return name
