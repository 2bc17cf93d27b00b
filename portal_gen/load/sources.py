"""Reading YAML and JSON source files, with a source map for every value.

This is the only module that parses user files. Parsing is fast (libyaml or the
json module); the source map (JSON pointer -> line:column) is built lazily, only
when a diagnostic needs a location, so valid inputs never pay for it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Location, PortalError

Pointer = tuple[str, ...]

# A spec or content file bigger than this is refused before it is read (the plugin's
# `max_file_size` option, in megabytes, changes it). GitHub's description, the biggest
# we know of, is 13 MB as JSON.
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# YAML aliases may make a document stand for more values than it writes: a few lines of
# nested aliases ("billion laughs") stand for hundreds of millions, and every later
# walk of the data pays for each. A document may expand to this many values, or ten
# times the values it writes, whichever is more (as go-yaml bounds alias expansion by
# the document's own size).
ALIAS_EXPANSION_FLOOR = 1_000_000
ALIAS_EXPANSION_RATIO = 10

try:  # libyaml is much faster; fall back to the pure-Python parser if it is missing.
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe loader that refuses duplicate keys and keeps dates as strings.

    YAML 1.1 turns ``version: 2026-01-01`` into a date, which no OpenAPI or content
    schema expects; JSON-compatible scalars are what users mean.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool) or key is None:
            # `on:`/`yes:`/`null:` as keys are YAML 1.1 surprises; keep the text as written.
            key = key_node.value
        elif not isinstance(key, str):
            # `200:` in a responses map is an int in YAML; OpenAPI means the string.
            key = str(key)
        if key in result:
            mark = key_node.start_mark
            raise _DuplicateKey(key, mark.line + 1, mark.column + 1)
        result[key] = loader.construct_object(value_node, deep=deep)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, column: int) -> None:
        super().__init__(key)
        self.key, self.line, self.column = key, line, column


@dataclass
class Document:
    """A parsed source file and the means to locate any value in it."""

    path: Path
    display: str
    text: str
    data: Any
    _positions: dict[Pointer, tuple[int, int]] | None = field(default=None, repr=False)
    # Every "$ref" string in the document, when parsing saw them all on the way (JSON).
    refs: frozenset[str] | None = field(default=None, repr=False)

    def locate(self, pointer: Iterable[str | int] = ()) -> Location:
        """Return where the value at ``pointer`` (or its nearest parent) is written."""
        if self._positions is None:
            self._positions = _build_positions(self.text)
        parts = tuple(str(p) for p in pointer)
        while parts and parts not in self._positions:
            parts = parts[:-1]
        line, column = self._positions.get(parts, (1, 1))
        return Location(self.display, line, column)


def _build_positions(text: str) -> dict[Pointer, tuple[int, int]]:
    """Map every JSON pointer in a YAML/JSON text to the line:column where it starts.

    For a mapping entry this is where its key is written, which is where a reader
    looks for it.
    """
    if text.lstrip()[:1] in ("{", "["):
        found = _json_positions(text)
        if found is not None:
            return found
    try:
        root = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return {(): (1, 1)}
    positions: dict[Pointer, tuple[int, int]] = {}
    stack: list[tuple[Pointer, yaml.Node, yaml.Node]] = [((), root, root)] if root else []
    while stack:
        pointer, anchor, node = stack.pop()
        mark = anchor.start_mark
        positions.setdefault(pointer, (mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                stack.append(((*pointer, str(key_node.value)), key_node, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append(((*pointer, str(index)), item, item))
    return positions


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")


def _json_positions(text: str) -> dict[Pointer, tuple[int, int]] | None:
    """:func:`_build_positions` for a JSON text, or ``None`` if it is not JSON.

    YAML reads most JSON, but not all of it (``"\\/"``, which many generators write,
    is no YAML escape), and a minified document is one line: the column is all there
    is to point at, so it must be the exact one.
    """
    positions: dict[Pointer, tuple[int, int]] = {}
    # One frame per open container: its pointer, whether it is an object, the key
    # (object) or index (array) of the slot being read, and whether a key comes next.
    stack: list[list[Any]] = []
    slot: Pointer = ()
    pos, end = 0, len(text)
    line, line_start, counted = 1, 0, 0  # newlines are counted up to `counted`

    def place(offset: int) -> tuple[int, int]:
        nonlocal line, line_start, counted
        newlines = text.count("\n", counted, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, offset) + 1
        counted = offset
        return line, offset - line_start + 1

    try:
        while True:
            pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= end:
                break
            char = text[pos]
            frame = stack[-1] if stack else None
            if char == '"' and frame is not None and frame[1] and frame[3]:
                start = pos
                pos = _JSON_STRING.match(text, pos).end()  # type: ignore[union-attr]
                key = text[start + 1 : pos - 1]
                if "\\" in key:
                    key = json.loads(text[start:pos])
                frame[2], frame[3] = key, False
                positions.setdefault((*frame[0], key), place(start))
                continue
            if char == ":":
                pos += 1
                continue
            if char == ",":
                if frame is not None:
                    if frame[1]:
                        frame[3] = True
                    else:
                        frame[2] += 1
                pos += 1
                continue
            if char in "}]":
                stack.pop()
                pos += 1
                continue
            if frame is not None:
                slot = (*frame[0], frame[2] if frame[1] else str(frame[2]))
            if not frame or not frame[1]:  # an object's member is where its key is
                positions.setdefault(slot, place(pos))
            if char in "{[":
                stack.append([slot, char == "{", "" if char == "{" else 0, char == "{"])
                pos += 1
            elif char == '"':
                pos = _JSON_STRING.match(text, pos).end()  # type: ignore[union-attr]
            else:
                match = _JSON_SCALAR.match(text, pos)
                if match is None:
                    return None
                pos = match.end()
    except (ValueError, IndexError, AttributeError):  # not JSON after all
        return None
    return positions


@dataclass
class _Section(Document):
    prefix: Pointer = ()

    def locate(self, pointer: Iterable[str | int] = ()) -> Location:
        return super().locate((*self.prefix, *(str(p) for p in pointer)))


def config_section(path: Path, display: str, data: Any, key: str) -> Document:
    """The portal plugin's option ``key`` in mkdocs.yml (already parsed by MkDocs, as
    ``data``) as a document whose locations point into mkdocs.yml."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    positions = _build_positions(text)
    entries = [p for p in positions if len(p) == 3 and p[0] == "plugins" and p[2] == "portal"]
    prefix = (*entries[0], key) if entries else ("plugins", "portal", key)
    return _Section(path, display, text, data, positions, prefix=prefix)


def load_document(path: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse a YAML or JSON file, reporting syntax errors with their line.

    A file over ``max_bytes`` is refused unread."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PortalError(
                f"{display} is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit",
                Location(display),
                "if the file is meant to be this big, raise `max_file_size` (in MB) in the portal "
                "plugin's options in mkdocs.yml",
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PortalError(f"file not found: {display}", Location(display), "check the path and its spelling") from None
    except UnicodeDecodeError as exc:
        raise PortalError(
            f"not valid UTF-8 ({exc.reason} at byte {exc.start})",
            Location(display, 1, 1),
            "save the file as UTF-8",
        ) from None
    except IsADirectoryError:
        raise PortalError(f"{display} is a directory, expected a file", Location(display)) from None
    data, refs = _parse(text, display, json_first=path.suffix == ".json")
    return Document(path, display, text, data, refs=refs)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def parse_text(text: str, display: str, *, json_first: bool = False) -> Any:
    """Parse YAML (or JSON, which the fast json module reads first when it is JSON)."""
    return _parse(text, display, json_first=json_first)[0]


def _parse(text: str, display: str, *, json_first: bool) -> tuple[Any, frozenset[str] | None]:
    """The parsed text and, for JSON, every ``"$ref"`` string in it (noted as parsed)."""
    if json_first or text.lstrip().startswith("{"):
        refs: set[str] = set()
        try:
            return json.loads(text, object_pairs_hook=functools.partial(_unique_pairs, refs)), frozenset(refs)
        except json.JSONDecodeError as exc:
            if json_first:
                raise PortalError(
                    f"invalid JSON: {exc.msg}",
                    Location(display, exc.lineno, exc.colno),
                    "check for a missing comma, quote or bracket just before this point",
                ) from None
        except _DuplicateKey:
            pass  # parse again as YAML below, which knows where the duplicate is
    try:
        return _load_yaml(text, display), None
    except _DuplicateKey as exc:
        raise PortalError(
            f"duplicate key '{exc.key}'",
            Location(display, exc.line, exc.column),
            "each key may appear only once in a mapping; remove or rename one of them",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}" if "while" not in exc.context else problem
        raise PortalError(
            f"invalid YAML: {problem}",
            Location(display, mark.line + 1, mark.column + 1) if mark else Location(display),
            _yaml_hint(problem),
        ) from None
    except yaml.YAMLError as exc:
        raise PortalError(f"invalid YAML: {exc}", Location(display, 1, 1)) from None


# An anchor (`&name`) as YAML writes one: after a space, an indicator or a line start.
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)


def _load_yaml(text: str, display: str) -> Any:
    """``yaml.load`` that first refuses a document whose aliases expand it too much."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _ANCHOR.search(text):  # no anchor, no alias: nothing to count
            _check_expansion(node, display)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, display: str) -> None:
    """Raise :class:`PortalError` if ``root`` stands for too many values once its
    aliases are expanded, or if an alias contains itself."""
    size: dict[int, int] = {}  # node id -> values it stands for, aliases expanded
    seen_twice = False
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            continue
        if key in size:
            seen_twice = True
            continue
        if key in open_nodes:
            mark = node.start_mark
            raise PortalError(
                "a YAML alias refers to the node that contains it",
                Location(display, mark.line + 1, mark.column + 1),
                "an alias (*name) must not appear inside its own anchor's (&name) value",
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)
        seen_twice = seen_twice or any(id(child) in size for child in children)
    total, written = size[id(root)], len(size)
    limit = max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_RATIO * written)
    if not seen_twice or total <= limit:
        return
    # Down the biggest branch to the value that holds the repeated aliases.
    node = root
    while children := _children(node):
        biggest = max(children, key=lambda child: size[id(child)])
        if sum(1 for child in children if child is biggest) > 1:
            break
        node = biggest
    where = node.start_mark
    raise PortalError(
        f"YAML aliases expand this file to {total:,} values (it writes {written:,}; the limit is {limit:,})",
        Location(display, where.line + 1, where.column + 1),
        "an alias (*name) copies its anchor's value wherever it appears; aliases of aliases "
        "multiply: write the shared parts once, or use $ref",
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _unique_pairs(refs: set[str], pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey("", 0, 0)
    ref = result.get("$ref")
    if type(ref) is str:
        refs.add(ref)
    return result


def _yaml_hint(problem: str) -> str:
    if "tab" in problem:
        return "indent YAML with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "quote values that contain ': ' or fix the indentation of this line"
    if "could not find expected ':'" in problem:
        return "each mapping entry needs 'key: value'; check for a missing colon or a stray line"
    return "check the indentation and quoting around this line"
