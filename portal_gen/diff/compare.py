"""Compare two bundled OpenAPI descriptions: every change, by operation and by model.

Both documents are portal's bundles (:func:`portal_gen.load.spec.load_spec`): internal
``$ref``s only. The comparison follows ``$ref``s and ``allOf``; a component schema
referred to by the same name on both sides is compared once, as a model, in each
direction it is used in (a model used only in responses is judged as a response), and
its changes list the operations they affect. A ``$ref`` replaced by its content, keys
reordered or YAML turned into JSON make no change; a model renamed, every ``$ref`` to it
updated, is one ``model-renamed``. What is equal in both versions, and everything it
refers to, is passed over unread: most of a spec does not change from one version to
the next (GitHub's, 1,500 operations and webhooks, compares in a fifth of a second).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..load.spec import MISSING, escape_segment, parse_fragment, resolve_pointer
from .matching import model_renames, pair_variants
from .rules import LEVELS, RULES
from .values import (
    SCHEMAS_PREFIX,
    Pointer,
    canonical,
    deref,
    enum_values,
    implied_format,
    is_model_ref,
    model_name,
    null_variant,
    schema_types,
    show_value,
    show_values,
    unwrapped,
    widened,
    written_refs,
)

_Starts = tuple[list[str], list[str]]  # the $refs a request and a response start from
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
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
    return Diff(tuple(_Comparer(base, head).run()))


# ---------------------------------------------------------------------------
# helpers on raw JSON


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


def _ambiguous_paths(doc: Mapping[str, Any]) -> set[str]:
    paths = doc.get("paths")
    shapes = Counter(_normal_path(str(p)) for p in paths) if isinstance(paths, dict) else Counter()
    return {shape for shape, count in shapes.items() if count > 1}


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


_FORMAT_WIDENING = {("int32", "int64"), ("float", "double")}
_BECAME = {
    "readOnly": ("property-became-read-only", "became read-only"),
    "writeOnly": ("property-became-write-only", "became write-only"),
}
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
    """A schema with its ``allOf`` parts merged in, and where each property is written.

    A part both versions refer to by the same model name is that model's to compare:
    its keywords stay out, and its properties are kept only to know which names exist
    and which are required (``shared`` names them, ``shared_required`` its list).
    """

    schema: dict[str, Any]
    ptr: Pointer
    props: dict[str, tuple[Any, Pointer]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    shared: set[str] = field(default_factory=set)
    shared_required: set[str] = field(default_factory=set)

    @property
    def all_required(self) -> set[str]:
        return self.required | self.shared_required


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
        # (operation, direction, the models it reaches there, as $refs), in either version
        self.users: list[tuple[str, str, set[str]]] = []
        self._stack: set[tuple[Pointer, Pointer, str | None]] = set()
        # (side, $ref) -> the $refs written in its target; $ref -> same on both sides
        self._inner: dict[tuple[bool, str], list[str]] = {}
        self._same: dict[str, bool] = {}
        self._checking: set[str] = set()
        self._reached: dict[tuple[bool, str], frozenset[str]] = {}
        self.renamed: dict[str, str] = {}  # model: new name -> old name
        self._used_by: dict[str, dict[str, set[str]]] | None = None

    # -- entry -------------------------------------------------------------
    def run(self) -> list[Change]:
        b_models = (self.base.get("components") or {}).get("schemas")
        h_models = (self.head.get("components") or {}).get("schemas")
        if isinstance(b_models, dict) and isinstance(h_models, dict):
            self.renamed = model_renames(b_models, h_models)
        self._servers(self.base.get("servers"), self.head.get("servers"), ("servers",), _Where())
        self._security_schemes()
        ambiguous = _ambiguous_paths(self.base) | _ambiguous_paths(self.head)
        base_ops, head_ops = self._operations(self.base, ambiguous), self._operations(self.head, ambiguous)
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
        affects: tuple[str, ...] = (),
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
                affects,
                accepted,
            )
        )

    def _unchanged(self, b: Any, h: Any) -> bool:
        """Whether ``b`` and ``h`` are equal, and so is each part of the documents they
        refer to (models aside: each is compared on its own). Most of a spec does not
        change between two versions; this is what makes the comparison quick."""
        return b == h and all(self._same_target(ref) for ref in written_refs(b) if not is_model_ref(ref))

    def _same_target(self, ref: str) -> bool:
        known = self._same.get(ref)
        if known is not None:
            return known
        if ref in self._checking:
            return True  # a cycle: its other parts decide
        self._checking.add(ref)
        pointer = parse_fragment(ref)
        same = self._unchanged(resolve_pointer(self.base, pointer), resolve_pointer(self.head, pointer))
        self._checking.discard(ref)
        # "Different" is always true; "the same" only once no ref it assumed so is open.
        if not same or not self._checking:
            self._same[ref] = same
        return same

    def _refs_in(self, doc: Mapping[str, Any], ref: str) -> list[str]:
        """The ``$ref``s written in what ``ref`` points at, in ``doc``."""
        key = (doc is self.head, ref)
        found = self._inner.get(key)
        if found is None:
            pointer = parse_fragment(ref)
            target = resolve_pointer(doc, pointer)
            found = self._inner.get((False, ref)) if key[0] else None  # the base's, if the same
            if found is None or target != resolve_pointer(self.base, pointer):
                found = [] if target is MISSING else list(written_refs(target))
            self._inner[key] = found
        return found

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
    def _operations(
        self, doc: Mapping[str, Any], ambiguous: set[str]
    ) -> dict[tuple[str, str], tuple[str, Pointer, dict[str, Any], Any]]:
        """(kind, normalized key) -> (display, pointer, operation, path item). A path is
        known by its shape (``/pets/{}``: a path parameter renamed keeps the operation)
        unless two paths share one (``/cards/{id}`` and ``/cards/{filter}``, which the
        spec forbids and real ones have): those are known by what is written."""
        out: dict[tuple[str, str], tuple[str, Pointer, dict[str, Any], Any]] = {}
        # x-webhooks: how 3.0 descriptions (GitHub's, Redocly's) write 3.1's webhooks.
        for section, kind in (("paths", "path"), ("webhooks", "webhook"), ("x-webhooks", "webhook")):
            items = doc.get(section)
            if not isinstance(items, dict):
                continue
            for name, item in items.items():
                item_ptr: Pointer = (section, str(name))
                item, _ = deref(doc, item, item_ptr)
                if not isinstance(item, dict):
                    continue
                for method in METHODS:
                    op = item.get(method)
                    if not isinstance(op, dict):
                        continue
                    if kind == "path":
                        shape = _normal_path(str(name))
                        display = f"{method.upper()} {name}"
                        key = f"{method.upper()} {name if shape in ambiguous else shape}"
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
            self._usage_of(self.head, _starts(h[2], h[3]), display, webhook)
            return
        if h is None:
            note = " (it was deprecated)" if b[2].get("deprecated") is True else ""
            kind = "webhook-removed" if webhook else "operation-removed"
            self.emit(kind, "removed" + note, where, b[1], _existing(self.head, b[1]))
            self._usage_of(self.base, _starts(b[2], b[3]), display, webhook)
            return
        (_, bp, bop, bitem), (_, hp, hop, hitem) = b, h
        b_starts = _starts(bop, bitem)
        equal = bop == hop and bitem.get("parameters") == hitem.get("parameters")
        self._usage_of(self.base, b_starts, display, webhook)
        self._usage_of(self.head, b_starts if equal else _starts(hop, hitem), display, webhook)
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
        if not (equal and all(self._same_target(r) for r in (*b_starts[0], *b_starts[1]) if not is_model_ref(r))):
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
                param, p_ptr = deref(doc, raw, (*owner_ptr, "parameters", str(index)))
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
        b, bptr = deref(self.base, bop.get("requestBody"), (*bp, "requestBody"))
        h, hptr = deref(self.head, hop.get("requestBody"), (*hp, "requestBody"))
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
        b_all, h_all = b_all if isinstance(b_all, dict) else {}, h_all if isinstance(h_all, dict) else {}
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
            b, bptr = deref(self.base, b_all[status], (*bp, "responses", str(status)))
            h, hptr = deref(self.head, h_all[status], (*hp, "responses", str(status)))
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
            b_header, b_ptr = deref(self.base, bh[name][1], (*bptr, "headers", bh[name][0]))
            if name not in hh:
                required = isinstance(b_header, dict) and b_header.get("required") is True
                kind = "required-response-header-removed" if required else "response-header-removed"
                self.emit(kind, f"header {bh[name][0]} removed", where, b_ptr, hptr)
                continue
            h_header, h_ptr = deref(self.head, hh[name][1], (*hptr, "headers", hh[name][0]))
            if isinstance(b_header, dict) and isinstance(h_header, dict):
                if b_header.get("required") is True and h_header.get("required") is not True:
                    self.emit(
                        "response-header-became-optional", f"header {hh[name][0]} became optional", where, b_ptr, h_ptr
                    )
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
            b, _ = deref(self.base, b_all[name], ptr)
            h, h_ptr = deref(self.head, h_all[name], ptr)
            if not isinstance(b, dict) or not isinstance(h, dict):
                continue
            moved = [k for k in ("type", "in", "name", "scheme") if _sent(b, k) != _sent(h, k)]
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
        b_name, h_name = model_name(b), model_name(h)
        if b_name and b_name == h_name:
            return  # compared once, as a model (see _models)
        if self._unchanged(b, h):
            return
        raw = (b, bptr), (h, hptr)
        b, bptr = deref(self.base, b, bptr)
        h, hptr = deref(self.head, h, hptr)
        if isinstance(b, bool) or isinstance(h, bool):
            # 3.1's boolean schemas: only ``false`` (no value is valid) is told apart.
            if isinstance(b, (bool, dict)) and isinstance(h, (bool, dict)) and (b is False) != (h is False):
                if h is False:
                    self.emit("type-narrowed", "no value is allowed any more", where, bptr, hptr)
                else:
                    self.emit("type-widened", "values are allowed again", where, bptr, hptr)
            return
        if not isinstance(b, dict) or not isinstance(h, dict):
            return
        b_wrap, h_wrap = null_variant(b), null_variant(h)
        if (b_wrap is None) != (h_wrap is None):
            # One side is oneOf: [X, {type: 'null'}], how 3.1 writes a nullable $ref, the
            # other is not: their nullability, then X against the other side.
            b_null = b_wrap is not None or "null" in (schema_types(b) or ())
            h_null = h_wrap is not None or "null" in (schema_types(h) or ())
            if h_null and not b_null:
                self.emit("became-nullable", "null is now allowed", where, bptr, hptr)
            elif b_null and not h_null:
                self.emit("became-not-nullable", "null is no longer allowed", where, bptr, hptr)
            b_next, h_next = unwrapped(b, bptr, b_wrap, raw[0]), unwrapped(h, hptr, h_wrap, raw[1])
            self._schema(*b_next, *h_next, where)
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
        other_names = {model_name(p) for p in other.get("allOf") or [] if isinstance(other.get("allOf"), list)}
        flat = _Flat({k: v for k, v in schema.items() if k != "allOf"}, ptr)
        self._merge(doc, flat, schema, ptr, other_names - {None}, set())
        return flat

    def _merge(
        self,
        doc: Mapping[str, Any],
        flat: _Flat,
        schema: dict[str, Any],
        ptr: Pointer,
        shared_names: set[Any],
        seen: set[Pointer],
        shared: bool = False,
    ) -> None:
        if ptr in seen:
            return
        seen.add(ptr)
        parts = schema.get("allOf")
        if isinstance(parts, list):
            for index, part in enumerate(parts):
                in_shared = shared or model_name(part) in shared_names
                resolved, part_ptr = deref(doc, part, (*ptr, "allOf", str(index)))
                if not isinstance(resolved, dict):
                    continue
                if not in_shared:
                    for key, value in resolved.items():
                        if key not in ("properties", "required", "allOf") and key not in flat.schema:
                            flat.schema[key] = value
                self._merge(doc, flat, resolved, part_ptr, shared_names, seen, in_shared)
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, value in props.items():
                name = str(name)
                if not shared:
                    flat.props[name] = (value, (*ptr, "properties", name))
                    flat.shared.discard(name)
                elif name not in flat.props:
                    flat.props[name] = (value, (*ptr, "properties", name))
                    flat.shared.add(name)
        if isinstance(schema.get("required"), list):
            (flat.shared_required if shared else flat.required).update(str(r) for r in schema["required"])

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
            if key in bs and key in hs:
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
        bt, ht = schema_types(bs), schema_types(hs)
        if bt is None or ht is None:
            return True
        if "null" in bt and "null" not in ht:
            self.emit("became-not-nullable", "null is no longer allowed", where, bptr, hptr)
        elif "null" in ht and "null" not in bt:
            self.emit("became-nullable", "null is now allowed", where, bptr, hptr)
        bt, ht = bt - {"null"}, ht - {"null"}
        if not bt or not ht or widened(bt) == widened(ht):
            return True
        old, new = "|".join(sorted(bt)), "|".join(sorted(ht))
        if bt <= widened(ht):
            self.emit("type-widened", f"type changed from {old} to {new}", where, bptr, hptr)
            return True
        if ht <= widened(bt):
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
        message = (
            f"format {hf} added"
            if bf is None
            else f"format {bf} removed"
            if hf is None
            else f"format changed from {bf} to {hf}"
        )
        # A JSON integer without a format is as large as int64 allows (a number is a
        # double): writing that down changes nothing, dropping int32 widens.
        b_size, h_size = bf or implied_format(bs), hf or implied_format(hs)
        if b_size == h_size:
            return
        if (b_size, h_size) in _FORMAT_WIDENING:
            self.emit("format-widened", message, where, bptr, hptr)
        elif (h_size, b_size) in _FORMAT_WIDENING:
            self.emit("format-narrowed", message, where, bptr, hptr)
        elif bf is None:
            self.emit("format-added", message, where, bptr, hptr)
        elif hf is None:
            self.emit("format-removed", message, where, bptr, hptr)
        else:
            self.emit("format-changed", message, where, bptr, hptr)

    def _enums(self, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where) -> None:
        be, he = enum_values(bs), enum_values(hs)
        if be is None and he is None:
            return
        if be is None:
            self.emit("enum-added", f"now restricted to {show_values(he or [])}", where, bptr, hptr)
            return
        if he is None:
            self.emit("enum-removed", "no longer restricted to an enum", where, bptr, hptr)
            return
        b_set, h_set = {canonical(v): v for v in be}, {canonical(v): v for v in he}
        removed = [v for k, v in b_set.items() if k not in h_set]
        added = [v for k, v in h_set.items() if k not in b_set]
        if removed:
            self.emit(
                "enum-value-removed",
                f"enum value{'s' if len(removed) > 1 else ''} {show_values(removed)} removed",
                where,
                bptr,
                hptr,
            )
        if added:
            self.emit(
                "enum-value-added",
                f"enum value{'s' if len(added) > 1 else ''} {show_values(added)} added",
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
                    self.emit(kind, f"{keyword} changed from {show_value(bv)} to {show_value(hv)}", where, bptr, hptr)
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
                f"{keyword} changed from {show_value(bv)} to {show_value(hv)}",
                where,
                bptr,
                hptr,
            )
        bm, hm = bs.get("multipleOf"), hs.get("multipleOf")
        if bm != hm and isinstance(hm, (int, float)) and not isinstance(hm, bool):
            looser = isinstance(bm, (int, float)) and hm and (bm / hm) == int(bm / hm)
            self.emit(
                "bound-loosened" if looser else "bound-tightened",
                f"multipleOf changed from {show_value(bm)} to {show_value(hm)}",
                where,
                bptr,
                hptr,
            )
        elif bm is not None and hm is None:
            self.emit("bound-loosened", f"multipleOf {show_value(bm)} removed", where, bptr, hptr)

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
        if "default" in bs and "default" in hs and canonical(bs["default"]) != canonical(hs["default"]):
            self.emit(
                "default-changed",
                f"default changed from {show_value(bs['default'])} to {show_value(hs['default'])}",
                where,
                bptr,
                hptr,
            )
        elif "default" in bs and "default" not in hs:
            self.emit("default-changed", f"default {show_value(bs['default'])} removed", where, bptr, hptr)

    def _properties(self, b: _Flat, h: _Flat, where: _Where) -> None:
        # A readOnly property is not sent in requests, a writeOnly one not received in
        # responses: in that direction it does not exist.
        hidden = "readOnly" if where.direction == "request" else "writeOnly"
        b_props = {n: v for n, v in b.props.items() if not _flag(self.base, v[0], hidden)}
        h_props = {n: v for n, v in h.props.items() if not _flag(self.head, v[0], hidden)}
        b_required, h_required = b.all_required, h.all_required
        # Names both versions hold in a shared allOf part are that model's changes.
        theirs = b.shared & h.shared
        removed = [n for n in b_props if n not in h.props and n not in b.shared]
        added = [n for n in h_props if n not in b_props and n not in h.shared]
        # A client that still sends a removed property is refused by a closed schema.
        closed = where.direction == "request" and _closed(h.schema)
        if len(removed) == 1 and len(added) == 1 and not closed:
            old, new = removed[0], added[0]
            if self._renamed(b, old, old in b_required, h, new, new in h_required):
                kind = "required-property-renamed" if old in b_required else "property-renamed"
                self.emit(kind, f"property '{old}' renamed to '{new}'", where, b_props[old][1], h_props[new][1])
                removed, added = [], []
        for name in removed:
            if closed:
                kind = "closed-property-removed"
            else:
                kind = "required-property-removed" if name in b_required else "property-removed"
            self.emit(kind, f"property '{name}' removed", where, b_props[name][1], h.ptr)
        for name in added:
            kind = "required-property-added" if name in h_required else "property-added"
            self.emit(kind, f"property '{name}' added", where, None, h_props[name][1])
        shown = "writeOnly" if hidden == "readOnly" else "readOnly"
        for name, (b_value, b_ptr) in b_props.items():
            if name not in h.props:
                continue
            h_value, h_ptr = h.props[name]
            here, mine = where.at(name), name not in theirs
            if name not in h_props:  # it left this direction
                if mine:
                    self.emit(*_BECAME[hidden], here, b_ptr, h_ptr)
                continue
            if mine and not _flag(self.base, b_value, shown) and _flag(self.head, h_value, shown):
                self.emit(*_BECAME[shown], here, b_ptr, h_ptr)
            if (name in b_required) != (name in h_required) and not self._shared_requires(b, h, name):
                if name in h_required:
                    self.emit("property-became-required", "became required", here, b_ptr, h_ptr)
                else:
                    self.emit("property-became-optional", "became optional", here, b_ptr, h_ptr)
            if mine:
                self._schema(b_value, b_ptr, h_value, h_ptr, here)

    @staticmethod
    def _shared_requires(b: _Flat, h: _Flat, name: str) -> bool:
        """Whether a shared part's own ``required`` list made the change (its model says so)."""
        return name in b.shared and name in h.shared and (name in b.shared_required) != (name in h.shared_required)

    def _renamed(self, b: _Flat, old: str, old_required: bool, h: _Flat, new: str, new_required: bool) -> bool:
        """One property out and one in, same place, same schema: a rename."""
        if list(b.props).index(old) != list(h.props).index(new) or old_required != new_required:
            return False
        b_value, _ = deref(self.base, b.props[old][0], ())
        h_value, _ = deref(self.head, h.props[new][0], ())
        strip = ("description", "example", "examples", "title")
        return canonical(
            {k: v for k, v in b_value.items() if k not in strip} if isinstance(b_value, dict) else b_value
        ) == canonical({k: v for k, v in h_value.items() if k not in strip} if isinstance(h_value, dict) else h_value)

    def _additional(
        self, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where
    ) -> None:
        ba, ha = bs.get("additionalProperties"), hs.get("additionalProperties")
        if isinstance(ba, dict) and isinstance(ha, dict):
            self._schema(ba, (*bptr, "additionalProperties"), ha, (*hptr, "additionalProperties"), where.at("{*}"))
        elif ba is not False and ha is False:
            self.emit("additional-properties-forbidden", "unknown properties no longer allowed", where, bptr, hptr)
        elif ba is False and ha is not False:
            self.emit("additional-properties-allowed", "unknown properties now allowed", where, bptr, hptr)

    def _variants(
        self, key: str, bs: Mapping[str, Any], bptr: Pointer, hs: Mapping[str, Any], hptr: Pointer, where: _Where
    ) -> None:
        bv, hv = bs.get(key), hs.get(key)
        if not isinstance(bv, list) or not isinstance(hv, list):
            return
        new_names = {old: new for new, old in self.renamed.items()}
        for bi, hi, label in pair_variants(self.base, bv, self.head, hv, new_names):
            if hi is None:
                self.emit("variant-removed", f"{key} {label} removed", where, (*bptr, key, str(bi)), hptr)
            elif bi is None:
                self.emit("variant-added", f"{key} {label} added", where, None, (*hptr, key, str(hi)))
            else:
                b_at, h_at = (*bptr, key, str(bi)), (*hptr, key, str(hi))
                self._schema(bv[bi], b_at, hv[hi], h_at, where.at(label))

    # -- models ------------------------------------------------------------------
    def _usage_of(self, doc: Mapping[str, Any], starts: _Starts, display: str, webhook: bool) -> None:
        for direction, refs in (("request", starts[0]), ("response", starts[1])):
            if webhook:
                direction = "response" if direction == "request" else "request"
            self.users.append((display, direction, set().union(*(self._reach(doc, ref) for ref in set(refs)))))

    def _uses(self, name: str) -> dict[str, set[str]]:
        """Direction -> the operations that reach model ``name`` in it."""
        ref = SCHEMAS_PREFIX + escape_segment(name)
        if self._used_by is not None:
            return self._used_by.get(ref, {})
        out: dict[str, set[str]] = {}
        for display, direction, reached in self.users:
            if ref in reached:
                out.setdefault(direction, set()).add(display)
        return out

    def _index_users(self) -> None:
        """Look :meth:`_uses` up in an index: quicker once many models changed, slower
        to build than a few scans of :attr:`users`."""
        self._used_by = {}
        for display, direction, reached in self.users:
            for ref in reached:
                self._used_by.setdefault(ref, {}).setdefault(direction, set()).add(display)

    def _reach(self, doc: Mapping[str, Any], start: str) -> frozenset[str]:
        """The models (their ``$ref``s) reachable from one ``$ref``, once per ref:
        on specs whose models all lead to each other (Stripe's) each operation reaches
        hundreds."""
        key = (doc is self.head, start)
        found = self._reached.get(key)
        if found is not None:
            return found
        names: set[str] = set()
        seen: set[str] = set()
        stack = [start]
        while stack:
            ref = stack.pop()
            if ref in seen or not ref.startswith("#"):
                continue
            seen.add(ref)
            if is_model_ref(ref):
                names.add(ref)
            stack.extend(self._refs_in(doc, ref))
        found = self._reached[key] = frozenset(names)
        return found

    def _models(self) -> None:
        b_all = (self.base.get("components") or {}).get("schemas") or {}
        h_all = (self.head.get("components") or {}).get("schemas") or {}
        if not isinstance(b_all, dict) or not isinstance(h_all, dict):
            return
        renamed = self.renamed
        if sum(1 for name in b_all if b_all[name] != h_all.get(name)) > 50:
            self._index_users()
        for name in _ordered(b_all, h_all):
            name = str(name)
            ptr: Pointer = ("components", "schemas", name)
            where = _Where(model=name)
            if name not in b_all:
                old = renamed.get(name)
                if old is None:
                    self.emit("model-added", "added", where, None, ptr)
                else:
                    affects = _affected({**self._uses(old), "": set(_affected(self._uses(name)))})
                    old_ptr = ("components", "schemas", old)
                    self.emit("model-renamed", f"renamed from '{old}'", where, old_ptr, ptr, affects=affects)
                continue
            if name not in h_all:
                if name not in renamed.values() and not self._uses(name):  # else its users say what changed
                    self.emit("model-removed", "removed", where, ptr, ("components", "schemas"))
                continue
            ref = SCHEMAS_PREFIX + escape_segment(name)
            if b_all[name] == h_all[name] and all(
                self._same_target(r) for r in self._refs_in(self.base, ref) if not is_model_ref(r)
            ):
                continue
            # Judged in each direction it is used in; a change seen in both keeps the worse.
            uses = self._uses(name)
            found: dict[tuple[Pointer | None, Pointer | None, str], Change] = {}
            for direction in sorted(uses) or ["request", "response"]:
                start = len(self.changes)
                self._schema_in_model(b_all[name], h_all[name], ptr, replace(where, direction=direction))
                for change in self.changes[start:]:
                    key = (change.base_pointer, change.head_pointer, change.message)
                    if key not in found or change.rank > found[key].rank:
                        found[key] = change
                del self.changes[start:]
            affects = _affected(uses)
            self.changes.extend(replace(c, affects=affects) for c in found.values())

    def _schema_in_model(self, b: Any, h: Any, ptr: Pointer, where: _Where) -> None:
        b, bptr = deref(self.base, b, ptr)
        h, hptr = deref(self.head, h, ptr)
        if isinstance(b, dict) and isinstance(h, dict):
            self._compare(self._flatten(self.base, b, bptr, h), self._flatten(self.head, h, hptr, b), where)


def _affected(uses: Mapping[str, set[str]]) -> tuple[str, ...]:
    return tuple(sorted(set().union(*uses.values()))) if uses else ()


def _starts(op: Mapping[str, Any], item: Mapping[str, Any]) -> _Starts:
    """The ``$ref``s written in what an operation sends (parameters, request body) and
    in what it receives (responses): where its models are reached from."""
    sending = (op.get("parameters"), item.get("parameters"), op.get("requestBody"))
    return [r for part in sending for r in written_refs(part)], list(written_refs(op.get("responses")))


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


def _closed(schema: Mapping[str, Any]) -> bool:
    return schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False


def _flag(doc: Mapping[str, Any], node: Any, key: str) -> bool:
    resolved, _ = deref(doc, node, ())
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


def _sent(scheme: Mapping[str, Any], key: str) -> str:
    """How a security scheme's ``key`` reads on the wire: HTTP header names and auth
    schemes ignore case, query and cookie names do not."""
    value = str(scheme.get(key, ""))
    return value if key == "name" and scheme.get("in") != "header" else value.lower()


def _server_urls(value: Any) -> list[str]:
    urls = []
    if isinstance(value, list):
        for server in value:
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                urls.append(server["url"].rstrip("/"))
    return urls


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
