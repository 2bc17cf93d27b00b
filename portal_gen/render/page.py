"""What a renderer returns: a finished page, ready for an adapter to publish."""

from __future__ import annotations

from dataclasses import dataclass

from .html import TocEntry


@dataclass(frozen=True)
class RenderedPage:
    """A finished page: what an adapter (MkDocs or another) needs to publish it."""

    path: str
    title: str  # HTML-safe
    html: str
    toc: tuple[TocEntry, ...]
    kind: str
    in_nav: bool = True
