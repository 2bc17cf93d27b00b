"""``llms.txt`` and ``llms-full.txt``: the site's map and its whole text, for programs (pure).

``llms.txt`` follows https://llmstxt.org: the portal's name as an H1, a one-line summary
as a blockquote, a paragraph a program needs before anything else (the base URL, how to
authenticate, where to start), then H2 sections of ``- [title](url): note`` entries.
Entries link to the pages' Markdown twins (:mod:`.twin`), so a program that reads the map
fetches Markdown, not HTML. The section named ``Optional`` holds what may be skipped.

``llms-full.txt`` is every twin in navigation order, each after the URL it is published
at: one file to paste into a context window.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model.api import Api, Operation
from ..model.case_studies import CaseStudy
from ..model.changelog import Changelog
from ..model.guides import Guide
from ..model.pricing import Pricing
from ..plan.paths import CASE_STUDY_INDEX, CHANGELOG_FEED, CHANGELOG_PAGE, PRICING_PAGE
from ..plan.reference import Plan, PlannedPage, webhook_key
from .twin import TwinLinks, code, link, text

LLMS_TXT = "llms.txt"
LLMS_FULL_TXT = "llms-full.txt"
_NOTE_LENGTH = 200  # characters of a note: one line, as the format asks


@dataclass(frozen=True)
class AuthoredPage:
    """A page the author wrote in Markdown: its source path, title and description."""

    path: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Entry:
    title: str  # plain text
    url: str
    note: str = ""  # Markdown, one line

    def line(self) -> str:
        return f"- {link(self.title, self.url)}" + (f": {self.note}" if self.note else "")


@dataclass(frozen=True)
class SiteMap:
    """What ``llms.txt`` describes: the model and plan of the project, and the pages the
    author wrote (the engine knows the generated ones)."""

    api: Api
    plan: Plan
    site_name: str
    links: TwinLinks
    guides: Sequence[Guide] = ()
    case_studies: Sequence[CaseStudy] = ()
    pricing: Pricing | None = None
    authored: Sequence[AuthoredPage] = ()  # in navigation order
    files: frozenset[str] = frozenset()  # files the site publishes (openapi.json, pricing.json)
    summary: str = ""  # mkdocs.yml's site_description, if any
    options: Mapping[str, Any] | None = None  # the llms_txt option's mapping
    # Each model's title or description, from the spec as written: a warm build, whose
    # pages all come from the cache, builds no model of the schemas.
    model_notes: Mapping[str, str] | None = None
    changelog: Changelog | None = None  # when the site has a changelog page


def render_llms_txt(site: SiteMap) -> str:
    """The text of ``/llms.txt``."""
    links, api, plan = site.links, site.api, site.plan
    lines = [f"# {text(site.site_name or html.unescape(api.title))}", ""]
    summary = one_line(site.summary or api.summary or api.description or "")
    if summary:
        lines += [f"> {summary}", ""]
    lines += [_introduction(site), ""]
    taken: set[str] = set()  # authored pages listed in a section already

    def section(title: str, entries: Iterable[Entry]) -> None:
        found = list(entries)
        if found:
            lines.extend([f"## {text(title)}", "", *(e.line() for e in found), ""])

    options = site.options or {}
    chosen: Mapping[str, Any] = options.get("sections") or {}
    by_path = {p.path: p for p in site.authored}
    for title, paths in chosen.items():  # the author's sections, first
        entries = []
        for path in paths if isinstance(paths, list) else []:
            page = by_path.get(str(path))
            if page is not None:
                taken.add(page.path)
                entries.append(Entry(page.title, links.page(page.path), one_line(page.description)))
        section(str(title), entries)

    hand_quickstarts = [p for p in site.authored if p.path.startswith("quickstarts/") and p.path not in taken]
    taken.update(p.path for p in hand_quickstarts)
    section(
        "Quickstarts",
        [
            *(_guide_entry(g, links) for g in site.guides if g.kind == "quickstart"),
            *(Entry(p.title, links.page(p.path), one_line(p.description)) for p in hand_quickstarts),
        ],
    )
    section("Tutorials", [_guide_entry(g, links) for g in site.guides if g.kind == "tutorial"])
    section("API reference", _reference_entries(site))
    operations = {op.key: op for op in api.operations}
    for tag, members in plan.tag_operations.items():
        tag_path = plan.tag_paths.get(tag)
        entries = [Entry(html.unescape(tag), links.page(tag_path), _tag_note(api, tag, members))] if tag_path else []
        entries += [
            Entry(_title(op), links.page(plan.operation_paths[op.key]), _operation_note(op))
            for op in members
            if op.key in operations and op.key in plan.operation_paths
        ]
        section(f"API reference: {html.unescape(tag)}", entries)
    notes = site.model_notes if site.model_notes is not None else {n: _schema_description(api, n) for n in api.schemas}
    webhooks = {webhook_key(w): w for w in api.webhooks}
    section(
        "Webhooks",
        [
            Entry(_title(webhooks[key]) if key in webhooks else key, links.page(path), _webhook_note(webhooks.get(key)))
            for key, path in plan.webhook_paths.items()
        ],
    )
    section(
        "Models",
        [Entry(name, links.page(path), one_line(notes.get(name) or "")) for name, path in plan.model_paths.items()],
    )
    if site.pricing is not None:
        pricing_entries = [Entry(site.pricing.title, links.page(PRICING_PAGE), _pricing_note(site.pricing))]
        if "pricing.json" in site.files:
            note = "every plan, meter and price as data (exact decimal strings)"
            pricing_entries.append(Entry("pricing.json", links.file("pricing.json"), note))
        section("Pricing", pricing_entries)
    if site.changelog is not None and site.changelog.releases:
        newest = site.changelog.releases[0]
        note = f"every release, newest first ({text(newest.version)}), its changes, breaking ones marked"
        entries = [Entry("Changelog", links.page(CHANGELOG_PAGE), note)]
        if CHANGELOG_FEED in site.files:
            entries.append(Entry(CHANGELOG_FEED, links.file(CHANGELOG_FEED), "the releases as an Atom feed"))
        section("Changelog", entries)
    if site.case_studies:
        studies = [Entry("Case studies", links.page(CASE_STUDY_INDEX), "every customer story, by industry and use")]
        studies += [Entry(s.company, links.page(s.page), one_line(s.headline)) for s in site.case_studies]
        section("Case studies", studies)
    section(
        "Docs",
        [
            Entry(p.title, links.page(p.path), one_line(p.description))
            for p in site.authored
            if p.path not in taken and p.path != "index.md"
        ],
    )
    optional = [Entry(LLMS_FULL_TXT, links.file(LLMS_FULL_TXT), "every page above in one file")]
    if options.get("full") is False:
        optional = []
    if "openapi.yaml" in site.files:
        optional.append(Entry("openapi.yaml", links.file("openapi.yaml"), "the OpenAPI description as YAML"))
    section("Optional", optional)
    return "\n".join(lines).rstrip("\n") + "\n"


def _introduction(site: SiteMap) -> str:
    """The paragraph before the sections: where the API is, how to call it, where to start."""
    api, links, plan = site.api, site.links, site.plan
    sentences = []
    if api.servers:
        sentences.append(f"Base URL: {code(api.servers[0].default_url)}.")
    named = text(" ".join(filter(None, (html.unescape(api.title), api.version))))
    sentences.append(f"These pages describe {named} (OpenAPI {text(api.openapi)}).")
    auth = next((p for p in plan.pages if p.kind == "authentication"), None)
    if api.security_schemes and auth is not None:
        from .reference import scheme_title  # the names the HTML pages use

        names = ", ".join(text(scheme_title(s, s.name)) for s in api.security_schemes)
        sentences.append(f"Authenticate with {names}: see {link('Authentication', links.page(auth.path))}.")
    first = next((g for g in site.guides if g.kind == "quickstart"), None)
    if first is not None:
        sentences.append(f"Start with the quickstart {link(first.title, links.page(first.page))}.")
    if "openapi.json" in site.files:
        sentences.append(f"The OpenAPI description: {link('openapi.json', links.file('openapi.json'))}.")
    return " ".join(sentences)


def _reference_entries(site: SiteMap) -> list[Entry]:
    links, api = site.links, site.api
    notes = {
        "landing": "base URLs, authentication, every resource and the OpenAPI description to download",
        "authentication": "how to send credentials, with a call in every language",
        "webhooks": "the events the API sends to your endpoints",
        "models": "every object the API sends or receives",
    }
    entries = []
    for page in site.plan.pages:
        if page.kind in notes:
            title = _page_title(page) if page.kind != "landing" else html.unescape(api.title) + " reference"
            entries.append(Entry(title, links.page(page.path), notes[page.kind]))
    return entries


def _guide_entry(guide: Guide, links: TwinLinks) -> Entry:
    note = one_line(guide.summary)
    if guide.minutes:
        note = f"{note} ({guide.minutes} min)" if note else f"{guide.minutes} min"
    return Entry(guide.title, links.page(guide.page), note)


def _title(op: Operation) -> str:
    return plain_line(op.summary or "") or op.title


def _operation_note(op: Operation) -> str:
    call = code(f"{op.method.upper()} {op.path}")
    more = one_line(op.description or "") if op.summary else ""
    note = f"{call}{' (deprecated)' if op.deprecated else ''}"
    return f"{note}: {more}" if more else note


def _webhook_note(op: Operation | None) -> str:
    if op is None:
        return ""
    return one_line(op.description or "") if op.summary else ""


def _tag_note(api: Api, tag: str, members: Sequence[Operation]) -> str:
    found = next((t for t in api.tags if t.name == tag), None)
    count = f"{len(members)} operation{'s' if len(members) != 1 else ''}"
    about = one_line(found.description or "") if found is not None else ""
    return f"{about} ({count})" if about else count


def _pricing_note(pricing: Pricing) -> str:
    names = ", ".join(text(p.name) for p in pricing.plans)
    return f"plans ({names}), what each call costs, and a calculator" if names else one_line(pricing.summary)


def _schema_description(api: Api, name: str) -> str:
    schema = api.schemas.get(name)
    return (schema.title or schema.description or "") if schema is not None else ""


def _page_title(page: PlannedPage) -> str:
    return html.unescape(page.title)


_MARKUP = re.compile(r"<[^>]+>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def one_line(markdown: str) -> str:
    """The first sentence of an author's Markdown, as one line safe in a list item."""
    return text(plain_line(markdown))


def plain_line(markdown: str) -> str:
    """The first sentence of an author's Markdown, as one line of plain text: links keep
    their text, HTML tags and emphasis marks go."""
    first = markdown.strip().split("\n\n", 1)[0]
    plain = _LINK.sub(r"\1", _MARKUP.sub("", first))
    plain = " ".join(plain.replace("*", "").replace("`", "").split())
    sentence = _SENTENCE_END.split(plain, 1)[0]
    if len(sentence) > _NOTE_LENGTH:
        sentence = sentence[: _NOTE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return html.unescape(sentence)


def llms_full_head(site_name: str) -> str:
    """The start of ``/llms-full.txt``; each twin follows as :func:`llms_full_part`, in
    navigation order (streamed: on a big API the whole is tens of megabytes)."""
    return f"# {text(site_name)}\n\n> Every page of this site as Markdown, each after its address.\n"


def llms_full_part(url: str, markdown: str) -> str:
    """One twin in ``/llms-full.txt``: the address it is published at, then its text."""
    return f"\n---\n\nSource: <{url}>\n\n{markdown.rstrip()}\n"
