"""PHP with the curl extension."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from ..request import HttpRequest
from ..values import EnvValue, Pieces, join_pieces
from .base import Language, LiteralStyle, braced_escape, form_template, join, quote_chars, unique_keys, write_literal

_DOUBLE = {"\\": "\\\\", '"': '\\"', "$": "\\$", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def string(value: str) -> str:
    """Single quotes (nothing interpolates) unless the text holds control characters
    (line breaks included: generated code never has a literal spanning lines)."""
    if all(ch.isprintable() for ch in value):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return quote_chars(value, _DOUBLE, braced_escape)


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f"getenv('{value.name}')"


def _value(value: str | EnvValue) -> str:
    return string(value) if isinstance(value, str) else env(value)


def _text(pieces: Pieces, read: Callable[[EnvValue], str] = env) -> str:
    return join(pieces, string, read, " . ")


def _encoded(value: EnvValue) -> str:
    return f"urlencode({env(value)})"


# PHP turns numeric-string keys into integers and encodes an empty array as `[]`: an
# explicit object keeps such JSON objects objects.
STYLE = LiteralStyle(
    string=string,
    indent="    ",
    map_open="[",
    map_close="]",
    list_open="[",
    list_close="]",
    empty_map="new stdClass()",
    empty_list="[]",
    null="null",
    env=env,
    separator=" => ",
    map_prefix=lambda value: "(object) " if all(str(k).isdigit() for k in value) else "",
)


def literal(value: Any, level: int = 0) -> str:
    return write_literal(value, STYLE, level)


def render(req: HttpRequest) -> str:
    lines: list[str] = []
    url = _text(req.url_pieces(query=True))
    separator = "&" if req.query_string else "?"
    for name, read in req.env_query:
        url += f" . {string(separator + quote(name, safe='') + '=')} . {_encoded(read)}"
        separator = "&"

    headers: list[str] = []
    for c in req.credential("bearer"):
        headers.append(f"{string(c.name + ': ' + c.prefix)} . {env(c.read())}")
    for c in req.credential("header"):
        headers.append(f"{string(c.name + ': ')} . {env(c.read())}")
    headers += [_text(join_pieces((f"{k}: ", v))) for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(_text(join_pieces(("Cookie: ", *cookie))))

    options: list[tuple[str, str]] = [("CURLOPT_RETURNTRANSFER", "true")]
    if req.method == "HEAD":
        options.append(("CURLOPT_NOBODY", "true"))
    elif req.method not in ("GET", "POST") or (req.method == "POST" and req.body is None):
        options.append(("CURLOPT_CUSTOMREQUEST", string(req.method)))
    for c in req.credential("basic"):
        options.append(("CURLOPT_USERPWD", f"{env(c.read(0))} . ':' . {env(c.read(1))}"))
    body = req.body
    if body is not None:
        if body.kind == "json":
            headers.append(string("Content-Type: " + body.media_type))
            lines.append(f"$payload = {literal(body.value)};")
            options.append(("CURLOPT_POSTFIELDS", "json_encode($payload)"))
        elif body.kind == "form":
            pairs = tuple((p.name, p.value) for p in body.parts)
            if unique_keys(pairs):
                items = "".join(f"    {string(k)} => {_value(v)},\n" for k, v in pairs)
                options.append(("CURLOPT_POSTFIELDS", f"http_build_query([\n{items}])"))
            else:  # repeated names: PHP arrays cannot hold them, so the encoded form
                options.append(("CURLOPT_POSTFIELDS", _text(form_template(body.parts), _encoded)))
        elif body.kind == "multipart":
            fields = []
            for part in body.parts:
                if part.filename:
                    name, kind = string(part.filename), string(part.content_type or "")
                    value = f"new CURLFile({name}, {kind}, {name})"
                else:
                    value = _value(part.value)
                fields.append(f"    {string(part.name)} => {value},\n")
            lines.append("$fields = [\n" + "".join(fields) + "];")
            options.append(("CURLOPT_POSTFIELDS", "$fields"))
        elif body.kind == "text":
            headers.append(string("Content-Type: " + body.media_type))
            options.append(("CURLOPT_POSTFIELDS", string(body.value or "")))
        else:
            headers.append(string("Content-Type: " + body.media_type))
            options.append(("CURLOPT_POSTFIELDS", f"file_get_contents({string(body.filename or '')})"))
    if headers:
        options.append(("CURLOPT_HTTPHEADER", "[\n" + "".join(f"        {h},\n" for h in headers) + "    ]"))

    setopt = "".join(f"    {name} => {value},\n" for name, value in options)
    lines.append(f"$ch = curl_init({url});\ncurl_setopt_array($ch, [\n{setopt}]);")
    lines.append(
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
    return "<?php\n\n" + "\n\n".join(lines) + "\n"


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
    aliases=("php",),
)
