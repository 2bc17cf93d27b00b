"""The MkDocs adapter: ``plugins: [portal]`` in mkdocs.yml.

A thin layer: it asks the engine for pages and publishes them as virtual files. The
engine never imports MkDocs, so a second adapter is a small file, not a rewrite. With
a second core, a forked process writes part of the generated pages (``_PageShare``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import logging
import os
import re
import shutil
import stat
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.commands.build import _build_page, _populate_page, get_context
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import write_file

if TYPE_CHECKING:  # its import (asyncio, a server) is for `serve` alone
    from mkdocs.livereload import LiveReloadServer

from ...accel.material_blocks import remember_blocks
from ...accel.material_nav import remember_nav_items
from ...accel.material_search import faster_index, search_text
from ...config import PortalConfig
from ...engine.build import (
    CASE_STUDY_SCHEMA_PATH,
    CSS_PATH,
    GUIDE_SCHEMA_PATH,
    PRICING_SCHEMA_PATH,
    Project,
    Site,
    collect_fully_less_often,
    collector_paused,
    generate_site,
    load_project,
    read_css,
    schema_text,
    template_loader,
)
from ...engine.cache import CACHE_DIR, PageCache, cache_enabled, code_digest, digest, file_facts, folder_digest
from ...engine.parallel import JobFailed, JobShare, can_share
from ...errors import PortalError
from ...model.case_studies import FOLDER as CASE_STUDY_SOURCES
from ...model.home import HOME_PAGE
from ...plan.reference import NavSection, PlannedPage
from ...render.html import TocEntry
from ...render.page import RenderedPage
from ..publish import Folders, drop_unused, recycle
from .serve import PortalInputs, SearchEntries, changed_files, changed_pages, site_shape, snapshot

log = logging.getLogger("mkdocs.plugins.portal")


def _default(f: Any) -> Any:
    return f.default if f.default is not MISSING else f.default_factory()


_USER_OPTIONS = {
    f.name: _default(f)
    for f in fields(PortalConfig)
    if f.name not in ("project_dir", "directory_urls", "site_name", "config_file")
}


def _option(default: Any) -> Any:
    if isinstance(default, tuple):  # YAML gives lists; the engine keeps tuples
        return config_options.ListOfItems(config_options.Type(str), default=list(default))
    if isinstance(default, Mapping):
        return config_options.Type(dict, default=dict(default))
    return config_options.Type(type(default), default=default)


# The options are PortalConfig's fields, so the engine and MkDocs never disagree.
_PluginConfig: Any = type(
    "_PluginConfig",
    (Config,),
    {name: _option(default) for name, default in _USER_OPTIONS.items()},
)


class PortalPluginError(PluginError):
    """A :class:`PortalError` passed through MkDocs, which prints it without a traceback."""

    def __init__(self, error: PortalError) -> None:
        super().__init__(error.format())
        self.error = error


class PortalPlugin(BasePlugin[_PluginConfig]):
    """Generates the API reference (and, later, guides, pricing...) into the site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.portal_config: PortalConfig | None = None
        self.project: Project | None = None
        self.previous: Project | None = None  # of the last build (serve): its spec may be reused
        self.validating: Project | None = None  # built, its validation not yet joined
        self.site: Site | None = None
        self.pages: set[str] = set()  # source paths of the generated pages
        self.error: PortalError | None = None  # the user error that stopped the last build
        self.progress: Any = None  # set by the CLI: callable(phase, done, total)
        self.cache: PageCache | None = None
        self.previous_site: Path | None = None  # set by `portal build`: the site it replaces
        self._linking = False  # this build links unchanged pages from previous_site
        self._written = 0
        self._total = 0
        self._sharing_allowed = True  # not when serving or building dirty (see on_startup)
        self._nav: Navigation | None = None
        self._share: _PageShare | None = None
        self._outputs: _Outputs | None = None
        self._folders: Folders | None = None  # the site's folders, being made meanwhile
        self.spare: Path | None = None  # set by `portal build`: the last site's folders, kept
        self._recycled: list[str] = []  # the folders this build took from the spare
        self._quiet: _QuietSkips | None = None
        self.rendered = 0  # generated pages a template rendered in the last build
        self.reused = 0  # generated pages whose finished HTML came from the cache
        self._serving = False
        self._files: Files | None = None
        self._env: jinja2.Environment | None = None
        self._started: dict[str, tuple[int, int]] = {}  # the inputs as the build began (serve)
        self._last: _LastBuild | None = None  # what a quick rebuild (serve) starts from
        self._made_from: tuple[tuple[tuple[str, str], ...], bool] = ((), True)
        self._collection: tuple[int, int, int] | None = None  # the collector's thresholds before the build

    # -- loading (also called by the CLI before the build, to report errors early) --------

    def make_config(self, config: MkDocsConfig) -> PortalConfig:
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        options: dict[str, Any] = {
            name: tuple(self.config[name]) if isinstance(default, tuple) else self.config[name]
            for name, default in _USER_OPTIONS.items()
        }
        return PortalConfig(
            project_dir=config_file.parent,
            directory_urls=config.use_directory_urls,
            site_name=config.site_name,
            config_file=config_file.name,
            **options,
        )

    def load(self, config: MkDocsConfig) -> Project:
        """Load the project and start validating it (raises :class:`PortalError`)."""
        portal_config = self.make_config(config)
        self.portal_config = portal_config
        self.cache = PageCache(portal_config.project_dir / CACHE_DIR) if cache_enabled() else None
        self.project = load_project(portal_config, background_validation=True, cache=self.cache, previous=self.previous)
        return self.project

    # -- MkDocs events -------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `serve` may build drafts and --dirty skips pages: keep those builds in one process.
        self._sharing_allowed = command != "serve" and not dirty
        self._serving = command == "serve" and not dirty

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self._collection is None:  # restored when the build ends, failed or not
            self._collection = collect_fully_less_often()
        if self._serving:
            self._last = None
            # Before anything is read: an edit made during the build is seen by the next.
            self._started = snapshot(_input_roots(config, self.make_config(config)))

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if CSS_PATH not in config.extra_css:
            config.extra_css.append(CSS_PATH)
        return config

    def _add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        project = self.project if self.project is not None else self._load(config)
        self.project = None  # a later rebuild (serve) must read the files again
        # Before portal adds its own pages: the hand-written quickstarts, and whether the
        # user wrote a home page (then portal makes none).
        self._made_from = (_quickstarts(files), files.get_file_from_path(HOME_PAGE) is None)
        self.site = self._generate(project, *self._made_from)
        self._files = files
        self.pages = set()
        for page in self.site.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PortalPluginError(
                    PortalError(
                        f"{page.path} is written twice: by hand and generated from a guide or the spec",
                        None,
                        f"rename or remove {project.config.content_dir}/{page.path}",
                    )
                )
            files.append(
                File.generated(
                    config,
                    page.path,
                    content=f"---\ntitle: {_yaml_string(page.title)}\n---\n",
                    inclusion=InclusionLevel.NOT_IN_NAV,
                )
            )
            self.pages.add(page.path)
        files.append(File.generated(config, CSS_PATH, content=read_css()))
        files.append(File.generated(config, GUIDE_SCHEMA_PATH, content=schema_text("guide")))
        files.append(File.generated(config, PRICING_SCHEMA_PATH, content=schema_text("pricing")))
        files.append(File.generated(config, CASE_STUDY_SCHEMA_PATH, content=schema_text("case-study")))
        for path, content in self.site.extra_files:
            files.append(File.generated(config, path, content=content))
        # Structured content (guides, pricing... as YAML) is input, not output; so is
        # everything beside the case studies: their logos are published sanitized, under
        # the pages' folder, and an SVG copied as it is could run script.
        for file in list(files):
            if file.abs_src_path and (
                file.src_uri.endswith((".yaml", ".yml")) or file.src_uri.startswith(f"{CASE_STUDY_SOURCES}/")
            ):
                files.remove(file)
        return files

    @event_priority(-1000)  # last: the files MkDocs will write
    def _start_folders(self, files: Files, config: MkDocsConfig) -> Files:
        self.stop_folders()
        if self.spare is not None:  # after MkDocs emptied the site: it would delete them
            destinations = [file.dest_uri for file in files if file.inclusion.is_included()]
            self._recycled = recycle(self.spare, Path(config.site_dir), destinations)
        if self._sharing_allowed:  # not under `serve` or --dirty: their folders exist
            # The generated pages' folders alone: MkDocs writes each, and they are most.
            self._folders = Folders.start(
                {
                    os.path.dirname(file.abs_dest_path)
                    for file in files.documentation_pages()
                    if file.src_uri in self.pages and file.inclusion.is_included()
                },
                config.site_dir,
            )
        return files

    on_files = CombinedEvent(_add_pages, _start_folders)

    def drop_unused_folders(self, site: Path) -> None:
        """Once the site is written: remove the folders taken from the spare that it
        left empty, so it holds what a build into a new folder would."""
        recycled, self._recycled = self._recycled, []
        drop_unused(site, recycled)

    def stop_folders(self, *, wait: bool = False) -> None:
        """Stop making the site's folders; ``wait``: until every one is made."""
        folders, self._folders = self._folders, None
        if folders is None:
            return
        if wait:
            folders.finish()
        else:
            folders.stop()

    def _load(self, config: MkDocsConfig) -> Project:
        try:
            return self.load(config)
        except PortalError as exc:
            raise PortalPluginError(exc) from None

    def _generate(
        self, project: Project, guides: tuple[tuple[str, str], ...], home: bool, previous: Site | None = None
    ) -> Site:
        """The project's pages (raises :class:`PortalPluginError` for the user's errors)."""
        self.previous = self.validating = project
        try:
            try:
                return generate_site(
                    project,
                    template_loader(project.config),
                    guides=guides,
                    progress=self._report("Generating pages"),
                    home=home,
                    cache=self.cache,
                    share=self._sharing_allowed,  # no fork under `serve`: its threads
                    previous=previous,
                )
            except Exception:
                project.validation.raise_problems()  # an invalid spec explains the failure
                raise
        except PortalError as exc:
            raise PortalPluginError(exc) from None

    def _add_reference(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if self.site is None:
            return nav
        for generated in self.site.pages:
            file = files.get_file_from_path(generated.path)
            assert file is not None, generated.path
            _GeneratedPage(generated, file, config)
        section = _build_section(self.site.nav, files, config)
        landing = self.site.plan.pages[0].path
        items = list(nav.items)
        for index, item in enumerate(items):
            if isinstance(item, Page) and item.file.src_uri == landing:
                items[index] = section
                break
        else:
            items.append(section)
        listed = {page.file.src_uri for page in nav.pages}
        for guides in self.site.guide_nav:
            pages = [_page(p, files, config) for p in guides.children if isinstance(p, PlannedPage)]
            children: list[Any] = [c for c in pages if c.file.src_uri not in listed]  # the user's nav placed them
            if not children:
                continue
            existing = next(
                (i for i in items if isinstance(i, Section) and i.title.lower() == guides.title.lower()), None
            )
            if existing is not None:  # e.g. MkDocs' section for Markdown pages in quickstarts/
                existing.children.extend(children)
            else:
                items.insert(items.index(section), _Section(guides.title, children))
        for planned in self.site.top_pages:  # Pricing, before the reference
            if planned.path not in listed:
                items.insert(items.index(section), _page(planned, files, config))
        if HOME_PAGE in self.pages and HOME_PAGE not in listed:
            items.insert(0, _page(PlannedPage("home", HOME_PAGE, "Home"), files, config))
        return _navigation(items)

    @event_priority(-1000)  # last: the navigation MkDocs will render the pages with
    def _remember_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self._nav = nav
        return nav

    on_nav = CombinedEvent(_add_reference, _remember_nav)

    # The search plugin parses every page's HTML with Python's HTMLParser, and
    # highlighted examples are the most tag-dense part of a reference page while being
    # the least useful to search. Search sees the page without them; readers see all.
    @event_priority(100)
    def _hide_examples_from_search(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if self._outputs is not None:
            self._outputs.before_search(page)
            if self._outputs.cached(page):
                # Search skips it, and MkDocs renders nothing for it: no content to read
                # (Material's search still runs a regex over the content of every page).
                page.content = ""
                return context
        if isinstance(page, _GeneratedPage) and page.content:
            page.content = search_text(page.content)
        return context

    @event_priority(-100)
    def _restore_examples(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if isinstance(page, _GeneratedPage):
            page.content = None  # the full page again, read when the template asks for it
        if self._outputs is not None:
            self._outputs.after_search(page)
        if self._share is not None:
            self._share.claim(page, context, nav)
        return context

    on_page_context = CombinedEvent(_hide_examples_from_search, _restore_examples)

    @event_priority(-100)  # last: the process that shares the pages copies the final environment
    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self._written = 0
        self._total = len(files.documentation_pages())
        self._env = env
        search = _material_search(config)
        if search is not None:  # reading pages for search was most of this process's work
            search.search_index = faster_index(search.search_index)
        self._outputs = None
        self._unquiet()
        self.rendered = self.reused = 0
        if self.cache is not None and self.cache.directory is not None:
            # Compiling Material's templates takes a second per build; Jinja's cache is
            # keyed by each template's source, so an edited template compiles again.
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(self.cache.jinja_directory()))
        if self._nav is None or not _events_allow_sharing(config):
            return env
        pages = [
            file.page
            for file in files.documentation_pages()
            if file.src_uri in self.pages and isinstance(file.page, _GeneratedPage)
        ]
        remember_nav_items(env)
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({_PLACEHOLDER: ""}), env.loader])  # type: ignore[list-item]
        remember_blocks(env)  # last: templates are kept by loader, and the loader is final
        if self.cache is not None:
            # Links only when nothing after portal changes a page's file: no other plugin
            # or hook writes pages, or rewrites them after the build.
            self._linking = self.previous_site is not None and _quick_rebuilds_allowed(config)
            previous = self.previous_site if self._linking else None
            published = self.cache.site_files(previous) if previous is not None else {}
            self._outputs = _Outputs.start(self.cache, pages, config, self._nav, (previous, published))
            pages = [page for page in pages if not self._outputs.cached(page)]
        if self._sharing_allowed and can_share() and pages:
            keep = self._outputs.keep if self._outputs is not None else None
            self._share = _PageShare.start(pages, config, files.documentation_pages(), self._nav, env, keep)
        # MkDocs notes every page it is given nothing to write for: the pages written
        # by the other process or copied from the cache.
        quiet = set(self._outputs.reused) if self._outputs is not None else set()
        if self._share is not None:
            quiet.update(page.file.src_uri for page in pages)
        self._quiet = _QuietSkips(frozenset(quiet))
        logging.getLogger("mkdocs.commands.build").addFilter(self._quiet)
        return env

    @event_priority(100)  # first: other plugins see the page as MkDocs would have rendered it
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        generated = isinstance(page, _GeneratedPage)
        if self._share is not None:
            output = self._share.render_claimed(page, output)
        # Counted from what the template really produced: a page from the cache that
        # MkDocs rendered anyway (and threw away) counts as rendered.
        self.rendered += generated and bool(output.strip())
        if self._outputs is not None:
            reused = self._outputs.cached(page)
            output = self._outputs.output(page, output)
            self.reused += reused
        if generated:
            page.content = None  # written: let its HTML go
        if self.progress is not None:
            self._written += 1
            self.progress("Writing pages", self._written, self._total)
        return output

    def published_files(self, staging: Path) -> dict[str, list[Any]]:
        """What this build wrote into ``staging``, as the site will hold it once moved
        into place (a rename keeps each file's inode and times): read there, before the
        move, it cannot be another build's files. Empty when this build could not link."""
        if self._outputs is None or not self._linking:
            return {}
        return self._outputs.published(staging)

    def remember_published(self, site: Path, files: Mapping[str, list[Any]]) -> None:
        """After ``portal build`` moved its site to ``site``: note what it holds there,
        so the next build links its unchanged pages from it (:class:`_Outputs`)."""
        if self.cache is not None:
            self.cache.keep_site_files(site, files)

    def _report(self, phase: str) -> Any:
        if self.progress is None:
            return None
        report = self.progress
        return lambda done, total: report(phase, done, total)

    @event_priority(100)  # first: other plugins' post_build may read the pages
    def on_post_build(self, config: MkDocsConfig) -> None:
        try:
            self._finish_build(config)
        finally:
            self._restore_collection()

    def _finish_build(self, config: MkDocsConfig) -> None:
        # Nothing is published before every page is written and the spec is known to be
        # valid: `portal build` discards its staging folder when this raises.
        share, self._share = self._share, None
        self._unquiet()
        self.stop_folders(wait=True)  # before the site is moved: none is made after
        try:
            if self.cache is not None:
                # Kept even if the spec is invalid: pages are kept by what they are made
                # of, and the next build, once the spec is fixed, needs them all the same.
                # Saved now, while the other process writes its last pages: every page's
                # entries are in (MkDocs ran each page's events).
                self.cache.save_search()
        except BaseException:
            if share is not None:
                share.stop()  # nothing is published: the other process must not write on
            raise
        try:
            if share is not None:
                self.rendered += share.finish()
        except Exception:
            self._raise_spec_problems()  # an invalid spec explains a failed page better
            raise
        self._raise_spec_problems()
        if self.cache is not None:
            self.cache.prune()  # keep what this build used, nothing older
        if self._serving and _quick_rebuilds_allowed(config):
            self._remember_build(config)

    def _remember_build(self, config: MkDocsConfig) -> None:
        if self.site is not None and self._files is not None and self._env is not None and self._nav is not None:
            last = (config, self._files, self._nav, self._env, self.site, self._made_from, self._started)
            self._last = _LastBuild(*last)

    def _raise_spec_problems(self) -> None:
        if self.validating is not None:
            project, self.validating = self.validating, None
            try:
                project.validation.raise_problems()
            except PortalError as exc:
                raise PortalPluginError(exc) from None

    def _unquiet(self) -> None:
        if self._quiet is not None:
            logging.getLogger("mkdocs.commands.build").removeFilter(self._quiet)
            self._quiet = None

    def _restore_collection(self) -> None:
        collection, self._collection = self._collection, None
        if collection is not None:
            gc.set_threshold(*collection)

    def on_build_error(self, error: Exception) -> None:
        self._restore_collection()
        self._last = None
        self._unquiet()
        self.stop_folders()
        share, self._share = self._share, None
        if share is not None:
            share.stop()
        if isinstance(error, PortalPluginError):
            self.error = error.error

    # Last: it puts its own builder in the server's, and a plugin's on_serve may still pass
    # MkDocs' builder to server.watch(), which accepts no other.
    @event_priority(-100)
    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        portal_config = self.portal_config or self.make_config(config)
        for path in (
            portal_config.spec_path.parent,
            portal_config.project_dir / portal_config.content_dir,
            portal_config.templates_path,
            portal_config.project_dir / portal_config.verified_file,
        ):
            if path.exists():
                server.watch(str(path))
        full_rebuild = server.builder

        def rebuild() -> None:
            if not self._quick_rebuild():
                full_rebuild()

        server.builder = rebuild
        return server

    def _quick_rebuild(self) -> bool:
        """Rebuild the served site if only files portal alone reads changed and the site
        keeps its shape (see :mod:`.mkdocs_serve`); ``False``: MkDocs must rebuild it all."""
        last = self._last
        if last is None or self.cache is None:  # the cache tells which pages changed
            return False
        config = last.config
        portal_config = self.make_config(config)
        now = snapshot(_input_roots(config, portal_config))
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

    def _rebuild_quickly(self, last: _LastBuild, config: MkDocsConfig, now: dict[str, tuple[int, int]]) -> bool:
        start = time.monotonic()
        log.info("Only portal's inputs changed: rebuilding the pages they make")
        self._last = None  # until this rebuild succeeds, the next one is a full one
        self._outputs = None
        project = self._load(config)
        self.project = None
        site = self._generate(project, *last.made_from, previous=last.site)
        if site_shape(site) != site_shape(last.site):
            log.info("The site's pages or navigation changed: rebuilding it all")
            return False
        changed_pages_ = changed_pages(last.site.pages, site.pages)
        search = _material_search(config)
        doc_files = last.files.documentation_pages()
        for generated in changed_pages_:
            file = last.files.get_file_from_path(generated.path)
            page = file.page if file is not None else None
            if not isinstance(page, _GeneratedPage):
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
        self.site = site
        self._last = dataclasses.replace(last, site=site, inputs=now)
        self._report_validation(project)
        log.info(
            f"Documentation rebuilt in {time.monotonic() - start:.2f} seconds: "
            f"{len(changed_pages_)} of {len(site.pages)} generated pages changed"
        )
        return True

    def _report_validation(self, project: Project) -> None:
        """Log the spec's problems when its validation (in the background) finds any.

        A quick rebuild shows the edit at once; ``portal build`` and ``portal check``
        publish nothing until the spec passes.
        """
        self.validating = None

        def wait() -> None:
            try:
                problems = project.validation.problems()
            except Exception as exc:  # a bug in validation: say so, the preview goes on
                log.error(f"spec validation failed: {exc!r}")
                return
            if problems and self.previous is project:  # not yet superseded by a later edit
                log.error(PortalError.from_diagnostics(problems).format())

        threading.Thread(target=wait, name="portal-validation", daemon=True).start()


class _GeneratedPage(Page):
    """A page whose HTML the engine already rendered: no Markdown to read or convert.

    Its content is read from the engine's page (from the page cache on disk, mostly)
    each time it is asked for and not kept: MkDocs holds every page from the start of
    the build to its end, and a big API's pages do not fit in memory all at once.
    Setting the content (as search's handlers do) holds that value until it is set
    back to ``None``.
    """

    # Material's navigation asks each of these of every page in every section, on every
    # page: millions of times on a big API. A plain attribute answers fastest (Page's
    # is_index is a property) and None answers a missing one, which costs Jinja two
    # exceptions, exactly as falsy: Material only ever tests them for truth.
    is_index: bool = False
    typeset: None = None
    pages: None = None
    _last: tuple[_GeneratedPage, str] | None = None  # the HTML last read, and whose

    def __init__(self, generated: RenderedPage, file: File, config: MkDocsConfig) -> None:
        self._generated = generated
        self._content: str | None = None
        self._lent: str | None = None  # the HTML last read, until the content is next set
        self._unread = False
        self._rendered = False
        super().__init__(generated.title, file, config)
        self.is_index = file.name == "index"
        self._anchor_ids: set[str] | None = None

    @property
    def content(self) -> str | None:
        if self._content is not None or not self._rendered:
            return self._content
        if self._unread:
            # Between render() and the page_content event, which no plugin handles:
            # MkDocs reads the content only to hand it to no one and set it back (a
            # quarter of a gigabyte on a big API). It reads as empty until then.
            self._lent = ""
            return self._lent
        # Read once for its handlers and template: each asks twice (search whether
        # there is any, then for it; Material's content.html whether it has an <h1>,
        # then for it). Only the page being written is held (_last), never a second.
        last = _GeneratedPage._last
        if last is not None and last[0] is self:
            self._lent = last[1]
        else:
            self._lent = self._generated.html
            _GeneratedPage._last = (self, self._lent)
        return self._lent

    @content.setter
    def content(self, value: str | None) -> None:
        # MkDocs sets back what page_content handlers return: the very HTML it read, when
        # none changed it. That stays on disk; only a changed content is held.
        self._content = None if value is self._lent else value
        self._lent = None
        self._unread = False

    @property
    def digest(self) -> str | None:
        """A hash of the page's content, if the engine's cache made one."""
        return self._generated.digest

    @property
    def outline(self) -> tuple[TocEntry, ...]:
        return self._generated.toc

    def replace(self, generated: RenderedPage) -> None:
        """Show ``generated`` from now on (a quick rebuild under ``serve``)."""
        self._generated = generated
        self._content = self._lent = None
        self._anchor_ids, self._rendered = None, False
        if _GeneratedPage._last is not None and _GeneratedPage._last[0] is self:
            _GeneratedPage._last = None

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown, self.meta = "", {}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = None
        self.toc = get_toc(_toc_tokens(self._generated.toc))  # type: ignore[arg-type]
        self._anchor_ids, self._rendered = None, True
        self._unread = not config.plugins.events["page_content"]
        self.links_to_anchors = {}

    def search_weight(self) -> int:
        """About how much text search indexes of the page (the second process shares
        the pages out by it): a fifth of its HTML, as on GitHub's reference pages, where
        examples and nested fields make up the rest. Known without reading the page."""
        return self._generated.length // 5

    # Only links to this page's anchors need its ids: found when first asked for.
    @property
    def present_anchor_ids(self) -> set[str] | None:
        if self._anchor_ids is None and self._rendered:
            self._anchor_ids = set(_ANCHOR_ID.findall(self._generated.html))
        return self._anchor_ids

    @present_anchor_ids.setter
    def present_anchor_ids(self, value: set[str] | None) -> None:
        self._anchor_ids = value


_ANCHOR_ID = re.compile(r'\bid="([^"]+)"')


class _Section(Section):
    """A navigation section that answers what Material asks of every section (see _GeneratedPage)."""

    is_index = False
    typeset = None
    pages = None
    meta = None


# Plugins whose page_context and post_page handlers leave the rendered page alone, so a
# page rendered without running those events is the page MkDocs would have written.
_HARMLESS_PAGE_HANDLERS = frozenset(
    {
        "material.plugins.search.plugin.SearchPlugin",
        "mkdocs.contrib.search.SearchPlugin",
    }
)
# After the build, search writes its index and nothing else (and a quick rebuild puts
# entries back into Material's index: its own, not MkDocs' built-in search's).
_HARMLESS_POST_BUILD = frozenset({"material.plugins.search.plugin.SearchPlugin"})
_PAGE_TEMPLATE = "main.html"  # generated pages have no front matter to choose another
_PLACEHOLDER = "portal-written-elsewhere.html"  # renders nothing; MkDocs then writes nothing
_PAGE_WEIGHT = 1000  # search's work on a page, besides parsing its text, in characters of text


@dataclasses.dataclass(frozen=True)
class _LastBuild:
    """What a quick rebuild under ``serve`` starts from: the last build's MkDocs objects."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: jinja2.Environment
    site: Site
    made_from: tuple[tuple[tuple[str, str], ...], bool]  # generate_site's guides and home
    inputs: Mapping[str, tuple[int, int]]  # as that build began


def _input_roots(config: MkDocsConfig, portal: PortalConfig) -> list[Path]:
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


def _quick_rebuilds_allowed(config: MkDocsConfig) -> bool:
    """Whether a page built again alone comes out as a full build makes it: every other
    plugin that acts on pages, or after the build, is one portal knows to be harmless."""
    return _events_allow_sharing(config) and _only_handlers(config, ("post_build",), _HARMLESS_POST_BUILD)


def _events_allow_sharing(config: MkDocsConfig) -> bool:
    """Whether every handler of the per-page events is portal's own or known harmless."""
    return _only_handlers(config, ("page_context", "post_page"), _HARMLESS_PAGE_HANDLERS)


def _only_handlers(config: MkDocsConfig, events: Sequence[str], harmless: frozenset[str]) -> bool:
    """Whether every handler of ``events`` is portal's own or a method of a class in
    ``harmless`` (a hook, a plain function, is neither)."""
    for event in events:
        for handler in config.plugins.events[event]:
            owner = getattr(handler, "__self__", None)
            if isinstance(owner, PortalPlugin):
                continue
            if f"{type(owner).__module__}.{type(owner).__qualname__}" not in harmless:
                return False
    return True


class _PageShare:
    """Writes generated pages on a second core: a forked process renders Material's page
    template for the pages at the back of the list while MkDocs works from the front.

    MkDocs still runs every page through its usual events in this process, in order
    (search indexes each page here); a page the other process took gets a template
    that renders nothing, so MkDocs skips writing it. A page this process claims is
    rendered with the real template in ``on_post_page``, from the context every
    ``page_context`` handler had its say on, as MkDocs itself would have.
    """

    def __init__(
        self, pages: Sequence[_GeneratedPage], jobs: JobShare, env: jinja2.Environment, nav: Navigation
    ) -> None:
        self._pages = pages
        self._index = {page.file.src_uri: index for index, page in enumerate(pages)}
        self._jobs = jobs
        self._env = env
        self._nav = nav
        self._claimed: tuple[Page, Any] | None = None
        # start() freezes what exists; the end unfreezes it unless something (`portal
        # build`, freezing the project) was frozen before.
        self._thaw = gc.get_freeze_count() == 0

    @classmethod
    def start(
        cls,
        pages: Sequence[_GeneratedPage],
        config: MkDocsConfig,
        doc_files: Sequence[File],
        nav: Navigation,
        env: jinja2.Environment,
        keep: Callable[[Page, str], None] | None = None,
    ) -> _PageShare:
        """Fork the writer; ``env`` must know the placeholder template. ``keep`` is told
        every page the other process writes (the output cache)."""
        for page in pages:
            page.meta = _PlaceholderMeta()
        jobs = JobShare(functools.partial(_write_page, pages, config, doc_files, nav, env, keep), len(pages))
        share = cls(pages, jobs, env, nav)
        gc.freeze()  # the collector skips what exists now: less to scan here, less to copy there
        jobs.start()
        # What this process does for each page, whoever writes it, is mostly search's
        # parsing, which takes time in proportion to the text it parses.
        jobs.weigh([_PAGE_WEIGHT + page.search_weight() for page in pages])
        return share

    def claim(self, page: Page, context: Any, nav: Navigation) -> None:
        """In ``page_context``, after every other handler: render ``page`` here if still free."""
        index = self._index.get(page.file.src_uri)
        if index is None:
            return
        if nav is not self._nav:  # a plugin replaced the navigation after portal's last look
            raise RuntimeError("the navigation changed after the pages were shared out")
        if self._jobs.claim(index):
            self._claimed = (page, context)

    def render_claimed(self, page: Page, output: str) -> str:
        """In ``post_page``: the real page for a claimed page, MkDocs' output otherwise."""
        if self._claimed is None or self._claimed[0] is not page:
            return output
        _, context = self._claimed
        self._claimed = None
        output = self._env.get_template(_PAGE_TEMPLATE).render(context)
        self._jobs.done()
        return output

    def finish(self) -> int:
        """Write here the pages neither process took yet (meeting the other process in
        the middle), then wait for it; return how many pages were written outside
        MkDocs' own loop, or raise the error of the page that failed."""
        try:
            here = self._jobs.run_rest()
            written = self._jobs.finish()
        except JobFailed as failed:
            log.error(f"Error building page '{self._pages[failed.index].file.src_uri}': {failed.error}")
            raise failed.error from failed.error.__cause__
        finally:
            self._end()
        log.debug(f"{written} of {len(self._pages)} generated pages written by a second process, {here} after")
        return written + here

    def stop(self) -> None:
        """Kill the other process (the build failed here)."""
        self._jobs.stop()
        self._end()

    def _end(self) -> None:
        if self._thaw:
            gc.unfreeze()
        for page in self._pages:
            page.meta = {}


class _PlaceholderMeta(dict[str, Any]):
    """An empty ``page.meta`` that names the placeholder template when MkDocs asks for one.

    Setting ``meta["template"]`` would do for MkDocs, but Material then looks up icons,
    subtitles and statuses in the meta of every page it lists in the navigation.
    """

    def get(self, key: str, default: Any = None) -> Any:
        return _PLACEHOLDER if key == "template" else super().get(key, default)


class _Outputs:
    """Finished generated pages from the cache (:mod:`.cache`), and into it.

    A page's output is what Material's template renders from its content, title, outline
    and URL, the navigation, mkdocs.yml and the installed code: the key hashes them all
    (the content by the hash the engine's cache keeps of it, so it is not read again).
    A page found in the cache is rendered with the placeholder template (nothing to
    render), search gets the entries it made of that page last time instead of parsing
    it again, and ``post_page`` links (under ``portal build``) or copies the cached file
    into the site, unread. Under ``portal build`` the pages rendered now are kept by
    linking their published files into the cache (:meth:`published`): the cache and
    the site share those files, and the cache refuses one changed in place since
    (:meth:`PageCache.output`).
    """

    def __init__(
        self,
        cache: PageCache,
        keys: dict[str, str],
        hits: dict[str, tuple[Path, Any]],
        search: Any,
        previous: tuple[Path | None, Mapping[str, list[Any]]] = (None, {}),
        destinations: Mapping[str, str] | None = None,
    ) -> None:
        self._cache = cache
        self._keys = keys
        self._hits = hits
        self._index = search.search_index if search is not None else None
        self._indexing: tuple[Page, int] | None = None
        self._previous = previous
        self._destinations = destinations or {}  # source path -> path in the site
        # `portal build` (the only caller that publishes, and so passes the site it
        # replaces): the pages rendered now are kept by linking their published files
        # into the cache (:meth:`published`), not by writing them twice.
        self._link = previous[0] is not None
        self._fresh = {key for uri, key in keys.items() if uri not in hits}

    @classmethod
    def start(
        cls,
        cache: PageCache,
        pages: Sequence[_GeneratedPage],
        config: MkDocsConfig,
        nav: Navigation,
        previous: tuple[Path | None, Mapping[str, list[Any]]] = (None, {}),
    ) -> _Outputs:
        """``previous``: the site this build replaces, and what the last build published
        there (:meth:`PageCache.site_files`)."""
        custom = config.theme.custom_dir
        site = digest(
            code_digest(),
            Path(config.config_file_path or "mkdocs.yml").read_text(encoding="utf-8", errors="replace"),
            _nav_outline(nav.items),
            folder_digest(Path(custom)) if custom else "",
        )
        keys = {
            page.file.src_uri: digest(
                site,
                page.file.src_uri,
                page.url,
                page.title,
                page.digest if page.digest is not None else page.content,
                page.outline,
            )
            for page in pages
        }
        hits = {}
        for page in pages:
            found = cache.output(keys[page.file.src_uri])
            if found is not None:
                hits[page.file.src_uri] = found
                # Now, not in page_context: MkDocs chooses the page's template before
                # that event, and a page from the cache must get the empty one.
                page.meta = _CachedMeta()
        destinations = {page.file.src_uri: page.file.dest_uri for page in pages}
        return cls(cache, keys, hits, _material_search(config), previous, destinations)

    @property
    def reused(self) -> frozenset[str]:
        """The pages that come from the cache, by source path."""
        return frozenset(self._hits)

    def cached(self, page: Page) -> bool:
        return page.file.src_uri in self._hits

    def keep(self, page: Page, output: str) -> None:
        key = self._keys.get(page.file.src_uri)
        if key is not None and output.strip() and not self._link:
            self._cache.keep_output(key, output)

    def before_search(self, page: Page) -> None:
        """In ``page_context``, before search: a cached page is not parsed again."""
        uri = page.file.src_uri
        if uri not in self._hits and uri in self._keys:
            self._indexing = (page, len(self._index.entries) if self._index is not None else 0)

    def after_search(self, page: Page) -> None:
        """In ``page_context``, after search: its entries for the page, from or to the cache."""
        uri = page.file.src_uri
        if uri in self._hits:
            if self._index is not None:
                self._index.entries.extend(self._hits[uri][1])
        elif self._indexing is not None and self._indexing[0] is page:
            entries = self._index.entries[self._indexing[1] :] if self._index is not None else []
            self._cache.keep_search(self._keys[uri], entries)
            self._indexing = None

    def output(self, page: Page, output: str) -> str:
        """In ``post_page``: a cached page is copied into the site as it is and MkDocs
        is given nothing to write; any other page's output is kept."""
        uri = page.file.src_uri
        if uri in self._hits:
            page.meta = {}
            source, _ = self._hits.pop(uri)
            target = Path(page.file.abs_dest_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not self._link_published(page, target) and not (
                self._link and self._cache.share_output(self._keys[uri], target)
            ):
                # The site's file may already be the cache's (`mkdocs build --dirty`
                # after `portal build`): checked by `output`, it is right as it is.
                with contextlib.suppress(shutil.SameFileError):
                    shutil.copyfile(source, target)
            return ""
        self.keep(page, output)
        return output

    def _link_published(self, page: Page, target: Path) -> bool:
        """Link the file the last build published for this page into the new site.

        Writing 2,000 copies of a big API's unchanged pages (250 MB) cost most of a
        second of each rebuild; a hard link is a name, not a copy. Only a file this key
        made, untouched since (its size, modification time, inode, mode and owner as the
        last build left them: rsync's quick check, and more), in the site being replaced,
        is linked, and only when no other plugin or hook writes pages or acts after the
        build (:func:`_quick_rebuilds_allowed`), so a file is what portal wrote.
        Otherwise the cache's file is linked (:meth:`PageCache.share_output`, which notes
        what to check it by) or, on another file system, copied."""
        site, published = self._previous
        if site is None:
            return False
        record = published.get(page.file.dest_uri)
        if not record or record[0] != self._keys.get(page.file.src_uri):
            return False
        old = site / page.file.dest_uri
        try:
            found = os.lstat(old)
            if not stat.S_ISREG(found.st_mode) or file_facts(found) != record[1:]:
                return False
            os.link(old, target)
        except OSError:
            return False
        return True

    def published(self, site: Path) -> dict[str, list[Any]]:
        """What this build wrote into ``site`` (once published there) for the next one
        to link: :meth:`PageCache.site_files`. The pages rendered now are kept in the
        cache as links to those files (a cold build of a big API wrote 200 MB twice)."""
        found: dict[str, list[Any]] = {}
        for uri, key in self._keys.items():
            destination = self._destinations.get(uri)
            if destination is None:
                continue
            try:
                written = os.lstat(site / destination)
            except OSError:
                continue
            if stat.S_ISREG(written.st_mode):
                facts = file_facts(written)
                found[destination] = [key, *facts]
                if self._link and key in self._fresh and written.st_size:
                    self._cache.link_output(key, site / destination, facts)
        if self._link:
            self._cache.save_output_facts()
        return found


class _CachedMeta(_PlaceholderMeta):
    """``page.meta`` of a page whose output comes from the cache: MkDocs renders the
    placeholder template, and search skips the page (its entries come from the cache)."""

    def get(self, key: str, default: Any = None) -> Any:
        return {"exclude": True} if key == "search" else super().get(key, default)


def _material_search(config: MkDocsConfig) -> Any:
    """Material's search plugin, whose index portal can feed cached entries; else ``None``."""
    for plugin in config.plugins.values():
        if type(plugin).__module__ == "material.plugins.search.plugin" and hasattr(plugin, "search_index"):
            return plugin
    return None


def _nav_outline(items: Sequence[Any]) -> list[Any]:
    """The navigation as titles and URLs, nested: what every page's sidebar shows."""
    outline: list[Any] = []
    for item in items:
        children = getattr(item, "children", None)
        outline.append([item.title, getattr(item, "url", None), _nav_outline(children) if children else None])
    return outline


class _QuietSkips(logging.Filter):
    """Drops MkDocs' "Page skipped" notes for the pages another process writes."""

    def __init__(self, src_uris: frozenset[str]) -> None:
        super().__init__()
        self._skipped = frozenset(f"Page skipped: '{uri}'. Generated empty output." for uri in src_uris)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self._skipped


def _write_page(
    pages: Sequence[_GeneratedPage],
    config: MkDocsConfig,
    doc_files: Sequence[File],
    nav: Navigation,
    env: jinja2.Environment,
    keep: Callable[[Page, str], None] | None,
    index: int,
) -> None:
    """In the forked process: what MkDocs' ``_build_page`` does, minus the plugin events."""
    page = pages[index]
    page.meta = {}
    config._current_page = page
    page.active = True
    try:
        output = env.get_template(_PAGE_TEMPLATE).render(get_context(nav, doc_files, config, page))
        if keep is not None:
            keep(page, output)
        if output.strip():
            write_file(output.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path)
    finally:
        page.content = None
        page.active = False
        config._current_page = None


def _yaml_string(text: str) -> str:
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(text, ensure_ascii=False)


def _quickstarts(files: Files) -> tuple[tuple[str, str], ...]:
    """Hand-written Markdown quickstarts (``quickstarts/*.md``), titled by their first heading."""
    found = []
    for file in files.documentation_pages():
        if not file.src_uri.startswith("quickstarts/") or not file.abs_src_path:
            continue
        match = re.search(r"^#\s+(.+)$", Path(file.abs_src_path).read_text(encoding="utf-8"), re.M)
        found.append((match.group(1).strip() if match else Path(file.src_uri).stem, file.src_uri))
    return tuple(sorted(found, key=lambda item: item[1]))


def _build_section(section: NavSection, files: Files, config: MkDocsConfig) -> Section:
    children: list[Any] = []
    for child in section.children:
        if isinstance(child, NavSection):
            children.append(_build_section(child, files, config))
        else:
            children.append(_page(child, files, config))
    return _Section(section.title, children)


def _page(planned: PlannedPage, files: Files, config: MkDocsConfig) -> Page:
    file = files.get_file_from_path(planned.path)
    assert file is not None, planned.path
    page = file.page if isinstance(file.page, Page) else Page(None, file, config)
    return page


def _navigation(items: list[Any]) -> Navigation:
    """A navigation with parents and previous/next links recomputed, as MkDocs would."""
    pages: list[Page] = []

    def walk(nodes: list[Any], parent: Section | None) -> None:
        for node in nodes:
            node.parent = parent
            if isinstance(node, Page):
                pages.append(node)
            elif isinstance(node, Section):
                walk(node.children, node)

    walk(items, None)
    for index, page in enumerate(pages):
        page.previous_page = pages[index - 1] if index > 0 else None
        page.next_page = pages[index + 1] if index + 1 < len(pages) else None
    return Navigation(items, pages)


def _toc_tokens(entries: tuple[TocEntry, ...]) -> list[dict[str, Any]]:
    """Nest flat outline entries by level, the shape Python-Markdown's toc gives MkDocs."""
    root: list[dict[str, Any]] = []
    open_levels: list[dict[str, Any]] = []
    for entry in entries:
        token: dict[str, Any] = {"level": entry.level, "id": entry.id, "name": entry.title, "children": []}
        while open_levels and open_levels[-1]["level"] >= entry.level:
            open_levels.pop()
        (open_levels[-1]["children"] if open_levels else root).append(token)
        open_levels.append(token)
    return root
