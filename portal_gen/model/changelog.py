"""The changelog: released versions of the API and what changed in each."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..diff.compare import Change
from ..diff.rules import BREAKING, SECTIONS
from ..errors import Location
from ..plan.slugs import slugify


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
    spec: str | None = None  # a file holding this version's spec, instead of a git ref


@dataclass(frozen=True)
class ChangelogFile:
    releases: tuple[ReleaseNote, ...] = ()
    accepted: tuple[Acceptance, ...] = ()


@dataclass(frozen=True)
class Release:
    """A released version of the API, and what changed since the one before it."""

    version: str
    date: str = ""  # YYYY-MM-DD
    ref: str | None = None  # the git tag or ref it was read from
    title: str | None = None
    notes: str | None = None  # the author's Markdown
    changes: tuple[Change, ...] = ()
    computed: bool = False  # changes were computed from the previous release's spec
    initial: bool = False  # the first release the history holds
    unreleased: bool = False  # the spec as it is now, past the last release

    @property
    def breaking(self) -> int:
        return sum(1 for c in self.changes if c.level == BREAKING)

    def sections(self) -> list[tuple[str, list[Change]]]:
        """The changes under Added, Changed, Deprecated, Removed (each worst first)."""
        out = []
        for section in SECTIONS:
            found = sorted((c for c in self.changes if c.section == section), key=lambda c: -c.rank)
            if found:
                out.append((section, found))
        return out


@dataclass(frozen=True)
class History:
    """An operation's place in the changelog: the badges its page shows."""

    added_in: str | None = None
    changed_in: str | None = None
    breaking: bool = False  # the change in ``changed_in`` breaks clients
    deprecated_in: str | None = None

    def badges(self) -> list[tuple[str, str, str]]:
        """(label, version, kind) of each badge, as pages and twins show them:
        ``("Breaking change in", "2026-11-01", "breaking")``."""
        found = [
            ("Added in", self.added_in, "added"),
            (
                "Breaking change in" if self.breaking else "Changed in",
                self.changed_in,
                "breaking" if self.breaking else "changed",
            ),
            ("Deprecated in", self.deprecated_in, "deprecated"),
        ]
        return [(label, version, kind) for label, version, kind in found if version]


@dataclass(frozen=True)
class Changelog:
    releases: tuple[Release, ...] = ()  # newest first
    notice: str | None = None  # why the history from git is missing or partial
    partial: bool = False  # releases may be missing (a shallow clone): say so loudly

    @functools.cached_property
    def histories(self) -> dict[str, History]:
        """Each operation's (``METHOD /path`` or ``webhook NAME``) newest events (worked
        out once: the pages' cache keys and the pages both read them)."""
        found: dict[str, dict[str, Any]] = {}
        for release in reversed(self.releases):  # oldest first: newer releases win
            if release.unreleased or not release.computed:
                continue
            for change in release.changes:
                subjects = (change.operation,) if change.operation else change.affects
                for subject in subjects:
                    slot = found.setdefault(subject, {})
                    if change.kind in ("operation-added", "webhook-added"):
                        slot.update(added_in=release.version, changed_in=None, breaking=False)
                    elif change.kind == "operation-deprecated":
                        slot["deprecated_in"] = release.version
                    elif slot.get("added_in") != release.version:
                        if slot.get("changed_in") != release.version:
                            slot.update(changed_in=release.version, breaking=False)
                        if change.level == BREAKING:  # accepted or not, it breaks clients
                            slot["breaking"] = True
        return {subject: History(**values) for subject, values in found.items()}


def history_subject(op: Any) -> str:
    """How changes name an operation (an :class:`~portal_gen.model.api.Operation`):
    ``POST /messages``, ``webhook message.delivered``."""
    if op.webhook:
        return f"webhook {op.webhook}" + (f" ({op.method.upper()})" if op.method != "post" else "")
    return f"{op.method.upper()} {op.path}"


def release_anchor(version: str) -> str:
    """The anchor of a released version's section on the changelog page."""
    return slugify(f"v{version}", "release")
