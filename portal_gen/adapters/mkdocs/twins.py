"""Publishing the Markdown twins, ``llms.txt`` and ``llms-full.txt`` of a MkDocs build.

The engine rendered the generated pages' twins with the pages (and keeps them in the
page cache); the author's own pages are MkDocs', so their twins are made here, from
the Markdown MkDocs read (front matter stripped, other plugins' changes applied) with
``pymdownx.snippets`` includes resolved as that extension would. Everything is written
into the site folder after MkDocs wrote the pages (``on_post_build``): for ``portal
build``, the staging folder, published atomically with the rest.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ...config import PortalConfig
from ...engine.build import Site
from ...engine.project import Project
from ...render.llms import LLMS_FULL_TXT, LLMS_TXT, AuthoredPage, SiteMap, render_llms_full, render_llms_txt
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

    def read(self, page: Page, markdown: str) -> None:
        """Keep an author's page's Markdown (``on_page_markdown``)."""
        self._authored[page.file.src_uri] = (page, self._includes(markdown))

    def write(
        self, site_dir: Path, site: Site, project: Project, files: Files, nav: Navigation | None, only: Any = None
    ) -> int:
        """Write every twin, ``llms.txt`` and ``llms-full.txt`` into ``site_dir``; with
        ``only`` (source paths), the twins of those pages alone, and the two indexes.
        Returns how many twins were written."""
        api = project.api
        facts = {path: twin_facts(api.title, api.version, self.links.html(path)) for path in self._authored}
        written = 0
        twins = self._twins(site, files, facts)
        for path, markdown in twins.items():
            if only is not None and path not in only:
                continue
            target = site_dir / twin_path(path, self.portal.directory_urls)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(markdown(), encoding="utf-8", newline="\n")
            written += 1
        options = self.portal.llms_txt if isinstance(self.portal.llms_txt, dict) else {}
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
            published | ({LLMS_FULL_TXT} if options.get("full") is not False else set()),
            self.summary,
            options,
        )
        (site_dir / LLMS_TXT).write_text(render_llms_txt(site_map), encoding="utf-8", newline="\n")
        if options.get("full") is not False:
            order = _navigation_order(nav, site, twins)
            pages = ((self.full_links.page(path), twins[path]()) for path in order)
            with open(site_dir / LLMS_FULL_TXT, "w", encoding="utf-8", newline="\n") as out:
                for part in render_llms_full(self.portal.site_name or api.title, pages):
                    out.write(part)
        return written

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
