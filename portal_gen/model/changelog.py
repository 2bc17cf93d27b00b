"""The changelog: released versions of the API and what changed in each."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Location


@dataclass(frozen=True)
class Acceptance:
    """A breaking change made on purpose (``accepted:`` in content/changelog.yaml)."""

    reason: str
    operation: str | None = None
    model: str | None = None
    kind: str | None = None
    location: Location | None = None

    def matches(self, operation: str | None, model: str | None, kind: str) -> bool:
        if self.kind is not None and self.kind != kind:
            return False
        if self.operation is not None and _operation(self.operation) != _operation(operation or ""):
            return False
        return self.model is None or self.model == model


def _operation(name: str) -> str:
    method, _, path = name.strip().partition(" ")
    return f"{method.upper()} {path.strip()}" if method.lower() != "webhook" else f"webhook {path.strip()}"


@dataclass(frozen=True)
class ReleaseNote:
    """An entry of ``releases:`` in content/changelog.yaml."""

    version: str
    date: str | None = None
    ref: str | None = None
    title: str | None = None
    notes: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class ChangelogFile:
    releases: tuple[ReleaseNote, ...] = ()
    accepted: tuple[Acceptance, ...] = ()
