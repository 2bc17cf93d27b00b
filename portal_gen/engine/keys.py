"""What a cached page, verdict or memo is keyed by: hashes of portal's code, the
validator's, a folder's files, the plugin options, and of each part of the spec with
every ``$ref`` it reaches (:class:`SpecDigests`). Keys over-approximate: an edit can
render a page that comes out the same, never the reverse."""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import fields
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, ClassVar

from ..config import PortalConfig


def digest(*parts: Any) -> str:
    """A stable hash of JSON-like values (other objects by their ``repr``)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def code_digest() -> str:
    """portal's own code, templates and assets: editing portal invalidates every page."""
    hasher = hashlib.sha256()
    root = resources.files("portal_gen")
    for path in sorted(Path(str(root)).rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".j2", ".css", ".js", ".json"):
            hasher.update(path.relative_to(str(root)).as_posix().encode())
            hasher.update(path.read_bytes())
    for package in ("mkdocs", "mkdocs-material", "pygments", "markdown-it-py", "nh3", "jinja2"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            hasher.update(f"{package}={metadata.version(package)}".encode())
    return hasher.hexdigest()


@cache
def validator_digest() -> str:
    """The validator's code: what a spec's validation verdict depends on besides the spec."""
    versions = []
    for package in (
        "openapi-spec-validator",
        "openapi-schema-validator",
        "jsonschema",
        "jsonschema-path",
        "jsonschema-rs",
        "jsonschema-specifications",
        "referencing",
        "regress",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package}={metadata.version(package)}")
    return digest(code_digest(), versions)


def folder_digest(folder: Path) -> str:
    """Every file under ``folder`` (the user's templates), by path and content."""
    hasher = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


class SpecDigests:
    """Hashes of parts of the bundled spec, each with every component it reaches."""

    # The $refs inside each value hashed by the last instance that called remember(),
    # by the value's hash: under `serve`, a rebuild after an edit finds most of them
    # here instead of walking the spec again (content-addressed, so never stale).
    _remembered: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init__(self, data: Mapping[str, Any], known: Mapping[str, Any] | None = None) -> None:
        """``known``: the ``$ref``s of values by their hash, as :meth:`learnt` gave them
        (the last build's, from the cache: never stale, as a hash names one value); by
        default what the last instance that called :meth:`remember` learnt."""
        self.data = data
        self._nodes: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._refs: dict[str, tuple[str, ...]] = {}
        self._known = known if known is not None else self._remembered
        self.walked = 0  # values whose $refs were not known, found by walking them

    def reach(self, *pointers: str) -> str:
        """A hash of the values at ``pointers`` (JSON pointers like ``#/paths/~1pets``) and
        of every value their ``$ref`` chains lead to."""
        seen: dict[str, str] = {}
        stack = list(pointers)
        while stack:
            pointer = stack.pop()
            if pointer in seen:
                continue
            own, refs = self._node(pointer)
            seen[pointer] = own
            stack.extend(r for r in refs if r not in seen)
        text = "\n".join(f"{pointer}\t{own}" for pointer, own in sorted(seen.items()))
        return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()

    def learnt(self) -> Mapping[str, tuple[str, ...]]:
        """The ``$ref``s of each value hashed so far, by the value's hash."""
        return self._refs

    @classmethod
    def remembers(cls) -> bool:
        """Whether an instance remembered what it learnt in this process (``serve``)."""
        return bool(cls._remembered)

    def remember(self) -> None:
        """Keep what this instance learnt for the next one (and only that: bounded)."""
        SpecDigests._remembered = self._refs

    def _node(self, pointer: str) -> tuple[str, tuple[str, ...]]:
        found = self._nodes.get(pointer)
        if found is None:
            value = _resolve(self.data, pointer)
            own = _value_digest(value)
            refs = self._refs.get(own)
            if refs is None:
                refs = _strings(self._known.get(own))
            if refs is None:
                refs = tuple(sorted(set(_refs(value))))
                self.walked += 1
            self._refs[own] = refs
            found = self._nodes[pointer] = (own, refs)
        return found


def _strings(found: Any) -> tuple[str, ...] | None:
    """``found`` as a tuple of strings, or ``None`` when it is not a sequence of them
    (a record this code did not write)."""
    if isinstance(found, (list, tuple)) and all(isinstance(item, str) for item in found):
        return tuple(found)
    return None


def _value_digest(value: Any) -> str:
    """A hash of a value of the spec: through ``marshal`` (format 2, which has no
    back-references: equal values give equal bytes, and 1, 1.0, True and "1" differ),
    four times as fast as JSON; a value marshal refuses (a YAML date) through JSON."""
    try:
        data = b"m" + marshal.dumps(value, 2)
    except ValueError:
        return digest(value)
    return hashlib.sha256(data).hexdigest()


def pointer_of(*parts: str) -> str:
    """``("paths", "/pets")`` -> ``#/paths/~1pets`` (a ``%`` as ``%25``: a fragment is
    percent-decoded before it is read as a pointer, as a ``$ref``'s is)."""
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1").replace("%", "%25") for p in parts)


def _resolve(data: Any, pointer: str) -> Any:
    value = data
    fragment = urllib.parse.unquote(pointer.removeprefix("#"))  # as parse_fragment reads a $ref
    for raw in fragment.lstrip("/").split("/") if fragment else ():
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None  # validation reports broken references; here they hash as nothing
    return value


_SCOPED = frozenset({"$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "discriminator"})


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _refs(value: Any) -> Iterable[str]:
    """The pointers what ``value`` shows or checks may depend on: its ``$ref``s, and
    more where a plain pointer cannot say which value is meant."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in _SCALARS:  # most of a spec: answered before the slower Mapping check
            continue
        if kind is list:
            stack.extend(item)
        elif kind is dict or isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                # "#name" names a 3.1 $anchor, wherever it is: the whole document.
                yield ref if ref == "#" or ref.startswith("#/") else "#"
            if not _SCOPED.isdisjoint(item):  # rare: one C call answers for most values
                if any(isinstance(item.get(k), str) for k in ("$id", "$anchor", "$dynamicRef", "$dynamicAnchor")):
                    yield "#"  # refs then resolve against other bases or scopes: all of it
                if isinstance(item.get("discriminator"), Mapping):
                    # A discriminator picks a schema by a name in its mapping, or by the
                    # name of any component schema: strings, not $refs.
                    yield "#/components/schemas"
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def config_digest(config: PortalConfig) -> str:
    """The plugin options and site settings a page can show."""
    settings = {f.name: getattr(config, f.name) for f in fields(config) if f.name != "project_dir"}
    # Pages show the site's path, never its host: `serve` sets site_url to its own address.
    settings["site_url"] = urllib.parse.urlsplit(config.site_url).path
    return digest(settings)
