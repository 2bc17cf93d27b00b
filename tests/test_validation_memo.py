"""Schemas that passed the meta-schema check once pass again unchecked (their verdict
depends on their content alone), and nothing that fails is ever remembered."""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_gen.checks.spec import SchemaVerdicts, iter_spec_problems
from portal_gen.load.spec import RefPolicy, load_spec


def _spec(schemas: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }


def _problems(tmp_path: Path, spec: dict[str, Any], verdicts: SchemaVerdicts) -> list[str]:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    source = load_spec(path, tmp_path, RefPolicy(False, False))
    return [f"{p.location}: {p.message}" for p in iter_spec_problems(source, verdicts)]


GOOD = {
    "Thing": {"type": "object", "properties": {"id": {"type": "string"}, "size": {"type": "integer"}}},
    "Other": {"type": "string", "maxLength": 10},
}


def test_passes_are_remembered_and_used(tmp_path: Path) -> None:
    first = SchemaVerdicts()
    assert _problems(tmp_path, _spec(GOOD), first) == []
    assert len(first.used) == 2 and first.known == first.used  # one verdict per component schema

    again = SchemaVerdicts(first.used)
    assert _problems(tmp_path, _spec(GOOD), again) == []
    assert again.used == first.used and again.known == first.used  # nothing new learnt


def test_a_schema_known_to_pass_is_not_checked_again(tmp_path: Path) -> None:
    class Everything(SchemaVerdicts):
        """Says every schema is one already known to pass."""

        def key(self, validator: Any, schema: Any, value: Any) -> str | None:
            return "known"

    bad = {**GOOD, "Other": {"type": "string", "maxLength": "ten"}}
    assert len(_problems(tmp_path, _spec(bad), SchemaVerdicts())) == 1  # checked, it fails
    assert _problems(tmp_path, _spec(bad), Everything(["known"])) == []  # the memo answered instead


def test_a_failing_schema_is_reported_every_time_and_never_remembered(tmp_path: Path) -> None:
    bad = {**GOOD, "Other": {"type": "string", "maxLength": "ten"}}
    for version in ("3.1.0", "3.0.3"):
        verdicts = SchemaVerdicts()
        first = _problems(tmp_path, _spec(bad, version), verdicts)
        # Located at the value, in the file (3.0's own schema also rejects the object).
        meta = [p for p in first if "'ten' is not of type 'integer'" in p]
        assert len(meta) == 1 and meta[0].startswith("openapi.json:41:9: "), first
        assert "(at components → schemas → Other → maxLength)" in meta[0]
        assert version == "3.0.3" or first == meta
        assert len(verdicts.used) == 1  # Thing passed; Other did not
        again = SchemaVerdicts(verdicts.used)
        assert _problems(tmp_path, _spec(bad, version), again) == first


def test_a_schema_that_passed_and_then_changed_is_checked_again(tmp_path: Path) -> None:
    verdicts = SchemaVerdicts()
    assert _problems(tmp_path, _spec(GOOD), verdicts) == []
    # Same keys, another value type: 10 and 10.5, 10 and "10" hash apart.
    for value in (10.5, "10", True):
        edited = {**GOOD, "Other": {"type": "string", "maxLength": value}}
        problems = _problems(tmp_path, _spec(edited), SchemaVerdicts(verdicts.known))
        assert len(problems) == 1 and "is not of type 'integer'" in problems[0], (value, problems)


_COMPARE = """
import json, sys
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

spec = json.loads(sys.argv[1])
cls = OpenAPIV31SpecValidator if spec["openapi"].startswith("3.1") else OpenAPIV30SpecValidator

def errors():
    found = cls(spec).iter_errors()
    return [[type(e).__name__, str(getattr(e, "message", e))] for e in found]

before = errors()
from portal_gen.accel.spec_validator import fixed
from jsonschema_path.accessors import SchemaAccessor
with fixed():
    assert SchemaAccessor.get_resolved._portal_fix
    after = errors()
# Nothing stays patched once the validation that needed it returns.
assert not getattr(SchemaAccessor.get_resolved, "_portal_fix", False)
assert errors() == before
print(json.dumps([before, after]))
"""


def _tangled_spec(version: str) -> dict[str, Any]:
    """Every kind of keyword error openapi-spec-validator finds, behind $ref chains."""
    ok = {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}
    param = {"$ref": "#/components/parameters/Id"}
    return {
        "openapi": version,
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/things/{id}": {
                "parameters": [param],
                "get": {"operationId": "same", "responses": ok},
                "put": {"operationId": "same", "parameters": [param, param], "responses": ok},
            },
            "/other/{missing}": {"get": {"operationId": "other", "responses": {"$ref": "#/components/x-responses"}}},
            "/nodes": {
                "post": {
                    "operationId": "nodes",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
                    "responses": ok,
                }
            },
        },
        "components": {
            "x-responses": ok,
            "parameters": {
                "Id": {"name": "id", "in": "path", "required": True, "schema": {"$ref": "#/components/schemas/C"}}
            },
            "schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {
                    "allOf": [{"$ref": "#/components/schemas/C"}],
                    "required": ["nowhere"],
                    "properties": {"b": {"type": "string"}},
                },
                "C": {"type": "string", "default": 5},
                "Node": {
                    "type": "object",
                    "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
                },
                "Bad": {"type": "string", "maxLength": "ten"},
            },
        },
    }


def test_the_speed_fixes_change_no_error() -> None:
    """The same spec gives the same errors, in order, with and without ``fixed()``
    (run in a fresh interpreter: the fixes cannot be taken back once installed)."""
    import subprocess
    import sys

    for version in ("3.0.3", "3.1.0"):
        spec = json.dumps(_tangled_spec(version))
        out = subprocess.run([sys.executable, "-c", _COMPARE, spec], capture_output=True, text=True, check=True)
        before, after = json.loads(out.stdout)
        assert before == after
        kinds = {kind for kind, _ in before}
        # The spec really exercises the checks: duplicate ids and parameters, unresolved
        # path parameters, required properties no allOf part defines, a bad default.
        assert {"DuplicateOperationIDError", "ParameterDuplicateError", "UnresolvableParameterError"} <= kinds, before
        assert {"ExtraParametersError"} <= kinds, before
        assert any("5 is not of type 'string'" in message for _, message in before), before


# jsonschema-rs answers 3.0's meta-schema check for the schemas it passes; anything it
# might judge otherwise goes to the check itself (accel.spec_validator._passes_draft4_quickly).
class _Checks30:
    """What the quick path asks of the 3.0 schema validator checks.spec uses (patterns
    read as ECMA-262)."""

    def _get_schema_checker(self, schema: Any, value: Any) -> Any:
        from openapi_schema_validator import OAS30Validator

        from portal_gen.checks.ecma import ecma_validator

        return ecma_validator(OAS30Validator).check_schema


def _check_passes(value: Any) -> bool:
    from jsonschema.exceptions import SchemaError, ValidationError
    from openapi_schema_validator import OAS30Validator

    from portal_gen.checks.ecma import ecma_validator

    try:
        ecma_validator(OAS30Validator).check_schema(value)
    except (SchemaError, ValidationError):
        return False
    return True


_KEYWORDS = ["type", "maxLength", "minLength", "maxItems", "minimum", "exclusiveMinimum", "multipleOf", "enum"]
_KEYWORDS += ["required", "properties", "items", "allOf", "pattern", "additionalProperties", "uniqueItems", "format"]
_SCALARS = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([1.0, 2.5, 0.0, -1.0, 10**20, True, False, None, "", "string", "integer", "object"]),
    st.sampled_from([math.inf, -math.inf, math.nan]),
    st.sampled_from(["^a+$", "[", "\\p{L}", "(?<n>x)", "(?P<n>x)", "a{2,1}", "\\d"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYWORDS), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=1500, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYWORDS), _VALUES, max_size=5))
def test_the_quick_meta_check_passes_only_what_the_check_passes(value: dict[str, Any]) -> None:
    from portal_gen.accel.spec_validator import _passes_draft4_quickly

    if _passes_draft4_quickly(_Checks30(), None, value):
        assert _check_passes(value), value


@pytest.mark.parametrize(
    "value",
    [
        {"type": "string", "maxLength": 10.0},  # no integral floats in draft-04
        {"enum": [1, 1.0]},  # one item twice, to Python's uniqueItems
        {"type": "string", "pattern": "(?P<n>x)"},  # Python's syntax, not ECMA-262's
        {"required": []},
        {"type": "string", "maxLength": "ten"},
        {"type": "string", "pattern": datetime.date(2026, 12, 1)},  # jsonschema-rs passes it (as text?)
        {"type": "number", "enum": [math.inf, math.inf]},  # jsonschema-rs takes them for two items
        {"properties": {"a": {"enum": [-math.inf, -math.inf]}}},
    ],
)
def test_what_the_check_fails_is_asked_of_it(value: dict[str, Any]) -> None:
    from portal_gen.accel.spec_validator import _passes_draft4_quickly

    assert not _check_passes(value)
    assert not _passes_draft4_quickly(_Checks30(), None, value)


@pytest.mark.parametrize(
    "value, quickly",
    [
        (GOOD["Thing"], True),
        ({"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "pattern": "^[a-z]+$"}}}, True),
        ({"type": "array", "items": {"type": "number", "minimum": 0.5, "enum": [0.5, 1, 2.5]}}, True),
        ({"type": "string", "example": datetime.date(2026, 12, 1)}, False),  # a YAML date: asked of the check
        ({"type": "number", "default": 1.0}, False),  # an integral float: asked of the check
        ({"type": "number", "default": math.nan}, False),  # not JSON: asked of the check
    ],
)
def test_what_the_check_passes_passes(value: dict[str, Any], quickly: bool) -> None:
    from portal_gen.accel.spec_validator import _passes_draft4_quickly

    assert _check_passes(value)
    assert _passes_draft4_quickly(_Checks30(), None, value) is quickly


def test_the_quick_meta_check_is_only_for_30s_check() -> None:
    from portal_gen.accel.spec_validator import _passes_draft4_quickly

    class Checks31(_Checks30):
        def _get_schema_checker(self, schema: Any, value: Any) -> Any:
            from openapi_schema_validator import OAS31Validator

            return OAS31Validator.check_schema

    assert not _passes_draft4_quickly(Checks31(), None, GOOD["Thing"])
