"""The one HTTP request a snippet makes, worked out from the spec (pure).

Every language renders the same :class:`HttpRequest`, so they cannot disagree about
what is sent. Parameters are serialized here, per their OpenAPI ``style`` and
``explode``; the languages only quote and encode strings.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from ..examples import example_for
from ..spec.model import UNSET, Api, MediaType, Operation, Parameter, Schema, SecurityScheme

# A relative or missing server URL has no host: snippets then call `portal mock`.
MOCK_URL = "http://localhost:4010"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Headers that OpenAPI says to ignore as parameters: auth and content negotiation are
# described elsewhere in the spec.
_IGNORED_HEADERS = {"accept", "content-type", "authorization"}


@dataclass(frozen=True)
class Credential:
    """Where one security scheme's secret goes; the secret itself comes from ``env``."""

    scheme: str
    kind: str  # bearer | basic | header | query | cookie
    name: str  # header, query or cookie name (``Authorization`` for bearer and basic)
    env: tuple[str, ...]  # environment variables: one, or user and password for basic
    prefix: str = ""  # what precedes the secret in a header, e.g. ``Bearer ``


@dataclass(frozen=True)
class Part:
    """A form field or a multipart part; ``filename`` marks a file read from disk."""

    name: str
    value: str = ""
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Body:
    kind: str  # json | form | multipart | binary | text
    media_type: str
    value: Any = None  # json: the value; text: the string
    parts: tuple[Part, ...] = ()  # form and multipart
    filename: str | None = None  # binary: the file whose bytes are the body


@dataclass(frozen=True)
class HttpRequest:
    """Everything a snippet sends. Strings are raw (not yet quoted for any language);
    ``path`` is already percent-encoded, query pairs are not."""

    operation: str
    method: str  # upper case
    base_url: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    cookies: tuple[tuple[str, str], ...] = ()
    credentials: tuple[Credential, ...] = ()
    body: Body | None = None
    response: str = "json"  # what a success returns: json | text | binary | none

    @property
    def url(self) -> str:
        return self.base_url + self.path

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
        """Environment variables the snippet reads."""
        return tuple(dict.fromkeys(name for c in self.credentials for name in c.env))

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies)

    def cookie_pieces(self) -> tuple[str | Credential, ...]:
        """The ``Cookie`` header's value as literal text and the credentials spliced
        into it, in order (empty: no Cookie header). Languages join the pieces their
        own way: ``+`` in most, ``.`` in PHP, one shell word in curl."""
        pieces: list[str | Credential] = [self.cookie_header] if self.cookies else []
        for credential in self.credential("cookie"):
            glue = "; " if pieces else ""
            if pieces and isinstance(pieces[-1], str):
                pieces[-1] += f"{glue}{credential.name}="
            else:
                pieces.append(f"{glue}{credential.name}=")
            pieces.append(credential)
        return tuple(pieces)

    @property
    def query_string(self) -> str:
        """The fixed query, percent-encoded (spaces as ``%20``)."""
        return urlencode(self.query, quote_via=quote)

    def credential(self, kind: str) -> tuple[Credential, ...]:
        return tuple(c for c in self.credentials if c.kind == kind)


@dataclass(frozen=True)
class SnippetSettings:
    """What the user configures about snippets (mkdocs.yml)."""

    base_url: str = ""
    env_prefix: str = "API"
    credentials: Mapping[str, Any] = field(default_factory=dict)  # scheme -> VAR or [USER, PASSWORD]


class SnippetError(ValueError):
    """A snippet cannot be made as asked (an unknown parameter, say)."""


def build_request(
    api: Api,
    op: Operation,
    settings: SnippetSettings = SnippetSettings(),
    *,
    values: Mapping[str, Any] | None = None,
    body: Any = UNSET,
) -> HttpRequest:
    """The request a snippet for ``op`` makes.

    Required parameters always get a value: ``values`` (by parameter name) first, then
    the spec's examples, then one generated from the schema that satisfies it. Optional
    parameters are sent only when ``values`` names them. A request body, when the
    operation has one, is always sent.
    """
    values = dict(values or {})
    path = op.path
    query: list[tuple[str, str]] = []
    headers: list[tuple[str, str]] = []
    cookies: list[tuple[str, str]] = []
    for param in op.parameters:
        if param.location == "header" and param.name.lower() in _IGNORED_HEADERS:
            continue
        if param.name in values:
            value = values.pop(param.name)
        elif param.required or param.location == "path":
            value = parameter_value(api, param)
        else:
            continue
        if param.location == "path":
            path = path.replace("{" + param.name + "}", _path_value(param, value))
        elif param.location == "query":
            query.extend(_query_pairs(param, value))
        elif param.location == "header":
            headers.append((param.name, _header_safe(_simple(param, value, encode=False))))
        elif param.location == "cookie":
            cookies.extend(_cookie_pairs(param, value))
    if values:
        unknown = ", ".join(sorted(values))
        raise SnippetError(f"{op.key} has no parameter {unknown}")
    return HttpRequest(
        operation=op.key,
        method=op.method.upper(),
        base_url=_base_url(api, op, settings),
        path=path,
        query=tuple(query),
        headers=tuple(headers),
        cookies=tuple(cookies),
        credentials=credentials_for(api, op, settings),
        body=_body(api, op, body),
        response=_response_kind(op),
    )


def _response_kind(op: Operation) -> str:
    for response in op.responses:
        if response.status.startswith("2") or response.status.upper() == "2XX":
            if not response.content:
                return "none"
            kind = body_kind(response.content[0].media_type)
            return kind if kind in ("json", "text") else "binary"
    return "text"


def parameter_value(api: Api, param: Parameter) -> Any:
    """The spec's example for a parameter, else a generated one that satisfies it."""
    for example in param.examples:
        if example.value is not UNSET:
            return example.value
    schema = param.schema
    if schema is None and param.content:
        media = param.content[0]
        for example in media.examples:
            if example.value is not UNSET:
                return example.value
        schema = media.schema
    value = example_for(schema, api.schemas, direction="request") if schema is not None else None
    if value in (None, "", [], {}):
        # Never an empty path segment: a value that reads as an example of its kind.
        value = _fallback(param.name, schema)
    return value


def _fallback(name: str, schema: Schema | None) -> Any:
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


# -- base URL and credentials ----------------------------------------------------------


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


def _credential(scheme: SecurityScheme, settings: SnippetSettings, used: set[str]) -> Credential | None:
    env = env_names(scheme, settings)
    if any(name in used for name in env):  # two schemes at once: keep their secrets apart
        suffix = re.sub(r"[^A-Za-z0-9]+", "_", scheme.name).upper()
        env = tuple(f"{name}_{suffix}" for name in env)
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


# -- parameter serialization (OpenAPI 3 styles) ----------------------------------------


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


def _path_value(param: Parameter, value: Any) -> str:
    style = param.style or "simple"
    explode = bool(param.explode)
    if param.content:
        return _encode(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if style == "label":
        if isinstance(value, list):
            return "." + ("." if explode else ",").join(_encode(v) for v in value)
        if isinstance(value, dict):
            if explode:
                return "." + ".".join(f"{_encode(k)}={_encode(v)}" for k, v in value.items())
            return "." + ",".join(f"{_encode(k)},{_encode(v)}" for k, v in value.items())
        return "." + _encode(value)
    if style == "matrix":
        name = _encode(param.name)
        if isinstance(value, list):
            if explode:
                return "".join(f";{name}={_encode(v)}" for v in value)
            return f";{name}=" + ",".join(_encode(v) for v in value)
        if isinstance(value, dict):
            if explode:
                return "".join(f";{_encode(k)}={_encode(v)}" for k, v in value.items())
            return f";{name}=" + ",".join(f"{_encode(k)},{_encode(v)}" for k, v in value.items())
        return f";{name}={_encode(value)}"
    return _simple(param, value, encode=True)


def _simple(param: Parameter, value: Any, *, encode: bool) -> str:
    """``simple`` style (path and header parameters)."""
    enc = _encode if encode else _text
    if param.content:
        return enc(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if isinstance(value, list):
        return ",".join(enc(v) for v in value)
    if isinstance(value, dict):
        if param.explode:
            return ",".join(f"{enc(k)}={enc(v)}" for k, v in value.items())
        return ",".join(f"{enc(k)},{enc(v)}" for k, v in value.items())
    return enc(value)


def _query_pairs(param: Parameter, value: Any) -> list[tuple[str, str]]:
    name = param.name
    if param.content:
        return [(name, json.dumps(value, ensure_ascii=False, separators=(",", ":")))]
    style = param.style or "form"
    explode = param.explode if param.explode is not None else style == "form"
    if style == "deepObject" and isinstance(value, dict):
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


def _deep_object(name: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _deep_object(f"{name}[{k}]", v)]
    if isinstance(value, list):
        return [(f"{name}[]", _text(v)) for v in value]
    return [(name, _text(value))]


def _cookie_pairs(param: Parameter, value: Any) -> list[tuple[str, str]]:
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


# -- request bodies ---------------------------------------------------------------------


def _body(api: Api, op: Operation, override: Any) -> Body | None:
    if op.request_body is None or not op.request_body.content:
        return None
    media = preferred_media(op.request_body.content)
    kind = body_kind(media.media_type)
    if override is not UNSET:
        value = override
    else:
        value = next((e.value for e in media.examples if e.value is not UNSET), UNSET)
        if value is UNSET:
            value = example_for(media.schema, api.schemas, direction="request") if media.schema else None
    media_type = media.media_type.split(";")[0].strip()
    if media_type in ("*/*", "application/*"):
        media_type = "application/json" if kind == "json" else "application/octet-stream"
    if kind == "json":
        return Body("json", media_type, value=value)
    if kind == "form":
        return Body("form", media_type, parts=tuple(_form_parts(media, value)))
    if kind == "multipart":
        return Body("multipart", media_type, parts=tuple(_multipart_parts(api, media, value)))
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


def _form_parts(media: MediaType, value: Any) -> list[Part]:
    if not isinstance(value, dict):
        return []
    parts = []
    for name, item in value.items():
        encoding = media.encoding_for(name)
        style = (encoding.style if encoding else None) or "form"
        explode = encoding.explode if encoding and encoding.explode is not None else style == "form"
        if encoding and encoding.content_type and body_kind(encoding.content_type) == "json":
            parts.append(Part(name, json.dumps(item, ensure_ascii=False, separators=(",", ":"))))
            continue
        fake = Parameter(name=name, location="query", style=style, explode=explode)
        parts.extend(Part(k, v) for k, v in _query_pairs(fake, item))
    return parts


def _multipart_parts(api: Api, media: MediaType, value: Any) -> list[Part]:
    schema = media.schema
    if schema is not None and schema.ref:
        schema = api.schemas.get(schema.ref, schema)
    props = {p.name: p.schema for p in schema.properties} if schema is not None else {}
    if not isinstance(value, dict):
        value = {}
    # Required file properties have no usable example value: make sure they are sent.
    for name, prop in props.items():
        if name not in value and _is_file(api, prop):
            value[name] = None
    parts = []
    for name, item in value.items():
        declared_schema = props.get(name)
        encoding = media.encoding_for(name)
        declared = encoding.content_type.split(",")[0].strip() if encoding and encoding.content_type else None
        if declared_schema is not None and _is_file(api, declared_schema):
            items = item if isinstance(item, list) and item else [None]
            file_type = declared or _file_media_type(api, declared_schema)
            for index, _ in enumerate(items):
                stem = name if len(items) == 1 else f"{name}-{index + 1}"
                parts.append(Part(name, filename=_filename(stem, file_type), content_type=file_type))
            continue
        if isinstance(item, (dict, list)) and not (isinstance(item, list) and all(_scalar(v) for v in item)):
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
