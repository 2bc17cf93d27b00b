"""Validate a bundled OpenAPI document with openapi-spec-validator.

Every problem becomes a :class:`Diagnostic` located in the user's own file.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from .. import accel
from ..errors import Diagnostic
from ..load.spec import SpecSource

_MAX_VALUE_CHARS = 60
# openapi-spec-validator recurses once per schema along a $ref chain; a big spec whose
# schemas refer to each other in a long chain (1,000 schemas) passes Python's default
# limit of 1,000 frames. 20,000 was checked with a 2,000-schema chain.
_RECURSION_LIMIT = 20_000


class SchemaVerdicts:
    """Hashes of the schemas known to pass the meta-schema check.

    A hash covers the validator's class, the schema's JSON Schema dialect (an OpenAPI
    3.1 document may name another) and the schema's ``repr``: exact for what a loaded
    document is made of (``1``, ``1.0``, ``True`` and ``"1"`` differ). Only passes
    are remembered: a schema that fails is checked again, and reported, every time.
    """

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.known = set(known)
        self.used: set[str] = set()  # passed in this validation: what is worth keeping

    def key(self, validator: Any, schema: Any, value: Any) -> str | None:
        dialect = ""
        dialect_of = getattr(validator, "_get_schema_dialect_id", None)
        if dialect_of is not None:
            try:
                dialect = str(dialect_of(schema, value))
            except ValueError:  # an unknown dialect: the check itself reports it
                return None
        kind = f"{type(validator).__module__}.{type(validator).__qualname__}"
        text = f"{kind}\0{dialect}\0{value!r}"
        return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def iter_spec_problems(source: SpecSource, verdicts: SchemaVerdicts | None = None) -> Iterator[Diagnostic]:
    """Yield one diagnostic per validation error, most specific cause first.

    ``verdicts`` skips the meta-schema check of schemas known to pass it, and learns
    the ones that pass now (see :mod:`portal_gen.accel.spec_validator`).
    """
    # Imported here: the validator pulls in a large dependency tree that a build whose
    # verdict is cached never needs.
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.schemas import get_validator_backend

    cls = OpenAPIV31SpecValidator if source.version.startswith("3.1") else OpenAPIV30SpecValidator
    fast = accel.enabled("spec_validator")
    if fast:
        from ..accel.spec_validator import fixed, remembering
    try:
        with fixed() if fast else nullcontext():
            with remembering(verdicts) if fast else nullcontext():
                errors = _errors(cls, source)
            if errors and get_validator_backend() != "jsonschema":
                # jsonschema-rs checks the document against the OpenAPI schema several
                # times faster, but its errors lose the path to the value and jsonschema's
                # wording: an invalid spec (rare, and failing anyway) is checked again for
                # messages.
                errors = _errors(_with_jsonschema(cls), source)
    except RecursionError:
        yield Diagnostic(
            "the spec's $ref chains are too deep to validate",
            source.locate(()),
            "a schema refers to another, which refers to another... more than "
            f"{_RECURSION_LIMIT:,} levels deep: break the chain",
        )
        return
    seen: set[tuple[str, str]] = set()
    for error in errors:
        error = _most_specific(error)
        path = tuple(str(p) for p in error.absolute_path)
        location = source.locate(path)
        message = _message(error)
        key = (str(location), message)
        if key in seen:
            continue
        seen.add(key)
        yield Diagnostic(message, location, _hint(error, path), rule="spec-invalid")


def _errors(cls: Any, source: SpecSource) -> list[ValidationError]:
    validator = cls(source.data, base_uri=source.root.path.as_uri())
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        return list(validator.iter_errors())
    finally:
        sys.setrecursionlimit(limit)


def _with_jsonschema(cls: Any) -> Any:
    """``cls`` checking the document against the OpenAPI schema with jsonschema."""
    from jsonschema.validators import validator_for
    from openapi_spec_validator.schemas import schema_v30, schema_v31

    schema = dict(schema_v31 if cls.__name__ == "OpenAPIV31SpecValidator" else schema_v30)
    return type(cls.__name__, (cls,), {"schema_validator": validator_for(schema)(schema)})


def _most_specific(error: ValidationError) -> ValidationError:
    # "is not valid under any of the given schemas" says nothing; its best sub-error does.
    while error.context:
        deeper = best_match(error.context)
        if deeper is None:
            break
        error = deeper
    return error


def _message(error: ValidationError) -> str:
    message = str(error.message)
    instance = error.instance
    if isinstance(instance, (dict, list)):
        shown = repr(instance)
        if len(shown) > _MAX_VALUE_CHARS and shown in message:
            kind = "object" if isinstance(instance, dict) else "array"
            message = message.replace(shown, f"this {kind}")
    path = " → ".join(str(p) for p in error.absolute_path)
    where = f" (at {path})" if path else ""
    return f"invalid OpenAPI: {message}{where}"


def _hint(error: ValidationError, path: tuple[str, ...]) -> str:
    if error.validator == "required":
        return "add the missing field; see https://spec.openapis.org/oas/v3.1.0 for what it must hold"
    if error.validator == "additionalProperties":
        return "remove or rename the unexpected field; extension fields must start with 'x-'"
    if error.validator in ("type", "format"):
        return "change the value to the expected type"
    if error.validator in ("enum", "const"):
        return "use one of the allowed values"
    if path and path[0] == "paths":
        return "check this operation against the OpenAPI specification"
    return "see the OpenAPI specification for this field"
