"""Read and check a request body (pure): its media type must be one the operation
accepts; JSON is parsed, form-urlencoded and multipart bodies become objects (fields
coerced per their schema and ``encoding``), text is read as a string; then the value is
validated against the media type's schema. Raw binary bodies are accepted as sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from ..checks.values import SchemaValidator
from ..model.api import UNSET, Api, MediaType, Operation, Schema
from ..snippets.request import body_kind
from .coerce import coerce, coerce_value, deep_object, items_schema, object_from_pairs, property_schema, resolve, shape
from .problems import schema_problems

WHERE = "request body"
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


@dataclass(frozen=True)
class BodyCheck:
    """What was read from a body, and what is wrong with it.

    ``status`` is the HTTP status the problems call for: 415 (media type not
    accepted), 400 (missing or unreadable) or 422 (read, but breaks its schema);
    0 when there are no problems.
    """

    value: Any = UNSET  # the parsed body; UNSET when none was sent, or raw bytes
    media: MediaType | None = None
    problems: tuple[str, ...] = ()
    status: int = 0


class _Unreadable(ValueError):
    """A body that cannot be parsed as its media type says."""


def read_body(api: Api, op: Operation, content_type: str | None, body: bytes, validator: SchemaValidator) -> BodyCheck:
    """Check ``body`` (sent with ``content_type``) against the operation's request body."""
    request_body = op.request_body
    if request_body is None or not request_body.content:
        return BodyCheck()
    if not body:
        if request_body.required:
            return BodyCheck(problems=(f"{WHERE} is required",), status=400)
        return BodyCheck()
    accepted = ", ".join(m.media_type for m in request_body.content)
    if not content_type:
        return BodyCheck(problems=(f"{WHERE}: the Content-Type header is missing; send one of {accepted}",), status=415)
    media = match_media(content_type, request_body.content)
    if media is None:
        essence = _essence(content_type)
        return BodyCheck(
            problems=(f"{WHERE}: Content-Type '{essence}' is not accepted; send one of {accepted}",), status=415
        )
    declared = _essence(media.media_type)
    kind = body_kind(content_type if "*" in declared else declared)
    try:
        value = _parse(api, kind, media, content_type, body)
    except _Unreadable as exc:
        return BodyCheck(media=media, problems=(f"{WHERE}: {exc}",), status=400)
    if value is UNSET or media.schema is None:
        return BodyCheck(value, media)
    if kind == "text" and shape(media.schema, api.schemas) != "scalar":
        return BodyCheck(value, media)  # e.g. XML described by an object schema: not checked
    problems = tuple(schema_problems(validator, media.schema.pointer, value, WHERE))
    return BodyCheck(value, media, problems, 422 if problems else 0)


def match_media(content_type: str, content: tuple[MediaType, ...]) -> MediaType | None:
    """The most specific media type of ``content`` that ``content_type`` is: an exact
    match, else ``type/*``, else ``*/*``."""
    essence = _essence(content_type)
    major = essence.partition("/")[0]
    ranked = []
    for media in content:
        declared = _essence(media.media_type)
        if declared == essence:
            ranked.append((0, media))
        elif declared == f"{major}/*":
            ranked.append((1, media))
        elif declared == "*/*":
            ranked.append((2, media))
    return min(ranked, key=lambda r: r[0])[1] if ranked else None


def _essence(media_type: str) -> str:
    return media_type.split(";")[0].strip().lower()


def _parse(api: Api, kind: str, media: MediaType, content_type: str, body: bytes) -> Any:
    if kind == "json":
        try:
            return json.loads(_utf8(body))
        except ValueError as exc:
            raise _Unreadable(f"invalid JSON: {exc}") from exc
    if kind == "form":
        return _form(api, media, parse_qsl(_utf8(body), keep_blank_values=True))
    if kind == "multipart":
        return _multipart(api, media, content_type, body)
    if kind == "text":
        return _utf8(body)
    return UNSET


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _form(api: Api, media: MediaType, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """A form-urlencoded body as an object: each declared property read per its
    ``encoding`` (style, explode, JSON content type); other fields kept as text."""
    schemas = api.schemas
    target = resolve(media.schema, schemas)
    result: dict[str, Any] = {}
    claimed: set[str] = set()
    for prop in target.properties if target is not None else ():
        name = prop.name
        encoding = media.encoding_for(name)
        style = (encoding.style if encoding else None) or "form"
        explode = encoding.explode if encoding and encoding.explode is not None else style == "form"
        mine = [v for k, v in pairs if k == name]
        if style == "deepObject":
            nested = [(k[len(name) :], v) for k, v in pairs if k.startswith(name + "[")]
            claimed.update(name + k for k, _ in nested)
            if nested:
                result[name] = coerce_value(deep_object(nested), prop.schema, schemas)
            continue
        if not mine:
            continue
        claimed.add(name)
        if encoding and encoding.content_type and body_kind(encoding.content_type) == "json":
            try:
                result[name] = json.loads(mine[-1])
            except ValueError as exc:
                raise _Unreadable(f"field '{name}' is not valid JSON") from exc
            continue
        kind = shape(prop.schema, schemas)
        if kind == "array":
            separator = _DELIMITERS.get(style, ",")
            pieces = mine if explode else [p for value in mine for p in (value.split(separator) if value else [])]
            result[name] = coerce_value(pieces, prop.schema, schemas)
        elif kind == "object":
            result[name] = coerce_value(object_from_pairs(mine[-1].split(",")), prop.schema, schemas)
        else:
            result[name] = coerce(mine[-1], prop.schema, schemas)
    for key, value in pairs:
        if key in claimed:
            continue
        text = coerce(value, property_schema(media.schema, key, schemas), schemas)
        if key in result:
            previous = result[key]
            result[key] = [*previous, text] if isinstance(previous, list) else [previous, text]
        else:
            result[key] = text
    return result


def _multipart(api: Api, media: MediaType, content_type: str, body: bytes) -> dict[str, Any]:
    """A multipart body as an object: files as text (bytes read as Latin-1, one
    character per byte), JSON parts parsed, other parts coerced per their schema."""
    schemas = api.schemas
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise _Unreadable("not a valid multipart body (check the boundary in Content-Type)")
    result: dict[str, Any] = {}
    for part in message.iter_parts():
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        prop = property_schema(media.schema, name, schemas)
        is_array = shape(prop, schemas) == "array"
        value = _part_value(api, media, name, part, items_schema(prop, schemas) if is_array else prop)
        if name in result:
            previous = result[name]
            result[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            result[name] = [value] if is_array else value
    return result


def _part_value(api: Api, media: MediaType, name: str, part: Message, schema: Schema | None) -> Any:
    payload = part.get_payload(decode=True)
    content = payload if isinstance(payload, bytes) else b""
    encoding = media.encoding_for(name)
    declared = part.get("content-type") or (encoding.content_type if encoding else None)
    if part.get_filename() is not None or _is_file(schema, api.schemas):
        return content.decode("latin-1")
    if declared and body_kind(str(declared)) == "json":
        try:
            return json.loads(content.decode("utf-8"))
        except ValueError as exc:
            raise _Unreadable(f"part '{name}' is not valid JSON") from exc
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"part '{name}' is not UTF-8 text") from exc
    return coerce(text, schema, api.schemas)


def _is_file(schema: Schema | None, schemas: Mapping[str, Schema]) -> bool:
    target = resolve(schema, schemas)
    if target is None:
        return False
    if target.format in ("binary", "byte", "base64"):
        return True
    return bool(target.content_media_type and body_kind(target.content_media_type) != "json")
