"""Structured content files (guides, pricing, case studies): their shipped JSON
Schemas and what a file that breaks one is told, in the file's own terms, at its line."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..errors import Diagnostic, Location
from ..load.sources import Document
from ..model.api import Api


@cache
def content_schema(name: str) -> dict[str, Any]:
    """A shipped JSON Schema for content files (``guide``, ``pricing``, ``case-study``), also published
    with the site at ``schemas/<name>.schema.json``."""
    text = resources.files("portal_gen").joinpath(f"schemas/{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_problems(document: Document, schema: dict[str, Any], rule: str) -> Iterator[Diagnostic]:
    """Every way ``document`` breaks ``schema``, in the file's terms, each at its line."""
    validator = Draft202012Validator(schema)
    found = []
    for error in validator.iter_errors(document.data):
        message, hint = _explain(error)
        pointer = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            pointer += sorted(set(error.instance) - set(known))[:1]  # the unknown key itself
        elif "propertyNames" in error.absolute_schema_path:
            pointer.append(error.instance)
        found.append(Diagnostic(message, document.locate(pointer), hint, rule=rule))
    # In the file's order (jsonschema's own depends on how the schema is laid out).
    yield from sorted(found, key=lambda d: (d.location or Location(""), d.message))


def _explain(error: ValidationError) -> tuple[str, str | None]:
    """A message in the file's terms, and a hint.

    A schema may word its own message for a value it refuses: ``x-message`` (with
    ``{value}`` for the value as written) and ``x-hint``.
    """
    where = _where(error.absolute_path)
    own = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    if own and error.validator in ("pattern", "enum", "format"):
        return f"{own.format(value=repr(error.instance))}{where}", error.schema.get("x-hint")
    if error.validator == "enum" and isinstance(error.instance, str):
        choices = [str(c) for c in error.validator_value]
        close = difflib.get_close_matches(error.instance, choices, n=1)
        hint = f"did you mean '{close[0]}'?" if close else None
        return f"{error.instance!r} is not one of {', '.join(choices)}{where}", hint
    if error.validator == "additionalProperties" and isinstance(error.schema, dict):
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known)) if isinstance(error.instance, dict) else []
        name = extra[0] if extra else "?"
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
        return f"unknown field '{name}'{where}", hint
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return f"missing required field '{missing}'{where}", None
    if error.validator == "oneOf" and all(
        isinstance(branch, dict) and set(branch) == {"required"} for branch in error.validator_value
    ):
        names = [f"'{branch['required'][0]}'" for branch in error.validator_value]
        choice = ", ".join(names[:-1]) + f" or {names[-1]}"
        subject = "a next step" if "next_steps" in [str(p) for p in error.absolute_path] else "this"
        return f"{subject} needs exactly one of {choice}{where}", None
    if error.validator == "not":
        return f"a step has either 'call' or 'code', not both{where}", "split it into two steps"
    if "propertyNames" in error.absolute_schema_path:
        return (
            f"{error.instance!r} is not a capture name{where}",
            "captures become environment variables: use UPPER_CASE letters, digits and _",
        )
    if error.validator == "pattern" and error.absolute_path and "capture" in [str(p) for p in error.absolute_path]:
        return f"{error.instance!r} is not a field path{where}", "write a field path with dots, e.g. id or data.0.id"
    if error.validator == "type":
        subject = where.removeprefix(" in ") or "the file"
        return f"{subject} must be {_article(error.validator_value)}, got {_json_type(error.instance)}", None
    return f"{error.message}{where}", None


def _where(path: Any) -> str:
    parts = [str(p) for p in path]
    return f" in {'.'.join(parts)}" if parts else ""


def _article(types: Any) -> str:
    names = types if isinstance(types, list) else [types]
    words = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "null": "null",
    }
    return " or ".join(words.get(str(t), str(t)) for t in names)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if value is None:
        return "nothing (null)"
    return f"{value!r}"


def unknown_operation(name: str, api: Api, location: Location) -> Diagnostic:
    """The diagnostic for an operation the spec does not have, with "did you mean"."""
    names = [o.operation_id for o in api.operations if o.operation_id]
    close = difflib.get_close_matches(name, names, n=1)
    return Diagnostic(
        f"no operation '{name}' in the spec",
        location,
        f"did you mean '{close[0]}'?" if close else 'use an operationId, or "METHOD /path"',
    )
