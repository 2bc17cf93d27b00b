"""Python with requests, the library the Python community reaches for, laid out as
black lays it out."""

from __future__ import annotations

import sys
from typing import Any

from ..request import HttpRequest
from ..values import EnvValue, Pieces
from .base import Language, c_escape, preferred_quote, quote_chars, sends_body, unique_keys
from .layout import LINE, SOFTLINE, Doc, Group, IfBreak, group, indent, join
from .layout import render as render_doc

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
_WIDTH = 88  # black's line length


def string(value: str) -> str:
    """A string literal in the quotes black prefers: double, unless single quotes
    need fewer backslashes."""
    quote = preferred_quote(value)
    return quote_chars(value, {**_ESCAPES, quote: "\\" + quote}, c_escape, quote)


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f'os.environ["{value.name}"]'


def _env(value: EnvValue) -> Doc:
    # black splits a subscript that does not fit: `os.environ[` / `"NAME"` / `]`.
    return _brackets("os.environ[", [f'"{value.name}"'], "]", call=True)


def _value(value: str | EnvValue) -> Doc:
    return string(value) if isinstance(value, str) else _env(value)


def _text(pieces: Pieces) -> Doc:
    """Text and environment reads joined by ``+``; black splits the line before each
    ``+`` when it is too long."""
    docs = [_value(p) for p in pieces] or [string("")]
    return group(join([LINE, "+ "], docs))


def _brackets(opening: str, items: list[Doc], closing: str, *, exploded: bool = False, call: bool = False) -> Doc:
    """A bracketed list as black writes it: on one line if it fits, else one item a
    line with a trailing comma. Call arguments may instead all go on one indented line.
    ``exploded``: one item a line always (black keeps what ends with a "magic" trailing
    comma so)."""
    if not items:
        return opening + closing
    comma = IfBreak(",") if len(items) > 1 or exploded else ""
    body: Doc = [join([",", LINE], items), comma]
    if call:
        body = Group(body, broken=exploded)
    return Group([opening, indent(SOFTLINE, body), SOFTLINE, closing], broken=exploded)


def literal_doc(value: Any) -> Doc:
    """JSON-like data as a Python literal: dicts one entry a line (with black's "magic"
    trailing comma, which keeps them so), lists of plain values on one line if they fit."""
    if isinstance(value, dict) and value:
        return _brackets("{", [[string(str(k)), ": ", literal_doc(v)] for k, v in value.items()], "}", exploded=True)
    if isinstance(value, list) and value:
        # A list of plain values on one line if it fits; one holding containers, exploded.
        exploded = any(isinstance(v, (dict, list)) and v for v in value)
        return _brackets("[", [literal_doc(v) for v in value], "]", exploded=exploded)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, str):
        return string(value)
    if isinstance(value, EnvValue):
        return _env(value)
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    return repr(value).replace("e+", "e")  # black writes 1e20, not 1e+20


def literal(value: Any, level: int = 0) -> str:
    """A Python literal, laid out as black would (its lines after the first indented by
    ``level`` levels)."""
    doc = literal_doc(value)
    for _ in range(level):
        doc = indent(doc)
    return render_doc(doc, _WIDTH, "    ")


def _pairs(pairs: list[tuple[str, Doc]]) -> Doc:
    """A dict when keys (literals) are unique, the common case, else a list of tuples."""
    if unique_keys(tuple(pairs)):
        return _brackets("{", [[k, ": ", v] for k, v in pairs], "}", exploded=True)
    return _brackets("[", [_brackets("(", [k, v], ")") for k, v in pairs], "]", exploded=True)


def render(req: HttpRequest) -> str:
    imports = {"sys"}
    statements: list[Doc] = []
    args: list[Doc] = [_text(req.url_pieces())]

    query: list[tuple[str, Doc]] = [(string(k), _value(v)) for k, v in req.query]
    query += [(string(c.name), _env(c.read())) for c in req.credential("query")]
    if query:
        statements.append(["params = ", _pairs(query)])
        args.append("params=params")

    headers: list[tuple[str, Doc]] = [
        (string(c.name), f"f\"{c.prefix}{{os.environ['{c.env[0]}']}}\"") for c in req.credential("bearer")
    ]
    headers += [(string(c.name), _env(c.read())) for c in req.credential("header")]
    headers += [(string(k), _value(v)) for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(('"Cookie"', _text(cookie)))
    body = req.body
    if body is not None and (
        body.kind in ("text", "binary")
        or (body.kind == "json" and body.media_type != "application/json")
        or not sends_body(req)  # nothing to send (an empty form or text): the Content-Type alone
    ):
        headers.append(('"Content-Type"', string(body.media_type)))
    if headers:
        statements.append(["headers = ", _pairs(headers)])
        args.append("headers=headers")

    if body is not None and sends_body(req):
        if body.kind == "json" and body.value in ({}, []):
            args.append(["json=", literal_doc(body.value)])
        elif body.kind == "json":
            statements.append(["payload = ", literal_doc(body.value)])
            args.append("json=payload")
        elif body.kind == "form":
            statements.append(["data = ", _pairs([(string(p.name), _value(p.value)) for p in body.parts])])
            args.append("data=data")
        elif body.kind == "multipart":
            imports.add("pathlib")
            files = []
            for part in body.parts:
                if part.filename:
                    path = [_brackets("Path(", [string(part.filename)], ")", call=True), ".read_bytes()"]
                    kind = string(part.content_type or "application/octet-stream")
                    value = _brackets("(", [string(part.filename), path, kind], ")")
                elif part.content_type:
                    value = _brackets("(", ["None", _value(part.value), string(part.content_type)], ")")
                else:
                    value = _brackets("(", ["None", _value(part.value)], ")")
                files.append(_brackets("(", [string(part.name), value], ")"))
            statements.append(["files = ", _brackets("[", files, "]", exploded=True)])
            args.append("files=files")
        elif body.kind == "text":
            args.append(["data=", string(body.value or ""), ".encode()"])
        else:
            imports.add("pathlib")
            args.append(["data=", _brackets("Path(", [string(body.filename or "")], ")", call=True), ".read_bytes()"])
    if req.env:
        imports.add("os")
    for c in req.credential("basic"):
        args.append(["auth=", _brackets("(", [_env(c.read(0)), _env(c.read(1))], ")")])
    args.append("timeout=30")

    if req.method in _METHODS:
        call = f"requests.{req.method.lower()}"
    else:
        args.insert(0, string(req.method))
        call = "requests.request"
    ending = [
        "if not response.ok:",
        '    sys.exit(f"{response.status_code} {response.reason}: {response.text}")',
    ]
    if req.response == "json":
        imports.add("json")
        ending.append("print(json.dumps(response.json(), indent=2))")
    elif req.response == "none":
        ending.append("print(response.status_code, response.reason)")
    elif req.response == "binary":
        ending.append('print(len(response.content), "bytes of", response.headers.get("Content-Type"))')
    else:
        ending.append("print(response.text)")

    header = [f"import {name}" for name in sorted(imports - {"pathlib"})]
    if "pathlib" in imports:
        header.append("from pathlib import Path")
    code = [render_doc(statement, _WIDTH, "    ") for statement in statements]
    code.append(render_doc([f"response = {call}", _brackets("(", args, ")", exploded=True, call=True)], _WIDTH, "    "))
    code[-1] += "\n" + "\n".join(ending)
    return "\n\n".join(["\n".join(header), "import requests", *code]) + "\n"


LANGUAGE = Language(
    id="python",
    label="Python",
    lexer="python",
    filename="main.py",
    render=render,
    string=string,
    literal=literal,
    command=(sys.executable, "{file}"),
    executables=(),
    uses="Python 3.9+ and requests",
    how_to_run="Python 3.9+: `pip install requests`, save the code as `main.py` and run `python3 main.py`.",
    run="python3 main.py",
    aliases=("python", "python3", "py", "requests"),
)
