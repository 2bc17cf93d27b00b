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

And one memo, :class:`SchemaVerdicts`: checking each schema against the JSON Schema
meta-schema is two thirds of what is left (about 7 s of GitHub's 10), and its verdict
depends on the schema's content alone. A schema whose content passed before passes
again without the check. A build keeps the verdicts in its cache: after one
description is edited, GitHub's spec validates in about 4 s instead of 10.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

_ID_LISTS = ("visited_schema_ids", "meta_checked_schema_ids")


class _IdSet(set[int]):
    """A set with ``list.append``'s name, which is all the validator calls on it."""

    append = set.add


class SchemaVerdicts:
    """Hashes of the schemas known to pass the meta-schema check.

    A hash covers the validator's class, the schema's JSON Schema dialect (an OpenAPI
    3.1 document may name another) and the schema's ``repr``: exact for what a loaded
    document is made of (``1``, ``1.0``, ``True`` and ``"1"`` differ). Only passes
    are remembered: a schema that fails is checked again, and reported, every time.
    """

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.known = set(known)
        self.used: set[str] = set()  # passed in this validation: what is worth keeping

    def key(self, validator: Any, schema: Any, value: Any) -> str | None:
        dialect = ""
        dialect_of = getattr(validator, "_get_schema_dialect_id", None)
        if dialect_of is not None:
            try:
                dialect = str(dialect_of(schema, value))
            except ValueError:  # an unknown dialect: the check itself reports it
                return None
        kind = f"{type(validator).__module__}.{type(validator).__qualname__}"
        text = f"{kind}\0{dialect}\0{value!r}"
        return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


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


def install() -> None:
    """Apply the fixes (idempotent; a library version without the slow code is left alone)."""
    _use_id_sets()
    _skip_protocol_check()
    _remember_meta_checks()


def _remember_meta_checks() -> None:
    from openapi_spec_validator.validation import keywords

    cls: Any = keywords.SchemaValidator
    original = getattr(cls, "_validate_schema_meta", None)
    if original is None or getattr(original, "_portal_fix", False):
        return

    def _validate_schema_meta(self: Any, schema: Any, schema_value: Any) -> Any:
        verdicts = _verdicts
        key = verdicts.key(self, schema, schema_value) if verdicts is not None else None
        if verdicts is not None and key is not None and key in verdicts.known:
            verdicts.used.add(key)
            return None
        error = original(self, schema, schema_value)
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
    cls._validate_schema_meta = _validate_schema_meta


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
    cls.__init__ = __init__


def _skip_protocol_check() -> None:
    try:
        from pathable.accessors import SubscriptableAccessor
    except ImportError:
        return
    cls: Any = SubscriptableAccessor
    original = getattr(cls, "_get_subnode", None)
    if original is None or getattr(original, "_portal_fix", False):
        return

    def _get_subnode(accessor: Any, node: Any, part: Any) -> Any:
        if type(node) is dict or type(node) is list:
            try:
                return node[part]
            except (KeyError, IndexError, TypeError) as exc:
                raise KeyError(part) from exc
        return original(node, part)

    _get_subnode._portal_fix = True  # type: ignore[attr-defined]
    cls._get_subnode = classmethod(_get_subnode)
