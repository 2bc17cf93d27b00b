"""PHP with the curl extension, laid out as Prettier's PHP plugin lays it out (with
single quotes, as php-cs-fixer's ``single_quote`` rule wants)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..request import HttpRequest
from ..values import EnvValue, Pieces, join_pieces
from .base import (
    Language,
    braced_escape,
    form_template,
    prettier_number,
    quote_chars,
    sends_body,
    unique_keys,
    url_with_env_query,
)
from .layout import BREAK_PARENT, LINE, SOFTLINE, Doc, Group, IfBreak, group, grouped, indent, join, will_break
from .layout import render as render_doc

_DOUBLE = {"\\": "\\\\", '"': '\\"', "$": "\\$", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}
_WIDTH = 80


def string(value: str) -> str:
    """Single quotes (nothing interpolates) unless the text holds control characters
    (line breaks included: generated code never has a literal spanning lines)."""
    if value.isprintable():
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return quote_chars(value, _DOUBLE, braced_escape)


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f"getenv('{value.name}')"


# -- expressions, as the PHP plugin's documents ------------------------------------------


@dataclass(frozen=True)
class Expr:
    """An expression's document and its kind (string, bin, call, array or other), which
    the plugin's layout choices depend on."""

    doc: Doc
    kind: str
    operands: tuple[Doc, ...] = ()  # bin: laid out by where it stands
    items: int = 0  # array: how many entries


def _string(value: str) -> Expr:
    return Expr(string(value), "string")


def _env(value: EnvValue) -> Expr:
    return _call("getenv", _string(value.name))


def _value(value: str | EnvValue) -> Expr:
    return _string(value) if isinstance(value, str) else _env(value)


def _encoded(value: EnvValue) -> Expr:
    return _call("urlencode", _env(value))


def _concat(exprs: list[Expr]) -> Expr:
    """``a . b . c``; the plugin groups the operator of a lone ``a . b``."""
    if len(exprs) == 1:
        return exprs[0]
    head, *rest = exprs
    if len(rest) == 1:
        operands: list[Doc] = [head.doc, " ", group(".", LINE, rest[0].doc)]
    else:
        operands = [head.doc, *([" ", [".", LINE, e.doc]] for e in rest)]
    # Among call arguments the operands after the first are indented when they break.
    return Expr(group(operands[0], indent(operands[1:])), "bin", operands=tuple(operands))


def _text(pieces: Pieces, read: Callable[[EnvValue], Expr] = _env) -> Expr:
    return _concat([_string(p) if isinstance(p, str) else read(p) for p in pieces] or [_string("")])


def _inline(value: Expr) -> Doc:
    """A value where it stands alone (an array item, the right of ``=``)."""
    return group(value.operands) if value.kind == "bin" else value.doc


def _assignment(left: Doc, operator: str, value: Expr, *, named: bool) -> Doc:
    """``left => value`` or ``left = value``: broken after the operator for a
    concatenation, and for a string when ``left`` is a string or variable (``named``)."""
    if value.kind == "bin" or (named and value.kind == "string"):
        return group(left, operator, group(indent(LINE, _inline(value))))
    return group(left, operator, " ", value.doc)


def _array(entries: list[tuple[Expr | None, Expr]], *, expanded: bool = False) -> Expr:
    """An array: ``[key => value, ...]`` kept one entry a line when ``expanded`` (the
    plugin keeps keyed arrays as written), a list on one line if it fits."""
    if not entries:
        return Expr("[]", "array")
    items = [
        _assignment(key.doc, " =>", value, named=key.kind == "string") if key else grouped(_inline(value))
        for key, value in entries
    ]
    keyed = entries[0][0] is not None
    doc = Group(
        ["[", indent(SOFTLINE, join([",", LINE], items)), IfBreak(","), SOFTLINE, "]"], broken=expanded and keyed
    )
    return Expr(doc, "array", items=len(entries))


def _arguments(args: list[Expr]) -> Doc:
    """Call arguments (the plugin's printArgumentsList): on one line, or the last one
    (an array) expanded in place, or one argument a line, with a trailing comma."""
    if not args:
        return "()"
    printed: list[Doc] = [[arg.doc, ",", LINE] for arg in args[:-1]] + [args[-1].doc]
    comma = indent(",")
    last = args[-1]
    if last.kind == "array" and last.items and (len(args) == 1 or args[-2].kind != "array"):
        some_break = any(will_break(doc) for doc in printed)
        simple = ["(", printed, ")"]
        broken_out = Group(["(", indent(LINE, printed), comma, LINE, ")"], broken=True)
        states: tuple[Doc, ...] = (
            IfBreak(broken_out, simple) if some_break else simple,
            ["(", printed[:-1], Group(printed[-1], broken=True), ")"],
            Group(["(", indent(LINE, printed), IfBreak(comma), LINE, ")"], broken=True),
        )
        head_breaks = any(will_break(doc) for doc in printed[:-1])
        return [BREAK_PARENT if some_break else "", Group(states[0], states=states, broken=head_breaks)]
    contents: list[Doc] = ["(", indent(SOFTLINE, printed), IfBreak(comma), SOFTLINE, ")"]
    return Group(contents, broken=any(will_break(doc) for doc in printed))


def _call(name: str, *args: Expr) -> Expr:
    return Expr([name, _arguments(list(args))], "call")


def _new(name: str, *args: Expr) -> Expr:
    return Expr(["new ", name, _arguments(list(args))], "call")


def _constant(name: str) -> Expr:
    return Expr(name, "other")


def literal_expr(value: Any) -> Expr:
    """JSON-like data as a PHP literal. PHP turns numeric-string keys into integers and
    encodes an empty array as ``[]``: an explicit object keeps such objects objects."""
    if isinstance(value, dict) and not value:
        return _new("stdClass")
    if isinstance(value, dict):
        array = _array([(_string(str(k)), literal_expr(v)) for k, v in value.items()], expanded=True)
        if all(str(k).isdigit() for k in value):
            return Expr(["(object) ", array.doc], "other")
        return array
    if isinstance(value, list):
        return _array([(None, literal_expr(v)) for v in value])
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, EnvValue):
        return _env(value)
    if value is None:
        return _constant("null")
    if isinstance(value, bool):
        return _constant("true" if value else "false")
    return _constant(prettier_number(value, point_kept=True))


def literal(value: Any, level: int = 0) -> str:
    """A PHP literal, laid out as the plugin would (its lines after the first indented
    by ``level`` levels)."""
    doc = literal_expr(value).doc
    for _ in range(level):
        doc = indent(doc)
    return render_doc(doc, _WIDTH, "    ")


def _statement(doc: Doc) -> str:
    return render_doc([doc, ";"], _WIDTH, "    ")


def render(req: HttpRequest) -> str:
    blocks: list[str] = []
    # The path reads the environment as it is; the query's reads are URL-encoded.
    merged = url_with_env_query(req, _env, _encoded)
    url_expr = _concat([_string(p) if isinstance(p, str) else p for p in merged])

    headers: list[Expr] = []
    for c in req.credential("bearer"):
        headers.append(_concat([_string(c.name + ": " + c.prefix), _env(c.read())]))
    for c in req.credential("header"):
        headers.append(_concat([_string(c.name + ": "), _env(c.read())]))
    headers += [_text(join_pieces((f"{k}: ", v))) for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(_text(join_pieces(("Cookie: ", *cookie))))

    options: list[tuple[str, Expr]] = [("CURLOPT_RETURNTRANSFER", _constant("true"))]
    if req.method == "HEAD":
        options.append(("CURLOPT_NOBODY", _constant("true")))
    elif req.method != ("POST" if sends_body(req) else "GET"):
        # curl sends POST when there is a body, GET otherwise: any other method is named.
        options.append(("CURLOPT_CUSTOMREQUEST", _string(req.method)))
    for c in req.credential("basic"):
        options.append(("CURLOPT_USERPWD", _concat([_env(c.read(0)), _string(":"), _env(c.read(1))])))
    body = req.body
    if body is not None and not sends_body(req):
        headers.append(_string("Content-Type: " + body.media_type))
    elif body is not None:
        if body.kind == "json" and body.value in ({}, []):
            headers.append(_string("Content-Type: " + body.media_type))
            options.append(("CURLOPT_POSTFIELDS", _string(json.dumps(body.value))))
        elif body.kind == "json":
            headers.append(_string("Content-Type: " + body.media_type))
            blocks.append(_statement(_assignment("$payload", " =", literal_expr(body.value), named=True)))
            options.append(("CURLOPT_POSTFIELDS", _call("json_encode", _constant("$payload"))))
        elif body.kind == "form":
            pairs = tuple((p.name, p.value) for p in body.parts)
            if unique_keys(pairs):
                fields = _array([(_string(k), _value(v)) for k, v in pairs], expanded=True)
                options.append(("CURLOPT_POSTFIELDS", _call("http_build_query", fields)))
            else:  # repeated names: PHP arrays cannot hold them, so the encoded form
                options.append(("CURLOPT_POSTFIELDS", _text(form_template(body.parts), _encoded)))
        elif body.kind == "multipart":
            entries: list[tuple[Expr | None, Expr]] = []
            for part in body.parts:
                if part.filename:
                    path, kind = _string(part.filename), _string(part.content_type or "")
                    entries.append((_string(part.name), _new("CURLFile", path, kind, path)))
                else:
                    entries.append((_string(part.name), _value(part.value)))
            blocks.append(_statement(_assignment("$fields", " =", _array(entries, expanded=True), named=True)))
            options.append(("CURLOPT_POSTFIELDS", _constant("$fields")))
        elif body.kind == "text":
            headers.append(_string("Content-Type: " + body.media_type))
            options.append(("CURLOPT_POSTFIELDS", _string(body.value or "")))
        else:
            headers.append(_string("Content-Type: " + body.media_type))
            options.append(("CURLOPT_POSTFIELDS", _call("file_get_contents", _string(body.filename or ""))))
    if headers:
        options.append(("CURLOPT_HTTPHEADER", _array([(None, h) for h in headers])))

    setup = _array([(_constant(name), value) for name, value in options], expanded=True)
    blocks.append(
        _statement(_assignment("$ch", " =", _call("curl_init", url_expr), named=True))
        + "\n"
        + _statement(_call("curl_setopt_array", _constant("$ch"), setup).doc)
    )
    blocks.append(
        "$response = curl_exec($ch);\n"
        "if ($response === false) {\n"
        "    fwrite(STDERR, curl_error($ch) . PHP_EOL);\n"
        "    exit(1);\n"
        "}\n"
        "$status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);\n"
        "if ($status < 200 || $status >= 300) {\n"
        '    fwrite(STDERR, "HTTP $status: $response" . PHP_EOL);\n'
        "    exit(1);\n"
        "}\n"
        + (
            "echo $status . PHP_EOL;"
            if req.response == "none"
            else "echo strlen($response) . ' bytes' . PHP_EOL;"
            if req.response == "binary"
            else "echo $response . PHP_EOL;"
        )
    )
    return "<?php\n\n" + "\n\n".join(blocks) + "\n"


LANGUAGE = Language(
    id="php",
    label="PHP",
    lexer="php",
    filename="main.php",
    render=render,
    string=string,
    literal=literal,
    command=("php", "{file}"),
    executables=("php",),
    uses="PHP 8+ and its curl extension",
    how_to_run="PHP 8+ with the curl extension: save the code as `main.php` and run `php main.php`.",
    run="php main.php",
    aliases=("php",),
)
