"""What search indexes of a generated page (portal's choice, made on its own HTML), and
how search splits it into words.

Search plugins read every page's HTML with Python's ``HTMLParser``, which on a big API
took a fifth of a build: they are given a generated page without the markup that is
most of it and that they would skip or drop anyway (:func:`search_text`). This changes
what the index holds (no examples, no nested property trees, no tab labels or buttons)
with speed-ups on or off.

What a reader finds with it, in Material's search (public behaviour only: the HTML it is
given and its documented ``separator`` option):

* an operation's entry is titled with its summary, then its method and path in code
  ("Send a message ``POST /messages``"): every result shows them, and a search for a
  path ranks the operation by its title, where search weighs words most;
* words on either side of a block (table cells, terms and definitions, boxes) stay
  apart: search drops the tags between them, and a space takes their place;
* :func:`configure_search` has search split words at code punctuation too (``/``,
  braces, ``_``, ``.``...), so ``/messages/{id}``, ``messages id`` and
  ``message_id`` find the operations on ``/messages/{message_id}``.
"""

from __future__ import annotations

import re
from typing import Any

# Blocks left out whole, each as a regex for its start and the text that ends it (what
# ``re.sub(start + ".*?" + end, "", html, flags=re.S)`` removes; found with str.find,
# several times faster on a big API's pages than the regex's lazy ``.*?``).
_CODE_BLOCK = (re.compile(r'<div class="language-[a-z0-9+-]* highlight"><pre>'), "</pre></div>")
_SCRIPT = (re.compile(r"<script\b"), "</script>")  # the pricing page's data and calculator
_FACTS = (re.compile(r'<div class="portal-facts">'), "</div>")
# An operation's changelog badges ("Changed in 2026-08-01"): the same words on many pages.
_HISTORY = (re.compile(r'<p class="portal-history">'), "</p>")
# Controls, not content: a snippet's language tabs ("curl", "Python"...: the same on
# every snippet) and buttons ("Copy", a filter's choices).
_TAB_LABELS = (re.compile(r'<div class="tabbed-labels">'), "</div>")
_BUTTON = (re.compile(r"<button\b"), "</button>")
_NESTED_OPEN = '<details class="portal-nested"'
# An operation's (or webhook's) method and path, under its title; the server before the
# path is the same on every operation, and longer than the path.
_ENDPOINT = '<p class="portal-endpoint">'
_URL = '<code class="portal-url"'
_SERVER = re.compile(r'<span class="portal-url__server">[^<]*</span>')
_TAG = re.compile(r"<[^>]*>")
# Inline markup search neither keeps nor needs: its parser only keeps p, code, pre,
# lists, sub and sup, and splits sections at headings, which inline elements never
# hold. Their text stays (but a heading's permalink sign, which search leaves out);
# dropping the tags halves what the parser has to walk.
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>[^<]*</a>')
_INLINE_TAG = re.compile(r"""</?(?:a|abbr|b|em|i|input|label|small|span|strong)\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
# The end of a block search drops the tags of (it keeps only p, code, pre and lists):
# a space after it keeps the words on either side apart ("Time" "About 5 minutes", not
# "TimeAbout 5 minutes"); a line break becomes a space.
_BLOCK_END = re.compile(
    r"</(?:div|dt|dd|th|td|tr|caption|summary|details|dl|table|blockquote|figcaption|section|aside|nav"
    r"|header|footer|h[1-6])>"
)
_LINE_BREAK = re.compile(r"<br\s*/?>")
_SPACES = re.compile(r"\s\s+")  # as \s{2,}, which Python's re matches twice as slowly

# Where search splits text (and queries) into words: Material's default for every
# language it ships (whitespace, hyphens and CJK punctuation), and code's punctuation:
# ``/messages/{message_id}`` is the words "messages", "message" and "id"; a full stop
# before a digit is part of a number ("3.9"); a possessive is its noun ("message's" is
# "message"); escaped ``&``, ``<`` and ``>`` split too.
SEPARATOR = r"""[\s\u200b\u3000\-、。，．？！；,:!=()\[\]{}/_"|#@]+|\.(?!\d)|['’](?:s\b)?|&(?:amp|lt|gt);"""


def search_text(html: str) -> str:
    """What search indexes of a generated page: headings, descriptions, names.

    Examples, constraint lines and nested property trees are left out: they make up
    most of a reference page's markup (and of the time search takes to parse it) and
    would bloat the index every reader downloads. So are tab labels and buttons. An
    operation's method and path join its title (:func:`_endpoint_in_title`). Blocks go
    first, found with str.find: the regexes then run over the quarter of the page that
    is left. (Spaces on both sides of a nested tree, were there any, become one space,
    not two: portal's templates put none there, and search splits words on any run of
    them.)
    """
    html = _cut(_cut(_cut(_cut(html, _SCRIPT), _CODE_BLOCK), _FACTS), _HISTORY)
    html = _endpoint_in_title(_cut(_cut(html, _TAB_LABELS), _BUTTON))
    collapse = "<pre" not in html  # where spaces are text; elsewhere search makes one of many
    html = _INLINE_TAG.sub("", _PERMALINK.sub("", _without_nested(html)))
    html = _LINE_BREAK.sub(" ", _BLOCK_END.sub(r"\g<0> ", html))
    return _SPACES.sub(" ", html) if collapse else html


def _endpoint_in_title(html: str) -> str:
    """``html`` with an operation's method and path (its ``portal-endpoint`` line) moved
    to the end of the title before it, in code: "Send a message <code>POST /messages</code>".

    Search shows an entry's title in every result, and weighs a match in a title a
    thousand times one in text: a search for a path or a method finds the operation
    first. The path is shown without the server, as the reference lists it."""
    start = html.find(_ENDPOINT)
    if start == -1:
        return html
    end = html.find("</p>", start)
    if html.find(_URL, start, end) == -1:
        return html  # a webhook's: a name, not a path (the title stays the event's name)
    title_end = html.rfind("</h1>", 0, start)
    if end == -1 or title_end == -1:
        return html
    endpoint = " ".join(_TAG.sub("", _SERVER.sub("", html[start + len(_ENDPOINT) : end])).split())
    if not endpoint:
        return html
    return f"{html[:title_end]} <code>{endpoint}</code>{html[title_end:start]}{html[end + 4 :]}"


# How much an operation's entries weigh against other pages' (Material's documented
# ``search.boost``): more than a model's or a guide's with the same words in its title,
# and more the shorter its title (summary, method and path, in words), as text search
# weighs a word in a short field more; a GET a little more than the other operations on
# its path. Measured on the demo and on GitHub's 1,223 operations (benchmarks/README.md).
_BOOST_WORDS = 20  # the title length (in words) at which an operation weighs as much as other pages, doubled
_NOT_GET = 0.97
_STOP_WORDS = frozenset(("a", "an", "the", "for", "of", "to", "in", "on", "and", "or", "from", "by", "with"))
_TITLE_ENDPOINT = re.compile(r"<h1\b[^>]*>(.*?) <code>([A-Z]+) ([^<]*)</code></h1>", re.S)
_WORD_SEPARATOR = re.compile(SEPARATOR)


def search_boost(text: str) -> float | None:
    """The ``search.boost`` of an operation's page, from what search indexes of it
    (:func:`search_text`); ``None`` for a page without an operation's title."""
    found = _TITLE_ENDPOINT.match(text.lstrip())
    if found is None:
        return None
    summary, method, path = found.groups()
    words = [w for w in _WORD_SEPARATOR.split(f"{_TAG.sub(' ', summary)} {method} {path}") if w]
    count = sum(word.lower() not in _STOP_WORDS for word in words)
    boost = 2 * _BOOST_WORDS / (count + _BOOST_WORDS) * (1 if method == "GET" else _NOT_GET)
    return round(boost, 3)


def configure_search(config: Any) -> None:
    """Have Material's search split words at code punctuation (:data:`SEPARATOR`),
    unless the project set its own ``separator``. Called from the plugin's ``on_config``
    before search's own, which reads the option."""
    for plugin in config.plugins.values():
        if type(plugin).__module__ == "material.plugins.search.plugin" and not plugin.config.get("separator"):
            plugin.config["separator"] = SEPARATOR


def _without_nested(html: str) -> str:
    """``html`` without nested property trees (``<details class="portal-nested">``, with
    the details inside them); an unterminated one cuts the rest."""
    out: list[str] = []
    position = 0
    while (start := html.find(_NESTED_OPEN, position)) != -1:
        out.append(html[position:start])
        depth, cursor = 1, start + len(_NESTED_OPEN)
        while depth:
            close = html.find("</details>", cursor)
            if close == -1:
                return "".join(out)
            opened = html.find("<details", cursor, close)
            if opened != -1:
                depth, cursor = depth + 1, opened + 8
            else:
                depth, cursor = depth - 1, close + len("</details>")
        position = cursor
    if not out:
        return html
    out.append(html[position:])
    return "".join(out)


def _cut(html: str, block: tuple[re.Pattern[str], str]) -> str:
    """``html`` without each ``block``: from a match of its start to the first end after it."""
    start, end = block
    out: list[str] = []
    position = 0
    while (found := start.search(html, position)) is not None:
        close = html.find(end, found.end())
        if close == -1:
            break  # unterminated: neither this start nor any later one has an end
        out.append(html[position : found.start()])
        position = close + len(end)
    if not out:
        return html
    out.append(html[position:])
    return "".join(out)
