"""The MkDocs adapter: ``plugins: [portal]`` in mkdocs.yml.

It hands MkDocs the engine's pages as virtual files (``on_files``) and places them in
the navigation (``on_nav``); MkDocs and the theme write them like any page. Everything
that reaches into MkDocs' or Material's internals to do that faster lives in
:mod:`portal_gen.accel` and runs only where :func:`portal_gen.accel.enabled` allows it.
"""

from __future__ import annotations

import gc
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.config import config_options
from mkdocs.config.base import BaseConfigOption, Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ... import accel
from ...config import PortalConfig
from ...engine.build import CSS_PATH, JS_PATH, Site, generate_site, template_loader
from ...engine.cache import CACHE_DIR, PageCache, cache_enabled
from ...engine.collector import collect_fully_less_often
from ...engine.project import Project, build_warnings, load_project
from ...errors import PortalError
from ...plan.paths import HOME_PAGE
from ...render.twin import actions_html
from .pages import GeneratedPage, add_generated_files, portal_navigation, quickstarts
from .search import configure_search, search_text
from .twins import PUBLISHED, Twins

if TYPE_CHECKING:  # its import (asyncio, a server) is for `serve` alone
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.portal")
# A build shows this many warnings of a kind, then how many more (GitHub's spec has
# 807 examples that do not match their schema; `portal check` lists every one).
_WARNINGS_SHOWN = 20

_USER_OPTIONS: dict[str, Any] = {
    f.name: f.default if f.default is not MISSING else f.default_factory()  # type: ignore[operator]
    for f in fields(PortalConfig)
    if f.name not in ("project_dir", "directory_urls", "site_name", "site_url", "config_file")
}


class _LlmsTxt(BaseConfigOption[Any]):
    """``llms_txt: false``, or a mapping of its settings (``full``, ``sections``)."""

    def __init__(self, default: Any) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> Any:
        if isinstance(value, bool):
            return value
        if not isinstance(value, dict):
            raise ValidationError(f"expected true, false or a mapping, got {value!r}")
        unknown = sorted(set(value) - {"enabled", "full", "sections"})
        if unknown:
            raise ValidationError(f"unknown setting {unknown[0]!r}: use enabled, full or sections")
        for name in ("enabled", "full"):
            if name in value and not isinstance(value[name], bool):
                raise ValidationError(f"'{name}' must be true or false, got {value[name]!r}")
        sections = value.get("sections", {})
        if not isinstance(sections, dict) or not all(
            isinstance(pages, list) and all(isinstance(p, str) for p in pages) for pages in sections.values()
        ):
            raise ValidationError("'sections' maps a section's title to a list of pages, e.g. {Guides: [errors.md]}")
        return value


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
    {name: _LlmsTxt(d) if name == "llms_txt" else _option(d) for name, d in _USER_OPTIONS.items()},
)


@dataclass(frozen=True)
class BuildRequest:
    """What ``portal build`` and ``portal check`` ask of a build besides mkdocs.yml."""

    progress: Callable[[str, int, int], None] | None = None  # (phase, done, total)
    previous_site: Path | None = None  # the site this build replaces: unchanged pages are linked from it
    spare: Path | None = None  # the last site's folders, kept for this build (accel: site_folders)
    warn: bool = True  # log the spec's warnings (`portal check` reports them itself)


_FIRST_H1 = re.compile(r"\A\s*#[ \t]+[^\n]+\n")


class PortalPluginError(PluginError):
    """A :class:`PortalError` passed through MkDocs, which prints it without a traceback."""

    def __init__(self, error: PortalError) -> None:
        super().__init__(error.format())
        self.error = error


class PortalPlugin(BasePlugin[_PluginConfig]):
    """Generates the reference, guides, pricing, case studies and home page into the site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.request = BuildRequest()  # set by the CLI before a build
        self.portal_config: PortalConfig | None = None
        self.cache: PageCache | None = None
        self.project: Project | None = None  # loaded ahead (the CLI), used by the next build
        self.previous: Project | None = None  # of the last build (serve): its spec may be reused
        self.validating: Project | None = None  # built, its validation not yet joined
        self.site: Site | None = None
        self.pages: set[str] = set()  # source paths of the generated pages
        self.error: PortalError | None = None  # the user error that stopped the last build
        self.rendered = 0  # generated pages a template rendered in the last build
        self.reused = 0  # generated pages whose finished HTML came from the cache
        self.fast: Any = None  # accel.fast_build.FastBuild of this build
        self._folders: Any = None  # accel.site_folders: the site's folders, being made meanwhile
        self._recycled: list[str] = []  # the folders this build took from the spare
        self._quick: Any = None  # accel.serve_quick.QuickRebuilds, under `serve`
        self._sharing_allowed = True
        self._serving = False
        self._build: tuple[Files, Navigation | None, Any, Any] | None = None  # files, nav, env, made_from
        self._written = self._total = 0
        self._collection: tuple[int, int, int] | None = None  # the collector's thresholds before the build
        self.twins: Twins | None = None  # the Markdown twins and llms.txt of this build

    # -- loading (also called by the CLI before the build, to report errors early) --------

    def make_config(self, config: MkDocsConfig) -> PortalConfig:
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        options: dict[str, Any] = {
            name: tuple(self.config[name]) if isinstance(d, tuple) else self.config[name]
            for name, d in _USER_OPTIONS.items()
        }
        return PortalConfig(
            project_dir=config_file.parent,
            directory_urls=config.use_directory_urls,
            site_name=config.site_name,
            site_url=config.site_url or "",
            config_file=config_file.name,
            **options,
        )

    def load(self, config: MkDocsConfig) -> Project:
        """Load the project and start validating it (raises :class:`PortalError`)."""
        self.portal_config = portal_config = self.make_config(config)
        accel.configure(portal_config.accel)
        self.cache = PageCache(portal_config.project_dir / CACHE_DIR) if cache_enabled() else None
        self.project = load_project(portal_config, background_validation=True, cache=self.cache, previous=self.previous)
        changelog = self.project.changelog
        if changelog is not None and changelog.notice and not changelog.partial:
            # Without git, the file's entries are the changelog. (A shallow clone, which
            # may miss releases, is a warning: see build_warnings.)
            log.info(f"changelog: {changelog.notice}")
        return self.project

    def load_or_fail(self, config: MkDocsConfig) -> Project:
        try:
            return self.load(config)
        except PortalError as exc:
            raise PortalPluginError(exc) from None

    def generate(self, project: Project, guides: Any, home: bool, previous: Site | None = None) -> Site:
        """The project's pages (raises :class:`PortalPluginError` for the user's errors)."""
        self.previous = self.validating = project
        progress = self.request.progress
        try:
            try:
                return generate_site(
                    project,
                    template_loader(project.config),
                    guides=guides,
                    progress=(lambda done, total: progress("Generating pages", done, total)) if progress else None,
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

    # -- MkDocs events -------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `serve` may build drafts and --dirty skips pages: keep those builds in one process.
        self._sharing_allowed = command != "serve" and not dirty
        self._serving = command == "serve"
        if command == "serve" and not dirty and accel.enabled("serve_quick"):
            from ...accel.serve_quick import QuickRebuilds

            self._quick = QuickRebuilds(self)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self._collection is None:  # restored when the build ends, failed or not
            self._collection = collect_fully_less_often()
        if self._quick is not None:
            self._quick.begin(config, self.make_config(config))

    # Before search's own on_config, which reads its `separator` once (see configure_search).
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        configure_search(config)
        if CSS_PATH not in config.extra_css:
            config.extra_css.append(CSS_PATH)
        if JS_PATH not in config.extra_javascript:
            config.extra_javascript.append(JS_PATH)
        return config

    def _add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        project = self.project if self.project is not None else self.load_or_fail(config)
        self.project = None  # a later rebuild (serve) must read the files again
        # Before portal adds its own pages: the hand-written quickstarts, and whether the
        # user wrote a home page (then portal makes none).
        made_from = (quickstarts(files), files.get_file_from_path(HOME_PAGE) is None)
        self.site = site = self.generate(project, *made_from)
        self._build = (files, None, None, made_from)
        self.twins = Twins(config, project.config, full_urls=not self._serving) if project.config.twins else None
        try:
            self.pages = add_generated_files(files, config, site, project.config.content_dir)
            if self.twins is not None:
                for path in PUBLISHED:
                    if files.get_file_from_path(path) is not None:
                        hint = f"rename or remove {project.config.content_dir}/{path}, or set `llms_txt: false`"
                        raise PortalError(f"{path} is written twice: by hand and generated", None, hint)
        except PortalError as exc:
            raise PortalPluginError(exc) from None
        return files

    @event_priority(-1000)  # last: the files MkDocs will write
    def _start_folders(self, files: Files, config: MkDocsConfig) -> Files:
        self.stop_folders()
        if not accel.enabled("site_folders"):
            return files
        from ...accel.site_folders import Folders, recycle

        if self.request.spare is not None:  # after MkDocs emptied the site: it would delete them
            destinations = [file.dest_uri for file in files if file.inclusion.is_included()]
            self._recycled = recycle(self.request.spare, Path(config.site_dir), destinations)
        if self._sharing_allowed:  # not under `serve` or --dirty: their folders exist
            # The generated pages' folders alone: MkDocs writes each, and they are most.
            pages = files.documentation_pages()
            folders = {
                os.path.dirname(f.abs_dest_path) for f in pages if f.src_uri in self.pages and f.inclusion.is_included()
            }
            self._folders = Folders.start(folders, config.site_dir)
        return files

    on_files = CombinedEvent(_add_pages, _start_folders)

    def drop_unused_folders(self, site: Path) -> None:
        """Once the site is written: remove the folders taken from the spare that it
        left empty, so it holds what a build into a new folder would."""
        recycled, self._recycled = self._recycled, []
        if recycled:
            from ...accel.site_folders import drop_unused

            drop_unused(site, recycled)

    def stop_folders(self, *, wait: bool = False) -> None:
        """Stop making the site's folders; ``wait``: until every one is made."""
        folders, self._folders = self._folders, None
        if folders is not None:
            folders.finish() if wait else folders.stop()

    def _add_reference(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        return nav if self.site is None else portal_navigation(nav, self.site, self.pages, files, config)

    @event_priority(-1000)  # last: the navigation MkDocs will render the pages with
    def _remember_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if self._build is not None:
            self._build = (self._build[0], nav, None, self._build[3])
        return nav

    on_nav = CombinedEvent(_add_reference, _remember_nav)

    # Last: the Markdown other plugins (macros, includes) made of the page.
    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.twins is None or isinstance(page, GeneratedPage):
            return markdown
        self.twins.read(page, markdown)
        # The "Copy page" button, as the generated pages have it (raw HTML: a block of its
        # own), after the page's first heading: MkDocs titles a page by a first <h1>.
        actions = actions_html(page.file.src_uri, config.use_directory_urls)
        heading = _FIRST_H1.match(markdown)
        if heading is None:
            return f"{actions}\n{markdown}"
        return f"{markdown[: heading.end()]}\n{actions}\n{markdown[heading.end() :]}"

    def publish_twins(self, config: MkDocsConfig, only: Any = None) -> None:
        """Write the pages' Markdown twins, ``llms.txt`` and ``llms-full.txt`` into the
        site (``only``: the twins of those source paths alone, and the two indexes)."""
        if self.twins is None or self.site is None or self._build is None or self.previous is None:
            return
        files, nav, _env, _made_from = self._build
        self.twins.write(Path(config.site_dir), self.site, self.previous, files, nav, only)

    # Search parses every page's HTML, and highlighted examples are the most tag-dense
    # part of a reference page while being the least useful to search. Search sees the
    # page without them; readers see all.
    @event_priority(100)
    def _hide_examples_from_search(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if self.fast is not None and self.fast.before_search(page):
            page.content = ""  # from the cache: nothing for search or MkDocs to read
        elif isinstance(page, GeneratedPage) and page.content:
            page.content = search_text(page.content)
        return context

    @event_priority(-100)
    def _restore_examples(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if isinstance(page, GeneratedPage):
            page.content = None  # the full page again, read when the template asks for it
        if self.fast is not None:
            self.fast.after_search(page, context, nav)
        return context

    on_page_context = CombinedEvent(_hide_examples_from_search, _restore_examples)

    @event_priority(-100)  # last: the process that shares the pages copies the final environment
    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self.twins is not None and self.site is not None:
            before = self.request.previous_site
            noted = self.cache.site_files(before) if before is not None and self.cache is not None else None
            self.twins.write_generated(Path(config.site_dir), self.site, (before, noted) if before and noted else None)
        self._written, self._total = 0, len(files.documentation_pages())
        self.rendered = self.reused = 0
        self.fast = None
        if self._build is not None:
            self._build = (files, self._build[1], env, self._build[3])
        if self.cache is not None and self.cache.directory is not None:
            # Compiling Material's templates takes a second per build; Jinja's cache is
            # keyed by each template's source, so an edited template compiles again.
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(self.cache.jinja_directory()))
        if accel.switched_on():
            from ...accel.fast_build import FastBuild

            nav = self._build[1] if self._build is not None else None
            self.fast = FastBuild.start(
                env, config, files, nav, self.pages, self.cache, self.request.previous_site, self._sharing_allowed
            )
        return env

    @event_priority(100)  # first: other plugins see the page as MkDocs would have rendered it
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        generated = isinstance(page, GeneratedPage)
        reused = False
        if self.fast is not None:
            output = self.fast.render(page, output)
        # Counted from what the template really produced: a page from the cache that
        # MkDocs rendered anyway (and threw away) counts as rendered.
        self.rendered += generated and bool(output.strip())
        if self.fast is not None:
            output, reused = self.fast.output(page, output)
        self.reused += reused
        if generated:
            page.content = None  # written: let its HTML go
        if self.request.progress is not None:
            self._written += 1
            self.request.progress("Writing pages", self._written, self._total)
        return output

    def published_files(self, staging: Path) -> dict[str, list[Any]]:
        """What this build wrote into ``staging``, as the site will hold it once moved
        into place, for the next build to link its unchanged pages from."""
        found = self.fast.published(staging) if self.fast is not None else {}
        if self.twins is not None:  # the twins too, linked the same way by the next build
            found = {**found, **self.twins.published}
        return found

    def remember_published(self, site: Path, files: Mapping[str, list[Any]]) -> None:
        """After ``portal build`` moved its site to ``site``: note what it holds there."""
        if self.cache is not None:  # also when empty: what the last build published is gone
            self.cache.keep_site_files(site, files)

    @event_priority(100)  # first: other plugins' post_build may read the pages
    def on_post_build(self, config: MkDocsConfig) -> None:
        try:
            self._finish_build(config)
        finally:
            self._restore_collection()

    def _finish_build(self, config: MkDocsConfig) -> None:
        # Nothing is published before every page is written and the spec is known to be
        # valid: `portal build` discards its staging folder when this raises.
        self.stop_folders(wait=True)  # before the site is moved: none is made after
        if self.fast is not None:
            self.rendered += self.fast.finish(self.cache, self._raise_spec_problems)
        self._raise_spec_problems()
        self.publish_twins(config)
        if self.cache is not None:
            self.cache.prune()  # keep what this build used, nothing older
        if self._quick is not None and self.site is not None and self._build is not None:
            files, nav, env, made_from = self._build
            if nav is not None and env is not None:
                self._quick.remember(config, files, nav, env, self.site, made_from)

    def _raise_spec_problems(self) -> None:
        """Raise what stops the build; log the rest, once a build, as MkDocs' warnings
        (which ``--strict`` counts)."""
        if self.validating is None:
            return
        project, self.validating = self.validating, None
        try:
            project.validation.raise_problems()
            warnings = build_warnings(project) if self.request.warn else []
        except PortalError as exc:
            raise PortalPluginError(exc) from None
        shown: Counter[str | None] = Counter()
        for warning in warnings:
            shown[warning.rule] += 1
            if shown[warning.rule] <= _WARNINGS_SHOWN:
                log.warning(warning.format())
        for rule, count in shown.items():
            if count > _WARNINGS_SHOWN:
                more = count - _WARNINGS_SHOWN
                log.warning(f"... and {more:,} more {rule} warnings: `portal check` lists them all")

    def _restore_collection(self) -> None:
        collection, self._collection = self._collection, None
        if collection is not None:
            gc.set_threshold(*collection)

    def on_build_error(self, error: Exception) -> None:
        self._restore_collection()
        if self._quick is not None:
            self._quick.forget()
        self.stop_folders()
        fast, self.fast = self.fast, None
        if fast is not None:
            fast.stop()
        if isinstance(error, PortalPluginError):
            self.error = error.error

    # Last: a quick rebuild puts its own builder in the server's, and a plugin's on_serve
    # may still pass MkDocs' builder to server.watch(), which accepts no other.
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
        if self._quick is not None:
            self._quick.install(server)
        return server
