"""The rules of ``portal diff``, as a table of spec pairs.

Each row is a small base spec and the same spec with one change, and exactly what the
diff must report: its (level, kind) pairs, nothing else. Both sides are written to files
and read with the real loader. The base spec (:func:`document`) holds one of each thing
a change can touch: an inline request body and response (``REQUEST``/``RESPONSE``), a
webhook payload, models used only in responses (``Shown``), only in requests
(``Input``), in both (``Item``), through ``allOf`` (``Tagged``), recursive ones.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal_gen.diff import ACCEPT_KEY, Diff, diff_documents, diff_specs
from portal_gen.load.spec import load_spec

Doc = dict[str, Any]
Mutation = Callable[[Doc], object]
Expected = tuple[str, str]
B, W, N = "breaking", "warning", "info"


# ---------------------------------------------------------------------------
# the base spec


def fields() -> Doc:
    """The object every schema of the base spec starts as."""
    return {
        "type": "object",
        "required": ["name", "count"],
        "properties": {
            "name": {"type": "string", "maxLength": 50},
            "count": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 10},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "note": {"type": "string", "description": "Free text.", "example": "hello"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "when": {"type": "string", "format": "date-time"},
            "size": {"type": "number"},
            "shape": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "id": {"type": "string", "readOnly": True},
            "secret": {"type": "string", "writeOnly": True},
        },
    }


def ref(name: str) -> Doc:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: Any, required: bool | None = None) -> Doc:
    out: Doc = {"content": {"application/json": {"schema": schema}}}
    if required is not None:
        out["required"] = required
    return out


def reply(schema: Any = None, description: str = "OK") -> Doc:
    out: Doc = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


ERROR = {"$ref": "#/components/responses/Error"}


def document(version: str = "3.1.0") -> Doc:
    doc: Doc = {
        "openapi": version,
        "info": {"title": "Things", "version": "1.0.0", "description": "Things, kept."},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {"200": reply({"type": "array", "items": ref("Shown")})},
                },
                "post": {
                    "operationId": "createThing",
                    "summary": "Create a thing",
                    "security": [{"oauth": ["write"]}, {"apiKey": []}],
                    "parameters": [
                        {"name": "dry_run", "in": "query", "schema": {"type": "boolean"}},
                        {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
                    ],
                    "requestBody": body(fields(), required=True),
                    "responses": {
                        "201": {
                            **reply(fields(), "Created"),
                            "headers": {
                                "Location": {"required": True, "schema": {"type": "string"}},
                                "X-Rate-Limit": {"schema": {"type": "integer"}},
                            },
                        },
                        "400": ERROR,
                    },
                },
            },
            "/things/{thingId}": {
                "parameters": [{"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {"schema": ref("Shown")},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "404": ERROR,
                    },
                },
                "put": {
                    "operationId": "putThing",
                    "requestBody": body(ref("Item")),
                    "responses": {"200": reply(ref("Item"))},
                },
            },
            "/inputs": {
                "post": {
                    "operationId": "sendInput",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": ref("Input")},
                            "application/x-www-form-urlencoded": {"schema": ref("Input")},
                        },
                    },
                    "responses": {"204": reply(description="Accepted")},
                }
            },
            "/tagged": {
                "post": {"operationId": "tag", "requestBody": body(ref("Tagged"), True), "responses": {"204": reply()}}
            },
            "/tree": {"get": {"operationId": "getTree", "responses": {"200": reply(ref("Node"))}}},
            "/pair": {"get": {"operationId": "getPair", "responses": {"200": reply(ref("Left"))}}},
        },
        "components": {
            "schemas": {
                "Shown": fields(),
                "Input": fields(),
                "Item": fields(),
                "Named": {"type": "object", "properties": {"label": {"type": "string"}}},
                "Tagged": {"allOf": [ref("Named"), {"type": "object", "properties": {"tag": {"type": "string"}}}]},
                "Node": {
                    "type": "object",
                    "properties": {"value": {"type": "string"}, "children": {"type": "array", "items": ref("Node")}},
                },
                "Left": {"type": "object", "properties": {"name": {"type": "string"}, "right": ref("Right")}},
                "Right": {"type": "object", "properties": {"left": ref("Left")}},
                "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
            },
            "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}},
            "responses": {"Error": reply(ref("Error"), "Problem")},
            "securitySchemes": {
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "https://auth.example.com/token",
                            "scopes": {"read": "Read", "write": "Write", "admin": "Administer"},
                        }
                    },
                },
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }
    if version.startswith("3.1"):
        doc["webhooks"] = {
            "thing.created": {"post": {"requestBody": body(fields(), True), "responses": {"200": reply()}}}
        }
    return doc


# ---------------------------------------------------------------------------
# where a change is made, and what it is


def REQUEST(doc: Doc) -> Doc:
    return doc["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]["schema"]


def RESPONSE(doc: Doc) -> Doc:
    return doc["paths"]["/things"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]


def HOOK(doc: Doc) -> Doc:
    return doc["webhooks"]["thing.created"]["post"]["requestBody"]["content"]["application/json"]["schema"]


def model(name: str) -> Callable[[Doc], Doc]:
    return lambda doc: doc["components"]["schemas"][name]


def at(*keys: str | int) -> Callable[[Doc], Any]:
    def find(doc: Doc) -> Any:
        node: Any = doc
        for key in keys:
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node

    return find


def on(place: Callable[[Doc], Any], *changes: Callable[[Any], object]) -> Mutation:
    """Make ``changes`` to the node ``place`` finds."""

    def apply(doc: Doc) -> None:
        node = place(doc)
        for change in changes:
            change(node)

    return apply


def both(*mutations: Mutation) -> Mutation:
    def apply(doc: Doc) -> None:
        for mutation in mutations:
            mutation(doc)

    return apply


def add(name: str, schema: Any = None, *, required: bool = False) -> Callable[[Doc], None]:
    def apply(s: Doc) -> None:
        s.setdefault("properties", {})[name] = {"type": "string"} if schema is None else schema
        if required:
            s.setdefault("required", []).append(name)

    return apply


def remove(name: str) -> Callable[[Doc], None]:
    def apply(s: Doc) -> None:
        del s["properties"][name]
        if name in s.get("required", []):
            s["required"].remove(name)

    return apply


def rename(old: str, new: str) -> Callable[[Doc], None]:
    def apply(s: Doc) -> None:
        s["properties"] = {new if k == old else k: v for k, v in s["properties"].items()}
        s["required"] = [new if r == old else r for r in s.get("required", [])]

    return apply


def put(name: str, **keywords: Any) -> Callable[[Doc], None]:
    return lambda s: s["properties"][name].update(keywords)


def drop(name: str, *keys: str) -> Callable[[Doc], None]:
    def apply(s: Doc) -> None:
        for key in keys:
            del s["properties"][name][key]

    return apply


def require(name: str) -> Callable[[Doc], None]:
    return lambda s: s["required"].append(name)


def unrequire(name: str) -> Callable[[Doc], None]:
    return lambda s: s["required"].remove(name)


def setting(key: str, value: Any) -> Callable[[Doc], None]:
    return lambda node: node.update({key: value})


def deleting(*keys: str) -> Callable[[Doc], None]:
    def apply(node: Doc) -> None:
        for key in keys:
            del node[key]

    return apply


def appending(value: Any) -> Callable[[list[Any]], None]:
    return lambda node: node.append(value)


def nothing(doc: Doc) -> None:
    return None


def reordered(doc: Doc) -> None:
    """Every mapping's keys in reverse order (values unchanged)."""
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = list(node.items())
            node.clear()
            node.update(reversed(items))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def renamed_path(old: str, new: str, parameter: str) -> Mutation:
    """Path ``old`` written ``new``, its (first, path-level) parameter named ``parameter``."""

    def apply(doc: Doc) -> None:
        doc["paths"] = {(new if path == old else path): item for path, item in doc["paths"].items()}
        doc["paths"][new]["parameters"][0]["name"] = parameter

    return apply


def renamed_model(old: str, new: str) -> Mutation:
    """Model ``old`` named ``new``, and every ``$ref`` to it."""

    def apply(doc: Doc) -> None:
        schemas = doc["components"]["schemas"]
        doc["components"]["schemas"] = {new if k == old else k: v for k, v in schemas.items()}
        text = json.dumps(doc).replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
        fresh = json.loads(text)
        doc.clear()
        doc.update(fresh)

    return apply


# ---------------------------------------------------------------------------
# the table


@dataclass(frozen=True)
class Case:
    id: str
    change: Mutation
    expect: tuple[Expected, ...]
    version: str = "3.1.0"
    given: Mutation = nothing  # made to both sides before the change
    subject: str | None = None  # every change's operation, or "model NAME"
    affects: tuple[str, ...] | None = None
    head_format: str = "yaml"


def row(id: str, change: Mutation, *expect: Expected, **options: Any) -> Case:
    return Case(id, change, expect, **options)


def directions(
    id: str,
    change: Callable[[Doc], object],
    request: Expected | None,
    response: Expected | None,
    *,
    given: Callable[[Doc], object] | None = None,
    version: str = "3.1.0",
) -> list[Case]:
    """The same change to the request body and to the response of ``POST /things``."""
    out = []
    for where, place, expected in (("request", REQUEST, request), ("response", RESPONSE, response)):
        out.append(
            Case(
                f"{id} in a {where}",
                on(place, change),
                (expected,) if expected else (),
                version,
                on(place, given) if given else nothing,
                "POST /things",
            )
        )
    return out


def TAGGED(kind: str, **extra: Any) -> Doc:
    """An inline oneOf variant told apart by a property with one value."""
    return {"type": "object", "properties": {"kind": {"enum": [kind]}, "side": {"type": "string"}, **extra}}


THING, THINGS = "GET /things/{thingId}", "GET /things"
HUGE = [f"value-{i}" for i in range(20_000)]
TREE_SCHEMA = ("paths", "/tree", "get", "responses", "200", "content", "application/json")
SELF = {"$ref": "#/paths/~1tree/get/responses/200/content/application~1json/schema"}

CASES: list[Case] = [
    # -- one change, judged in its direction -----------------------------------------
    *directions(
        "required property added",
        add("extra", required=True),
        (B, "required-property-added"),
        (N, "required-property-added"),
    ),
    *directions(
        "required property added (3.0)",
        add("extra", required=True),
        (B, "required-property-added"),
        (N, "required-property-added"),
        version="3.0.3",
    ),
    *directions("optional property added", add("extra"), (N, "property-added"), (N, "property-added")),
    *directions(
        "required property removed", remove("name"), (W, "required-property-removed"), (B, "required-property-removed")
    ),
    *directions("optional property removed", remove("note"), (W, "property-removed"), (W, "property-removed")),
    *directions(
        "enum value added", put("kind", enum=["a", "b", "c"]), (N, "enum-value-added"), (W, "enum-value-added")
    ),
    *directions("enum value removed", put("kind", enum=["a"]), (B, "enum-value-removed"), (N, "enum-value-removed")),
    *directions("enum added", put("note", enum=["x", "y"]), (B, "enum-added"), (N, "enum-added")),
    *directions("enum removed", drop("kind", "enum"), (N, "enum-removed"), (W, "enum-removed")),
    *directions(
        "became nullable (3.1 type list)",
        put("note", type=["string", "null"]),
        (N, "became-nullable"),
        (B, "became-nullable"),
    ),
    *directions(
        "became nullable (3.0 nullable)",
        put("note", nullable=True),
        (N, "became-nullable"),
        (B, "became-nullable"),
        version="3.0.3",
    ),
    *directions(
        "no longer nullable (3.1)",
        put("note", type="string"),
        (B, "became-not-nullable"),
        (N, "became-not-nullable"),
        given=put("note", type=["string", "null"]),
    ),
    *directions("maxLength lowered", put("name", maxLength=20), (B, "bound-tightened"), (N, "bound-tightened")),
    *directions("maxLength raised", put("name", maxLength=100), (N, "bound-loosened"), (B, "bound-loosened")),
    *directions("minimum raised", put("count", minimum=5), (B, "bound-tightened"), (N, "bound-tightened")),
    *directions("minimum lowered", put("count", minimum=0), (N, "bound-loosened"), (B, "bound-loosened")),
    *directions("minLength added", put("note", minLength=1), (B, "bound-tightened"), (N, "bound-tightened")),
    *directions("maximum removed", drop("count", "maximum"), (N, "bound-loosened"), (B, "bound-loosened")),
    *directions("multipleOf added", put("count", multipleOf=5), (B, "bound-tightened"), (N, "bound-tightened")),
    *directions(
        "exclusiveMinimum: true added (3.0)",
        put("count", exclusiveMinimum=True),
        (B, "bound-tightened"),
        (N, "bound-tightened"),
        version="3.0.3",
    ),
    *directions(
        "numeric exclusiveMinimum added (3.1)",
        put("size", exclusiveMinimum=0),
        (B, "bound-tightened"),
        (N, "bound-tightened"),
    ),
    *directions(
        "numeric exclusiveMaximum raised (3.1)",
        put("size", exclusiveMaximum=20),
        (N, "bound-loosened"),
        (B, "bound-loosened"),
        given=put("size", exclusiveMaximum=10),
    ),
    *directions(
        "type widened integer to number", put("count", type="number"), (N, "type-widened"), (B, "type-widened")
    ),
    *directions(
        "type narrowed number to integer", put("size", type="integer"), (B, "type-narrowed"), (N, "type-narrowed")
    ),
    *directions(
        "type changed string to integer", put("note", type="integer"), (B, "type-changed"), (B, "type-changed")
    ),
    *directions("pattern added", put("note", pattern="^x"), (B, "pattern-added"), (N, "pattern-added")),
    *directions("pattern changed", put("code", pattern="^[A-Z]{4}$"), (B, "pattern-changed"), (W, "pattern-changed")),
    *directions("pattern removed", drop("code", "pattern"), (N, "pattern-removed"), (W, "pattern-removed")),
    *directions("format added", put("note", format="email"), (B, "format-added"), (N, "format-added")),
    *directions("format removed", drop("when", "format"), (N, "format-removed"), (W, "format-removed")),
    *directions("format changed", put("when", format="date"), (B, "format-changed"), (B, "format-changed")),
    *directions("int32 to int64", put("count", format="int64"), (N, "format-widened"), (B, "format-widened")),
    *directions(
        "int64 to int32",
        put("count", format="int32"),
        (B, "format-narrowed"),
        (N, "format-narrowed"),
        given=put("count", format="int64"),
    ),
    *directions("default changed", put("count", default=20), (W, "default-changed"), (N, "default-changed")),
    *directions(
        "property became required", require("kind"), (B, "property-became-required"), (N, "property-became-required")
    ),
    *directions(
        "property became optional",
        unrequire("count"),
        (N, "property-became-optional"),
        (B, "property-became-optional"),
    ),
    # readOnly properties do not travel in requests, writeOnly ones not in responses.
    *directions("read-only property removed", remove("id"), None, (W, "property-removed")),
    *directions("write-only property removed", remove("secret"), (W, "property-removed"), None),
    *directions(
        "required read-only property added",
        add("created", {"type": "string", "readOnly": True}, required=True),
        None,
        (N, "required-property-added"),
    ),
    *directions(
        "required write-only property added",
        add("password", {"type": "string", "writeOnly": True}, required=True),
        (B, "required-property-added"),
        None,
    ),
    *directions(
        "property became read-only",
        put("note", readOnly=True),
        (W, "property-became-read-only"),
        (N, "property-became-read-only"),
    ),
    *directions(
        "property became write-only",
        put("note", writeOnly=True),
        (N, "property-became-write-only"),
        (B, "property-became-write-only"),
    ),
    *directions(
        "read-only property became writable",
        drop("id", "readOnly"),
        (N, "property-added"),
        None,
    ),
    *directions(
        "additionalProperties: false added",
        setting("additionalProperties", False),
        (B, "additional-properties-forbidden"),
        (N, "additional-properties-forbidden"),
    ),
    *directions(
        "additionalProperties: false removed",
        deleting("additionalProperties"),
        (N, "additional-properties-allowed"),
        (W, "additional-properties-allowed"),
        given=setting("additionalProperties", False),
    ),
    *directions(
        "property removed from a closed schema",
        remove("note"),
        (B, "closed-property-removed"),
        (W, "property-removed"),
        given=setting("additionalProperties", False),
    ),
    *directions(
        "oneOf variant added",
        put("shape", oneOf=[{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]),
        (N, "variant-added"),
        (W, "variant-added"),
    ),
    *directions(
        "oneOf variant removed",
        put("shape", oneOf=[{"type": "string"}]),
        (B, "variant-removed"),
        (N, "variant-removed"),
    ),
    *directions(
        "optional property renamed", rename("note", "remark"), (W, "property-renamed"), (W, "property-renamed")
    ),
    *directions(
        "required property renamed",
        rename("name", "title"),
        (B, "required-property-renamed"),
        (B, "required-property-renamed"),
    ),
    *directions(
        "property deprecated", put("note", deprecated=True), (N, "schema-deprecated"), (N, "schema-deprecated")
    ),
    *directions(
        "nullable via oneOf with null (3.1)",
        add("note", {"oneOf": [{"type": "string"}, {"type": "null"}]}),
        (N, "became-nullable"),
        (B, "became-nullable"),
    ),
    *directions(
        "a model $ref made nullable with oneOf (3.1)",
        add("owner", {"oneOf": [ref("Error"), {"type": "null"}]}),
        (N, "became-nullable"),
        (B, "became-nullable"),
        given=add("owner", ref("Error")),
    ),
    *directions(
        "a nullable oneOf back to its $ref (3.1)",
        add("owner", ref("Error")),
        (B, "became-not-nullable"),
        (N, "became-not-nullable"),
        given=add("owner", {"anyOf": [{"type": "null"}, ref("Error")]}),
    ),
    *directions(
        "int64 written on an integer",
        put("size", type="integer", format="int64"),
        None,
        None,
        given=put("size", type="integer"),
    ),
    *directions("int32 removed from an integer", drop("count", "format"), (N, "format-widened"), (B, "format-widened")),
    *directions(
        "oneOf variant inserted in the middle",
        put("shape", oneOf=[{"type": "string"}, {"type": "boolean"}, {"type": "integer"}]),
        (N, "variant-added"),
        (W, "variant-added"),
    ),
    *directions(
        "tagged oneOf variant inserted in the middle",
        put("shape", oneOf=[TAGGED("circle"), TAGGED("oval"), TAGGED("square")]),
        (N, "variant-added"),
        (W, "variant-added"),
        given=put("shape", oneOf=[TAGGED("circle"), TAGGED("square")]),
    ),
    *directions(
        "oneOf variant of a tagged kind changed",
        put("shape", oneOf=[TAGGED("circle"), TAGGED("square", side={"type": "integer"})]),
        (B, "type-changed"),
        (B, "type-changed"),
        given=put("shape", oneOf=[TAGGED("circle"), TAGGED("square")]),
    ),
    # -- the same changes in a $ref'ed model: reported once, in the directions it is used
    row(
        "model used in responses only: required property added",
        on(model("Shown"), add("extra", required=True)),
        (N, "required-property-added"),
        subject="model Shown",
        affects=(THINGS, THING),
    ),
    row(
        "model used in responses only: enum value added",
        on(model("Shown"), put("kind", enum=["a", "b", "c"])),
        (W, "enum-value-added"),
        subject="model Shown",
        affects=(THINGS, THING),
    ),
    row(
        "model used in responses only: became nullable (3.0)",
        on(model("Shown"), put("note", nullable=True)),
        (B, "became-nullable"),
        version="3.0.3",
        subject="model Shown",
    ),
    row(
        "model used in requests only: required property added",
        on(model("Input"), add("extra", required=True)),
        (B, "required-property-added"),
        subject="model Input",
        affects=("POST /inputs",),
    ),
    row(
        "model used in requests only: enum value removed",
        on(model("Input"), put("kind", enum=["b"])),
        (B, "enum-value-removed"),
        subject="model Input",
    ),
    row(
        "model used in requests only: read-only property removed",
        on(model("Input"), remove("id")),
        subject="model Input",
    ),
    row(
        "model used in both: required property added (worse: request)",
        on(model("Item"), add("extra", required=True)),
        (B, "required-property-added"),
        subject="model Item",
        affects=("PUT /things/{thingId}",),
    ),
    row(
        "model used in both: enum value added (worse: response)",
        on(model("Item"), put("kind", enum=["a", "b", "c"])),
        (W, "enum-value-added"),
        subject="model Item",
    ),
    row(
        "model used in both: required property removed",
        on(model("Item"), remove("name")),
        (B, "required-property-removed"),
        subject="model Item",
    ),
    row(
        "model used in both: property became read-only, once",
        on(model("Item"), put("note", readOnly=True)),
        (W, "property-became-read-only"),
        subject="model Item",
    ),
    row(
        "model used in both: property removed from a closed schema, once",
        on(model("Item"), remove("note")),
        (B, "closed-property-removed"),
        given=on(model("Item"), setting("additionalProperties", False)),
        subject="model Item",
    ),
    row(
        "allOf: property added to an inline part",
        on(at("components", "schemas", "Tagged", "allOf", "1"), add("extra")),
        (N, "property-added"),
        subject="model Tagged",
        affects=("POST /tagged",),
    ),
    row(
        "allOf: required property added to an inline part",
        on(at("components", "schemas", "Tagged", "allOf", "1"), add("extra", required=True)),
        (B, "required-property-added"),
        subject="model Tagged",
    ),
    row(
        "allOf: property added to the shared part is the shared model's change",
        on(model("Named"), add("extra", required=True)),
        (B, "required-property-added"),
        subject="model Named",
        affects=("POST /tagged",),
    ),
    row(
        "allOf: a shared part's property required by another part",
        on(at("components", "schemas", "Tagged", "allOf"), appending({"required": ["label"]})),
        (B, "property-became-required"),
        subject="model Tagged",
    ),
    row(
        "allOf: a required property added through a new part",
        on(at("components", "schemas", "Tagged", "allOf"), appending({"properties": {"x": {}}, "required": ["x"]})),
        (B, "required-property-added"),
        subject="model Tagged",
    ),
    row(
        "allOf: inline parts merged into one schema",
        on(
            model("Tagged"),
            setting("allOf", [ref("Named"), {"type": "object", "properties": {"tag": {"type": "string"}}}, {}]),
        ),
    ),
    # -- operations, parameters, bodies, responses ---------------------------------
    row(
        "operation added",
        on(at("paths"), setting("/others", {"get": {"responses": {"200": reply()}}})),
        (N, "operation-added"),
        subject="GET /others",
    ),
    row("operation removed", on(at("paths"), deleting("/tree")), (B, "operation-removed"), subject="GET /tree"),
    row(
        "operation deprecated",
        on(at("paths", "/tree", "get"), setting("deprecated", True)),
        (N, "operation-deprecated"),
        subject="GET /tree",
    ),
    row(
        "operationId changed",
        on(at("paths", "/tree", "get"), setting("operationId", "readTree")),
        (W, "operation-id-changed"),
        subject="GET /tree",
    ),
    row(
        "path parameter renamed: the same operations",
        renamed_path("/things/{thingId}", "/things/{id}", "id"),
        (N, "path-parameter-renamed"),
        (N, "path-parameter-renamed"),
    ),
    row(
        "required parameter added",
        on(
            at("paths", "/things", "post", "parameters"),
            appending({"name": "mode", "in": "query", "required": True, "schema": {"type": "string"}}),
        ),
        (B, "required-parameter-added"),
        subject="POST /things",
    ),
    row(
        "optional parameter added",
        on(at("paths", "/things", "post", "parameters"), appending({"name": "mode", "in": "query", "schema": {}})),
        (N, "parameter-added"),
    ),
    row(
        "parameter removed",
        on(at("paths", "/things", "post"), lambda op: op.update(parameters=op["parameters"][1:])),
        (W, "parameter-removed"),
    ),
    row(
        "parameter became required",
        on(at("paths", "/things", "post", "parameters", 0), setting("required", True)),
        (B, "parameter-became-required"),
    ),
    row(
        "parameter became optional",
        on(at("paths", "/things", "post", "parameters", 0), deleting("required")),
        (N, "parameter-became-optional"),
        given=on(at("paths", "/things", "post", "parameters", 0), setting("required", True)),
    ),
    row(
        "parameter style changed",
        on(at("paths", "/things", "post", "parameters", 0), setting("explode", False)),
        (B, "parameter-style-changed"),
    ),
    row(
        "parameter via $ref became required",
        on(at("components", "parameters", "Limit"), setting("required", True)),
        (B, "parameter-became-required"),
        subject=THING,
    ),
    row(
        "parameter via $ref: bound tightened",
        on(at("components", "parameters", "Limit", "schema"), setting("maximum", 50)),
        (B, "bound-tightened"),
        subject=THING,
    ),
    row(
        "optional request body added",
        on(at("paths", "/tree", "get"), setting("requestBody", body({"type": "string"}))),
        (N, "request-body-added"),
    ),
    row(
        "required request body added",
        on(at("paths", "/tree", "get"), setting("requestBody", body({"type": "string"}, True))),
        (B, "required-request-body-added"),
    ),
    row(
        "request body removed",
        on(at("paths", "/inputs", "post"), deleting("requestBody")),
        (W, "request-body-removed"),
        subject="POST /inputs",
    ),
    row(
        "request body became required",
        on(at("paths", "/things/{thingId}", "put", "requestBody"), setting("required", True)),
        (B, "request-body-became-required"),
    ),
    row(
        "request body became optional",
        on(at("paths", "/things", "post", "requestBody"), setting("required", False)),
        (N, "request-body-became-optional"),
    ),
    row(
        "request media type added",
        on(at("paths", "/things", "post", "requestBody", "content"), setting("application/xml", {})),
        (N, "request-media-type-added"),
    ),
    row(
        "request media type removed",
        on(at("paths", "/inputs", "post", "requestBody", "content"), deleting("application/x-www-form-urlencoded")),
        (B, "request-media-type-removed"),
    ),
    row(
        "response media type added",
        on(at("paths", "/things", "post", "responses", "201", "content"), setting("application/xml", {})),
        (N, "response-media-type-added"),
    ),
    row(
        "response media type removed",
        on(at("paths", "/things/{thingId}", "get", "responses", "200", "content"), deleting("text/csv")),
        (B, "response-media-type-removed"),
        subject=THING,
    ),
    row(
        "success response removed",
        on(at("paths", "/things", "post", "responses"), deleting("201")),
        (B, "success-response-removed"),
    ),
    row(
        "success response added",
        on(at("paths", "/things", "post", "responses"), setting("202", reply())),
        (W, "success-response-added"),
    ),
    row(
        "error response added",
        on(at("paths", "/things", "post", "responses"), setting("409", ERROR)),
        (N, "response-added"),
    ),
    row(
        "error response removed",
        on(at("paths", "/things", "post", "responses"), deleting("400")),
        (N, "response-removed"),
    ),
    row(
        "required response header removed",
        on(at("paths", "/things", "post", "responses", "201", "headers"), deleting("Location")),
        (B, "required-response-header-removed"),
    ),
    row(
        "optional response header removed",
        on(at("paths", "/things", "post", "responses", "201", "headers"), deleting("X-Rate-Limit")),
        (W, "response-header-removed"),
    ),
    row(
        "required response header became optional",
        on(at("paths", "/things", "post", "responses", "201", "headers", "Location"), deleting("required")),
        (B, "response-header-became-optional"),
    ),
    row(
        "response header added",
        on(at("paths", "/things", "post", "responses", "201", "headers"), setting("ETag", {"schema": {}})),
        (N, "response-header-added"),
    ),
    row(
        "response header's enum value added",
        on(
            at("paths", "/things", "post", "responses", "201", "headers", "X-Rate-Limit", "schema"),
            setting("enum", [1]),
        ),
        (N, "enum-added"),
    ),
    # -- security and servers -------------------------------------------------------
    row(
        "security added",
        on(at("paths", "/tree", "get"), setting("security", [{"oauth": ["read"]}])),
        (B, "security-added"),
        subject="GET /tree",
    ),
    row(
        "security removed",
        on(at("paths", "/things", "post"), setting("security", [])),
        (N, "security-removed"),
    ),
    row(
        "scopes added",
        on(at("paths", "/things", "post", "security", 0), setting("oauth", ["write", "admin"])),
        (B, "security-scopes-added"),
    ),
    row(
        "scopes removed",
        on(at("paths", "/things", "post", "security", 0), setting("oauth", [])),
        (N, "security-scopes-removed"),
    ),
    row(
        "security alternative removed",
        on(at("paths", "/things", "post"), setting("security", [{"oauth": ["write"]}])),
        (B, "security-requirement-removed"),
    ),
    row(
        "security alternative added",
        on(at("paths", "/things", "post", "security"), appending({"oauth": ["read"], "apiKey": []})),
        (N, "security-requirement-added"),
    ),
    row(
        "security scheme's in changed",
        on(at("components", "securitySchemes", "apiKey"), setting("in", "query")),
        (B, "security-scheme-changed"),
        subject="API",
    ),
    row(
        "security scheme's name changed",
        on(at("components", "securitySchemes", "apiKey"), setting("name", "X-Key")),
        (B, "security-scheme-changed"),
    ),
    row(
        "security scheme's query parameter name in another case",
        on(at("components", "securitySchemes", "apiKey"), setting("in", "query"), setting("name", "key")),
        (B, "security-scheme-changed"),
        given=on(at("components", "securitySchemes", "apiKey"), setting("in", "query"), setting("name", "Key")),
    ),
    row(
        "security scheme's token URL changed",
        on(
            at("components", "securitySchemes", "oauth", "flows", "clientCredentials"),
            setting("tokenUrl", "https://auth.example.com/v2/token"),
        ),
        (B, "security-scheme-changed"),
    ),
    row("server added", on(at("servers"), appending({"url": "https://eu.example.com"})), (N, "server-added")),
    row(
        "server removed",
        on(at("servers"), lambda servers: servers.pop()),
        (B, "server-removed"),
        given=on(at("servers"), appending({"url": "https://eu.example.com"})),
        subject="API",
    ),
    # -- webhooks: the API calls the client, so a payload is read as a response ----
    row(
        "webhook payload: required property added",
        on(HOOK, add("extra", required=True)),
        (N, "required-property-added"),
        subject="webhook thing.created",
    ),
    row(
        "webhook payload: required property removed",
        on(HOOK, remove("name")),
        (B, "required-property-removed"),
        subject="webhook thing.created",
    ),
    row("webhook payload: optional property removed", on(HOOK, remove("note")), (W, "property-removed")),
    row("webhook payload: enum value added", on(HOOK, put("kind", enum=["a", "b", "c"])), (W, "enum-value-added")),
    row("webhook payload: write-only property removed", on(HOOK, remove("secret"))),
    row(
        "webhook added",
        on(at("webhooks"), setting("thing.deleted", {"post": {"responses": {"200": reply()}}})),
        (N, "webhook-added"),
        subject="webhook thing.deleted",
    ),
    row("webhook removed", on(at("webhooks"), deleting("thing.created")), (W, "webhook-removed")),
    row(
        "x-webhooks (3.0) payload: required property added",
        on(
            at("x-webhooks", "thing.created", "post", "requestBody", "content", "application/json", "schema"),
            add("extra", required=True),
        ),
        (N, "required-property-added"),
        version="3.0.3",
        given=on(
            at(),
            setting(
                "x-webhooks",
                {"thing.created": {"post": {"requestBody": body(fields(), True), "responses": {"200": reply()}}}},
            ),
        ),
        subject="webhook thing.created",
    ),
    row(
        "x-webhooks (3.0) payload model: required property removed",
        on(model("Event"), remove("name")),
        (B, "required-property-removed"),
        version="3.0.3",
        given=both(
            on(at("components", "schemas"), setting("Event", fields())),
            on(
                at(),
                setting(
                    "x-webhooks",
                    {
                        "thing.created": {
                            "post": {"requestBody": body(ref("Event"), True), "responses": {"200": reply()}}
                        }
                    },
                ),
            ),
        ),
        subject="model Event",
        affects=("webhook thing.created",),
    ),
    # -- no semantic change: nothing to report -------------------------------------
    row("the same spec twice", nothing),
    row("the same spec twice (3.0)", nothing, version="3.0.3"),
    row("keys reordered", reordered),
    row("YAML against JSON", nothing, head_format="json"),
    row("keys reordered, as JSON", reordered, head_format="json", version="3.0.3"),
    row(
        "a $ref replaced by its content (the component kept)",
        on(
            at("paths", "/things/{thingId}", "get", "responses", "200", "content", "application/json"),
            setting("schema", fields()),
        ),
    ),
    row(
        "a $ref to a parameter replaced by its content",
        on(
            at("paths", "/things/{thingId}", "get"),
            setting("parameters", [{"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}]),
        ),
    ),
    # A component renamed with every $ref updated sends and receives the same bytes:
    # nothing breaks or warns. It is reported once, as info, so that the changelog does
    # not say a model was added (and the old one silently vanished).
    row(
        "a model renamed, every $ref updated",
        renamed_model("Shown", "Thing"),
        (N, "model-renamed"),
        subject="model Thing",
    ),
    row("a recursive model renamed", renamed_model("Node", "TreeNode"), (N, "model-renamed")),
    row(
        "a model renamed with the model it refers to",
        both(renamed_model("Named", "Label"), renamed_model("Tagged", "Labelled")),
        (N, "model-renamed"),
        (N, "model-renamed"),
    ),
    row(
        "two models that refer to each other renamed",
        both(renamed_model("Left", "L"), renamed_model("Right", "R")),
        (N, "model-renamed"),
        (N, "model-renamed"),
    ),
    row(
        "a model renamed: oneOf variants still paired",
        renamed_model("Circle", "Round"),
        (N, "model-renamed"),
        given=both(
            on(at("components", "schemas"), setting("Circle", TAGGED("circle")), setting("Square", TAGGED("square"))),
            on(RESPONSE, put("shape", oneOf=[ref("Circle"), ref("Square")])),
        ),
    ),
    row(
        "a oneOf model variant replaced by another model",
        on(RESPONSE, put("shape", oneOf=[ref("Circle"), ref("Oval")])),
        (W, "variant-added"),
        (N, "variant-removed"),
        given=both(
            on(at("components", "schemas"), setting("Circle", TAGGED("circle")), setting("Oval", TAGGED("oval"))),
            on(at("components", "schemas"), setting("Square", TAGGED("square"))),
            on(RESPONSE, put("shape", oneOf=[ref("Circle"), ref("Square")])),
        ),
    ),
    row(
        "a oneOf model variant replaced by its content",
        on(RESPONSE, put("shape", oneOf=[ref("Circle"), TAGGED("square")])),
        given=both(
            on(at("components", "schemas"), setting("Circle", TAGGED("circle")), setting("Square", TAGGED("square"))),
            on(RESPONSE, put("shape", oneOf=[ref("Circle"), ref("Square")])),
        ),
    ),
    row(
        "oneOf variants paired by the models of their allOf",
        on(
            RESPONSE,
            put(
                "shape",
                oneOf=[
                    {"allOf": [ref("Circle"), ref("Error")]},
                    {"allOf": [ref("Oval"), ref("Error")]},
                    {"allOf": [ref("Square"), ref("Error")]},
                ],
            ),
        ),
        (W, "variant-added"),
        given=both(
            on(
                at("components", "schemas"),
                setting("Circle", TAGGED("circle")),
                setting("Oval", TAGGED("oval")),
                setting("Square", TAGGED("square")),
            ),
            on(
                RESPONSE,
                put(
                    "shape", oneOf=[{"allOf": [ref("Circle"), ref("Error")]}, {"allOf": [ref("Square"), ref("Error")]}]
                ),
            ),
        ),
    ),
    row(
        "descriptions, summaries and examples changed",
        both(
            on(at("info"), setting("description", "Other words.")),
            on(at("paths", "/things", "post"), setting("summary", "Make a thing"), setting("description", "Long.")),
            on(REQUEST, put("note", description="Anything.", example="bye", examples=["a"])),
            on(model("Shown"), setting("description", "A thing, shown."), setting("title", "Thing")),
            on(at("paths", "/things", "post", "responses", "201"), setting("description", "Made")),
        ),
    ),
    row(
        "extensions added",
        on(at("paths", "/things", "post"), setting("x-internal", False), setting("x-codegen", {"name": "make"})),
    ),
    row(
        "a header parameter's name in another case",
        on(at("paths", "/things", "post", "parameters", 1), setting("name", "x-request-id")),
    ),
    row(
        "a security scheme's header name in another case",
        on(at("components", "securitySchemes", "apiKey"), setting("name", "x-api-key")),
    ),
    # -- odd real-world inputs: no crash, nothing slow -----------------------------
    row(
        "two paths of the same shape (which the spec forbids), keys reordered",
        reordered,
        given=on(
            at("paths"), setting("/things/{filter}", {"get": {"operationId": "filter", "responses": {"200": reply()}}})
        ),
    ),
    row(
        "two paths of the same shape: a change to one",
        on(at("paths", "/things/{filter}", "get"), setting("deprecated", True)),
        (N, "operation-deprecated"),
        given=on(
            at("paths"), setting("/things/{filter}", {"get": {"operationId": "filter", "responses": {"200": reply()}}})
        ),
        subject="GET /things/{filter}",
    ),
    row(
        "recursive model: property added, once",
        on(model("Node"), add("weight")),
        (N, "property-added"),
        subject="model Node",
        affects=("GET /tree",),
    ),
    row(
        "recursive inline schema: property added, once",
        on(at(*TREE_SCHEMA, "schema"), add("weight")),
        (N, "property-added"),
        subject="GET /tree",
        given=on(
            at(*TREE_SCHEMA),
            setting("schema", {"type": "object", "properties": {"children": {"type": "array", "items": SELF}}}),
        ),
    ),
    row(
        "recursive through allOf: property added, once",
        on(at("components", "schemas", "Branch", "allOf", "1"), add("weight")),
        (N, "property-added"),
        subject="model Branch",
        given=both(
            on(
                at("components", "schemas"),
                setting("Branch", {"allOf": [ref("Node"), {"properties": {"parent": ref("Branch")}}]}),
            ),
            on(at(*TREE_SCHEMA), setting("schema", ref("Branch"))),
        ),
    ),
    row(
        "$ref cycle between two models",
        on(model("Right"), add("extra", required=True)),
        (N, "required-property-added"),
        subject="model Right",
        affects=("GET /pair",),
    ),
    row(
        "$refs that only refer to each other",
        on(at("paths", "/tree", "get"), setting("deprecated", True)),
        (N, "operation-deprecated"),
        given=both(
            on(at("components", "schemas"), setting("Loop1", ref("Loop2")), setting("Loop2", ref("Loop1"))),
            on(at(*TREE_SCHEMA), setting("schema", {"properties": {"loop": ref("Loop1")}})),
        ),
    ),
    row(
        "huge enum: one value added",
        on(REQUEST, put("kind", enum=[*HUGE, "new"])),
        (N, "enum-value-added"),
        given=on(REQUEST, put("kind", enum=HUGE)),
    ),
    row(
        "huge enum: one value removed",
        on(RESPONSE, put("kind", enum=HUGE[1:])),
        (N, "enum-value-removed"),
        given=on(RESPONSE, put("kind", enum=HUGE)),
    ),
    row(
        "boolean schemas kept (3.1) beside a change",
        on(RESPONSE, add("extra", required=True)),
        (N, "required-property-added"),
        given=on(RESPONSE, add("anything", True), add("never", False), setting("additionalProperties", True)),
    ),
    row(
        "boolean schema became false (3.1): accepts no value",
        on(REQUEST, add("anything", False)),
        (B, "type-narrowed"),
        given=on(REQUEST, add("anything", True)),
    ),
    row(
        "boolean items schema (3.1)",
        on(RESPONSE, put("shape", items=True)),
        given=on(RESPONSE, put("shape", items=True)),
    ),
    row(
        "no responses on either side",
        on(at("paths", "/tree", "get"), setting("deprecated", True)),
        (N, "operation-deprecated"),
        given=on(at("paths", "/tree", "get"), deleting("responses")),
    ),
    row(
        "responses added where there were none",
        on(at("paths", "/tree", "get"), setting("responses", {"200": reply()})),
        (W, "success-response-added"),
        given=on(at("paths", "/tree", "get"), deleting("responses")),
    ),
    row(
        "a model no operation uses is added",
        on(at("components", "schemas"), setting("Spare", {"type": "object"})),
        (N, "model-added"),
        subject="model Spare",
    ),
    row(
        "a model no operation uses is removed",
        on(at("components", "schemas"), deleting("Spare")),
        (N, "model-removed"),
        given=on(at("components", "schemas"), setting("Spare", {"type": "object"})),
    ),
]


def write(path: Path, doc: Doc, fmt: str) -> Path:
    if fmt == "json":
        path = path.with_suffix(".json")
        path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    else:
        path = path.with_suffix(".yaml")
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def diff_pair(tmp_path: Path, base: Doc, head: Doc, head_format: str = "yaml") -> Diff:
    base_path, head_path = write(tmp_path / "base", base, "yaml"), write(tmp_path / "head", head, head_format)
    return diff_specs(load_spec(base_path, tmp_path), load_spec(head_path, tmp_path))


def pair(case: Case) -> tuple[Doc, Doc]:
    base = document(case.version)
    case.given(base)
    head = copy.deepcopy(base)
    case.change(head)
    return base, head


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 50
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_diff_rule(case: Case, tmp_path: Path) -> None:
    base, head = pair(case)
    diff = diff_pair(tmp_path, base, head, case.head_format)
    found = sorted((c.level, c.kind) for c in diff.changes)
    assert found == sorted(case.expect), "\n".join(
        f"{c.level} {c.kind} [{c.subject}] {c.message}" for c in diff.changes
    )
    if case.subject is not None:
        assert {c.subject for c in diff.changes} <= {case.subject}
    if case.affects is not None:
        assert all(c.affects == case.affects for c in diff.changes)
    assert not any(c.accepted for c in diff.changes)


def test_a_change_accepted_on_the_changed_property(tmp_path: Path) -> None:
    base = document()
    head = copy.deepcopy(base)
    add("extra", {"type": "string", ACCEPT_KEY: "  clients were told in March  "}, required=True)(REQUEST(head))
    remove("note")(RESPONSE(head))
    diff = diff_pair(tmp_path, base, head)
    accepted = [c for c in diff.changes if c.kind == "required-property-added"]
    assert [(c.level, c.accepted) for c in accepted] == [(B, "clients were told in March")]
    assert diff.at_or_above(B) == []
    assert [c.kind for c in diff.at_or_above(W)] == ["property-removed"]
    assert diff.counts(include_accepted=False) == {B: 0, W: 1, N: 0}


def test_a_change_accepted_on_a_model_property(tmp_path: Path) -> None:
    base = document()
    head = copy.deepcopy(base)
    put("kind", enum=["a"], **{ACCEPT_KEY: "nobody sent b"})(model("Input")(head))
    diff = diff_pair(tmp_path, base, head)
    assert [(c.kind, c.model, c.accepted) for c in diff.changes] == [("enum-value-removed", "Input", "nobody sent b")]
    assert diff.at_or_above(W) == []


def test_changes_carry_pointers_to_both_sides(tmp_path: Path) -> None:
    base, head = pair(directions("enum value removed", put("kind", enum=["a"]), None, None)[1])
    (change,) = diff_pair(tmp_path, base, head).changes
    where = ("paths", "/things", "post", "responses", "201", "content", "application/json", "schema", "properties")
    assert change.base_pointer == change.head_pointer == (*where, "kind")
    assert change.direction == "response"
    assert change.message == 'response 201 › kind: enum value "b" removed'


def test_a_model_deep_in_a_chain_lists_every_operation_reaching_it() -> None:
    base = document()
    for index in range(300):
        chained = fields()
        chained["properties"]["next"] = ref(f"M{index + 1}")
        base["components"]["schemas"][f"M{index}"] = chained
        base["paths"][f"/m{index}"] = {"get": {"responses": {"200": reply(ref(f"M{index}"))}}}
    base["components"]["schemas"]["M300"] = fields()
    head = copy.deepcopy(base)
    add("extra", required=True)(head["components"]["schemas"]["M300"])
    diff = diff_documents(base, head)
    assert [(c.model, len(c.affects)) for c in diff.changes] == [("M300", 300)]
