"""Patterns are read as ECMA-262 (regress), as JSON Schema says: in the spec check, in
value validation (examples, the mock server) and in the values snippets generate."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from jsonschema import Draft202012Validator

from conftest import run_portal
from portal_gen.accel.spec_patterns import ecma_spec_validator
from portal_gen.checks.ecma import (
    InvalidPattern,
    compile_pattern,
    ecma_format_checker,
    ecma_validator,
    is_regex,
    python_pattern,
    search,
)
from portal_gen.checks.spec import _with_jsonschema, iter_spec_problems
from portal_gen.checks.values import SchemaValidator
from portal_gen.load.sources import Document
from portal_gen.load.spec import RefPolicy, SpecSource, load_spec
from portal_gen.mock import MockApi
from portal_gen.model.api import Schema
from portal_gen.model.build import build_api
from portal_gen.model.examples import example_for

# In 95 of 354 AWS descriptions; Python's re refuses it ("bad escape \p").
AWS = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"


def test_the_aws_pattern_is_a_regular_expression() -> None:
    with pytest.raises(re.error):
        re.compile(AWS)
    assert is_regex(AWS)
    assert compile_pattern(AWS).unicode  # \p{L} is a property only with the u flag
    assert ecma_format_checker().conforms(AWS, "regex")
    assert search(AWS, "Ünïcödé tag: x/y")
    assert not search(AWS, "a\u0000")


@pytest.mark.parametrize(
    "pattern, text, ecma",
    [
        (r"^\d+$", "٣", False),  # ECMA's \d is ASCII; Python's takes any script's digits
        (r"^\w+$", "é", False),
        (r"^a$", "a\n", False),  # Python's $ matches before a final newline
        (r"^\s$", "\ufeff", True),
        (r"^\p{N}+$", "٣4", True),
    ],
)
def test_matching_is_ecmas_where_python_reads_otherwise(pattern: str, text: str, ecma: bool) -> None:
    try:
        python = re.search(pattern, text) is not None
    except re.error:
        python = None
    assert python is not ecma  # a case where the two differ
    assert search(pattern, text) is ecma


def test_readings_u_first_then_without_needless_escapes_then_annex_b() -> None:
    assert (compile_pattern(r"^[\p{L}\_]+$").text, compile_pattern(r"^[\p{L}\_]+$").unicode) == (r"^[\p{L}_]+$", True)
    assert search(r"^[\p{L}\_]+$", "Grüße_")
    assert not compile_pattern(r"^a{$").unicode and search(r"^a{$", "a{")  # Annex B: a literal brace
    assert search(r"^\Z$", "Z")  # Annex B: \Z is the letter
    # A lone surrogate (JSON allows one) crashes neither compiling nor matching.
    assert search("a", "x\ud800a") and search("\ud800", "x\ud800")


@pytest.mark.parametrize("pattern", ["(", "([", "(?i)abc", "(?P<year>\\d{4})"])
def test_an_invalid_pattern_is_reported_not_crashed_on(pattern: str) -> None:
    assert not is_regex(pattern)
    assert not ecma_format_checker().conforms(pattern, "regex")
    with pytest.raises(InvalidPattern, match=r"is not a valid regular expression \("):
        search(pattern, "x")
    # Validation reports it; generation keeps its heuristic value.
    validator = ecma_validator(Draft202012Validator)({"pattern": pattern})
    assert [e.message for e in validator.iter_errors("x")] == [str(_invalid(pattern))]
    assert example_for(Schema(types=("string",), constraints=(("pattern", pattern),)), {}) == "example"


def _invalid(pattern: str) -> InvalidPattern:
    try:
        compile_pattern(pattern)
    except InvalidPattern as exc:
        return exc
    raise AssertionError(pattern)


def test_the_message_for_an_invalid_pattern() -> None:
    assert str(_invalid("(")) == "'(' is not a valid regular expression (Unbalanced parenthesis)"


def test_named_groups() -> None:
    dated = r"^(?<year>\d{4})-(?<month>0[1-9]|1[0-2])$"
    assert search(dated, "2026-01") and not search(dated, "2026-13")
    assert python_pattern(compile_pattern(dated)) == r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$"
    repeated = r"^(?<w>\p{Ll}+)-\k<w>$"
    assert search(repeated, "ab-ab") and not search(repeated, "ab-cd")
    for pattern in (dated, repeated):
        value = example_for(Schema(types=("string",), constraints=(("pattern", pattern),)), {})
        assert isinstance(value, str) and search(pattern, value), value


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (AWS, "example"),  # the heuristic value matches already
        (r"^\p{Lu}{3}-\p{N}{4}$", "AAA-0000"),
        (r"^\p{Lu}\p{Ll}+$", "Aa"),
        (r"^\u{1F600}+$", "😀"),
        (r"^\P{L}+$", "0"),
        (r"^[^]{2}x$", "\t\tx"),
        (r"^\cJ$", "\n"),
    ],
)
def test_generated_values_match_the_pattern(pattern: str, expected: str) -> None:
    value = example_for(Schema(types=("string",), constraints=(("pattern", pattern),)), {}, direction="request")
    assert value == expected
    assert search(pattern, value)


def _spec(version: str, prop: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/t": {
                "get": {
                    "operationId": "t",
                    "parameters": [{"name": "tag", "in": "query", "schema": prop}],
                    "responses": {"200": {"description": "OK"}},
                }
            }
        },
        "components": {"schemas": {"Tag": {"type": "object", "properties": {"value": prop}}}},
    }


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_schema_validator_reads_ecma(version: str) -> None:
    data = _spec(version, {"type": "string"})
    data["components"]["schemas"].update(
        {
            "Tag": {"type": "string", "pattern": AWS},
            "Digits": {"type": "string", "pattern": r"^\d+$"},
            "Named": {"type": "string", "format": "regex"},
        }
    )
    validator = SchemaValidator(data, version)

    def errors(name: str, value: Any) -> list[str]:
        return validator.errors(("components", "schemas", name), value)

    assert errors("Tag", "Ünïcödé tag: x/y") == []
    assert errors("Tag", "a\u0000") == [rf"(root): 'a\x00' does not match {AWS!r}"]
    assert errors("Digits", "123") == []
    assert errors("Digits", "٣") == [r"(root): '٣' does not match '^\\d+$'"]
    assert errors("Named", AWS) == []
    assert errors("Named", "([") == ["(root): '([' is not a 'regex'"]


def test_pattern_properties_read_ecma() -> None:
    data = _spec("3.1.0", {"type": "string"})
    data["components"]["schemas"]["Words"] = {
        "type": "object",
        "patternProperties": {r"^\p{L}+$": {"type": "integer"}},
        "additionalProperties": False,
    }
    validator = SchemaValidator(data, "3.1.0")
    pointer = ("components", "schemas", "Words")
    assert validator.errors(pointer, {"Grüße": 1}) == []
    assert validator.errors(pointer, {"Grüße": "x"}) == ["Grüße: 'x' is not of type 'integer'"]
    assert validator.errors(pointer, {"٣": 1}) == [r"(root): '٣' does not match any of the regexes: '^\\p{L}+$'"]


def _problems(cls: Any, data: dict[str, Any]) -> list[str]:
    data = json.loads(json.dumps(data))  # as loaded: no object twice (the validator skips a schema seen)
    return [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in cls(data).iter_errors()]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_the_spec_validator_judges_patterns_as_ecma(version: str) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    base = OpenAPIV31SpecValidator if version == "3.1.0" else OpenAPIV30SpecValidator
    assert ecma_spec_validator(base).__name__ == base.__name__ and issubclass(ecma_spec_validator(base), base)
    assert ecma_spec_validator(base) is ecma_spec_validator(base)
    # jsonschema-rs, when installed, checks `format: regex` in 3.0's OpenAPI schema with
    # its own engine; checks/spec.py asks jsonschema again when it finds anything.
    cls = _with_jsonschema(ecma_spec_validator(base))
    # A default checked against its pattern: \p{L} is a property, not the letters "p{L}".
    good = {"type": "string", "pattern": AWS, "default": "Ünïcödé tag: x/y"}
    assert _problems(cls, _spec(version, good)) == []
    assert _problems(cls, _spec(version, {"type": "string", "pattern": "(["})) == [
        "pattern: '([' is not a 'regex'",
        "properties/value/pattern: '([' is not a 'regex'",
    ]
    digits = {"type": "string", "pattern": r"^\d$", "default": "٣"}
    # One for the parameter's schema, one for the property's.
    assert _problems(cls, _spec(version, digits)) == [": '٣' does not match '^\\\\d$'"] * 2


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_the_spec_check_reads_patterns_as_ecma(tmp_path: Path, version: str) -> None:
    """Through the check portal runs (checks/spec.py wires ecma_spec_validator in)."""
    path = tmp_path / "openapi.json"

    def problems(prop: dict[str, Any]) -> list[str]:
        path.write_text(json.dumps(_spec(version, prop), indent=2), encoding="utf-8")
        source = load_spec(path, tmp_path, RefPolicy(False, False))
        return [f"{p.location}: {p.message}" for p in iter_spec_problems(source)]

    assert problems({"type": "string", "pattern": AWS, "default": "Ünïcödé tag: x/y"}) == []
    assert problems({"type": "string", "pattern": "(["}) == [
        "openapi.json:17:15: invalid OpenAPI: '([' is not a 'regex' (at paths → /t → get → parameters → 0 → schema "
        "→ pattern)",
        "openapi.json:36:13: invalid OpenAPI: '([' is not a 'regex' (at components → schemas → Tag → properties "
        "→ value → pattern)",
    ]


SPEC = r"""openapi: 3.1.0
info: {title: Tags, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /things:
    post:
      operationId: createThing
      summary: Create a thing
      parameters:
        - name: code
          in: query
          required: true
          description: The thing's code.
          schema: {type: string, pattern: '^\p{Lu}{3}-\p{N}{4}$'}
        - name: greeting
          in: query
          description: A greeting, in any script.
          schema: {type: string, pattern: '^\p{L}+$', default: 'Grüße'}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [tag, sku]
              properties:
                tag: {type: string, pattern: '^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$', example: 'Ünïcödé tag: x/y'}
                sku: {type: string, pattern: '^\p{Lu}{2}\d{3}$'}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {type: object, properties: {sku: {type: string}}}
"""
MKDOCS = """\
site_name: Tags
docs_dir: content
theme:
  name: material
  font: false
  features: [navigation.indexes, navigation.prune]
plugins:
  - search
  - portal:
      spec: openapi/openapi.yaml
"""


@pytest.fixture
def tags_project(tmp_path: Path) -> Path:
    root = tmp_path / "tags"
    (root / "openapi").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (root / "content" / "index.md").write_text("# Tags\n", encoding="utf-8")
    (root / "openapi" / "openapi.yaml").write_text(SPEC, encoding="utf-8")
    return root


def test_a_spec_with_unicode_property_patterns_builds_and_its_snippet_matches(tags_project: Path) -> None:
    # --strict: the `default` of `greeting` ('Grüße' against \p{L}) would be a warning
    # if the spec check read the pattern without the u flag.
    result = run_portal("build", "--strict", cwd=tags_project)
    assert result.returncode == 0, result.stderr
    assert "does not match" not in result.stderr

    result = run_portal("snippet", "createThing", "--lang", "curl", cwd=tags_project)
    assert result.returncode == 0, result.stderr
    url = re.search(r"curl [^']*'([^']+)'", result.stdout)
    body = re.search(r"--data-raw '(.*)'", result.stdout, re.S)
    assert url is not None and body is not None, result.stdout
    code = parse_qs(urlsplit(url.group(1)).query)["code"][0]
    sent = json.loads(body.group(1))
    assert (code, sent) == ("AAA-0000", {"tag": "Ünïcödé tag: x/y", "sku": "AA000"})
    assert search(r"^\p{Lu}{3}-\p{N}{4}$", code)
    assert search(AWS, sent["tag"]) and search(r"^\p{Lu}{2}\d{3}$", sent["sku"])


def test_the_mock_checks_requests_with_ecma_patterns() -> None:
    import yaml

    data = yaml.safe_load(SPEC)
    api = build_api(
        SpecSource(data=data, root=Document(Path("openapi.yaml"), "openapi.yaml", "", data), project_dir=Path())
    )
    mock = MockApi(api, data, "3.1.0")
    headers = [("Content-Type", "application/json")]

    def post(code: str, body: dict[str, Any]) -> tuple[int, Any]:
        response = mock.handle("POST", "/things?code=" + quote(code), headers, json.dumps(body).encode())
        return response.status, response.json()

    assert post("ÄÖÜ-٣٤٥٦", {"tag": "Ünïcödé tag: x/y", "sku": "ÉÈ123"})[0] == 201
    status, problem = post("abc", {"tag": "a\u0000", "sku": "ÉÈ١٢٣"})
    assert status == 400
    assert "does not match" in json.dumps(problem)
