"""Quick rebuilds for ``portal serve`` (``serve_quick``).

MkDocs rebuilds a served site from nothing after every edit: it cleans the folder,
reads every file and writes every page again. On a big API that is seconds of work
for an edit that changed one page. When every file edited since the last build is
one only portal reads (the spec, a guide, pricing, a case study: YAML under the
content folder) portal regenerates its pages and, if the site's shape (its pages,
titles and navigation) is unchanged, writes again only the pages whose HTML changed,
through MkDocs' own page events and Material's template, and the search index.
Anything else (mkdocs.yml, templates, Markdown, assets, a page added or retitled)
takes MkDocs' full rebuild.

Reaches into MkDocs: a page is built again with its private ``_populate_page`` and
``_build_page``, and Material's search index has the page's entries replaced in place.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.utils import write_file

from ..adapters.mkdocs.handlers import material_search, quick_rebuilds_allowed
from ..adapters.mkdocs.pages import GeneratedPage
from ..config import PortalConfig
from ..engine.build import Site
from ..engine.collector import collector_paused
from ..errors import PortalError
from ..plan.paths import CASE_STUDY_SOURCES

if TYPE_CHECKING:  # its import (asyncio, a server) is for `serve` alone
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.portal")

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


@dataclass(frozen=True)
class LastBuild:
    """What a quick rebuild starts from: the last build's MkDocs objects."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: jinja2.Environment
    site: Site
    made_from: tuple[tuple[tuple[str, str], ...], bool]  # generate_site's guides and home
    inputs: Mapping[str, tuple[int, int]]  # as that build began


class QuickRebuilds:
    """The plugin's quick rebuilds under ``serve``: it notes the inputs as each build
    begins (:meth:`begin`) and the build's objects when it succeeds (:meth:`remember`);
    the server's builder then asks :meth:`rebuild` first."""

    def __init__(self, plugin: Any) -> None:
        self._plugin = plugin  # the PortalPlugin: loads, generates, reports validation
        self._last: LastBuild | None = None
        self._started: dict[str, tuple[int, int]] = {}

    def begin(self, config: MkDocsConfig, portal: PortalConfig) -> None:
        """Before anything is read: an edit made during the build is seen by the next."""
        self._last = None
        self._started = snapshot(input_roots(config, portal))

    def remember(
        self, config: MkDocsConfig, files: Files, nav: Navigation, env: jinja2.Environment, site: Site, made_from: Any
    ) -> None:
        if quick_rebuilds_allowed(config):
            self._last = LastBuild(config, files, nav, env, site, made_from, self._started)

    def forget(self) -> None:
        self._last = None

    def install(self, server: LiveReloadServer) -> None:
        """Make ``server`` try a quick rebuild before MkDocs' full one."""
        full_rebuild = server.builder

        def rebuild() -> None:
            if not self.rebuild():
                full_rebuild()

        server.builder = rebuild

    def rebuild(self) -> bool:
        """Rebuild the served site if only files portal alone reads changed and the site
        keeps its shape ; ``False``: MkDocs must rebuild it all."""
        last = self._last
        if last is None or self._plugin.cache is None:  # the cache tells which pages changed
            return False
        config = last.config
        portal_config = self._plugin.make_config(config)
        now = snapshot(input_roots(config, portal_config))
        changed = changed_files(last.inputs, now)
        inputs = PortalInputs(
            portal_config.spec_path.parent,
            portal_config.project_dir / portal_config.content_dir,
            portal_config.project_dir / portal_config.content_dir / CASE_STUDY_SOURCES,
            portal_config.project_dir / portal_config.verified_file,
            Path(config.docs_dir),
        )
        if not changed or not all(inputs.only_portal_reads(path) for path in changed):
            return False
        # Every page, the navigation and the spec twice over are in memory: each full
        # collection walks them all, and one rebuild triggers dozens (a second on
        # GitHub's spec) while making little cyclic garbage. It is collected after.
        with collector_paused():
            try:
                return self._rebuild_quickly(last, config, now)
            except Exception as error:
                # As MkDocs' own build: plugins hear of it, and the user's error is told
                # without a traceback.
                config.plugins.on_build_error(error=error)
                if isinstance(error, BuildError):
                    log.error(str(error))
                    raise Abort("Aborted with a BuildError!") from None
                raise

    def _rebuild_quickly(self, last: LastBuild, config: MkDocsConfig, now: dict[str, tuple[int, int]]) -> bool:
        start = time.monotonic()
        log.info("Only portal's inputs changed: rebuilding the pages they make")
        self._last = None  # until this rebuild succeeds, the next one is a full one
        self._plugin.fast = None  # the last build's speed-ups: pages go through MkDocs alone
        project = self._plugin.load_or_fail(config)
        self._plugin.project = None
        site = self._plugin.generate(project, *last.made_from, previous=last.site)
        if site_shape(site) != site_shape(last.site):
            log.info("The site's pages or navigation changed: rebuilding it all")
            return False
        changed_pages_ = changed_pages(last.site.pages, site.pages)
        search = material_search(config)
        doc_files = last.files.documentation_pages()
        for generated in changed_pages_:
            file = last.files.get_file_from_path(generated.path)
            page = file.page if file is not None else None
            if not isinstance(page, GeneratedPage):
                return False
            page.replace(generated)
            entries = SearchEntries(search.search_index.entries, page.url) if search is not None else None
            if entries is not None:
                entries.remove_old()
            _populate_page(page, config, last.files)
            _build_page(page, config, doc_files, last.nav, last.env)
            if entries is not None:
                entries.put_new()
        old_extras = dict(last.site.extra_files)
        for path, content in site.extra_files:
            if old_extras.get(path) != content:
                write_file(content, str(Path(config.site_dir) / path))
        if search is not None and changed_pages_:
            search.on_post_build(config=config)
        self._plugin.site = site
        self._plugin.publish_twins(config, only={page.path for page in changed_pages_})
        self._last = dataclasses.replace(last, site=site, inputs=now)
        self._report_validation(project)
        log.info(
            f"Documentation rebuilt in {time.monotonic() - start:.2f} seconds: "
            f"{len(changed_pages_)} of {len(site.pages)} generated pages changed"
        )
        return True

    def _report_validation(self, project: Any) -> None:
        """Log the spec's problems when its validation (in the background) finds any.

        A quick rebuild shows the edit at once; ``portal build`` and ``portal check``
        publish nothing until the spec passes.
        """
        plugin = self._plugin
        plugin.validating = None

        def wait() -> None:
            try:
                problems = project.validation.problems()
            except Exception:  # a bug in validation: say so with its traceback; the preview goes on
                log.exception("spec validation failed")
                return
            if problems and plugin.previous is project:  # not yet superseded by a later edit
                log.error(PortalError.from_diagnostics(problems).format())

        threading.Thread(target=wait, name="portal-validation", daemon=True).start()


def input_roots(config: MkDocsConfig, portal: PortalConfig) -> list[Path]:
    """Every file and folder a build reads that serve watches."""
    roots = [
        Path(config.config_file_path or portal.project_dir / portal.config_file),
        Path(config.docs_dir),
        portal.project_dir / portal.content_dir,
        portal.spec_path.parent,
        portal.templates_path,
        portal.project_dir / portal.verified_file,
        *(Path(path) for path in config.watch),
    ]
    if config.theme.custom_dir:
        roots.append(Path(config.theme.custom_dir))
    return [root for root in dict.fromkeys(root.resolve() for root in roots) if root.exists()]
