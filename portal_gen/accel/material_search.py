"""How search reads a generated page: Material's parser's rules on a regex tokenizer.

Material's search parser, on ``HTMLParser``, was most of what the main process did
while the other core wrote pages (GitHub's portal: 2.0 s of CPU for 2,243 pages).
:func:`search_sections` finds the same sections, by the same rules, in a third of the
time, in the HTML portal generates: well-formed tags with double-quoted attributes, no
comments, scripts or styles. It leaves anything else to Material's parser.
tests/test_search.py holds it to Material's parser on every generated page of the
fixture projects and on random markup.

Reaches into Material: it subclasses its ``SearchIndex``, reads its parser's ``keep``
and ``skip`` lists and builds its ``Section`` and ``Element`` objects.
"""

from __future__ import annotations

import html as html_module
import re
from typing import Any

from material.plugins.search.plugin import Element, Parser, Section, void
from material.plugins.search.plugin import SearchIndex as MaterialSearchIndex


def faster_index(index: Any) -> Any:
    """``index`` reading pages with :func:`search_sections`: a copy, holding what it holds,
    of Material's own index (another plugin's subclass of it is left as it is)."""
    if type(index) is not MaterialSearchIndex:
        return index
    faster = _SearchIndex(**index.config)
    faster.entries = index.entries
    return faster


class _SearchIndex(MaterialSearchIndex):
    """Material's search index, reading pages with :func:`search_sections`."""

    def add_entry_from_context(self, page: Any) -> None:
        # Material's method, but for the parser.
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        sections = search_sections(page.content)
        if sections is None:
            parser = Parser()
            parser.feed(page.content)
            parser.close()
            sections = parser.data
        for section in sections:
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)


# A start tag with double-quoted or no attribute values, or an end tag, spaced with
# ASCII whitespace (HTMLParser ends a tag name at no other): all the markup portal's
# templates and sanitized Markdown produce. HTMLParser reads these the same way in every
# Python version; anything else (a comment, a single-quoted value, a lone "<", a
# no-break space in a tag) sends the page to Material's parser.
_MARKUP = re.compile(
    r"""<(?:([a-zA-Z][-a-zA-Z0-9]*)((?:[ \t\n\r\f]+[^\s"'<>/=]+(?:="[^"]*")?)*)[ \t\n\r\f]*(/?)"""
    r"""|/([a-zA-Z][-a-zA-Z0-9]*)[ \t\n\r\f]*)>"""
)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:(=)"([^"]*)")?""")
# Elements whose content HTMLParser reads as raw text in one Python version or another.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MATERIAL = Parser()
_KEEP = frozenset(_MATERIAL.keep)  # tags search keeps as markup
_SKIP = frozenset(_MATERIAL.skip)  # tags whose content search skips
_ALWAYS_SKIPPED = ("script", "style", "object")  # never taken off the skip list
_VOID = frozenset(void)
_escape = html_module.escape
_unescape = html_module.unescape


def search_sections(html: str) -> list[Any] | None:
    """Material's search sections of ``html`` (what its ``Parser`` puts in ``data``),
    or ``None`` for markup outside what :data:`_MARKUP` reads: use Material's parser.

    The rules are Material's, statement for statement (``Parser`` in
    ``material/plugins/search/plugin.py``), on cheaper state: Material compares
    elements by tag name alone, so the open elements are kept as names with a count per
    name, and "is any open element skipped" is a running count.
    """
    data: list[Any] = []
    section: Any = None
    context: list[str] = []  # open elements, by name
    links: list[bool] = []  # for each: is it a permalink (<a class="headerlink">)
    counts: dict[str, int] = {}  # open elements per name
    skip = set(_SKIP)
    skipped = 0  # open elements whose name is in `skip`
    permalinks = 0
    position, end = 0, len(html)
    while position < end:
        found = html.find("<", position)
        if found == -1:
            text = html[position:]
            if "&" in text:
                return None  # HTMLParser may hand a last text with "&" over in two parts
            position = end
        else:
            text = _unescape(html[position:found]) if found > position else ""
        if text and not skipped:
            if not counts.get("pre"):
                text = " " if text.isspace() else text.replace("\n", " ")
            if section is None:
                section = Section(Element("hx"))
                data.append(section)
            if counts.get(section.el.tag):
                if not permalinks:
                    section.title.append(_escape(text, quote=False))
            elif text.isspace():
                if not section.text or not section.text[-1].isspace() or counts.get("pre"):
                    section.text.append(text)
            else:
                section.text.append(_escape(text, quote=False))
        if found == -1:
            break
        markup = _MARKUP.match(html, found)
        if markup is None:
            return None
        position = markup.end()
        name, attributes, closed, end_name = markup.groups()
        if end_name is not None:
            tag = end_name.lower()
        else:
            tag = name.lower()
            if tag in _RAW_TEXT:
                return None
            if tag in _VOID:
                continue  # nor is it closed: Material ignores void elements
            attrs = {
                key.lower(): (_unescape(value) if value else value) if equals else None
                for key, equals, value in _ATTRIBUTE.findall(attributes)
            }
            context.append(tag)
            counts[tag] = counts.get(tag, 0) + 1
            link = tag == "a" and attrs.get("class") == "headerlink"
            links.append(link)
            permalinks += link
            if tag in skip:
                skipped += 1
            if tag in _HEADINGS and "id" in attrs:
                if tag != "h1" and not data:
                    data.append(Section(Element("hx"), len(context)))
                section = Section(Element(tag, attrs), len(context))
                if len(data) > 0:
                    section.id = attrs["id"]
                data.append(section)
            if section is None:
                section = Section(Element("hx"))
                data.append(section)
            if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
                if tag not in skip:
                    skip.add(tag)
                    skipped += counts[tag]
            elif not skipped and tag in _KEEP:
                (section.title if counts.get(section.el.tag) else section.text).append(f"<{tag}>")
            if not closed:
                continue
        # An end tag, or the end of a self-closing start tag (HTMLParser reads one as both).
        if not context or context[-1] != tag:
            continue
        if section.depth > len(context):
            for earlier in reversed(data):
                if earlier.depth <= len(context):
                    section.depth = float("inf")
                    section = earlier
                    break
        context.pop()
        counts[tag] -= 1
        permalinks -= links.pop()
        if tag in skip:
            skipped -= 1
            if tag not in _ALWAYS_SKIPPED:
                skipped -= counts[tag]
                skip.remove(tag)
            continue
        if not skipped and tag in _KEEP:
            target = section.title if counts.get(section.el.tag) else section.text
            try:
                index = target.index(f"<{tag}>")
            except ValueError:
                return None  # Material's parser fails here: let it
            if any(not part.isspace() for part in target[index + 1 :]):
                target.append(f"</{tag}>")
            else:
                del target[index:]
    return data
