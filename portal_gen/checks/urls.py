"""``portal check``'s ``url-unsafe`` rule: every URL from the spec or the content that the
URL policy (:mod:`portal_gen.render.urls`) shows as plain text instead of a link, at its
line, so the author learns of it before a reader finds a dead link."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import Diagnostic, Location
from ..load.spec import SpecSource
from ..model.guides import Guide
from ..model.pricing import Pricing
from ..render.urls import safe_url

_HINT = "only http, https, mailto and relative URLs become links; the page shows this one as text"


def unsafe_urls(
    source: SpecSource, guides: tuple[Guide, ...] = (), pricing: Pricing | None = None
) -> Iterator[Diagnostic]:
    """One finding per URL field (contact, license, terms of service, external docs, a
    guide's next steps, a plan's contact link) whose value the pages will not link."""
    data = source.data
    info = _mapping(data.get("info"))
    fields: list[tuple[tuple[str, ...], Any]] = [
        (("info", "contact", "url"), _mapping(info.get("contact")).get("url")),
        (("info", "license", "url"), _mapping(info.get("license")).get("url")),
        (("info", "termsOfService"), info.get("termsOfService")),
    ]
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:  # externalDocs, wherever they are (the root, tags, operations, schemas)
        pointer, node = stack.pop()
        if isinstance(node, dict):
            docs = node.get("externalDocs")
            if isinstance(docs, dict) and "url" in docs:
                fields.append(((*pointer, "externalDocs", "url"), docs["url"]))
            stack.extend(((*pointer, str(k)), v) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(((*pointer, str(i)), v) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    for pointer, value in fields:
        if isinstance(value, str) and value.strip() and safe_url(value) is None:
            yield _finding(value, source.locate(pointer), f" (at {' → '.join(pointer)})")
    for guide in guides:
        for step in guide.next_steps:
            if step.url and safe_url(step.url) is None:
                yield _finding(step.url, step.location)
    if pricing is not None:
        for plan in pricing.plans:
            # The spec's contact is checked with the spec's URLs.
            if plan.cta is not None and plan.cta.origin != "spec" and safe_url(plan.cta.url) is None:
                yield _finding(plan.cta.url, plan.cta.location or plan.location)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _finding(url: str, location: Location, where: str = "") -> Diagnostic:
    shown = url if len(url) <= 60 else url[:59] + "…"
    return Diagnostic(
        f"URL {shown!r} is not linked: its scheme is not allowed{where}", location, _HINT, rule="url-unsafe"
    )
