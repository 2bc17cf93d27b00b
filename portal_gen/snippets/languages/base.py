"""What every snippet language provides: how to write a request, how to run it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..request import HttpRequest


@dataclass(frozen=True)
class Language:
    """One snippet language: generation and execution side by side.

    ``command`` is the argv that runs the snippet file (``{file}`` is replaced by its
    name); ``executables`` must be on PATH for it to run; ``run_env`` gives extra
    environment variables the runtime needs, given a cache directory it may keep
    between runs (Go's build cache, say).
    """

    id: str
    label: str
    lexer: str
    filename: str
    render: Callable[[HttpRequest], str]
    string: Callable[[str], str]  # a string literal in this language
    literal: Callable[[Any], str]  # a JSON value as a literal in this language
    command: tuple[str, ...]
    executables: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # names used in x-codeSamples `lang`
    run_env: Callable[[Path], Mapping[str, str]] = field(default=lambda cache: {})


def indent(text: str, prefix: str) -> str:
    """Indent every line but the first (the first follows code already on its line)."""
    return text.replace("\n", "\n" + prefix)


def is_identifier(name: str) -> bool:
    return name.isidentifier() and name.isascii()


def unique_keys(pairs: tuple[tuple[str, str], ...]) -> bool:
    return len({k for k, _ in pairs}) == len(pairs)
