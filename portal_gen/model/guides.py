"""Quickstarts and tutorials as data: guides, their steps, calls, captures and budgets (no IO).

A step is prose, a call of an operation (portal writes the code in every language) or
hand-written code per language. A step may capture fields of its JSON output as
environment variables (``MESSAGE_ID: id``); later steps use them as ``"${MESSAGE_ID}"``,
and their code reads the variable. The page shows how the reader keeps it from the real
response (``MESSAGE_ID=$(jq -r .id response.json)``, see :mod:`..snippets.guide`).
Read by :mod:`portal_gen.load.guides`, checked by :mod:`portal_gen.checks.guides`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, PortalError
from ..snippets.request import body_kind
from .api import UNSET, Operation, Schema

KINDS = (("quickstart", "quickstarts"), ("tutorial", "tutorials"))


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


def operations_named(guide: Guide) -> list[str]:
    """The operations ``guide`` calls or points to, as written: what its check reads of the spec."""
    called = [step.call.operation for step in guide.steps if step.call is not None]
    return [*called, *(item.operation for item in guide.next_steps if item.operation is not None)]


def success_response(op: Operation, status: int | None = None) -> tuple[str, Schema | None] | None:
    """The success response a call expects (``status``, else the first 2xx) and its JSON schema."""
    for response in op.responses:
        if (status is None and response.status.startswith("2")) or response.status == str(status):
            media = next((m for m in response.content if body_kind(m.media_type) == "json"), None)
            return response.status, media.schema if media else None
    return None


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
