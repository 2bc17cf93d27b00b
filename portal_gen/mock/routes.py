"""Find the operation a request path and method call (pure).

Paths are matched segment by segment on the raw (still percent-encoded) path, so a
path parameter may hold an encoded ``/``. Where several templates match, the one
whose leading segments are literal wins (``/messages/search`` beats
``/messages/{message_id}``), as OpenAPI says concrete paths come first. The spec's
server path (``/v1``) may prefix a request path or be left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from ..model.api import Api, Operation, Server

_PARAM = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class _Segment:
    literal: str | None  # a segment without parameters
    pattern: re.Pattern[str] | None = None  # otherwise: one group per parameter, in order
    names: tuple[str, ...] = ()
    rank: int = 2  # literal 2, parameters with literal text around them 1, one parameter 0


@dataclass(frozen=True)
class Route:
    """One path of the spec and its operations by upper-case method."""

    template: str
    segments: tuple[_Segment, ...]
    operations: Mapping[str, Operation]

    @property
    def rank(self) -> tuple[int, ...]:
        return tuple(s.rank for s in self.segments)

    @property
    def allowed(self) -> tuple[str, ...]:
        """Methods for the ``Allow`` header (HEAD wherever GET is)."""
        methods = list(self.operations)
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        return tuple(methods)

    def match(self, segments: list[str]) -> dict[str, str] | None:
        """Raw (percent-encoded) values of the path parameters, or None."""
        if len(segments) != len(self.segments):
            return None
        values: dict[str, str] = {}
        for raw, segment in zip(segments, self.segments, strict=True):
            if segment.literal is not None:
                if unquote(raw) != segment.literal:
                    return None
                continue
            assert segment.pattern is not None
            found = segment.pattern.fullmatch(raw)
            if found is None:
                return None
            values.update(zip(segment.names, found.groups(), strict=True))
        return values


@dataclass(frozen=True)
class Found:
    operation: Operation
    route: Route
    path_values: Mapping[str, str]  # raw, percent-encoded


@dataclass(frozen=True)
class WrongMethod:
    route: Route


@dataclass(frozen=True)
class NotFound:
    path: str


class Router:
    """Every operation of an API by path template and method."""

    def __init__(self, api: Api) -> None:
        grouped: dict[str, dict[str, Operation]] = {}
        for op in api.operations:
            grouped.setdefault(op.path, {})[op.method.upper()] = op
        self.routes = tuple(
            Route(template, _compile(template), MappingProxyType(ops)) for template, ops in grouped.items()
        )
        servers = [*api.servers[:1], *(op.servers[0] for op in api.operations if op.servers)]
        prefixes = {p for p in (_server_prefix(s) for s in servers) if p is not None}
        self.prefixes = tuple(sorted(prefixes, key=lambda p: (-len(p.pattern), p.pattern)))
        self.base_path = _base_path(api.servers[0]) if api.servers else ""

    def find(self, method: str, path: str) -> Found | WrongMethod | NotFound:
        """The operation ``method path`` calls (``path`` raw, without the query)."""
        for candidate in self._candidates(path):
            route, values = self._best(candidate)
            if route is None or values is None:
                continue
            op = route.operations.get(method)
            if op is None and method == "HEAD":
                op = route.operations.get("GET")
            if op is None:
                return WrongMethod(route)
            return Found(op, route, MappingProxyType(values))
        return NotFound(path)

    def _candidates(self, path: str) -> list[str]:
        """The path with each server prefix it starts with removed, then as sent."""
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        found = []
        for prefix in self.prefixes:
            matched = prefix.match(path)
            if matched and (matched.end() == len(path) or path[matched.end()] == "/"):
                found.append(path[matched.end() :] or "/")
        return [*found, path]

    def _best(self, path: str) -> tuple[Route | None, dict[str, str] | None]:
        segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
        best: tuple[Route | None, dict[str, str] | None] = (None, None)
        for route in self.routes:
            values = route.match(segments)
            if values is not None and (best[0] is None or route.rank > best[0].rank):
                best = (route, values)
        return best


def _compile(template: str) -> tuple[_Segment, ...]:
    parts = template.split("/")[1:] if template.startswith("/") else template.split("/")
    segments = []
    for part in parts:
        names = tuple(_PARAM.findall(part))
        if not names:
            segments.append(_Segment(literal=part))
            continue
        pieces = _PARAM.split(part)  # literal, name, literal, name, ..., literal
        group = "(.+)" if len(names) == 1 else "(.+?)"
        regex = "".join(re.escape(piece) if i % 2 == 0 else group for i, piece in enumerate(pieces))
        rank = 0 if part == "{" + names[0] + "}" else 1
        segments.append(_Segment(None, re.compile(regex), names, rank))
    return tuple(segments)


def _server_prefix(server: Server) -> re.Pattern[str] | None:
    """A pattern for the server URL's path: variables match their enum or any segment."""
    path = _url_path(server.url)
    if not path:
        return None
    enums = {v.name: v.enum for v in server.variables}
    regex = ""
    for index, piece in enumerate(_PARAM.split(path)):  # literal, variable, literal, ...
        if index % 2 == 0:
            regex += re.escape(piece)
        else:
            values = enums.get(piece) or ()
            regex += "(?:" + "|".join(re.escape(v) for v in values) + ")" if values else "[^/]+"
    return re.compile(regex)


def _base_path(server: Server) -> str:
    """The path of the server URL, variables at their defaults (``/v1``; ``""`` for none)."""
    return _url_path(server.default_url)


def _url_path(url: str) -> str:
    """``https://api.example.com/v1/``, ``//api.example.com/v1`` and ``v1`` -> ``/v1``;
    no path -> ``""``."""
    # `//api.example.com/v1` is a network-path reference: a host, then the path.
    path = urlsplit(url).path if "://" in url or url.startswith("//") else url.split("?")[0]
    path = path.rstrip("/")
    return path if not path or path.startswith("/") else "/" + path
