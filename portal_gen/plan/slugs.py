"""Readable, stable, unique slugs for URLs and anchors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_WORD = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def slugify(text: str, fallback: str = "item") -> str:
    """``sendMessage`` -> ``send-message``; ``GET /pets/{id}`` -> ``get-pets-id``."""
    text = _CAMEL.sub("-", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", text.lower()).strip("-")
    return slug[:80].rstrip("-") or fallback


def unique_slugs(keys: Iterable[str], taken: Iterable[str] = (), fallback: str = "item") -> dict[str, str]:
    """Give every key its own slug, independent of the order the keys come in.

    Keys whose slugs collide are sorted, so the first gets the plain slug and the
    others ``-2``, ``-3``...: reordering a spec never moves a page.
    """
    used = set(taken)
    by_slug: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        by_slug.setdefault(slugify(key, fallback), []).append(key)
    result: dict[str, str] = {}
    for slug in sorted(by_slug):
        for index, key in enumerate(by_slug[slug]):
            candidate = slug if index == 0 else f"{slug}-{index + 1}"
            counter = index + 1
            while candidate in used:
                counter += 1
                candidate = f"{slug}-{counter}"
            used.add(candidate)
            result[key] = candidate
    return result
