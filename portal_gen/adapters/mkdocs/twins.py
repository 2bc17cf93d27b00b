"""Publishing the Markdown twins, ``llms.txt`` and ``llms-full.txt`` of a MkDocs build.

The engine rendered the generated pages' twins with the pages (and keeps them in the
page cache); the author's own pages are MkDocs', so their twins are made here, from
the Markdown MkDocs read (front matter stripped, other plugins' changes applied) with
``pymdownx.snippets`` includes resolved as that extension would. Everything is written
into the site folder after MkDocs wrote the pages (``on_post_build``): for ``portal
build``, the staging folder, published atomically with the rest.
"""

from __future__ import annotations

import functools
import html
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ...config import PortalConfig
from ...engine.build import Site, site_changelog
from ...engine.cache import file_facts
from ...engine.project import Project, model_headings
from ...render.llms import (
    LLMS_FULL_TXT,
    LLMS_TXT,
    AuthoredPage,
    SiteMap,
    llms_full_head,
    llms_full_part,
    render_llms_txt,
)
from ...render.page import RenderedPage
from ...render.twin import authored_twin, twin_facts, twin_links, twin_path

log = logging.getLogger("mkdocs.plugins.portal")

PUBLISHED = (LLMS_TXT, LLMS_FULL_TXT)  # besides the twins: a hand-written one is an error


class Twins:
    """The twins of one build: the author's pages' Markdown, gathered as MkDocs reads
    them, and everything written once the site is."""

    def __init__(self, config: MkDocsConfig, portal: PortalConfig, full_urls: bool = True) -> None:
        self.portal = portal
        self.summary = config.site_description or ""
        self.links = twin_links(portal)
        # llms.txt's and llms-full.txt's own links: the whole site_url (not under `serve`,
        # whose site_url is the preview's address, sometimes, depending on who read it).
        self.full_links = twin_links(portal, full=full_urls)
        self._authored: dict[str, tuple[Page, str]] = {}  # source path -> (page, Markdown)
        self._includes = _include_reader(config)
        self.published: dict[str, list[Any]] = {}  # each twin file written: its page's key and file facts
        self.written = 0  # twin files written (not linked) by this build

    def read(self, page: Page, markdown: str) -> None:
        """Keep an author's page's Markdown (``on_page_markdown``)."""
        self._authored[page.file.src_uri] = (page, self._includes(markdown))

    def write_generated(
        self, site_dir: Path, site: Site, previous: tuple[Path, Mapping[str, list[Any]]] | None = None
    ) -> None:
        """Write the generated pages' twins into ``site_dir``, or link the unchanged ones
        from ``previous``: the site this build replaces and what the last build noted of
        the twins it published there (:attr:`published`).

        Called before MkDocs writes the pages: small files are created fast on an idle
        disk, and slowly behind the writing back of a big site's few hundred megabytes.
        (Not in a thread while MkDocs writes: measured on GitHub's spec, the thread's
        share of the interpreter cost the build more than the disk's waits it hid.)"""
        publisher = _Publisher(site_dir, site.keys, previous)
        for page in site.pages:
            if page.twin is not None:
                publisher.publish(page.path, twin_path(page.path, self.portal.directory_urls), _reader(page))
        self.published = publisher.noted
        self.written = publisher.written

    def write(
        self,
        site_dir: Path,
        site: Site,
        project: Project,
        files: Files,
        nav: Navigation | None,
        only: Any = None,
    ) -> None:
        """Write the author's pages' twins, ``llms.txt`` and ``llms-full.txt`` into
        ``site_dir`` (the generated pages' twins are there already: :meth:`write_generated`);
        with ``only`` (source paths), the generated pages' twins of those pages again
        (a quick rebuild under ``serve``)."""
        api = project.api
        facts = {path: twin_facts(api.title, api.version, self.links.html(path)) for path in self._authored}
        twins = self._twins(site, files, facts)
        generated = {page.path for page in site.pages}
        options = self.portal.llms_txt if isinstance(self.portal.llms_txt, dict) else {}
        full = options.get("full") is not False
        publisher = _Publisher(site_dir, {}, None)
        # One pass, in navigation order: each twin is read once (from the page cache,
        # mostly), written to its file if it is not there yet, and to llms-full.txt.
        with open(site_dir / LLMS_FULL_TXT, "w", encoding="utf-8", newline="\n") if full else nullcontext() as out:
            if out is not None:
                out.write(llms_full_head(self.portal.site_name or api.title))
            for path in _navigation_order(nav, site, twins):
                markdown = twins[path]()
                if path not in generated or (only is not None and path in only):
                    destination = twin_path(path, self.portal.directory_urls)
                    publisher.publish(path, destination, functools.partial(str, markdown))
                if out is not None:
                    out.write(llms_full_part(self.full_links.page(path), markdown))
        self.written += publisher.written
        published = frozenset(path for path, _ in site.extra_files)
        authored = [
            AuthoredPage(path, _title(page), str(page.meta.get("description") or ""))
            for path, (page, _) in self._in_order(nav)
        ]
        known = {page.path for page in authored}
        for title, paths in (options.get("sections") or {}).items():
            for path in paths:
                if path not in known:
                    log.warning(f"llms_txt: section '{title}' lists {path}, which is not a Markdown page of the docs")
        site_map = SiteMap(
            api,
            site.plan,
            self.portal.site_name,
            self.full_links,
            project.guides,
            project.case_studies,
            project.pricing,
            authored,
            published | ({LLMS_FULL_TXT} if full else set()),
            self.summary,
            options,
            {name: str(title or description or "") for name, title, description in model_headings(project.source.data)},
            site_changelog(project),
        )
        (site_dir / LLMS_TXT).write_text(render_llms_txt(site_map), encoding="utf-8", newline="\n")

    def _twins(self, site: Site, files: Files, facts: dict[str, str]) -> dict[str, Any]:
        """Every page's twin, by source path, as a function that makes it."""
        found: dict[str, Any] = {}
        for generated in site.pages:
            if generated.twin is not None:
                found[generated.path] = _reader(generated)
        for path, (page, markdown) in self._authored.items():

            def make(page: Page = page, markdown: str = markdown, path: str = path) -> str:
                return authored_twin(markdown, path, _title(page), self.links, _exists(files), facts[path])

            found[path] = make
        return found

    def _in_order(self, nav: Navigation | None) -> Iterator[tuple[str, tuple[Page, str]]]:
        """The author's pages: in the navigation's order, then those it leaves out."""
        listed = [p.file.src_uri for p in nav.pages] if nav is not None else []
        seen: set[str] = set()
        for path in [*listed, *sorted(self._authored)]:
            if path in self._authored and path not in seen:
                seen.add(path)
                yield path, self._authored[path]

    def forget(self) -> None:
        self._authored.clear()


class _Publisher:
    """Writes twins into the site, or links the unchanged ones from the site the build
    replaces: on a big API, creating two thousand small files with their bytes takes
    a second or more, linking them a few hundredths. A twin is linked when its page's
    cache key is the one the last build wrote it under and the file there is untouched
    since (:func:`~portal_gen.engine.cache.file_facts`: size, time, inode, mode, owner)."""

    def __init__(
        self, site_dir: Path, keys: Mapping[str, str], previous: tuple[Path, Mapping[str, list[Any]]] | None
    ) -> None:
        self.site_dir = site_dir
        self.keys = keys
        self.previous = previous
        self.noted: dict[str, list[Any]] = {}
        self.written = 0
        self._folders: set[Path] = set()

    def publish(self, path: str, destination: str, markdown: Callable[[], str]) -> None:
        """Publish the twin of the page at ``path`` at ``destination`` (``markdown``
        reads its text, when it is written rather than linked)."""
        target = self.site_dir / destination
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        key = self.keys.get(path)
        if not (key is not None and self._link(destination, key, target)):
            target.write_text(markdown(), encoding="utf-8", newline="\n")
            self.written += 1
        if key is not None:
            with suppress(OSError):
                self.noted[destination] = [key, *file_facts(target.stat())]

    def _link(self, destination: str, key: str, target: Path) -> bool:
        if self.previous is None:
            return False
        site, noted = self.previous
        record = noted.get(destination)
        if not record or record[0] != key:
            return False
        source = site / destination
        try:
            if file_facts(source.stat()) != record[1:]:
                return False  # changed since it was written: written again
            os.link(source, target)
        except OSError:
            return False
        return True


def _reader(page: RenderedPage) -> Any:
    def read() -> str:
        return page.markdown or ""

    return read


def _title(page: Page) -> str:
    return html.unescape(str(page.title or page.file.name))


def _exists(files: Files) -> Any:
    def exists(path: str) -> bool:
        return files.get_file_from_path(path) is not None

    return exists


def _navigation_order(nav: Navigation | None, site: Site, twins: dict[str, Any]) -> list[str]:
    """Every twin's source path in navigation order; pages the navigation leaves out
    (an operation of a tag too big for the sidebar) follow the reference page before
    them in the plan, and the rest come last."""
    order: list[str] = []
    seen: set[str] = set()
    plan_order = [p.path for p in site.plan.pages]
    following: dict[str, list[str]] = {}
    listed = {p.file.src_uri for p in nav.pages} if nav is not None else set()
    anchor = None
    for path in plan_order:
        if path in listed:
            anchor = path
        elif anchor is not None:
            following.setdefault(anchor, []).append(path)
    for page in nav.pages if nav is not None else []:
        path = page.file.src_uri
        for found in (path, *following.get(path, ())):
            if found in twins and found not in seen:
                seen.add(found)
                order.append(found)
    order += [path for path in twins if path not in seen]
    return order


def _include_reader(config: MkDocsConfig) -> Any:
    """A function resolving ``pymdownx.snippets`` includes (``--8<--``) in Markdown, as
    the site's own configuration of that extension does; the identity without it."""
    if "pymdownx.snippets" not in config.markdown_extensions:
        return lambda markdown: markdown
    import markdown as python_markdown

    options = dict(config.mdx_configs.get("pymdownx.snippets", {}))
    try:
        reader = python_markdown.Markdown(
            extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options}
        )
        preprocessor = reader.preprocessors["snippet"]
    except Exception as exc:  # an extension version that works otherwise: keep the lines
        log.debug(f"pymdownx.snippets includes are not resolved in Markdown twins: {exc}")
        return lambda markdown: markdown

    def resolve(markdown: str) -> str:
        try:
            return "\n".join(preprocessor.run(markdown.split("\n")))
        except Exception:  # a missing file: MkDocs reports it when it renders the page
            return markdown

    return resolve
