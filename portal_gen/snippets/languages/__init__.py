"""The snippet languages, in the order the reference shows them."""

from __future__ import annotations

from . import curl, go, java, javascript, php, python, ruby
from .base import Language

LANGUAGES: dict[str, Language] = {
    language.id: language
    for language in (
        curl.LANGUAGE,
        python.LANGUAGE,
        javascript.LANGUAGE,
        go.LANGUAGE,
        java.LANGUAGE,
        ruby.LANGUAGE,
        php.LANGUAGE,
    )
}


def language_for(name: str) -> Language | None:
    """A language by id or by an alias used in ``x-codeSamples`` (case-insensitive)."""
    key = name.strip().lower()
    for language in LANGUAGES.values():
        if key == language.id or key in (alias.lower() for alias in language.aliases):
            return language
    return None


__all__ = ["LANGUAGES", "Language", "language_for"]
