"""Markdown twins: every page again as Markdown, for programs (coding assistants,
``llms.txt``) rather than browsers (pure).

A generated page's twin is written from the model, as its HTML is, never converted back
from the HTML: a table is a table, a request is a fenced block per language. The page at
``/reference/messages/send-message/`` has its twin at
``/reference/messages/send-message.md`` (:func:`twin_path`). Links in a twin are
absolute (the site's ``site_url``, else the site's root) and point to other twins, so
a program that fetched one can follow them without knowing where it was.

This module holds what every twin shares: where twins live, how they link, and the
small writers for Markdown's syntax (escaping, tables, fenced code), so that no page
kind hand-writes a table or guesses a fence.
"""

from __future__ import annotations

import bisect
import html
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..plan.reference import page_url
from .urls import SCHEMES, browser_form, url_scheme

TWIN_SUFFIX = ".md"


def twin_path(path: str, directory_urls: bool) -> str:
    """Where the twin of the page at source path ``path`` is published: its URL with
    ``.md`` in place of the final ``/`` (or of ``.html``); ``index.md`` at the root.

    ``reference/messages/send-message.md`` -> ``reference/messages/send-message.md``;
    ``reference/index.md`` -> ``reference.md`` (its page is ``reference/``)."""
    url = page_url(path, directory_urls)
    if url == "":
        return "index.md"
    if url.endswith("/"):
        return url[:-1] + TWIN_SUFFIX
    stem, _ = posixpath.splitext(url)
    return stem + TWIN_SUFFIX


@dataclass(frozen=True)
class TwinLinks:
    """Absolute links for twins: to other pages' twins and to files of the site.

    ``base`` is the site's address with a final ``/``: ``site_url`` when the project
    sets one (``https://developers.example.com/docs/``), else ``/``, the site's root.
    """

    base: str = "/"
    directory_urls: bool = True

    @classmethod
    def for_site(cls, site_url: str, directory_urls: bool) -> TwinLinks:
        if not site_url:
            return cls("/", directory_urls)
        parts = urlsplit(site_url)
        if not parts.scheme or not parts.netloc:  # a path alone: the site lives under it
            return cls("/" + parts.path.strip("/") + "/" if parts.path.strip("/") else "/", directory_urls)
        return cls(site_url.rstrip("/") + "/", directory_urls)

    def page(self, path: str, anchor: str | None = None) -> str:
        """The twin of the page at source path ``path`` (``#anchor`` if given)."""
        return self.file(twin_path(path, self.directory_urls)) + (f"#{anchor}" if anchor else "")

    def html(self, path: str, anchor: str | None = None) -> str:
        """The page itself (for a reader sent to the site)."""
        return self.file(page_url(path, self.directory_urls)) + (f"#{anchor}" if anchor else "")

    def file(self, path: str) -> str:
        """A file published with the site (``openapi.json``), or a twin's path."""
        return self.base + path.lstrip("/")

    def site_path(self, url: str) -> str | None:
        """The path in the site a link of a twin points to (no fragment, no query), or
        ``None`` for a link elsewhere."""
        target = url.split("#", 1)[0].split("?", 1)[0]
        if self.base != "/" and target.startswith(self.base):
            return target[len(self.base) :]
        if target.startswith("/") and not target.startswith("//"):
            prefix = urlsplit(self.base).path if "://" in self.base else self.base
            if target.startswith(prefix):
                return target[len(prefix) :]
        return None


# -- writing Markdown ----------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def text(value: Any) -> str:
    """Plain text (a name, a title) safe in running Markdown: the characters that would
    start emphasis, code, links, HTML or a table cell's end are escaped, and line breaks
    become spaces."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def code(value: Any) -> str:
    """``value`` as inline code, with enough backticks that none inside ends it (an
    empty string as ``""``: empty code is no code in Markdown)."""
    raw = " ".join(str(value).split("\n"))
    if not raw:
        return '`""`'
    longest = max((len(run) for run in re.findall(r"`+", raw)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") or (raw.startswith(" ") and raw.strip()) else ""
    return f"{ticks}{pad}{raw}{pad}{ticks}"


def link(title: str, url: str) -> str:
    """``[title](url)``, the title escaped, the URL in angle brackets when it holds a
    space or a parenthesis."""
    target = f"<{url}>" if re.search(r"[\s()<>]", url) else url
    return f"[{text(title)}]({target})"


def fence(body: str, language: str = "") -> str:
    """A fenced code block long enough that no line of ``body`` closes it."""
    longest = max((len(run) for run in re.findall(r"^[ \t]*(`{3,})", body, re.M)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{body.rstrip(chr(10))}\n{ticks}"


def cell(value: Any) -> str:
    """Text for a table cell: one line, ``|`` escaped (prose keeps its Markdown)."""
    one_line = " ".join(str(value).split())
    return one_line.replace("|", "\\|")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table. Cells are used as given (already Markdown:
    pass names through :func:`code` or :func:`text`); ``|`` and line breaks are made safe."""
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(c) if str(c).strip() else " " for c in row) + " |")
    return "\n".join(lines)


_HEADING = re.compile(r"^(#{1,6})(?=\s|$)", re.M)
_FENCE_LINE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def prose(markdown: str | None, level: int = 2, page: str | None = None, links: TwinLinks | None = None) -> str:
    """An author's Markdown (a description) placed under a heading of ``level``: its
    own headings are moved down so that none is above ``level + 1``, outside code
    fences. Written for the page at ``page``, its relative links are made absolute
    (:func:`absolute_links`); a link of a scheme no page may link to (``javascript:``)
    loses its target, wherever it is. The rest is kept as written: it is Markdown."""
    if not markdown:
        return ""
    markdown = absolute_links(markdown, page, links) if page is not None and links is not None else safe_links(markdown)
    markdown = close_fences(markdown.strip("\n"))
    if not _HEADING.search(markdown):
        return markdown
    lines = markdown.split("\n")
    prose_lines = [index for index, in_code in enumerate(_in_fences(lines)) if not in_code]
    found = [len(m.group(1)) for index in prose_lines if (m := _HEADING.match(lines[index]))]
    shift = max(0, level + 1 - min(found)) if found else 0
    if shift:
        for index in prose_lines:
            heading = _HEADING.match(lines[index])
            if heading:
                marks = heading.group(1)
                lines[index] = "#" * min(6, len(marks) + shift) + lines[index][len(marks) :]
    return "\n".join(lines)


def close_fences(markdown: str) -> str:
    """``markdown`` with a code fence it leaves open closed at its end: on the HTML page
    a description's unclosed fence ends with the description; in a twin it would turn
    the rest of the page into code."""
    if "``" not in markdown and "~~" not in markdown:
        return markdown
    inside: str | None = None
    for fence in _FENCE_AT_LINE.finditer("\n" + markdown):
        marker = fence.group(1)
        if inside is None:
            inside = marker
        elif marker[0] == inside[0] and len(marker) >= len(inside) and not fence.group(0).strip()[len(marker) :]:
            inside = None
    return markdown if inside is None else f"{markdown}\n{inside}"


def _in_fences(lines: list[str]) -> Iterable[bool]:
    """For each line, whether it belongs to a fenced code block (its fences included)."""
    inside: str | None = None
    for line in lines:
        match = _FENCE_LINE.match(line)
        if match:
            marker = match.group(1)
            if inside is None:
                inside = marker
            elif marker[0] == inside[0] and len(marker) >= len(inside):
                inside = None
            yield True
        else:
            yield inside is not None


def document(title: str, blocks: Iterable[str | None], *, facts: str = "") -> str:
    """A whole twin: ``# title``, a line of facts (the API and its version, where the
    page is) as a blockquote, then the non-empty blocks, one blank line apart."""
    parts = [f"# {text(title)}"]
    if facts:
        parts.append(f"> {facts}")
    parts += [b.strip("\n") for b in blocks if b and b.strip()]
    return _inert_html("\n\n".join(parts)) + "\n"


# A tag's start, not an autolink (``<https://...>``): escaped in a generated twin.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])(?!(?:https?|mailto):)")


def _inert_html(markdown: str) -> str:
    """``markdown`` with every HTML tag outside code written as text (``&lt;script>``):
    a spec's descriptions may hold HTML, which the HTML page sanitizes; a twin, read by
    programs and perhaps shown by a Markdown viewer, shows it as the text it is.

    The tags are found first (a fast scan: a twin holds a few, mostly in its code, such
    as Java's generics); the fences only when there are some; a line with a tag outside
    fences is looked at again, for its code spans."""
    tags = [found.start() for found in _TAG_START.finditer(markdown)]
    if not tags:
        return markdown
    code: list[int] = []  # where fenced blocks open and close, in turn
    inside: str | None = None
    for fence in _FENCE_AT_LINE.finditer("\n" + markdown):  # positions one past the text's
        marker = fence.group(1)
        if inside is None:
            inside = marker
            code.append(fence.start())
        elif marker[0] == inside[0] and len(marker) >= len(inside):
            inside = None
            code.append(fence.end() - 1)
    lines = sorted(
        {markdown.rfind("\n", 0, tag) + 1 for tag in tags if bisect.bisect_right(code, tag) % 2 == 0}
    )  # an even count of fence edges before it: outside code
    if not lines:
        return markdown
    out: list[str] = []
    position = 0
    for start in lines:
        end = markdown.find("\n", start)
        end = len(markdown) if end == -1 else end
        out.append(markdown[position:start])
        out.append(_INERT.sub(_inert, markdown[start:end]))
        position = end
    out.append(markdown[position:])
    return "".join(out)


# A fence line, with the line break before it (a literal first: a fast scan).
_FENCE_AT_LINE = re.compile(r"\n[ \t]{0,3}(`{3,}|~{3,})[^\n]*")
# A code span (kept as it is), a whole tag (kept if harmless), or another tag's start
# (escaped), in one pass over a line.
_INERT = re.compile(
    r"(`+).*?(?<!`)\1(?!`)|(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9]*)\b[^<>]*>)|<(?=[A-Za-z/!?])(?!(?:https?|mailto):)"
)
# Formatting a Markdown viewer shows as the HTML page does (the sanitizer keeps these
# too), when the tag has no event handler, style or script URL: Stripe's descriptions
# are HTML paragraphs, which read better kept than escaped.
_HARMLESS_TAGS = frozenset(
    (
        *("p", "br", "em", "strong", "b", "i", "u", "s", "code", "pre", "a", "ul", "ol", "li"),
        *("blockquote", "sup", "sub", "kbd", "span", "div", "dl", "dt", "dd", "hr", "details", "summary"),
        *("table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6"),
    )
)
_UNSAFE_ATTRIBUTE = re.compile(r"\bon\w+\s*=|\bstyle\s*=|\bsrcdoc\s*=|(?:javascript|vbscript|data)\s*:", re.I)


def _inert(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(0)
    tag = match.group("tag")
    if tag is not None:
        if match.group("name").lower() in _HARMLESS_TAGS and not _UNSAFE_ATTRIBUTE.search(tag):
            return tag
        return "&lt;" + tag[1:]
    return "&lt;"


def twin_facts(api_title: str, api_version: str, page_link: str) -> str:
    """The line under every twin's title: which API and version it describes (a
    program reading one twin out of context knows what it holds) and the HTML page."""
    named = text(" ".join(filter(None, (api_title, api_version))))
    return f"{named} · {link('HTML page', page_link)}"


def twin_links(config: Any, full: bool = False) -> TwinLinks:
    """The links of a project's twins (``config``: a :class:`~portal_gen.config.PortalConfig`):
    from the site's root, under the path of its ``site_url`` (``/docs/reference.md``).

    Not to the whole ``site_url``: ``mkdocs serve`` sets it to the preview's address, and
    twins are kept in the page cache, which a preview and a build share. ``full``: the
    whole address, for the files written afresh each build (``llms.txt``)."""
    site_url = config.site_url if full else urlsplit(config.site_url).path
    return TwinLinks.for_site(site_url, config.directory_urls)


# -- an author's page --------------------------------------------------------------

# A link's destination: in angle brackets, or without spaces and with its parentheses
# balanced (one level deep, as CommonMark's own limit in practice: ``alert(1)``).
_LINK_TARGET = re.compile(
    r"(?P<label>!?\[(?:\\.|[^\[\]\\]|\[(?:\\.|[^\[\]\\])*\])*\])"  # [text], one level of [nested]
    r"(?P<open>\([ \t]*)(?P<target><[^<>\n]*>|(?:[^\s()<>]|\([^\s()<>]*\))+)"
    r"(?P<rest>(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\))?"  # an optional title, the closing )
)
_DEFINITION = re.compile(r"^(?P<open>[ ]{0,3}\[[^\]\n]+\]:[ \t]*)(?P<target><[^<>\n]*>|\S+)", re.M)
_SPAN = re.compile(r"(`+)[\s\S]*?(?<!`)\1(?!`)")
_H1 = re.compile(r"^#\s+\S.*$", re.M)


def rewrite_links(markdown: str, rewrite: Callable[[str], str | None]) -> str:
    """``markdown`` with the target of every inline link, image and reference
    definition replaced by ``rewrite(url)`` (``None`` keeps it); code, fenced, indented
    or inline, is left as written."""
    if not markdown or ("](" not in markdown and "]:" not in markdown):
        return markdown
    out: list[str] = []
    chunk: list[str] = []
    inside: str | None = None

    def flush() -> None:
        if chunk:
            out.append(_rewrite_chunk("\n".join(chunk), rewrite))
            chunk.clear()

    for line in markdown.split("\n"):
        match = _FENCE_LINE.match(line)
        if inside is None and match:
            flush()
            inside = match.group(1)
            out.append(line)
        elif inside is not None:
            if match and match.group(1)[0] == inside[0] and len(match.group(1)) >= len(inside):
                inside = None
            out.append(line)
        elif line.startswith("    ") and (not chunk or not chunk[-1].strip()):
            flush()  # an indented code block (after a blank line)
            out.append(line)
        else:
            chunk.append(line)
    flush()
    return "\n".join(out)


def _rewrite_chunk(chunk: str, rewrite: Callable[[str], str | None]) -> str:
    parts = []
    last = 0
    for span in _SPAN.finditer(chunk):  # outside code spans only
        parts.append(_rewrite_targets(chunk[last : span.start()], rewrite))
        parts.append(span.group(0))
        last = span.end()
    parts.append(_rewrite_targets(chunk[last:], rewrite))
    return "".join(parts)


def _rewrite_targets(segment: str, rewrite: Callable[[str], str | None]) -> str:
    def replace(match: re.Match[str]) -> str:
        target = match["target"]
        bracketed = target.startswith("<")
        url = rewrite(target[1:-1] if bracketed else target)
        if url is None:
            return match.group(0)
        label = match.groupdict().get("label")
        if url == "" and label is not None:
            # No link at all: its text stays, as the HTML page shows it (an image, its alt).
            return label[2:-1] if label.startswith("!") else label[1:-1]
        destination = f"<{url}>" if bracketed or not url or re.search(r"[\s()<>]", url) else url
        return (label or "") + match["open"] + destination + (match.groupdict().get("rest") or "")

    return _DEFINITION.sub(replace, _LINK_TARGET.sub(replace, segment))


def resolve_url(address: str, page: str, links: TwinLinks) -> str | None:
    """The absolute URL for a relative ``address`` written on the page at ``page``;
    ``None`` for one that is absolute already (a scheme, ``//host``, ``/path``)."""
    url = browser_form(address)
    if not url or url_scheme(url) is not None or url.startswith(("/", "\\")):
        return None
    path, _, anchor = url.partition("#")
    if not path:
        return links.page(page, anchor or None)
    if path.endswith(".md"):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        return links.page(target, anchor or None)
    return urljoin(links.html(page), url)


def _unsafe(url: str) -> bool:
    scheme = url_scheme(browser_form(url))
    return scheme is not None and scheme not in SCHEMES


def absolute_links(markdown: str, page: str, links: TwinLinks) -> str:
    """An author's Markdown (written for the page at source path ``page``) with its
    relative links made absolute: ``../quickstarts/hello.md#step-2`` becomes the twin
    of that page, as MkDocs resolves a Markdown link; any other relative URL is read
    from the HTML page's address, as a browser would. A link of a scheme no page may
    link to loses its target (as the HTML page shows it as text); code is left alone."""
    return rewrite_links(markdown, lambda url: "" if _unsafe(url) else resolve_url(url, page, links))


def safe_links(markdown: str) -> str:
    """An author's Markdown with the target of each link of a scheme no page may link
    to (``javascript:``) taken out; every other link as written."""
    return rewrite_links(markdown, lambda url: "" if _unsafe(url) else None)


def authored_twin(
    markdown: str, path: str, title: str, links: TwinLinks, exists: Callable[[str], bool], facts: str = ""
) -> str:
    """The twin of a page the author wrote: its Markdown as written (front matter
    already stripped, includes already resolved), with every relative link made an
    absolute one, to the twin of a page or to a file of the site, and ``facts`` under
    its first heading (or under its title, if it has none).

    ``exists(site_path)`` says whether the docs hold a file at that path (a page's
    source path, or an image's)."""

    def rewrite(url: str) -> str | None:
        found = absolute_link(url, path, links, exists)
        return None if found == url else found

    body = rewrite_links(markdown, rewrite).strip("\n")
    if not facts:
        return body + "\n"
    heading = _H1.search(body)
    if heading is not None and not body[: heading.start()].strip():
        rest = body[heading.end() :].lstrip("\n")
        return f"{body[: heading.end()]}\n\n> {facts}\n\n{rest}\n"
    return f"# {text(title)}\n\n> {facts}\n\n{body}\n"


def absolute_link(url: str, path: str, links: TwinLinks, exists: Callable[[str], bool]) -> str:
    """A link written on the page at source path ``path``, as a twin writes it: to the
    target page's twin, or to the site's file, absolute; as written when it leads
    elsewhere (another site, an email address) or nowhere portal knows."""
    if not url or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith("//"):
        return url
    target, _, fragment = url.partition("#")
    target = target.split("?", 1)[0]
    if not target:
        return links.page(path, fragment or None)
    if target.startswith("/"):
        return url  # already absolute (from the site's root)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if joined.startswith("..") or joined == ".":
        return url
    if joined.endswith(".md") and exists(joined):
        return links.page(joined, fragment or None)
    if exists(joined):
        return links.file(joined) + (f"#{fragment}" if fragment else "")
    return url


def actions_html(path: str, directory_urls: bool) -> str:
    """The placeholder of a page's "Copy page" button and menu (``portal.js`` builds
    them): where the page's twin is, and ``llms.txt``, relative to the page."""
    url = page_url(path, directory_urls)
    folder = url if url.endswith("/") or url == "" else posixpath.dirname(url)
    depth = folder.rstrip("/").count("/") + 1 if folder else 0
    up = "../" * depth
    twin = up + twin_path(path, directory_urls)
    llms = html.escape(up + "llms.txt")
    return f'<div class="portal-page-actions" data-portal-twin="{html.escape(twin)}" data-portal-llms="{llms}"></div>\n'
