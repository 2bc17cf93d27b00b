"""Read ``content/changelog.yaml``: the author's release notes and accepted changes."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..checks.content import content_schema, schema_problems
from ..diff.rules import RULES
from ..errors import Diagnostic, Location, PortalError, display_path
from ..model.changelog import Acceptance, ChangelogFile, ReleaseNote
from .sources import DEFAULT_MAX_BYTES, load_document

CHANGELOG_FILE = "changelog.yaml"


def load_changelog(content_dir: Path, project_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ChangelogFile:
    """The file's entries (none when there is no file); one error lists every problem."""
    path = content_dir / CHANGELOG_FILE
    if not path.is_file():
        return ChangelogFile()
    document = load_document(path, display_path(path, project_dir), max_bytes)
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise PortalError(
            "content/changelog.yaml must be a mapping", document.locate(), "start it with `releases:` or `accepted:`"
        )
    document.data = data
    problems = list(schema_problems(document, content_schema("changelog"), "changelog-schema"))
    if problems:
        raise PortalError.from_diagnostics(problems)
    releases: list[ReleaseNote] = []
    seen: dict[str, Location] = {}
    for index, entry in enumerate(data.get("releases") or []):
        version = str(entry["version"])
        where = document.locate(("releases", index))
        if version in seen:
            problems.append(
                Diagnostic(
                    f"version {version} is listed twice (first at line {seen[version].line})",
                    document.locate(("releases", index, "version")),
                    "keep one entry per released version",
                    rule="changelog-schema",
                )
            )
        seen[version] = where
        releases.append(
            ReleaseNote(
                version,
                entry.get("date"),
                entry.get("ref"),
                entry.get("title"),
                entry.get("notes"),
                where,
                entry.get("spec"),
            )
        )
    accepted = []
    for index, entry in enumerate(data.get("accepted") or []):
        kind = entry.get("kind")
        if kind is not None and kind not in RULES:
            close = difflib.get_close_matches(kind, list(RULES), n=1)
            problems.append(
                Diagnostic(
                    f"unknown kind of change '{kind}'",
                    document.locate(("accepted", index, "kind")),
                    f"did you mean '{close[0]}'?" if close else "use a kind `portal diff` prints in brackets",
                    rule="changelog-schema",
                )
            )
        accepted.append(
            Acceptance(
                entry["reason"].strip(),
                entry.get("operation"),
                entry.get("model"),
                kind,
                document.locate(("accepted", index)),
            )
        )
    if problems:
        raise PortalError.from_diagnostics(problems)
    return ChangelogFile(tuple(releases), tuple(accepted))
