"""Python with requests, the library the Python community reaches for."""

from __future__ import annotations

import sys
from typing import Any

from ..request import HttpRequest
from ..values import EnvValue, Pieces
from .base import Language, LiteralStyle, c_escape, join, quote_chars, unique_keys, write_literal

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def string(value: str) -> str:
    return quote_chars(value, _ESCAPES, c_escape)


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f'os.environ["{value.name}"]'


def _value(value: str | EnvValue) -> str:
    return string(value) if isinstance(value, str) else env(value)


def _text(pieces: Pieces) -> str:
    return join(pieces, string, env)


STYLE = LiteralStyle(
    string=string,
    indent="    ",
    map_open="{",
    map_close="}",
    list_open="[",
    list_close="]",
    empty_map="{}",
    empty_list="[]",
    null="None",
    env=env,
    true="True",
    false="False",
)


def literal(value: Any, level: int = 0) -> str:
    """A Python literal, laid out as black would."""
    return write_literal(value, STYLE, level)


def _pairs(pairs: list[tuple[str, str]], level: int) -> str:
    """A dict when keys are unique (the common case), else a list of tuples."""
    inner, pad = "    " * (level + 1), "    " * level
    if unique_keys(tuple(pairs)):
        return "{\n" + "".join(f"{inner}{k}: {v},\n" for k, v in pairs) + pad + "}"
    return "[\n" + "".join(f"{inner}({k}, {v}),\n" for k, v in pairs) + pad + "]"


def render(req: HttpRequest) -> str:
    imports = {"sys"}
    lines: list[str] = []
    args = [_text(req.url_pieces())]

    query = [(string(k), _value(v)) for k, v in req.query]
    query += [(string(c.name), env(c.read())) for c in req.credential("query")]
    if query:
        lines.append(f"params = {_pairs(query, 0)}")
        args.append("params=params")

    headers = [(string(c.name), f"f\"{c.prefix}{{os.environ['{c.env[0]}']}}\"") for c in req.credential("bearer")]
    headers += [(string(c.name), env(c.read())) for c in req.credential("header")]
    headers += [(string(k), _value(v)) for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(('"Cookie"', _text(cookie)))
    body = req.body
    if (
        body is not None
        and body.kind in ("json", "text", "binary")
        and not (body.kind == "json" and body.media_type == "application/json")
    ):
        headers.append(('"Content-Type"', string(body.media_type)))
    if headers:
        lines.append(f"headers = {_pairs(headers, 0)}")
        args.append("headers=headers")

    if body is not None:
        if body.kind == "json":
            lines.append(f"payload = {literal(body.value)}")
            args.append("json=payload")
        elif body.kind == "form":
            lines.append(f"data = {_pairs([(string(p.name), _value(p.value)) for p in body.parts], 0)}")
            args.append("data=data")
        elif body.kind == "multipart":
            imports.add("pathlib")
            files = []
            for part in body.parts:
                if part.filename:
                    value = (
                        f"({string(part.filename)}, Path({string(part.filename)}).read_bytes(), "
                        f"{string(part.content_type or 'application/octet-stream')})"
                    )
                elif part.content_type:
                    value = f"(None, {_value(part.value)}, {string(part.content_type)})"
                else:
                    value = f"(None, {_value(part.value)})"
                files.append(f"    ({string(part.name)}, {value}),\n")
            lines.append("files = [\n" + "".join(files) + "]")
            args.append("files=files")
        elif body.kind == "text":
            args.append(f"data={string(body.value or '')}.encode()")
        else:
            imports.add("pathlib")
            args.append(f"data=Path({string(body.filename or '')}).read_bytes()")
    if req.env:
        imports.add("os")
    for c in req.credential("basic"):
        args.append(f"auth=({env(c.read(0))}, {env(c.read(1))})")
    args.append("timeout=30")

    if req.method in _METHODS:
        call = f"requests.{req.method.lower()}("
    else:
        args.insert(0, string(req.method))
        call = "requests.request("
    ending = [
        "response = " + call + "\n" + "".join(f"    {a},\n" for a in args) + ")",
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
    blocks = ["\n".join(header), "import requests", *lines, "\n".join(ending)]
    return "\n\n".join(blocks) + "\n"


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
    aliases=("python", "python3", "py", "requests"),
)
