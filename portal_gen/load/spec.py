"""Load an OpenAPI description from one or several files into one bundled document.

External ``$ref``s (other files of the project) are resolved here, and only here:
component-shaped targets and schemas are hoisted into the root document's
``components`` under a stable name, everything else is inlined. The result holds
internal refs only, so later stages never touch the disk or the network. An origin
map lets every later diagnostic point at the file and line the value came from.
"""

from __future__ import annotations

import copy
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, Location, PortalError, display_path
from .sources import DEFAULT_MAX_BYTES, Document, Pointer, load_document, parse_text

COMPONENT_KINDS = frozenset(
    {
        "schemas",
        "parameters",
        "responses",
        "requestBodies",
        "headers",
        "examples",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
    }
)
# Keys whose value is a schema, and keys whose value maps names (or lists) to schemas.
_SCHEMA_VALUE_KEYS = frozenset(
    {
        "schema",
        "items",
        "not",
        "additionalProperties",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedProperties",
        "unevaluatedItems",
        "additionalItems",
    }
)
_SCHEMA_MAP_KEYS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_SCHEMA_LIST_KEYS = frozenset({"allOf", "oneOf", "anyOf", "prefixItems"})


@dataclass
class SpecSource:
    """The bundled OpenAPI document and where each part of it came from."""

    data: dict[str, Any]
    root: Document
    project_dir: Path
    documents: dict[str, Document] = field(default_factory=dict)
    # Bundled pointer prefix -> (document, pointer in that document).
    origins: dict[Pointer, tuple[Document, Pointer]] = field(default_factory=dict)
    # What reading it found that does not stop a build (a broken internal $ref), and
    # where the objects holding those $refs are.
    problems: list[Diagnostic] = field(default_factory=list)
    broken_refs: list[Pointer] = field(default_factory=list)
    # Components brought in from other files under a name the bundler made up
    # (``item2`` when ``item`` was taken): (kind, name).
    hoisted: set[tuple[str, str]] = field(default_factory=set)

    @property
    def version(self) -> str:
        return str(self.data.get("openapi", ""))

    def locate(self, pointer: Any = ()) -> Location:
        """Where the bundled value at ``pointer`` is written in the user's files."""
        parts = tuple(str(p) for p in pointer)
        for cut in range(len(parts), 0, -1):
            origin = self.origins.get(parts[:cut])
            if origin is not None:
                document, base = origin
                return document.locate(base + parts[cut:])
        return self.root.locate(parts)


@dataclass(frozen=True)
class RefPolicy:
    """What the loader may read: ``$ref`` targets outside the project, and how big a file."""

    allow_outside_project: bool = False
    allow_remote: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


def load_spec(path: Path, project_dir: Path, policy: RefPolicy = RefPolicy()) -> SpecSource:
    """Read the spec at ``path`` and every file it refers to; return the bundle."""
    project_dir = project_dir.resolve()
    path = path.resolve() if path.is_absolute() else (project_dir / path).resolve()
    root = load_document(path, display_path(path, project_dir), policy.max_bytes)
    data = root.data
    if not isinstance(data, dict):
        raise PortalError(
            "an OpenAPI description must be a mapping (at the top level)",
            root.locate(),
            "start the file with 'openapi: 3.1.0' followed by 'info' and 'paths'",
        )
    _check_version(data, root)
    source = SpecSource(data=data, root=root, project_dir=project_dir)
    source.documents[root.path.as_posix()] = root
    _Bundler(source, policy).run()
    return source


def _check_version(data: dict[str, Any], root: Document) -> None:
    if "swagger" in data:
        raise PortalError(
            f"Swagger {data['swagger']} is not supported; portal reads OpenAPI 3.0 and 3.1 (at swagger)",
            root.locate(("swagger",)),
            "convert it first, e.g. `npx swagger2openapi openapi.yaml -o openapi3.yaml`, "
            "then point portal at the converted file",
        )
    version = data.get("openapi")
    if version is None:
        raise PortalError(
            "missing 'openapi' version field (at the top level)",
            root.locate(),
            "add `openapi: 3.1.0` (or 3.0.3) as the first line",
        )
    if not re.match(r"^3\.[01]\.\d+", str(version)):
        raise PortalError(
            f"unsupported OpenAPI version '{version}' (at openapi)",
            root.locate(("openapi",)),
            "portal reads OpenAPI 3.0.x and 3.1.x; quote the version, e.g. openapi: '3.1.0'",
        )


class _Bundler:
    def __init__(self, source: SpecSource, policy: RefPolicy) -> None:
        self.source = source
        self.policy = policy
        # (file, pointer) -> bundled ref for targets already hoisted.
        self.hoisted: dict[tuple[str, Pointer], str] = {}
        self.inline_stack: list[tuple[str, Pointer]] = []
        self.internal_refs: list[tuple[str, Pointer]] = []
        # Root component slots whose content is an external target, and that target.
        self.aliases: dict[Pointer, tuple[str, Pointer]] = {}

    def run(self) -> None:
        data = self.source.data
        if self._only_sound_internal_refs():
            return  # nothing to bundle, nothing broken: the walk below would change nothing
        self._claim_component_aliases()
        self._walk(data, self.source.root, (), (), in_schema=False)
        for ref, where in self.internal_refs:
            if resolve_pointer(data, parse_fragment(ref)) is MISSING:
                # Big generated specs ship with one or two (Square's); the rest of the
                # spec is as readable as ever: shown unresolved, reported as a warning.
                self.source.broken_refs.append(where)
                self.source.problems.append(
                    Diagnostic(
                        f"broken $ref '{ref}': nothing is defined at that location{at((*where, '$ref'))}",
                        self.source.locate((*where, "$ref")),
                        _missing_hint(data, parse_fragment(ref)),
                        rule="spec-invalid",
                        severity="warning",
                    )
                )

    def _only_sound_internal_refs(self) -> bool:
        """Whether every ``$ref`` of the root document points into it, at something.

        Most specs are one file: checking each distinct ``$ref`` once takes a fifth of
        the walk's time on GitHub's (which tracks where each one is written, to bundle
        external ones and to locate a broken one: it runs when this says no).
        """
        root = self.source.root
        refs: set[str] = set(root.refs) if root.refs is not None else set()
        if any(not ref.startswith("#") for ref in refs):
            return False
        stack: list[Any] = [self.source.data] if root.refs is None else []  # JSON: parsing noted them
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    if not ref.startswith("#"):
                        return False
                    refs.add(ref)
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
            else:
                stack.extend(v for v in node if isinstance(v, (dict, list)))
        data = self.source.data
        return all(resolve_pointer(data, parse_fragment(ref)) is not MISSING for ref in refs)

    def _claim_component_aliases(self) -> None:
        """Root components that are only an external $ref keep their own name.

        ``Error: {$ref: common.yaml#/components/schemas/Error}`` must bundle as
        ``Error``, even when a path refers to the same target before the walk
        reaches the components.
        """
        components = self.source.data.get("components")
        if not isinstance(components, dict):
            return
        root = self.source.root
        for kind, entries in components.items():
            if kind not in COMPONENT_KINDS or not isinstance(entries, dict):
                continue
            for name, node in entries.items():
                ref = node.get("$ref") if isinstance(node, dict) else None
                if not isinstance(ref, str) or ref.startswith("#"):
                    continue
                where = root.locate(("components", kind, name, "$ref"))
                url, _, fragment = ref.partition("#")
                target_doc = self._open(url, root, where)
                key = (target_doc.path.as_posix(), parse_fragment("#" + fragment))
                self.hoisted.setdefault(key, f"#/components/{kind}/{escape_segment(name)}")
                self.aliases[("components", kind, name)] = key

    # -- walking ---------------------------------------------------------------------

    def _walk(self, node: Any, doc: Document, doc_ptr: Pointer, out_ptr: Pointer, *, in_schema: bool) -> None:
        """Rewrite external refs below ``node``.

        ``doc_ptr`` is where ``node`` sits in ``doc``; ``out_ptr`` is where it sits in
        the bundle. Iterative over the tree would be faster, but the recursion depth
        is bounded by the nesting of the user's YAML, not by $ref chains.
        """
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    resolved = self._rewrite(ref, doc, doc_ptr, out_ptr, in_schema=in_schema)
                except PortalError as exc:
                    raise _located(exc, (*doc_ptr, "$ref"), doc.locate((*doc_ptr, "$ref"))) from None
                if isinstance(resolved, str):
                    node["$ref"] = resolved
                elif isinstance(resolved, _Scalar):
                    node.clear()  # the parent puts the value in this node's place
                    node[_SCALAR] = resolved.value
                    return
                else:
                    # Inlined: the target replaces the reference; sibling keys such as
                    # `description` (allowed next to $ref in 3.1) override the target's.
                    siblings = {k: v for k, v in node.items() if k != "$ref"}
                    node.clear()
                    node.update(resolved)
                    node.update(siblings)
                    return
            # A snapshot: hoisting adds components to the root while we walk it.
            literal = _literal_keys(doc_ptr, in_schema)
            for key, value in list(node.items()):
                if key == "$ref" or key in literal or not isinstance(value, (dict, list)):
                    continue  # an example's value is data, whatever it holds ("$ref" too)
                child_schema = _child_in_schema(key, doc_ptr, in_schema)
                if isinstance(value, dict) and (
                    (key in _SCHEMA_MAP_KEYS and in_schema) or _is_schemas_map(doc_ptr, key)
                ):
                    for name, sub in list(value.items()):
                        if isinstance(sub, (dict, list)):
                            self._walk(sub, doc, (*doc_ptr, key, name), (*out_ptr, key, name), in_schema=True)
                            _put_scalar(value, name, sub)
                    continue
                self._walk(value, doc, (*doc_ptr, key), (*out_ptr, key), in_schema=child_schema)
                _put_scalar(node, key, value)
        elif isinstance(node, list):
            parent = doc_ptr[-1] if doc_ptr else ""
            item_schema = (in_schema and parent in _SCHEMA_LIST_KEYS) or (in_schema and parent == "items")
            for index, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    self._walk(item, doc, (*doc_ptr, str(index)), (*out_ptr, str(index)), in_schema=item_schema)
                    _put_scalar(node, index, item)

    def _rewrite(
        self, ref: str, doc: Document, doc_ptr: Pointer, out_ptr: Pointer, *, in_schema: bool
    ) -> str | dict[str, Any] | _Scalar:
        """Return the bundled ref for ``ref``, or the content to inline in its place."""
        url, _, fragment = ref.partition("#")
        if not url and doc is self.source.root:
            self.internal_refs.append((ref, out_ptr))
            return ref
        where = doc.locate((*doc_ptr, "$ref"))
        target_doc = self._open(url, doc, where) if url else doc
        pointer = parse_fragment("#" + fragment)
        target = resolve_pointer(target_doc.data, pointer)
        if target is MISSING:
            raise PortalError(
                f"broken $ref '{ref}': nothing is defined at '#{fragment}' in {target_doc.display}",
                where,
                _missing_hint(target_doc.data, pointer),
            )
        key = (target_doc.path.as_posix(), pointer)
        if self.aliases.get(out_ptr) == key:
            # This slot is where the aliased target lives: put its content here.
            copied = copy.deepcopy(target)
            self.source.origins[out_ptr] = (target_doc, pointer)
            self._walk(copied, target_doc, pointer, out_ptr, in_schema=out_ptr[1] == "schemas")
            return copied if isinstance(copied, dict) else {}
        if key in self.hoisted:
            return self.hoisted[key]
        kind, name = _component_slot(pointer, target_doc, in_schema)
        if kind is None:
            if key in self.inline_stack:
                raise PortalError(
                    f"circular $ref '{ref}' outside a schema cannot be inlined",
                    where,
                    "move the referenced object under components/ and refer to it there",
                )
            copied = copy.deepcopy(target)
            if not isinstance(copied, dict):
                # A description kept in a file of its own, say: the value takes the
                # $ref's place, as other tools bundle it.
                self.source.origins[out_ptr] = (target_doc, pointer)
                return _Scalar(copied)
            self.inline_stack.append(key)
            self.source.origins[out_ptr] = (target_doc, pointer)
            self._walk(copied, target_doc, pointer, out_ptr, in_schema=in_schema)
            self.inline_stack.pop()
            return copied
        assert name is not None
        components = self.source.data.setdefault("components", {})
        slot = components.setdefault(kind, {})
        unique = name
        counter = 2
        while unique in slot:
            unique = f"{name}{counter}"
            counter += 1
        bundled = f"#/components/{kind}/{escape_segment(unique)}"
        self.hoisted[key] = bundled
        slot[unique] = {}  # placeholder, so that cycles find the name taken
        copied = copy.deepcopy(target)
        out = ("components", kind, unique)
        self.source.origins[out] = (target_doc, pointer)
        self.source.hoisted.add((kind, unique))
        self._walk(copied, target_doc, pointer, out, in_schema=kind == "schemas")
        slot[unique] = copied
        return bundled

    def _open(self, url: str, doc: Document, where: Location) -> Document:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme in ("http", "https"):
            if not self.policy.allow_remote:
                raise PortalError(
                    f"$ref to the network refused: {url}",
                    where,
                    "download the file into the project and refer to it by a relative path, "
                    "or set `allow_remote_refs: true` for the portal plugin in mkdocs.yml",
                )
            return self._fetch(url, where)
        if parsed.scheme and parsed.scheme != "file":
            raise PortalError(f"unsupported $ref scheme '{parsed.scheme}:' in {url}", where)
        raw = urllib.parse.unquote(parsed.path)
        target = (doc.path.parent / raw).resolve() if not Path(raw).is_absolute() else Path(raw).resolve()
        if not self.policy.allow_outside_project and not target.is_relative_to(self.source.project_dir):
            raise PortalError(
                f"$ref leaves the project directory: {url}",
                where,
                "copy the file into the project, or set `allow_external_refs: true` "
                "for the portal plugin in mkdocs.yml if you trust it",
            )
        cached = self.source.documents.get(target.as_posix())
        if cached is not None:
            return cached
        if not target.is_file():
            raise PortalError(
                f"broken $ref: file not found: {url}",
                where,
                f"no file at {display_path(target, self.source.project_dir)}; check the relative path",
            )
        loaded = load_document(target, display_path(target, self.source.project_dir), self.policy.max_bytes)
        self.source.documents[target.as_posix()] = loaded
        return loaded

    def _fetch(self, url: str, where: Location) -> Document:
        base = url.partition("#")[0]
        cached = self.source.documents.get(base)
        if cached is not None:
            return cached
        try:
            with urllib.request.urlopen(base, timeout=20) as response:
                body = response.read(self.policy.max_bytes + 1)
        except OSError as exc:
            raise PortalError(f"could not fetch $ref {base}: {exc}", where) from None
        if len(body) > self.policy.max_bytes:
            raise PortalError(
                f"$ref {base} is over the {self.policy.max_bytes // (1024 * 1024)} MB limit",
                where,
                "raise `max_file_size` (in MB) in the portal plugin's options if it is meant to be this big",
            )
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PortalError(f"$ref {base} is not valid UTF-8 ({exc.reason})", where) from None
        loaded = Document(Path(urllib.parse.urlsplit(base).path), base, text, parse_text(text, base))
        self.source.documents[base] = loaded
        return loaded


class _Missing:
    pass


@dataclass(frozen=True)
class _Scalar:
    """What an external ``$ref`` to a string, number or list stands for."""

    value: Any


_SCALAR = "\0portal-scalar"  # marks, for a moment, a node its parent replaces by a value


def _put_scalar(parent: Any, key: Any, child: Any) -> None:
    if isinstance(child, dict) and _SCALAR in child:
        parent[key] = child[_SCALAR]


# Keys whose value maps names to objects: a name there is never a keyword.
_NAME_MAPS = frozenset(
    {
        "paths",
        "webhooks",
        "responses",
        "content",
        "headers",
        "examples",
        "callbacks",
        "links",
        "encoding",
        "variables",
        "mapping",
        *COMPONENT_KINDS,
    }
)


def _literal_keys(doc_ptr: Pointer, in_schema: bool) -> frozenset[str]:
    """The keys of the object at ``doc_ptr`` whose values are data, not OpenAPI: the
    ``$ref``s written there (in an example of a JSON Schema, say) are not followed."""
    if doc_ptr and doc_ptr[-1] in _NAME_MAPS and not in_schema:
        return frozenset()
    if in_schema:
        return frozenset({"example", "examples", "default", "const", "enum"})
    return frozenset({"example", "value"})


def at(pointer: Pointer) -> str:
    """`` (at paths → /x → get)``: where in the document a message is about."""
    return f" (at {' → '.join(pointer)})" if pointer else " (at the top level)"


def _located(error: PortalError, pointer: Pointer, where: Location) -> PortalError:
    """``error`` with the JSON pointer of the ``$ref`` at ``where`` in each message about
    it (not in those about the file it opened: a syntax error there, say)."""
    suffix = at(pointer)
    diagnostics = [
        replace(d, message=d.message + suffix) if d.location == where and " (at " not in d.message else d
        for d in error.diagnostics
    ]
    return PortalError.from_diagnostics(diagnostics)


MISSING: Any = _Missing()


def escape_segment(segment: str) -> str:
    """One JSON pointer segment, escaped (``~`` and ``/``)."""
    return segment.replace("~", "~0").replace("/", "~1")


def parse_fragment(ref: str) -> Pointer:
    """The JSON pointer after ``#`` in a reference, unescaped."""
    fragment = ref.partition("#")[2]
    if not fragment:
        return ()
    fragment = urllib.parse.unquote(fragment)
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in fragment.lstrip("/").split("/"))


def resolve_pointer(data: Any, pointer: Pointer) -> Any:
    """The node at ``pointer`` in ``data``, or :data:`MISSING`."""
    node = data
    for part in pointer:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def _missing_hint(data: Any, pointer: Pointer) -> str:
    parent = resolve_pointer(data, pointer[:-1]) if pointer else MISSING
    if isinstance(parent, dict) and parent:
        names = sorted(str(k) for k in parent)
        close = [n for n in names if n.lower() == pointer[-1].lower()]
        if close:
            return f"did you mean '{close[0]}'? names are case-sensitive"
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        return f"defined there: {shown}"
    return "check the spelling of the path after '#'"


def _component_slot(pointer: Pointer, doc: Document, in_schema: bool) -> tuple[str | None, str | None]:
    if len(pointer) == 3 and pointer[0] == "components" and pointer[1] in COMPONENT_KINDS:
        return pointer[1], pointer[2]
    if in_schema:
        # A schema in a file of its own (`$ref: schemas/Pet.yaml`) or below some
        # other pointer: name it after the file or the last pointer segment.
        name = pointer[-1] if pointer else doc.path.stem
        return "schemas", re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "Schema"
    return None, None


def _is_schemas_map(doc_ptr: Pointer, key: str) -> bool:
    return (doc_ptr[-1:] == ("components",) and key == "schemas") or key == "$defs"


def _child_in_schema(key: str, doc_ptr: Pointer, in_schema: bool) -> bool:
    if key in _SCHEMA_VALUE_KEYS:
        # `schema` is a schema anywhere; the other keywords only inside a schema.
        return key == "schema" or in_schema
    if key in _SCHEMA_LIST_KEYS:
        return in_schema
    return False
