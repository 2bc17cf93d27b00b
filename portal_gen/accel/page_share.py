"""Generated pages written on a second core (``page_share``).

Reaches into MkDocs: it renders pages with MkDocs' ``get_context`` and sets
``config._current_page`` as MkDocs' private ``_build_page`` does, and hands MkDocs a
placeholder template (through ``page.meta``) for the pages the other process writes.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Callable, Sequence
from typing import Any

import jinja2
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

from ..adapters.mkdocs.pages import GeneratedPage
from ..engine.parallel import JobFailed, JobShare

log = logging.getLogger("mkdocs.plugins.portal")

PAGE_TEMPLATE = "main.html"  # generated pages have no front matter to choose another

PLACEHOLDER = "portal-written-elsewhere.html"  # renders nothing; MkDocs then writes nothing

_PAGE_WEIGHT = 1000  # search's work on a page, besides parsing its text, in characters of text


class PageShare:
    """Writes generated pages on a second core: a forked process renders Material's page
    template for the pages at the back of the list while MkDocs works from the front.

    MkDocs still runs every page through its usual events in this process, in order
    (search indexes each page here); a page the other process took gets a template
    that renders nothing, so MkDocs skips writing it. A page this process claims is
    rendered with the real template in ``on_post_page``, from the context every
    ``page_context`` handler had its say on, as MkDocs itself would have.
    """

    def __init__(
        self, pages: Sequence[GeneratedPage], jobs: JobShare, env: jinja2.Environment, nav: Navigation
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
        pages: Sequence[GeneratedPage],
        config: MkDocsConfig,
        doc_files: Sequence[File],
        nav: Navigation,
        env: jinja2.Environment,
        keep: Callable[[Page, str], None] | None = None,
    ) -> PageShare:
        """Fork the writer; ``env`` must know the placeholder template. ``keep`` is told
        every page the other process writes (the output cache)."""
        for page in pages:
            page.meta = PlaceholderMeta()
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
        output = self._env.get_template(PAGE_TEMPLATE).render(context)
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


class PlaceholderMeta(dict[str, Any]):
    """An empty ``page.meta`` that names the placeholder template when MkDocs asks for one.

    Setting ``meta["template"]`` would do for MkDocs, but Material then looks up icons,
    subtitles and statuses in the meta of every page it lists in the navigation.
    """

    def get(self, key: str, default: Any = None) -> Any:
        return PLACEHOLDER if key == "template" else super().get(key, default)


class QuietSkips(logging.Filter):
    """Drops MkDocs' "Page skipped" notes for the pages another process writes."""

    def __init__(self, src_uris: frozenset[str]) -> None:
        super().__init__()
        self._skipped = frozenset(f"Page skipped: '{uri}'. Generated empty output." for uri in src_uris)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self._skipped


def _write_page(
    pages: Sequence[GeneratedPage],
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
        output = env.get_template(PAGE_TEMPLATE).render(get_context(nav, doc_files, config, page))
        if keep is not None:
            keep(page, output)
        if output.strip():
            write_file(output.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path)
    finally:
        page.content = None
        page.active = False
        config._current_page = None
