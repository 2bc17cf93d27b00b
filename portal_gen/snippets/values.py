"""Values a snippet reads when it runs rather than carries: :class:`EnvValue` (an
environment variable, such as a captured id), and text made of literal pieces and such
values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EnvValue:
    """A value the snippet reads from the environment variable ``name`` at run time.

    Multi-step tutorials use it for what an earlier step returned: the page shows how
    to keep it from that response (:mod:`.guide`). It stands for one scalar value. In the path and in a
    cookie it goes in as it is, not percent-encoded (it is meant for ids); in the
    query, a form or a JSON body the language's own encoder encodes it.
    """

    name: str


# Text as literal strings and environment reads, in order: each language joins them its
# own way (``+`` in most, ``.`` in PHP, one shell word in curl).
Pieces = tuple[str | EnvValue, ...]


def join_pieces(pieces: Iterable[str | EnvValue]) -> Pieces:
    """``pieces`` with neighbouring strings merged and empty ones dropped."""
    merged: list[str | EnvValue] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif piece:
            merged.append(piece)
    return tuple(merged)


def env_values(value: Any) -> Iterator[EnvValue]:
    """The :class:`EnvValue` objects in ``value`` (JSON-like data), in document order."""
    if isinstance(value, EnvValue):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from env_values(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from env_values(item)


def without_env_values(value: Any, stand_in: str) -> Any:
    """``value`` with every :class:`EnvValue` in it replaced by ``stand_in`` (what a
    check can judge, or send, without the environment)."""
    if isinstance(value, EnvValue):
        return stand_in
    if isinstance(value, dict):
        return {k: without_env_values(v, stand_in) for k, v in value.items()}
    if isinstance(value, list):
        return [without_env_values(v, stand_in) for v in value]
    return value
