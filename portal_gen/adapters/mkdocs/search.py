"""What search indexes of a generated page (portal's choice, made on its own HTML).

Search plugins read every page's HTML with Python's ``HTMLParser``, which on a big API
took a fifth of a build: they are given a generated page without the markup that is
most of it and that they would skip or drop anyway (:func:`search_text`). This changes
what the index holds (no examples, no nested property trees) with speed-ups on or off.
"""

from __future__ import annotations

import re

# Blocks left out whole, each as a regex for its start and the text that ends it (what
# ``re.sub(start + ".*?" + end, "", html, flags=re.S)`` removes; found with str.find,
# several times faster on a big API's pages than the regex's lazy ``.*?``).
_CODE_BLOCK = (re.compile(r'<div class="language-[a-z0-9+-]* highlight"><pre>'), "</pre></div>")
_SCRIPT = (re.compile(r"<script\b"), "</script>")  # the pricing page's data and calculator
_FACTS = (re.compile(r'<div class="portal-facts">'), "</div>")
_NESTED_OPEN = '<details class="portal-nested"'
# Inline markup search neither keeps nor needs: its parser only keeps p, code, pre,
# lists, sub and sup, and splits sections at headings, which inline elements never
# hold. Their text stays (but a heading's permalink sign, which search leaves out);
# dropping the tags halves what the parser has to walk.
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>[^<]*</a>')
_INLINE_TAG = re.compile(r"""</?(?:a|abbr|b|em|i|input|label|small|span|strong)\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
_SPACES = re.compile(r"\s\s+")  # as \s{2,}, which Python's re matches twice as slowly


def search_text(html: str) -> str:
    """What search indexes of a generated page: headings, descriptions, names.

    Examples, constraint lines and nested property trees are left out: they make up
    most of a reference page's markup (and of the time search takes to parse it) and
    would bloat the index every reader downloads. Blocks go first, found with str.find:
    the regexes then run over the quarter of the page that is left. (Spaces on both sides
    of a nested tree, were there any, become one space, not two: portal's templates put
    none there, and search splits words on any run of them.)
    """
    html = _cut(_cut(_cut(html, _SCRIPT), _CODE_BLOCK), _FACTS)
    collapse = "<pre" not in html  # where spaces are text; elsewhere search makes one of many
    html = _INLINE_TAG.sub("", _PERMALINK.sub("", _without_nested(html)))
    return _SPACES.sub(" ", html) if collapse else html


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
