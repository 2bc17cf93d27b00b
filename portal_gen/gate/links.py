"""Links and anchors in a built site: every internal link and ``#fragment`` must resolve.

Reads the HTML the site generator wrote (generated pages included), so it checks what
readers click, whatever produced it; and the Markdown twins and ``llms.txt`` programs
read (:mod:`portal_gen.render.twin`), whose links are absolute: to the ``site_url``, or
to the site's root. External links are checked only on request
(:func:`check_external`): concurrently, with timeouts, retries and a cache file, since
CI is often offline.
"""

from __future__ import annotations

import json
import posixpath
import re
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import Diagnostic, Location
from ..render.twin import TwinLinks

_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"', re.I)
_ID = re.compile(r'\s(?:id|name)="([^"]+)"')
_SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")
# Pages MkDocs and Material write for themselves, not from the project's sources.
_THEME_PAGES = ("404.html",)


@dataclass(frozen=True)
class Link:
    page: str  # site path of the page it is on, e.g. "reference/messages/send-message/index.html"
    href: str  # as written in the HTML (entities decoded)


@dataclass
class SitePages:
    """The HTML pages of a built site: their links and their anchors."""

    root: Path
    ids: dict[str, set[str]]  # site path -> ids and names on the page
    links: list[Link]

    @classmethod
    def read(cls, root: Path, site_url: str = "") -> SitePages:
        """The site's pages; ``site_url`` (mkdocs.yml's) is where twins' links point."""
        ids: dict[str, set[str]] = {}
        links: list[Link] = []
        for path in sorted(root.rglob("*.html")):
            page = path.relative_to(root).as_posix()
            if page in _THEME_PAGES:
                continue
            html = path.read_text(encoding="utf-8", errors="replace")
            ids[page] = set(_ID.findall(html))
            links.extend(Link(page, unescape(href)) for href in _HREF.findall(_content(html)))
        base = TwinLinks.for_site(site_url, True)
        for path in sorted((*root.rglob("*.md"), *(root / name for name in _PROGRAM_INDEXES))):
            if path.is_file():
                page = path.relative_to(root).as_posix()
                text = path.read_text(encoding="utf-8", errors="replace")
                # Their absolute links are portal's; a relative one is an author's link
                # portal could not place, found broken on the HTML page already.
                for href in markdown_links(text):
                    found = _in_site(href, base)
                    if found.startswith("/") or urlsplit(found).scheme:
                        links.append(Link(page, found))
        return cls(root, ids, links)


# llms-full.txt holds every twin again: its links are theirs.
_PROGRAM_INDEXES = ("llms.txt",)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_MD_LINK = re.compile(r"\]\(\s*(?:<([^>\n]*)>|((?:[^\s()]|\([^\s()]*\))+))")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]*)>")  # CommonMark's: a scheme, no spaces
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?([^>\s]+)>?", re.M)


def markdown_links(text: str) -> list[str]:
    """The URLs of a Markdown document's links and images (inline, autolinks and
    reference definitions), outside code blocks and code spans.

    A scanner, not a parser: twins are portal's own Markdown (and authors' pages, whose
    links portal rewrote), and a site's twins are tens of megabytes on a big API."""
    found: list[str] = []
    inside: str | None = None
    kept: list[str] = []
    for line in text.split("\n"):
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if inside is None:
                inside = marker
            elif marker[0] == inside[0] and len(marker) >= len(inside) and not line.strip()[len(marker) :].strip():
                inside = None
            continue
        if inside is None and not line.startswith("    "):
            kept.append(_CODE_SPAN.sub("", line))
    prose = "\n".join(kept)
    found += [m.group(1) if m.group(1) is not None else m.group(2) for m in _MD_LINK.finditer(prose)]
    found += _AUTOLINK.findall(prose)
    found += _REFERENCE.findall(prose)
    return found


def _in_site(href: str, base: TwinLinks) -> str:
    """A twin's absolute link as a link from the site's root (``/path``), if it points
    into the site; as written otherwise (another site: an external link)."""
    path = base.site_path(href)
    if path is None:
        return href
    fragment = href.partition("#")[2]
    return "/" + path + (f"#{fragment}" if fragment else "")


def _content(html: str) -> str:
    """The page's own content: the theme's header, navigation and footer (links the
    theme makes, such as Material's "Made with" credit) are not the project's to fix."""
    start = html.find("<article")
    end = html.rfind("</article>")
    return html[start:end] if start != -1 and end > start else html


def check_internal(site: SitePages, source_of: Callable[[str], tuple[str, str | None]]) -> list[Diagnostic]:
    """Broken internal links (``link-broken``) and missing anchors (``anchor-missing``).

    ``source_of(page)`` names the source file a page comes from and its text (or
    ``None``), so each finding points at the line that holds the link when it can.
    """
    problems: list[Diagnostic] = []
    seen: set[tuple[str, str]] = set()
    for link in site.links:
        href = link.href.strip()
        if not href or href.startswith(_SKIPPED_SCHEMES) or urlsplit(href).scheme or href.startswith("//"):
            continue
        if (link.page, href) in seen:
            continue
        seen.add((link.page, href))
        parts = urlsplit(href)
        target = _resolve(link.page, unquote(parts.path), site) if parts.path else link.page
        if target is None:
            problems.append(_finding("link-broken", f"link to '{href}' leads nowhere", link, source_of))
        elif parts.fragment and target in site.ids and unquote(parts.fragment) not in site.ids[target]:
            problems.append(
                _finding(
                    "anchor-missing",
                    f"link to '{href}': no '#{unquote(parts.fragment)}' on {_url(target)}",
                    link,
                    source_of,
                )
            )
    return problems


def _resolve(page: str, path: str, site: SitePages) -> str | None:
    """The site file a link's path reaches from ``page``, or ``None``."""
    if path.startswith("/"):
        joined = path.lstrip("/")
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if joined.startswith("../") or joined == "..":
        return None
    joined = "" if joined == "." else joined
    candidates = [joined] if not path.endswith("/") else []
    candidates.append(posixpath.join(joined, "index.html") if joined else "index.html")
    for candidate in candidates:
        if candidate in site.ids or (candidate and (site.root / candidate).is_file()):
            return candidate
    return None


def _url(page: str) -> str:
    return page.removesuffix("index.html") or "/"


def _finding(rule: str, message: str, link: Link, source_of: Callable[[str], tuple[str, str | None]]) -> Diagnostic:
    file, text = source_of(link.page)
    return Diagnostic(
        f"{message} (on {_url(link.page)})",
        Location(file, *_line_of(text, link.href)),
        "fix the link, or the heading it points at" if rule == "anchor-missing" else "fix or remove the link",
        rule=rule,
    )


def _line_of(text: str | None, href: str) -> tuple[int, int]:
    """Where the link is written in its source: the href as written, else its last part."""
    if not text:
        return 0, 0
    path, _, fragment = href.partition("#")
    stem = posixpath.basename(path.rstrip("/"))
    for needle in (href, f"#{fragment}" if fragment else "", path, stem):
        if needle and needle not in (".", ".."):
            index = text.find(needle)
            if index != -1:
                line = text.count("\n", 0, index) + 1
                return line, index - (text.rfind("\n", 0, index) + 1) + 1
    return 0, 0


# -- external links ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExternalResult:
    url: str
    status: int | None  # None: no answer
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


def external_links(site: SitePages) -> dict[str, list[Link]]:
    """Every http(s) link in the site, with the pages it is on."""
    found: dict[str, list[Link]] = {}
    for link in site.links:
        if urlsplit(link.href).scheme in ("http", "https"):
            found.setdefault(link.href.split("#")[0], []).append(link)
    return found


def check_external(
    urls: Iterable[str],
    cache_file: Path,
    *,
    fetch: Callable[[str, float], int],
    timeout: float = 10.0,
    retries: int = 2,
    max_age: float = 24 * 3600,
    workers: int = 16,
    now: Callable[[], float] = time.time,
) -> dict[str, ExternalResult]:
    """Check each URL (``fetch(url, timeout)`` returns the status or raises), reusing
    answers younger than ``max_age`` from ``cache_file``; only successes are cached,
    so a broken link is retried on the next run."""
    cache: dict[str, Mapping[str, object]] = {}
    if cache_file.is_file():
        try:
            loaded = json.loads(cache_file.read_text(encoding="utf-8"))
            cache = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            cache = {}
    results: dict[str, ExternalResult] = {}
    todo = []
    for url in sorted(set(urls)):
        entry = cache.get(url)
        checked = entry.get("checked") if isinstance(entry, dict) else None
        if isinstance(checked, (int, float)) and now() - checked < max_age and isinstance(entry, dict):
            status = entry.get("status")
            results[url] = ExternalResult(url, status if isinstance(status, int) else None)
        else:
            todo.append(url)

    def attempt(url: str) -> ExternalResult:
        error = ""
        for _ in range(retries + 1):
            try:
                status = fetch(url, timeout)
            except Exception as exc:  # any transport failure is a finding, not a crash
                error = f"{type(exc).__name__}: {exc}"
                continue
            if status < 500 and status != 429:
                return ExternalResult(url, status)
            error = f"status {status}"
        return ExternalResult(url, None, error)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(attempt, todo):
            results[result.url] = result
            if result.ok:
                cache[result.url] = {"status": result.status, "checked": now()}
            else:
                cache.pop(result.url, None)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return results


def http_status(url: str, timeout: float) -> int:
    """HEAD, or GET when a server refuses HEAD; redirects followed."""
    import requests

    headers = {"User-Agent": "portal-check (link checker)"}
    response = requests.head(url, timeout=timeout, allow_redirects=True, headers=headers)
    if response.status_code in (403, 405, 501):
        response = requests.get(url, timeout=timeout, allow_redirects=True, headers=headers, stream=True)
        response.close()
    return response.status_code


def external_problems(
    found: Mapping[str, list[Link]],
    results: Mapping[str, ExternalResult],
    source_of: Callable[[str], tuple[str, str | None]],
) -> list[Diagnostic]:
    problems = []
    for url, links in sorted(found.items()):
        result = results.get(url)
        if result is None or result.ok:
            continue
        why = f"answered {result.status}" if result.status is not None else f"did not answer ({result.error})"
        problems.append(_finding("link-external", f"external link {url} {why}", links[0], source_of))
    return problems
