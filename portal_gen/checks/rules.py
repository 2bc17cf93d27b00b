"""Spec quality rules for ``portal check``: each has a stable id, a default level and an
explanation, and each finding points at the line it is about (pure).

A rule's level is set per project in mkdocs.yml (``check_rules: {rule-id: off|warn|error}``).
Warnings fail the check only with ``--strict``. The rules flag what breaks a
developer's first hour: reference pages without names or explanations, error cases
nobody documented, examples that lie.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..errors import Diagnostic, Location, PortalError
from ..load.spec import MISSING, SpecSource, parse_fragment, resolve_pointer
from ..model.api import Api
from .values import SchemaValidator

LEVELS = ("off", "warn", "error")


@dataclass(frozen=True)
class Rule:
    id: str
    level: str  # the default: off | warn | error
    explanation: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("operation-id", "warn", "Every operation needs an operationId: guides, snippets and URLs name it."),
        Rule("operation-summary", "warn", "Every operation needs a summary: it is the page title and the nav label."),
        Rule(
            "operation-4xx",
            "warn",
            "Document at least one 4xx response: developers meet errors in their first hour.",
        ),
        Rule("parameter-description", "warn", "Every parameter needs a description."),
        Rule("property-description", "warn", "Every property of a named schema needs a description."),
        Rule(
            "example-schema",
            "error",
            "Examples must match their own schema: a wrong example is a wrong answer to copy.",
        ),
        Rule("unused-component", "warn", "Components nothing refers to are dead weight or a forgotten $ref."),
        Rule("operation-id-unique", "error", "operationIds must be unique: guides and links name operations by them."),
        Rule(
            "pricing-too-many-plans",
            "warn",
            "More than four self-serve plans: few tiers, simple to understand, read as predictable.",
        ),
        Rule("pricing-unpriced", "warn", "Every paid plan shows its price; 'contact us' is for the enterprise plan."),
        Rule(
            "pricing-no-cta",
            "warn",
            "Every plan card ends with what to do next: a link to sign up, start, or talk to sales.",
        ),
        Rule(
            "pricing-no-free-allowance",
            "warn",
            "Every meter has a free allowance somewhere, so a developer can start at no cost.",
        ),
        Rule(
            "case-study-logo",
            "warn",
            "A logo SVG held script, event handlers or external references; portal removed them: check the logo.",
        ),
        Rule(
            "case-study-deprecated",
            "warn",
            "A case study names a deprecated operation: the next team would copy what is going away.",
        ),
        Rule(
            "spec-invalid",
            "error",
            "The spec must be valid OpenAPI: portal builds what it can read, but client generators, "
            "gateways and mock servers refuse the rest.",
        ),
        Rule(
            "url-unsafe",
            "warn",
            "A URL the pages show as text, not a link: only http, https, mailto and relative URLs are linked.",
        ),
        Rule(
            "breaking-change",
            "error",
            "A change that can break a client that worked (--breaking-against): make it additive, or accept it "
            "with x-portal-breaking-accepted on the changed node or an `accepted:` entry in content/changelog.yaml.",
        ),
        Rule(
            "change-warning",
            "warn",
            "A change that can break a client that did not follow the spec (--breaking-against), such as a new "
            "enum value in a response: say so in the changelog.",
        ),
        Rule(
            "changelog-history",
            "warn",
            "The changelog may miss releases: the clone is shallow. Fetch the whole history (fetch-depth: 0).",
        ),
        Rule(
            "path-parameter-unused",
            "error",
            "A path parameter must appear in the path as {name}, or no request can set it.",
        ),
    )
}

# Component kinds a $ref can use; securitySchemes are used by name in `security`.
_REFERABLE = ("schemas", "parameters", "responses", "requestBodies", "headers", "examples", "links", "callbacks")


def rule_levels(configured: Mapping[str, Any], location: Location) -> dict[str, str]:
    """Every rule's level: the defaults with mkdocs.yml's ``check_rules`` applied."""
    levels = {rule.id: rule.level for rule in RULES.values()}
    for rule_id, level in configured.items():
        if level is False:  # YAML 1.1 (mkdocs.yml) reads a bare `off` as false
            level = "off"
        if rule_id not in RULES:
            raise PortalError(
                f"check_rules: unknown rule '{rule_id}'",
                location,
                f"rules: {', '.join(RULES)}",
            )
        if level not in LEVELS:
            raise PortalError(f"check_rules: {rule_id} must be off, warn or error, got {level!r}", location)
        levels[rule_id] = level
    return levels


def check_spec(api: Api, source: SpecSource, levels: Mapping[str, str]) -> list[Diagnostic]:
    """Every finding of the enabled rules, in file order, at its configured level."""
    found = [*_operations(api, source), *_properties(source), *_unused(source)]
    return with_levels(found, levels)


def with_levels(found: list[Diagnostic], levels: Mapping[str, str]) -> list[Diagnostic]:
    """The findings of enabled rules at their configured level, in file order."""
    result = []
    for diagnostic in found:
        level = levels.get(diagnostic.rule or "", "off")
        if level != "off":
            result.append(replace(diagnostic, severity="warning" if level == "warn" else "error"))
    return sorted(result, key=lambda d: (d.location or Location(""), d.rule or ""))


def _finding(rule: str, message: str, location: Location, hint: str | None = None) -> Diagnostic:
    return Diagnostic(message, location, hint or RULES[rule].explanation, rule=rule)


def _operations(api: Api, source: SpecSource) -> Iterator[Diagnostic]:
    seen_ids: dict[str, str] = {}
    seen_params: set[tuple[str, ...]] = set()
    for op in api.operations:
        where = source.locate(op.pointer)
        name = f"{op.method.upper()} {op.path}"
        if not op.operation_id:
            yield _finding("operation-id", f"{name} has no operationId", where)
        elif op.operation_id in seen_ids:
            yield _finding(
                "operation-id-unique",
                f"operationId '{op.operation_id}' is also used by {seen_ids[op.operation_id]}",
                source.locate((*op.pointer, "operationId")),
            )
        else:
            seen_ids[op.operation_id] = name
        if not op.summary:
            yield _finding("operation-summary", f"{op.key} has no summary", where)
        statuses = [r.status.upper() for r in op.responses]
        if not any(s.startswith("4") for s in statuses) and "DEFAULT" not in statuses:
            yield _finding(
                "operation-4xx", f"{op.key} documents no 4xx response", source.locate((*op.pointer, "responses"))
            )
        for param in op.parameters:
            if param.pointer in seen_params:
                continue  # a shared parameter is reported once, where it is written
            seen_params.add(param.pointer)
            if not (param.description or "").strip():
                yield _finding(
                    "parameter-description",
                    f"{param.location} parameter '{param.name}' has no description",
                    source.locate(param.pointer),
                )
            if param.location == "path" and "{" + param.name + "}" not in op.path:
                yield _finding(
                    "path-parameter-unused",
                    f"path parameter '{param.name}' is not in the path {op.path}",
                    source.locate(param.pointer),
                )


def _properties(source: SpecSource) -> Iterator[Diagnostic]:
    schemas = source.data.get("components", {}).get("schemas", {})
    if not isinstance(schemas, dict):
        return
    for name, schema in schemas.items():
        yield from _undescribed(schema, ("components", "schemas", name), source, name)


def _undescribed(schema: Any, pointer: tuple[str, ...], source: SpecSource, owner: str) -> Iterator[Diagnostic]:
    """Properties without a description in a named schema (and the inline parts it
    merges); a property that is a $ref is described where it is defined."""
    if not isinstance(schema, dict):
        return
    for key in ("allOf", "oneOf", "anyOf"):
        for index, member in enumerate(schema.get(key) or []):
            if isinstance(member, dict) and "$ref" not in member:
                yield from _undescribed(member, (*pointer, key, str(index)), source, owner)
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for prop, value in properties.items():
        if not isinstance(value, dict) or "$ref" in value:
            continue
        if not str(value.get("description") or value.get("title") or "").strip():
            yield _finding(
                "property-description",
                f"property '{prop}' of {owner} has no description",
                source.locate((*pointer, "properties", prop)),
            )


def example_problems(source: SpecSource) -> Iterator[Diagnostic]:
    """Examples of media types, parameters and schemas checked against their schema.

    Warnings, reported with the spec's validation (see :mod:`portal_gen.engine.validation`):
    a wrong example is shown as written, and fails ``portal check``."""
    validator = SchemaValidator(source.data, source.version)
    for pointer, node in _walk(source.data, ()):
        direction = "response" if "responses" in pointer else "request"
        schema = node.get("schema")
        if isinstance(schema, dict) and ("example" in node or "examples" in node):
            for where, value in _example_values(node, pointer, source.data):
                yield from _mismatch(validator, (*pointer, "schema"), value, where, direction, source)
        if _is_schema_position(pointer) and "example" in node:
            yield from _mismatch(validator, pointer, node["example"], (*pointer, "example"), direction, source)
        if _is_schema_position(pointer) and isinstance(node.get("examples"), list):
            for index, value in enumerate(node["examples"]):
                yield from _mismatch(validator, pointer, value, (*pointer, "examples", str(index)), direction, source)


def _is_schema_position(pointer: tuple[str, ...]) -> bool:
    """Whether the object at ``pointer`` is a schema (not a map of properties, say)."""
    if len(pointer) >= 3 and pointer[-3:-1] == ("components", "schemas"):
        return True
    if not pointer:
        return False
    if pointer[-1] in ("schema", "items", "additionalProperties", "not"):
        return True
    return len(pointer) >= 2 and pointer[-2] in ("properties", "allOf", "oneOf", "anyOf", "prefixItems")


def _example_values(node: dict[str, Any], pointer: tuple[str, ...], data: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
    if "example" in node:
        yield (*pointer, "example"), node["example"]
    examples = node.get("examples")
    if isinstance(examples, dict):
        for name, example in examples.items():
            if isinstance(example, dict) and isinstance(example.get("$ref"), str):
                resolved = resolve_pointer(data, parse_fragment(example["$ref"]))
                example = resolved if resolved is not MISSING else {}
            if isinstance(example, dict) and "value" in example:
                yield (*pointer, "examples", name), example["value"]


def _mismatch(
    validator: SchemaValidator,
    schema_pointer: tuple[str, ...],
    value: Any,
    where: tuple[str, ...],
    direction: str,
    source: SpecSource,
) -> Iterator[Diagnostic]:
    errors = validator.errors(schema_pointer, value, direction)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        # An example that fails is never sent by a snippet (engine.build.example_judge):
        # the warning says so, as the reference's snippet shows another value.
        unused = "; snippets never send it" if direction == "request" else ""
        found = _finding(
            "example-schema",
            f"example does not match its schema: {errors[0]}{more}{unused}",
            source.locate(where),
            "fix the example, or the schema if the example is right",
        )
        yield replace(found, severity="warning")


def _walk(node: Any, pointer: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every mapping in the document with its pointer (examples' own values excluded)."""
    stack = [(pointer, node)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            yield where, item
            in_properties = bool(where) and where[-1] == "properties"  # keys there are names
            for key, value in item.items():
                if key in ("example", "examples", "x-codeSamples", "x-code-samples") and not in_properties:
                    continue
                stack.append(((*where, str(key)), value))
        elif isinstance(item, list):
            stack.extend(((*where, str(i)), v) for i, v in enumerate(item))


def _unused(source: SpecSource) -> Iterator[Diagnostic]:
    components = source.data.get("components")
    if not isinstance(components, dict):
        return
    used: set[str] = set()
    stack: list[Any] = [source.data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                used.add(ref)
            mapping = item.get("mapping") if isinstance(item.get("propertyName"), str) else None
            if isinstance(mapping, dict):  # a discriminator's mapping refers to schemas too
                used.update(
                    v if v.startswith("#/") else f"#/components/schemas/{v}"
                    for v in mapping.values()
                    if isinstance(v, str)
                )
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    for kind in _REFERABLE:
        entries = components.get(kind)
        if not isinstance(entries, dict):
            continue
        for name in entries:
            if f"#/components/{kind}/{_escape(name)}" not in used and not _used_below(used, kind, name):
                yield _finding(
                    "unused-component",
                    f"components/{kind}/{name} is never used",
                    source.locate(("components", kind, name)),
                    "refer to it with $ref, or remove it",
                )


def _used_below(used: set[str], kind: str, name: str) -> bool:
    prefix = f"#/components/{kind}/{_escape(name)}/"
    return any(ref.startswith(prefix) for ref in used)


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
