from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal_gen.errors import PortalError
from portal_gen.load.spec import RefPolicy, load_spec
from portal_gen.model.build import build_api

PROJECTS = Path(__file__).parent / "projects"

MINIMAL = """\
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: %s
"""


def project_with(tmp_path: Path, ref: str) -> Path:
    (tmp_path / "openapi").mkdir()
    spec = tmp_path / "openapi" / "openapi.yaml"
    spec.write_text(MINIMAL % ref, encoding="utf-8")
    return spec


def test_multi_file_spec_is_bundled_with_named_schemas(tmp_path: Path) -> None:
    root = tmp_path / "multifile"
    shutil.copytree(PROJECTS / "multifile", root)
    source = load_spec(root / "openapi" / "openapi.yaml", root)
    schemas = source.data["components"]["schemas"]
    assert sorted(schemas) == ["Error", "Team", "User"]
    # The recursive external schema points at itself by its bundled name.
    assert schemas["User"]["properties"]["manager"] == {"$ref": "#/components/schemas/User"}
    assert schemas["Team"]["properties"]["members"]["items"] == {"$ref": "#/components/schemas/User"}
    api = build_api(source)
    assert [op.key for op in api.operations] == ["listUsers", "getUser"]
    assert api.operations[1].parameters[0].name == "user_id"
    # Values that came from another file are located in that file.
    assert str(source.locate(("components", "schemas", "User", "properties", "team"))) == (
        "openapi/schemas/User.yaml:9:3"
    )
    assert str(source.locate(("paths", "/users/{user_id}", "get", "summary"))) == "openapi/paths/user.yaml:3:3"


def test_ref_leaving_the_project_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "outside.yaml").write_text("type: string\n")
    spec = project_with(project, "../../outside.yaml")
    with pytest.raises(PortalError) as caught:
        load_spec(spec, project)
    assert caught.value.format() == (
        "openapi/openapi.yaml:12:17: $ref leaves the project directory: ../../outside.yaml "
        "(at paths → /a → get → responses → 200 → content → application/json → schema → $ref)\n"
        "  hint: copy the file into the project, or set `allow_external_refs: true` "
        "for the portal plugin in mkdocs.yml if you trust it"
    )
    allowed = load_spec(spec, project, RefPolicy(allow_outside_project=True))
    assert allowed.data["components"]["schemas"]["outside"] == {"type": "string"}


def test_network_ref_is_refused_without_touching_the_network(tmp_path: Path) -> None:
    spec = project_with(tmp_path, "https://example.com/schemas/pet.yaml")
    with pytest.raises(PortalError) as caught:
        load_spec(spec, tmp_path)
    assert caught.value.format().startswith(
        "openapi/openapi.yaml:12:17: $ref to the network refused: https://example.com/schemas/pet.yaml "
        "(at paths → /a → get → responses → 200 → content → application/json → schema → $ref)\n"
    )


def test_broken_internal_ref_is_a_warning_naming_what_exists(tmp_path: Path) -> None:
    spec = project_with(tmp_path, "'#/components/schemas/pet'")
    spec.write_text(spec.read_text() + "components:\n  schemas:\n    Pet: {type: object}\n")
    source = load_spec(spec, tmp_path)
    assert [d.format() for d in source.problems] == [
        "openapi/openapi.yaml:12:17: broken $ref '#/components/schemas/pet': nothing is defined at that location "
        "(at paths → /a → get → responses → 200 → content → application/json → schema → $ref)\n"
        "  hint: did you mean 'Pet'? names are case-sensitive"
    ]
    assert {d.severity for d in source.problems} == {"warning"}


def test_broken_file_ref(tmp_path: Path) -> None:
    spec = project_with(tmp_path, "schemas/missing.yaml")
    with pytest.raises(PortalError) as caught:
        load_spec(spec, tmp_path)
    assert caught.value.format() == (
        "openapi/openapi.yaml:12:17: broken $ref: file not found: schemas/missing.yaml "
        "(at paths → /a → get → responses → 200 → content → application/json → schema → $ref)\n"
        "  hint: no file at openapi/schemas/missing.yaml; check the relative path"
    )


def test_broken_pointer_into_another_file(tmp_path: Path) -> None:
    spec = project_with(tmp_path, "common.yaml#/components/schemas/Nope")
    (tmp_path / "openapi" / "common.yaml").write_text("components:\n  schemas:\n    Pet: {type: object}\n")
    with pytest.raises(PortalError) as caught:
        load_spec(spec, tmp_path)
    assert caught.value.format() == (
        "openapi/openapi.yaml:12:17: broken $ref 'common.yaml#/components/schemas/Nope': "
        "nothing is defined at '#/components/schemas/Nope' in openapi/common.yaml "
        "(at paths → /a → get → responses → 200 → content → application/json → schema → $ref)\n"
        "  hint: defined there: Pet"
    )


def test_swagger_2_gets_a_conversion_hint(tmp_path: Path) -> None:
    spec = tmp_path / "swagger.yaml"
    spec.write_text("swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n")
    with pytest.raises(PortalError) as caught:
        load_spec(spec, tmp_path)
    assert caught.value.format() == (
        "swagger.yaml:1:1: Swagger 2.0 is not supported; portal reads OpenAPI 3.0 and 3.1 (at swagger)\n"
        "  hint: convert it first, e.g. `npx swagger2openapi openapi.yaml -o openapi3.yaml`, "
        "then point portal at the converted file"
    )


def test_unsupported_version(tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text("openapi: 4.0.0\ninfo: {title: T, version: '1'}\n")
    with pytest.raises(PortalError, match=r"^a.yaml:1:1: unsupported OpenAPI version '4.0.0'"):
        load_spec(spec, tmp_path)


def _json_spec(tmp_path: Path, schema_ref: str) -> Path:
    # The key written with a JSON escape: parsing decodes it to "$ref" like any other.
    text = (
        '{\n  "openapi": "3.1.0",\n  "info": {"title": "T", "version": "1"},\n  "paths": {"/a": {"get": {\n'
        '    "responses": {"200": {"description": "OK", "content": {"application/json": {\n'
        f'      "schema": {{"\\u0024ref": "{schema_ref}"}}}}}}}}}}}}}}}},\n'
        '  "components": {"schemas": {"Here": {"type": "string"}}}\n}\n'
    )
    path = tmp_path / "openapi.json"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "common.json").write_text('{"Thing": {"type": "integer", "title": "A thing"}}', encoding="utf-8")
    return path


def test_a_json_spec_is_bundled_whatever_its_refs_look_like(tmp_path: Path) -> None:
    # One-file JSON specs skip the bundler's walk when every $ref is internal and sound:
    # the $refs are noted as the JSON is parsed, escaped keys included.
    source = load_spec(_json_spec(tmp_path, "common.json#/Thing"), tmp_path)
    schema = source.data["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Thing"}
    assert source.data["components"]["schemas"]["Thing"] == {"type": "integer", "title": "A thing"}

    source = load_spec(_json_spec(tmp_path, "#/components/schemas/Here"), tmp_path)
    assert build_api(source).operations[0].responses[0].content[0].schema.ref == "Here"

    (broken,) = load_spec(_json_spec(tmp_path, "#/components/schemas/Nowhere"), tmp_path).problems
    assert str(broken.location) == "openapi.json:6:18"  # the key, escaped as it is
    assert "broken $ref '#/components/schemas/Nowhere'" in broken.message
