"""Line breaking as the languages' formatters do it (pure).

Prettier (JavaScript, and Java and PHP through its plugins) lays code out from a
*document* of groups: a group is printed on one line when it fits in the print width,
else its line breaks become newlines and its inner groups get the same choice. Black
breaks brackets the same way, outermost first. Snippets describe their code as such a
document and print it with :func:`render`, a port of Prettier's printer
(``printDocToString``), so that the formatter has nothing to change.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias


@dataclass(frozen=True, eq=False)
class Group:
    """Printed flat if it fits, else broken. ``broken`` breaks it always (a literal the
    formatter keeps expanded); ``states`` are alternatives, the last one fully broken
    (Prettier's ``conditionalGroup``); ``id`` names it for :class:`IfBreak`."""

    contents: Doc
    broken: bool = False
    states: tuple[Doc, ...] = ()
    id: str | None = None


@dataclass(frozen=True, eq=False)
class Indent:
    contents: Doc


@dataclass(frozen=True, eq=False)
class Line:
    """A space (``soft``: nothing) when its group is flat, a newline when broken;
    ``hard`` is always a newline and breaks every group around it."""

    soft: bool = False
    hard: bool = False


@dataclass(frozen=True, eq=False)
class IfBreak:
    """``broken`` if the group (``group_id``, else the enclosing one) is broken, else ``flat``."""

    broken: Doc = ""
    flat: Doc = ""
    group_id: str | None = None


@dataclass(frozen=True, eq=False)
class IndentIfBreak:
    """``contents``, indented if the group ``group_id`` is broken."""

    contents: Doc
    group_id: str


@dataclass(frozen=True, eq=False)
class Fill:
    """Content and separator lines alternating: as many contents on a line as fit."""

    parts: tuple[Doc, ...]


@dataclass(frozen=True, eq=False)
class BreakParent:
    """Prints nothing; breaks the groups around it, as a hard line would."""


Doc: TypeAlias = "str | Sequence[Doc] | Group | Indent | Line | IfBreak | IndentIfBreak | Fill | BreakParent"

LINE = Line()
SOFTLINE = Line(soft=True)
HARDLINE = Line(hard=True)
BREAK_PARENT = BreakParent()

_ids = itertools.count()


def new_id(name: str) -> str:
    return f"{name}#{next(_ids)}"


def group(*contents: Doc, broken: bool = False, id: str | None = None) -> Group:
    return Group(list(contents), broken=broken, id=id)


def indent(*contents: Doc) -> Indent:
    return Indent(list(contents))


def join(separator: Doc, docs: Iterable[Doc]) -> list[Doc]:
    out: list[Doc] = []
    for index, doc in enumerate(docs):
        if index:
            out.append(separator)
        out.append(doc)
    return out


def will_break(doc: Doc) -> bool:
    """Whether ``doc`` breaks whatever the width: it holds a hard line or a group that is
    always broken (only the first state of a conditional group counts)."""
    if isinstance(doc, str):
        return False
    if isinstance(doc, Line):
        return doc.hard
    if isinstance(doc, BreakParent):
        return True
    if isinstance(doc, Group):
        return doc.broken or will_break(doc.contents)
    if isinstance(doc, (Indent, IndentIfBreak)):
        return will_break(doc.contents)
    if isinstance(doc, IfBreak):
        return will_break(doc.broken) or will_break(doc.flat)
    if isinstance(doc, Fill):
        return any(will_break(part) for part in doc.parts)
    return any(will_break(part) for part in doc)


def width(text: str) -> int:
    """Columns ``text`` takes: wide East Asian characters and emoji two, combining
    marks and control characters none (as Prettier and black count them)."""
    if text.isascii():
        return len(text)
    total = 0
    for ch in text:
        if ord(ch) < 32 or 127 <= ord(ch) <= 159 or unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


_FLAT, _BREAK = "flat", "break"


@dataclass
class _Printer:
    print_width: int
    unit: str
    broken: dict[int, bool] = field(default_factory=dict)  # id(group) -> broken
    modes: dict[str, str] = field(default_factory=dict)  # group id -> mode printed
    seen: dict[int, bool] = field(default_factory=dict)  # id(group) -> holds a break

    def is_broken(self, doc: Group) -> bool:
        return doc.broken or self.broken.get(id(doc), False)

    def propagate(self, doc: Doc) -> bool:
        """Mark the groups that hold a hard line or a broken group (not through
        conditional groups); return whether ``doc`` holds one."""
        if isinstance(doc, str):
            return False
        if isinstance(doc, Line):
            return doc.hard
        if isinstance(doc, BreakParent):
            return True
        if isinstance(doc, Group):
            if id(doc) not in self.seen:  # groups are shared, between states above all
                inner = any([self.propagate(state) for state in (doc.contents, *doc.states)])
                if inner and not doc.states:
                    self.broken[id(doc)] = True
                self.seen[id(doc)] = self.is_broken(doc)
            return self.seen[id(doc)]
        if isinstance(doc, (Indent, IndentIfBreak)):
            return self.propagate(doc.contents)
        if isinstance(doc, IfBreak):
            return any([self.propagate(doc.broken), self.propagate(doc.flat)])
        if isinstance(doc, Fill):
            return any([self.propagate(part) for part in doc.parts])
        return any([self.propagate(part) for part in doc])

    def fits(
        self, next_cmd: tuple[str, str, Doc], rest: list[tuple[str, str, Doc]], room: int, flat: bool = False
    ) -> bool:
        rest_index = len(rest)
        cmds = [next_cmd]
        while room >= 0:
            if not cmds:
                if rest_index == 0:
                    return True
                rest_index -= 1
                cmds.append(rest[rest_index])
                continue
            ind, mode, doc = cmds.pop()
            if isinstance(doc, str):
                room -= width(doc)
            elif isinstance(doc, Group):
                if flat and self.is_broken(doc):
                    return False
                group_mode = _BREAK if self.is_broken(doc) else mode
                contents = doc.states[-1] if doc.states and group_mode == _BREAK else doc.contents
                cmds.append((ind, group_mode, contents))
            elif isinstance(doc, (Indent, IndentIfBreak)):
                cmds.append((ind, mode, doc.contents))
            elif isinstance(doc, IfBreak):
                group_mode = self.modes.get(doc.group_id, _FLAT) if doc.group_id else mode
                cmds.append((ind, mode, doc.broken if group_mode == _BREAK else doc.flat))
            elif isinstance(doc, Line):
                if mode == _BREAK or doc.hard:
                    return True
                if not doc.soft:
                    room -= 1
            elif isinstance(doc, BreakParent):
                pass
            else:
                parts = doc.parts if isinstance(doc, Fill) else doc
                cmds.extend((ind, mode, part) for part in reversed(parts))
        return False

    def print(self, doc: Doc) -> str:
        self.propagate(doc)
        out: list[str] = []
        pos = 0
        cmds: list[tuple[str, str, Doc]] = [("", _BREAK, doc)]
        while cmds:
            ind, mode, doc = cmds.pop()
            if isinstance(doc, str):
                out.append(doc)
                pos += width(doc)
            elif isinstance(doc, Indent):
                cmds.append((ind + self.unit, mode, doc.contents))
            elif isinstance(doc, Group):
                cmd = self._group(ind, mode, doc, cmds, pos)
                cmds.append(cmd)
                if doc.id:
                    self.modes[doc.id] = cmd[1]
            elif isinstance(doc, IfBreak):
                group_mode = self.modes.get(doc.group_id, _FLAT) if doc.group_id else mode
                cmds.append((ind, mode, doc.broken if group_mode == _BREAK else doc.flat))
            elif isinstance(doc, IndentIfBreak):
                extra = self.unit if self.modes.get(doc.group_id) == _BREAK else ""
                cmds.append((ind + extra, mode, doc.contents))
            elif isinstance(doc, Line):
                if mode == _FLAT and not doc.hard:
                    if not doc.soft:
                        out.append(" ")
                        pos += 1
                else:
                    while out and out[-1].endswith((" ", "\t")):
                        out[-1] = out[-1].rstrip(" \t")
                        if out[-1] == "":
                            out.pop()
                    out.append("\n" + ind)
                    pos = width(ind.replace("\t", " " * len(self.unit)))
            elif isinstance(doc, Fill):
                self._fill(ind, mode, doc, cmds, pos)
            elif isinstance(doc, BreakParent):
                pass
            else:
                cmds.extend((ind, mode, part) for part in reversed(doc))
        return "".join(out)

    def _group(
        self, ind: str, mode: str, doc: Group, cmds: list[tuple[str, str, Doc]], pos: int
    ) -> tuple[str, str, Doc]:
        broken = self.is_broken(doc)
        if mode == _FLAT:
            return (ind, _BREAK if broken else _FLAT, doc.contents)
        room = self.print_width - pos
        flat_cmd = (ind, _FLAT, doc.contents)
        if not broken and self.fits(flat_cmd, cmds, room):
            return flat_cmd
        if not doc.states:
            return (ind, _BREAK, doc.contents)
        if not broken:
            for state in doc.states[1:-1]:
                cmd = (ind, _FLAT, state)
                if self.fits(cmd, cmds, room):
                    return cmd
        return (ind, _BREAK, doc.states[-1])

    def _fill(self, ind: str, mode: str, doc: Fill, cmds: list[tuple[str, str, Doc]], pos: int) -> None:
        room = self.print_width - pos
        parts = doc.parts
        if not parts:
            return
        content = parts[0]
        content_fits = self.fits((ind, _FLAT, content), [], room, flat=True)
        if len(parts) == 1:
            cmds.append((ind, _FLAT if content_fits else _BREAK, content))
            return
        whitespace = parts[1]
        if len(parts) == 2:
            cmds.append((ind, _FLAT if content_fits else _BREAK, whitespace))
            cmds.append((ind, _FLAT if content_fits else _BREAK, content))
            return
        cmds.append((ind, mode, Fill(parts[2:])))
        both_fit = self.fits((ind, _FLAT, [content, whitespace, parts[2]]), [], room, flat=True)
        cmds.append((ind, _FLAT if both_fit else _BREAK, whitespace))
        cmds.append((ind, _FLAT if content_fits else _BREAK, content))


def render(doc: Doc, print_width: int, unit: str) -> str:
    """``doc`` as text, lines broken to stay within ``print_width`` columns where the
    groups allow it, indented by ``unit`` per level."""
    return _Printer(print_width, unit).print(doc)
