"""JavaScript for Node 18+: built-in fetch, an ES module with top-level await, laid out
as Prettier (default options) lays it out."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..request import HttpRequest
from ..values import EnvValue, Pieces
from .base import Language, braced_escape, preferred_quote, prettier_number, quote_chars, sends_body
from .layout import (
    BREAK_PARENT,
    LINE,
    SOFTLINE,
    Doc,
    Fill,
    Group,
    IfBreak,
    IndentIfBreak,
    group,
    grouped,
    indent,
    join,
    new_id,
    width,
    will_break,
)
from .layout import render as render_doc

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_WIDTH = 80  # Prettier's printWidth


def string(value: str) -> str:
    """A string literal in the quotes Prettier prefers: double, unless the text holds
    more double quotes than single ones. Whatever is not printable (controls, U+2028
    and U+2029 included) becomes a \\u escape."""
    quote = preferred_quote(value)
    return quote_chars(
        value,
        {**_ESCAPES, quote: "\\" + quote},
        lambda ch: f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else braced_escape(ch),
        quote,
    )


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f"process.env.{value.name}"


# -- expressions, as Prettier's documents ------------------------------------------------


@dataclass(frozen=True)
class Expr:
    """An expression's document and its kind, which Prettier's layout choices depend on:
    string, member (``process.env.X``), binary (``a + b``), template, literal (a number
    or boolean), object, array, call or other."""

    doc: Doc
    kind: str
    operands: tuple[Doc, ...] = ()  # binary: laid out by where it stands
    items: int = 0  # object or array: how many entries
    concise: bool = False  # an array of numbers, filled line by line
    number: bool = False  # a number, with its sign


def _string(value: str) -> Expr:
    return Expr(string(value), "string")


def _env(value: EnvValue) -> Expr:
    # A member chain without calls breaks before each `.` when nothing else can.
    return Expr(["process", group(indent(SOFTLINE, ".env")), group(indent(SOFTLINE, "." + value.name))], "member")


def _value(value: str | EnvValue) -> Expr:
    return _string(value) if isinstance(value, str) else _env(value)


def _text(pieces: Pieces) -> Expr:
    """Text and environment reads joined by ``+``."""
    exprs = [_value(p) for p in pieces] or [_string("")]
    if len(exprs) == 1:
        return exprs[0]
    head, *rest = exprs
    operands: list[Doc] = [grouped(head.doc), *([" +", LINE, e.doc] for e in rest)]
    # Among call arguments the operands after the first are indented when they break.
    return Expr(group(operands[0], indent(operands[1:])), "binary", operands=tuple(operands))


_ASCII_IDENTIFIER = re.compile(r"[A-Za-z$_][\w$]*", re.ASCII)


def _is_identifier_name(name: str) -> bool:
    """An ES5 IdentifierName, which Prettier leaves unquoted as an object key."""
    if name.isascii():
        return _ASCII_IDENTIFIER.fullmatch(name) is not None
    start = {"Lu", "Ll", "Lt", "Lm", "Lo", "Nl"}
    part = start | {"Mn", "Mc", "Nd", "Pc"}
    return bool(name) and all(
        ch in "$_" or unicodedata.category(ch) in (start if i == 0 else part) or (i and ch in "\u200c\u200d")
        for i, ch in enumerate(name)
    )


def _key(name: str) -> str:
    """An object key as Prettier writes it: unquoted where JavaScript allows it."""
    if _is_identifier_name(name):
        return name
    if _is_plain_number(name):
        return name
    return string(name)


def _is_plain_number(name: str) -> bool:
    """Whether JavaScript reads ``name`` back as the same text (``String(Number(name))``),
    so that Prettier leaves it unquoted as a key: ``10`` and ``1.5``, not ``01``."""
    if not re.fullmatch(r"\d+|\d+\.\d+", name):
        return False
    number = float(name)
    if number >= 1e21 or 0 < number < 1e-6:
        return False  # JavaScript writes these with an exponent
    shortest = Decimal(repr(number))  # the digits JavaScript prints too
    text = str(int(shortest)) if number.is_integer() else format(shortest, "f")
    return text == name


def _property(key: str, value: Expr) -> Doc:
    """``key: value``, broken after the colon as Prettier decides for the value's kind."""
    short = width(key) < 5  # Prettier: a break after so short a key gains nothing
    if value.kind == "binary":
        return group(key, ":", group(indent(LINE, group(value.operands))))
    if not short and value.kind in ("string", "member"):
        return group(key, ":", group(indent(LINE, value.doc)))
    if short or value.kind in ("template", "literal"):
        return group(key, ": ", value.doc)
    return _fluid(key, ":", value)


def _fluid(left: Doc, operator: str, value: Expr) -> Doc:
    """Break the value first, after the operator only if the value cannot break."""
    group_id = new_id("assignment")
    return group(left, operator, Group(indent(LINE), id=group_id), IndentIfBreak(value.doc, group_id))


def _object(entries: list[tuple[str, Expr]], *, expanded: bool) -> Expr:
    """An object literal; ``expanded`` one entry a line, which Prettier keeps."""
    if not entries:
        return Expr("{}", "object")
    props = join([",", LINE], [_property(_key(k), v) for k, v in entries])
    doc = Group(["{", indent(LINE, props), IfBreak(","), LINE, "}"], broken=expanded)
    return Expr(doc, "object", items=len(entries))


def _array(items: list[Expr]) -> Expr:
    if not items:
        return Expr("[]", "array")
    group_id = new_id("array")
    if all(item.number for item in items):
        parts: list[Doc] = []
        for index, item in enumerate(items):
            last = index == len(items) - 1
            parts.append([item.doc, IfBreak(",", "", group_id) if last else ","])
            if not last:
                parts.append(LINE)
        doc = Group(["[", indent(SOFTLINE, Fill(tuple(parts))), SOFTLINE, "]"], id=group_id)
        return Expr(doc, "array", items=len(items), concise=True)
    broken = len(items) > 1 and all(
        item.kind in ("object", "array") and item.kind == items[0].kind and item.items > 1 for item in items
    )
    body: list[Doc] = [join([",", LINE], [grouped(item.doc) for item in items]), IfBreak(",")]
    doc = Group(["[", indent(SOFTLINE, body), SOFTLINE, "]"], broken=broken, id=group_id)
    return Expr(doc, "array", items=len(items))


def _arguments(args: list[Expr]) -> Doc:
    """Call arguments: on one line, or the last one (an object or array) expanded in
    place, or one argument a line (Prettier's printCallArguments)."""
    if not args:
        return "()"
    printed: list[Doc] = [[arg.doc, ",", LINE] for arg in args[:-1]] + [args[-1].doc]
    broken_out = Group(["(", indent(LINE, printed), ",", LINE, ")"], broken=True)
    last = args[-1]
    penultimate = args[-2] if len(args) > 1 else None
    if (
        last.kind in ("object", "array")
        and last.items
        and (penultimate is None or penultimate.kind != last.kind)
        and not (len(args) > 1 and last.concise)
    ):
        head = printed[:-1]
        if any(will_break(doc) for doc in head):
            return broken_out
        if will_break(last.doc):
            hugged: list[Doc] = ["(", head, Group(last.doc, broken=True), ")"]
            return [BREAK_PARENT, Group(hugged, states=(hugged, broken_out))]
        flat: list[Doc] = ["(", head, last.doc, ")"]
        expanded: list[Doc] = ["(", head, Group(last.doc, broken=True), ")"]
        states: tuple[Doc, ...] = (flat, expanded, broken_out)
        return Group(states[0], states=states)
    contents: list[Doc] = ["(", indent(SOFTLINE, printed), IfBreak(","), SOFTLINE, ")"]
    return Group(contents, broken=any(will_break(doc) for doc in printed))


def _call(callee: str, *args: Expr) -> Expr:
    doc: Doc = [callee, _arguments(list(args))]
    return Expr(group(doc) if "." in callee else doc, "call")


def _new(callee: str, *args: Expr) -> Expr:
    return Expr(["new ", callee, _arguments(list(args))], "call")


def _const(name: str, value: Expr) -> Doc:
    assignment: Doc
    if value.kind == "binary":
        assignment = group(name, " =", group(indent(LINE, group(value.operands))))
    elif value.kind in ("string", "member"):
        assignment = group(name, " =", group(indent(LINE, value.doc)))
    elif value.kind in ("template", "literal"):
        assignment = group(name, " = ", value.doc)
    else:
        assignment = _fluid(name, " =", value)
    return group("const ", assignment, ";")


def _statement(expr: Expr) -> Doc:
    return [expr.doc, ";"]


def literal_expr(value: Any, expanded: bool = True) -> Expr:
    """JSON-like data as a JavaScript literal: objects one entry a line (Prettier keeps
    them so), arrays on one line when they fit."""
    if isinstance(value, dict):
        return _object([(str(k), literal_expr(v)) for k, v in value.items()], expanded=expanded)
    if isinstance(value, list):
        return _array([literal_expr(v) for v in value])
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, EnvValue):
        return _env(value)
    if value is None:
        return Expr("null", "other")
    if isinstance(value, bool):
        return Expr("true" if value else "false", "literal")
    if value < 0:
        return Expr(prettier_number(value), "other", number=True)  # a unary minus, for Prettier
    return Expr(prettier_number(value), "literal", number=True)


def literal(value: Any, level: int = 0) -> str:
    """A JavaScript literal, laid out as Prettier would (its lines after the first
    indented by ``level`` levels)."""
    doc = literal_expr(value).doc
    for _ in range(level):
        doc = indent(doc)
    return render_doc(doc, _WIDTH, "  ")


def _print(doc: Doc) -> str:
    return render_doc(doc, _WIDTH, "  ")


def render(req: HttpRequest) -> str:
    imports: list[str] = []
    blocks: list[str] = []
    url = _text(req.url_pieces(query=True))
    if req.env_query:
        lines = [_const("url", _new("URL", url))]
        for k, v in req.env_query:
            lines.append(_statement(_call("url.searchParams.append", _string(k), _env(v))))
        blocks.append("\n".join(_print(line) for line in lines))
        url = Expr("url", "other")

    headers: list[tuple[str, Expr]] = []
    for c in req.credential("bearer"):
        headers.append((c.name, Expr(f"`{c.prefix}${{{env(c.read())}}}`", "template")))
    for c in req.credential("basic"):
        token = f'Buffer.from(`${{{env(c.read(0))}}}:${{{env(c.read(1))}}}`).toString("base64")'
        headers.append(("Authorization", Expr(f"`Basic ${{{token}}}`", "template")))
    for c in req.credential("header"):
        headers.append((c.name, _env(c.read())))
    headers += [(k, _value(v)) for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(("Cookie", _text(cookie)))

    options: list[tuple[str, Expr]] = [("method", _string(req.method))]
    body = req.body
    if body is not None and not sends_body(req):
        headers.append(("Content-Type", _string(body.media_type)))
    elif body is not None:
        if body.kind == "json":
            headers.append(("Content-Type", _string(body.media_type)))
            if body.value in ({}, []):
                options.append(("body", _string(json.dumps(body.value))))
            else:
                options.append(("body", _call("JSON.stringify", literal_expr(body.value))))
        elif body.kind == "form":
            pairs = [_array([_string(p.name), _value(p.value)]) for p in body.parts]
            blocks.append(_print(_const("form", _new("URLSearchParams", _array(pairs)))))
            options.append(("body", Expr("form", "other")))
        elif body.kind == "multipart":
            lines = [_const("form", _new("FormData"))]
            for part in body.parts:
                if part.filename:
                    imports.append('import { readFile } from "node:fs/promises";')
                    content = Expr(["await ", _call("readFile", _string(part.filename)).doc], "other")
                    kind = _object([("type", _string(part.content_type or ""))], expanded=False)
                    blob = _new("Blob", _array([content]), kind)
                    lines.append(_statement(_call("form.append", _string(part.name), blob, _string(part.filename))))
                elif part.content_type:
                    kind = _object([("type", _string(part.content_type))], expanded=False)
                    blob = _new("Blob", _array([_value(part.value)]), kind)
                    lines.append(_statement(_call("form.append", _string(part.name), blob)))
                else:
                    lines.append(_statement(_call("form.append", _string(part.name), _value(part.value))))
            blocks.append("\n".join(_print(line) for line in lines))
            options.append(("body", Expr("form", "other")))
        elif body.kind == "text":
            headers.append(("Content-Type", _string(body.media_type)))
            options.append(("body", _string(body.value or "")))
        else:
            imports.append('import { readFile } from "node:fs/promises";')
            headers.append(("Content-Type", _string(body.media_type)))
            content = Expr(["await ", _call("readFile", _string(body.filename or "")).doc], "other")
            options.append(("body", content))
    if headers:
        options.insert(1, ("headers", _object(headers, expanded=True)))

    fetch = _call("fetch", url, _object(options, expanded=True))
    blocks.append(_print(_const("response", Expr(["await ", fetch.doc], "other"))))
    check = (
        "if (!response.ok) {\n"
        "  console.error(\n"
        "    `${response.status} ${response.statusText}: ${await response.text()}`,\n"
        "  );\n"
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
            "console.log(\n"
            '  `${data.byteLength} bytes of ${response.headers.get("content-type")}`,\n'
            ");\n"
        )
    else:
        output = "console.log(await response.text());\n"
    head = "\n".join(dict.fromkeys(imports)) + "\n\n" if imports else ""
    return head + "\n\n".join([*blocks, check + output]).rstrip("\n") + "\n"


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
    run="node main.mjs",
    aliases=("javascript", "js", "node", "nodejs", "node.js", "fetch"),
)
