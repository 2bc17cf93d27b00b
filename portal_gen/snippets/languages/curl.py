"""curl in a POSIX shell."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from ..request import Credential, HttpRequest
from .base import Language


def string(value: str) -> str:
    """A single-quoted shell word: nothing inside is expanded."""
    return "'" + value.replace("'", "'\\''") + "'"


def literal(value: Any) -> str:
    return string(json.dumps(value, indent=2, ensure_ascii=False))


_PLAIN = re.compile(r"^[\w .:/=;,+@%?&\[\]-]*$")


def _word(*pieces: str | Credential) -> str:
    """One shell word from literal text and credentials (``$VAR`` expands).

    Plain text goes in double quotes, as people write ``"Authorization: Bearer $TOKEN"``;
    anything else stays single-quoted, where the shell expands nothing.
    """
    merged: list[str | Credential] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif piece:
            merged.append(piece)
    if not any(isinstance(p, Credential) for p in merged):
        return string("".join(p for p in merged if isinstance(p, str)))
    if all(isinstance(p, Credential) or _PLAIN.match(p) for p in merged):
        return '"' + "".join(f"${{{p.env[0]}}}" if isinstance(p, Credential) else p for p in merged) + '"'
    return "".join(f'"${p.env[0]}"' if isinstance(p, Credential) else string(p) for p in merged) or "''"


def _form_value(value: str) -> str:
    """A value for ``--form``: double-quoted so that ``;`` and ``,`` stay data."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(req: HttpRequest) -> str:
    args: list[str] = []
    if req.method == "HEAD":
        args.append("--head")
    elif req.method != "GET" and not (req.method == "POST" and req.body is not None):
        args.append(f"-X {req.method}")  # curl infers POST from a body
    args.insert(0, string(req.url + ("?" + req.query_string if req.query else "")))
    for credential in req.credential("query"):
        # --url-query (curl 7.87+) percent-encodes the secret, as the server expects.
        args.append(f"--url-query {_word(quote(credential.name, safe='') + '=', credential)}")
    for credential in req.credential("basic"):
        args.append(f'-u "${credential.env[0]}:${credential.env[1]}"')
    for credential in req.credential("bearer"):
        args.append(f"-H {_word(f'{credential.name}: {credential.prefix}', credential)}")
    for credential in req.credential("header"):
        args.append(f"-H {_word(f'{credential.name}: ', credential)}")
    for name, value in req.headers:
        args.append(f"-H {string(f'{name}: {value}')}")
    if cookie := req.cookie_pieces():
        args.append(f"-H {_word('Cookie: ', *cookie)}")
    body = req.body
    if body is not None:
        if body.kind == "json":
            args.append(f"-H {string('Content-Type: ' + body.media_type)}")
            args.append(f"--data-raw {literal(body.value)}")
        elif body.kind == "form":
            for part in body.parts:
                args.append(f"--data-urlencode {string(quote(part.name, safe='[]') + '=' + part.value)}")
        elif body.kind == "multipart":
            for part in body.parts:
                if part.filename:
                    args.append(f"-F {string(f'{part.name}=@{part.filename};type={part.content_type}')}")
                elif part.content_type:
                    args.append(f"-F {string(f'{part.name}={_form_value(part.value)};type={part.content_type}')}")
                else:
                    args.append(f"--form-string {string(f'{part.name}={part.value}')}")
        elif body.kind == "text":
            args.append(f"-H {string('Content-Type: ' + body.media_type)}")
            args.append(f"--data-raw {string(body.value)}")
        else:
            args.append(f"-H {string('Content-Type: ' + body.media_type)}")
            args.append(f"--data-binary {string('@' + (body.filename or ''))}")
    # --fail-with-body: a 4xx or 5xx prints the response and exits non-zero (curl 7.76+).
    return "curl --fail-with-body -sS " + " \\\n  ".join(args) + "\n"


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
    aliases=("curl", "shell", "bash", "sh", "cURL"),
)
