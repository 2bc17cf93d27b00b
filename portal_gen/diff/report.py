"""Write a :class:`~.compare.Diff` for people (text, Markdown) and programs (JSON,
GitHub workflow commands)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import Location
from .compare import Change, Diff
from .rules import BREAKING, INFO, LEVELS, WARNING

Locate = Callable[[Change], Location | None]
_TITLES = {BREAKING: "Breaking", WARNING: "Warnings", INFO: "Info"}
_GITHUB = {BREAKING: "error", WARNING: "warning", INFO: "notice"}


@dataclass(frozen=True)
class Side:
    """One of the two versions compared: what it is called and where it came from."""

    title: str
    version: str
    source: str

    def label(self) -> str:
        return f"{self.version} ({self.source})" if self.version else self.source


def summary(diff: Diff) -> str:
    counts = diff.counts()
    parts = [f"{n} {level}" for level, n in counts.items()]
    accepted = sum(1 for c in diff.changes if c.accepted)
    text = ", ".join(parts)
    return text + (f" ({accepted} accepted)" if accepted else "")


def used_by(affects: tuple[str, ...]) -> str:
    """The operations a model's change affects, the first three by name."""
    more = f" and {len(affects) - 3} more" if len(affects) > 3 else ""
    return ", ".join(affects[:3]) + more


def _line(change: Change) -> str:
    if change.affects and change.model:
        return f"{change.message} (used by {used_by(change.affects)})"
    return change.message


def report_text(diff: Diff, base: Side, head: Side, locate: Locate, color: bool) -> str:
    """Changes grouped by operation or model, worst first within each."""
    styles = {BREAKING: "\033[1;31m", WARNING: "\033[33m", INFO: "\033[2m"} if color else {}
    reset = "\033[0m" if color else ""
    lines = [f"{base.label()} → {head.label()}"]
    subject = None
    for change in diff.changes:
        if change.subject != subject:
            subject = change.subject
            lines.append("")
            lines.append(f"{subject}")
        where = locate(change)
        style = styles.get(change.level, "") if not change.accepted else styles.get(INFO, "")
        lines.append(f"  {style}{change.level.upper():<9}{reset} {_line(change)}  [{change.kind}]")
        if change.accepted:
            lines.append(f"            accepted: {change.accepted}")
        elif change.level == BREAKING and where is not None:
            lines.append(f"            at {where}")
    if not diff.changes:
        lines.append("")
        lines.append("No changes.")
    lines.append("")
    lines.append(summary(diff))
    return "\n".join(lines) + "\n"


def report_markdown(diff: Diff, base: Side, head: Side) -> str:
    """A pull-request comment: counts, then each level's changes by subject."""
    out = [f"## API changes: {_md(base.label())} → {_md(head.label())}", "", f"**{summary(diff)}**", ""]
    if not diff.changes:
        out.append("No changes.")
    for level in reversed(LEVELS):
        found = [c for c in diff.changes if c.level == level]
        if not found:
            continue
        out.append(f"### {_TITLES[level]} ({len(found)})")
        out.append("")
        for change in found:
            accepted = f" *(accepted: {_md(change.accepted)})*" if change.accepted else ""
            out.append(f"- **{_md(change.subject)}**: {_md(_line(change))} `{change.kind}`{accepted}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def report_json(diff: Diff, base: Side, head: Side, locate: Locate) -> dict[str, Any]:
    def one(change: Change) -> dict[str, Any]:
        where = locate(change)
        return {
            "level": change.level,
            "kind": change.kind,
            "message": change.message,
            "operation": change.operation,
            "model": change.model,
            "section": change.section,
            "direction": change.direction,
            "affects": list(change.affects),
            "location": str(where) if where else None,
            "pointer": _pointer(change.head_pointer),
            "base_pointer": _pointer(change.base_pointer),
            "accepted": change.accepted,
        }

    return {
        "base": {"title": base.title, "version": base.version, "source": base.source},
        "head": {"title": head.title, "version": head.version, "source": head.source},
        "counts": diff.counts(),
        "changes": [one(c) for c in diff.changes],
    }


def report_github(diff: Diff, locate: Locate, floor: str = INFO) -> str:
    """GitHub workflow commands: each change an annotation at its line in the head spec."""
    lines = []
    for change in diff.changes:
        if change.accepted or LEVELS.index(change.level) < LEVELS.index(floor):
            continue
        where = locate(change)
        props = [f"title={_prop(change.level + ' change: ' + change.kind)}"]
        if where is not None and where.line:
            props[:0] = [f"file={_prop(where.file)}", f"line={where.line}", f"col={max(where.column, 1)}"]
        text = f"{change.subject}: {_line(change)}"
        lines.append(f"::{_GITHUB[change.level]} {','.join(props)}::{_data(text)}")
    return "".join(line + "\n" for line in lines)


def _pointer(pointer: tuple[str, ...] | None) -> str | None:
    if pointer is None:
        return None
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in pointer)


def _md(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("`", "\\`")
        .replace("<", "&lt;")
        .replace("|", "\\|")
    )


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
