"""JavaScript for Node 18+: built-in fetch, an ES module with top-level await."""

from __future__ import annotations

import re
from typing import Any

from ..request import HttpRequest
from ..values import EnvValue, Pieces
from .base import Language, LiteralStyle, braced_escape, join, quote_chars, write_literal

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def string(value: str) -> str:
    # Whatever is not printable (controls, U+2028 and U+2029 included) becomes a \u escape.
    return quote_chars(value, _ESCAPES, lambda ch: f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else braced_escape(ch))


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f"process.env.{value.name}"


def _value(value: str | EnvValue) -> str:
    return string(value) if isinstance(value, str) else env(value)


def _text(pieces: Pieces) -> str:
    return join(pieces, string, env)


def _key(name: str) -> str:
    """Object keys unquoted where JavaScript allows it, as Prettier writes them."""
    return name if _KEY.match(name) else string(name)


STYLE = LiteralStyle(
    string=string,
    indent="  ",
    map_open="{",
    map_close="}",
    list_open="[",
    list_close="]",
    empty_map="{}",
    empty_list="[]",
    null="null",
    env=env,
    key=_key,
)


def literal(value: Any, level: int = 0) -> str:
    return write_literal(value, STYLE, level)


def render(req: HttpRequest) -> str:
    imports: list[str] = []
    lines: list[str] = []
    url = _text(req.url_pieces(query=True))
    if req.env_query:
        lines.append(
            f"const url = new URL({url});\n"
            + "".join(f"url.searchParams.append({string(k)}, {env(v)});\n" for k, v in req.env_query)
        )
        url = "url"

    headers: list[tuple[str, str]] = []
    for c in req.credential("bearer"):
        headers.append((_key(c.name), f"`{c.prefix}${{{env(c.read())}}}`"))
    for c in req.credential("basic"):
        token = f'Buffer.from(`${{{env(c.read(0))}}}:${{{env(c.read(1))}}}`).toString("base64")'
        headers.append(("Authorization", f"`Basic ${{{token}}}`"))
    for c in req.credential("header"):
        headers.append((_key(c.name), env(c.read())))
    headers += [(_key(k), _value(v)) for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(("Cookie", _text(cookie)))

    options = [f"method: {string(req.method)}"]
    body = req.body
    if body is not None:
        if body.kind == "json":
            headers.append(('"Content-Type"', string(body.media_type)))
            options.append(f"body: JSON.stringify({literal(body.value, 1)})")
        elif body.kind == "form":
            pairs = "".join(f"  [{string(p.name)}, {_value(p.value)}],\n" for p in body.parts)
            lines.append(f"const form = new URLSearchParams([\n{pairs}]);\n")
            options.append("body: form")
        elif body.kind == "multipart":
            parts = ["const form = new FormData();"]
            for part in body.parts:
                if part.filename:
                    imports.append('import { readFile } from "node:fs/promises";')
                    kind = string(part.content_type or "")
                    blob = f"new Blob([await readFile({string(part.filename)})], {{ type: {kind} }})"
                    parts.append(f"form.append({string(part.name)}, {blob}, {string(part.filename)});")
                elif part.content_type:
                    blob = f"new Blob([{_value(part.value)}], {{ type: {string(part.content_type)} }})"
                    parts.append(f"form.append({string(part.name)}, {blob});")
                else:
                    parts.append(f"form.append({string(part.name)}, {_value(part.value)});")
            lines.append("\n".join(parts) + "\n")
            options.append("body: form")
        elif body.kind == "text":
            headers.append(('"Content-Type"', string(body.media_type)))
            options.append(f"body: {string(body.value or '')}")
        else:
            imports.append('import { readFile } from "node:fs/promises";')
            headers.append(('"Content-Type"', string(body.media_type)))
            options.append(f"body: await readFile({string(body.filename or '')})")
    if headers:
        options.insert(1, "headers: {\n" + "".join(f"    {k}: {v},\n" for k, v in headers) + "  }")

    call = f"const response = await fetch({url}, {{\n" + "".join(f"  {o},\n" for o in options) + "});\n"
    check = (
        "if (!response.ok) {\n"
        "  console.error(`${response.status} ${response.statusText}: ${await response.text()}`);\n"
        "  process.exit(1);\n"
        "}\n"
    )
    if req.response == "json":
        output = "console.log(JSON.stringify(await response.json(), null, 2));\n"
    elif req.response == "none":
        output = "console.log(response.status, response.statusText);\n"
    elif req.response == "binary":
        output = (
            "const data = await response.arrayBuffer();\n"
            'console.log(`${data.byteLength} bytes of ${response.headers.get("content-type")}`);\n'
        )
    else:
        output = "console.log(await response.text());\n"
    head = "\n".join(dict.fromkeys(imports)) + "\n\n" if imports else ""
    return head + "\n".join([*lines, call, check + output]).rstrip("\n") + "\n"


LANGUAGE = Language(
    id="javascript",
    label="JavaScript",
    lexer="javascript",
    filename="main.mjs",
    render=render,
    string=string,
    literal=literal,
    command=("node", "{file}"),
    executables=("node",),
    uses="Node.js 18+ and fetch",
    how_to_run="Node.js 18+, no packages: save the code as `main.mjs` and run `node main.mjs`.",
    aliases=("javascript", "js", "node", "nodejs", "node.js", "fetch"),
)
