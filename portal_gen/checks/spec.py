"""Validate a bundled OpenAPI document with openapi-spec-validator.

Every problem becomes a :class:`Diagnostic` located in the user's own file.
"""

from __future__ import annotations

import copy
import hashlib
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from .. import accel
from ..errors import Diagnostic
from ..load.spec import MISSING, SpecSource, resolve_pointer

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

    cls: Any = OpenAPIV31SpecValidator if source.version.startswith("3.1") else OpenAPIV30SpecValidator
    if accel.enabled("spec_patterns"):  # the spec's patterns with the u flag, as checks.ecma reads them
        from ..accel.spec_patterns import ecma_spec_validator

        cls = ecma_spec_validator(cls)
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
        yield _too_deep(source)
        return
    except Exception as exc:
        # openapi-spec-validator's checks past the OpenAPI schema (its own walk of the
        # paths, parameters and $refs) assume the document's shape and can fail on a
        # malformed one (an AssertionError, a KeyError deep in pathable). What is
        # malformed is what the OpenAPI schema alone says: that is reported instead.
        errors = _schema_errors(cls, source)
        if not errors:
            reason = " ".join(str(exc).split())
            reason = reason if len(reason) <= 120 else reason[:119] + "…"
            yield Diagnostic(
                f"openapi-spec-validator could not check this spec ({type(exc).__name__}: {reason})",
                source.locate(()),
                "the spec is malformed somewhere its JSON schema does not say; check it with another "
                "validator (e.g. `npx @redocly/cli lint`)",
                rule="spec-invalid",
                severity="warning",
            )
            return
    seen: set[tuple[str, str]] = set()
    relocate = _Relocator(source.data)
    for error in errors:
        error = _most_specific(error)
        path = relocate(error)
        location = source.locate(path)
        message = _message(error, path)
        key = (str(location), message)
        if key in seen:
            continue
        seen.add(key)
        yield Diagnostic(message, location, _hint(error, path), rule="spec-invalid", severity="warning")


def _too_deep(source: SpecSource) -> Diagnostic:
    return Diagnostic(
        "the spec's $ref chains are too deep to validate",
        source.locate(()),
        "a schema refers to another, which refers to another... more than "
        f"{_RECURSION_LIMIT:,} levels deep: break the chain",
        rule="spec-invalid",
        severity="warning",
    )


def _resolvable(source: SpecSource) -> Any:
    """The document, or, when some of its ``$ref``s lead nowhere (already reported), a
    copy in which those are empty schemas: openapi-spec-validator stops at the first
    it cannot resolve, and would check nothing else."""
    if not source.broken_refs:
        return source.data
    data = copy.deepcopy(source.data)
    for pointer in source.broken_refs:
        node = resolve_pointer(data, pointer)
        if isinstance(node, dict):
            node.pop("$ref", None)
    return data


def _schema_errors(cls: Any, source: SpecSource) -> list[ValidationError]:
    """The document checked against the OpenAPI JSON schema alone (jsonschema)."""
    checker = _with_jsonschema(cls).schema_validator
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        return list(checker.iter_errors(_resolvable(source)))
    except RecursionError:
        return []
    finally:
        sys.setrecursionlimit(limit)


def _errors(cls: Any, source: SpecSource) -> list[ValidationError]:
    validator = cls(_resolvable(source), base_uri=source.root.path.as_uri())
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
    """The sub-error that says what is wrong, for "is not valid under any of the given
    schemas", which says nothing.

    OpenAPI's schema offers most objects as "X or a Reference": that ``$ref`` is
    missing is true of every X that fails and says nothing either, so the branch that
    fails deepest in the document is the one the author meant.
    """
    while error.context:
        branches = [e for e in error.context if not (e.validator == "required" and "'$ref'" in str(e.message))]
        deepest = max((len(e.absolute_path) for e in branches), default=-1)
        deeper = best_match([e for e in branches if len(e.absolute_path) == deepest]) if branches else None
        if deeper is None:
            deeper = best_match(error.context)
        if deeper is None:
            break
        error = deeper
    return error


_OPERATION_NAMED = re.compile(r"for '(?P<method>[a-z]+)' operation in '(?P<path>[^']*)'")
_UNDEFINED_REQUIRED = re.compile(r"Required list has not defined properties: \[(?P<names>.*)\]")


class _Relocator:
    """The path of an error's value from the document's root.

    openapi-spec-validator checks each schema against the JSON Schema meta-schema on
    its own, so those errors' paths start at the schema (``minLength``), not at the
    document. The value is the document's own object: the schema it sits in is the
    one that holds that very object at that path (found by identity, in an index
    built only when such an error comes up).
    """

    def __init__(self, data: Any) -> None:
        self.data = data
        self._where: dict[int, tuple[tuple[str, ...], Any]] | None = None  # id -> (path, object)
        self._holders: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}

    def __call__(self, error: ValidationError) -> tuple[str, ...]:
        path = tuple(str(p) for p in error.absolute_path)
        value = error.instance
        if (path or value is self.data) and _resolves(self.data, path):
            return path
        if self._where is None:
            self._where = _object_paths(self.data)
        if isinstance(value, (dict, list)) and id(value) in self._where:
            return self._where[id(value)][0]
        if not path:
            # openapi-spec-validator's own checks of an operation (its path
            # parameters) say which one in words only.
            named = _OPERATION_NAMED.search(str(error.message))
            if named is not None and _resolves(self.data, ("paths", named["path"], named["method"])):
                return ("paths", named["path"], named["method"])
            # ... and a schema whose `required` names what its `properties` lack, by those names.
            undefined = _UNDEFINED_REQUIRED.search(str(error.message))
            if undefined is not None:
                names = set(re.findall(r"'([^']*)'", undefined["names"]))
                for where, node in self._dicts_with("required"):
                    listed, properties = node["required"], node.get("properties")
                    lacking = not names & set(properties if isinstance(properties, dict) else ())
                    if isinstance(listed, list) and names <= set(listed) and lacking:
                        return (*where, "required")
            # A value checked against its schema on its own (a default, an example):
            # the schema holds it under one of these keys.
            for key in ("default", "example", "const", "enum", "examples"):
                for where, node in self._dicts_with(key):
                    held = node[key]
                    if held is value or (isinstance(held, list) and any(v is value for v in held)):
                        return (*where, key)
            return path
        steps = list(error.absolute_path)
        for where, node in self._dicts_with(str(steps[0])):
            found: Any = node
            for step in steps:
                try:
                    found = found[step]
                except (KeyError, IndexError, TypeError):
                    break
            else:
                if found is value:
                    return (*where, *path)
        return path

    def _dicts_with(self, key: str) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
        if key not in self._holders:
            assert self._where is not None
            self._holders[key] = [(path, n) for path, n in self._where.values() if isinstance(n, dict) and key in n]
        return self._holders[key]


def _resolves(data: Any, path: tuple[str, ...]) -> bool:
    return resolve_pointer(data, path) is not MISSING


def _object_paths(data: Any) -> dict[int, tuple[tuple[str, ...], Any]]:
    """Each dict and list of the document by id: where it is (the first place, if
    shared), and the object."""
    found: dict[int, tuple[tuple[str, ...], Any]] = {}
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if id(node) in found:
            continue
        found[id(node)] = (path, node)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend(((*path, str(k)), v) for k, v in items if isinstance(v, (dict, list)))
    return found


def _message(error: ValidationError, path: tuple[str, ...]) -> str:
    message = str(error.message)
    instance = error.instance
    if isinstance(instance, (dict, list)):
        shown = repr(instance)
        if len(shown) > _MAX_VALUE_CHARS and shown in message:
            kind = "object" if isinstance(instance, dict) else "array"
            message = message.replace(shown, f"this {kind}")
    where = f" (at {' → '.join(path)})" if path else ""
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
