"""What every snippet language provides: how to write a request, how to run it."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from ..request import HttpRequest, Part
from ..values import EnvValue, Pieces, join_pieces

_T = TypeVar("_T")


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
    # What the snippets need, in a few words (the home page lists it), and how a
    # reader runs one (Markdown, on guide pages).
    uses: str = ""
    how_to_run: str = ""
    # The shell command a reader runs a saved snippet with ("" when the snippet is
    # itself shell, pasted into a terminal).
    run: str = ""


def quote_chars(value: str, escapes: Mapping[str, str], other: Callable[[str], str], quote: str = '"') -> str:
    """``value`` between ``quote`` characters: characters in ``escapes`` replaced, other
    printable characters kept, the rest written by ``other`` (a numeric escape)."""
    if value.isprintable() and not any(key in value for key in escapes):
        return quote + value + quote  # nothing to escape, the common case
    out = []
    for ch in value:
        if ch in escapes:
            out.append(escapes[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(other(ch))
    return quote + "".join(out) + quote


def preferred_quote(value: str) -> str:
    """The quote character black and Prettier choose for a string: double, unless the
    text holds more double quotes than single ones (fewer backslashes)."""
    return "'" if value.count('"') > value.count("'") else '"'


def c_escape(ch: str, byte_below: int = 0x100) -> str:
    """``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN``, as Python and Go write them."""
    code = ord(ch)
    if code < byte_below:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def braced_escape(ch: str) -> str:
    """``\\u{N}``, as Ruby, PHP and modern JavaScript write it."""
    return f"\\u{{{ord(ch):x}}}"


def join(pieces: Pieces, string: Callable[[str], str], env: Callable[[EnvValue], str], glue: str = " + ") -> str:
    """Text and environment reads as one expression: literals written by ``string``,
    reads by ``env``, joined by ``glue`` (``+`` in most languages, ``.`` in PHP)."""
    return glue.join(string(p) if isinstance(p, str) else env(p) for p in pieces) or string("")


def form_template(parts: tuple[Part, ...]) -> Pieces:
    """A urlencoded form as text, with a hole (the :class:`EnvValue`) where a value read
    from the environment goes, URL-encoded at run time: for languages that write the
    encoded form themselves (Java, PHP with repeated names)."""
    return join_pieces(
        piece
        for index, part in enumerate(parts)
        for piece in (
            "&" if index else "",
            f"{quote(part.name, safe='[]')}=",
            quote(part.value, safe="") if isinstance(part.value, str) else part.value,
        )
    )


def json_template(value: Any, level: int = 0) -> Pieces:
    """``value`` as JSON text laid out as ``json.dumps(indent=2)`` does, with a hole
    (the :class:`EnvValue`) where the JSON string of a variable goes at run time: for
    languages that write a JSON body as text (curl, Java)."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, EnvValue):
        return (value,)
    if isinstance(value, dict) and value:
        entries = [(f"{inner}{json.dumps(str(k), ensure_ascii=False)}: ", v) for k, v in value.items()]
    elif isinstance(value, list) and value:
        entries = [(inner, v) for v in value]
    else:
        return (json.dumps(value, ensure_ascii=False),)
    pieces: list[str | EnvValue] = ["{\n" if isinstance(value, dict) else "[\n"]
    for index, (head, item) in enumerate(entries):
        pieces += [head, *json_template(item, level + 1), ",\n" if index < len(entries) - 1 else "\n"]
    pieces.append(pad + ("}" if isinstance(value, dict) else "]"))
    return join_pieces(pieces)


@dataclass(frozen=True)
class LiteralStyle:
    """How one language writes JSON-like data as a literal, laid out one entry a line
    with a trailing comma, as that language's formatter would."""

    string: Callable[[str], str]
    indent: str
    map_open: str
    map_close: str
    list_open: str
    list_close: str
    empty_map: str
    empty_list: str
    null: str
    env: Callable[[EnvValue], str]  # how a value is read from the environment
    true: str = "true"
    false: str = "false"
    separator: str = ": "
    align: bool = False  # gofmt aligns the values of one-line entries


def write_literal(value: Any, style: LiteralStyle, level: int = 0) -> str:
    """``value`` (from JSON or YAML) as a literal in the language of ``style``."""
    pad, inner = style.indent * level, style.indent * (level + 1)
    if isinstance(value, dict):
        if not value:
            return style.empty_map
        entries = [(style.string(str(k)), write_literal(v, style, level + 1)) for k, v in value.items()]
        lines = _aligned(entries, style.separator) if style.align else [f"{k}{style.separator}{v}" for k, v in entries]
        body = "\n".join(f"{inner}{line}," for line in lines)
        return f"{style.map_open}\n{body}\n{pad}{style.map_close}"
    if isinstance(value, list):
        if not value:
            return style.empty_list
        body = "\n".join(f"{inner}{write_literal(v, style, level + 1)}," for v in value)
        return f"{style.list_open}\n{body}\n{pad}{style.list_close}"
    if isinstance(value, str):
        return style.string(value)
    if isinstance(value, EnvValue):
        return style.env(value)
    if value is None:
        return style.null
    if isinstance(value, bool):
        return style.true if value else style.false
    return repr(value)


def _aligned(entries: list[tuple[str, str]], separator: str) -> list[str]:
    """Values aligned as gofmt aligns them: over runs of one-line entries, a run ending
    at a multi-line entry, or where a key's length (over 40 bytes) differs from the
    geometric mean of the run's keys by a factor of 2.5 or more."""
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        lines.extend(f"{k}{separator.rstrip()}{' ' * (width - len(k) + 1)}{v}" for k, v in run)
        run.clear()

    sizes: list[int] = []  # the sizes of the run's keys (go/printer's exprList)
    previous = 0
    for key, value in entries:
        size = 0 if "\n" in value else len(key.encode())
        if not (previous and size and _aligns(previous, size, sizes)):
            flush()
            sizes.clear()
        if size:
            run.append((key, value))
            sizes.append(size)
        else:
            lines.append(f"{key}{separator}{value}")
        previous = size
    flush()
    return lines


def _aligns(previous: int, size: int, sizes: list[int]) -> bool:
    if previous <= 40 and size <= 40:
        return True
    ratio = size / math.exp(sum(math.log(s) for s in sizes) / len(sizes))
    return 1 / 2.5 < ratio < 2.5


def sends_body(req: HttpRequest) -> bool:
    """Whether the request has a body to send. A form without fields and an empty text
    have none: the snippet sends their Content-Type alone, not an empty literal."""
    body = req.body
    if body is None:
        return False
    return not ((body.kind == "form" and not body.parts) or (body.kind == "text" and not body.value))


def unique_keys(pairs: tuple[tuple[str, object], ...]) -> bool:
    return len({k for k, _ in pairs}) == len(pairs)


def url_with_env_query(
    req: HttpRequest, env: Callable[[EnvValue], _T], encoded: Callable[[EnvValue], _T]
) -> list[str | _T]:
    """The URL with its fixed query as text and ``env`` reads (the path takes them as
    they are), then each query pair read from the environment, its value URL-encoded at
    run time by ``encoded``; neighbouring strings merged (Java and PHP build it so)."""
    url: list[str | _T] = [p if isinstance(p, str) else env(p) for p in req.url_pieces(query=True)]
    separator = "&" if req.query_string else "?"
    for name, read in req.env_query:
        url += [f"{separator}{quote(name, safe='')}=", encoded(read)]
        separator = "&"
    merged: list[str | _T] = []
    for piece in url:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def prettier_number(value: int | float, *, point_kept: bool = False) -> str:
    """A number as Prettier prints it: ``1e-5`` for ``1e-05``, no trailing zeros, and no
    point before the end (the PHP plugin, ``point_kept``, drops it only before ``e``)."""
    text = repr(value).lower()
    text = re.sub(r"^([+-]?[\d.]+e)(?:\+|(-))?0*(\d)", r"\1\2\3", text)
    text = re.sub(r"^([+-]?[\d.]+)e[+-]?0+$", r"\1", text)
    text = re.sub(r"(\.\d+?)0+(?=e|$)", r"\1", text)
    return re.sub(r"\.(?=e)" if point_kept else r"\.(?=e|$)", "", text)
