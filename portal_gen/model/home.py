"""The generated home page as data: its title, tagline, quickstart, case studies and cards."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HomeLink:
    title: str
    url: str  # a site page as its Markdown path, or a full URL
    text: str = ""


@dataclass(frozen=True)
class Home:
    title: str
    tagline: str  # Markdown
    quickstart: str | None  # the id of the guide "Make your first call" leads to
    featured: tuple[str, ...]  # case study ids
    links: tuple[HomeLink, ...] | None  # None: the default cards
