"""The speed-ups of one MkDocs build, started by the plugin's ``on_env``.

:class:`FastBuild` holds what each speed-up needs across a build's page events: the
finished pages reused from the cache (``page_outputs``), the pages a second process
writes (``page_share``), Material's sidebar memo (``material_nav``) and its search
parser (``material_search``). The plugin calls it only where :func:`portal_gen.accel.enabled`
allowed one; with every speed-up off it is never imported, and MkDocs writes every page
itself.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..adapters.mkdocs.handlers import events_allow_sharing, material_search, quick_rebuilds_allowed
from ..adapters.mkdocs.pages import GeneratedPage
from ..engine.cache import PageCache
from ..engine.parallel import can_share
from . import enabled

_BUILD_LOG = "mkdocs.commands.build"


@dataclass
class FastBuild:
    """What the speed-ups keep between one build's page events."""

    outputs: Any = None  # page_outputs.Outputs
    share: Any = None  # page_share.PageShare
    quiet: logging.Filter | None = None
    linking: bool = False  # unchanged pages are linked from the site this build replaces

    @classmethod
    def start(
        cls,
        env: jinja2.Environment,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation | None,
        generated: set[str],
        cache: PageCache | None,
        previous_site: Path | None,
        sharing_allowed: bool,
    ) -> FastBuild:
        """Install what applies to this build into ``env`` and Material's search."""
        fast = cls()
        search = material_search(config)
        if search is not None and enabled("material_search"):
            from .material_search import faster_index

            search.search_index = faster_index(search.search_index)
        if nav is None or not events_allow_sharing(config):
            return fast
        pages = [
            file.page
            for file in files.documentation_pages()
            if file.src_uri in generated and isinstance(file.page, GeneratedPage)
        ]
        if enabled("material_nav"):
            from .material_nav import remember_nav_items

            remember_nav_items(env)
        outputs_on = cache is not None and enabled("page_outputs")
        share_on = sharing_allowed and can_share() and enabled("page_share")
        if not (outputs_on or share_on):
            return fast
        from .page_share import PLACEHOLDER, PageShare, QuietSkips

        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({PLACEHOLDER: ""}), env.loader])  # type: ignore[list-item]
        if outputs_on and cache is not None:
            from .page_outputs import Outputs

            # Links only when nothing after portal changes a page's file: no other plugin
            # or hook writes pages, or rewrites them after the build.
            fast.linking = previous_site is not None and quick_rebuilds_allowed(config)
            previous = previous_site if fast.linking else None
            published: Mapping[str, list[Any]] = cache.site_files(previous) if previous is not None else {}
            fast.outputs = Outputs.start(cache, pages, config, nav, (previous, published))
            pages = [page for page in pages if not fast.outputs.cached(page)]
        if share_on and pages:
            keep = fast.outputs.keep if fast.outputs is not None else None
            fast.share = PageShare.start(pages, config, files.documentation_pages(), nav, env, keep)
        # MkDocs notes every page it is given nothing to write for: the pages written
        # by the other process or copied from the cache.
        quiet = set(fast.outputs.reused) if fast.outputs is not None else set()
        if fast.share is not None:
            quiet.update(page.file.src_uri for page in pages)
        fast.quiet = QuietSkips(frozenset(quiet))
        logging.getLogger(_BUILD_LOG).addFilter(fast.quiet)
        return fast

    def before_search(self, page: Page) -> bool:
        """In ``page_context``, before search: ``True`` when the page's output comes from
        the cache (search then reads nothing of it)."""
        if self.outputs is None:
            return False
        self.outputs.before_search(page)
        return bool(self.outputs.cached(page))

    def after_search(self, page: Page, context: Any, nav: Navigation) -> None:
        """In ``page_context``, after every other handler."""
        if self.outputs is not None:
            self.outputs.after_search(page)
        if self.share is not None:
            self.share.claim(page, context, nav)

    def render(self, page: Page, output: str) -> str:
        """In ``post_page``, first: the real page for one this process claimed."""
        return self.share.render_claimed(page, output) if self.share is not None else output

    def output(self, page: Page, output: str) -> tuple[str, bool]:
        """In ``post_page``: what MkDocs writes, and whether it came from the cache."""
        if self.outputs is None:
            return output, False
        reused = bool(self.outputs.cached(page))
        return self.outputs.output(page, output), reused

    def unquiet(self) -> None:
        if self.quiet is not None:
            logging.getLogger(_BUILD_LOG).removeFilter(self.quiet)
            self.quiet = None

    def finish(self, cache: PageCache | None, on_failure: Any) -> int:
        """After the last page: save search's entries, wait for the other process;
        return how many pages it (and this process, after MkDocs) wrote."""
        share, self.share = self.share, None
        self.unquiet()
        try:
            if cache is not None and self.outputs is not None:
                # Saved now, while the other process writes its last pages: every page's
                # entries are in (MkDocs ran each page's events).
                cache.save_search()
        except BaseException:
            if share is not None:
                share.stop()  # nothing is published: the other process must not write on
            raise
        if share is None:
            return 0
        try:
            return int(share.finish())
        except Exception:
            on_failure()  # an invalid spec explains a failed page better
            raise

    def stop(self) -> None:
        """The build failed: the other process writes nothing more."""
        self.unquiet()
        share, self.share = self.share, None
        if share is not None:
            share.stop()

    def published(self, staging: Path) -> dict[str, list[Any]]:
        """What this build wrote into ``staging`` for the next one to link (empty when
        this build could not link)."""
        if self.outputs is None or not self.linking:
            return {}
        return dict(self.outputs.published(staging))
