"""The one user-facing error type: a message with a location and a hint.

Raise :class:`PortalError` only for what the user can fix (bad YAML, an invalid
spec, a broken ``$ref``...). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; ``line`` and ``column`` are 1-based."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{max(self.column, 1)}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the user's input."""

    message: str
    location: Location | None = None
    hint: str | None = None
    rule: str | None = None
    severity: str = "error"

    def format(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class PortalError(Exception):
    """A problem in the user's project, reported as ``file:line:col: message``.

    It may carry several diagnostics, so that a check reports every problem at once.
    """

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        hint: str | None = None,
        *,
        diagnostics: list[Diagnostic] | None = None,
    ) -> None:
        if diagnostics is None:
            diagnostics = [Diagnostic(message, location, hint)]
        self.diagnostics = diagnostics
        super().__init__(self.format())

    @classmethod
    def from_diagnostics(cls, diagnostics: list[Diagnostic]) -> PortalError:
        """Bundle several diagnostics into one error (at least one is required)."""
        first = diagnostics[0]
        return cls(first.message, first.location, first.hint, diagnostics=diagnostics)

    @property
    def location(self) -> Location | None:
        return self.diagnostics[0].location

    @property
    def hint(self) -> str | None:
        return self.diagnostics[0].hint

    def format(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)


def display_path(path: Path | str, root: Path | None) -> str:
    """Show ``path`` relative to ``root`` when it lies inside it."""
    p = Path(path)
    if root is not None:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return p.as_posix()
