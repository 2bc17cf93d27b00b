"""Validate values against the spec's own schemas, in the spec's dialect.

OpenAPI 3.0 schemas are not quite JSON Schema (``nullable``, boolean
``exclusiveMinimum``, readOnly/writeOnly rules); 3.1 schemas are JSON Schema 2020-12
with OpenAPI's vocabulary. openapi-schema-validator knows both, so examples, snippet
values and mock-server requests are all checked by the same real validator, with
``pattern`` read as ECMA-262 (:mod:`.ecma`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError

from ..load.spec import MISSING, escape_segment, parse_fragment, resolve_pointer
from ..model.api import Pointer
from .ecma import ecma_format_checker, ecma_validator


class SchemaValidator:
    """Checks values against schemas of one bundled spec, by JSON pointer."""

    def __init__(self, data: dict[str, Any], version: str) -> None:
        self.data = data
        self.is_30 = version.startswith("3.0")
        self._verdicts: dict[tuple[Pointer, str, str], bool] = {}

    def iter_errors(self, pointer: Pointer, instance: Any, direction: str = "request") -> Iterator[ValidationError]:
        """Every way ``instance`` breaks the schema at ``pointer`` (``direction`` says
        whether readOnly or writeOnly properties are the ones that must be absent)."""
        # The whole document is the root resource, so local $refs resolve; the $ref
        # points validation at the schema wanted (other root keys are not keywords).
        root = {**self.data, "$ref": "#/" + "/".join(escape_segment(p) for p in pointer)}
        # Imported on first use: a cached build never validates a value.
        from openapi_schema_validator import (
            OAS30ReadValidator,
            OAS30WriteValidator,
            OAS31Validator,
            oas30_format_checker,
            oas31_format_checker,
        )

        if self.is_30:
            cls = ecma_validator(OAS30WriteValidator if direction == "request" else OAS30ReadValidator)
            validator = cls(root, format_checker=ecma_format_checker(oas30_format_checker))
        else:
            validator = ecma_validator(OAS31Validator)(root, format_checker=ecma_format_checker(oas31_format_checker))
        hidden = "readOnly" if direction == "request" else "writeOnly"
        try:
            found = list(validator.iter_errors(instance))
        except Exception:
            # jsonschema assumes the schema is well formed (`required: 3` makes it
            # raise TypeError, `type: [[]]` another): a malformed schema judges no
            # value, and the spec's validation reports the schema itself.
            return
        for error in found:
            # A required readOnly property is required in responses only (and a
            # writeOnly one in requests only), as OpenAPI says.
            if error.validator == "required" and self._missing_is(error, hidden):
                continue
            yield error

    def _missing_is(self, error: ValidationError, flag: str) -> bool:
        """Whether the property a ``required`` error misses is marked ``flag``."""
        properties = error.schema.get("properties") if isinstance(error.schema, dict) else None
        if not isinstance(properties, dict) or not isinstance(error.instance, dict):
            return False
        for name in error.validator_value:
            if name in error.instance or error.message != f"{name!r} is a required property":
                continue
            prop = properties.get(name)
            if isinstance(prop, dict) and isinstance(prop.get("$ref"), str) and prop["$ref"].startswith("#/"):
                prop = resolve_pointer(self.data, parse_fragment(prop["$ref"]))
            return prop is not MISSING and isinstance(prop, dict) and prop.get(flag) is True
        return False

    def accepts(self, pointer: Pointer, instance: Any, direction: str = "request") -> bool:
        """Whether ``instance`` satisfies the schema at ``pointer`` (remembered: a
        snippet asks about the same example once per language and page)."""
        try:
            key = (pointer, direction, json.dumps(instance, sort_keys=True, default=repr))
        except ValueError:  # a circular value: never an example a loader gives
            return False
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = next(self.iter_errors(pointer, instance, direction), None) is None
        return verdict

    def errors(self, pointer: Pointer, instance: Any, direction: str = "request") -> list[str]:
        """Readable messages, each with where in the value it applies."""
        messages = []
        for error in self.iter_errors(pointer, instance, direction):
            where = "/".join(str(p) for p in error.absolute_path)
            messages.append(f"{where or '(root)'}: {error.message}")
        return messages
