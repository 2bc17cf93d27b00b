"""Plan the pages of the reference: paths, titles and navigation (pure).

Navigation must scale: a theme renders the navigation into every page, so a
sidebar listing every operation makes site size grow with the square of the spec.
Tags list their operations in the sidebar only up to ``nav_operations_limit``;
beyond that the tag page lists them. Tags, too, grow with the spec (one per resource):
beyond ``nav_tags_limit`` they are grouped in runs of that many, in the spec's order.
With Material's ``navigation.prune`` a page carries the groups, the tags of its own
group and the operations of its own tag: a bounded navigation, and site size grows
linearly.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..config import PortalConfig
from ..model.api import Api, Operation, Tag
from ..render.markdown import plain_title
from .slugs import unique_slugs

UNTAGGED = "Other operations"
_RESERVED = ("index", "authentication", "webhooks", "models")


@dataclass(frozen=True)
class PlannedPage:
    kind: str  # landing | authentication | tag | operation | webhooks | webhook | models | model
    path: str  # source path, e.g. "reference/messages/send-message.md"
    title: str  # HTML-safe
    key: str = ""  # what the page is about: operation key, tag name, schema name
    in_nav: bool = True


@dataclass(frozen=True)
class NavSection:
    title: str  # HTML-safe
    children: tuple[PlannedPage | NavSection, ...] = ()


@dataclass(frozen=True)
class Plan:
    pages: tuple[PlannedPage, ...]
    nav: NavSection
    operation_paths: dict[str, str] = field(default_factory=dict)  # operation key -> path
    model_paths: dict[str, str] = field(default_factory=dict)  # schema name -> path
    tag_paths: dict[str, str] = field(default_factory=dict)
    tag_operations: dict[str, tuple[Operation, ...]] = field(default_factory=dict)
    webhook_paths: dict[str, str] = field(default_factory=dict)


def operation_tag(operation: Operation) -> str:
    """The tag an operation is filed under (its first), or the catch-all section."""
    return operation.tags[0] if operation.tags else UNTAGGED


def plan_reference(api: Api, config: PortalConfig) -> Plan:
    """Decide every reference page's path and the reference navigation."""
    root = config.reference_dir.strip("/")
    pages: list[PlannedPage] = []
    nav: list[PlannedPage | NavSection] = []

    landing = PlannedPage("landing", f"{root}/index.md", plain_title(api.title))
    pages.append(landing)
    nav.append(landing)
    if api.security_schemes:
        auth = PlannedPage("authentication", f"{root}/authentication.md", "Authentication")
        pages.append(auth)
        nav.append(auth)

    tags = list(api.tags)
    by_tag: dict[str, list[Operation]] = {}
    for operation in api.operations:
        by_tag.setdefault(operation_tag(operation), []).append(operation)
    known = {t.name for t in tags}
    tags.extend(Tag(name) for name in by_tag if name not in known)
    tags = [t for t in tags if t.name in by_tag]
    tag_slugs = unique_slugs((t.name for t in tags), taken=_RESERVED, fallback="tag")
    op_slugs = unique_slugs((op.key for op in api.operations), taken=("index",), fallback="operation")

    operation_paths: dict[str, str] = {}
    tag_paths: dict[str, str] = {}
    tag_nav: list[NavSection] = []
    for tag in tags:
        directory = f"{root}/{tag_slugs[tag.name]}"
        operations = by_tag[tag.name]
        listed = len(operations) <= config.nav_operations_limit
        tag_page = PlannedPage("tag", f"{directory}/index.md", plain_title(tag.name), tag.name)
        tag_paths[tag.name] = tag_page.path
        pages.append(tag_page)
        children: list[PlannedPage | NavSection] = [tag_page]
        for operation in operations:
            page = PlannedPage(
                "operation",
                f"{directory}/{op_slugs[operation.key]}.md",
                plain_title(operation.title),
                operation.key,
                in_nav=listed,
            )
            operation_paths[operation.key] = page.path
            pages.append(page)
            if listed:
                children.append(page)
        tag_nav.append(NavSection(plain_title(tag.name), tuple(children)))
    nav.extend(group_sections(tag_nav, config.nav_tags_limit))

    webhook_paths: dict[str, str] = {}
    if api.webhooks:
        index = PlannedPage("webhooks", f"{root}/webhooks/index.md", "Webhooks")
        pages.append(index)
        children = [index]
        hook_slugs = unique_slugs((webhook_key(w) for w in api.webhooks), taken=("index",), fallback="webhook")
        listed = len(api.webhooks) <= config.nav_operations_limit
        for hook in api.webhooks:
            key = webhook_key(hook)
            page = PlannedPage(
                "webhook", f"{root}/webhooks/{hook_slugs[key]}.md", plain_title(hook.summary or key), key, listed
            )
            webhook_paths[key] = page.path
            pages.append(page)
            if listed:
                children.append(page)
        nav.append(NavSection("Webhooks", tuple(children)))

    model_paths: dict[str, str] = {}
    if api.schemas:
        index = PlannedPage("models", f"{root}/models/index.md", "Models")
        pages.append(index)
        children = [index]
        model_slugs = unique_slugs(api.schemas, taken=("index",), fallback="model")
        listed = len(api.schemas) <= config.nav_models_limit
        for name in api.schemas:
            page = PlannedPage("model", f"{root}/models/{model_slugs[name]}.md", plain_title(name), name, listed)
            model_paths[name] = page.path
            pages.append(page)
            if listed:
                children.append(page)
        nav.append(NavSection("Models", tuple(children)))

    return Plan(
        pages=tuple(pages),
        nav=NavSection(plain_title(config.reference_title), tuple(nav)),
        operation_paths=operation_paths,
        model_paths=model_paths,
        tag_paths=tag_paths,
        tag_operations={name: tuple(ops) for name, ops in by_tag.items()},
        webhook_paths=webhook_paths,
    )


def group_sections(sections: list[NavSection], limit: int) -> list[NavSection]:
    """``sections`` as they are, or, when there are more than ``limit``, in consecutive
    groups of at most ``limit``, each titled by its first and last section."""
    if len(sections) <= limit:
        return sections
    size = max(limit, 1)
    groups = [sections[start : start + size] for start in range(0, len(sections), size)]
    return [
        NavSection(group[0].title if len(group) == 1 else f"{group[0].title} – {group[-1].title}", tuple(group))
        for group in groups
    ]


def webhook_key(operation: Operation) -> str:
    """How a webhook is named in URLs: its name, plus the method when not POST."""
    name = operation.webhook or operation.path
    return name if operation.method == "post" else f"{name} {operation.method.upper()}"


def page_url(path: str, directory_urls: bool) -> str:
    """The URL (relative to the site root) a source path is published at, as MkDocs does."""
    stem, _ = posixpath.splitext(path)
    if posixpath.basename(stem) == "index" and directory_urls:
        directory = posixpath.dirname(stem)
        return f"{directory}/" if directory else ""
    return f"{stem}/" if directory_urls else f"{stem}.html"


def relative_url(from_path: str, to_path: str, directory_urls: bool, anchor: str | None = None) -> str:
    """A link from the page at ``from_path`` to the page at ``to_path``."""
    source = page_url(from_path, directory_urls)
    target = page_url(to_path, directory_urls)
    if source == target and anchor:
        return f"#{anchor}"
    base = link_base(source)
    relative = relpath(target or ".", base or ".") if target != base else "."
    if (target == "" or target.endswith("/")) and relative != "." and not relative.endswith("/"):
        relative += "/"
    if relative == ".":
        relative = "./"
    elif ":" in relative.split("/", 1)[0]:
        relative = "./" + relative  # `javascript:x.html` (a guide named so) is no scheme
    return relative + (f"#{anchor}" if anchor else "")


def link_base(url: str) -> str:
    """The folder links on the page at ``url`` (a :func:`page_url`) are relative to, with
    a final ``/``; empty at the site's root."""
    base = url if url.endswith("/") else posixpath.dirname(url) + "/"
    return "" if base == "/" else base


def relpath(path: str, start: str) -> str:
    """``posixpath.relpath(path, start)`` for relative paths, as page URLs are: the same
    answer without making both absolute first (a big API's pages link to each other tens
    of thousands of times). Paths with ``.`` or ``..`` parts go to ``posixpath``."""
    to = [part for part in path.split("/") if part]
    base = [part for part in start.split("/") if part]
    if path.startswith("/") or start.startswith("/") or any(part in (".", "..") for part in (*to, *base)):
        return posixpath.relpath(path, start)
    common = 0
    for mine, theirs in zip(to, base, strict=False):  # the shorter one bounds the prefix
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(base) - common) + to[common:]
    return "/".join(parts) if parts else "."


def static_url(from_path: str, target: str, directory_urls: bool) -> str:
    """A link from the page at ``from_path`` to a static file (``assets/x.js``) of the site."""
    source = page_url(from_path, directory_urls)
    base = source if source.endswith("/") else posixpath.dirname(source)
    return posixpath.relpath(target, base or ".")
