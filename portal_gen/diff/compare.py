"""Compare two bundled OpenAPI descriptions: every change, by operation and by model.

Both documents are portal's bundles (:func:`portal_gen.load.spec.load_spec`): internal
``$ref``s only. The comparison follows ``$ref``s and ``allOf``; a component schema
referred to by the same name on both sides is compared once, as a model, in each
direction it is used in (a model used only in responses is judged as a response), and
its changes list the operations they affect. A ``$ref`` replaced by its content, keys
reordered or YAML turned into JSON make no change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..load.spec import MISSING, parse_fragment, resolve_pointer
from .rules import LEVELS, RULES

Pointer = tuple[str, ...]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMAS_PREFIX = "#/components/schemas/"
ACCEPT_KEY = "x-portal-breaking-accepted"


@dataclass(frozen=True)
class Change:
    """One difference between two versions, with what it means for clients."""

    level: str
    kind: str
    message: str
    section: str
    operation: str | None = None  # "POST /messages", "webhook message.delivered"
    model: str | None = None  # a components/schemas name
    base_pointer: Pointer | None = None
    head_pointer: Pointer | None = None  # where it is (or, for a removal, was held) now
    direction: str | None = None  # "request" | "response" for schema changes
    affects: tuple[str, ...] = ()  # the operations using a changed model
    accepted: str | None = None

    @property
    def subject(self) -> str:
        if self.operation:
            return self.operation
        return f"model {self.model}" if self.model else "API"

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)


@dataclass(frozen=True)
class Diff:
    """Every change from ``base`` to ``head``, sorted by subject."""

    changes: tuple[Change, ...]
    base_version: str = ""
    head_version: str = ""

    def counts(self, *, include_accepted: bool = True) -> dict[str, int]:
        out = {level: 0 for level in reversed(LEVELS)}
        for change in self.changes:
            if include_accepted or not change.accepted:
                out[change.level] += 1
        return out

    def at_or_above(self, level: str) -> list[Change]:
        """Changes at ``level`` or worse that no one accepted."""
        floor = LEVELS.index(level)
        return [c for c in self.changes if c.rank >= floor and not c.accepted]


def diff_documents(base: Mapping[str, Any], head: Mapping[str, Any]) -> Diff:
    """Compare two bundled OpenAPI documents (plain data, internal refs only)."""
    comparer = _Comparer(base, head)
    changes = comparer.run()
    info_b, info_h = base.get("info") or {}, head.get("info") or {}
    return Diff(
        tuple(changes),
        str(info_b.get("version", "")) if isinstance(info_b, dict) else "",
        str(info_h.get("version", "")) if isinstance(info_h, dict) else "",
    )


# ---------------------------------------------------------------------------
# helpers on raw JSON


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _deref(data: Mapping[str, Any], node: Any, ptr: Pointer) -> tuple[Any, Pointer]:
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


def _model_name(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith(_SCHEMAS_PREFIX):
        name = parse_fragment(node["$ref"])
        return name[2] if len(name) == 3 else None
    return None


def _refs(node: Any) -> Iterator[str]:
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


def _normal_path(path: str) -> str:
    out, depth = [], 0
    for char in path:
        if char == "{":
            depth += 1
            if depth == 1:
                out.append("{}")
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(char)
    return "".join(out).rstrip("/") or "/"


def _path_names(path: str) -> list[str]:
    names, current, depth = [], "", 0
    for char in path:
        if char == "{":
            depth += 1
            current = ""
        elif char == "}" and depth:
            depth -= 1
            names.append(current)
        elif depth:
            current += char
    return names


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    kind = schema.get("type")
    if kind is None:
        if "const" in schema and schema.get("const") is None:
            return {"null"}
        return None
    types = {str(t) for t in kind} if isinstance(kind, list) else {str(kind)}
    if schema.get("nullable") is True:
        types.add("null")
    return types


def _widen(types: set[str]) -> set[str]:
    return types | {"integer"} if "number" in types else types


def _enum(schema: Mapping[str, Any]) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return [v for v in schema["enum"] if v is not None]
    if "const" in schema and schema["const"] is not None:
        return [schema["const"]]
    return None


_FORMAT_WIDENING = {("int32", "int64"), ("float", "double")}
# keyword -> True when a larger value accepts more (a maximum), False when fewer.
_BOUNDS = {
    "maximum": True,
    "exclusiveMaximum": True,
    "maxLength": True,
    "maxItems": True,
    "maxProperties": True,
    "minimum": False,
    "exclusiveMinimum": False,
    "minLength": False,
    "minItems": False,
    "minProperties": False,
}


@dataclass
class _Flat:
    """A schema with its ``allOf`` parts merged in, and where each property is written."""

    schema: dict[str, Any]
    ptr: Pointer
    props: dict[str, tuple[Any, Pointer]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    deferred: set[str] = field(default_factory=set)  # allOf parts compared as models


@dataclass
class _Where:
    """Who a change belongs to, and in which direction schemas are read."""

    operation: str | None = None
    model: str | None = None
    direction: str | None = None
    label: str = ""

    def at(self, label: str) -> _Where:
        joined = f"{self.label} › {label}" if self.label else label
        return replace(self, label=joined)


class _Comparer:
    def __init__(self, base: Mapping[str, Any], head: Mapping[str, Any]) -> None:
        self.base, self.head = base, head
        self.changes: list[Change] = []
        # model name -> direction -> operations that reach it, in either version
        self.usage: dict[str, dict[str, set[str]]] = {}
        self._stack: set[tuple[Pointer, Pointer, str | None]] = set()

    # -- entry -------------------------------------------------------------
    def run(self) -> list[Change]:
        self._servers(self.base.get("servers"), self.head.get("servers"), ("servers",), _Where())
        self._security_schemes()
        base_ops, head_ops = self._operations(self.base), self._operations(self.head)
        for key in _ordered(base_ops, head_ops):
            self._operation(key, base_ops.get(key), head_ops.get(key))
        self._models()
        return sorted(_dedupe(self.changes), key=_order)

    def emit(
        self,
        kind: str,
        message: str,
        where: _Where,
        base_ptr: Pointer | None,
        head_ptr: Pointer | None,
        direction: str | None = None,
    ) -> None:
        rule = RULES[kind]
        direction = direction or where.direction
        text = f"{where.label}: {message}" if where.label else message
        accepted = self._accepted(head_ptr) if head_ptr is not None else None
        self.changes.append(
            Change(
                rule.level(direction),
                kind,
                text,
                rule.section,
                where.operation,
                where.model,
                base_ptr,
                head_ptr,
                direction if rule.request != rule.response else None,
                accepted=accepted,
            )
        )

    def _accepted(self, ptr: Pointer) -> str | None:
        """``x-portal-breaking-accepted`` on the changed node, or on one holding it up to
        its operation or model (a property's change can be accepted on the property, or
        on the schema whose ``required`` list changed)."""
        for cut in range(len(ptr), min(len(ptr), 3) - 1, -1):
            node = resolve_pointer(self.head, ptr[:cut])
            if isinstance(node, dict):
                reason = node.get(ACCEPT_KEY)
                if isinstance(reason, str) and reason.strip():
                    return reason.strip()
        return None

    # -- operations --------------------------------------------------------
    def _operations(self, doc: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, Pointer, dict[str, Any], Any]]:
        """(kind, normalized key) -> (display, pointer, operation, path item)."""
        out: dict[tuple[str, str], tuple[str, Pointer, dict[str, Any], Any]] = {}
        for section, kind in (("paths", "path"), ("webhooks", "webhook")):
            items = doc.get(section)
            if not isinstance(items, dict):
                continue
            for name, item in items.items():
                item_ptr: Pointer = (section, str(name))
                item, _ = _deref(doc, item, item_ptr)
                if not isinstance(item, dict):
                    continue
                for method in METHODS:
                    op = item.get(method)
                    if not isinstance(op, dict):
                        continue
                    if kind == "path":
                        display, key = f"{method.upper()} {name}", f"{method.upper()} {_normal_path(str(name))}"
                    else:
                        display = key = f"webhook {name}" + (f" ({method.upper()})" if method != "post" else "")
                    out[(kind, key)] = (display, (section, str(name), method), op, item)
        return out

    def _operation(self, key: tuple[str, str], b: Any, h: Any) -> None:
        webhook = key[0] == "webhook"
        display = (h or b)[0]
        where = _Where(operation=display)
        if b is None:
            self.emit("webhook-added" if webhook else "operation-added", "added", where, None, h[1])
            self._usage_of(self.head, h, display, webhook)
            return
        if h is None:
            note = " (it was deprecated)" if b[2].get("deprecated") is True else ""
            kind = "webhook-removed" if webhook else "operation-removed"
            self.emit(kind, "removed" + note, where, b[1], _existing(self.head, b[1]))
            self._usage_of(self.base, b, display, webhook)
            return
        (_, bp, bop, bitem), (_, hp, hop, hitem) = b, h
        self._usage_of(self.base, b, display, webhook)
        self._usage_of(self.head, h, display, webhook)
        if bop.get("deprecated") is not True and hop.get("deprecated") is True:
            self.emit("operation-deprecated", "deprecated", where, bp, hp)
        elif bop.get("deprecated") is True and hop.get("deprecated") is not True:
            self.emit("operation-undeprecated", "no longer deprecated", where, bp, hp)
        if bop.get("operationId") and hop.get("operationId") and bop["operationId"] != hop["operationId"]:
            self.emit(
                "operation-id-changed",
                f"operationId changed from '{bop['operationId']}' to '{hop['operationId']}'",
                where,
                bp,
                (*hp, "operationId"),
            )
        if not webhook:
            old_names, new_names = _path_names(bp[1]), _path_names(hp[1])
            for old, new in zip(old_names, new_names, strict=False):
                if old != new:
                    self.emit("path-parameter-renamed", f"path parameter '{old}' renamed to '{new}'", where, bp, hp)
        request = _Where(operation=display, direction="response" if webhook else "request")
        response = _Where(operation=display, direction="request" if webhook else "response")
        self._parameters(bitem, bop, bp, hitem, hop, hp, request, webhook)
        self._request_body(bop, bp, hop, hp, request)
        self._responses(bop, bp, hop, hp, response)
        if not webhook:
            self._security(bop, bp, hop, hp, where)
            b_servers = bop.get("servers", bitem.get("servers"))
            h_servers = hop.get("servers", hitem.get("servers"))
            if b_servers is not None or h_servers is not None:
                self._servers(
                    b_servers if b_servers is not None else self.base.get("servers"),
                    h_servers if h_servers is not None else self.head.get("servers"),
                    (*hp, "servers") if "servers" in hop else hp,
                    where,
                )

    # -- parameters ----------------------------------------------------------
    def _params(
        self, doc: Mapping[str, Any], item: Mapping[str, Any], op: Mapping[str, Any], ptr: Pointer
    ) -> dict[tuple[str, str], tuple[dict[str, Any], Pointer]]:
        out: dict[tuple[str, str], tuple[dict[str, Any], Pointer]] = {}
        path_names = _path_names(ptr[1]) if ptr[0] == "paths" else []
        for owner, owner_ptr in ((item, ptr[:2]), (op, ptr)):
            params = owner.get("parameters")
            if not isinstance(params, list):
                continue
            for index, raw in enumerate(params):
                param, p_ptr = _deref(doc, raw, (*owner_ptr, "parameters", str(index)))
                if not isinstance(param, dict) or not isinstance(param.get("name"), str):
                    continue
                where, name = str(param.get("in", "")), param["name"]
                if where == "path" and name in path_names:
                    name = f"#{path_names.index(name)}"  # matched by position: a rename keeps the URL
                elif where == "header":
                    name = name.lower()
                out[(where, name)] = (param, p_ptr)
        return out

    def _parameters(
        self,
        bitem: Mapping[str, Any],
        bop: Mapping[str, Any],
        bp: Pointer,
        hitem: Mapping[str, Any],
        hop: Mapping[str, Any],
        hp: Pointer,
        where: _Where,
        webhook: bool,
    ) -> None:
        if webhook:
            return  # a webhook's parameters are the API's to send, and rarely written
        b_params, h_params = self._params(self.base, bitem, bop, bp), self._params(self.head, hitem, hop, hp)
        for key in _ordered(b_params, h_params):
            b, h = b_params.get(key), h_params.get(key)
            param = (h or b)[0]  # type: ignore[index]
            label = f"{param.get('in')} parameter '{param.get('name')}'"
            if b is None:
                assert h is not None
                kind = "required-parameter-added" if h[0].get("required") is True else "parameter-added"
                self.emit(kind, f"{label} added", where, None, h[1])
                continue
            if h is None:
                self.emit("parameter-removed", f"{label} removed", where, b[1], _existing(self.head, hp))
                continue
            (bparam, bptr), (hparam, hptr) = b, h
            here = where.at(label)
            if bparam.get("required") is not True and hparam.get("required") is True:
                self.emit("parameter-became-required", "became required", here, bptr, hptr)
            elif bparam.get("required") is True and hparam.get("required") is not True:
                self.emit("parameter-became-optional", "became optional", here, bptr, hptr)
            if _style(bparam) != _style(hparam):
                self.emit(
                    "parameter-style-changed",
                    f"serialization changed from {_style(bparam)} to {_style(hparam)}",
                    here,
                    bptr,
                    hptr,
                )
            if bparam.get("deprecated") is not True and hparam.get("deprecated") is True:
                self.emit("parameter-deprecated", "deprecated", here, bptr, hptr)
            self._schema(bparam.get("schema"), (*bptr, "schema"), hparam.get("schema"), (*hptr, "schema"), here)
            self._content(bparam, bptr, hparam, hptr, here, "request")

    # -- bodies and responses --------------------------------------------------
    def _request_body(
        self, bop: Mapping[str, Any], bp: Pointer, hop: Mapping[str, Any], hp: Pointer, where: _Where
    ) -> None:
        b, bptr = _deref(self.base, bop.get("requestBody"), (*bp, "requestBody"))
        h, hptr = _deref(self.head, hop.get("requestBody"), (*hp, "requestBody"))
        body = where.at("request body") if where.direction == "request" else where.at("payload")
        if not isinstance(b, dict) and not isinstance(h, dict):
            return
        if not isinstance(b, dict):
            kind = "required-request-body-added" if h.get("required") is True else "request-body-added"
            self.emit(kind, "request body added", where, None, hptr)
            return
        if not isinstance(h, dict):
            self.emit("request-body-removed", "request body removed", where, bptr, hp)
            return
        if b.get("required") is not True and h.get("required") is True:
            self.emit("request-body-became-required", "became required", body, bptr, hptr)
        elif b.get("required") is True and h.get("required") is not True:
            self.emit("request-body-became-optional", "became optional", body, bptr, hptr)
        self._content(b, bptr, h, hptr, body, "request")

    def _content(
        self, b: Mapping[str, Any], bptr: Pointer, h: Mapping[str, Any], hptr: Pointer, where: _Where, side: str
    ) -> None:
        b_content, h_content = b.get("content"), h.get("content")
        if not isinstance(b_content, dict) or not isinstance(h_content, dict):
            return
        for media in _ordered(b_content, h_content):
            bm, hm = b_content.get(media), h_content.get(media)
            if bm is None:
                self.emit(
                    f"{side}-media-type-added", f"media type {media} added", where, None, (*hptr, "content", media)
                )
            elif hm is None:
                self.emit(
                    f"{side}-media-type-removed", f"media type {media} removed", where, (*bptr, "content", media), hptr
                )
            elif isinstance(bm, dict) and isinstance(hm, dict):
                label = where if len(h_content) == 1 and len(b_content) == 1 else where.at(media)
                self._schema(
                    bm.get("schema"),
                    (*bptr, "content", media, "schema"),
                    hm.get("schema"),
                    (*hptr, "content", media, "schema"),
                    label,
                )

    def _responses(
        self, bop: Mapping[str, Any], bp: Pointer, hop: Mapping[str, Any], hp: Pointer, where: _Where
    ) -> None:
        b_all, h_all = bop.get("responses"), hop.get("responses")
        if not isinstance(b_all, dict) or not isinstance(h_all, dict):
            return
        for status in _ordered(b_all, h_all):
            success = str(status).startswith("2")
            if status not in b_all:
                kind = "success-response-added" if success else "response-added"
                self.emit(kind, f"response {status} added", where, None, (*hp, "responses", str(status)), "response")
                continue
            if status not in h_all:
                kind = "success-response-removed" if success else "response-removed"
                self.emit(
                    kind, f"response {status} removed", where, (*bp, "responses", str(status)), (*hp, "responses")
                )
                continue
            b, bptr = _deref(self.base, b_all[status], (*bp, "responses", str(status)))
            h, hptr = _deref(self.head, h_all[status], (*hp, "responses", str(status)))
            if not isinstance(b, dict) or not isinstance(h, dict):
                continue
            here = where.at(f"response {status}")
            self._content(b, bptr, h, hptr, here, "response")
            self._headers(b, bptr, h, hptr, here)

    def _headers(self, b: Mapping[str, Any], bptr: Pointer, h: Mapping[str, Any], hptr: Pointer, where: _Where) -> None:
        bh = (
            {str(k).lower(): (k, v) for k, v in (b.get("headers") or {}).items()}
            if isinstance(b.get("headers"), dict)
            else {}
        )
        hh = (
            {str(k).lower(): (k, v) for k, v in (h.get("headers") or {}).items()}
            if isinstance(h.get("headers"), dict)
            else {}
        )
        for name in _ordered(bh, hh):
            if name not in bh:
                self.emit(
                    "response-header-added", f"header {hh[name][0]} added", where, None, (*hptr, "headers", hh[name][0])
                )
                continue
            b_header, b_ptr = _deref(self.base, bh[name][1], (*bptr, "headers", bh[name][0]))
            if name not in hh:
                required = isinstance(b_header, dict) and b_header.get("required") is True
                kind = "required-response-header-removed" if required else "response-header-removed"
                self.emit(kind, f"header {bh[name][0]} removed", where, b_ptr, hptr)
                continue
            h_header, h_ptr = _deref(self.head, hh[name][1], (*hptr, "headers", hh[name][0]))
            if isinstance(b_header, dict) and isinstance(h_header, dict):
                self._schema(
                    b_header.get("schema"),
                    (*b_ptr, "schema"),
                    h_header.get("schema"),
                    (*h_ptr, "schema"),
                    where.at(f"header {hh[name][0]}"),
                )

    # -- security and servers ----------------------------------------------------
    def _security(
        self, bop: Mapping[str, Any], bp: Pointer, hop: Mapping[str, Any], hp: Pointer, where: _Where
    ) -> None:
        b_req = _requirements(bop.get("security", self.base.get("security")))
        h_req = _requirements(hop.get("security", self.head.get("security")))
        h_ptr = (*hp, "security") if "security" in hop else (("security",) if "security" in self.head else hp)
        if b_req == h_req:
            return
        b_open, h_open = (not b_req or frozenset() in b_req), (not h_req or frozenset() in h_req)
        if b_open and not h_open:
            self.emit("security-added", f"now requires {_describe(h_req)}", where, bp, h_ptr)
            return
        if h_open and not b_open:
            self.emit("security-removed", "no longer requires authentication", where, bp, h_ptr)
            return
        for req in b_req - h_req:
            schemes = {name for name, _ in req}
            same = [r for r in h_req if {name for name, _ in r} == schemes]
            if same:
                more = {s for name, scopes in same[0] for s in scopes} - {s for name, scopes in req for s in scopes}
                fewer = {s for name, scopes in req for s in scopes} - {s for name, scopes in same[0] for s in scopes}
                if more:
                    self.emit(
                        "security-scopes-added", f"now requires scopes {', '.join(sorted(more))}", where, bp, h_ptr
                    )
                if fewer:
                    self.emit(
                        "security-scopes-removed",
                        f"no longer requires scopes {', '.join(sorted(fewer))}",
                        where,
                        bp,
                        h_ptr,
                    )
            elif req:
                self.emit("security-requirement-removed", f"{_describe({req})} no longer accepted", where, bp, h_ptr)
        for req in h_req - b_req:
            schemes = {name for name, _ in req}
            if req and not any({name for name, _ in r} == schemes for r in b_req):
                self.emit("security-requirement-added", f"{_describe({req})} now accepted", where, bp, h_ptr)

    def _security_schemes(self) -> None:
        b_all = (self.base.get("components") or {}).get("securitySchemes") or {}
        h_all = (self.head.get("components") or {}).get("securitySchemes") or {}
        if not isinstance(b_all, dict) or not isinstance(h_all, dict):
            return
        for name in b_all:
            if name not in h_all:
                continue  # its requirements say what that means, operation by operation
            ptr: Pointer = ("components", "securitySchemes", str(name))
            b, _ = _deref(self.base, b_all[name], ptr)
            h, h_ptr = _deref(self.head, h_all[name], ptr)
            if not isinstance(b, dict) or not isinstance(h, dict):
                continue
            sent = ("type", "in", "name", "scheme")
            moved = [k for k in sent if str(b.get(k, "")).lower() != str(h.get(k, "")).lower()]
            b_urls = {
                (f, k, v)
                for f, flow in (b.get("flows") or {}).items()
                if isinstance(flow, dict)
                for k, v in flow.items()
                if k.endswith("Url")
            }
            h_urls = {
                (f, k, v)
                for f, flow in (h.get("flows") or {}).items()
                if isinstance(flow, dict)
                for k, v in flow.items()
                if k.endswith("Url")
            }
            if moved or b_urls - h_urls:
                what = ", ".join(moved + sorted({f"{f} {k}" for f, k, _ in b_urls - h_urls}))
                self.emit("security-scheme-changed", f"security scheme '{name}' changed ({what})", _Where(), ptr, h_ptr)

    def _servers(self, b: Any, h: Any, h_ptr: Pointer, where: _Where) -> None:
        b_urls, h_urls = _server_urls(b), _server_urls(h)
        if not b_urls or not h_urls:
            return  # no servers means "relative to the document": nothing a client relied on
        for url in b_urls:
            if url not in h_urls:
                self.emit("server-removed", f"server {url} removed", where, ("servers",), h_ptr)
        for url in h_urls:
            if url not in b_urls:
                self.emit("server-added", f"server {url} added", where, None, h_ptr)

    # -- schemas -----------------------------------------------------------------
    def _schema(self, b: Any, bptr: Pointer, h: Any, hptr: Pointer, where: _Where) -> None:
        if b is None or h is None:
            return
        b_name, h_name = _model_name(b), _model_name(h)
        if b_name and b_name == h_name:
            return  # compared once, as a model (see _models)
        b, bptr = _deref(self.base, b, bptr)
        h, hptr = _deref(self.head, h, hptr)
        if not isinstance(b, dict) or not isinstance(h, dict):
            return
        key = (bptr, hptr, where.direction)
        if key in self._stack:
            return
        self._stack.add(key)
        try:
            self._compare(self._flatten(self.base, b, bptr, h), self._flatten(self.head, h, hptr, b), where)
        finally:
            self._stack.discard(key)

    def _flatten(self, doc: Mapping[str, Any], schema: dict[str, Any], ptr: Pointer, other: dict[str, Any]) -> _Flat:
        """Merge ``allOf`` parts; parts both versions refer to by the same model name are
        left to that model's comparison."""
        other_names = {_model_name(p) for p in other.get("allOf") or [] if isinstance(other.get("allOf"), list)}
        flat = _Flat({k: v for k, v in schema.items() if k != "allOf"}, ptr)
        self._merge(doc, flat, schema, ptr, other_names - {None}, set())
        return flat

    def _merge(
        self,
        doc: Mapping[str, Any],
        flat: _Flat,
        schema: dict[str, Any],
        ptr: Pointer,
        shared: set[Any],
        seen: set[Pointer],
    ) -> None:
        if ptr in seen:
            return
        seen.add(ptr)
        parts = schema.get("allOf")
        if isinstance(parts, list):
            for index, part in enumerate(parts):
                name = _model_name(part)
                if name in shared:
                    flat.deferred.add(name)  # type: ignore[arg-type]
                    continue
                resolved, part_ptr = _deref(doc, part, (*ptr, "allOf", str(index)))
                if isinstance(resolved, dict):
                    for key, value in resolved.items():
                        if key not in ("properties", "required", "allOf") and key not in flat.schema:
                            flat.schema[key] = value
                    self._merge(doc, flat, resolved, part_ptr, shared, seen)
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, value in props.items():
                flat.props[str(name)] = (value, (*ptr, "properties", str(name)))
        if isinstance(schema.get("required"), list):
            flat.required.update(str(r) for r in schema["required"])

    def _compare(self, b: _Flat, h: _Flat, where: _Where) -> None:
        bs, hs = b.schema, h.schema
        if bs.get("deprecated") is not True and hs.get("deprecated") is True and where.label:
            self.emit("schema-deprecated", "deprecated", where, b.ptr, h.ptr)
        if not self._types(bs, b.ptr, hs, h.ptr, where):
            return
        self._format(bs, b.ptr, hs, h.ptr, where)
        self._enums(bs, b.ptr, hs, h.ptr, where)
        self._bounds(bs, b.ptr, hs, h.ptr, where)
        self._pattern_and_default(bs, b.ptr, hs, h.ptr, where)
        self._properties(b, h, where)
        self._additional(bs, b.ptr, hs, h.ptr, where)
        for key, label in (("items", "[]"), ("not", "not")):
            if isinstance(bs.get(key), dict) and isinstance(hs.get(key), dict):
                self._schema(
                    bs[key],
                    (*b.ptr, key),
                    hs[key],
                    (*h.ptr, key),
                    where.at(label) if key != "items" else _items(where),
                )
        for key in ("oneOf", "anyOf"):
            self._variants(key, bs, b.ptr, hs, h.ptr, where)

    def _types(self, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where) -> bool:
        bt, ht = _types(bs), _types(hs)
        if bt is None or ht is None:
            return True
        if "null" in bt and "null" not in ht:
            self.emit("became-not-nullable", "null is no longer allowed", where, bptr, hptr)
        elif "null" in ht and "null" not in bt:
            self.emit("became-nullable", "null is now allowed", where, bptr, hptr)
        bt, ht = bt - {"null"}, ht - {"null"}
        if not bt or not ht or _widen(bt) == _widen(ht):
            return True
        old, new = "|".join(sorted(bt)), "|".join(sorted(ht))
        if bt <= _widen(ht):
            self.emit("type-widened", f"type changed from {old} to {new}", where, bptr, hptr)
            return True
        if ht <= _widen(bt):
            self.emit("type-narrowed", f"type changed from {old} to {new}", where, bptr, hptr)
            return True
        self.emit("type-changed", f"type changed from {old} to {new}", where, bptr, hptr)
        return False  # nothing else to compare between a string and an object

    def _format(
        self, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where
    ) -> None:
        bf, hf = bs.get("format"), hs.get("format")
        if bf == hf:
            return
        if bf is None:
            self.emit("format-added", f"format {hf} added", where, bptr, hptr)
        elif hf is None:
            self.emit("format-removed", f"format {bf} removed", where, bptr, hptr)
        elif (bf, hf) in _FORMAT_WIDENING:
            self.emit("format-widened", f"format changed from {bf} to {hf}", where, bptr, hptr)
        elif (hf, bf) in _FORMAT_WIDENING:
            self.emit(
                "format-widened",
                f"format changed from {bf} to {hf}",
                where,
                bptr,
                hptr,
                "response" if where.direction == "request" else "request",
            )
        else:
            self.emit("format-changed", f"format changed from {bf} to {hf}", where, bptr, hptr)

    def _enums(self, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where) -> None:
        be, he = _enum(bs), _enum(hs)
        if be is None and he is None:
            return
        if be is None:
            self.emit("enum-added", f"now restricted to {_values(he or [])}", where, bptr, hptr)
            return
        if he is None:
            self.emit("enum-removed", "no longer restricted to an enum", where, bptr, hptr)
            return
        b_set, h_set = {_canon(v): v for v in be}, {_canon(v): v for v in he}
        removed = [v for k, v in b_set.items() if k not in h_set]
        added = [v for k, v in h_set.items() if k not in b_set]
        if removed:
            self.emit(
                "enum-value-removed",
                f"enum value{'s' if len(removed) > 1 else ''} {_values(removed)} removed",
                where,
                bptr,
                hptr,
            )
        if added:
            self.emit(
                "enum-value-added",
                f"enum value{'s' if len(added) > 1 else ''} {_values(added)} added",
                where,
                bptr,
                hptr,
            )

    def _bounds(
        self, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where
    ) -> None:
        for keyword, larger_accepts_more in _BOUNDS.items():
            bv, hv = bs.get(keyword), hs.get(keyword)
            if isinstance(bv, bool) or isinstance(hv, bool):  # 3.0's exclusiveMinimum: true
                if bool(bv) != bool(hv):
                    kind = "bound-tightened" if hv else "bound-loosened"
                    self.emit(kind, f"{keyword} changed from {_show(bv)} to {_show(hv)}", where, bptr, hptr)
                continue
            if (
                bv == hv
                or not (bv is None or isinstance(bv, (int, float)))
                or not (hv is None or isinstance(hv, (int, float)))
            ):
                continue
            if bv is None:
                tighter = True
            elif hv is None:
                tighter = False
            else:
                tighter = hv < bv if larger_accepts_more else hv > bv
            self.emit(
                "bound-tightened" if tighter else "bound-loosened",
                f"{keyword} changed from {_show(bv)} to {_show(hv)}",
                where,
                bptr,
                hptr,
            )
        bm, hm = bs.get("multipleOf"), hs.get("multipleOf")
        if bm != hm and isinstance(hm, (int, float)) and not isinstance(hm, bool):
            looser = isinstance(bm, (int, float)) and hm and (bm / hm) == int(bm / hm)
            self.emit(
                "bound-loosened" if looser else "bound-tightened",
                f"multipleOf changed from {_show(bm)} to {_show(hm)}",
                where,
                bptr,
                hptr,
            )
        elif bm is not None and hm is None:
            self.emit("bound-loosened", f"multipleOf {_show(bm)} removed", where, bptr, hptr)

    def _pattern_and_default(
        self, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where
    ) -> None:
        bp, hp = bs.get("pattern"), hs.get("pattern")
        if bp != hp:
            if bp is None:
                self.emit("pattern-added", f"pattern {hp} added", where, bptr, hptr)
            elif hp is None:
                self.emit("pattern-removed", f"pattern {bp} removed", where, bptr, hptr)
            else:
                self.emit("pattern-changed", f"pattern changed from {bp} to {hp}", where, bptr, hptr)
        if "default" in bs and "default" in hs and _canon(bs["default"]) != _canon(hs["default"]):
            self.emit(
                "default-changed",
                f"default changed from {_show(bs['default'])} to {_show(hs['default'])}",
                where,
                bptr,
                hptr,
            )
        elif "default" in bs and "default" not in hs:
            self.emit("default-changed", f"default {_show(bs['default'])} removed", where, bptr, hptr)

    def _properties(self, b: _Flat, h: _Flat, where: _Where) -> None:
        skip = "readOnly" if where.direction == "request" else "writeOnly"
        b_props = {n: v for n, v in b.props.items() if not _flag(self.base, v[0], skip)}
        h_props = {n: v for n, v in h.props.items() if not _flag(self.head, v[0], skip)}
        removed = [n for n in b_props if n not in h_props]
        added = [n for n in h_props if n not in b_props]
        if len(removed) == 1 and len(added) == 1 and self._renamed(b, removed[0], h, added[0]):
            old, new = removed[0], added[0]
            self.emit(
                "property-renamed", f"property '{old}' renamed to '{new}'", where, b_props[old][1], h_props[new][1]
            )
            removed, added = [], []
        closed = h.schema.get("additionalProperties") is False
        for name in removed:
            kind = "required-property-removed" if name in b.required else "property-removed"
            if kind == "property-removed" and closed and where.direction == "request":
                kind = "required-property-removed"  # the server now rejects it: breaking in requests too
            self.emit(kind, f"property '{name}' removed", where, b_props[name][1], h.ptr)
        for name in added:
            kind = "required-property-added" if name in h.required else "property-added"
            self.emit(kind, f"property '{name}' added", where, None, h_props[name][1])
        for name, (b_value, b_ptr) in b_props.items():
            if name not in h_props:
                continue
            h_value, h_ptr = h_props[name]
            here = where.at(name)
            if name not in b.required and name in h.required:
                self.emit("property-became-required", "became required", here, b_ptr, h_ptr)
            elif name in b.required and name not in h.required:
                self.emit("property-became-optional", "became optional", here, b_ptr, h_ptr)
            if not _flag(self.base, b_value, "readOnly") and _flag(self.head, h_value, "readOnly"):
                self.emit("property-became-read-only", "became read-only", here, b_ptr, h_ptr)
            if not _flag(self.base, b_value, "writeOnly") and _flag(self.head, h_value, "writeOnly"):
                self.emit("property-became-write-only", "became write-only", here, b_ptr, h_ptr)
            self._schema(b_value, b_ptr, h_value, h_ptr, here)

    def _renamed(self, b: _Flat, old: str, h: _Flat, new: str) -> bool:
        """One property out and one in, same place, same schema: a rename."""
        if list(b.props).index(old) != list(h.props).index(new) or (old in b.required) != (new in h.required):
            return False
        b_value, _ = _deref(self.base, b.props[old][0], ())
        h_value, _ = _deref(self.head, h.props[new][0], ())
        strip = ("description", "example", "examples", "title")
        return _canon(
            {k: v for k, v in b_value.items() if k not in strip} if isinstance(b_value, dict) else b_value
        ) == _canon({k: v for k, v in h_value.items() if k not in strip} if isinstance(h_value, dict) else h_value)

    def _additional(
        self, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where
    ) -> None:
        ba, ha = bs.get("additionalProperties"), hs.get("additionalProperties")
        if isinstance(ba, dict) and isinstance(ha, dict):
            self._schema(ba, (*bptr, "additionalProperties"), ha, (*hptr, "additionalProperties"), where.at("{*}"))
        elif ba is not False and ha is False:
            self.emit("additional-properties-forbidden", "unknown properties no longer allowed", where, bptr, hptr)
        elif (ba is False and ha is not False and ha is not None) or (ba is False and ha is None):
            self.emit("additional-properties-allowed", "unknown properties now allowed", where, bptr, hptr)

    def _variants(
        self, key: str, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where
    ) -> None:
        bv, hv = bs.get(key), hs.get(key)
        if not isinstance(bv, list) or not isinstance(hv, list):
            return
        b_named = {_model_name(v) or f"#{i}": (i, v) for i, v in enumerate(bv)}
        h_named = {_model_name(v) or f"#{i}": (i, v) for i, v in enumerate(hv)}
        for name in _ordered(b_named, h_named):
            label = name if not name.startswith("#") else f"variant {int(name[1:]) + 1}"
            if name not in h_named:
                self.emit("variant-removed", f"{key} {label} removed", where, (*bptr, key, str(b_named[name][0])), hptr)
            elif name not in b_named:
                self.emit("variant-added", f"{key} {label} added", where, None, (*hptr, key, str(h_named[name][0])))
            else:
                (bi, b_value), (hi, h_value) = b_named[name], h_named[name]
                self._schema(b_value, (*bptr, key, str(bi)), h_value, (*hptr, key, str(hi)), where.at(label))

    # -- models ------------------------------------------------------------------
    def _usage_of(
        self, doc: Mapping[str, Any], entry: tuple[str, Pointer, dict[str, Any], Any], display: str, webhook: bool
    ) -> None:
        _, _, op, item = entry
        sending = [
            op.get("parameters"),
            item.get("parameters") if isinstance(item, dict) else None,
            op.get("requestBody"),
        ]
        receiving = [op.get("responses")]
        for direction, parts in (("request", sending), ("response", receiving)):
            if webhook:
                direction = "response" if direction == "request" else "request"
            for name in self._closure(doc, parts):
                self.usage.setdefault(name, {}).setdefault(direction, set()).add(display)

    def _closure(self, doc: Mapping[str, Any], parts: Iterable[Any]) -> set[str]:
        """The model names reachable from ``parts``, through refs of any kind."""
        names: set[str] = set()
        seen: set[str] = set()
        stack = [ref for part in parts for ref in _refs(part)]
        while stack:
            ref = stack.pop()
            if ref in seen or not ref.startswith("#"):
                continue
            seen.add(ref)
            if ref.startswith(_SCHEMAS_PREFIX):
                pointer = parse_fragment(ref)
                if len(pointer) == 3:
                    names.add(pointer[2])
            target = resolve_pointer(doc, parse_fragment(ref))
            if target is not MISSING:
                stack.extend(_refs(target))
        return names

    def _models(self) -> None:
        b_all = (self.base.get("components") or {}).get("schemas") or {}
        h_all = (self.head.get("components") or {}).get("schemas") or {}
        if not isinstance(b_all, dict) or not isinstance(h_all, dict):
            return
        used_anywhere = self.usage
        for name in _ordered(b_all, h_all):
            ptr: Pointer = ("components", "schemas", str(name))
            where = _Where(model=str(name))
            uses = used_anywhere.get(str(name), {})
            affects = tuple(sorted(set().union(*uses.values()))) if uses else ()
            if name not in b_all:
                self.emit("model-added", "added", where, None, ptr)
                continue
            if name not in h_all:
                if not affects:  # else the operations that used it say what changed
                    self.emit("model-removed", "removed", where, ptr, ("components", "schemas"))
                continue
            directions = sorted(uses) or ["request", "response"]
            found: dict[tuple[str, Pointer | None, Pointer | None, str], Change] = {}
            for direction in directions:
                start = len(self.changes)
                self._schema_in_model(b_all[name], h_all[name], ptr, replace(where, direction=direction))
                for change in self.changes[start:]:
                    key = (change.kind, change.base_pointer, change.head_pointer, change.message)
                    if key not in found or change.rank > found[key].rank:
                        found[key] = change
                del self.changes[start:]
            self.changes.extend(replace(c, affects=affects) for c in found.values())

    def _schema_in_model(self, b: Any, h: Any, ptr: Pointer, where: _Where) -> None:
        b, bptr = _deref(self.base, b, ptr)
        h, hptr = _deref(self.head, h, ptr)
        if isinstance(b, dict) and isinstance(h, dict):
            self._compare(self._flatten(self.base, b, bptr, h), self._flatten(self.head, h, hptr, b), where)


# ---------------------------------------------------------------------------


def _ordered(b: Mapping[Any, Any], h: Mapping[Any, Any]) -> list[Any]:
    """Keys of both, in the head's order, then the removed ones in the base's."""
    return list(h) + [k for k in b if k not in h]


def _existing(doc: Mapping[str, Any], ptr: Pointer) -> Pointer:
    """The longest prefix of ``ptr`` that still exists in ``doc``."""
    for cut in range(len(ptr), 0, -1):
        if resolve_pointer(doc, ptr[:cut]) is not MISSING:
            return ptr[:cut]
    return ()


def _style(param: Mapping[str, Any]) -> str:
    where = param.get("in")
    style = param.get("style") or ("form" if where in ("query", "cookie") else "simple")
    explode = param.get("explode", style == "form")
    return f"{style}{'*' if explode else ''}"


def _flag(doc: Mapping[str, Any], node: Any, key: str) -> bool:
    resolved, _ = _deref(doc, node, ())
    return isinstance(resolved, dict) and resolved.get(key) is True


def _items(where: _Where) -> _Where:
    return replace(where, label=(where.label or "") + "[]")


def _requirements(value: Any) -> set[frozenset[tuple[str, frozenset[str]]]]:
    out: set[frozenset[tuple[str, frozenset[str]]]] = set()
    if not isinstance(value, list):
        return out
    for req in value:
        if isinstance(req, dict):
            out.add(frozenset((str(k), frozenset(str(s) for s in (v or []) if s)) for k, v in req.items()))
    return out


def _describe(reqs: Iterable[frozenset[tuple[str, frozenset[str]]]]) -> str:
    alternatives = [" + ".join(sorted(name for name, _ in req)) for req in reqs if req]
    return " or ".join(sorted(alternatives)) or "no authentication"


def _server_urls(value: Any) -> list[str]:
    urls = []
    if isinstance(value, list):
        for server in value:
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                urls.append(server["url"].rstrip("/"))
    return urls


def _values(values: list[Any]) -> str:
    return ", ".join(_show(v) for v in values[:10]) + (f" and {len(values) - 10} more" if len(values) > 10 else "")


def _show(value: Any) -> str:
    if value is None:
        return "none"
    return (
        json.dumps(value, ensure_ascii=False)
        if not isinstance(value, (int, float)) or isinstance(value, bool)
        else str(value)
    )


def _dedupe(changes: list[Change]) -> list[Change]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for change in changes:
        key = (change.kind, change.operation, change.model, change.message)
        if key not in seen:
            seen.add(key)
            out.append(change)
    return out


def _order(change: Change) -> tuple[int, str, str, int]:
    return (
        0 if change.operation else 1 if change.model else -1,
        change.operation or change.model or "",
        "",
        -change.rank,
    )
