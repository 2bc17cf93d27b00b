"""What a renderer returns: a finished page, ready for an adapter to publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .html import TocEntry


@dataclass(frozen=True)
class RenderedPage:
    """A finished page: what an adapter (MkDocs or another) needs to publish it.

    ``body`` is the page's HTML, or a function that reads it back from where the page
    cache keeps it: a build of 10,000 pages then holds one page's HTML at a time, not
    every page's at once. ``digest`` is a hash of the HTML and ``size`` its length in
    characters, when the cache made them.
    """

    path: str
    title: str  # HTML-safe
    body: str | Callable[[], str]
    toc: tuple[TocEntry, ...]
    kind: str
    in_nav: bool = True
    digest: str | None = None
    size: int | None = None
    twin: str | Callable[[], str] | None = None

    @property
    def markdown(self) -> str | None:
        """The page's Markdown twin, if it has one."""
        return self.twin if self.twin is None or isinstance(self.twin, str) else self.twin()

    @property
    def length(self) -> int:
        """Characters of HTML (read from the cache only if it did not keep the number)."""
        if self.size is not None:
            return self.size
        return len(self.html)

    @property
    def html(self) -> str:
        return self.body if isinstance(self.body, str) else self.body()
