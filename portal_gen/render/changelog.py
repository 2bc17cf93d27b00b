"""Render the changelog page, its Atom feed and its Markdown twin (pure)."""

from __future__ import annotations

import datetime
import html
from xml.etree import ElementTree

import jinja2

from ..config import PortalConfig
from ..diff.compare import Change
from ..model.api import Api
from ..model.changelog import Changelog, Release, history_subject, release_anchor
from ..plan.paths import CHANGELOG_FEED, CHANGELOG_PAGE
from ..plan.reference import Plan, relative_url, static_url, webhook_key
from ..plan.slugs import slugify
from .html import extract_toc
from .page import RenderedPage
from .twin import TwinLinks, document, link, prose, text, twin_facts, twin_links

_ATOM = "http://www.w3.org/2005/Atom"
# How a change is marked, as the page's legend says (info is not marked).
_MARKS = {"breaking": "Breaking", "warning": "Check"}


def subject_paths(api: Api, plan: Plan) -> dict[str, str]:
    """The page of each subject a change can name: ``METHOD /path``, ``webhook NAME``,
    ``model NAME``."""
    paths = {}
    for op in api.operations:
        if op.key in plan.operation_paths:
            paths[history_subject(op)] = plan.operation_paths[op.key]
    for hook in api.webhooks:
        found = plan.webhook_paths.get(webhook_key(hook))
        if found:
            paths[history_subject(hook)] = found
    for name, path in plan.model_paths.items():
        paths[f"model {name}"] = path
    return paths


def release_id(release: Release) -> str:
    """The anchor of a release's section on the changelog page."""
    return "unreleased" if release.unreleased else release_anchor(release.version)


def render_changelog(
    changelog: Changelog, api: Api, env: jinja2.Environment, config: PortalConfig, plan: Plan
) -> RenderedPage:
    """The changelog page (``changelog.md``): each release, newest first, its notes
    and its changes under Added, Changed, Deprecated and Removed, each linking to its
    operation or model page."""
    page = CHANGELOG_PAGE
    paths = subject_paths(api, plan)

    def subject_url(change: Change) -> str | None:
        path = paths.get(change.subject)
        return relative_url(page, path, config.directory_urls) if path else None

    body = env.get_template("changelog/changelog.html").render(
        api=api,
        releases=changelog.releases,
        release_id=release_id,
        subject_url=subject_url,
        feed_url=static_url(page, CHANGELOG_FEED, config.directory_urls),
    )
    body = body.strip() + "\n"
    twin = changelog_twin(changelog, api, twin_links(config), paths) if config.twins else None
    return RenderedPage(page, "Changelog", body, extract_toc(body), "changelog", twin=twin)


def changelog_twin(changelog: Changelog, api: Api, links: TwinLinks, paths: dict[str, str]) -> str:
    """The changelog as Markdown: a section per release, a list per group of changes."""
    feed = link(CHANGELOG_FEED, links.file(CHANGELOG_FEED))
    blocks = [f"What changed in {text(api.title)}, version by version. Atom feed: {feed}."]
    for release in changelog.releases:
        heading = f"## {text(release.version)}" + (f": {text(release.title)}" if release.title else "")
        facts = []
        if release.unreleased:
            facts.append("not released yet")
        if release.date:
            facts.append(text(release.date))
        if release.ref:
            facts.append(f"git `{release.ref}`")
        if release.breaking:
            facts.append(f"**{release.breaking} breaking**")
        lines = [heading, "", " · ".join(facts)] if facts else [heading]
        blocks.append("\n".join(lines))
        if release.notes:
            blocks.append(prose(release.notes, 3, CHANGELOG_PAGE, links))
        if release.initial:
            blocks.append("The first version in this changelog.")
        for section, changes in release.sections():
            items = []
            for change in changes:
                mark = f"**{_MARKS[change.level]}**: " if change.level in _MARKS else ""
                path = paths.get(change.subject)
                subject = link(change.subject, links.page(path)) if path else text(change.subject)
                accepted = f" (accepted: {text(change.accepted)})" if change.accepted else ""
                items.append(f"- {mark}{subject}: {text(change.message)}{accepted}")
            blocks.append(f"### {section}\n\n" + "\n".join(items))
    return document("Changelog", blocks, facts=twin_facts(api.title, api.version, links.html(CHANGELOG_PAGE)))


def render_feed(changelog: Changelog, api: Api, config: PortalConfig, plan: Plan) -> bytes:
    """An Atom feed of the released versions (RFC 4287), newest first, each entry
    linking to its section of the changelog page."""
    links = twin_links(config, full=True)
    page = links.html(CHANGELOG_PAGE)
    paths = subject_paths(api, plan)
    released = [r for r in changelog.releases if not r.unreleased]
    ElementTree.register_namespace("", _ATOM)
    feed = ElementTree.Element(f"{{{_ATOM}}}feed")
    _add(feed, "title", f"{api.title}: changelog")
    _add(feed, "id", page if "://" in page else f"urn:portal:changelog:{slugify(api.title, 'api')}")
    updated = max((r.date for r in released if r.date), default="1970-01-01")  # the same each build
    _add(feed, "updated", _timestamp(updated))
    ElementTree.SubElement(feed, f"{{{_ATOM}}}link", rel="alternate", type="text/html", href=page)
    author = ElementTree.SubElement(feed, f"{{{_ATOM}}}author")
    _add(author, "name", api.title)
    for release in released:
        entry = ElementTree.SubElement(feed, f"{{{_ATOM}}}entry")
        title = release.version + (f": {release.title}" if release.title else "")
        if release.breaking:
            title += f" ({release.breaking} breaking)"
        _add(entry, "title", title)
        anchor = f"{page}#{release_id(release)}"
        _add(
            entry,
            "id",
            anchor if "://" in anchor else f"urn:portal:release:{slugify(api.title, 'api')}:{release.version}",
        )
        _add(entry, "updated", _timestamp(release.date or updated))
        ElementTree.SubElement(entry, f"{{{_ATOM}}}link", rel="alternate", type="text/html", href=anchor)
        content = ElementTree.SubElement(entry, f"{{{_ATOM}}}content", type="html")
        content.text = _entry_html(release, links, paths)
    ElementTree.indent(feed)
    xml: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + xml + b"\n"


def _entry_html(release: Release, links: TwinLinks, paths: dict[str, str]) -> str:
    """The release's changes as HTML (escaped once more by the XML: readers render it)."""
    parts = []
    for section, changes in release.sections():
        items = []
        for change in changes:
            mark = f"<strong>{_MARKS[change.level]}</strong>: " if change.level in _MARKS else ""
            path = paths.get(change.subject)
            subject = html.escape(change.subject)
            if path:
                subject = f'<a href="{html.escape(links.html(path))}">{subject}</a>'
            items.append(f"<li>{mark}{subject}: {html.escape(change.message)}</li>")
        parts.append(f"<h3>{section}</h3><ul>{''.join(items)}</ul>")
    if release.initial:
        parts.append("<p>The first version in this changelog.</p>")
    return "".join(parts) or "<p>No change to the API.</p>"


def _add(parent: ElementTree.Element, name: str, value: str) -> None:
    ElementTree.SubElement(parent, f"{{{_ATOM}}}{name}").text = value


def _timestamp(date: str) -> str:
    try:
        return datetime.date.fromisoformat(date[:10]).isoformat() + "T00:00:00Z"
    except ValueError:
        return "1970-01-01T00:00:00Z"
