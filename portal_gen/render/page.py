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
    every page's at once. ``digest`` is a hash of the HTML, when the cache made one.
    """

    path: str
    title: str  # HTML-safe
    body: str | Callable[[], str]
    toc: tuple[TocEntry, ...]
    kind: str
    in_nav: bool = True
    digest: str | None = None

    @property
    def html(self) -> str:
        return self.body if isinstance(self.body, str) else self.body()
