"""Quickstarts and tutorials: ``content/quickstarts/*.yaml`` and ``content/tutorials/*.yaml``.

:func:`load_guides` reads and validates them against the shipped JSON Schema (IO);
:func:`check_guides` checks them against the spec (pure): operations, parameters,
bodies and captures, each problem reported at its line in the guide.

A step is prose, a call of an operation (portal writes the code in every language) or
hand-written code per language. A step may capture fields of its JSON output as
environment variables (``MESSAGE_ID: id``); later steps use them as ``"${MESSAGE_ID}"``,
and their code reads the variable, just as a reader who ran ``export MESSAGE_ID=...``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..checks.content import content_schema, schema_problems, unknown_operation
from ..checks.values import SchemaValidator
from ..errors import Diagnostic, Location, PortalError, display_path
from ..load.sources import Document, load_document
from ..snippets.languages import LANGUAGES, language_for
from ..snippets.request import EnvValue, body_kind, preferred_media
from .api import UNSET, Api, Operation, Schema

KINDS = (("quickstart", "quickstarts"), ("tutorial", "tutorials"))
_REFERENCE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
WORDS_PER_MINUTE = 200  # reading speed for technical prose


@dataclass(frozen=True)
class Capture:
    """Keep ``path`` of a step's JSON output as the environment variable ``name``."""

    name: str
    path: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Call:
    operation: str  # as written: an operationId or "METHOD /path"
    parameters: Mapping[str, Any]  # values; EnvValue for "${NAME}"
    body: Any  # UNSET when not given
    status: int | None


@dataclass(frozen=True)
class Step:
    number: int  # 1-based
    title: str
    text: str
    after: str
    call: Call | None
    code: Mapping[str, str]  # language id -> hand-written code
    captures: tuple[Capture, ...]
    location: Location
    # Where each value under the step is written, by pointer relative to the step.
    locations: Mapping[tuple[str, ...], Location] = field(default_factory=dict, compare=False, repr=False)

    def locate(self, *pointer: str | int) -> Location:
        """Where the value at ``pointer`` (or its nearest parent) is written."""
        parts = tuple(str(p) for p in pointer)
        while parts and parts not in self.locations:
            parts = parts[:-1]
        return self.locations.get(parts, self.location)

    @property
    def runs(self) -> bool:
        """Whether the step has code to run (a call or hand-written code)."""
        return self.call is not None or bool(self.code)


@dataclass(frozen=True)
class NextStep:
    title: str
    guide: str | None
    operation: str | None
    url: str | None
    location: Location


@dataclass(frozen=True)
class Budget:
    """Limits on the time to first call; ``None`` means no limit."""

    steps: int | None = None
    lines: int | None = None
    reading_seconds: int | None = None
    seconds: float | None = None

    def merged(self, override: Mapping[str, Any]) -> Budget:
        return Budget(**{**self.__dict__, **override})

    @classmethod
    def from_config(cls, value: Mapping[str, Any], location: Location) -> Budget:
        """The budget in mkdocs.yml's ``quickstart_budget``, checked."""
        known = cls.__dataclass_fields__
        for key, limit in value.items():
            if key not in known:
                raise PortalError(
                    f"unknown quickstart_budget limit '{key}'",
                    location,
                    f"use some of {', '.join(known)}",
                )
            if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0:
                raise PortalError(f"quickstart_budget {key} must be a positive number, got {limit!r}", location)
        return cls(**value)


@dataclass(frozen=True)
class Guide:
    id: str  # the file name without .yaml; unique across quickstarts and tutorials
    kind: str  # quickstart | tutorial
    source: str  # e.g. content/quickstarts/send-your-first-message.yaml
    page: str  # docs path, e.g. quickstarts/send-your-first-message.md
    title: str
    summary: str
    audience: str
    builds: str
    minutes: int | None
    prerequisites: tuple[str, ...]
    budget: Mapping[str, Any]  # the guide's own budget (merged with the config's later)
    steps: tuple[Step, ...]
    next_steps: tuple[NextStep, ...]
    location: Location

    @property
    def first_call(self) -> Step | None:
        """The first step that calls the API (or runs code): where time to first call ends."""
        return next((s for s in self.steps if s.call is not None), None) or next(
            (s for s in self.steps if s.runs), None
        )


def guide_schema() -> dict[str, Any]:
    """The JSON Schema guides are validated against."""
    return content_schema("guide")


def guide_files(content_dir: Path) -> list[tuple[str, Path]]:
    """(kind, path) of every guide file, in a stable order."""
    found: list[tuple[str, Path]] = []
    for kind, folder in KINDS:
        directory = content_dir / folder
        if directory.is_dir():
            found.extend((kind, p) for p in sorted(directory.iterdir()) if p.suffix in (".yaml", ".yml"))
    return found


def load_guides(content_dir: Path, project_dir: Path) -> tuple[Guide, ...]:
    """Read and validate every guide; one :class:`PortalError` lists all problems."""
    guides: list[Guide] = []
    problems: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for kind, path in guide_files(content_dir):
        document = load_document(path, display_path(path, project_dir))
        errors = list(schema_problems(document, guide_schema(), "guide-schema"))
        if errors:
            problems.extend(errors)
            continue
        guide = _guide(document, kind, path.relative_to(content_dir).with_suffix(".md").as_posix())
        if guide.id in seen:
            problems.append(
                Diagnostic(
                    f"two guides are named '{guide.id}' ({seen[guide.id]} and {guide.source})",
                    document.locate(),
                    "guide ids are file names and must be unique across quickstarts and tutorials: rename one",
                )
            )
            continue
        seen[guide.id] = guide.source
        guides.append(guide)
    if problems:
        raise PortalError.from_diagnostics(problems)
    return tuple(guides)


def _guide(document: Document, kind: str, page: str) -> Guide:
    data = document.data
    steps = []
    for index, raw in enumerate(data["steps"]):
        here = ("steps", index)
        call = None
        if "call" in raw:
            spec = raw["call"]
            call = Call(
                operation=spec["operation"],
                parameters={k: _with_references(v) for k, v in (spec.get("parameters") or {}).items()},
                body=_with_references(spec["body"]) if "body" in spec else UNSET,
                status=spec.get("status"),
            )
        captures = tuple(
            Capture(name, tuple(path.split(".")), document.locate((*here, "capture", name)))
            for name, path in (raw.get("capture") or {}).items()
        )
        steps.append(
            Step(
                number=index + 1,
                title=raw["title"],
                text=raw.get("text", ""),
                after=raw.get("after", ""),
                call=call,
                code=dict(raw.get("code") or {}),
                captures=captures,
                location=document.locate(here),
                locations=_locations(document, here, raw),
            )
        )
    next_steps = tuple(
        NextStep(
            item["title"],
            item.get("guide"),
            item.get("operation"),
            item.get("url"),
            document.locate(("next_steps", index)),
        )
        for index, item in enumerate(data.get("next_steps") or [])
    )
    return Guide(
        id=document.path.stem,
        kind=kind,
        source=document.display,
        page=page,
        title=data["title"],
        summary=data["summary"],
        audience=data.get("audience", ""),
        builds=data.get("builds", ""),
        minutes=data.get("minutes"),
        prerequisites=tuple(data.get("prerequisites") or ()),
        budget=dict(data.get("budget") or {}),
        steps=tuple(steps),
        next_steps=next_steps,
        location=document.locate(),
    )


def _locations(document: Document, prefix: tuple[str | int, ...], value: Any) -> dict[tuple[str, ...], Location]:
    """The location of every value under ``prefix``, keyed relative to it."""
    found: dict[tuple[str, ...], Location] = {}
    stack: list[tuple[tuple[str, ...], Any]] = [((), value)]
    while stack:
        pointer, item = stack.pop()
        found[pointer] = document.locate((*prefix, *pointer))
        if isinstance(item, dict):
            stack.extend(((*pointer, str(k)), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend(((*pointer, str(i)), v) for i, v in enumerate(item))
    return found


def _with_references(value: Any) -> Any:
    """The value with every ``"${NAME}"`` string turned into an :class:`EnvValue`."""
    if isinstance(value, str):
        match = _REFERENCE.match(value)
        return EnvValue(match.group(1)) if match else value
    if isinstance(value, dict):
        return {k: _with_references(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_references(v) for v in value]
    return value


# -- checks against the spec (pure) --------------------------------------------------------


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


def operations_named(guide: Guide) -> list[str]:
    """The operations ``guide`` calls or points to, as written: what its check reads of the spec."""
    called = [step.call.operation for step in guide.steps if step.call is not None]
    return [*called, *(item.operation for item in guide.next_steps if item.operation is not None)]


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
            yield Diagnostic(
                f"{op.key} has no parameter '{name}'",
                where,
                f"did you mean '{close[0]}'?"
                if close
                else (f"its parameters: {', '.join(by_name)}" if by_name else f"{op.key} takes no parameters"),
            )
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
    placeholder = _placeholders(call.body)
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


def _placeholders(value: Any) -> Any:
    if isinstance(value, EnvValue):
        return "x"
    if isinstance(value, dict):
        return {k: _placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v) for v in value]
    return value


def _through_reference(value: Any, path: tuple[Any, ...]) -> bool:
    for part in path:
        if isinstance(value, EnvValue):
            return True
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(value, EnvValue)


def success_response(op: Operation, status: int | None = None) -> tuple[str, Schema | None] | None:
    """The success response a call expects (``status``, else the first 2xx) and its JSON schema."""
    for response in op.responses:
        if (status is None and response.status.startswith("2")) or response.status == str(status):
            media = next((m for m in response.content if body_kind(m.media_type) == "json"), None)
            return response.status, media.schema if media else None
    return None


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


def field_value(value: Any, path: tuple[str, ...]) -> Any:
    """The value at a capture path in parsed JSON, or :data:`UNSET`."""
    for part in path:
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return UNSET
    return value


def words(text: str) -> int:
    """Words a reader reads in Markdown prose (code blocks and URLs excluded)."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(re.findall(r"[\w'’-]+", text))
