"""A plain one-line description rendered to itself, without markdown-it and nh3: the
``markdown_plain`` speed-up.

Most descriptions of a big spec are one plain sentence ("The name of the repository."):
no character CommonMark or HTML gives a meaning to, on one line, starting with nothing a
list or a code block could start with. markdown-it renders such text to itself (in a
paragraph for a block), but for ``"``, which it writes ``&quot;``, and sanitizing it
with nh3 changes nothing but that (it writes the quote again). So :func:`paragraph` and
:func:`inline` give that output without either: half the time Markdown took on
GitHub's spec.

That imitates what the two write, so on first use it checks itself once: a probe
sentence holding every kind of character the shortcut lets through is rendered by
:mod:`portal_gen.render.markdown`'s full path, as a block and inline, and must come out
as the shortcut writes it. If not, the shortcut turns itself off for the process, with
one line in the ``--debug`` output.

Verified on markdown-it-py 4.3.0 with nh3 0.3.8; the releases it may run on are in
:data:`portal_gen.accel.SPEEDUPS`.
Why it is safe: the text it takes has nothing Markdown or HTML reads as markup, the
probe holds the output to the full path's on the installed releases, and
tests/test_markdown.py holds it to the full path on random text.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from ..render import markdown as _markdown

log = logging.getLogger("mkdocs.plugins.portal")

_MARKUP_CHARACTERS = re.compile(r"[`*_\[\]<>#|\\!&~=]")
_LIST_START = re.compile(r"[-+]|\d{1,9}[.)]")

# Letters of several scripts, an emoji, digits, quotes and every punctuation mark the
# shortcut lets through, a URL, no-markup runs of spaces.
_PROBE = 'Say "hi" (it\'s 100% ok): a/b, c.d; e? f@g + h-i {j} $k ^l é 名 🙂 — http://x.test/a?b 2024.'


def _plain(text: str) -> bool:
    """Whether ``text`` is a plain sentence: one line, nothing Markdown or HTML reads."""
    return (
        text != ""
        and text.isprintable()  # no line break, tab, no-break space or control character
        and text.strip() == text
        and not _MARKUP_CHARACTERS.search(text)
        and not _LIST_START.match(text)
    )


@cache
def _verified() -> bool:
    """Whether the full path renders the probe as the shortcut does (once per process)."""
    block = _markdown.sanitize_html(_markdown._md.render(_PROBE))
    line = _markdown.sanitize_html(_markdown._md.renderInline(_PROBE))
    if block == f"<p>{_PROBE}</p>\n" and line == _PROBE:
        return True
    log.debug("portal accel: markdown_plain off: markdown-it and nh3 render a plain sentence otherwise")
    return False


def paragraph(text: str) -> str | None:
    """What markdown-it and nh3 make of ``text`` as a block, if it is a plain sentence
    (else ``None``: theirs to render)."""
    return f"<p>{text}</p>\n" if _plain(text) and _verified() else None


def inline(text: str) -> str | None:
    """What markdown-it and nh3 make of ``text`` inline, if it is a plain sentence (else
    ``None``: theirs to render)."""
    return text if _plain(text) and _verified() else None


def reset() -> None:
    """Forget what the self-check found (tests)."""
    _verified.cache_clear()
