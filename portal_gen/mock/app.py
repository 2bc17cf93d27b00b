"""The mock API: one HTTP request in, one response out, decided by the spec alone.

No sockets here (see :mod:`.server`): :meth:`MockApi.handle` takes the method, the
raw request target, headers and body bytes, and returns status, headers and bytes.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from ..checks.values import SchemaValidator
from ..model.api import Api, MediaType, Operation, Schema
from ..snippets.request import body_kind
from .bodies import read_body
from .params import Headers, RequestParts, read_parameters
from .responses import Examples, encode_body, pick_media, success_of
from .routes import NotFound, Router, WrongMethod
from .security import challenge, check_credentials
from .state import ACTION, CREATE, ITEM, LIST, Role, Store, copy_fields, id_property, roles_of, same_schema, with_id

if TYPE_CHECKING:
    from ..engine.project import Project

_ERRORS = {400: "invalid request", 415: "unsupported media type", 422: "invalid request body"}


@dataclass(frozen=True)
class MockResponse:
    """What the mock answers: status, headers in order, body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """A header's value by case-insensitive name, None when absent."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


def error_response(
    status: int, error: str, problems: Iterable[str] = (), headers: Iterable[tuple[str, str]] = ()
) -> MockResponse:
    """The mock's own error: ``{"error": ..., "problems": [...]}`` as JSON."""
    body = json.dumps({"error": error, "problems": list(problems)}, ensure_ascii=False, indent=2) + "\n"
    return MockResponse(status, (("Content-Type", "application/json"), *headers), body.encode("utf-8"))


class MockApi:
    """A stateful mock of one API, built from its spec; safe to call from many threads.

    ``data`` is the bundled spec (``project.source.data``) and ``version`` its
    ``openapi`` version: requests and responses are validated against the spec's own
    schemas, in its dialect. ``seed`` makes the ids of created resources repeatable.
    """

    def __init__(self, api: Api, data: dict[str, Any], version: str, *, seed: int = 0) -> None:
        self.api = api
        self.validator = SchemaValidator(data, version)
        self.router = Router(api)
        self.examples = Examples(api, data, self.validator)
        self.roles = roles_of(api)
        self.store = Store(seed)
        self._lock = threading.Lock()
        self._item_schemas = {
            op.path: self._json_schema(op) for op in api.operations if op.method == "get" and op.path.endswith("}")
        }

    @classmethod
    def from_project(cls, project: Project, *, seed: int = 0) -> MockApi:
        """The mock of a loaded project (:func:`portal_gen.engine.build.load_project`)."""
        return cls(project.api, project.source.data, project.source.version, seed=seed)

    @property
    def base_path(self) -> str:
        """The path of the spec's first server URL (``/v1``), ``""`` when it has none.
        Requests are accepted with or without it."""
        return self.router.base_path

    def handle(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> MockResponse:
        """Answer one request. ``target`` is the raw request target (path and query,
        percent-encoding intact). HEAD is answered as GET; the server omits the body.

        Statuses: the operation's documented success status; 404 for a path the spec
        does not have (or a resource deleted on this mock); 405 (with ``Allow``) for a
        method the path does not have; 401 (with ``WWW-Authenticate``) when no security
        requirement is met; 415 for a Content-Type the operation does not accept; 400
        for missing or invalid parameters, a missing required body, or a body that
        cannot be parsed; 422 for a body that parses but breaks its schema. Every
        problem found is listed, in the spec's terms.
        """
        method = method.upper()
        path, query_string = _split_target(target)
        request_headers = Headers(headers.items() if isinstance(headers, Mapping) else headers)
        found = self.router.find(method, path)
        if isinstance(found, NotFound):
            return error_response(404, "not found", [f"no path of the API matches '{path}'"])
        if isinstance(found, WrongMethod):
            allowed = found.route.allowed
            return error_response(
                405,
                "method not allowed",
                [f"{found.route.template} accepts {', '.join(allowed)}, not {method}"],
                [("Allow", ", ".join(allowed))],
            )
        op = found.operation
        query = tuple(parse_qsl(query_string, keep_blank_values=True))
        cookies = request_headers.cookies()
        missing = check_credentials(self.api, op, request_headers, query, cookies)
        if missing:
            wanted = challenge(self.api, op)
            extra = [("WWW-Authenticate", wanted)] if wanted else []
            return error_response(401, "missing or invalid credentials", missing, extra)
        parts = RequestParts(found.path_values, query, request_headers, cookies)
        values, problems = read_parameters(self.api, op, parts, self.validator)
        checked = read_body(self.api, op, request_headers.get("Content-Type"), body, self.validator)
        if problems or checked.problems:
            status = 415 if checked.status == 415 else 400 if problems or checked.status == 400 else 422
            return error_response(status, _ERRORS[status], [*problems, *checked.problems])
        with self._lock:
            return self._answer(op, values, checked.value, request_headers.get("Accept"))

    # -- answers ---------------------------------------------------------------------------

    def _answer(self, op: Operation, values: dict[tuple[str, str], Any], body: Any, accept: str | None) -> MockResponse:
        success = success_of(op)
        role = self.roles[(op.method, op.path)]
        item_id = values.get(("path", role.param or "")) if role.kind in (ITEM, ACTION) else None
        if role.item_path and item_id is not None and (role.item_path, str(item_id)) in self.store.deleted:
            return error_response(404, "not found", [f"path parameter '{role.param}': {item_id!r} was deleted"])
        if role.kind == ITEM and role.item_path and op.method == "delete":
            self.store.delete(role.item_path, item_id)
        headers = self.examples.headers(op, success.response)
        media = pick_media(success.response, accept)
        if media is None:
            return MockResponse(success.status, tuple(headers), b"")
        value = self.examples.body(media)
        if body_kind(media.media_type) == "json":
            value, renamed = self._stateful(op, role, media, value, item_id, body)
            if renamed is not None:
                headers = [(name, _rename(text, *renamed)) for name, text in headers]
        content_type, data = encode_body(media, value)
        return MockResponse(success.status, (("Content-Type", content_type), *headers), data)

    def _stateful(
        self, op: Operation, role: Role, media: MediaType, value: Any, item_id: Any, body: Any
    ) -> tuple[Any, tuple[str, str] | None]:
        """The answer given what is stored, and (old, new) when an id was issued."""

        def valid(candidate: Any) -> bool:
            return self.examples.valid(media, candidate)

        schemas = self.api.schemas
        if role.kind == LIST and role.item_path:
            return _with_listed(value, self.store.listed(role.item_path), valid), None
        if not isinstance(value, dict):
            return value, None
        prop = id_property(role, value)
        if role.kind == CREATE and prop is not None:
            old = value[prop]
            created = value
            for _ in range(5):  # a fresh id that the schema accepts (its pattern, say)
                trial = {**value, prop: self.store.fresh_id(old)}
                if valid(trial):
                    created = trial
                    break
            if isinstance(old, str):  # other mentions of the id too, as in a URL
                mentioned = _rename_all(created, old, str(created[prop]))
                created = mentioned if valid(mentioned) else created
            created = copy_fields(created, body, media.schema, schemas, valid, keep=prop)
            if role.item_path:
                self.store.put(role.item_path, created[prop], created)
            return created, (str(old), str(created[prop]))
        is_item = role.kind == ITEM or (
            role.kind == ACTION and same_schema(media.schema, self._item_schemas.get(role.item_path or ""))
        )
        if not is_item or role.item_path is None:
            return value, None
        stored = self.store.objects.get((role.item_path, str(item_id)))
        current = stored if stored is not None and valid(stored) else with_id(value, prop, item_id, valid)
        if role.kind == ITEM and op.method in ("put", "patch"):
            base = with_id(value, prop, item_id, valid) if op.method == "put" else current
            current = copy_fields(base, body, media.schema, schemas, valid, keep=prop)
            self.store.put(role.item_path, item_id, current)
        return current, None

    def _json_schema(self, op: Operation) -> Schema | None:
        media = pick_media(success_of(op).response, None)
        return media.schema if media is not None and body_kind(media.media_type) == "json" else None


def _rename(text: str, old: str, new: str) -> str:
    """``text`` with the id ``old`` replaced by ``new`` where it stands alone (as in a
    URL), so an id ``1`` leaves ``100`` alone."""
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(old)}(?![A-Za-z0-9])", lambda _: new, text)


def _rename_all(value: Any, old: str, new: str) -> Any:
    """Every string in ``value`` (not keys) with the id ``old`` replaced by ``new``."""
    if isinstance(value, str):
        return _rename(value, old, new)
    if isinstance(value, list):
        return [_rename_all(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _rename_all(v, old, new) for k, v in value.items()}
    return value


def _with_listed(value: Any, stored: list[dict[str, Any]], valid: Callable[[Any], bool]) -> Any:
    """A list answer showing the stored objects: the list itself, or the first list
    property of an object (``data``), if the result validates."""
    if not stored:
        return value
    if isinstance(value, list):
        candidate: Any = stored
    elif isinstance(value, dict):
        key = next((k for k, v in value.items() if isinstance(v, list)), None)
        if key is None:
            return value
        candidate = {**value, key: stored}
    else:
        return value
    return candidate if valid(candidate) else value


def _split_target(target: str) -> tuple[str, str]:
    """Path and query of a request target (origin form, or absolute form via a proxy)."""
    if "://" in target.split("?", 1)[0]:
        split = urlsplit(target)
        return split.path or "/", split.query
    path, _, query = target.partition("?")
    return path.split("#", 1)[0] or "/", query.split("#", 1)[0]
