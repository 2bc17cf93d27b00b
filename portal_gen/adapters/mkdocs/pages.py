"""Generated pages and the navigation that lists them, as MkDocs objects.

The engine hands over finished HTML (:class:`~portal_gen.render.page.RenderedPage`);
these are the MkDocs pages and sections that carry it, and the navigation with the
reference, the guides and the top pages placed in it. Public MkDocs API only: a page
subclass that reads no Markdown, sections and a navigation built as MkDocs builds them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ...engine.build import (
    CASE_STUDY_SCHEMA_PATH,
    CHANGELOG_SCHEMA_PATH,
    CSS_PATH,
    GUIDE_SCHEMA_PATH,
    JS_PATH,
    PRICING_SCHEMA_PATH,
    Site,
    read_asset,
    read_css,
    schema_text,
)
from ...errors import PortalError
from ...plan.paths import CASE_STUDY_SOURCES, HOME_PAGE
from ...plan.reference import NavSection, PlannedPage
from ...render.html import TocEntry
from ...render.page import RenderedPage
from .search import search_boost


class GeneratedPage(Page):
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
    _last: tuple[GeneratedPage, str] | None = None  # the HTML last read, and whose

    def __init__(self, generated: RenderedPage, file: File, config: MkDocsConfig) -> None:
        self._generated = generated
        self._meta: MutableMapping[str, Any] = {}
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
        last = GeneratedPage._last
        if last is not None and last[0] is self:
            self._lent = last[1]
        else:
            self._lent = self._generated.html
            GeneratedPage._last = (self, self._lent)
        return self._lent

    @content.setter
    def content(self, value: str | None) -> None:
        # MkDocs sets back what page_content handlers return: the very HTML it read, when
        # none changed it. That stays on disk; only a changed content is held.
        self._content = None if value is self._lent else value
        self._lent = None
        self._unread = False

    # An operation's page weighs more in search (Material's documented ``search.boost``
    # front matter, see search.search_boost): whatever meta the page is given (the
    # speed-ups give a placeholder's), it holds the page's search options.
    @property
    def meta(self) -> MutableMapping[str, Any]:
        return self._meta

    @meta.setter
    def meta(self, value: MutableMapping[str, Any]) -> None:
        if self._generated.kind == "operation":
            value["search"] = _SearchOptions(self)
        self._meta = value

    def search_boost(self) -> float | None:
        """The page's search boost, from what search reads of it (its content then)."""
        return search_boost(self.content or "")

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
        if GeneratedPage._last is not None and GeneratedPage._last[0] is self:
            GeneratedPage._last = None

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown, self.meta = "", {}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = None
        self.toc = get_toc(toc_tokens(self._generated.toc))  # type: ignore[arg-type]
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


class _SearchOptions(Mapping[str, float]):
    """An operation page's ``search`` front matter: ``boost``, worked out from what
    search reads of the page when search first asks for it (none when it is no
    operation's page after all)."""

    def __init__(self, page: GeneratedPage) -> None:
        self._page = page
        self._boost: float | None = None

    def _options(self) -> dict[str, float]:
        if self._boost is None:
            self._boost = self._page.search_boost() or 1.0
        return {"boost": self._boost}

    def __getitem__(self, key: str) -> float:
        return self._options()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._options())

    def __len__(self) -> int:
        return 1


class PortalSection(Section):
    """A navigation section that answers what Material asks of every section (see GeneratedPage)."""

    is_index = False
    typeset = None
    pages = None
    meta = None


def portal_navigation(nav: Navigation, site: Site, pages: set[str], files: Files, config: MkDocsConfig) -> Navigation:
    """``nav`` with the reference, the guides, the top pages (pricing...) and the home
    page placed in it, unless the user's own nav already placed them."""
    for generated in site.pages:
        file = files.get_file_from_path(generated.path)
        assert file is not None, generated.path
        GeneratedPage(generated, file, config)
    section = build_section(site.nav, files, config)
    landing = site.plan.pages[0].path
    items = list(nav.items)
    for index, item in enumerate(items):
        if isinstance(item, Page) and item.file.src_uri == landing:
            items[index] = section
            break
    else:
        items.append(section)
    listed = {page.file.src_uri for page in nav.pages}
    for guides in site.guide_nav:
        found = [page_for(p, files, config) for p in guides.children if isinstance(p, PlannedPage)]
        children: list[Any] = [c for c in found if c.file.src_uri not in listed]  # the user's nav placed them
        if not children:
            continue
        existing = next((i for i in items if isinstance(i, Section) and i.title.lower() == guides.title.lower()), None)
        if existing is not None:  # e.g. MkDocs' section for Markdown pages in quickstarts/
            existing.children.extend(children)
        else:
            items.insert(items.index(section), PortalSection(guides.title, children))
    for planned in site.top_pages:  # Pricing, before the reference
        if planned.path not in listed:
            items.insert(items.index(section), page_for(planned, files, config))
    if HOME_PAGE in pages and HOME_PAGE not in listed:
        items.insert(0, page_for(PlannedPage("home", HOME_PAGE, "Home"), files, config))
    return navigation(items)


def yaml_string(text: str) -> str:
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(text, ensure_ascii=False)


def quickstarts(files: Files) -> tuple[tuple[str, str], ...]:
    """Hand-written Markdown quickstarts (``quickstarts/*.md``), titled by their first heading."""
    found = []
    for file in files.documentation_pages():
        if not file.src_uri.startswith("quickstarts/") or not file.abs_src_path:
            continue
        match = re.search(r"^#\s+(.+)$", Path(file.abs_src_path).read_text(encoding="utf-8"), re.M)
        found.append((match.group(1).strip() if match else Path(file.src_uri).stem, file.src_uri))
    return tuple(sorted(found, key=lambda item: item[1]))


def build_section(section: NavSection, files: Files, config: MkDocsConfig) -> Section:
    children: list[Any] = []
    for child in section.children:
        if isinstance(child, NavSection):
            children.append(build_section(child, files, config))
        else:
            children.append(page_for(child, files, config))
    return PortalSection(section.title, children)


def page_for(planned: PlannedPage, files: Files, config: MkDocsConfig) -> Page:
    file = files.get_file_from_path(planned.path)
    assert file is not None, planned.path
    page = file.page if isinstance(file.page, Page) else Page(None, file, config)
    return page


def navigation(items: list[Any]) -> Navigation:
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


def toc_tokens(entries: tuple[TocEntry, ...]) -> list[dict[str, Any]]:
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


def add_generated_files(files: Files, config: MkDocsConfig, site: Site, content_dir: str) -> set[str]:
    """Add the site's pages and extra files to ``files`` as virtual files, and take the
    structured content out; return the generated pages' source paths."""
    generated: set[str] = set()
    for page in site.pages:
        if files.get_file_from_path(page.path) is not None:
            hint = f"rename or remove {content_dir}/{page.path}"
            what = f"{page.path} is written twice: by hand and generated from a guide or the spec"
            raise PortalError(what, None, hint)
        content = f"---\ntitle: {yaml_string(page.title)}\n---\n"
        files.append(File.generated(config, page.path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        generated.add(page.path)
    files.append(File.generated(config, CSS_PATH, content=read_css()))
    files.append(File.generated(config, JS_PATH, content=read_asset("portal.js")))
    for path, name in (
        (GUIDE_SCHEMA_PATH, "guide"),
        (PRICING_SCHEMA_PATH, "pricing"),
        (CASE_STUDY_SCHEMA_PATH, "case-study"),
        (CHANGELOG_SCHEMA_PATH, "changelog"),
    ):
        files.append(File.generated(config, path, content=schema_text(name)))
    for path, extra in site.extra_files:
        # openapi.json, pricing.json...: a hand-written file at the same place would be
        # replaced without a word.
        if files.get_file_from_path(path) is not None and not path.startswith(f"{CASE_STUDY_SOURCES}/"):
            hint = f"rename or remove {content_dir}/{path}: portal publishes it"
            raise PortalError(f"{path} is written twice: by hand and generated", None, hint)
        files.append(File.generated(config, path, content=extra))
    # Structured content (guides, pricing... as YAML) is input, not output; so is
    # everything beside the case studies: their logos are published sanitized, under
    # the pages' folder, and an SVG copied as it is could run script.
    for file in list(files):
        if file.abs_src_path and (
            file.src_uri.endswith((".yaml", ".yml")) or file.src_uri.startswith(f"{CASE_STUDY_SOURCES}/")
        ):
            files.remove(file)
    return generated
