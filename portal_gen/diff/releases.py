"""The changelog from the spec's history: released versions and what changed in each.

A release is a git tag (reachable from HEAD) at which the spec's ``info.version``
differs from the tag before it, or an entry of content/changelog.yaml naming a
version and a git ref. Entries naming a tagged version lend it their date, title and
notes; entries with neither ref nor tag are shown with their notes alone. Each release's
changes are the comparison of its spec with the previous release's, kept in a store by
the two commits (the page cache), so a rebuild compares nothing it compared before.
Builds without git, or from a shallow clone, show the file's entries and say why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import PortalError
from ..load.sources import parse_text
from ..load.spec import RefPolicy, SpecSource, load_spec
from ..model.changelog import Changelog, ChangelogFile, Release, ReleaseNote
from . import accept
from .compare import Change, Diff, diff_documents
from .history import SHALLOW_HINT, git, is_shallow, options_in, release_tags, repository_root, resolve_ref, spec_at
from .values import info_field


class ChangeStore(Protocol):
    """Where computed changes are kept between builds (:class:`PageCache` is one)."""

    def changes(self, key: str) -> Any: ...

    def keep_changes(self, key: str, record: Any) -> None: ...


@dataclass
class _Candidate:
    version: str
    date: str = ""
    commit: str | None = None
    ref: str | None = None
    title: str | None = None
    notes: str | None = None
    order: int = 0
    spec_file: str | None = None  # a copy of that version's spec in the project
    current: bool = False  # the spec as it is now

    @property
    def readable(self) -> bool:
        return bool(self.commit or self.spec_file or self.current)


def read_changelog(
    project_dir: Path,
    spec: str,
    config_name: str,
    policy: RefPolicy,
    file: ChangelogFile,
    current: SpecSource,
    store: ChangeStore | None = None,
    salt: str = "",
) -> Changelog:
    """Every release, newest first, with the changes each made; ``current`` is the spec
    as it is now (shown as unreleased when its version is past the last release)."""
    project_dir = project_dir.resolve()
    root = repository_root(project_dir)
    candidates: list[_Candidate] = []
    notice = None
    if root is None:
        notice = "the project is not in a git repository: the changelog shows content/changelog.yaml alone"
    else:
        tags = release_tags(project_dir)
        # A shallow clone holds the newest tags alone, or none: unless the changelog
        # reads nothing from git (its releases are files), releases may be missing.
        from_files = bool(file.releases) and not any(entry.ref for entry in file.releases)
        if is_shallow(project_dir) and (tags or not from_files):
            notice = "releases may be missing: " + SHALLOW_HINT + ", or set `changelog: false`"
        last = None
        for tag in tags:
            version = _version_at(root, project_dir, tag.commit, spec, config_name, store)
            if version is not None and version != last:
                candidates.append(_Candidate(version, tag.date, tag.commit, tag.name, order=len(candidates)))
                last = version
    now = info_field(current.data, "version")
    _merge_entries(candidates, file.releases, project_dir, root is not None, now)
    candidates.sort(key=lambda c: (c.date or "9999-99-99", c.order))
    sources = _Sources(project_dir, spec, config_name, policy, current)
    releases: list[Release] = []
    previous: _Candidate | None = None
    for candidate in candidates:
        changes: tuple[Change, ...] = ()
        computed = candidate.readable and previous is not None
        if computed and previous is not None:
            if candidate.commit and previous.commit:
                changes = _changes(previous.commit, candidate.commit, sources, store, salt)
            else:
                changes = diff_documents(sources.read(previous).data, sources.read(candidate).data).changes
        if changes and file.accepted:
            changes = accept(Diff(changes), file.accepted).changes  # the reasons, shown beside
        initial = candidate.readable and previous is None
        releases.append(
            Release(
                candidate.version,
                candidate.date,
                candidate.ref,
                candidate.title,
                candidate.notes,
                changes,
                computed,
                initial,
            )
        )
        if candidate.readable:
            previous = candidate
    if previous is not None and not previous.current and now and now not in {r.version for r in releases}:
        diff = accept(diff_documents(sources.read(previous).data, current.data), file.accepted)
        if diff.changes:
            releases.append(Release(now, "", None, None, None, diff.changes, True, unreleased=True))
    return Changelog(tuple(reversed(releases)), notice, partial=root is not None and notice is not None)


def _merge_entries(
    candidates: list[_Candidate], entries: tuple[ReleaseNote, ...], project_dir: Path, has_git: bool, now: str
) -> None:
    """Add content/changelog.yaml's releases to the tags' (or lend them its words)."""
    by_version = {c.version: c for c in candidates}
    for entry in entries:
        found = by_version.get(entry.version)
        if found is None:
            commit = None
            if entry.ref and has_git:
                commit = resolve_ref(project_dir, entry.ref)
                if commit is None and not is_shallow(project_dir):  # shallow: its notes alone
                    hint = "check the name with `git tag` or `git log --oneline`"
                    raise PortalError(f"release {entry.version}: git ref '{entry.ref}' not found", entry.location, hint)
            if entry.spec and not (project_dir / entry.spec).is_file():
                hint = "give the path of that version's spec file, relative to the project (where mkdocs.yml is)"
                raise PortalError(f"release {entry.version}: spec file '{entry.spec}' not found", entry.location, hint)
            found = _Candidate(entry.version, entry.date or _commit_date(project_dir, commit), commit, entry.ref)
            found.spec_file = entry.spec
            found.current = not commit and not entry.spec and not entry.ref and entry.version == now
            found.order = len(candidates)
            candidates.append(found)
            by_version[entry.version] = found
        found.date = entry.date or found.date
        found.title, found.notes = entry.title, entry.notes


def _commit_date(project_dir: Path, commit: str | None) -> str:
    if commit is None:
        return ""
    return (git(project_dir, "log", "-1", "--format=%cs", commit) or "").strip()


def _version_at(
    root: Path, project_dir: Path, commit: str, spec: str, config_name: str, store: ChangeStore | None
) -> str | None:
    """``info.version`` of the spec at ``commit`` (its root file alone is read) in the
    repository at ``root``."""
    key = f"version-{commit}"
    if store is not None:
        known = store.changes(key)
        if isinstance(known, dict) and "version" in known:
            return str(known["version"]) if known["version"] is not None else None
    inside = project_dir.relative_to(root.resolve()).as_posix()
    prefix = "" if inside == "." else inside + "/"
    config_text = git(root, "show", f"{commit}:{prefix}{config_name}")
    path = spec
    if config_text is not None:
        path = str(options_in(config_text).get("spec") or spec)
    text = git(root, "show", f"{commit}:{prefix}{path}")
    version = None
    if text is not None:
        try:
            data = parse_text(text, path, json_first=path.endswith(".json"))
        except PortalError:
            data = None
        if isinstance(data, dict):
            version = info_field(data, "version") or None
    if store is not None:
        store.keep_changes(key, {"version": version})
    return version


class _Sources:
    """Each release's spec: at a git commit, in a file of the project, or as it is now.

    Releases are compared two by two along the history, each with the one before: the
    last two specs read are kept, so each is read once (and no more are held)."""

    def __init__(self, project_dir: Path, spec: str, config_name: str, policy: RefPolicy, current: SpecSource) -> None:
        self.project_dir, self.spec, self.config_name, self.policy = project_dir, spec, config_name, policy
        self.current = current
        self._kept: dict[str, SpecSource] = {}

    def read(self, candidate: _Candidate) -> SpecSource:
        if candidate.current:
            return self.current
        if candidate.spec_file:
            return self._keep(f"file:{candidate.spec_file}", candidate.spec_file)
        assert candidate.commit is not None
        return self.at(candidate.commit)

    def at(self, commit: str) -> SpecSource:
        return self._keep(f"git:{commit}", None, commit)

    def _keep(self, key: str, spec_file: str | None, commit: str | None = None) -> SpecSource:
        found = self._kept.get(key)
        if found is None:
            if spec_file is not None:
                found = load_spec(self.project_dir / spec_file, self.project_dir, self.policy)
            else:
                assert commit is not None
                found = spec_at(self.project_dir, commit, self.spec, self.config_name, self.policy)
            self._kept = {**dict(list(self._kept.items())[-1:]), key: found}
        return found


def _changes(base: str, head: str, sources: _Sources, store: ChangeStore | None, salt: str) -> tuple[Change, ...]:
    """The changes between two commits' specs, from ``store`` when compared before."""
    key = f"{base[:16]}-{head[:16]}-{salt[:16]}"
    if store is not None:
        known = store.changes(key)
        if isinstance(known, list):
            return tuple(_change(record) for record in known)
    diff: Diff = diff_documents(sources.at(base).data, sources.at(head).data)
    if store is not None:
        store.keep_changes(key, [_record(c) for c in diff.changes])
    return diff.changes


def _record(change: Change) -> dict[str, Any]:
    return dataclasses.asdict(change)


def _change(record: Mapping[str, Any]) -> Change:
    values = dict(record)
    for name in ("base_pointer", "head_pointer"):
        if values.get(name) is not None:
            values[name] = tuple(values[name])
    values["affects"] = tuple(values.get("affects") or ())
    return Change(**values)
