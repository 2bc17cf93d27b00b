"""The resources a mock server remembers, so ids captured in one step work in the next.

Which operations touch which resource is read from the paths alone: an *item path*
ends in a parameter (``/messages/{message_id}``); its parent is the *collection*
(``/messages``). The store itself is plain data; :class:`~portal_gen.mock.app.MockApi`
holds the lock around every use.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..model.api import Api, Schema
from .coerce import resolve

ITEM = "item"  # GET, PUT, PATCH, DELETE (or another method) on an item path
CREATE = "create"  # POST or PUT on a collection; or a POST on a path without parameters
LIST = "list"  # GET on a collection
ACTION = "action"  # anything below an item path: /messages/{message_id}/cancel
PLAIN = "plain"


@dataclass(frozen=True)
class Role:
    """How one operation touches stored state."""

    kind: str
    item_path: str | None = None  # the item path of the resource, e.g. /messages/{message_id}
    param: str | None = None  # its id parameter, e.g. message_id


def roles_of(api: Api) -> dict[tuple[str, str], Role]:
    """Each operation's role, by (method, path)."""
    items = {}
    for op in api.operations:
        last = op.path.rstrip("/").rsplit("/", 1)[-1]
        if last.startswith("{") and last.endswith("}") and last.count("{") == 1:
            items[op.path] = last[1:-1]
    roles = {}
    for op in api.operations:
        path = op.path
        child = next((t for t in items if t.rsplit("/", 1)[0] == path.rstrip("/")), None)
        ancestors = [t for t in items if path.startswith(t + "/")]
        if path in items:
            role = Role(ITEM, path, items[path])
        elif child is not None and op.method in ("post", "put"):
            role = Role(CREATE, child, items[child])
        elif op.method == "post" and "{" not in path:
            role = Role(CREATE)
        elif child is not None and op.method == "get":
            role = Role(LIST, child, items[child])
        elif ancestors:
            item_path = max(ancestors, key=len)
            role = Role(ACTION, item_path, items[item_path])
        else:
            role = Role(PLAIN)
        roles[(op.method, op.path)] = role
    return roles


class Store:
    """Stored objects by (item path, id), ids deleted, and a source of fresh ids that
    is deterministic per store (``seed``)."""

    def __init__(self, seed: int = 0) -> None:
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.deleted: set[tuple[str, str]] = set()
        self._random = random.Random(seed)
        self._issued: set[str] = set()
        self._count = 0

    def listed(self, item_path: str) -> list[dict[str, Any]]:
        """Objects stored under ``item_path``, newest first."""
        return [obj for (path, _), obj in reversed(self.objects.items()) if path == item_path]

    def put(self, item_path: str, key: Any, obj: dict[str, Any]) -> None:
        """Store (or replace) the object with id ``key``."""
        self.objects[(item_path, str(key))] = obj
        self.deleted.discard((item_path, str(key)))

    def delete(self, item_path: str, key: Any) -> None:
        """Forget a stored object; later calls on its id answer 404. Ids never stored
        are not remembered as deleted: the spec's example ids keep working."""
        if self.objects.pop((item_path, str(key)), None) is not None:
            self.deleted.add((item_path, str(key)))

    def fresh_id(self, example: Any) -> Any:
        """An id never issued before, shaped like ``example``: the same prefix up to
        its last ``_`` (``msg_``), then random characters of the same kinds (digits
        for digits, letters for letters, hex digits if the rest is hex) and length.
        An integer example gives the next integer above it."""
        self._count += 1
        if isinstance(example, bool) or not isinstance(example, (int, str)):
            return example
        if isinstance(example, int):
            return example + self._count
        head, separator, tail = example.rpartition("_")
        prefix, rest = (head + separator, tail) if separator and tail else ("", example)
        if not any(c.isalnum() for c in rest):
            return f"{example}{self._count}"
        for _ in range(100):
            candidate = prefix + self._like(rest)
            if candidate not in self._issued and candidate != example:
                self._issued.add(candidate)
                return candidate
        return f"{example}{self._count}"

    def _like(self, text: str) -> str:
        hexish = all(c in string.hexdigits + "-" for c in text)  # a UUID, a hex digest...
        lower = "abcdef" if hexish else string.ascii_lowercase
        upper = "ABCDEF" if hexish else string.ascii_uppercase
        out = []
        for char in text:
            if char.isdigit():
                out.append(self._random.choice(string.digits))
            elif char.islower():
                out.append(self._random.choice(lower))
            elif char.isupper():
                out.append(self._random.choice(upper))
            else:
                out.append(char)
        return "".join(out)


def id_property(role: Role, obj: Mapping[str, Any]) -> str | None:
    """The property holding the resource's id: the item path's parameter name if the
    object has it (``petId``), else ``id``."""
    if role.param and role.param in obj:
        return role.param
    return "id" if "id" in obj else None


def with_id(obj: dict[str, Any], prop: str | None, value: Any, valid: Callable[[Any], bool]) -> dict[str, Any]:
    """``obj`` with its id set to ``value``, if that still validates."""
    if prop is None or value is None or obj.get(prop) == value:
        return obj
    trial = {**obj, prop: value}
    return trial if valid(trial) else obj


def copy_fields(
    obj: dict[str, Any],
    body: Any,
    schema: Schema | None,
    schemas: Mapping[str, Schema],
    valid: Callable[[Any], bool],
    keep: str | None,
) -> dict[str, Any]:
    """``obj`` with each body field of the same name as one of its properties copied
    in, one by one, where the result still validates. Read-only and write-only
    properties and the id (``keep``) are never copied."""
    if not isinstance(body, dict):
        return obj
    target = resolve(schema, schemas)
    declared = {p.name: resolve(p.schema, schemas) for p in target.properties} if target is not None else {}
    for name, value in body.items():
        prop = declared.get(name)
        if name == keep or (name not in declared and name not in obj):
            continue
        if prop is not None and (prop.read_only or prop.write_only):
            continue
        trial = {**obj, name: value}
        if valid(trial):
            obj = trial
    return obj


def same_schema(first: Schema | None, second: Schema | None) -> bool:
    """Whether two media types describe the same resource (same named schema or node)."""
    if first is None or second is None:
        return False
    if first.ref or second.ref:
        return first.ref == second.ref
    return first.pointer == second.pointer
