"""What changed between two versions of an OpenAPI description, and what it breaks.

    read two versions (IO: files or git) -> compare (pure) -> accept -> report

:func:`diff_specs` compares two loaded specs (:mod:`.compare`), the levels of each kind
of change are in :mod:`.rules`, git lives in :mod:`.history` alone, and
:mod:`.report` writes the result as text, Markdown, JSON or GitHub annotations.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..load.spec import SpecSource, escape_segment
from .compare import ACCEPT_KEY, Change, Diff, diff_documents
from .rules import BREAKING, INFO, LEVELS, RULES, SECTIONS, WARNING

_PREFIX = "#/components/schemas/"

if TYPE_CHECKING:
    from ..model.changelog import Acceptance

__all__ = [
    "ACCEPT_KEY",
    "BREAKING",
    "INFO",
    "LEVELS",
    "RULES",
    "SECTIONS",
    "WARNING",
    "Change",
    "Diff",
    "accept",
    "diff_documents",
    "diff_specs",
]


def diff_specs(base: SpecSource, head: SpecSource) -> Diff:
    """Every change from ``base`` to ``head`` (both as :func:`load_spec` bundles them).

    A schema another file holds (``$ref: 'items.yaml#/item'``) is hoisted under a name
    the loader makes up, ``item2`` when ``item`` is taken, in the order it meets them:
    the same schema could have another name in the other version. Such models are
    compared under a name made of where they are written, and reported under the
    name the head gives them."""
    b_names, h_names = _stable_names(base), _stable_names(head)
    if not b_names and not h_names:
        return diff_documents(base.data, head.data)
    found = diff_documents(_renamed(base.data, b_names), _renamed(head.data, h_names))
    shown = {stable: name for name, stable in b_names.items()} | {stable: name for name, stable in h_names.items()}
    return replace(found, changes=tuple(_shown(change, shown) for change in found.changes))


def _stable_names(source: SpecSource) -> dict[str, str]:
    """Hoisted models' names -> where they are written (``schemas/items.yaml:item``)."""
    components = source.data.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return {}
    out = {}
    for name in schemas:
        origin = source.origins.get(("components", "schemas", name))
        if ("schemas", name) not in source.hoisted or origin is None:
            continue
        document, pointer = origin
        # Relative to the spec's own file: the two versions may sit in two folders.
        where = os.path.relpath(document.path.resolve(), source.root.path.resolve().parent)
        out[name] = f"{where}:{'/'.join(pointer)}"
    return out


def _renamed(data: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``data`` with those models (and every ``$ref`` to them) renamed."""
    if not names:
        return data
    refs = {f"{_PREFIX}{escape_segment(old)}": f"{_PREFIX}{escape_segment(new)}" for old, new in names.items()}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: walk(value) for key, value in node.items()}
            ref = out.get("$ref")
            if isinstance(ref, str) and ref.startswith(_PREFIX):
                head, slash, rest = ref[len(_PREFIX) :].partition("/")
                target = refs.get(_PREFIX + head)
                if target is not None:
                    out["$ref"] = target + slash + rest
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    copied: dict[str, Any] = walk(data)
    schemas = copied["components"]["schemas"]
    copied["components"]["schemas"] = {names.get(name, name): value for name, value in schemas.items()}
    return copied


def _shown(change: Change, shown: Mapping[str, str]) -> Change:
    """``change`` with models named as the specs' readers know them."""

    def pointer(value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and value[:2] == ("components", "schemas") and len(value) > 2 and value[2] in shown:
            return (*value[:2], shown[value[2]], *value[3:])
        return value

    message = change.message
    for stable, name in shown.items():
        if stable in message:
            message = message.replace(stable, name)
    return replace(
        change,
        model=shown.get(change.model, change.model) if change.model else None,
        message=message,
        base_pointer=pointer(change.base_pointer),
        head_pointer=pointer(change.head_pointer),
    )


def accept(diff: Diff, acceptances: Iterable[Acceptance]) -> Diff:
    """``diff`` with the changes content/changelog.yaml accepts marked so (a reason
    written on the changed node itself, ``x-portal-breaking-accepted``, came first)."""
    entries = list(acceptances)
    if not entries:
        return diff
    changes = []
    for change in diff.changes:
        if change.accepted is None and change.level != INFO:
            found = next((e for e in entries if e.matches(change.operation, change.model, change.kind)), None)
            if found is not None:
                change = replace(change, accepted=found.reason)
        changes.append(change)
    return replace(diff, changes=tuple(changes))
