"""Parameters serialized as OpenAPI's ``style`` and ``explode`` say: path (simple, label,
matrix), query (form, spaceDelimited, pipeDelimited, deepObject), header and cookie.

The inverse, reading them back from a request, is :mod:`portal_gen.mock.params`; the
snippet tests send every style through a real runtime to the mock and compare."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..model.api import Parameter
from .values import EnvValue, Pieces, join_pieces


def _text(value: Any) -> str:
    """A scalar as it appears in a URL or header."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _encode(value: Any) -> str:
    return quote(_text(value), safe="")


def _segment(value: Any) -> str:
    """Percent-encoded for a path segment, where RFC 3986 lets ``:`` and ``@`` stand as
    they are (GitHub's ``sha256:...`` digests: a server that matches raw segments, and
    openapi-core, would measure ``%3A`` as three characters)."""
    return quote(_text(value), safe=":@")


def _fill_path(template: str, values: Mapping[str, Pieces]) -> Pieces:
    """The path template with each ``{name}`` replaced by its value's pieces."""
    pieces: list[str | EnvValue] = []
    for index, part in enumerate(re.split(r"\{([^{}]*)\}", template)):
        if index % 2 == 0:
            pieces.append(part)
        else:
            pieces.extend(values.get(part, ("{" + part + "}",)))
    return join_pieces(pieces)


def _path_pieces(param: Parameter, value: Any) -> Pieces:
    """A path parameter's value; one read from the environment goes in as it is."""
    if not isinstance(value, EnvValue):
        return (_path_value(param, value),)
    prefix = {"label": ".", "matrix": f";{_segment(param.name)}="}.get(param.style or "simple", "")
    return join_pieces((prefix, value))


def _path_value(param: Parameter, value: Any) -> str:
    style = param.style or "simple"
    explode = bool(param.explode)
    if param.content:
        return _segment(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if style == "label":
        if isinstance(value, list):
            return "." + ("." if explode else ",").join(_segment(v) for v in value)
        if isinstance(value, dict):
            if explode:
                return "." + ".".join(f"{_segment(k)}={_segment(v)}" for k, v in value.items())
            return "." + ",".join(f"{_segment(k)},{_segment(v)}" for k, v in value.items())
        return "." + _segment(value)
    if style == "matrix":
        name = _segment(param.name)
        if isinstance(value, list):
            if explode:
                return "".join(f";{name}={_segment(v)}" for v in value)
            return f";{name}=" + ",".join(_segment(v) for v in value)
        if isinstance(value, dict):
            if explode:
                return "".join(f";{_segment(k)}={_segment(v)}" for k, v in value.items())
            return f";{name}=" + ",".join(f"{_segment(k)},{_segment(v)}" for k, v in value.items())
        return f";{name}={_segment(value)}"
    return _simple(param, value, encode=True)


def _simple(param: Parameter, value: Any, *, encode: bool) -> str:
    """``simple`` style (path and header parameters)."""
    enc = _segment if encode else _text
    if param.content:
        return enc(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if isinstance(value, list):
        return ",".join(enc(v) for v in value)
    if isinstance(value, dict):
        if param.explode:
            return ",".join(f"{enc(k)}={enc(v)}" for k, v in value.items())
        return ",".join(f"{enc(k)},{enc(v)}" for k, v in value.items())
    return enc(value)


def _query_pairs(param: Parameter, value: Any) -> list[tuple[str, str | EnvValue]]:
    name = param.name
    if isinstance(value, EnvValue):
        return [(name, value)]
    if param.content:
        return [(name, json.dumps(value, ensure_ascii=False, separators=(",", ":")))]
    style = param.style or "form"
    explode = param.explode if param.explode is not None else style == "form"
    if style == "deepObject" and isinstance(value, (dict, list)):
        return _deep_object(name, value)
    if isinstance(value, list):
        if explode:
            return [(name, _text(v)) for v in value]
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return [(name, separator.join(_text(v) for v in value))]
    if isinstance(value, dict):
        if explode:
            return [(str(k), _text(v)) for k, v in value.items()]
        return [(name, ",".join(f"{k},{_text(v)}" for k, v in value.items()))]
    return [(name, _text(value))]


def _deep_object(name: str, value: Any) -> list[tuple[str, str | EnvValue]]:
    """Brackets as Rack, PHP and Stripe read them: ``a[b][c]=v`` for objects, ``a[]=v``
    for a list of scalars, ``a[0][b]=v`` for a list of objects or lists."""
    if isinstance(value, EnvValue):
        return [(name, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _deep_object(f"{name}[{k}]", v)]
    if isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
        return [pair for i, v in enumerate(value) for pair in _deep_object(f"{name}[{i}]", v)]
    if isinstance(value, list):
        return [(f"{name}[]", _text(v)) for v in value]
    return [(name, _text(value))]


def _cookie_pairs(param: Parameter, value: Any) -> list[tuple[str, str | EnvValue]]:
    if isinstance(value, EnvValue):
        return [(param.name, value)]  # as it is, like a path value
    if isinstance(value, list):
        if param.explode is not False:
            return [(param.name, _encode(v)) for v in value]
        return [(param.name, ",".join(_encode(v) for v in value))]
    if isinstance(value, dict):
        return [(param.name, ",".join(f"{_encode(k)},{_encode(v)}" for k, v in value.items()))]
    return [(param.name, _encode(value))]


def _header_safe(value: str) -> str:
    """Header values cannot hold line breaks: a spec must not inject headers."""
    return re.sub(r"[\r\n\x00]+", " ", value)
