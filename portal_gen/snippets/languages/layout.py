"""Line breaking as the languages' formatters do it (pure).

Prettier (JavaScript, and Java and PHP through its plugins) lays code out from a
*document* of groups: a group is printed on one line when it fits in the print width,
else its line breaks become newlines and its inner groups get the same choice. Black
breaks brackets the same way, outermost first. Snippets describe their code as such a
document and print it with :func:`render`, a port of Prettier's printer
(``printDocToString``), so that the formatter has nothing to change.

Every operation's snippets are printed on every build, so the printer is written for
speed: it dispatches on ``type(doc)``, handles the strings and lines of a list where it
finds them, and works out once per group whether it breaks and how wide it is flat.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TypeAlias


@dataclass(frozen=True, eq=False)
class Group:
    """Printed flat if it fits, else broken. ``broken`` breaks it always (a literal the
    formatter keeps expanded); ``states`` are alternatives, the last one fully broken
    (Prettier's ``conditionalGroup``); ``id`` names it for :class:`IfBreak`."""

    contents: Doc
    broken: bool = False
    states: tuple[Doc, ...] = ()
    id: str | None = None

    def __init__(
        self, contents: Doc, broken: bool = False, states: tuple[Doc, ...] = (), id: str | None = None
    ) -> None:
        # Not the generated __init__, which sets each field through object.__setattr__
        # (the class is frozen), at twice the cost: snippets build groups by the thousand.
        fields = self.__dict__
        fields["contents"], fields["broken"], fields["states"], fields["id"] = contents, broken, states, id


@dataclass(frozen=True, eq=False)
class Indent:
    contents: Doc

    def __init__(self, contents: Doc) -> None:
        self.__dict__["contents"] = contents  # as Group's


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


def grouped(doc: Doc) -> Doc:
    """``group(doc)``, without the group where it would change nothing: around a string,
    or around a group that is not conditional (it breaks where the outer one would)."""
    node: Any = doc
    if type(node) is str or (type(node) is Group and not node.states):
        return doc
    return Group([doc])


def indent(*contents: Doc) -> Indent:
    return Indent(list(contents))


def join(separator: Doc, docs: Iterable[Doc]) -> list[Doc]:
    out: list[Doc] = []
    for index, doc in enumerate(docs):
        if index:
            out.append(separator)
        out.append(doc)
    return out


def compact(docs: Iterable[Doc]) -> Doc:
    """``docs`` one after the other, in as few parts as print the same: lists spliced in,
    strings next to each other joined (not empty ones: an empty string stops the
    trimming of blanks at the end of a line); a single part as it is."""
    out: list[Doc] = []
    _splice(docs, out)
    return out[0] if len(out) == 1 else out


def _splice(docs: Iterable[Doc], out: list[Doc]) -> None:
    for doc in docs:
        node: Any = doc
        kind = type(node)
        if kind is str:
            if node and out and type(out[-1]) is str and out[-1]:
                out[-1] += node
            else:
                out.append(node)
        elif kind is list or kind is tuple:
            _splice(node, out)
        else:
            out.append(node)


# The walks below dispatch on type(doc) (``node: Any``: mypy does not narrow through
# ``kind``); anything else, a subclass of str say, goes through _normal.


def will_break(doc: Doc) -> bool:
    """Whether ``doc`` breaks whatever the width: it holds a hard line or a group that is
    always broken (only the first state of a conditional group counts)."""
    return _breaks(doc, _group_will_break)


def _group_will_break(group: Group) -> bool:
    # Computed once per group (a document never changes once built): chains of calls
    # ask again of every link.
    breaks: bool | None = group.__dict__.get("_will_break")
    if breaks is None:
        breaks = group.__dict__["_will_break"] = group.broken or _breaks(group.contents, _group_will_break)
    return breaks


def _breaks(doc: Doc, group_breaks: Callable[[Group], bool]) -> bool:
    """Whether ``doc`` holds a hard line, a break-parent, or a group ``group_breaks``
    says is broken: :func:`will_break` and the printer's ``propagateBreaks`` differ
    only in what they ask of a group."""
    node: Any = doc
    kind = type(node)
    if kind is str:
        return False
    if kind is list or kind is tuple:
        for part in node:  # noqa: SIM110 (any() over a generator is slower here)
            if type(part) is not str and _breaks(part, group_breaks):
                return True
        return False
    if kind is Group:
        return group_breaks(node)
    if kind is Line:
        return bool(node.hard)
    if kind is Indent or kind is IndentIfBreak:
        return _breaks(node.contents, group_breaks)
    if kind is IfBreak:
        return _breaks(node.broken, group_breaks) or _breaks(node.flat, group_breaks)
    if kind is Fill:
        return _breaks(node.parts, group_breaks)
    if kind is BreakParent:
        return True
    return _breaks(_normal(node), group_breaks)


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


# What the printer asks of a group is worked out once, when first asked, and kept on
# the group: a document never changes once built.


def _is_broken(doc: Group) -> bool:
    """Whether the group is printed broken: marked so, or not conditional and holding a
    hard line or a broken group (Prettier's ``propagateBreaks``)."""
    broken: bool | None = doc.__dict__.get("_broken")
    if broken is None:
        broken = doc.__dict__["_broken"] = doc.broken or (not doc.states and _breaks(doc.contents, _is_broken))
    return broken


def _flat_width(doc: Doc) -> int:
    """Columns ``doc`` takes when the printer measures it flat (see ``_Printer.fits``),
    or -1 if that depends on more than ``doc``: it holds a hard line, a broken group or
    a break that follows another group's."""
    node: Any = doc
    kind = type(node)
    if kind is str:
        return len(node) if node.isascii() else width(node)
    if kind is list or kind is tuple:
        total = 0
        for part in node:
            kind = type(part)
            if kind is str:
                total += len(part) if part.isascii() else width(part)
            elif kind is Line:
                if part.hard:
                    return -1
                if not part.soft:
                    total += 1
            else:
                columns = _flat_width(part)
                if columns < 0:
                    return -1
                total += columns
        return total
    if kind is Group:
        flat: int | None = node.__dict__.get("_flat_width")
        if flat is None:
            flat = node.__dict__["_flat_width"] = -1 if _is_broken(node) else _flat_width(node.contents)
        return flat
    if kind is Line:
        return -1 if node.hard else 0 if node.soft else 1
    if kind is Indent or kind is IndentIfBreak:
        return _flat_width(node.contents)
    if kind is IfBreak:
        return -1 if node.group_id else _flat_width(node.flat)
    if kind is Fill:
        return _flat_width(node.parts)
    if kind is BreakParent:
        return 0
    return _flat_width(_normal(node))


def _normal(doc: Any) -> Doc:
    """A document of a type not dispatched on (a subclass of str, a sequence other than
    a list or tuple) as one that is."""
    return str.__str__(doc) if isinstance(doc, str) else list(doc)


# Modes are booleans: whether the group a command is printed in is broken.
_FLAT, _BREAK = False, True
_Command: TypeAlias = "tuple[str, bool, Any]"  # indentation, mode, document


class _Printer:
    def __init__(self, print_width: int, unit: str) -> None:
        self.print_width = print_width
        self.unit = unit
        self.modes: dict[str, bool] = {}  # group id -> broken, as printed
        self.out: list[str] = []
        self.line_start: dict[str, int] = {}  # indentation -> its width

    def fits(self, mode: bool, doc: Doc, rest: list[_Command], room: int, flat: bool = False) -> bool:
        """Whether ``doc`` printed in ``mode``, then the ``rest`` of the commands up to
        the next line break, take no more than ``room`` columns; ``flat``: with all
        groups in ``doc`` flat."""
        modes = self.modes
        rest_index = len(rest)
        cmds: list[tuple[bool, Any]] = [(mode, doc)]
        pop, push, extend = cmds.pop, cmds.append, cmds.extend
        while room >= 0:
            if cmds:
                mode, node = pop()
            elif rest_index:
                rest_index -= 1
                _, mode, node = rest[rest_index]
            else:
                return True
            kind = type(node)
            if kind is str:
                room -= len(node) if node.isascii() else width(node)
            elif kind is list or kind is tuple:
                # Strings, lines and groups measured flat in place, until anything else.
                size = len(node)
                index = 0
                while index < size:
                    part = node[index]
                    index += 1
                    kind = type(part)
                    if kind is str:
                        room -= len(part) if part.isascii() else width(part)
                    elif kind is Line:
                        if mode or part.hard:
                            return True
                        if not part.soft:
                            room -= 1
                    elif kind is Group and not mode and (columns := _flat_width(part)) >= 0:
                        room -= columns
                    else:
                        if index < size:
                            extend(zip(repeat(mode, size - index), reversed(node), strict=False))
                        push((mode, part))
                        break
                    if room < 0:
                        return False
            elif kind is Line:
                if mode or node.hard:
                    return True
                if not node.soft:
                    room -= 1
            elif kind is Group:
                if _is_broken(node):
                    if flat:
                        return False
                    mode = _BREAK
                elif not mode and (columns := _flat_width(node)) >= 0:
                    room -= columns
                    continue
                push((mode, node.states[-1] if node.states and mode else node.contents))
            elif kind is Indent or kind is IndentIfBreak:
                push((mode, node.contents))
            elif kind is IfBreak:
                group_mode = modes.get(node.group_id, _FLAT) if node.group_id else mode
                push((mode, node.broken if group_mode else node.flat))
            elif kind is Fill:
                push((mode, node.parts))
            elif kind is not BreakParent:
                push((mode, _normal(node)))
        return False

    def newline(self, ind: str) -> int:
        """Ends the line, without its trailing blanks, and starts the next one at ``ind``;
        returns its column."""
        out = self.out
        while out and out[-1].endswith((" ", "\t")):
            out[-1] = out[-1].rstrip(" \t")
            if out[-1] == "":
                out.pop()
        out.append("\n" + ind)
        column = self.line_start.get(ind)
        if column is None:
            column = self.line_start[ind] = width(ind.replace("\t", " " * len(self.unit)))
        return column

    def print(self, doc: Doc) -> str:
        print_width, unit, modes, out = self.print_width, self.unit, self.modes, self.out
        pos = 0
        cmds: list[_Command] = [("", _BREAK, doc)]
        pop, push, extend = cmds.pop, cmds.append, cmds.extend
        while cmds:
            ind, mode, node = pop()
            kind = type(node)
            if kind is str:
                out.append(node)
                pos += len(node) if node.isascii() else width(node)
            elif kind is list or kind is tuple:
                # Strings and lines printed in place, until anything else.
                size = len(node)
                index = 0
                while index < size:
                    part = node[index]
                    index += 1
                    kind = type(part)
                    if kind is str:
                        out.append(part)
                        pos += len(part) if part.isascii() else width(part)
                    elif kind is Line:
                        if mode or part.hard:
                            pos = self.newline(ind)
                        elif not part.soft:
                            out.append(" ")
                            pos += 1
                    else:
                        if index < size:
                            extend(zip(repeat(ind, size - index), repeat(mode), reversed(node), strict=False))
                        push((ind, mode, part))
                        break
            elif kind is Line:
                if mode or node.hard:
                    pos = self.newline(ind)
                elif not node.soft:
                    out.append(" ")
                    pos += 1
            elif kind is Group:
                push(cmd := self._group(ind, mode, node, cmds, print_width - pos))
                if node.id:
                    modes[node.id] = cmd[1]
            elif kind is Indent:
                push((ind + unit, mode, node.contents))
            elif kind is IfBreak:
                group_mode = modes.get(node.group_id, _FLAT) if node.group_id else mode
                push((ind, mode, node.broken if group_mode else node.flat))
            elif kind is IndentIfBreak:
                push((ind + unit if modes.get(node.group_id) else ind, mode, node.contents))
            elif kind is Fill:
                self._fill(ind, mode, node.parts, cmds, print_width - pos)
            elif kind is not BreakParent:
                push((ind, mode, _normal(node)))
        return "".join(out)

    def _group(self, ind: str, mode: bool, doc: Group, cmds: list[_Command], room: int) -> _Command:
        """The command printing the group: flat if it fits in ``room``, else the first of
        its states that does, else broken."""
        if _is_broken(doc):
            return (ind, _BREAK, doc.states[-1] if doc.states and mode else doc.contents)
        if not mode:
            return (ind, _FLAT, doc.contents)
        columns = _flat_width(doc)
        if columns < 0:
            if self.fits(_FLAT, doc.contents, cmds, room):
                return (ind, _FLAT, doc.contents)
        elif columns <= room and self.fits(_FLAT, "", cmds, room - columns):
            return (ind, _FLAT, doc.contents)
        if not doc.states:
            return (ind, _BREAK, doc.contents)
        for state in doc.states[1:-1]:
            if self.fits(_FLAT, state, cmds, room):
                return (ind, _FLAT, state)
        return (ind, _BREAK, doc.states[-1])

    def _fill(self, ind: str, mode: bool, parts: tuple[Doc, ...], cmds: list[_Command], room: int) -> None:
        """Commands printing as many of the contents on the line as fit in ``room``."""
        if not parts:
            return
        content = parts[0]
        content_mode = not self.fits(_FLAT, content, [], room, flat=True)
        if len(parts) == 1:
            cmds.append((ind, content_mode, content))
            return
        whitespace = parts[1]
        if len(parts) == 2:
            cmds.append((ind, content_mode, whitespace))
            cmds.append((ind, content_mode, content))
            return
        cmds.append((ind, mode, Fill(parts[2:])))
        both_fit = self.fits(_FLAT, [content, whitespace, parts[2]], [], room, flat=True)
        cmds.append((ind, not both_fit, whitespace))
        cmds.append((ind, content_mode, content))


def render(doc: Doc, print_width: int, unit: str) -> str:
    """``doc`` as text, lines broken to stay within ``print_width`` columns where the
    groups allow it, indented by ``unit`` per level."""
    return _Printer(print_width, unit).print(doc)
