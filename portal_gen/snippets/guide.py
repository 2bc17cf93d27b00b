"""How a guide step hands values to the steps after it, in every language (pure).

A step that captures fields of its response keeps them in shell variables, taken from
the response itself with ``jq``, never pasted from the spec's example. A curl step
pipes its own output through ``tee`` and reads the saved copy; a program in any other
language is run with its output saved the same way. Later steps read the variables
(``"${MESSAGE_ID}"`` in curl, ``os.environ["MESSAGE_ID"]`` in Python...), which is how
``portal check`` hands them over too.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from .languages import Language

RESPONSE_FILE = "response.json"  # where a capturing step's output is kept

_JQ_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def jq_filter(path: Sequence[str]) -> str:
    """The ``jq`` filter that reads ``path`` (a capture's field path): ``.id``,
    ``.data[0].id``, ``.["odd key"]``."""
    parts = []
    for part in path:
        if part.isdigit():
            parts.append(f"[{part}]")
        elif _JQ_NAME.match(part):
            parts.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'.["{escaped}"]')
    text = "".join(parts)
    return text if text.startswith(".") else "." + text


@dataclass(frozen=True)
class Kept:
    """A step's code as the page shows it, and the shell lines that run it and keep
    its captures (empty when the code keeps them itself, or captures nothing)."""

    code: str
    run: str = ""


def keep_captures(
    code: str, language: Language | None, captures: Sequence[tuple[str, Sequence[str]]], *, generated: bool
) -> Kept:
    """``code`` for a step that captures ``captures`` ((variable, field path) pairs)
    from its JSON output.

    Shell code (curl) keeps them itself: its output goes through ``tee`` and each value
    is read from the saved copy (a generated curl command is piped as it is; hand-written
    shell is grouped first, so all of its output is kept). Code in another language is
    run by a reader's shell with its output saved, then read the same way, with
    ``export`` so that the next programs see the values."""
    if not captures or language is None:
        return Kept(code)
    shell = not language.run
    reads = "\n".join(
        f"{'' if shell else 'export '}{name}=$(jq -r {shlex.quote(jq_filter(path))} {RESPONSE_FILE})"
        for name, path in captures
    )
    if shell:
        body = code.rstrip("\n")
        if generated:
            piped = f"{body} \\\n  | tee {RESPONSE_FILE}"
        else:
            inner = "\n".join(f"  {line}" if line else "" for line in body.split("\n"))
            piped = f"{{\n{inner}\n}} | tee {RESPONSE_FILE}"
        return Kept(f"{piped}\n{reads}\n")
    return Kept(code, f"{language.run} | tee {RESPONSE_FILE}\n{reads}\n")
