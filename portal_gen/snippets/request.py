"""The one HTTP request a snippet makes, worked out from the spec (pure).

Every language renders the same :class:`HttpRequest`, so they cannot disagree about
what is sent. Parameters are serialized here, per their OpenAPI ``style`` and
``explode``; the languages only quote and encode strings. A value may also be an
:class:`EnvValue`, read from an environment variable when the snippet runs.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from ..model.api import UNSET, Api, Example, MediaType, Operation, Parameter, Schema, SecurityScheme
from ..model.examples import GENERIC, Judge, example_for, has_example
from .serialize import _cookie_pairs, _fill_path, _header_safe, _path_pieces, _query_pairs, _simple, _text
from .values import EnvValue, Pieces, env_values, join_pieces

# A relative or missing server URL has no host: snippets then call `portal mock`.
MOCK_URL = "http://localhost:4010"


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# Headers that OpenAPI says to ignore as parameters: auth and content negotiation are
# described elsewhere in the spec.


@dataclass(frozen=True)
class Credential:
    """Where one security scheme's secret goes; the secret itself comes from ``env``."""

    scheme: str
    kind: str  # bearer | basic | header | query | cookie
    name: str  # header, query or cookie name (``Authorization`` for bearer and basic)
    env: tuple[str, ...]  # environment variables: one, or user and password for basic
    prefix: str = ""  # what precedes the secret in a header, e.g. ``Bearer ``

    def read(self, index: int = 0) -> EnvValue:
        """The secret as read from the environment (basic: 0 the user, 1 the password)."""
        return EnvValue(self.env[index])


@dataclass(frozen=True)
class Part:
    """A form field or a multipart part; ``filename`` marks a file read from disk."""

    name: str
    value: str | EnvValue = ""
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Body:
    kind: str  # json | form | multipart | binary | text
    media_type: str
    value: Any = None  # json: the value (EnvValues included); text: the string
    parts: tuple[Part, ...] = ()  # form and multipart
    filename: str | None = None  # binary: the file whose bytes are the body


@dataclass(frozen=True)
class HttpRequest:
    """Everything a snippet sends. Strings are raw (not yet quoted for any language);
    the path is already percent-encoded, query pairs are not. An :class:`EnvValue`
    stands for a value read from the environment at run time."""

    operation: str
    method: str  # upper case
    base_url: str
    path_pieces: Pieces
    query: tuple[tuple[str, str | EnvValue], ...] = ()
    headers: tuple[tuple[str, str | EnvValue], ...] = ()
    cookies: tuple[tuple[str, str | EnvValue], ...] = ()
    credentials: tuple[Credential, ...] = ()
    body: Body | None = None
    response: str = "json"  # what a success returns: json | text | binary | none

    @property
    def path(self) -> str:
        """The path as text; a value read from the environment shows as ``{NAME}``."""
        return "".join(p if isinstance(p, str) else f"{{{p.name}}}" for p in self.path_pieces)

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def url_pieces(self, query: bool = False) -> Pieces:
        """The URL as text and environment reads; with ``query``, the fixed query too
        (the pairs read from the environment are :attr:`env_query`)."""
        fixed = "?" + self.query_string if query and self.query_string else ""
        return join_pieces((self.base_url, *self.path_pieces, fixed))

    @property
    def files(self) -> tuple[str, ...]:
        """Local files the snippet reads (uploads)."""
        if self.body is None:
            return ()
        if self.body.filename:
            return (self.body.filename,)
        return tuple(dict.fromkeys(p.filename for p in self.body.parts if p.filename))

    @property
    def env(self) -> tuple[str, ...]:
        """Environment variables the snippet reads: the credentials', then those of
        values, in the order the request uses them (path, query, headers, cookies, body)."""
        names = [name for c in self.credentials for name in c.env]
        parts = self.body.parts if self.body else ()
        values = (
            self.path_pieces,
            [v for _, v in (*self.query, *self.headers, *self.cookies)],
            [p.value for p in parts],
            self.body.value if self.body else None,
        )
        return tuple(dict.fromkeys([*names, *(v.name for v in env_values(values))]))

    def cookie_pieces(self) -> Pieces:
        """The ``Cookie`` header's value as text and environment reads (cookie
        parameters, then credentials), in order; empty: no Cookie header."""
        pairs = [*self.cookies, *((c.name, c.read()) for c in self.credential("cookie"))]
        return join_pieces(
            piece for i, (name, value) in enumerate(pairs) for piece in ("; " if i else "", f"{name}=", value)
        )

    @property
    def query_string(self) -> str:
        """The fixed query, percent-encoded (spaces as ``%20``): pairs read from the
        environment are left out, languages add them with their own URL encoder."""
        return urlencode([(k, v) for k, v in self.query if isinstance(v, str)], quote_via=quote)

    @property
    def env_query(self) -> tuple[tuple[str, EnvValue], ...]:
        """Query pairs read from the environment: parameters, then credentials."""
        pairs = [(k, v) for k, v in self.query if isinstance(v, EnvValue)]
        return (*pairs, *((c.name, c.read()) for c in self.credential("query")))

    def credential(self, kind: str) -> tuple[Credential, ...]:
        return tuple(c for c in self.credentials if c.kind == kind)


@dataclass(frozen=True)
class SnippetSettings:
    """What the user configures about snippets (mkdocs.yml)."""

    base_url: str = ""
    env_prefix: str = "API"
    credentials: Mapping[str, Any] = field(default_factory=dict)  # scheme -> VAR or [USER, PASSWORD]
    # What a snippet sends besides what the operation requires (model.examples.FIELDS):
    # nothing (minimal), the optional fields the spec gives an example for, or all.
    fields: str = "examples"


# Methods whose requests carry no body in a snippet: fetch() refuses one, and HTTP
# gives it no meaning (RFC 9110, 9.3.1); no spec we know requires one (217 GETs in
# benchmarks/corpus declare an optional body, Stripe's among them).
BODYLESS = ("GET", "HEAD")


class SnippetError(ValueError):
    """A snippet cannot be made as asked (an unknown parameter, say)."""


def build_request(
    api: Api,
    op: Operation,
    settings: SnippetSettings = SnippetSettings(),
    *,
    values: Mapping[str, Any] | None = None,
    body: Any = UNSET,
    judge: Judge | None = None,
) -> HttpRequest:
    """The request a snippet for ``op`` makes.

    Required parameters always get a value: ``values`` (by parameter name) first, then
    the spec's examples that satisfy their schema (``judge`` decides; None trusts every
    example), then one generated from the schema. Optional parameters are sent when
    ``values`` names them; with neither ``values`` nor ``body`` (the reference's
    snippet), as ``settings.fields`` says. The body is sent when the operation requires
    one or when there is something to send (:func:`body_value`), never with GET or HEAD.

    An :class:`EnvValue` may stand for a scalar parameter's value, for any value in a
    JSON ``body``, and for a form or non-file multipart field's value.
    """
    # The reference's snippet (nothing given) sends the optional parameters
    # ``settings.fields`` asks for; a guide's step sends those it names.
    chosen = values is None and body is UNSET
    values = dict(values or {})
    path_values: dict[str, Pieces] = {}
    query: list[tuple[str, str | EnvValue]] = []
    headers: list[tuple[str, str | EnvValue]] = []
    cookies: list[tuple[str, str | EnvValue]] = []
    for param in op.parameters:
        if param.name in values:
            value = values.pop(param.name)
            _check_env_parameter(api, op, param, value)
        elif (param.required or param.location == "path") or (
            chosen and _optional_sent(api, param, settings.fields, judge)
        ):
            value = parameter_value(api, param, judge, settings.fields)
        else:
            continue
        if param.location == "path":
            path_values[param.name] = _path_pieces(param, value)
        elif param.location == "query":
            query.extend(_query_pairs(param, value))
        elif param.location == "header" and isinstance(value, EnvValue):
            headers.append((param.name, value))
        elif param.location == "header":
            headers.append((param.name, _header_safe(_simple(param, value, encode=False))))
        elif param.location == "cookie":
            cookies.extend(_cookie_pairs(param, value))
    if values:
        unknown = ", ".join(sorted(values))
        raise SnippetError(f"{op.key} has no parameter {unknown}")
    request = HttpRequest(
        operation=op.key,
        method=op.method.upper(),
        base_url=_base_url(api, op, settings),
        path_pieces=_fill_path(op.path, path_values),
        query=tuple(query),
        headers=tuple(headers),
        cookies=tuple(cookies),
        credentials=credentials_for(api, op, settings),
        body=_body(api, op, body, settings.fields, judge),
        response=_response_kind(op),
    )
    for name in request.env:
        if not check_env_name(name):
            raise SnippetError(
                f"{op.key}: '{name}' is not a usable environment variable name"
                " (use letters, digits and underscores, not starting with a digit)"
            )
    return request


def _check_env_parameter(api: Api, op: Operation, param: Parameter, value: Any) -> None:
    """An :class:`EnvValue` stands for one scalar: refuse it where more is serialized."""
    if isinstance(value, EnvValue):
        schema = param.schema
        if schema is not None and schema.ref:
            schema = api.schemas.get(schema.ref, schema)
        kinds = set(schema.types) if schema is not None else set()
        structured = kinds <= {"array", "object"} if kinds else schema is not None and bool(schema.properties)
        if param.content or structured:
            kind = "sent as JSON" if param.content else "an " + (" or ".join(sorted(kinds)) or "object")
            raise SnippetError(
                f"{op.key} parameter {param.name} is {kind}: an environment variable can only stand for a single value"
            )
    elif any(env_values(value)):
        raise SnippetError(
            f"{op.key} parameter {param.name}: an environment variable can only stand for the whole value,"
            " not for a part of it"
        )


def _response_kind(op: Operation) -> str:
    for response in op.responses:
        if response.status.startswith("2") or response.status.upper() == "2XX":
            if not response.content:
                return "none"
            kind = body_kind(response.content[0].media_type)
            return kind if kind in ("json", "text") else "binary"
    return "text"


def _optional_sent(api: Api, param: Parameter, fields: str, judge: Judge | None) -> bool:
    if fields == "all":
        return True
    if fields != "examples":
        return False
    return bool(_examples(param, judge)) or has_example(_described(param)[0], api.schemas, judge)


def _described(param: Parameter) -> tuple[Schema | None, tuple[Example, ...]]:
    """The schema and examples of a parameter: its own, or its ``content``'s."""
    if param.schema is None and param.content:
        return param.content[0].schema, param.content[0].examples
    return param.schema, param.examples


def _accepted(examples: tuple[Example, ...], schema: Schema | None, judge: Judge | None) -> list[Any]:
    """The values of ``examples`` that satisfy ``schema`` (all, without ``judge``)."""
    return [
        e.value
        for e in examples
        if e.value is not UNSET and (judge is None or schema is None or judge(schema, e.value))
    ]


def _examples(param: Parameter, judge: Judge | None) -> list[Any]:
    """The parameter's own examples that satisfy its schema."""
    schema, examples = _described(param)
    return _accepted(examples, schema, judge)


def parameter_value(api: Api, param: Parameter, judge: Judge | None = None, fields: str = "all") -> Any:
    """The spec's example for a parameter (one that satisfies its schema, when
    ``judge`` can tell), else a generated one."""
    for example in _examples(param, judge):
        return example
    schema = _described(param)[0]
    value = (
        example_for(schema, api.schemas, direction="request", fields=fields, judge=judge)
        if schema is not None
        else None
    )
    if param.location == "path" and value == GENERIC:
        # A path segment is an id: `/v1/accounts/{account}` -> `account_123`.
        named = re.sub(r"[^A-Za-z0-9]+", "_", param.name).strip("_").lower() + "_123"
        value = named if schema is None or judge is None or judge(schema, named) else value
    if value in (None, "", [], {}):
        # Never an empty path segment: a value that reads as an example of its kind.
        value = fallback_value(param.name, schema)
    return value


def fallback_value(name: str, schema: Schema | None) -> Any:
    """A plain value of the schema's first type (``1``, ``True``...), named for strings."""
    kind = schema.types[0] if schema is not None and schema.types else "string"
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return ["example"]
    if kind == "object":
        return {"key": "value"}
    return "example"


def _base_url(api: Api, op: Operation, settings: SnippetSettings) -> str:
    if settings.base_url:
        return settings.base_url.rstrip("/")
    servers = op.servers or api.servers
    url = servers[0].default_url if servers else ""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
        url = MOCK_URL + "/" + url.lstrip("/")
    return url.rstrip("/")


def credentials_for(api: Api, op: Operation, settings: SnippetSettings) -> tuple[Credential, ...]:
    """The credentials of the operation's first security alternative (the one the
    reference lists first), each read from an environment variable."""
    if not op.security:
        return ()
    result = []
    used: set[str] = set()
    for name, _scopes in op.security[0].schemes:
        scheme = api.security_scheme(name)
        if scheme is None:
            continue
        credential = _credential(scheme, settings, used)
        if credential is not None:
            used.update(credential.env)
            result.append(credential)
    return tuple(result)


def env_names(scheme: SecurityScheme, settings: SnippetSettings) -> tuple[str, ...]:
    """The environment variables that hold a scheme's secret (configurable)."""
    configured = settings.credentials.get(scheme.name)
    if configured:
        names = (configured,) if isinstance(configured, str) else tuple(configured)
        return tuple(str(n) for n in names)
    prefix = (settings.env_prefix or "API").upper()
    if scheme.type == "http" and (scheme.scheme or "").lower() == "basic":
        return (f"{prefix}_USERNAME", f"{prefix}_PASSWORD")
    if scheme.type == "apiKey":
        return (f"{prefix}_KEY",)
    return (f"{prefix}_TOKEN",)


def check_env_name(name: str) -> bool:
    """Whether ``name`` is safe to splice into code as an environment variable name."""
    return bool(_ENV_NAME.match(name))


def paired_env_names(scheme: SecurityScheme, settings: SnippetSettings) -> tuple[str, ...]:
    """The variables a scheme reads when a request needs it with another scheme whose
    variables have the same names: ``API_KEY_APPTOKEN`` beside ``API_KEY``."""
    suffix = re.sub(r"[^A-Za-z0-9]+", "_", scheme.name).upper()
    return tuple(f"{name}_{suffix}" for name in env_names(scheme, settings))


def _credential(scheme: SecurityScheme, settings: SnippetSettings, used: set[str]) -> Credential | None:
    env = env_names(scheme, settings)
    if any(name in used for name in env):  # two schemes at once: keep their secrets apart
        env = paired_env_names(scheme, settings)
    if scheme.type == "http":
        kind = (scheme.scheme or "bearer").lower()
        if kind == "basic":
            return Credential(scheme.name, "basic", "Authorization", env[:2] if len(env) > 1 else (*env, *env))
        # Other HTTP schemes send ``Authorization: <Scheme> <secret>``; a scheme name that
        # is not a plain token could inject code, so it falls back to Bearer.
        label = scheme.scheme if scheme.scheme and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", scheme.scheme) else "Bearer"
        label = "Bearer" if kind == "bearer" else label
        return Credential(scheme.name, "bearer", "Authorization", env[:1], prefix=f"{label} ")
    if scheme.type in ("oauth2", "openIdConnect"):
        return Credential(scheme.name, "bearer", "Authorization", env[:1], prefix="Bearer ")
    if scheme.type == "apiKey" and scheme.param_name and scheme.location in ("header", "query", "cookie"):
        return Credential(scheme.name, scheme.location, scheme.param_name, env[:1])
    return None  # mutualTLS: a client certificate, not something a snippet can carry


def body_value(api: Api, media: MediaType, fields: str = "examples", judge: Judge | None = None) -> Any:
    """What a body of ``media`` holds: the media type's own example when it satisfies
    the schema (except in ``minimal``: an example shows more than is required), else a
    value generated with ``fields``."""
    if fields != "minimal":
        for example in _accepted(media.examples, media.schema, judge):
            return example
    if media.schema is None:
        return None
    return example_for(media.schema, api.schemas, direction="request", fields=fields, judge=judge)


def _body(api: Api, op: Operation, override: Any, fields: str, judge: Judge | None) -> Body | None:
    if op.request_body is None or not op.request_body.content:
        return None
    if op.method.upper() in BODYLESS:
        if override is not UNSET:
            raise SnippetError(f"{op.key}: a {op.method.upper()} request carries no body in a snippet")
        return None
    media = preferred_media(op.request_body.content)
    kind = body_kind(media.media_type)
    if override is not UNSET:
        value = override
    else:
        value = body_value(api, media, fields, judge)
        if not op.request_body.required and kind in ("json", "form", "multipart") and value in (None, {}, []):
            return None  # nothing required, nothing to show: the tables list what may be sent
    media_type = media.media_type.split(";")[0].strip()
    if media_type in ("*/*", "application/*"):
        media_type = "application/json" if kind == "json" else "application/octet-stream"
    if kind == "json":
        return Body("json", media_type, value=value)
    if kind == "form":
        return Body("form", media_type, parts=tuple(_form_parts(op, media, value)))
    if kind == "multipart":
        every_file = override is not UNSET or fields == "all"  # a guide's YAML cannot hold a file
        return Body("multipart", media_type, parts=tuple(_multipart_parts(api, op, media, value, every_file)))
    if any(env_values(value)):
        raise SnippetError(
            f"{op.key} body is {media_type}: environment variables can only stand for values in JSON, form"
            " and multipart bodies"
        )
    if kind == "text" and isinstance(value, str):
        return Body("text", media_type, value=value)
    if kind == "text":
        return Body("text", media_type, value=_text(value) if value is not None else "")
    return Body("binary", media_type, filename=_filename("upload", media_type))


def body_kind(media_type: str) -> str:
    media_type = media_type.split(";")[0].strip().lower()
    if media_type.endswith("json") or media_type.endswith("+json") or media_type in ("*/*", "application/*"):
        return "json"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    if media_type.startswith("multipart/"):
        return "multipart"
    if media_type.startswith("text/") or media_type.endswith("xml") or media_type.endswith("yaml"):
        return "text"
    return "binary"


_PREFERENCE = ("json", "form", "multipart", "text", "binary")


def preferred_media(content: tuple[MediaType, ...]) -> MediaType:
    return min(content, key=lambda m: _PREFERENCE.index(body_kind(m.media_type)))


def _check_env_field(op: Operation, name: str, value: Any, *, as_json: bool = False) -> None:
    """A form or multipart field's whole value may be read from the environment, unless
    the field is sent as JSON."""
    if not any(env_values(value)):
        return
    if as_json:
        raise SnippetError(
            f"{op.key} body field {name} is sent as JSON: an environment variable can only stand for a plain"
            " field value"
        )
    if not isinstance(value, EnvValue):
        raise SnippetError(
            f"{op.key} body field {name}: an environment variable can only stand for a whole field value,"
            " not for a part of it"
        )


def _form_parts(op: Operation, media: MediaType, value: Any) -> list[Part]:
    if not isinstance(value, dict):
        return []
    parts = []
    for name, item in value.items():
        encoding = media.encoding_for(name)
        style = (encoding.style if encoding else None) or "form"
        explode = encoding.explode if encoding and encoding.explode is not None else style == "form"
        as_json = bool(encoding and encoding.content_type and body_kind(encoding.content_type) == "json")
        _check_env_field(op, name, item, as_json=as_json)
        if as_json:
            parts.append(Part(name, json.dumps(item, ensure_ascii=False, separators=(",", ":"))))
            continue
        fake = Parameter(name=name, location="query", style=style, explode=explode)
        parts.extend(Part(k, v) for k, v in _query_pairs(fake, item))
    return parts


def _multipart_parts(api: Api, op: Operation, media: MediaType, value: Any, every_file: bool) -> list[Part]:
    schema = media.schema
    if schema is not None and schema.ref:
        schema = api.schemas.get(schema.ref, schema)
    properties = schema.properties if schema is not None else ()
    props = {p.name: p.schema for p in properties}
    value = dict(value) if isinstance(value, dict) else {}
    # Files have no usable example value (an example or a guide leaves them out): the
    # required ones are always sent, the others when the body was given or is ``all``.
    for prop in properties:
        if (prop.required or every_file) and prop.name not in value and _is_file(api, prop.schema):
            value[prop.name] = None
    parts = []
    for name, item in value.items():
        declared_schema = props.get(name)
        encoding = media.encoding_for(name)
        declared = encoding.content_type.split(",")[0].strip() if encoding and encoding.content_type else None
        if declared_schema is not None and _is_file(api, declared_schema):
            if any(env_values(item)):
                raise SnippetError(
                    f"{op.key} body field {name} is a file: it is read from disk, not from the environment"
                )
            items = item if isinstance(item, list) and item else [None]
            file_type = declared or _file_media_type(api, declared_schema)
            for index, _ in enumerate(items):
                stem = name if len(items) == 1 else f"{name}-{index + 1}"
                parts.append(Part(name, filename=_filename(stem, file_type), content_type=file_type))
            continue
        as_json = isinstance(item, (dict, list)) and not (isinstance(item, list) and all(_scalar(v) for v in item))
        _check_env_field(op, name, item, as_json=as_json)
        if isinstance(item, EnvValue):
            parts.append(Part(name, item, content_type=declared))
        elif as_json:
            parts.append(Part(name, json.dumps(item, ensure_ascii=False), content_type=declared or "application/json"))
        elif isinstance(item, list):
            parts.extend(Part(name, _text(v), content_type=declared) for v in item)
        else:
            parts.append(Part(name, _text(item), content_type=declared))
    return parts


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _is_file(api: Api, schema: Schema) -> bool:
    if schema.ref:
        schema = api.schemas.get(schema.ref, schema)
    if "array" in schema.types and schema.items is not None:
        return _is_file(api, schema.items)
    if schema.format == "binary":
        return True
    return bool(schema.content_media_type and not schema.content_media_type.endswith("json"))


def _file_media_type(api: Api, schema: Schema) -> str:
    if schema.ref:
        schema = api.schemas.get(schema.ref, schema)
    if "array" in schema.types and schema.items is not None:
        return _file_media_type(api, schema.items)
    return schema.content_media_type or "application/octet-stream"


def _filename(stem: str, media_type: str) -> str:
    """A file name for an upload: the stem made safe for every shell, and an
    extension that matches the media type."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "upload"
    media_type = media_type.split(";")[0].strip().lower()
    extension = {"application/octet-stream": ".bin", "text/plain": ".txt", "image/jpeg": ".jpg"}.get(
        media_type
    ) or mimetypes.guess_extension(media_type, strict=False)
    return stem + (extension or ".bin")
