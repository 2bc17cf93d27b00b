"""Speed fixes for openapi-spec-validator and the path library under it.

They change how fast a spec is validated, never what is validated or any error's
message (one error gains a location: see ``_remember_meta_checks``).
On GitHub's REST description (openapi-spec-validator 0.9.0, pathable 0.6, Python 3.11)
they take validation from about 30 s of CPU to about 13 s:

* ``SchemaValidator`` keeps the ids of the schemas it has already checked in lists
  and tests membership with ``in``, so N schemas cost O(N²) comparisons (about 14 s).
  Sets that also answer ``append`` replace those lists.
* pathable checks every step into the document with ``isinstance(node,
  Subscriptable)``, a runtime-checkable Protocol, which Python 3.11 answers slowly
  (about 2 s). Dicts and lists, which a loaded document is made of, skip the check:
  they pass it anyway.
* jsonschema-path resolves each path into the document (``paths → /x → get →
  responses → 200 → …``, following ``$ref``s) from its longest cached prefix, keeps
  whole paths in a 128-entry LRU, and pays for ``typing.cast(Resolved[...])`` on every
  step; the validator asks for 480,000 paths, 80,000 of them distinct. An unbounded
  dict of whole paths, each resolved one step from its parent's entry, answers the
  same ``Resolved`` for each: about a third of what validation costs (GitHub's spec,
  memo filled: 4.4 s to 2.8 s; cold: 13.9 s to 10.4 s).

And one memo, :class:`SchemaVerdicts`: checking each schema against the JSON Schema
meta-schema is most of what is left (about 7 s of GitHub's 10), and its verdict
depends on the schema's content alone. A schema whose content passed before passes
again without the check. A build keeps the verdicts in its cache: after one
description is edited, GitHub's spec validates in about 2.5 s instead of 10
(``python benchmarks/validate_spec.py``).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import math
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..checks.spec import SchemaVerdicts

_ID_LISTS = ("visited_schema_ids", "meta_checked_schema_ids")


class _IdSet(set[int]):
    """A set with ``list.append``'s name, which is all the validator calls on it."""

    append = set.add


_verdicts: SchemaVerdicts | None = None


@contextlib.contextmanager
def remembering(verdicts: SchemaVerdicts | None) -> Iterator[None]:
    """Validate with ``verdicts`` consulted and added to (``None``: check every schema)."""
    global _verdicts
    previous, _verdicts = _verdicts, verdicts
    try:
        yield
    finally:
        _verdicts = previous


@contextlib.contextmanager
def fixed() -> Iterator[None]:
    """Validate with the fixes applied; every patched class is as it was on return
    (a library version without the slow code is left alone)."""
    undo_from = len(_undo)
    try:
        _use_id_sets()
        _skip_protocol_check()
        _cache_resolved_paths()
        _remember_meta_checks()
        yield
    finally:
        while len(_undo) > undo_from:
            owner, name, original = _undo.pop()
            if original is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


_MISSING = object()
_undo: list[tuple[Any, str, Any]] = []  # (class, attribute, what its __dict__ held), in order


def _patch(owner: Any, name: str, value: Any) -> None:
    _undo.append((owner, name, owner.__dict__.get(name, _MISSING)))
    setattr(owner, name, value)


def _unfixed(module: str, cls_name: str, name: str) -> tuple[Any, Any] | None:
    """The class ``module.cls_name`` and its ``name`` as the library defines it; ``None``
    when another version has neither, or it is already replaced (``install`` ran)."""
    try:
        cls = getattr(importlib.import_module(module), cls_name)
    except (ImportError, AttributeError):
        return None
    original = getattr(cls, name, None)
    return None if original is None or getattr(original, "_portal_fix", False) else (cls, original)


def _remember_meta_checks() -> None:
    found = _unfixed("openapi_spec_validator.validation.keywords", "SchemaValidator", "_validate_schema_meta")
    if found is None:
        return
    cls, original = found

    def _validate_schema_meta(self: Any, schema: Any, schema_value: Any) -> Any:
        verdicts = _verdicts
        key = verdicts.key(self, schema, schema_value) if verdicts is not None else None
        if verdicts is not None and key is not None and key in verdicts.known:
            verdicts.used.add(key)
            return None
        error = None if _passes_draft4_quickly(self, schema, schema_value) else original(self, schema, schema_value)
        if error is None and verdicts is not None and key is not None:
            verdicts.known.add(key)
            verdicts.used.add(key)
        elif error is not None:
            # The check's error is located in the schema it checked: locate the schema.
            parts = getattr(schema, "parts", None)
            if isinstance(parts, (tuple, list)) and hasattr(error, "path"):
                error.path.extendleft(reversed(parts))
        return error

    _validate_schema_meta._portal_fix = True  # type: ignore[attr-defined]
    _patch(cls, "_validate_schema_meta", _validate_schema_meta)


def _passes_draft4_quickly(validator: Any, schema: Any, value: Any) -> bool:
    """Whether an OpenAPI 3.0 schema passes the meta-schema check, known without it: it
    passes jsonschema-rs's draft-04 validation, and holds nothing on which jsonschema-rs
    and Python's jsonschema might disagree. ``False`` means "ask the check", never "fails".

    3.0's check is ``OAS30Validator.check_schema``: Python's draft-04 validation against
    the draft-04 meta-schema, with OpenAPI 3.0's format checker, which only tests
    ``pattern`` values there. jsonschema-rs (a dependency already: the whole document is
    validated with it) does the same work many times faster, and what it might judge
    otherwise is left to the check: a ``pattern`` its format checker refuses; a float equal
    to an integer (draft-04 has no integral floats, and ``1`` and ``1.0`` are one item
    to Python's ``uniqueItems``); values that are not JSON (dates from YAML, huge
    integers), which jsonschema-rs refuses. Not for 3.1, whose check depends on the
    dialect each schema names.
    """
    from . import enabled

    ecma = enabled("spec_patterns")
    found = _draft4_checker(ecma)
    if found is None:
        return False
    check, faster = found
    try:
        if validator._get_schema_checker(schema, value) != check:
            return False  # 3.1's, say: not walked for nothing
    except Exception:  # an unknown dialect, say: the check reports it
        return False
    if not _agreeable(value, ecma):
        return False
    try:
        return bool(faster.is_valid(value))
    except Exception:  # not a JSON value jsonschema-rs can read: ask the check
        return False


@functools.cache
def _draft4_checker(ecma: bool) -> tuple[Any, Any] | None:
    """3.0's meta-schema check (with ``ecma``, as ``spec_patterns`` makes it) and a
    jsonschema-rs validator doing its work; ``None`` when the libraries installed check
    otherwise (or jsonschema-rs is missing)."""
    try:
        import jsonschema_rs
        from jsonschema.validators import Draft4Validator, validator_for
        from openapi_schema_validator import OAS30Validator
    except ImportError:
        return None
    meta = OAS30Validator.META_SCHEMA
    formats = set(re.findall(r"""['"]format['"]: ['"]([^'"]*)""", repr(meta)))
    if validator_for(meta, default=OAS30Validator) is not Draft4Validator or formats - {"regex"}:
        return None
    if not ecma:
        return OAS30Validator.check_schema, jsonschema_rs.Draft4Validator(meta)
    from ..checks.ecma import ecma_validator  # what spec_patterns makes the check

    return ecma_validator(OAS30Validator).check_schema, jsonschema_rs.Draft4Validator(meta)


@functools.lru_cache(maxsize=4096)
def _regex_conforms(pattern: str, ecma: bool) -> bool:
    """The check's own verdict on a ``pattern``: ECMA-262's with the ``u`` flag (see
    checks.ecma) under ``spec_patterns``, else its format checker's."""
    if ecma:
        from ..checks.ecma import is_regex

        return is_regex(pattern)
    from openapi_schema_validator import OAS30Validator

    return bool(OAS30Validator.FORMAT_CHECKER.conforms(pattern, "regex"))


def _agreeable(value: Any, ecma: bool) -> bool:
    """Only JSON values (string keys; no NaN or infinity), no ``pattern`` the check
    refuses and no integral float, at any depth."""
    stack = [value]
    while stack:
        node = stack.pop()
        items: Iterable[tuple[Any, Any]]
        if isinstance(node, dict):
            items = node.items()
        elif isinstance(node, list):
            items = ((None, item) for item in node)
        else:
            return _json_scalar(node)
        for key, item in items:
            if key is not None and not isinstance(key, str):
                return False
            if isinstance(item, (dict, list)):
                stack.append(item)
            elif not _json_scalar(item) or (
                key == "pattern" and isinstance(item, str) and not _regex_conforms(item, ecma)
            ):
                return False
    return True


def _json_scalar(value: Any) -> bool:
    if isinstance(value, float):  # NaN and infinities: not JSON, and not alike to both
        return math.isfinite(value) and not value.is_integer()
    return value is None or isinstance(value, (str, int))  # bool is an int


def _use_id_sets() -> None:
    from openapi_spec_validator.validation import keywords  # imported when validation runs

    cls: Any = keywords.SchemaValidator
    if getattr(cls.__init__, "_portal_fix", False):
        return
    original = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for name in _ID_LISTS:
            value = getattr(self, name, None)
            if isinstance(value, list):
                setattr(self, name, _IdSet(value))

    __init__._portal_fix = True  # type: ignore[attr-defined]
    _patch(cls, "__init__", __init__)


def _skip_protocol_check() -> None:
    found = _unfixed("pathable.accessors", "SubscriptableAccessor", "_get_subnode")
    if found is None:
        return
    cls, original = found

    def _get_subnode(accessor: Any, node: Any, part: Any) -> Any:
        if type(node) is dict or type(node) is list:
            try:
                return node[part]
            except (KeyError, IndexError, TypeError) as exc:
                raise KeyError(part) from exc
        return original(node, part)

    _get_subnode._portal_fix = True  # type: ignore[attr-defined]
    _patch(cls, "_get_subnode", classmethod(_get_subnode))


def _cache_resolved_paths() -> None:
    found = _unfixed("jsonschema_path.accessors", "SchemaAccessor", "get_resolved")
    if found is None:
        return
    cls, original = found
    from jsonschema_path.nodes import SchemaNode  # jsonschema-path's own, as its resolver
    from referencing._core import Resolved

    resolve_node = SchemaNode._resolve_node
    get_subnode = SchemaNode._get_subnode  # dicts and lists fast: _skip_protocol_check ran first

    def get_resolved(self: Any, parts: Any) -> Any:
        # What the original computes: the parent path's Resolved, one step into its
        # contents, and the $ref chain there followed by the parent's resolver. The
        # entries hold as long as the registry does (it grows when a $ref retrieves
        # another document); a new registry starts the dict afresh.
        registry = self._path_resolver.resolver._registry
        cache = self.__dict__.get("_portal_resolved")
        if cache is None or cache[None] is not registry:
            cache = self.__dict__["_portal_resolved"] = {None: registry}
        try:
            return cache[parts]
        except KeyError:
            pass
        except TypeError:  # unhashable parts: not a path this dict can hold
            return original(self, parts)
        if not parts:
            resolved = original(self, parts)
        else:
            parent = get_resolved(self, parts[:-1])
            node = get_subnode(parent.contents, parts[-1])
            if isinstance(node, dict) and isinstance(node.get("$ref"), str):  # is_ref()
                resolved = resolve_node(node, parent.resolver)
                if resolved.resolver._registry is not registry:
                    # The $ref retrieved a document: let the original record it.
                    self.__dict__.pop("_portal_resolved", None)
                    return original(self, parts)
            else:
                resolved = Resolved(node, parent.resolver)  # type: ignore[call-arg]  # attrs, as jsonschema-path calls it
        cache[parts] = resolved
        return resolved

    get_resolved._portal_fix = True  # type: ignore[attr-defined]
    _patch(cls, "get_resolved", get_resolved)
