"""Turn a bundled OpenAPI document into the immutable :class:`Api` model (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from ..errors import PortalError
from ..load.spec import MISSING, SpecSource, parse_fragment, resolve_pointer
from .api import (
    IGNORED_HEADERS,
    UNSET,
    Api,
    Callback,
    Contact,
    Discriminator,
    Encoding,
    Example,
    Header,
    MediaType,
    OAuthFlow,
    Operation,
    Parameter,
    Pointer,
    Property,
    RequestBody,
    Response,
    Schema,
    SecurityRequirement,
    SecurityScheme,
    Server,
    ServerVariable,
    Tag,
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# The validation keywords shown and used for values, each with the type it must have.
_CONSTRAINTS: dict[str, Callable[[Any], bool]] = {
    "minimum": _is_number,
    "exclusiveMinimum": _is_number,
    "maximum": _is_number,
    "exclusiveMaximum": _is_number,
    "multipleOf": lambda v: _is_number(v) and v > 0,
    "minLength": _is_count,
    "maxLength": _is_count,
    "pattern": lambda v: isinstance(v, str),
    "minItems": _is_count,
    "maxItems": _is_count,
    "uniqueItems": lambda v: isinstance(v, bool),
    "minProperties": _is_count,
    "maxProperties": _is_count,
}
_SCHEMA_REF_PREFIX = "#/components/schemas/"


def build_api(source: SpecSource) -> Api:
    """Build the model; raises :class:`PortalError` for what validation cannot see.

    The named schemas (``Api.schemas``) are modelled when first asked for: a rebuild
    whose pages come from the cache asks for few of them (on GitHub's spec, modelling
    them all took 1.3 s of every warm build). A schema's error is raised then.
    """
    return _Builder(source).build()


class _NamedSchemas(Mapping[str, Schema]):
    """``components.schemas``, each modelled on first use and kept (read-only)."""

    def __init__(self, raw: Mapping[str, Any], model: Callable[[str, Any], Schema]) -> None:
        self._raw = raw
        self._model = model
        self._built: dict[str, Schema] = {}

    def __getitem__(self, name: str) -> Schema:
        found = self._built.get(name)
        if found is None:
            found = self._built[name] = self._model(name, self._raw[name])
        return found

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return f"<{len(self._raw)} named schemas, {len(self._built)} modelled>"


# What may sit next to `allOf: [{$ref: X}]` for the schema to still be X.
_ANNOTATIONS = frozenset(
    {"description", "title", "nullable", "deprecated", "readOnly", "writeOnly", "example", "examples", "externalDocs"}
)


def _annotated_ref(raw: dict[str, Any]) -> str | None:
    """X, for a schema that is ``allOf: [{$ref: "#/components/schemas/X"}]`` plus
    annotations: the idiom for a description (or ``nullable``) on a reference."""
    parts = raw.get("allOf")
    if not isinstance(parts, list) or len(parts) != 1 or not isinstance(parts[0], dict):
        return None
    ref = parts[0].get("$ref")
    if len(parts[0]) != 1 or not isinstance(ref, str) or not ref.startswith(_SCHEMA_REF_PREFIX) or ref.count("/") != 3:
        return None
    if any(key != "allOf" and key not in _ANNOTATIONS and not key.startswith("x-") for key in raw):
        return None
    return parse_fragment(ref)[-1]


def _map(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping, else nothing: the model leaves out what is malformed
    (the validator reports it) instead of stopping there."""
    return value if isinstance(value, dict) else {}


def _seq(value: Any) -> list[Any]:
    """``value`` if it is a list, else nothing (see :func:`_map`)."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


class _Builder:
    def __init__(self, source: SpecSource) -> None:
        self.source = source
        self.data = source.data
        # Targets of the `$ref`s into schemas being modelled (not named schemas, which
        # stay references): one met again is a cycle.
        self.inlining: list[Pointer] = []
        # Named schemas whose content is being modelled (merged from allOf, or their own).
        self.expanding: list[str] = []

    # -- refs ----------------------------------------------------------------------------

    def resolve(self, node: Any, pointer: Pointer) -> tuple[Any, Pointer]:
        """Follow internal ``$ref`` chains (non-schema objects are inlined this way)."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise PortalError(
                    f"circular $ref '{ref}'",
                    self.source.locate((*pointer, "$ref")),
                    "a $ref chain must end at an object",
                )
            seen.add(ref)
            target_pointer = parse_fragment(ref)
            target = resolve_pointer(self.data, target_pointer)
            if target is MISSING:  # a warning of load_spec's: nothing to show there
                return {}, target_pointer
            node, pointer = target, target_pointer
        return node, pointer

    # -- top level -------------------------------------------------------------------------

    def build(self) -> Api:
        data = self.data
        info = _map(data.get("info"))
        components = _map(data.get("components"))
        raw_schemas = components.get("schemas")
        schemas = _NamedSchemas(
            raw_schemas if isinstance(raw_schemas, dict) else {},
            lambda name, raw: self.schema(raw, ("components", "schemas", name), name=name),
        )
        operations = []
        for path, item in _map(data.get("paths")).items():
            operations.extend(self.path_item(item, ("paths", path), path))
        webhooks = []
        for name, item in _map(data.get("webhooks")).items():
            webhooks.extend(self.path_item(item, ("webhooks", name), name, webhook=name))
        contact = info.get("contact")
        license_ = _map(info.get("license"))
        return Api(
            title=str(info.get("title") or "API"),
            version=str(info.get("version") or ""),
            openapi=str(data.get("openapi")),
            summary=_text(info.get("summary")),
            description=_text(info.get("description")),
            servers=self.servers(data.get("servers")) or (Server(url="/"),),
            tags=self.tags(operations + webhooks),
            operations=tuple(operations),
            webhooks=tuple(webhooks),
            schemas=schemas,
            security_schemes=tuple(
                self.security_scheme(name, raw, ("components", "securitySchemes", name))
                for name, raw in _map(components.get("securitySchemes")).items()
            ),
            security=self.security(data.get("security")),
            contact=Contact(
                name=_text(contact.get("name")), url=_text(contact.get("url")), email=_text(contact.get("email"))
            )
            if isinstance(contact, dict)
            else None,
            license_name=_text(license_.get("name")),
            license_url=_text(license_.get("url")),
            terms_of_service=_text(info.get("termsOfService")),
        )

    def tags(self, operations: list[Operation]) -> tuple[Tag, ...]:
        tags: dict[str, Tag] = {}
        for raw in _seq(self.data.get("tags")):
            if isinstance(raw, dict) and isinstance(raw.get("name"), str):
                docs = _map(raw.get("externalDocs"))
                tags[raw["name"]] = Tag(raw["name"], _text(raw.get("description")), _text(docs.get("url")))
        for operation in operations:
            for name in operation.tags:
                tags.setdefault(name, Tag(name))
        return tuple(tags.values())

    def servers(self, raw: Any) -> tuple[Server, ...]:
        servers = []
        for item in _seq(raw):
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                continue
            variables = tuple(
                ServerVariable(
                    name=name,
                    default=str(var.get("default", "")),
                    enum=tuple(str(v) for v in _seq(var.get("enum"))),
                    description=_text(var.get("description")),
                )
                for name, var in _map(item.get("variables")).items()
                if isinstance(var, dict)
            )
            servers.append(Server(item["url"], _text(item.get("description")), variables))
        return tuple(servers)

    def security(self, raw: Any) -> tuple[SecurityRequirement, ...]:
        if not isinstance(raw, list):
            return ()
        return tuple(
            SecurityRequirement(tuple((name, tuple(str(s) for s in _seq(scopes))) for name, scopes in item.items()))
            for item in raw
            if isinstance(item, dict)
        )

    def security_scheme(self, name: str, raw: Any, pointer: Pointer) -> SecurityScheme:
        raw, pointer = self.resolve(raw, pointer)
        raw = _map(raw)
        flows = tuple(
            OAuthFlow(
                kind=kind,
                authorization_url=_text(flow.get("authorizationUrl")),
                token_url=_text(flow.get("tokenUrl")),
                refresh_url=_text(flow.get("refreshUrl")),
                scopes=tuple((str(k), str(v)) for k, v in _map(flow.get("scopes")).items()),
            )
            for kind, flow in _map(raw.get("flows")).items()
            if isinstance(flow, dict)
        )
        return SecurityScheme(
            name=name,
            type=str(raw.get("type")),
            description=_text(raw.get("description")),
            scheme=scheme.lower() if (scheme := _text(raw.get("scheme"))) else None,
            bearer_format=_text(raw.get("bearerFormat")),
            param_name=_text(raw.get("name")),
            location=_text(raw.get("in")),
            flows=flows,
            openid_connect_url=_text(raw.get("openIdConnectUrl")),
        )

    # -- operations ----------------------------------------------------------------------

    def path_item(self, item: Any, pointer: Pointer, path: str, webhook: str | None = None) -> list[Operation]:
        item, pointer = self.resolve(item, pointer)
        if not isinstance(item, dict):
            return []
        shared = self.parameters(item.get("parameters"), (*pointer, "parameters"))
        servers = self.servers(item.get("servers"))
        operations = []
        for method in HTTP_METHODS:
            raw = item.get(method)
            if isinstance(raw, dict):
                operations.append(self.operation(raw, (*pointer, method), method, path, shared, servers, webhook))
        return operations

    def operation(
        self,
        raw: dict[str, Any],
        pointer: Pointer,
        method: str,
        path: str,
        shared: tuple[Parameter, ...],
        servers: tuple[Server, ...],
        webhook: str | None,
    ) -> Operation:
        own = self.parameters(raw.get("parameters"), (*pointer, "parameters"))
        merged = {(p.name, p.location): p for p in shared}
        merged.update({(p.name, p.location): p for p in own})
        security = self.security(raw["security"]) if "security" in raw else self.security(self.data.get("security"))
        callbacks = []
        for name, cb in _map(raw.get("callbacks")).items():
            cb, cb_pointer = self.resolve(cb, (*pointer, "callbacks", name))
            for expression, item in _map(cb).items():
                if expression.startswith("x-"):
                    continue
                ops = self.path_item(item, (*cb_pointer, expression), expression)
                callbacks.append(Callback(name, expression, tuple(ops)))
        return Operation(
            method=method,
            path=path,
            operation_id=_text(raw.get("operationId")),
            summary=_text(raw.get("summary")),
            description=_text(raw.get("description")),
            tags=tuple(str(t) for t in _seq(raw.get("tags")) if isinstance(t, (str, int, float))),
            deprecated=bool(raw.get("deprecated")),
            parameters=tuple(merged.values()),
            request_body=self.request_body(raw.get("requestBody"), (*pointer, "requestBody")),
            responses=tuple(
                self.response(str(status), resp, (*pointer, "responses", str(status)))
                for status, resp in _map(raw.get("responses")).items()
                if not str(status).startswith("x-")
            ),
            security=security,
            callbacks=tuple(callbacks),
            servers=self.servers(raw.get("servers")) or servers,
            webhook=webhook,
            extensions=MappingProxyType({k: v for k, v in raw.items() if k.startswith("x-")}),
            pointer=pointer,
        )

    def parameters(self, raw: Any, pointer: Pointer) -> tuple[Parameter, ...]:
        result = []
        for index, item in enumerate(_seq(raw)):
            item, item_pointer = self.resolve(item, (*pointer, str(index)))
            if not isinstance(item, dict) or "name" not in item:
                continue
            location = str(item.get("in", "query"))
            if location == "header" and str(item["name"]).lower() in IGNORED_HEADERS:
                continue  # OpenAPI: "the parameter definition SHALL be ignored"
            result.append(
                Parameter(
                    name=str(item["name"]),
                    location=location,
                    description=_text(item.get("description")),
                    required=bool(item.get("required")) or location == "path",
                    deprecated=bool(item.get("deprecated")),
                    schema=self.optional_schema(item.get("schema"), (*item_pointer, "schema")),
                    style=_text(item.get("style")),
                    explode=item.get("explode") if isinstance(item.get("explode"), bool) else None,
                    examples=self.examples(item, item_pointer),
                    content=self.content(item.get("content"), (*item_pointer, "content")),
                    pointer=item_pointer,
                )
            )
        return tuple(result)

    def request_body(self, raw: Any, pointer: Pointer) -> RequestBody | None:
        if raw is None:
            return None
        raw, pointer = self.resolve(raw, pointer)
        if not isinstance(raw, dict):
            return None
        return RequestBody(
            content=self.content(raw.get("content"), (*pointer, "content")),
            description=_text(raw.get("description")),
            required=bool(raw.get("required")),
        )

    def response(self, status: str, raw: Any, pointer: Pointer) -> Response:
        raw, pointer = self.resolve(raw, pointer)
        raw = _map(raw)
        headers = []
        for name, header in _map(raw.get("headers")).items():
            header, header_pointer = self.resolve(header, (*pointer, "headers", name))
            header = _map(header)
            headers.append(
                Header(
                    name=name,
                    description=_text(header.get("description")),
                    required=bool(header.get("required")),
                    deprecated=bool(header.get("deprecated")),
                    schema=self.optional_schema(header.get("schema"), (*header_pointer, "schema")),
                )
            )
        return Response(
            status=status,
            description=_text(raw.get("description")),
            headers=tuple(headers),
            content=self.content(raw.get("content"), (*pointer, "content")),
        )

    def content(self, raw: Any, pointer: Pointer) -> tuple[MediaType, ...]:
        if not isinstance(raw, dict):
            return ()
        return tuple(
            MediaType(
                media_type=str(media_type),
                schema=self.optional_schema(item.get("schema"), (*pointer, media_type, "schema")),
                examples=self.examples(item, (*pointer, media_type)),
                encoding=tuple(
                    Encoding(
                        name=str(name),
                        content_type=_text(value.get("contentType")),
                        style=_text(value.get("style")),
                        explode=value["explode"] if isinstance(value.get("explode"), bool) else None,
                    )
                    for name, value in _map(item.get("encoding")).items()
                    if isinstance(value, dict)
                ),
            )
            for media_type, item in raw.items()
            if isinstance(item, dict)
        )

    def examples(self, raw: dict[str, Any], pointer: Pointer) -> tuple[Example, ...]:
        if "example" in raw:
            return (Example(name="example", value=raw["example"]),)
        result = []
        for name, item in _map(raw.get("examples")).items():
            item, _ = self.resolve(item, (*pointer, "examples", name))
            if not isinstance(item, dict):
                continue
            result.append(
                Example(
                    name=str(name),
                    value=item.get("value", UNSET),
                    summary=_text(item.get("summary")),
                    description=_text(item.get("description")),
                    external_value=_text(item.get("externalValue")),
                )
            )
        return tuple(result)

    # -- schemas ----------------------------------------------------------------------

    def optional_schema(self, raw: Any, pointer: Pointer) -> Schema | None:
        return None if raw is None else self.schema(raw, pointer)

    def schema(self, raw: Any, pointer: Pointer, name: str | None = None) -> Schema:
        if raw is True or raw is None:
            return Schema(pointer=pointer)
        if raw is False:
            return Schema(types=("never",), pointer=pointer)
        if not isinstance(raw, dict):
            return Schema(pointer=pointer)
        ref = raw.get("$ref")
        if isinstance(ref, str) and name is None:
            if ref.startswith(_SCHEMA_REF_PREFIX) and ref.count("/") == 3:
                ref_name = parse_fragment(ref)[-1]
                # 3.1 allows description next to $ref; keep it on the reference.
                return Schema(ref=ref_name, description=_text(raw.get("description")), pointer=pointer)
            raw, pointer = self.resolve(raw, pointer)
            if not isinstance(raw, dict):
                return Schema(pointer=pointer)
            if pointer in self.inlining:
                return self._cycle(raw, pointer)
            self.inlining.append(pointer)
            try:
                return self._merged(raw, pointer, name)
            finally:
                self.inlining.pop()
        if name is None:
            named = _annotated_ref(raw)
            if named is not None:
                # `allOf: [{$ref: X}]` with a description (or `nullable`): X, annotated.
                return Schema(
                    ref=named,
                    description=_text(raw.get("description")),
                    nullable=raw.get("nullable") is True,
                    pointer=pointer,
                )
        return self._merged(raw, pointer, name)

    def _merged(self, raw: dict[str, Any], pointer: Pointer, name: str | None) -> Schema:
        merged, extends = self.merge_all_of(raw, pointer, [])
        # Below here, a schema that includes one of these (itself, say) links to it
        # instead of merging it again, forever.
        expanding = [*extends, *([name] if name else [])]
        self.expanding.extend(expanding)
        try:
            return self._schema_from(merged, pointer, name, extends)
        finally:
            del self.expanding[len(self.expanding) - len(expanding) :]

    def _cycle(self, raw: dict[str, Any], pointer: Pointer) -> Schema:
        """The place where a schema inside another comes back to itself."""
        raw_type = raw.get("type")
        types = tuple(str(t) for t in (raw_type if isinstance(raw_type, list) else [raw_type]) if t and t != "null")
        if not types and isinstance(raw.get("properties"), dict):
            types = ("object",)
        named = len(pointer) > 2 and pointer[:2] == ("components", "schemas")
        return Schema(
            types=types,
            title=_text(raw.get("title")),
            cycle=str(raw.get("title") or pointer[-1]),
            cycle_model=pointer[2] if named else None,
            pointer=pointer,
        )

    def merge_all_of(
        self, raw: dict[str, Any], pointer: Pointer, stack: list[str]
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Fold ``allOf`` members into one schema; remember which named ones were merged."""
        parts = raw.get("allOf")
        if not isinstance(parts, list) or not parts:
            return raw, ()
        merged: dict[str, Any] = {}
        required: list[str] = []
        properties: dict[str, Any] = {}
        extends: list[str] = []
        for part in parts:
            if not isinstance(part, dict):
                continue
            ref = part.get("$ref")
            if isinstance(ref, str):
                ref_name = parse_fragment(ref)[-1]
                if ref_name in stack:
                    continue  # allOf cycle: the remaining members still merge
                if ref_name in self.expanding:
                    extends.append(ref_name)  # shown as "includes X", not merged into itself
                    continue
                extends.append(ref_name)
                part, part_pointer = self.resolve(part, pointer)
                if not isinstance(part, dict):
                    continue  # a schema that is no object: the validator says so
                part, inner = self.merge_all_of(part, part_pointer, [*stack, ref_name])
                extends.extend(inner)
            else:
                part, inner = self.merge_all_of(part, pointer, stack)
                extends.extend(inner)
            for key, value in part.items():
                if key == "properties" and isinstance(value, dict):
                    properties.update(value)
                elif key == "required" and isinstance(value, list):
                    required.extend(v for v in value if v not in required)
                elif key not in ("allOf", "description", "title", "$ref"):
                    merged.setdefault(key, value)
        for key, value in raw.items():
            if key == "allOf":
                continue
            if key == "properties" and isinstance(value, dict):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required.extend(v for v in value if v not in required)
            else:
                merged[key] = value
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = required
        return merged, tuple(dict.fromkeys(extends))

    def _schema_from(self, raw: dict[str, Any], pointer: Pointer, name: str | None, extends: tuple[str, ...]) -> Schema:
        raw_type = raw.get("type")
        types = tuple(raw_type) if isinstance(raw_type, list) else ((raw_type,) if isinstance(raw_type, str) else ())
        nullable = "null" in types or raw.get("nullable") is True
        types = tuple(str(t) for t in types if t != "null")
        if not types and isinstance(raw.get("properties"), dict):
            types = ("object",)
        required = {n for n in _seq(raw.get("required")) if isinstance(n, str)}
        properties = (
            tuple(
                Property(str(prop), self.schema(value, (*pointer, "properties", str(prop))), prop in required)
                for prop, value in (raw.get("properties") or {}).items()
            )
            if isinstance(raw.get("properties"), dict)
            else ()
        )
        additional_raw = raw.get("additionalProperties")
        additional: bool | Schema | None
        if isinstance(additional_raw, bool):
            additional = additional_raw
        elif isinstance(additional_raw, dict):
            additional = self.schema(additional_raw, (*pointer, "additionalProperties"))
        else:
            additional = None
        constraints: list[tuple[str, Any]] = []
        for key in _CONSTRAINTS:
            if key not in raw:
                continue
            value = raw[key]
            if key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                # 3.0 style: a flag on minimum/maximum; show it as the 3.1 number form.
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and _is_number(raw.get(bound)):
                    constraints = [c for c in constraints if c[0] != bound]
                    constraints.append((key, raw[bound]))
                continue
            if key == "maximum" and raw.get("exclusiveMaximum") is True:
                continue
            if not _CONSTRAINTS[key](value):
                continue  # of the wrong type: the validator says so, the model leaves it out
            constraints.append((key, value))
        examples: tuple[Any, ...] = ()
        if isinstance(raw.get("examples"), list):
            examples = tuple(raw["examples"])
        elif "example" in raw:
            examples = (raw["example"],)
        discriminator = None
        disc = raw.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
            discriminator = Discriminator(
                disc["propertyName"],
                tuple(
                    (str(value), parse_fragment(target)[-1] if "#" in target else target)
                    for value, target in _map(disc.get("mapping")).items()
                    if isinstance(target, str)
                ),
            )
        items_raw = raw.get("items")
        prefix = raw.get("prefixItems")
        if isinstance(items_raw, list):  # draft-4 tuple form, seen in the wild
            prefix, items_raw = items_raw, None
        return Schema(
            name=name,
            title=_text(raw.get("title")),
            description=_text(raw.get("description")),
            types=types,
            format=_text(raw.get("format")),
            nullable=nullable,
            properties=properties,
            additional=additional,
            items=self.schema(items_raw, (*pointer, "items")) if isinstance(items_raw, dict) else None,
            prefix_items=tuple(self.schema(p, (*pointer, "prefixItems", str(i))) for i, p in enumerate(prefix or ()))
            if isinstance(prefix, list)
            else (),
            one_of=self._alternatives(raw.get("oneOf"), (*pointer, "oneOf")),
            any_of=self._alternatives(raw.get("anyOf"), (*pointer, "anyOf")),
            not_=self.schema(raw["not"], (*pointer, "not")) if isinstance(raw.get("not"), dict) else None,
            discriminator=discriminator,
            extends=extends,
            requires=tuple(n for n in required if n not in {p.name for p in properties}),
            enum=tuple(raw["enum"]) if isinstance(raw.get("enum"), list) else None,
            const=raw.get("const", UNSET),
            default=raw.get("default", UNSET),
            examples=examples,
            constraints=tuple(constraints),
            read_only=bool(raw.get("readOnly")),
            write_only=bool(raw.get("writeOnly")),
            deprecated=bool(raw.get("deprecated")),
            content_media_type=_text(raw.get("contentMediaType")),
            pointer=pointer,
        )

    def _alternatives(self, raw: Any, pointer: Pointer) -> tuple[Schema, ...]:
        if not isinstance(raw, list):
            return ()
        return tuple(self.schema(item, (*pointer, str(i))) for i, item in enumerate(raw))
