"""What real specs do to portal (issue 23): build what can be read, report the rest
with a place, never a traceback, every problem in one run, bounded input."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_demo, run_portal
from portal_gen.checks.spec import iter_spec_problems
from portal_gen.config import PortalConfig
from portal_gen.engine.build import generate_site, template_loader
from portal_gen.engine.project import load_project
from portal_gen.errors import PortalError
from portal_gen.load.sources import _build_positions, _json_positions, load_document
from portal_gen.load.spec import load_spec

# -- a one-line JSON spec: warnings at their exact column, --strict and check fail ----------

ONE_LINE = {
    "openapi": "3.0.3",
    "info": {"title": "One line", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/years/{year}": {
            "get": {
                "operationId": "getYear",
                "summary": "Get a year",
                "parameters": [
                    {"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}, "example": "2016"}
                ],
                "responses": {
                    "200": {
                        "description": "The year",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"flag": {"type": "string", "default": True}},
                                }
                            }
                        },
                    },
                    "404": {"description": "No such year"},
                },
            }
        }
    },
}


def _new(tmp_path: Path, spec_text: str, name: str = "spec.json") -> Path:
    source = tmp_path / "source"
    source.mkdir()
    (source / name).write_text(spec_text, encoding="utf-8")
    result = run_portal("new", "site", "--spec", str(source / name), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "site"


def _column_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1
    return text.index(needle) + 1


def test_one_line_json_builds_with_located_warnings(tmp_path: Path) -> None:
    text = json.dumps(ONE_LINE, separators=(",", ":")).replace("/", "\\/")  # as PHP writes it
    assert "\n" not in text
    root = _new(tmp_path, text)
    example = _column_of(text, '"example":"2016"')
    default = _column_of(text, '"default":true')
    example_warning = (
        f"WARNING: openapi/spec.json:1:{example}: example does not match its schema: "
        "(root): '2016' is not of type 'integer'; snippets never send it"
    )
    default_warning = (
        f"WARNING: openapi/spec.json:1:{default}: invalid OpenAPI: True is not of type 'string' "
        "(at paths → /years/{year} → get → responses → 200 → content → application/json → schema → "
        "properties → flag → default)"
    )
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert sorted(lines) == sorted([example_warning, default_warning])
    page = root / "site" / "reference" / "default" / "get-year" / "index.html"
    assert page.exists() or any((root / "site" / "reference").rglob("get-year/index.html"))

    strict = run_portal("build", "--strict", cwd=root)
    assert strict.returncode == 1
    assert strict.stderr.strip().endswith("error: Aborted with 2 warnings in strict mode!")
    assert "Traceback" not in strict.stderr

    check = run_portal("check", "--no-run", cwd=root)
    assert check.returncode == 1
    assert "WARNING" not in check.stderr  # the report says it, once
    assert f"openapi/spec.json:1:{example}: example does not match its schema" in check.stderr
    assert f"openapi/spec.json:1:{default}: invalid OpenAPI: True is not of type 'string'" in check.stderr


def test_check_rules_can_turn_a_spec_warning_off(tmp_path: Path) -> None:
    root = _new(tmp_path, json.dumps(ONE_LINE))
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      spec: openapi/spec.json\n",
            "      spec: openapi/spec.json\n      check_rules: {example-schema: off}\n",
        ),
    )
    result = run_portal("build", "--strict", cwd=root)
    assert result.returncode == 1
    assert "example does not match" not in result.stderr
    assert "error: Aborted with 1 warnings in strict mode!" in result.stderr


# -- Accept and Content-Type declared as header parameters (VTEX) ------------------------

HEADERS_SPEC = {
    "openapi": "3.0.0",
    "info": {"title": "Catalog", "version": "1.0"},
    "servers": [{"url": "https://{account}.example.com", "variables": {"account": {"default": "shop"}}}],
    "paths": {
        "/api/catalog/products/{productId}": {
            "get": {
                "operationId": "GetProduct",
                "summary": "Get product",
                "parameters": [
                    {
                        "name": "Content-Type",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "default": "application/json"},
                    },
                    {
                        "name": "Accept",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "default": "application/json"},
                    },
                    {
                        "name": "productId",
                        "in": "path",
                        "required": True,
                        "description": "The product's id.",
                        "schema": {"type": "integer", "example": "2016"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"Id": {"type": "integer"}}},
                                "example": {"Id": 1},
                            }
                        },
                    },
                    "404": {"description": "Not found"},
                },
            }
        }
    },
}


def test_accept_and_content_type_headers_scaffold_build_and_check(tmp_path: Path) -> None:
    root = _new(tmp_path, json.dumps(HEADERS_SPEC, indent=2))
    guide = yaml.safe_load((root / "content" / "quickstarts" / "first-call.yaml").read_text())
    call = guide["steps"][-1]["call"]
    # OpenAPI ignores those two header parameters; the invalid example gives way to a valid value.
    assert call == {"operation": "GetProduct", "parameters": {"productId": 1}}
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    check = run_portal("check", "-l", "curl", cwd=root)
    assert "first-call.yaml" not in check.stderr, check.stderr
    assert "1 of 1 guide runs passed" in check.stderr


PICKY_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Picky", "version": "1"},
    "servers": [{"url": "//api.example.com/v2"}],
    "security": [{"appKey": [], "appToken": []}],
    "components": {
        "securitySchemes": {
            "appKey": {"type": "apiKey", "in": "header", "name": "X-App-Key"},
            "appToken": {"type": "apiKey", "in": "header", "name": "X-App-Token"},
        }
    },
    "paths": {
        # The friendliest operation, but its only example breaks its schema, and no value
        # the schema allows can be made of it: the mock cannot answer it as the spec says.
        "/status": {
            "get": {
                "operationId": "getStatus",
                "summary": "Get the status",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "required": ["up"], "properties": {"up": {"not": {}}}},
                                "example": {"up": "yes"},
                            }
                        },
                    }
                },
            }
        },
        "/orders": {
            "get": {
                "operationId": "listOrders",
                "summary": "List orders",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"type": "object", "properties": {"id": {"type": "string"}}},
                                },
                                "example": [{"id": "ord_1"}],
                            }
                        },
                    }
                },
            }
        },
    },
}


def test_the_starter_quickstart_is_one_the_mock_answers(tmp_path: Path) -> None:
    root = _new(tmp_path, json.dumps(PICKY_SPEC, indent=2))
    guide = yaml.safe_load((root / "content" / "quickstarts" / "first-call.yaml").read_text())
    assert guide["steps"][-1]["call"] == {"operation": "listOrders"}
    # Two API keys at once (VTEX's appKey + appToken): check gives each its variable.
    check = run_portal("check", "-l", "curl", cwd=root)
    assert "first-call.yaml" not in check.stderr, check.stderr
    assert "1 of 1 guide runs passed" in check.stderr


def test_a_guide_naming_an_ignored_header_is_told_why(tmp_path: Path) -> None:
    root = _new(tmp_path, json.dumps(HEADERS_SPEC, indent=2))
    path = root / "content" / "quickstarts" / "first-call.yaml"
    path.write_text(path.read_text().replace("      productId: 1\n", "      productId: 1\n      Accept: text/csv\n"))
    result = run_portal("build", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/quickstarts/first-call.yaml" in result.stderr
    assert "GetProduct has no parameter 'Accept'" in result.stderr
    assert "OpenAPI ignores header parameters named Accept" in result.stderr


# -- $ref cycles through sub-schemas (Codat) ----------------------------------------------

CYCLE_SPEC = """\
openapi: 3.1.0
info: {title: Push options, version: "1"}
paths:
  /options:
    get:
      operationId: getPushOptions
      summary: Get push options
      responses:
        "200":
          description: The options
          content:
            application/json:
              schema: {$ref: "#/components/schemas/PushOption"}
components:
  schemas:
    PushOption:
      type: object
      properties:
        name: {type: string}
        option: {$ref: "#/components/schemas/PushOption/definitions/pushOptionProperty"}
      definitions:
        pushOptionProperty:
          type: object
          properties:
            displayName: {type: string}
            properties:
              type: object
              additionalProperties: {$ref: "#/components/schemas/PushOption/definitions/pushOptionProperty"}
            items:
              type: array
              items: {$ref: "#/components/schemas/PushOption/definitions/pushOptionProperty"}
            choice:
              oneOf:
                - {$ref: "#/components/schemas/PushOption/definitions/pushOptionProperty"}
                - {type: string}
"""


def test_a_ref_cycle_through_a_sub_schema_builds(tmp_path: Path) -> None:
    root = _new(tmp_path, CYCLE_SPEC, "spec.yaml")
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    config = PortalConfig(project_dir=root, spec="openapi/spec.yaml")
    api = load_project(config, with_content=False).api
    option = api.schemas["PushOption"].properties[1].schema
    assert [p.name for p in option.properties] == ["displayName", "properties", "items", "choice"]
    by_name = {p.name: p.schema for p in option.properties}
    # Through additionalProperties, items and oneOf, the cycle ends at a node naming it.
    for cycle in (by_name["properties"].additional, by_name["items"].items, by_name["choice"].one_of[0]):
        assert cycle is not None and not isinstance(cycle, bool)
        assert cycle.cycle == "pushOptionProperty" and cycle.cycle_model == "PushOption"
        assert cycle.properties == ()
    page = next((root / "site" / "reference").rglob("push-option/index.html")).read_text()
    assert "pushOptionProperty</a> (recursive)" in page  # a link to PushOption's page


# -- what the corpus of real specs found (benchmarks/corpus.py) ---------------------------

LITERAL_REFS = """\
openapi: 3.0.3
info:
  title: Refs as data
  version: "1"
  description: {$ref: "texts.yaml#/intro"}
paths:
  /schemas:
    get:
      operationId: getSchemas
      summary: Get schemas
      responses:
        "200":
          description: A JSON Schema, as data (Square's and Okta's examples hold such)
          content:
            application/json:
              schema:
                type: object
                properties:
                  toggle: {$ref: "#/components/schemas/Missing"}
                  parent: {$ref: "#/components/schemas/Event"}
              example:
                schema: {$ref: "https://example.com/schemas/common.json#String"}
                profile: {allOf: [{$ref: "#/definitions/base"}]}
components:
  schemas:
    Event:
      type: object
      properties:
        name: {type: string}
        template:
          description: The event this one copies.
          allOf: [{$ref: "#/components/schemas/Event"}]
        variant:
          allOf:
            - $ref: "#/components/schemas/Event"
            - properties: {extra: {type: string}}
"""


def test_what_real_specs_do_builds(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "spec.yaml").write_text(LITERAL_REFS)
    (source / "texts.yaml").write_text("intro: |\n  Welcome to the **refs**.\n")
    result = run_portal("new", "site", "--spec", str(source / "spec.yaml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = tmp_path / "site"
    build = run_portal("build", cwd=root)
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr
    # A $ref in an example is data (never fetched, never resolved); a broken internal
    # one is a warning where it is written.
    assert build.stderr.count("WARNING: ") == 1, build.stderr
    assert build.stderr.startswith(
        "WARNING: openapi/spec.yaml:19:28: broken $ref '#/components/schemas/Missing': nothing is defined "
        "at that location (at paths → /schemas → get → responses → 200 → content → application/json → schema "
        "→ properties → toggle → $ref)"
    )
    config = PortalConfig(project_dir=root, spec="openapi/spec.yaml")
    api = load_project(config, with_content=False).api
    assert api.description == "Welcome to the **refs**.\n"  # a $ref to a string takes its place
    event = api.schemas["Event"]
    template = event.properties[1].schema
    assert (template.ref, template.description) == ("Event", "The event this one copies.")
    variant = event.properties[2].schema
    assert variant.extends == ("Event",) and [p.name for p in variant.properties] == ["extra"]
    landing = (root / "site" / "reference" / "index.html").read_text()
    assert "Welcome to the <strong>refs</strong>." in landing


# -- every problem in one run -------------------------------------------------------------


def test_a_removed_operation_is_reported_in_every_file_that_names_it(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    spec = root / "openapi" / "openapi.yaml"
    spec.write_text(spec.read_text().replace("operationId: sendMessage\n", "operationId: postMessage\n"))
    result = run_portal("check", "--no-run", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    named = sorted(
        ":".join(line.split(":")[:2])
        for line in result.stderr.splitlines()
        if line.endswith("no operation 'sendMessage' in the spec")
    )
    # Every line of every content file that names the operation, and nothing else.
    expected = sorted(
        f"{path.relative_to(root)}:{number}"
        for path in (root / "content").rglob("*.yaml")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "sendMessage" in line and not line.lstrip().startswith("#")
    )
    files = {name.split(":")[0] for name in named}
    assert "content/pricing.yaml" in files
    assert any(name.startswith("content/quickstarts/") for name in files)
    assert any(name.startswith("content/case_studies/") for name in files)
    assert named == expected
    build = run_portal("build", cwd=root)
    assert build.returncode == 1
    found = [":".join(line.split(":")[:2]) for line in build.stderr.splitlines() if "'sendMessage'" in line]
    assert sorted(found) == expected


def test_a_broken_guide_does_not_hide_the_others(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    guides = sorted((root / "content" / "quickstarts").glob("*.yaml"))
    guides[0].write_text("title: [unclosed\n")
    pricing = root / "content" / "pricing.yaml"
    pricing.write_text(pricing.read_text().replace("currency: USD", "currency: 12", 1))
    result = run_portal("build", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    files = {line.split(":")[0] for line in result.stderr.splitlines() if not line.startswith(" ")}
    assert str(guides[0].relative_to(root)) in files
    assert "content/pricing.yaml" in files


# -- bounded input ------------------------------------------------------------------------

BOMB = """\
openapi: 3.1.0
info: {title: bomb, version: "1"}
paths: {}
x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
x-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
x-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
x-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
x-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
x-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
x-g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
x-h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
x-i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_alias_bomb_is_refused_where_it_explodes(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(BOMB)
    # The timeout only stops a hang: how fast it fails is measured in benchmarks/corpus.py.
    result = run_portal("new", "site", "--spec", "bomb.yaml", cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "bomb.yaml:12:6: YAML aliases expand this file to 490,329,074 values (it writes 38; the limit is 1,000,000)\n"
        "  hint: an alias (*name) copies its anchor's value wherever it appears; aliases of aliases multiply: "
        "write the shared parts once, or use $ref"
    )
    assert not (tmp_path / "site").exists()


def test_moderate_aliases_are_fine(tmp_path: Path) -> None:
    text = "a: &a {x: 1, y: [1, 2, 3]}\n" + "".join(f"k{i}: *a\n" for i in range(500))
    (tmp_path / "ok.yaml").write_text(text)
    data = load_document(tmp_path / "ok.yaml", "ok.yaml").data
    assert data["k499"] == {"x": 1, "y": [1, 2, 3]}


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").write_text("a: &a\n  b: *a\n")
    with pytest.raises(PortalError) as caught:
        load_document(tmp_path / "loop.yaml", "loop.yaml")
    assert str(caught.value).startswith("loop.yaml:1:4: a YAML alias refers to the node that contains it")


def test_a_file_over_the_size_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    root = _new(tmp_path, json.dumps(ONE_LINE))
    spec = root / "openapi" / "spec.json"
    data = json.loads(spec.read_text())
    data["info"]["description"] = "x" * (2 * 1024 * 1024)
    spec.write_text(json.dumps(data))
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      spec: openapi/spec.json\n", "      spec: openapi/spec.json\n      max_file_size: 1\n"
        )
    )
    result = run_portal("build", cwd=root)
    assert result.returncode == 1
    assert result.stderr.startswith("openapi/spec.json: openapi/spec.json is 2.0 MB, over the 1.0 MB limit\n")


# -- source maps ----------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_json_values, st.sampled_from([None, 0, 2]))
def test_json_positions_agree_with_the_yaml_source_map(value: Any, indent: int | None) -> None:
    text = json.dumps({"root": value}, indent=indent, ensure_ascii=False)
    if any(mark in text for mark in ("\x85", "\u2028", "\u2029")):
        return  # line breaks to YAML, characters to JSON (and to editors)
    try:
        expected = _yaml_positions(text)
    except yaml.YAMLError:
        return  # JSON that YAML does not read (the scanner's reason to be)
    assert _json_positions(text) == expected


def _yaml_positions(text: str) -> dict[tuple[str, ...], tuple[int, int]]:
    root = yaml.compose(text)
    found: dict[tuple[str, ...], tuple[int, int]] = {}
    stack: list[tuple[tuple[str, ...], Any, Any]] = [((), root, root)]
    while stack:
        pointer, anchor, node = stack.pop()
        found.setdefault(pointer, (anchor.start_mark.line + 1, anchor.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            stack.extend(((*pointer, str(k.value)), k, v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(((*pointer, str(i)), item, item) for i, item in enumerate(node.value))
    return found


def test_json_that_yaml_cannot_read_is_still_located() -> None:
    long_key = "k" * 1100  # YAML's keys stop at 1,024 characters, JSON's do not
    text = '{"a":\t{"b\\/c":[1,{"d":"e\\/f"}]}, "' + long_key + '": 1}'
    with pytest.raises(yaml.YAMLError):
        yaml.compose(text)
    positions = _build_positions(text)
    assert positions[("a", "b/c", "1", "d")] == (1, 19)
    assert positions[(long_key,)] == (1, text.index(long_key))


# -- malformed specs never crash the model or the pages -----------------------------------

_BASES = [
    yaml.safe_load((ROOT / "tests" / "projects" / name / "openapi" / "openapi.yaml").read_text())
    for name in ("petstore30", "features31")  # 3.0, and 3.1's webhooks, discriminators, $defs...
]


def _nodes(value: Any, pointer: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [pointer] if pointer else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _nodes(item, (*pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _nodes(item, (*pointer, index))
    return found


_EDITS = st.integers(0, len(_BASES) - 1).flatmap(
    lambda base: st.tuples(
        st.just(base),
        st.lists(st.tuples(st.sampled_from(_nodes(_BASES[base])), st.just(None)), min_size=1, max_size=3),
    )
)
_WRONG = st.sampled_from(
    ["text", 42, -1.5, True, None, [], {}, [1, "x"], {"a": 1}, {"$ref": "#/components/schemas"}, {"$ref": "#/info"}]
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(_EDITS, st.lists(_WRONG, min_size=3, max_size=3))
def test_a_malformed_spec_is_reported_not_crashed_on(
    tmp_path_factory: pytest.TempPathFactory, chosen: tuple[int, list], values: list
) -> None:
    base, where = chosen
    data = copy.deepcopy(_BASES[base])
    for (pointer, _), wrong in zip(where, values, strict=False):
        node = data
        try:
            for key in pointer[:-1]:
                node = node[key]
            node[pointer[-1]] = copy.deepcopy(wrong)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced a parent
    root = tmp_path_factory.mktemp("malformed")
    (root / "spec.json").write_text(json.dumps(data, default=str))
    config = PortalConfig(project_dir=root, spec="spec.json")
    try:
        project = load_project(config, with_content=False)
    except PortalError:
        return  # refused with a message (a $ref that cannot resolve, say)
    generate_site(project, template_loader(config), share=False, home=False)
    for warning in project.validation.warnings():
        assert warning.location is not None and warning.location.line >= 1
    shutil.rmtree(root, ignore_errors=True)


UNNAMED_PLACES = """\
openapi: 3.0.3
info: {title: Places in words, version: "1"}
paths:
  /things/{id}:
    get:
      responses:
        "200": {description: OK}
components:
  schemas:
    Base:
      type: object
      properties:
        name: {type: string}
    Request:
      allOf: [{$ref: "#/components/schemas/Base"}]
      required: [containerId]
"""


def test_validator_errors_that_name_their_place_in_words_are_located(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(UNNAMED_PLACES)
    source = load_spec(tmp_path / "spec.yaml", tmp_path)
    found = sorted(d.format().splitlines()[0] for d in iter_spec_problems(source))
    assert found == [
        "spec.yaml:16:7: invalid OpenAPI: Required list has not defined properties: ['containerId'] "
        "(at components → schemas → Request → required)",
        "spec.yaml:5:5: invalid OpenAPI: Path parameter 'id' for 'get' operation in '/things/{id}' was not resolved "
        "(at paths → /things/{id} → get)",
    ]


def test_check_names_every_url_the_pages_show_as_text(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {
            "title": "Links",
            "version": "1",
            "contact": {"url": " javascript:alert(1)"},
            "license": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
        },
        "tags": [{"name": "things", "externalDocs": {"url": "data:text/html,<b>x</b>"}}],
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "summary": "List things",
                    "tags": ["things"],
                    "responses": {"200": {"description": "OK"}, "404": {"description": "None"}},
                }
            }
        },
    }
    root = _new(tmp_path, json.dumps(spec, indent=2))
    guide = root / "content" / "quickstarts" / "first-call.yaml"
    guide.write_text(guide.read_text() + "- title: Elsewhere\n  url: JAVASCRIPT:alert(2)\n")
    result = run_portal("check", "--no-run", cwd=root)
    found = sorted(line for line in result.stderr.splitlines() if "is not linked" in line)
    assert found == [
        "content/quickstarts/first-call.yaml:15:3: URL 'JAVASCRIPT:alert(2)' is not linked: its scheme is not allowed",
        "openapi/spec.json:18:9: URL 'data:text/html,<b>x</b>' is not linked: its scheme is not allowed "
        "(at tags → 0 → externalDocs → url)",
        "openapi/spec.json:7:7: URL ' javascript:alert(1)' is not linked: its scheme is not allowed "
        "(at info → contact → url)",
    ]
