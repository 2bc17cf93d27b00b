"""Java 17: java.net.http, one file that runs with ``java Main.java``."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..request import HttpRequest
from ..values import EnvValue, Pieces, env_values
from .base import Language, form_template, join, json_template

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_BOUNDARY = "PortalFormBoundary7MA4YWxkTrZu0gW"
CRLF = "\r\n"
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


def string(value: str) -> str:
    return '"' + "".join(_ESCAPES.get(ch) or _ascii(ch) for ch in value) + '"'


def literal(value: Any) -> str:
    """A JSON document as a text block (Java has no JSON in its standard library)."""
    return text_block(json.dumps(value, indent=2, ensure_ascii=False))


def text_block(text: str) -> str:
    """``text`` as a Java text block: escaped as in strings, but with its line breaks
    and quotes, except that three quotes never follow each other (that ends a block)."""
    out, quotes = [], 0
    for ch in text:
        quotes = quotes + 1 if ch == '"' else 0
        if quotes == 3:
            out.append('\\"')
            quotes = 0
        elif ch in ('"', "\n"):
            out.append(ch)
        else:
            out.append(_ESCAPES.get(ch) or _ascii(ch))
    lines = "".join(out).split("\n")
    return '"""\n' + "".join(f"    {line}\n" for line in lines) + '    """'


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f'System.getenv("{value.name}")'


def _value(value: str | EnvValue) -> str:
    return string(value) if isinstance(value, str) else env(value)


def _text(pieces: Pieces) -> str:
    return join(pieces, string, env)


def _encoded(value: EnvValue) -> str:
    return f"URLEncoder.encode({env(value)}, StandardCharsets.UTF_8)"


def _json_body(value: Any) -> str:
    """The JSON text of ``value`` as a text block, the environment's values JSON-encoded
    into it at run time (with ``jsonString``, a helper the snippet defines)."""
    pieces = json_template(value)
    text = "".join(p.replace("%", "%%") if isinstance(p, str) else "%s" for p in pieces)
    reads = ", ".join(f"jsonString({env(p)})" for p in pieces if isinstance(p, EnvValue))
    return f"{text_block(text)}.formatted({reads})"


def render(req: HttpRequest) -> str:
    imports = {
        "java.net.URI",
        "java.net.http.HttpClient",
        "java.net.http.HttpRequest",
        "java.net.http.HttpResponse",
    }
    setup: list[str] = []
    helpers: list[str] = []
    url = _text(req.url_pieces(query=True))
    separator = "&" if req.query_string else "?"
    for name, read in req.env_query:
        imports |= {"java.net.URLEncoder", "java.nio.charset.StandardCharsets"}
        url += f" + {string(separator + quote(name, safe='') + '=')} + {_encoded(read)}"
        separator = "&"

    headers: list[tuple[str, str]] = []
    for c in req.credential("bearer"):
        headers.append((string(c.name), f"{string(c.prefix)} + {env(c.read())}"))
    for c in req.credential("basic"):
        imports |= {"java.util.Base64", "java.nio.charset.StandardCharsets"}
        setup.append(
            f'String credentials = {env(c.read(0))} + ":" + {env(c.read(1))};\n'
            "String basic = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));"
        )
        headers.append(('"Authorization"', '"Basic " + basic'))
    for c in req.credential("header"):
        headers.append((string(c.name), env(c.read())))
    headers += [(string(k), _value(v)) for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(('"Cookie"', _text(cookie)))

    publisher = None
    body = req.body
    if body is not None:
        if body.kind == "json" and any(env_values(body.value)):
            helpers.append(_JSON_STRING)
            setup.append(f"String body = {_json_body(body.value)};")
            publisher = "HttpRequest.BodyPublishers.ofString(body)"
            headers.append(('"Content-Type"', string(body.media_type)))
        elif body.kind == "json":
            setup.append(f"String body = {literal(body.value)};")
            publisher = "HttpRequest.BodyPublishers.ofString(body)"
            headers.append(('"Content-Type"', string(body.media_type)))
        elif body.kind == "form":
            form = form_template(body.parts)
            if any(env_values(form)):
                imports |= {"java.net.URLEncoder", "java.nio.charset.StandardCharsets"}
            setup.append(f"String form = {join(form, string, _encoded)};")
            publisher = "HttpRequest.BodyPublishers.ofString(form)"
            headers.append(('"Content-Type"', '"application/x-www-form-urlencoded"'))
        elif body.kind == "multipart":
            imports |= {"java.io.ByteArrayOutputStream", "java.nio.charset.StandardCharsets"}
            steps = [
                f'String boundary = "{_BOUNDARY}";',
                "ByteArrayOutputStream body = new ByteArrayOutputStream();",
            ]
            for part in body.parts:
                disposition = f'form-data; name="{_quoted(part.name)}"'
                if part.filename:
                    imports |= {"java.nio.file.Files", "java.nio.file.Path"}
                    disposition += f'; filename="{_quoted(part.filename)}"'
                head = f"Content-Disposition: {disposition}\r\n"
                if part.content_type:
                    head += f"Content-Type: {part.content_type}\r\n"
                steps.append(
                    f'body.write(("--" + boundary + {string(CRLF + head + CRLF)}).getBytes(StandardCharsets.UTF_8));'
                )
                if part.filename:
                    steps.append(f"body.write(Files.readAllBytes(Path.of({string(part.filename)})));")
                else:
                    steps.append(f"body.write({_value(part.value)}.getBytes(StandardCharsets.UTF_8));")
                steps.append('body.write("\\r\\n".getBytes(StandardCharsets.UTF_8));')
            steps.append('body.write(("--" + boundary + "--\\r\\n").getBytes(StandardCharsets.UTF_8));')
            setup.append("\n".join(steps))
            publisher = "HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())"
            headers.append(('"Content-Type"', '"multipart/form-data; boundary=" + boundary'))
        elif body.kind == "text":
            publisher = f"HttpRequest.BodyPublishers.ofString({string(body.value or '')})"
            headers.append(('"Content-Type"', string(body.media_type)))
        else:
            imports.add("java.nio.file.Path")
            publisher = f"HttpRequest.BodyPublishers.ofFile(Path.of({string(body.filename or '')}))"
            headers.append(('"Content-Type"', string(body.media_type)))

    if req.method == "GET" and publisher is None:
        method = ".GET()"
    elif req.method == "DELETE" and publisher is None:
        method = ".DELETE()"
    elif req.method in ("POST", "PUT"):
        method = f".{req.method}({publisher or 'HttpRequest.BodyPublishers.noBody()'})"
    else:
        method = f".method({string(req.method)}, {publisher or 'HttpRequest.BodyPublishers.noBody()'})"
    builder = ["HttpRequest request = HttpRequest.newBuilder()", f"    .uri(URI.create({url}))"]
    builder += [f"    .header({name}, {value})" for name, value in headers]
    builder += [f"    {method}", "    .build();"]
    if req.response == "binary":
        handler, output = "ofByteArray()", 'System.out.println(response.body().length + " bytes");'
    else:
        handler, output = "ofString()", "System.out.println(response.body());"
    kind = "byte[]" if req.response == "binary" else "String"
    text = "new String(response.body())" if kind == "byte[]" else "response.body()"
    send = (
        f"HttpResponse<{kind}> response = HttpClient.newHttpClient()\n"
        f"    .send(request, HttpResponse.BodyHandlers.{handler});\n"
        "if (response.statusCode() < 200 || response.statusCode() >= 300) {\n"
        f'    System.err.println(response.statusCode() + ": " + {text});\n'
        "    System.exit(1);\n"
        "}\n" + (output if req.response != "none" else "System.out.println(response.statusCode());")
    )
    blocks = [*setup, "\n".join(builder), send]
    main = "\n\n".join(blocks)
    main = "\n".join("        " + line if line else "" for line in main.split("\n"))
    head = "".join(f"import {name};\n" for name in sorted(imports))
    return (
        head
        + "\npublic class Main {\n    public static void main(String[] args) throws Exception {\n"
        + main
        + "\n    }\n"
        + "".join(helpers)
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
    aliases=("java",),
)
