"""Read ``content/quickstarts/*.yaml`` and ``content/tutorials/*.yaml`` into guides.

:func:`load_guides` validates each file against the shipped JSON Schema
(``schemas/guide.schema.json``) and keeps every value's location for later checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..checks.content import content_schema, schema_problems
from ..errors import Diagnostic, Location, PortalError, display_path
from ..model.api import UNSET
from ..model.guides import KINDS, Call, Capture, Guide, NextStep, Step
from ..snippets.values import EnvValue
from .sources import DEFAULT_MAX_BYTES, Document, load_document

_REFERENCE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


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


def load_guides(content_dir: Path, project_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Guide, ...]:
    """Read and validate every guide; one :class:`PortalError` lists all problems."""
    problems: list[Diagnostic] = []
    guides = read_guides(content_dir, project_dir, problems, max_bytes)
    if problems:
        raise PortalError.from_diagnostics(problems)
    return guides


def read_guides(
    content_dir: Path, project_dir: Path, problems: list[Diagnostic], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Guide, ...]:
    """Every guide that reads well; the problems of the others are added to ``problems``
    (one file's problems never stop the next file from being read)."""
    guides: list[Guide] = []
    seen: dict[str, str] = {}
    for kind, path in guide_files(content_dir):
        try:
            document = load_document(path, display_path(path, project_dir), max_bytes)
        except PortalError as exc:
            problems.extend(exc.diagnostics)
            continue
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
            # At what it names: that is what a check of it reports.
            document.locate(("next_steps", index, next((k for k in ("operation", "guide", "url") if k in item), ""))),
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
