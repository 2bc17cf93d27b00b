"""Two speed fixes for openapi-spec-validator and the path library under it.

They change how fast a spec is validated, never what is validated or any error.
On GitHub's REST description (openapi-spec-validator 0.9.0, pathable 0.6, Python 3.11)
they take validation from about 30 s of CPU to about 13 s:

* ``SchemaValidator`` keeps the ids of the schemas it has already checked in lists
  and tests membership with ``in``, so N schemas cost O(N²) comparisons (about 14 s).
  Sets that also answer ``append`` replace those lists.
* pathable checks every step into the document with ``isinstance(node,
  Subscriptable)``, a runtime-checkable Protocol, which Python 3.11 answers slowly
  (about 2 s). Dicts and lists, which a loaded document is made of, skip the check:
  they pass it anyway.
"""

from __future__ import annotations

from typing import Any

_ID_LISTS = ("visited_schema_ids", "meta_checked_schema_ids")


class _IdSet(set[int]):
    """A set with ``list.append``'s name, which is all the validator calls on it."""

    append = set.add


def install() -> None:
    """Apply both fixes (idempotent; a library version without the slow code is left alone)."""
    _use_id_sets()
    _skip_protocol_check()


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
