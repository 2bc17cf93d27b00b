"""Guides checked against the spec (pure): operations, parameters, bodies and captures,
each problem reported at its line in the guide."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..errors import Diagnostic, Location
from ..model.api import IGNORED_HEADERS, UNSET, Api, Operation, Schema
from ..model.guides import Call, Capture, Guide, Step, success_response
from ..snippets.languages import LANGUAGES, language_for
from ..snippets.request import body_kind, preferred_media
from ..snippets.values import EnvValue, env_values, without_env_values
from .content import unknown_operation
from .values import SchemaValidator


def check_guides(
    guides: tuple[Guide, ...],
    api: Api,
    validator: SchemaValidator,
    reserved: frozenset[str] = frozenset(),
    ids: frozenset[str] | None = None,
) -> list[Diagnostic]:
    """Every way the guides disagree with the spec or with each other.

    ``reserved`` are environment variables snippets already use (credentials): a
    capture may not shadow them. ``ids`` are the ids of every guide, when ``guides``
    are some of them (default: theirs).
    """
    ids = ids if ids is not None else frozenset(g.id for g in guides)
    problems: list[Diagnostic] = []
    for guide in guides:
        captured: set[str] = set()
        for step in guide.steps:
            if step.call is not None:
                problems.extend(_mixed_references(step, step.call))
                problems.extend(_check_call(step, step.call, api, validator, captured))
            for lang in step.code:
                if lang not in LANGUAGES:
                    known = language_for(lang)
                    hint = f"write '{known.id}'" if known else f"use one of {', '.join(LANGUAGES)}"
                    problems.append(Diagnostic(f"unknown language '{lang}'", step.locate("code", lang), hint))
            for capture in step.captures:
                if capture.name in reserved:
                    problems.append(
                        Diagnostic(
                            f"capture '{capture.name}' would replace the credential variable of the same name",
                            capture.location,
                            "pick another name",
                        )
                    )
                if not step.runs:
                    problems.append(
                        Diagnostic(
                            f"step {step.number} captures '{capture.name}' but runs nothing",
                            capture.location,
                            "move the capture to the step that calls the API",
                        )
                    )
                elif step.call is not None:
                    problem = _check_capture(capture, step.call, api)
                    if problem:
                        problems.append(problem)
                captured.add(capture.name)
        problems.extend(_unused_captures(guide))
        for item in guide.next_steps:
            if item.guide is not None and item.guide not in ids:
                close = difflib.get_close_matches(item.guide, sorted(ids), n=1)
                problems.append(
                    Diagnostic(
                        f"no guide '{item.guide}'",
                        item.location,
                        f"did you mean '{close[0]}'?" if close else "a guide id is its file name without .yaml",
                    )
                )
            if item.operation is not None and api.operation(item.operation) is None:
                problems.append(unknown_operation(item.operation, api, item.location))
    ordered = sorted(problems, key=lambda d: d.location or Location(""))
    return [d if d.rule else replace(d, rule="guide-reference") for d in ordered]


def _unused_captures(guide: Guide) -> Iterator[Diagnostic]:
    """A capture no later step reads only adds a line for the reader to run."""
    for index, step in enumerate(guide.steps):
        later = guide.steps[index + 1 :]
        read = {ref.name for s in later if s.call is not None for ref in _reads(s.call)}
        # Hand-written code, and text a captured value is (wrongly) spliced into, which
        # is reported on its own.
        written = "\n".join(
            [
                *(code for s in later for code in s.code.values()),
                *(text for s in later if s.call is not None for _, text in _call_strings(s.call)),
            ]
        )
        for capture in step.captures:
            if capture.name not in read and capture.name not in written:
                yield Diagnostic(
                    f"'{capture.name}' is captured but no later step uses it",
                    capture.location,
                    f'use it in a later step as "${{{capture.name}}}", or remove the capture',
                )


def _call_strings(call: Call) -> Iterator[tuple[tuple[str | int, ...], str]]:
    yield from _strings(dict(call.parameters), ())
    if call.body is not UNSET:
        yield from _strings(call.body, ())


def _reads(call: Call) -> Iterator[EnvValue]:
    """The captured values ``call`` sends."""
    yield from env_values(dict(call.parameters))
    if call.body is not UNSET:
        yield from env_values(call.body)


def _mixed_references(step: Step, call: Call) -> Iterator[Diagnostic]:
    """``${NAME}`` must be a whole value: a captured id, never spliced into text."""
    values: list[tuple[tuple[str, ...], Any]] = [(("parameters", k), v) for k, v in call.parameters.items()]
    if call.body is not UNSET:
        values.append((("body",), call.body))
    for prefix, value in values:
        for pointer, text in _strings(value, prefix):
            if "${" in text:
                yield Diagnostic(
                    f"'{text}' mixes a captured value with text",
                    step.locate("call", *pointer),
                    'a captured value must be the whole value, e.g. message_id: "${MESSAGE_ID}"',
                )


def _strings(value: Any, pointer: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*pointer, index))


def _check_call(
    step: Step, call: Call, api: Api, validator: SchemaValidator, captured: set[str]
) -> Iterator[Diagnostic]:
    op = api.operation(call.operation)
    if op is None:
        yield unknown_operation(call.operation, api, step.locate("call", "operation"))
        return
    by_name = {p.name: p for p in op.parameters}
    for name, value in call.parameters.items():
        param = by_name.get(name)
        where = step.locate("call", "parameters", name)
        if param is None:
            close = difflib.get_close_matches(name, list(by_name), n=1)
            if name.lower() in IGNORED_HEADERS:
                hint = (
                    f"OpenAPI ignores header parameters named {name}: the request's media type and "
                    "the security schemes set that header; leave it out"
                )
            elif close:
                hint = f"did you mean '{close[0]}'?"
            else:
                hint = f"its parameters: {', '.join(by_name)}" if by_name else f"{op.key} takes no parameters"
            yield Diagnostic(f"{op.key} has no parameter '{name}'", where, hint)
            continue
        if isinstance(value, EnvValue):
            yield from _check_reference(value, captured, where)
            if param.schema is not None and _is_structured(param.schema, api):
                yield Diagnostic(
                    f"parameter '{name}' is {param.schema.type_label}: a captured value can only fill a single value",
                    where,
                )
            continue
        if param.schema is not None and not (isinstance(value, str) and "${" in value):
            for message in validator.errors(param.schema.pointer, value, "request"):
                yield Diagnostic(f"parameter '{name}': {_strip_root(message)}", where, "give a value its schema allows")
    for param in op.parameters:
        if param.required and param.name not in call.parameters:
            yield Diagnostic(
                f"missing required {param.location} parameter '{param.name}' of {op.key}",
                step.locate("call", "parameters") if call.parameters else step.locate("call"),
                f"add it under parameters: {param.name}: ...",
            )
    yield from _check_body(step, call, op, validator, captured)


def _strip_root(message: str) -> str:
    return message.removeprefix("(root): ")


def _is_structured(schema: Schema, api: Api) -> bool:
    resolved = _resolve(schema, api)
    return bool({"array", "object"} & set(resolved.types)) or bool(resolved.properties)


def _check_reference(value: EnvValue, captured: set[str], where: Location) -> Iterator[Diagnostic]:
    if value.name not in captured:
        yield Diagnostic(
            f"'${{{value.name}}}' is not captured by an earlier step",
            where,
            f"capture it first, e.g. capture: {{{value.name}: id}} on the step whose response has it",
        )


def _check_body(
    step: Step, call: Call, op: Operation, validator: SchemaValidator, captured: set[str]
) -> Iterator[Diagnostic]:
    body = op.request_body
    if call.body is UNSET:
        if body is not None and body.required:
            yield Diagnostic(f"{op.key} needs a request body", step.locate("call"), "add body: with the fields to send")
        return
    if body is None:
        yield Diagnostic(f"{op.key} takes no request body", step.locate("call", "body"), "remove body:")
        return
    for pointer, ref in _references(call.body, ()):
        yield from _check_reference(ref, captured, step.locate("call", "body", *pointer))
    media = preferred_media(body.content)
    if media.schema is None or body_kind(media.media_type) not in ("json", "form", "multipart"):
        return
    placeholder = without_env_values(call.body, "x")
    for error in validator.iter_errors(media.schema.pointer, placeholder, "request"):
        path = tuple(error.absolute_path)
        if _through_reference(call.body, path):
            continue  # a captured value: its value is only known at run time
        where = ".".join(str(p) for p in path)
        yield Diagnostic(
            f"request body{f' field {where!r}' if where else ''}: {error.message}",
            step.locate("call", "body", *path),
            f"see the {media.media_type} body of {op.key} in the reference",
        )


def _references(value: Any, pointer: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], EnvValue]]:
    if isinstance(value, EnvValue):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _references(item, (*pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references(item, (*pointer, index))


def _through_reference(value: Any, path: tuple[Any, ...]) -> bool:
    for part in path:
        if isinstance(value, EnvValue):
            return True
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(value, EnvValue)


def _check_capture(capture: Capture, call: Call, api: Api) -> Diagnostic | None:
    op = api.operation(call.operation)
    if op is None:
        return None  # already reported
    found = success_response(op, call.status)
    if found is None:
        return Diagnostic(
            f"{op.key} documents no {call.status or '2xx'} response to capture '{capture.name}' from",
            capture.location,
        )
    status, schema = found
    if schema is None:
        return Diagnostic(f"the {status} response of {op.key} has no JSON body to capture from", capture.location)
    missing = _missing_field(schema, capture.path, api)
    if missing is None:
        return None
    return Diagnostic(
        f"the {status} response of {op.key} has no field '{'.'.join(capture.path)}'",
        capture.location,
        missing,
    )


def _missing_field(schema: Schema, path: tuple[str, ...], api: Api) -> str | None:
    """``None`` when ``path`` can exist in values of ``schema``, else a hint."""
    for depth, part in enumerate(path):
        schema = _resolve(schema, api)
        branches = (*schema.one_of, *schema.any_of)
        if branches and not schema.properties and not schema.items:
            if any(_missing_field(b, path[depth:], api) is None for b in branches):
                return None
            return "no alternative of the response has it"
        if part.isdigit() and schema.items is not None:
            schema = schema.items
            continue
        prop = next((p for p in schema.properties if p.name == part), None)
        if prop is None:
            if isinstance(schema.additional, Schema) or schema.additional is True:
                return None
            names = [p.name for p in schema.properties]
            close = difflib.get_close_matches(part, names, n=1)
            if close:
                return f"did you mean '{'.'.join((*path[:depth], close[0]))}'?"
            return f"its fields: {', '.join(names)}" if names else "it has no named fields"
        schema = prop.schema
    return None


def _resolve(schema: Schema, api: Api) -> Schema:
    seen = set()
    while schema.ref and schema.ref not in seen and schema.ref in api.schemas:
        seen.add(schema.ref)
        target = api.schemas[schema.ref]
        if target is schema:
            break
        schema = target
    return schema
