"""The spec as readers download it: one file, as JSON and as YAML (pure).

The loader (:mod:`.spec`) has already bundled the description: every ``$ref`` to
another file of the project is gone, component-shaped targets and schemas hoisted
into the root's ``components`` under a stable name (so a model keeps one definition
that several operations refer to, and recursive schemas stay finite), anything else
inlined; ``#/...`` refs are kept as written. This module only writes that document
out.

A spec of one file, with nothing to bundle, is published as its author wrote it in
its own format (comments, key order and all), and the other format is generated.
JSON is written by the json module; YAML by a small emitter for JSON data
(:func:`yaml_text`), since PyYAML's takes seconds on a spec the size of GitHub's.
"""

from __future__ import annotations

import json
import math
import re
import weakref
from typing import Any

from .spec import SpecSource

JSON_PATH = "openapi.json"
YAML_PATH = "openapi.yaml"


Files = tuple[tuple[str, bytes], tuple[str, bytes]]
# The last spec's files: `portal serve` rebuilds from the same loaded spec until a file
# of it changes, and the YAML of a spec GitHub's size takes a fifth of a second.
_last: tuple[weakref.ref[SpecSource], Files] | None = None


def bundled_files(source: SpecSource) -> Files:
    """``(openapi.json, text)`` and ``(openapi.yaml, text)``: the bundled description,
    to publish at the site's root."""
    global _last
    if _last is not None and _last[0]() is source:
        return _last[1]
    files = _bundled(source)
    _last = (weakref.ref(source), files)
    return files


def _bundled(source: SpecSource) -> Files:
    root = source.root
    # Nothing bundled (no other file was read): the author's file is the bundle.
    verbatim = len(source.documents) <= 1 and bool(root.text.strip()) and root.data is source.data
    is_json = root.refs is not None  # the loader notes the refs of a file it read as JSON
    if verbatim and is_json:
        json_text = root.text
    else:
        json_text = json.dumps(source.data, ensure_ascii=False, indent=2, default=str)
    yaml_out = root.text if verbatim and not is_json else yaml_text(source.data)
    return (
        (JSON_PATH, _ending(json_text).encode("utf-8", errors="surrogatepass")),
        (YAML_PATH, _ending(yaml_out).encode("utf-8", errors="surrogatepass")),
    )


def _ending(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


# -- YAML for JSON data ------------------------------------------------------------------

# A string written plain must read back as that string under YAML 1.1 and 1.2 alike:
# no number, boolean or null look-alike, no indicator first, nothing that starts a
# comment or a mapping inside.
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_ ./(){}\[\]+,;*@$!?'-]*")
_NOT_PLAIN = frozenset(
    word
    for base in ("y", "yes", "n", "no", "true", "false", "on", "off", "null")
    for word in (base, base.capitalize(), base.upper())
)
# Characters YAML does not allow raw in a document, or reads as line breaks (1.1).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
_QUOTE_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
_KEY_LIMIT = 1000  # YAML caps an implicit key at 1,024 characters


def yaml_text(data: Any) -> str:
    """``data`` (JSON-compatible) as block-style YAML that reads back equal to it.

    Strings are plain where that is unambiguous, literal blocks (``|``) where they span
    lines (descriptions stay readable), and JSON-quoted otherwise: a JSON string is a
    valid YAML double-quoted scalar, once the characters YAML treats differently are
    escaped.
    """
    lines: list[str] = []
    if isinstance(data, (dict, list)) and data:
        _node(data, 0, lines, {}, {})
    else:
        lines.append(_scalar(data, 2, {}))
    return "\n".join(lines) + "\n"


def _node(node: Any, indent: int, lines: list[str], memo: dict[str, str], heads: dict[str, str]) -> None:
    """Append ``node`` (a non-empty mapping or list) as lines; ``memo`` holds the
    strings already written (words repeat), ``heads`` the keys (``name:``)."""
    pad = " " * indent
    append = lines.append
    if isinstance(node, dict):
        for key, value in node.items():
            head = heads.get(key)
            if head is None:
                if len(key) > _KEY_LIMIT:
                    append(f"{pad}? {_quoted(key)}")
                    head = ":"
                else:
                    head = heads[key] = f"{_word(str(key))}:"
            if value.__class__ is str and "\n" not in value:
                append(f"{pad}{head} {memo.get(value) or _word(value, memo)}")
            elif isinstance(value, dict) and value:
                append(pad + head)
                _node(value, indent + 2, lines, memo, heads)
            elif isinstance(value, list) and value:
                append(pad + head)
                _node(value, indent, lines, memo, heads)  # "- " at the key's column
            else:
                append(f"{pad}{head} {_scalar(value, indent + 2, memo)}")
        return
    for item in node:
        if isinstance(item, (dict, list)) and item:
            start = len(lines)
            _node(item, indent + 2, lines, memo, heads)
            lines[start] = f"{pad}- {lines[start][indent + 2 :]}"
        else:
            append(f"{pad}- {_scalar(item, indent + 2, memo)}")


def _word(text: str, memo: dict[str, str] | None = None) -> str:
    """A one-line string, plain or quoted (kept in ``memo`` when short: words repeat)."""
    written = _plain(text) or _quoted(text)
    if memo is not None and len(text) < 80:
        memo[text] = written
    return written


def _scalar(value: Any, indent: int, memo: dict[str, str]) -> str:
    if isinstance(value, str):
        if "\n" in value:
            return _literal(value, indent) or _quoted(value)
        return memo.get(value) or _word(value, memo)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        written = repr(value)
        # YAML 1.1 reads an exponent as a float only after a decimal point.
        return written if "." in written or "e" not in written else written.replace("e", ".0e", 1)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _quoted(str(value))


def _plain(text: str) -> str | None:
    if text in _NOT_PLAIN or not _PLAIN.fullmatch(text) or text.endswith(" ") or "  " in text:
        return None
    return text


def _quoted(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    if _QUOTE_ESCAPE.search(quoted):
        quoted = _QUOTE_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return quoted


def _literal(text: str, indent: int) -> str | None:
    """``text`` as a literal block scalar, or None where one would not read back the same
    (trailing spaces, tabs, a leading space or break, unprintable characters)."""
    if "\r" in text or "\t" in text or text[0] in " \n" or _UNPRINTABLE.search(text):
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    if not body:
        return None
    rows = body.split("\n")
    if any(row.endswith(" ") for row in rows):
        return None
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    pad = " " * indent
    out = [f"|{chomp}"]
    out.extend(f"{pad}{row}" if row else "" for row in rows)
    if trailing > 1:
        out.extend([""] * (trailing - 1))
    return "\n".join(out)
