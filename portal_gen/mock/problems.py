"""Schema violations as messages in the spec's terms: where (parameter or body, with a
JSON path into the value) and what, in jsonschema's own words (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from jsonschema.exceptions import ValidationError

from ..checks.values import SchemaValidator
from ..model.api import Pointer

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A string longer than this is named by its kind in messages ("the string is too long").
_SHORT_REPR = 40


def json_path(path: Iterable[Any]) -> str:
    """``$.to``, ``$.media_urls[0]``, ``$['quote"key']``; ``$`` for the value itself."""
    text = "$"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(str(part)):
            text += f".{part}"
        else:
            escaped = str(part).replace("\\", "\\\\").replace("'", "\\'")
            text += f"['{escaped}']"
    return text


def schema_problems(
    validator: SchemaValidator, pointer: Pointer, value: Any, where: str, direction: str = "request"
) -> list[str]:
    """Every way ``value`` breaks the schema at ``pointer``, each as ``WHERE: message``
    or ``WHERE at $.path: message``."""
    problems = []
    for error in validator.iter_errors(pointer, value, direction):
        path = list(error.absolute_path)
        at = f" at {json_path(path)}" if path else ""
        problems.append(f"{where}{at}: {describe(error)}")
    return problems


def describe(error: ValidationError) -> str:
    """jsonschema's message, with an object, array or long string named by its kind
    rather than dumped in Python's notation, and ``oneOf``/``anyOf`` failures saying
    what each alternative wanted."""
    message = str(error.message)
    shown = repr(error.instance)
    if message.startswith(shown) and (isinstance(error.instance, (dict, list)) or len(shown) > _SHORT_REPR):
        message = _kind(error.instance) + message[len(shown) :]
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list[str]] = {}
        for sub in error.context:
            key = sub.relative_schema_path[0] if sub.relative_schema_path else 0
            where = list(sub.relative_path)
            at = f"{json_path(where)}: " if where else ""
            branches.setdefault(key, []).append(at + describe(sub))
        wanted = " or ".join(" and ".join(dict.fromkeys(msgs)) for msgs in branches.values())
        message += f" ({wanted})"
    return message


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "the object"
    if isinstance(value, list):
        return "the array"
    if isinstance(value, str):
        return "the string"
    return "the value"
