from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from portal_gen.load.spec import load_spec
from portal_gen.model.api import UNSET, Api, Property, Schema
from portal_gen.model.build import build_api
from portal_gen.model.examples import example_for
from portal_gen.render.schema import SchemaTree

PROJECTS = Path(__file__).parent / "projects"


def load(name: str) -> Api:
    root = PROJECTS / name
    return build_api(load_spec(root / "openapi" / "openapi.yaml", root))


@pytest.fixture(scope="module")
def petstore() -> Api:
    return load("petstore30")


@pytest.fixture(scope="module")
def features() -> Api:
    return load("features31")


def test_operations_tags_and_servers(petstore: Api) -> None:
    assert [op.key for op in petstore.operations] == [
        "listPets",
        "createPet",
        "showPetById",
        "deletePet",
        "placeOrder",
        "GET /health",
    ]
    assert [t.name for t in petstore.tags] == ["pets", "store"]
    assert petstore.servers[0].default_url == "https://api.petstore.example/v1"
    assert petstore.version == "2026-01-01"  # a YAML date stays the string it was written as


def test_path_level_parameters_merge_with_operation_parameters(petstore: Api) -> None:
    list_pets = petstore.operations[0]
    assert [(p.location, p.name) for p in list_pets.parameters] == [
        ("header", "X-Trace-Id"),
        ("query", "limit"),
        ("query", "status"),
    ]
    status = list_pets.parameters[2]
    assert status.style == "form" and status.explode is False


def test_security_is_inherited_or_overridden(petstore: Api) -> None:
    by_key = {op.key: op for op in petstore.operations}
    assert [r.schemes for r in by_key["listPets"].security] == [(("api_key", ()),), (("oauth", ("read:pets",)),)]
    assert by_key["deletePet"].security == ()
    assert [r.schemes for r in by_key["placeOrder"].security] == [(("api_key", ()), ("basic", ()))]
    oauth = petstore.security_scheme("oauth")
    assert oauth is not None and [f.kind for f in oauth.flows] == ["authorizationCode", "clientCredentials"]


def test_all_of_is_merged_and_remembers_its_parents(petstore: Api) -> None:
    pet = petstore.schemas["Pet"]
    assert [p.name for p in pet.properties] == ["name", "tag", "id", "owner"]
    assert {p.name for p in pet.properties if p.required} == {"name", "id"}
    assert pet.extends == ("NewPet",)


def test_nullable_30_and_type_arrays_31(petstore: Api, features: Api) -> None:
    order = petstore.operations[4].request_body
    assert order is not None
    ship_date = order.content[0].schema.properties[2].schema  # type: ignore[union-attr]
    assert ship_date.nullable and ship_date.type_label == "string (date-time) | null"
    quantity = order.content[0].schema.properties[1].schema  # type: ignore[union-attr]
    assert quantity.constraints == (("exclusiveMinimum", 0),)
    label = features.schemas["Node"].properties[1].schema
    assert label.types == ("string",) and label.nullable and label.type_label == "string | null"


def test_discriminator_and_alternatives(features: Api) -> None:
    thing = features.schemas["Thing"]
    assert [o.ref for o in thing.one_of] == ["Cat", "Dog"]
    assert thing.discriminator is not None
    assert thing.discriminator.mapping == (("cat", "Cat"), ("dog", "Dog"))


def test_all_of_cycle_terminates(features: Api) -> None:
    cat = features.schemas["Cat"]
    assert [p.name for p in cat.properties] == ["kind", "friend", "meows"]
    assert cat.properties[1].schema.ref == "Cat"


def test_webhooks_and_callbacks(petstore: Api, features: Api) -> None:
    assert [(w.webhook, w.method) for w in features.webhooks] == [("nodeCreated", "post")]
    callback = petstore.operations[1].callbacks[0]
    assert callback.name == "petCreated" and callback.expression == "{$request.body#/callback_url}"
    assert callback.operations[0].responses[0].status == "204"


def test_circular_schemas_render_as_links_and_terminate(features: Api) -> None:
    tree = SchemaTree(features.schemas, lambda name: f"/models/{name}", depth_limit=3)
    html = tree.render(Schema(ref="Node"))
    assert '<a href="/models/Node">Node</a>' in html
    assert '<a href="/models/Graph">Graph</a>' in html
    # Node -> Graph -> Edge -> Node: the cycle stops at the link, never recursing.
    assert html.count('<code class="portal-prop__name">children</code>') == 1
    assert len(html) < 20_000


def test_examples_respect_constraints_and_direction(features: Api) -> None:
    node = example_for(Schema(ref="Node"), features.schemas, direction="request")
    assert "id" not in node  # readOnly is not sent
    assert node["secret"] == "example" and node["kind"] == "node"  # a word, never "string"
    response = example_for(Schema(ref="Node"), features.schemas, direction="response")
    assert "secret" not in response and response["id"] == "abc123"
    assert "children" not in response  # an optional Node -> Node cycle is left out, not stubbed
    bounded = Schema(types=("integer",), constraints=(("minimum", 5), ("maximum", 9), ("multipleOf", 3)))
    assert example_for(bounded, {}) == 6
    short = Schema(types=("string",), constraints=(("minLength", 10),))
    assert len(example_for(short, {})) == 10


def test_unique_items_are_different_and_keep_their_pattern() -> None:
    snowflakes = Schema(types=("string",), constraints=(("pattern", "^(0|[1-9][0-9]*)$"),))
    ids = Schema(types=("array",), items=snowflakes, constraints=(("minItems", 2), ("uniqueItems", True)))
    assert example_for(ids, {}) == ["0", "1"]  # Discord's bulk delete: two different ids
    counts = Schema(
        types=("array",), items=Schema(types=("integer",)), constraints=(("minItems", 3), ("uniqueItems", True))
    )
    assert example_for(counts, {}) == [1, 2, 3]
    assert example_for(replace(counts, constraints=(("minItems", 2),)), {}) == [1, 1]  # repeats are allowed


def test_spec_examples_come_first() -> None:
    schema = Schema(types=("object",), properties=(Property("a", Schema(types=("string",), examples=("hi",))),))
    assert example_for(schema, {}) == {"a": "hi"}
    assert example_for(Schema(types=("string",), default="d"), {}) == "d"
    assert example_for(Schema(types=("string",), enum=("x", "y")), {}) == "x"
    assert Schema().default is UNSET


def test_named_schemas_are_modelled_when_first_asked_for(features: Api) -> None:
    schemas = features.schemas
    names = list(schemas)
    assert len(schemas) == len(names) > 3 and "modelled" in repr(schemas)
    api = load("features31")  # a fresh model: nothing asked yet
    assert repr(api.schemas) == f"<{len(names)} named schemas, 0 modelled>"
    first = api.schemas[names[0]]
    assert first is api.schemas[names[0]] and first.name == names[0]  # modelled once, kept
    assert repr(api.schemas) == f"<{len(names)} named schemas, 1 modelled>"
    assert names[1] in api.schemas and "Nope" not in api.schemas and api.schemas.get("Nope") is None
    assert repr(api.schemas) == f"<{len(names)} named schemas, 1 modelled>"  # asking by name models nothing
    assert [api.schemas[n] for n in names] == [schemas[n] for n in names]  # the same model, whatever was asked first
