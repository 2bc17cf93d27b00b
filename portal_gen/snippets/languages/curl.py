"""curl in a POSIX shell (and jq, for a JSON body with values from the environment)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from ..request import HttpRequest
from ..values import EnvValue, env_values, join_pieces
from .base import Language, json_template, sends_body


def string(value: str) -> str:
    """A single-quoted shell word: nothing inside is expanded."""
    return "'" + value.replace("'", "'\\''") + "'"


def literal(value: Any) -> str:
    return string(json.dumps(value, indent=2, ensure_ascii=False))


_PLAIN = re.compile(r"^[\w .:/=;,+@%?&\[\]-]*$")


def _word(*pieces: str | EnvValue) -> str:
    """One shell word from literal text and environment reads (``$VAR`` expands).

    Plain text goes in double quotes, as people write ``"Authorization: Bearer $TOKEN"``;
    anything else stays single-quoted, where the shell expands nothing.
    """
    merged = join_pieces(pieces)
    if not any(isinstance(p, EnvValue) for p in merged):
        return string("".join(p for p in merged if isinstance(p, str)))
    if all(isinstance(p, EnvValue) or _PLAIN.match(p) for p in merged):
        return '"' + "".join(f"${{{p.name}}}" if isinstance(p, EnvValue) else p for p in merged) + '"'
    return "".join(f'"${p.name}"' if isinstance(p, EnvValue) else string(p) for p in merged)


def _jq(value: Any) -> str:
    """A jq program that writes ``value`` as JSON, reading each :class:`EnvValue` with
    ``env.NAME``: jq JSON-encodes what the shell could not."""
    return string("".join(p if isinstance(p, str) else f"env.{p.name}" for p in json_template(value)))


def _form_value(value: str) -> str:
    """A value for ``--form``: double-quoted so that ``;`` and ``,`` stay data."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(req: HttpRequest) -> str:
    args: list[str] = []
    # --fail-with-body: a 4xx or 5xx prints the response and exits non-zero (curl 7.76+).
    command = "curl --fail-with-body -sS "
    if req.method == "HEAD":
        args.append("--head")
    elif req.method != ("POST" if sends_body(req) else "GET"):
        args.append(f"-X {req.method}")  # what curl would send otherwise: POST with data, else GET
    args.insert(0, _word(*req.url_pieces(query=True)))
    for name, read in req.env_query:
        # --url-query (curl 7.87+) percent-encodes the value, as the server expects.
        args.append(f"--url-query {_word(quote(name, safe='') + '=', read)}")
    for credential in req.credential("basic"):
        args.append(f'-u "${credential.env[0]}:${credential.env[1]}"')
    for credential in req.credential("bearer"):
        args.append(f"-H {_word(f'{credential.name}: {credential.prefix}', credential.read())}")
    for credential in req.credential("header"):
        args.append(f"-H {_word(f'{credential.name}: ', credential.read())}")
    for name, value in req.headers:
        args.append(f"-H {_word(f'{name}: ', value)}")
    if cookie := req.cookie_pieces():
        args.append(f"-H {_word('Cookie: ', *cookie)}")
    body = req.body
    if body is not None and not sends_body(req):
        args.append(f"-H {string('Content-Type: ' + body.media_type)}")
    elif body is not None:
        if body.kind == "json" and any(env_values(body.value)):
            command = f"jq -n {_jq(body.value)} | {command}"
            args.append(f"-H {string('Content-Type: ' + body.media_type)}")
            args.append("--data-binary @-")
        elif body.kind == "json":
            args.append(f"-H {string('Content-Type: ' + body.media_type)}")
            args.append(f"--data-raw {literal(body.value)}")
        elif body.kind == "form":
            for part in body.parts:
                args.append(f"--data-urlencode {_word(quote(part.name, safe='[]') + '=', part.value)}")
        elif body.kind == "multipart":
            for part in body.parts:
                name, value, kind = part.name, part.value, part.content_type
                if part.filename:
                    args.append(f"-F {string(f'{name}=@{part.filename};type={kind}')}")
                elif kind and isinstance(value, str):
                    args.append(f"-F {string(f'{name}={_form_value(value)};type={kind}')}")
                elif kind:  # `<file` takes the content as it is: no -F quoting to get wrong
                    args.append(f"-F {string(f'{name}=<')}<(printf %s {_word(value)}){string(f';type={kind}')}")
                else:
                    args.append(f"--form-string {_word(f'{name}=', value)}")
        elif body.kind == "text":
            args.append(f"-H {string('Content-Type: ' + body.media_type)}")
            args.append(f"--data-raw {string(body.value)}")
        else:
            args.append(f"-H {string('Content-Type: ' + body.media_type)}")
            args.append(f"--data-binary {string('@' + (body.filename or ''))}")
    return command + " \\\n  ".join(args) + "\n"


LANGUAGE = Language(
    id="curl",
    label="curl",
    lexer="bash",
    filename="request.sh",
    render=render,
    string=string,
    literal=literal,
    command=("bash", "{file}"),
    executables=("bash", "curl"),
    uses="curl in any shell",
    how_to_run="Paste it into a terminal (bash or zsh).",
    aliases=("curl", "shell", "bash", "sh", "cURL"),
)
