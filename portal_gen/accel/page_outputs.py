"""Finished generated pages kept in the page cache and reused (``page_outputs``).

Reaches into Material: its search plugin's index entries are read and extended, and
MkDocs is handed a placeholder template for the pages copied from the cache.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..adapters.mkdocs.handlers import material_search
from ..adapters.mkdocs.pages import GeneratedPage
from ..engine.cache import PageCache, file_facts
from ..engine.keys import code_digest, digest, folder_digest
from .page_share import PlaceholderMeta


class Outputs:
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
        pages: Sequence[GeneratedPage],
        config: MkDocsConfig,
        nav: Navigation,
        previous: tuple[Path | None, Mapping[str, list[Any]]] = (None, {}),
    ) -> Outputs:
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
                page.meta = CachedMeta()
        destinations = {page.file.src_uri: page.file.dest_uri for page in pages}
        return cls(cache, keys, hits, material_search(config), previous, destinations)

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
        build (:func:`quick_rebuilds_allowed`), so a file is what portal wrote.
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


class CachedMeta(PlaceholderMeta):
    """``page.meta`` of a page whose output comes from the cache: MkDocs renders the
    placeholder template, and search skips the page (its entries come from the cache)."""

    def get(self, key: str, default: Any = None) -> Any:
        return {"exclude": True} if key == "search" else super().get(key, default)


def _nav_outline(items: Sequence[Any]) -> list[Any]:
    """The navigation as titles and URLs, nested: what every page's sidebar shows."""
    outline: list[Any] = []
    for item in items:
        children = getattr(item, "children", None)
        outline.append([item.title, getattr(item, "url", None), _nav_outline(children) if children else None])
    return outline
