"""What an operation answers when nothing is stored: its first documented success
response, with the spec's example or one generated from the schema (pure).

Every value sent is checked against the response schema first: the spec's examples
are tried in order, then the generated one, and the first that validates is used.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..checks.values import SchemaValidator
from ..load.spec import MISSING, parse_fragment, resolve_pointer
from ..model.api import UNSET, Api, MediaType, Operation, Response
from ..model.examples import example_for
from ..snippets.request import body_kind

# Headers the mock sets itself, whatever the spec documents.
_OWN_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding", "connection", "date", "server"})


@dataclass(frozen=True)
class Success:
    """The response an operation gives when the request is valid."""

    status: int
    response: Response | None  # None: the spec documents no success response


def success_of(op: Operation) -> Success:
    """The first documented 2xx response (``2XX`` is sent as 200); else ``default`` as
    200; else an empty 204."""
    for response in op.responses:
        if response.status.startswith("2"):
            return Success(int(response.status) if response.status.isdigit() else 200, response)
    for response in op.responses:
        if response.status == "default":
            return Success(200, response)
    return Success(204, None)


def pick_media(response: Response | None, accept: str | None) -> MediaType | None:
    """The response's first media type the ``Accept`` header allows, else its first
    (the mock never answers 406)."""
    if response is None or not response.content:
        return None
    for wanted in _accepted(accept):
        for media in response.content:
            if _covers(wanted, media.media_type.split(";")[0].strip().lower()):
                return media
    return response.content[0]


def _accepted(accept: str | None) -> list[str]:
    ranked = []
    for index, item in enumerate((accept or "").split(",")):
        essence, _, params = item.partition(";")
        quality = 1.0
        found = re.search(r"q=([0-9.]+)", params)
        if found:
            try:
                quality = float(found.group(1))
            except ValueError:
                quality = 0.0
        if essence.strip() and quality > 0:
            ranked.append((-quality, index, essence.strip().lower()))
    return [essence for _, _, essence in sorted(ranked)]


def _covers(wanted: str, offered: str) -> bool:
    if wanted in ("*/*", offered) or offered == "*/*":
        return True
    major = offered.partition("/")[0]
    return wanted == f"{major}/*" or offered == f"{wanted.partition('/')[0]}/*"


class Examples:
    """Example bodies and headers for responses, validated once and cached."""

    def __init__(self, api: Api, data: Mapping[str, Any], validator: SchemaValidator) -> None:
        self.api = api
        self.data = data
        self.validator = validator
        self._bodies: dict[int, Any] = {}

    def valid(self, media: MediaType, value: Any) -> bool:
        """Whether ``value`` meets the media type's schema (no schema: anything does)."""
        if media.schema is None or body_kind(media.media_type) != "json":
            return True
        return next(iter(self.validator.iter_errors(media.schema.pointer, value, "response")), None) is None

    def body(self, media: MediaType) -> Any:
        """A fresh copy of the first example that validates: the spec's own, in order,
        then one generated from the schema (UNSET when there is nothing at all)."""
        key = id(media)
        if key not in self._bodies:
            candidates = [e.value for e in media.examples if e.value is not UNSET]
            if media.schema is not None:
                candidates.append(example_for(media.schema, self.api.schemas, direction="response"))
            if not candidates and body_kind(media.media_type) == "json":
                candidates.append({})  # JSON is promised: clients may parse it
            chosen = next((c for c in candidates if self.valid(media, c)), candidates[0] if candidates else UNSET)
            self._bodies[key] = chosen
        return copy.deepcopy(self._bodies[key])

    def headers(self, op: Operation, response: Response | None) -> list[tuple[str, str]]:
        """Documented response headers that have an example (in the header, its
        ``examples`` or its schema), and required ones with a generated value."""
        if response is None:
            return []
        raw_headers = _deref(self.data, resolve_pointer(self.data, (*op.pointer, "responses", response.status)))
        raw_headers = raw_headers.get("headers") if isinstance(raw_headers, dict) else None
        found = []
        for header in response.headers:
            if header.name.lower() in _OWN_HEADERS:
                continue
            raw = _deref(self.data, raw_headers.get(header.name)) if isinstance(raw_headers, dict) else None
            value = _header_example(self.data, raw)
            if value is UNSET and header.schema is not None:
                target = self.api.schemas.get(header.schema.ref, header.schema) if header.schema.ref else header.schema
                if target.examples or header.required:
                    value = example_for(header.schema, self.api.schemas, direction="response")
            if value is not UNSET and value is not None:
                found.append((header.name, header_text(value)))
        return found


def _header_example(data: Mapping[str, Any], raw: Any) -> Any:
    if not isinstance(raw, dict):
        return UNSET
    if "example" in raw:
        return raw["example"]
    for example in (raw.get("examples") or {}).values():
        example = _deref(data, example)
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    return UNSET


def _deref(data: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s (the bundled spec holds no other kind)."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        node = resolve_pointer(data, parse_fragment(node["$ref"]))
    return None if node is MISSING else node


def header_text(value: Any) -> str:
    """A header value as ``simple`` style writes it, without line breaks."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = ",".join(header_text(v) for v in value)
    elif isinstance(value, dict):
        text = ",".join(f"{k},{header_text(v)}" for k, v in value.items())
    else:
        text = str(value)
    return re.sub(r"[\r\n\x00]+", " ", text)


def encode_body(media: MediaType, value: Any) -> tuple[str, bytes]:
    """The ``Content-Type`` and bytes for ``value`` sent as ``media``."""
    declared = media.media_type.split(";")[0].strip()
    kind = body_kind(declared)
    content_type = media.media_type
    if "*" in declared:
        content_type = "application/json" if kind == "json" else "application/octet-stream"
    if value is UNSET:
        return content_type, b""
    if kind == "json":
        return content_type, json.dumps(value, ensure_ascii=False).encode("utf-8")
    if isinstance(value, str):
        return content_type, value.encode("utf-8")
    if kind == "text":
        return content_type, json.dumps(value, ensure_ascii=False).encode("utf-8")
    return content_type, b""
