"""Java 17: java.net.http, one file that runs with ``java Main.java``, laid out as
Prettier's Java plugin lays it out, with Google Java Style's 100 columns."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from ..request import HttpRequest
from ..values import EnvValue, Pieces, env_values
from .base import Language, form_template, json_template, sends_body, url_with_env_query
from .layout import (
    BREAK_PARENT,
    HARDLINE,
    LINE,
    SOFTLINE,
    Doc,
    Group,
    Indent,
    IndentIfBreak,
    compact,
    group,
    grouped,
    indent,
    join,
    new_id,
    will_break,
)
from .layout import render as render_doc

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_BOUNDARY = "PortalFormBoundary7MA4YWxkTrZu0gW"
CRLF = "\r\n"
_WIDTH = 100  # Google Java Style's column limit (Prettier's default is 80)
_JSON_STRING = """
  /** {@code value} as a JSON string, quotes included. */
  static String jsonString(String value) {
    StringBuilder json = new StringBuilder("\\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\\\') {
        json.append('\\\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"').toString();
  }
"""


def _ascii(ch: str) -> str:
    """Non-ASCII as \\u escapes: without a UTF-8 locale, Java 17 would misread the file."""
    if 0x20 <= ord(ch) < 0x7F:
        return ch
    return "".join(f"\\u{unit:04x}" for unit in _utf16(ch))


def _utf16(ch: str) -> list[int]:
    data = ch.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _escape(match: re.Match[str]) -> str:
    return _ESCAPES.get(match[0]) or _ascii(match[0])


_ESCAPED = re.compile(r"[^ !#-\[\]-~]")  # all but printable ASCII, quotes and backslashes
_TEXT_ESCAPED = re.compile(r'[^ !#-\[\]-~"\n]')  # the same, less quotes and line breaks
_QUOTES = re.compile(r'"{3,}')


def string(value: str) -> str:
    return '"' + _ESCAPED.sub(_escape, value) + '"'


def literal(value: Any) -> str:
    """A JSON document as a text block (Java has no JSON in its standard library)."""
    return text_block(json.dumps(value, indent=2, ensure_ascii=False))


def _text_block_lines(text: str) -> list[str]:
    """``text`` escaped as in strings, but with its line breaks and quotes, except that
    three quotes never follow each other (that ends a block)."""
    text = _TEXT_ESCAPED.sub(_escape, text)
    # Every third quote of a run escaped (escapes hold no quotes: the runs are the text's).
    text = _QUOTES.sub(lambda run: '""\\"' * (len(run[0]) // 3) + '"' * (len(run[0]) % 3), text)
    return text.split("\n")


def text_block(text: str) -> str:
    """``text`` as a Java text block."""
    return '"""\n' + "".join(f"    {line}\n" for line in _text_block_lines(text)) + '    """'


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f'System.getenv("{value.name}")'


# -- expressions, as the Java plugin's documents -----------------------------------------


@dataclass(frozen=True)
class Expr:
    """An expression's document and kind (string, binary, call or other); ``simple``
    says whether the plugin counts it a simple call argument at a given depth."""

    doc: Doc
    kind: str = "other"
    operands: tuple[Doc, ...] = ()  # binary: laid out by where it stands
    simple: Callable[[int], bool] = field(default=lambda depth: depth > 0)


# A member chain's links after its head: a field (a name) or a call (name, arguments).
Link: TypeAlias = "str | tuple[str, list[Expr]]"


def _string(value: str) -> Expr:
    return Expr(string(value), "string")


def _arguments(args: list[Expr]) -> Doc:
    if not args:
        return "()"
    printed = compact([SOFTLINE, *([arg.doc, ",", LINE] for arg in args[:-1]), args[-1].doc])
    return Group(["(", Indent(printed), SOFTLINE, ")"], broken=any(will_break(arg.doc) for arg in args))


def _chain(head: str | Expr, *links: Link, statement: bool = False) -> Expr:
    """``head.link.link(...)``: the plugin's member chain, on one line while its groups
    fit, else one call a line."""
    head_expr = Expr(head) if isinstance(head, str) else head
    nodes: list[tuple[Doc, Link | None]] = [(head_expr.doc, None)]
    for link in links:
        if isinstance(link, str):
            nodes.append(("." + link, link))
        else:
            arguments = _arguments(link[1])
            nodes.append(
                ("." + link[0] + arguments if isinstance(arguments, str) else ["." + link[0], arguments], link)
            )
    calls = [link for _, link in nodes if isinstance(link, tuple)]
    simple = _simple_chain(head_expr, links)
    if not links:
        return head_expr
    index = 1
    while index + 1 < len(nodes) and not isinstance(nodes[index][1], tuple):
        index += 1
    groups: list[list[tuple[Doc, Link | None]]] = [nodes[:index]]
    current: list[tuple[Doc, Link | None]] = []
    for node in nodes[index:]:
        current.append(node)
        if isinstance(node[1], tuple):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    printed = [g[0][0] if len(g) == 1 else compact([doc for doc, _ in g]) for g in groups]
    one_line = compact(printed)
    merge = len(groups) >= 2 and _keeps_head(head, groups[0], statement)
    if len(groups) <= (3 if merge else 2):
        return Expr(group(one_line), "call", simple=simple)
    rest = printed[2:] if merge else printed[1:]
    expanded = [printed[0], printed[1] if merge else "", indent(HARDLINE, join(HARDLINE, rest))]
    complex_args = len(calls) > 2 and any(not all(arg.simple(2) for arg in link[1]) for link in calls)
    breaks = [will_break(doc) for doc in printed]
    if complex_args or any(breaks[:-1]):
        return Expr(group(expanded), "call", simple=simple)
    choice = Group(one_line, states=(one_line, expanded))
    return Expr([BREAK_PARENT if any(breaks) else "", choice], "call", simple=simple)


def _keeps_head(head: str | Expr, first: list[tuple[Doc, Link | None]], statement: bool) -> bool:
    """Whether the first call stays on the head's line (``HttpRequest.newBuilder()``):
    the head names a class (a factory), or is short in a statement of its own."""
    if len(first) == 1:
        if not isinstance(head, str) or not re.fullmatch(r"[A-Za-z_$][\w$]*", head):
            return False
        return bool(re.match(r"[A-Z]|[$_]+$", head)) or (statement and len(head) <= 2)
    last = first[-1][1]
    return isinstance(last, str) and bool(re.match(r"[A-Z]|[$_]+$", last))


def _simple_chain(head: Expr, links: tuple[Link, ...]) -> Callable[[int], bool]:
    def simple(depth: int) -> bool:
        if depth <= 0 or not head.simple(depth):
            return False
        return all(
            isinstance(link, str) or (len(link[1]) <= depth and all(arg.simple(depth - 1) for arg in link[1]))
            for link in links
        )

    return simple


def _call(name: str, *args: Expr) -> Expr:
    """A call without an object: ``jsonString(value)``."""
    arguments = list(args)

    def simple(depth: int) -> bool:
        return depth > 0 and len(arguments) <= depth and all(arg.simple(depth - 1) for arg in arguments)

    return Expr(group(name, _arguments(arguments)), "call", simple=simple)


def _env(value: EnvValue) -> Expr:
    return _chain("System", ("getenv", [_string(value.name)]))


def _value(value: str | EnvValue) -> Expr:
    return _string(value) if isinstance(value, str) else _env(value)


def _encoded(value: EnvValue) -> Expr:
    return _chain("URLEncoder", ("encode", [_env(value), Expr("StandardCharsets.UTF_8")]))


def _concat(exprs: list[Expr]) -> Expr:
    """``a + b + c``; the plugin groups the operator of a lone ``a + b``."""
    if len(exprs) == 1:
        return exprs[0]
    head, *rest = exprs
    operands: list[Doc] = [grouped(head.doc)]
    if len(rest) == 1:
        operands.append(group(" +", LINE, rest[0].doc))
    else:
        operands += [[" +", LINE, e.doc] for e in rest]
    # Among call arguments the operands after the first are indented when they break.
    return Expr(group(operands[0], indent(operands[1:])), "binary", tuple(operands), simple=lambda depth: False)


def _text(pieces: Pieces, read: Callable[[EnvValue], Expr] = _env) -> Expr:
    return _concat([_string(p) if isinstance(p, str) else read(p) for p in pieces] or [_string("")])


def _declare(kind: str, name: str, value: Expr) -> Doc:
    """``Kind name = value;``: broken after ``=`` for a concatenation, else the value
    breaks first."""
    if value.kind == "binary":
        return [kind, " ", group(name, " =", group(indent(LINE, group(value.operands)))), ";"]
    group_id = new_id("assignment")
    return [kind, " ", group(name, " =", Group(indent(LINE), id=group_id), IndentIfBreak(value.doc, group_id)), ";"]


def _text_block(text: str) -> Expr:
    """A text block, its lines at the statement's indentation, as the plugin writes it."""
    return Expr(['"""', HARDLINE, join(HARDLINE, [*_text_block_lines(text), ""]), '"""'])


def _json_body(value: Any) -> Expr:
    """The JSON text of ``value`` as a text block, the environment's values JSON-encoded
    into it at run time (with ``jsonString``, a helper the snippet defines)."""
    pieces = json_template(value)
    text = "".join(p.replace("%", "%%") if isinstance(p, str) else "%s" for p in pieces)
    reads = [_call("jsonString", _env(p)) for p in pieces if isinstance(p, EnvValue)]
    return _chain(_text_block(text), ("formatted", reads))


def _publisher(method: str, *args: Expr) -> Expr:
    return _chain("HttpRequest", "BodyPublishers", (method, list(args)))


def _bytes(value: Expr) -> Expr:
    return _chain(value, ("getBytes", [Expr("StandardCharsets.UTF_8")]))


def render(req: HttpRequest) -> str:
    imports = {
        "java.net.URI",
        "java.net.http.HttpClient",
        "java.net.http.HttpRequest",
        "java.net.http.HttpResponse",
    }
    blocks: list[list[Doc]] = []
    helpers: list[str] = []
    # The path reads the environment as it is; the query's reads are URL-encoded.
    if req.env_query:
        imports |= {"java.net.URLEncoder", "java.nio.charset.StandardCharsets"}
    merged = url_with_env_query(req, _env, _encoded)

    headers: list[tuple[str, Expr]] = []
    for c in req.credential("bearer"):
        headers.append((c.name, _concat([_string(c.prefix), _env(c.read())])))
    for c in req.credential("basic"):
        imports |= {"java.util.Base64", "java.nio.charset.StandardCharsets"}
        credentials = _concat([_env(c.read(0)), _string(":"), _env(c.read(1))])
        encoder = _chain("Base64", ("getEncoder", []), ("encodeToString", [_bytes(Expr("credentials"))]))
        blocks.append([_declare("String", "credentials", credentials), _declare("String", "basic", encoder)])
        headers.append(("Authorization", _concat([_string("Basic "), Expr("basic")])))
    for c in req.credential("header"):
        headers.append((c.name, _env(c.read())))
    headers += [(k, _value(v)) for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(("Cookie", _text(cookie)))

    publisher = None
    body = req.body
    if body is not None and not sends_body(req):
        headers.append(("Content-Type", _string(body.media_type)))
    elif body is not None:
        if body.kind == "json" and body.value in ({}, []):
            publisher = _publisher("ofString", _string(json.dumps(body.value)))
            headers.append(("Content-Type", _string(body.media_type)))
        elif body.kind == "json":
            if any(env_values(body.value)):
                helpers.append(_JSON_STRING)
                blocks.append([_declare("String", "body", _json_body(body.value))])
            else:
                text = json.dumps(body.value, indent=2, ensure_ascii=False)
                blocks.append([_declare("String", "body", _text_block(text))])
            publisher = _publisher("ofString", Expr("body"))
            headers.append(("Content-Type", _string(body.media_type)))
        elif body.kind == "form":
            form = form_template(body.parts)
            if any(env_values(form)):
                imports |= {"java.net.URLEncoder", "java.nio.charset.StandardCharsets"}
            blocks.append([_declare("String", "form", _text(form, _encoded))])
            publisher = _publisher("ofString", Expr("form"))
            headers.append(("Content-Type", _string("application/x-www-form-urlencoded")))
        elif body.kind == "multipart":
            imports |= {"java.io.ByteArrayOutputStream", "java.nio.charset.StandardCharsets"}
            steps: list[Doc] = ["ByteArrayOutputStream body = new ByteArrayOutputStream();"]

            def write(data: Expr) -> Doc:
                return [_chain("body", ("write", [data]), statement=True).doc, ";"]

            for part in body.parts:
                disposition = f'form-data; name="{_quoted(part.name)}"'
                if part.filename:
                    imports |= {"java.nio.file.Files", "java.nio.file.Path"}
                    disposition += f'; filename="{_quoted(part.filename)}"'
                head = f"--{_BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
                if part.content_type:
                    head += f"Content-Type: {part.content_type}\r\n"
                steps.append(write(_bytes(_string(head + CRLF))))
                if part.filename:
                    path = _chain("Path", ("of", [_string(part.filename)]))
                    steps.append(write(_chain("Files", ("readAllBytes", [path]))))
                else:
                    steps.append(write(_bytes(_value(part.value))))
                steps.append(write(_bytes(_string(CRLF))))
            steps.append(write(_bytes(_string(f"--{_BOUNDARY}--\r\n"))))
            blocks.append(steps)
            publisher = _publisher("ofByteArray", _chain("body", ("toByteArray", [])))
            headers.append(("Content-Type", _string(f"multipart/form-data; boundary={_BOUNDARY}")))
        elif body.kind == "text":
            publisher = _publisher("ofString", _string(body.value or ""))
            headers.append(("Content-Type", _string(body.media_type)))
        else:
            imports.add("java.nio.file.Path")
            publisher = _publisher("ofFile", _chain("Path", ("of", [_string(body.filename or "")])))
            headers.append(("Content-Type", _string(body.media_type)))

    uri = _concat([_string(p) if isinstance(p, str) else p for p in merged])
    links: list[Link] = [("newBuilder", []), ("uri", [_chain("URI", ("create", [uri]))])]
    links += [("header", [_string(name), value]) for name, value in headers]
    if req.method in ("GET", "DELETE") and publisher is None:
        links.append((req.method, []))
    elif req.method in ("POST", "PUT"):
        links.append((req.method, [publisher or _publisher("noBody")]))
    else:
        links.append(("method", [_string(req.method), publisher or _publisher("noBody")]))
    links.append(("build", []))
    blocks.append([_declare("HttpRequest", "request", _chain("HttpRequest", *links))])

    kind = "byte[]" if req.response == "binary" else "String"
    handler = _chain("HttpResponse", "BodyHandlers", ("ofByteArray" if kind == "byte[]" else "ofString", []))
    send = _chain("HttpClient", ("newHttpClient", []), ("send", [Expr("request"), handler]))
    if kind == "byte[]":
        failure = ['System.err.println(response.statusCode() + ": " + new String(response.body()));']
        output = 'System.out.println(response.body().length + " bytes");'
    else:
        failure = ['System.err.println(response.statusCode() + ": " + response.body());']
        output = "System.out.println(response.body());"
    check = [
        "if (response.statusCode() < 200 || response.statusCode() >= 300) {",
        *(f"  {line}" for line in failure),
        "  System.exit(1);",
        "}",
        output if req.response != "none" else "System.out.println(response.statusCode());",
    ]
    blocks.append([_declare(f"HttpResponse<{kind}>", "response", send), *check])

    main = join([HARDLINE, HARDLINE], [join(HARDLINE, block) for block in blocks])
    code = render_doc(indent(indent(HARDLINE, main)), _WIDTH, "  ").lstrip("\n")
    head = "".join(f"import {name};\n" for name in sorted(imports, key=lambda name: name.split(".")))
    return (
        head
        + "\npublic class Main {\n\n  public static void main(String[] args) throws Exception {\n"
        + code
        + "\n  }\n"
        + "".join(dict.fromkeys(helpers))
        + "}\n"
    )


def _quoted(value: str) -> str:
    """A quoted-string in a multipart header (as browsers and Go write them)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "%0D").replace("\n", "%0A")


LANGUAGE = Language(
    id="java",
    label="Java",
    lexer="java",
    filename="Main.java",
    render=render,
    string=string,
    literal=literal,
    command=("java", "{file}"),
    executables=("java", "javac"),  # `java Main.java` compiles: a JDK, not just a JRE
    uses="Java 17+ and java.net.http",
    how_to_run="Java 17+ (a JDK), no build tool: save the code as `Main.java` and run `java Main.java`.",
    run="java Main.java",
    aliases=("java",),
)
