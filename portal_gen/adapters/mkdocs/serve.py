"""Quick rebuilds for ``portal serve`` (``PortalPlugin._quick_rebuild`` uses these).

MkDocs rebuilds a served site from nothing after every edit: it cleans the folder,
reads every file and writes every page again. On a big API that is seconds of work
for an edit that changed one page. When every file edited since the last build is
one only portal reads (the spec, a guide, pricing, a case study: YAML under the
content folder) portal regenerates its pages and, if the site's shape (its pages,
titles and navigation) is unchanged, writes again only the pages whose HTML changed,
through MkDocs' own page events and Material's template, and the search index.
Anything else (mkdocs.yml, templates, Markdown, assets, a page added or retitled)
takes MkDocs' full rebuild.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Snapshot = Mapping[str, tuple[int, int]]


def snapshot(roots: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Every file under ``roots`` (files or folders), by path: its mtime and size."""
    found: dict[str, tuple[int, int]] = {}
    for root in roots:
        if root.is_file():
            _note(found, str(root))
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]  # .git, .portal-cache
            for name in names:
                _note(found, os.path.join(folder, name))
    return found


def _note(found: dict[str, tuple[int, int]], path: str) -> None:
    try:
        stat = os.stat(path)
    except OSError:
        return
    found[path] = (stat.st_mtime_ns, stat.st_size)


def changed_files(before: Snapshot, after: Snapshot) -> list[Path]:
    """The files added, removed or modified between two snapshots."""
    return [Path(path) for path in sorted(before.keys() | after.keys()) if before.get(path) != after.get(path)]


@dataclass(frozen=True)
class PortalInputs:
    """Which files only portal reads: the spec's folder, YAML and case-study sources in
    the content folder, and the file of measured quickstarts."""

    spec_folder: Path
    content_dir: Path
    case_study_sources: Path
    verified_file: Path
    docs_dir: Path

    def only_portal_reads(self, path: Path) -> bool:
        if path == self.verified_file:
            return True
        if path.is_relative_to(self.content_dir) and (
            path.suffix in (".yaml", ".yml") or path.is_relative_to(self.case_study_sources)
        ):
            return True
        # A spec inside the docs folder is also a file MkDocs publishes.
        return path.is_relative_to(self.spec_folder) and not path.is_relative_to(self.docs_dir)


class SearchEntries:
    """The search index's entries of one page, replaced in place.

    Material's search appends a page's entries as the page is built; entries of a page
    built again take the place of its old ones, so the index reads as a full build's.
    """

    def __init__(self, entries: list[dict[str, Any]], url: str) -> None:
        self._entries = entries
        self._url = url
        self._at = len(entries)
        self._end = len(entries)

    def _belongs(self, entry: Mapping[str, Any]) -> bool:
        location = str(entry.get("location", ""))
        return location == self._url or location.startswith(self._url + "#")

    def remove_old(self) -> None:
        """Before the page is built: take its entries out, remembering where they were."""
        positions = [i for i, entry in enumerate(self._entries) if self._belongs(entry)]
        if positions:
            self._at = positions[0]
            self._entries[:] = [entry for entry in self._entries if not self._belongs(entry)]
        else:
            self._at = len(self._entries)
        self._end = len(self._entries)

    def put_new(self) -> None:
        """After the page is built: move the entries it appended to where the old ones were."""
        new = self._entries[self._end :]
        del self._entries[self._end :]
        self._entries[self._at : self._at] = new


def changed_pages(old: Sequence[Any], new: Sequence[Any]) -> list[Any]:
    """The pages of ``new`` whose HTML or outline differ from the same page in ``old``
    (their titles are the same: :func:`site_shape` compares them)."""
    before = {page.path: page for page in old}
    return [
        page
        for page in new
        if page.digest is None or before[page.path].digest != page.digest or before[page.path].toc != page.toc
    ]


def site_shape(site: Any) -> Any:
    """What every served page shows of the site: its pages, their titles and the navigation."""
    return (
        [(page.path, page.title, page.kind, page.in_nav) for page in site.pages],
        site.nav,
        site.guide_nav,
        site.top_pages,
        site.plan.pages,
        [path for path, _ in site.extra_files],
    )
