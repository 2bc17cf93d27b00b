"""What changed between two versions of an OpenAPI description, and what it breaks.

    read two versions (IO: files or git) -> compare (pure) -> accept -> report

:func:`diff_specs` compares two loaded specs (:mod:`.compare`), the levels of each kind
of change are in :mod:`.rules`, git lives in :mod:`.history` alone, and
:mod:`.report` writes the result as text, Markdown, JSON or GitHub annotations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from ..load.spec import SpecSource
from .compare import ACCEPT_KEY, Change, Diff, diff_documents
from .rules import BREAKING, INFO, LEVELS, RULES, SECTIONS, WARNING

if TYPE_CHECKING:
    from ..model.changelog import Acceptance

__all__ = [
    "ACCEPT_KEY",
    "BREAKING",
    "INFO",
    "LEVELS",
    "RULES",
    "SECTIONS",
    "WARNING",
    "Change",
    "Diff",
    "accept",
    "diff_documents",
    "diff_specs",
]


def diff_specs(base: SpecSource, head: SpecSource) -> Diff:
    """Every change from ``base`` to ``head`` (both as :func:`load_spec` bundles them)."""
    return diff_documents(base.data, head.data)


def accept(diff: Diff, acceptances: Iterable[Acceptance]) -> Diff:
    """``diff`` with the changes content/changelog.yaml accepts marked so (a reason
    written on the changed node itself, ``x-portal-breaking-accepted``, came first)."""
    entries = list(acceptances)
    if not entries:
        return diff
    changes = []
    for change in diff.changes:
        if change.accepted is None and change.level != INFO:
            found = next((e for e in entries if e.matches(change.operation, change.model, change.kind)), None)
            if found is not None:
                change = replace(change, accepted=found.reason)
        changes.append(change)
    return replace(diff, changes=tuple(changes))
