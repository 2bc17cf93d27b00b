"""The API model: plain immutable data built from a bundled OpenAPI document.

Nothing here does IO. Named schemas are referenced by name (``Schema.ref``) and looked
up in :attr:`Api.schemas`, so circular schemas are finite data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Pointer = tuple[str, ...]


class _Unset:
    """Marks a value the spec does not give (``None`` is a valid JSON value)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


# Header parameters OpenAPI ignores ("the parameter definition SHALL be ignored"): the
# media types and the security schemes set them. The model leaves them out.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass(frozen=True)
class Discriminator:
    property_name: str
    mapping: tuple[tuple[str, str], ...] = ()  # (value, schema name)


@dataclass(frozen=True)
class Property:
    name: str
    schema: Schema
    required: bool = False


@dataclass(frozen=True)
class Schema:
    """A JSON Schema as portal shows it: allOf already merged, refs kept by name."""

    ref: str | None = None  # name of a component schema this node stands for
    name: str | None = None  # set on component schemas themselves
    title: str | None = None
    description: str | None = None
    types: tuple[str, ...] = ()  # without "null": see ``nullable``
    format: str | None = None
    nullable: bool = False
    properties: tuple[Property, ...] = ()
    additional: bool | Schema | None = None  # None: not specified
    items: Schema | None = None
    prefix_items: tuple[Schema, ...] = ()
    one_of: tuple[Schema, ...] = ()
    any_of: tuple[Schema, ...] = ()
    not_: Schema | None = None
    discriminator: Discriminator | None = None
    extends: tuple[str, ...] = ()  # names of schemas merged from allOf
    requires: tuple[str, ...] = ()  # required names not among ``properties`` (e.g. in oneOf branches)
    enum: tuple[Any, ...] | None = None
    const: Any = UNSET
    default: Any = UNSET
    examples: tuple[Any, ...] = ()
    constraints: tuple[tuple[str, Any], ...] = ()
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    content_media_type: str | None = None
    pointer: Pointer = ()
    # Where a schema reached through a `$ref` into another schema (not a named one)
    # comes back to itself: the name shown (the target's key), and the model page of
    # the named schema that holds it, if any. Nothing is modelled past it.
    cycle: str | None = None
    cycle_model: str | None = None

    @property
    def is_object(self) -> bool:
        return bool(self.properties) or "object" in self.types

    @property
    def type_label(self) -> str:
        """``string``, ``array[Pet]``, ``string | null``, ``Pet`` ..."""
        if self.ref:
            base = self.ref
        elif self.cycle:
            base = self.cycle
        elif self.types:
            parts = []
            for t in self.types:
                if t == "array" and self.items is not None:
                    parts.append(f"array[{self.items.type_label}]")
                else:
                    parts.append(t)
            base = " | ".join(parts)
        elif self.one_of or self.any_of:
            base = "one of" if self.one_of else "any of"
        elif self.properties:
            base = "object"
        elif self.enum is not None or self.const is not UNSET:
            base = "enum" if self.enum is not None else "const"
        else:
            base = "any"
        if self.format and not self.ref:
            base += f" ({self.format})"
        if self.nullable:
            base += " | null"
        return base


@dataclass(frozen=True)
class Example:
    name: str
    value: Any = UNSET
    summary: str | None = None
    description: str | None = None
    external_value: str | None = None


@dataclass(frozen=True)
class Encoding:
    """How one property of a form or multipart body is serialized."""

    name: str
    content_type: str | None = None
    style: str | None = None
    explode: bool | None = None


@dataclass(frozen=True)
class MediaType:
    media_type: str
    schema: Schema | None = None
    examples: tuple[Example, ...] = ()
    encoding: tuple[Encoding, ...] = ()

    def encoding_for(self, name: str) -> Encoding | None:
        return next((e for e in self.encoding if e.name == name), None)


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path | query | header | cookie
    description: str | None = None
    required: bool = False
    deprecated: bool = False
    schema: Schema | None = None
    style: str | None = None
    explode: bool | None = None
    examples: tuple[Example, ...] = ()
    content: tuple[MediaType, ...] = ()
    pointer: Pointer = ()


@dataclass(frozen=True)
class RequestBody:
    content: tuple[MediaType, ...]
    description: str | None = None
    required: bool = False


@dataclass(frozen=True)
class Header:
    name: str
    description: str | None = None
    required: bool = False
    deprecated: bool = False
    schema: Schema | None = None


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX", "default"
    description: str | None = None
    headers: tuple[Header, ...] = ()
    content: tuple[MediaType, ...] = ()


@dataclass(frozen=True)
class SecurityRequirement:
    """One alternative: all of its schemes together satisfy it. Empty means anonymous."""

    schemes: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Callback:
    name: str
    expression: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Operation:
    method: str  # lower case
    path: str
    operation_id: str | None = None
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    deprecated: bool = False
    parameters: tuple[Parameter, ...] = ()
    request_body: RequestBody | None = None
    responses: tuple[Response, ...] = ()
    security: tuple[SecurityRequirement, ...] = ()
    callbacks: tuple[Callback, ...] = ()
    servers: tuple[Server, ...] = ()
    webhook: str | None = None  # the webhook name for 3.1 webhooks
    extensions: Mapping[str, Any] = field(default_factory=dict)
    pointer: Pointer = ()

    @property
    def key(self) -> str:
        """How users name this operation: its operationId, else ``METHOD /path``."""
        return self.operation_id or f"{self.method.upper()} {self.path}"

    @property
    def title(self) -> str:
        return self.summary or self.operation_id or f"{self.method.upper()} {self.path}"


@dataclass(frozen=True)
class ServerVariable:
    name: str
    default: str
    enum: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class Server:
    url: str
    description: str | None = None
    variables: tuple[ServerVariable, ...] = ()

    @property
    def default_url(self) -> str:
        url = self.url
        for variable in self.variables:
            url = url.replace("{" + variable.name + "}", variable.default)
        return url


@dataclass(frozen=True)
class OAuthFlow:
    kind: str  # implicit | password | clientCredentials | authorizationCode
    authorization_url: str | None = None
    token_url: str | None = None
    refresh_url: str | None = None
    scopes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    type: str  # apiKey | http | oauth2 | openIdConnect | mutualTLS
    description: str | None = None
    scheme: str | None = None  # for http: basic, bearer, ...
    bearer_format: str | None = None
    param_name: str | None = None  # for apiKey
    location: str | None = None  # for apiKey: header | query | cookie
    flows: tuple[OAuthFlow, ...] = ()
    openid_connect_url: str | None = None


@dataclass(frozen=True)
class Tag:
    name: str
    description: str | None = None
    external_url: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    openapi: str
    summary: str | None = None
    description: str | None = None
    servers: tuple[Server, ...] = ()
    tags: tuple[Tag, ...] = ()
    operations: tuple[Operation, ...] = ()
    webhooks: tuple[Operation, ...] = ()
    schemas: Mapping[str, Schema] = field(default_factory=dict)
    security_schemes: tuple[SecurityScheme, ...] = ()
    security: tuple[SecurityRequirement, ...] = ()
    contact: Contact | None = None
    license_name: str | None = None
    license_url: str | None = None
    terms_of_service: str | None = None

    def operation(self, name: str) -> Operation | None:
        """An operation by operationId or by ``METHOD /path`` (method in any case)."""
        method, _, path = name.strip().partition(" ")
        for op in self.operations:
            if op.operation_id == name or (path and op.method == method.lower() and op.path == path.strip()):
                return op
        return None

    def security_scheme(self, name: str) -> SecurityScheme | None:
        for scheme in self.security_schemes:
            if scheme.name == name:
                return scheme
        return None


def json_type(value: Any) -> str:
    """The JSON Schema type of a Python value read from JSON or YAML (``true`` is a
    boolean, not an integer)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, (list, tuple)) else "object"
