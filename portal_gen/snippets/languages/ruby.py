"""Ruby with net/http from the standard library."""

from __future__ import annotations

import json
import re
from typing import Any

from ..request import HttpRequest
from ..values import EnvValue, Pieces
from .base import Language, LiteralStyle, braced_escape, join, quote_chars, sends_body, write_literal

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}
_CLASSES = {
    "GET": "Get",
    "POST": "Post",
    "PUT": "Put",
    "PATCH": "Patch",
    "DELETE": "Delete",
    "HEAD": "Head",
    "OPTIONS": "Options",
    "TRACE": "Trace",
}


def string(value: str) -> str:
    """A double-quoted Ruby string; ``#{``, ``#$`` and ``#@`` never interpolate."""
    quoted = quote_chars(value, _ESCAPES, braced_escape)
    return re.sub(r"#(?=[{$@])", r"\\#", quoted)


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f'ENV.fetch("{value.name}")'


def _value(value: str | EnvValue) -> str:
    return string(value) if isinstance(value, str) else env(value)


def _text(pieces: Pieces) -> str:
    return join(pieces, string, env)


STYLE = LiteralStyle(
    string=string,
    indent="  ",
    map_open="{",
    map_close="}",
    list_open="[",
    list_close="]",
    empty_map="{}",
    empty_list="[]",
    null="nil",
    env=env,
    separator=" => ",
)


def literal(value: Any, level: int = 0) -> str:
    return write_literal(value, STYLE, level)


def _pairs(pairs: list[tuple[str, str]]) -> str:
    return "[\n" + "".join(f"  [{k}, {v}],\n" for k, v in pairs) + "]"


def render(req: HttpRequest) -> str:
    requires = {"net/http", "uri"}
    lines = [f"uri = URI({_text(req.url_pieces())})"]
    query = [(string(k), _value(v)) for k, v in req.query]
    query += [(string(c.name), env(c.read())) for c in req.credential("query")]
    if query:
        lines[0] += f"\nuri.query = URI.encode_www_form({_pairs(query)})"

    klass = _CLASSES.get(req.method)
    request = [
        f"request = Net::HTTP::{klass}.new(uri)"
        if klass
        else f"request = Net::HTTPGenericRequest.new({string(req.method)}, true, true, uri)"
    ]
    for c in req.credential("bearer"):
        request.append(f'request[{string(c.name)}] = "{c.prefix}#{{{env(c.read())}}}"')
    for c in req.credential("basic"):
        request.append(f"request.basic_auth({env(c.read(0))}, {env(c.read(1))})")
    for c in req.credential("header"):
        request.append(f"request[{string(c.name)}] = {env(c.read())}")
    request += [f"request[{string(k)}] = {_value(v)}" for k, v in req.headers]
    if cookie := req.cookie_pieces():
        request.append(f'request["Cookie"] = {_text(cookie)}')
    body = req.body
    if body is not None and not sends_body(req):
        request.append(f'request["Content-Type"] = {string(body.media_type)}')
    elif body is not None:
        if body.kind == "json" and body.value in ({}, []):
            request.append(f'request["Content-Type"] = {string(body.media_type)}')
            request.append(f"request.body = {string(json.dumps(body.value))}")
        elif body.kind == "json":
            requires.add("json")
            request.append(f'request["Content-Type"] = {string(body.media_type)}')
            request.append(f"request.body = JSON.generate({literal(body.value)})")
        elif body.kind == "form":
            pairs = _pairs([(string(p.name), _value(p.value)) for p in body.parts])
            request.append(f'request.set_form({pairs}, "application/x-www-form-urlencoded")')
        elif body.kind == "multipart":
            parts = []
            for part in body.parts:
                if part.filename:
                    options = (
                        f"{{ filename: {string(part.filename)}, content_type: {string(part.content_type or '')} }}"
                    )
                    parts.append((string(part.name), f"File.open({string(part.filename)}), {options}"))
                else:
                    parts.append((string(part.name), _value(part.value)))
            request.append(f'request.set_form({_pairs(parts)}, "multipart/form-data")')
        elif body.kind == "text":
            request.append(f'request["Content-Type"] = {string(body.media_type)}')
            request.append(f"request.body = {string(body.value or '')}")
        else:
            request.append(f'request["Content-Type"] = {string(body.media_type)}')
            request.append(f"request.body = File.binread({string(body.filename or '')})")
    lines.append("\n".join(request))
    lines.append(
        'response = Net::HTTP.start(uri.hostname, uri.port, use_ssl: uri.scheme == "https") do |http|\n'
        "  http.request(request)\n"
        "end"
    )
    check = 'abort "#{response.code} #{response.message}: #{response.body}" unless response.is_a?(Net::HTTPSuccess)\n'
    if req.response == "json":
        requires.add("json")
        check += "puts JSON.pretty_generate(JSON.parse(response.body))"
    elif req.response == "none":
        check += 'puts "#{response.code} #{response.message}"'
    elif req.response == "binary":
        check += 'puts "#{response.body.bytesize} bytes of #{response["Content-Type"]}"'
    else:
        check += "puts response.body"
    lines.append(check)
    head = "".join(f'require "{name}"\n' for name in sorted(requires))
    return head + "\n" + "\n\n".join(lines) + "\n"


LANGUAGE = Language(
    id="ruby",
    label="Ruby",
    lexer="ruby",
    filename="main.rb",
    render=render,
    string=string,
    literal=literal,
    command=("ruby", "{file}"),
    executables=("ruby",),
    uses="Ruby 3+ and Net::HTTP",
    how_to_run="Ruby 3+, standard library only: save the code as `main.rb` and run `ruby main.rb`.",
    run="ruby main.rb",
    aliases=("ruby", "rb"),
)
