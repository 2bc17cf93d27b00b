"""Read an operation's parameters from a request (pure).

Each value is deserialized per its ``style`` and ``explode`` (the inverse of
:mod:`portal_gen.snippets.request`), coerced from text per its schema, and validated
against that schema. Problems name the parameter: ``query parameter 'limit': 500 is
greater than the maximum of 100``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ..checks.values import SchemaValidator
from ..model.api import UNSET, Api, Operation, Parameter, Schema
from .coerce import coerce, coerce_value, deep_object, items_schema, object_from_pairs, resolve, shape
from .problems import schema_problems

# OpenAPI says header parameters by these names are ignored: content negotiation and
# auth are described elsewhere in the spec.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


class Headers:
    """Request headers: case-insensitive names, repeated names kept."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = tuple((str(k), str(v)) for k, v in pairs)

    def all(self, name: str) -> list[str]:
        """Every value sent under ``name``, in order."""
        wanted = name.lower()
        return [v for k, v in self.pairs if k.lower() == wanted]

    def get(self, name: str) -> str | None:
        """The value, repeated headers joined as HTTP joins them; None when absent."""
        values = self.all(name)
        if not values:
            return None
        return ("; " if name.lower() == "cookie" else ", ").join(values)

    def cookies(self) -> dict[str, tuple[str, ...]]:
        """Cookie values by name, as sent (still percent-encoded)."""
        found: dict[str, tuple[str, ...]] = {}
        for header in self.all("cookie"):
            for pair in header.split(";"):
                name, sep, value = pair.strip().partition("=")
                if sep and name:
                    found[name] = (*found.get(name, ()), value)
        return found


@dataclass(frozen=True)
class RequestParts:
    """Where parameters come from in one request."""

    path_values: Mapping[str, str]  # raw, percent-encoded, by name
    query: tuple[tuple[str, str], ...]  # decoded pairs, in order
    headers: Headers
    cookies: Mapping[str, tuple[str, ...]]  # raw values by name


class _Unreadable(ValueError):
    """A value that cannot be deserialized at all (as opposed to an invalid one)."""


def read_parameters(
    api: Api, op: Operation, parts: RequestParts, validator: SchemaValidator
) -> tuple[dict[tuple[str, str], Any], list[str]]:
    """Every parameter's value by (location, name), and every problem found."""
    claimed = {p.name for p in op.parameters if p.location == "query"}
    claimed |= {s.param_name for s in api.security_schemes if s.location == "query" and s.param_name}
    values: dict[tuple[str, str], Any] = {}
    problems: list[str] = []
    for param in op.parameters:
        if param.location == "header" and param.name.lower() in IGNORED_HEADERS:
            continue
        label = f"{param.location} parameter '{param.name}'"
        try:
            value = _read(api, param, parts, claimed - {param.name})
        except _Unreadable as exc:
            problems.append(f"{label}: {exc}")
            continue
        if value is UNSET:
            if param.required:
                problems.append(f"{label} is required")
            continue
        schema = param.content[0].schema if param.content else param.schema
        if schema is not None:
            problems.extend(schema_problems(validator, schema.pointer, value, label))
        values[(param.location, param.name)] = value
    return values, problems


def _read(api: Api, param: Parameter, parts: RequestParts, others: set[str]) -> Any:
    schemas = api.schemas
    if param.location == "path":
        raw = parts.path_values.get(param.name)
        return UNSET if raw is None else _path(param, raw, schemas)
    if param.location == "query":
        return _query(param, parts.query, schemas, others)
    if param.location == "header":
        header = parts.headers.get(param.name)
        return UNSET if header is None else _simple(param, header, schemas, decode=False)
    if param.location == "cookie":
        found = parts.cookies.get(param.name)
        return UNSET if not found else _cookie(param, found, schemas)
    return UNSET


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise _Unreadable(f"{text!r} is not valid JSON") from exc


def _split(text: str, separator: str) -> list[str]:
    return text.split(separator) if text else []


def _path(param: Parameter, raw: str, schemas: Mapping[str, Schema]) -> Any:
    style = param.style or "simple"
    if param.content:
        return _json(unquote(raw))
    if style == "label":
        return _label(param, raw[1:] if raw.startswith(".") else raw, schemas)
    if style == "matrix":
        return _matrix(param, raw, schemas)
    return _simple(param, raw, schemas, decode=True)


def _simple(param: Parameter, raw: str, schemas: Mapping[str, Schema], *, decode: bool) -> Any:
    """``simple`` style (path and header parameters): ``a,b`` or ``k,v`` or ``k=v``."""
    text = unquote if decode else str
    if param.content:
        return _json(text(raw))
    kind = shape(param.schema, schemas)
    if kind == "array":
        return coerce_value([text(p) for p in _split(raw, ",")], param.schema, schemas)
    if kind == "object":
        if param.explode:
            pairs = (p.partition("=") for p in _split(raw, ","))
            return coerce_value({text(k): text(v) for k, _, v in pairs}, param.schema, schemas)
        return coerce_value(object_from_pairs([text(p) for p in _split(raw, ",")]), param.schema, schemas)
    return coerce(text(raw), param.schema, schemas)


def _label(param: Parameter, raw: str, schemas: Mapping[str, Schema]) -> Any:
    kind = shape(param.schema, schemas)
    explode = bool(param.explode)
    if kind == "array":
        return coerce_value([unquote(p) for p in _split(raw, "." if explode else ",")], param.schema, schemas)
    if kind == "object":
        if explode:
            pairs = (p.partition("=") for p in _split(raw, "."))
            return coerce_value({unquote(k): unquote(v) for k, _, v in pairs}, param.schema, schemas)
        return coerce_value(object_from_pairs([unquote(p) for p in _split(raw, ",")]), param.schema, schemas)
    return coerce(unquote(raw), param.schema, schemas)


def _matrix(param: Parameter, raw: str, schemas: Mapping[str, Schema]) -> Any:
    kind = shape(param.schema, schemas)
    pairs = [(unquote(k), v) for k, _, v in (p.partition("=") for p in raw.split(";") if p)]
    mine = [v for k, v in pairs if k == param.name]
    if kind == "object" and param.explode:
        return coerce_value({k: unquote(v) for k, v in pairs}, param.schema, schemas)
    if not mine:
        raise _Unreadable(f"{raw!r} is not ';{param.name}=...' (matrix style)")
    if kind == "array":
        pieces = mine if param.explode else _split(mine[-1], ",")
        return coerce_value([unquote(p) for p in pieces], param.schema, schemas)
    if kind == "object":
        return coerce_value(object_from_pairs([unquote(p) for p in _split(mine[-1], ",")]), param.schema, schemas)
    return coerce(unquote(mine[-1]), param.schema, schemas)


def _query(
    param: Parameter, pairs: tuple[tuple[str, str], ...], schemas: Mapping[str, Schema], others: set[str]
) -> Any:
    name = param.name
    mine = [v for k, v in pairs if k == name]
    if param.content:
        return _json(mine[-1]) if mine else UNSET
    style = param.style or "form"
    explode = param.explode if param.explode is not None else style == "form"
    kind = shape(param.schema, schemas)
    if style == "deepObject":
        nested = [(k[len(name) :], v) for k, v in pairs if k.startswith(name + "[")]
        return coerce_value(deep_object(nested), param.schema, schemas) if nested else UNSET
    if kind == "object" and explode:
        target = resolve(param.schema, schemas)
        declared = {p.name for p in target.properties} if target is not None else set()
        found = {k: v for k, v in pairs if (k in declared if declared else k not in others)}
        return coerce_value(found, param.schema, schemas) if found else UNSET
    if not mine:
        return UNSET
    if kind == "array":
        separator = _DELIMITERS.get(style, ",")
        pieces = mine if explode else [p for value in mine for p in _split(value, separator)]
        return [coerce(p, items_schema(param.schema, schemas), schemas) for p in pieces]
    if kind == "object":
        return coerce_value(object_from_pairs(_split(mine[-1], ",")), param.schema, schemas)
    return coerce(mine[-1], param.schema, schemas)


def _cookie(param: Parameter, raw: tuple[str, ...], schemas: Mapping[str, Schema]) -> Any:
    if param.content:
        return _json(unquote(raw[-1]))
    kind = shape(param.schema, schemas)
    if kind == "array":
        pieces = list(raw) if param.explode is not False else _split(raw[-1], ",")
        return coerce_value([unquote(p) for p in pieces], param.schema, schemas)
    if kind == "object":
        return coerce_value(object_from_pairs([unquote(p) for p in _split(raw[-1], ",")]), param.schema, schemas)
    return coerce(unquote(raw[-1]), param.schema, schemas)
