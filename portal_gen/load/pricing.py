"""Read ``content/pricing.yaml`` into :class:`~portal_gen.model.pricing.Pricing`.

The file is checked against the shipped JSON Schema, then for what a schema cannot
say (:mod:`portal_gen.checks.pricing`); one :class:`PortalError` lists every problem."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..checks.content import content_schema, schema_problems
from ..checks.pricing import _semantic_problems
from ..errors import PortalError, display_path
from ..model.api import Api
from ..model.pricing import Cta, Example, Feature, Meter, Plan, Pricing, Rate, Tier, money
from .sources import DEFAULT_MAX_BYTES, Document, load_document

PRICING_FILE = "pricing.yaml"


def load_pricing(content_dir: Path, project_dir: Path, api: Api, max_bytes: int = DEFAULT_MAX_BYTES) -> Pricing | None:
    """The project's pricing, or ``None`` without ``pricing.yaml``; raises
    :class:`PortalError` listing every problem."""
    path = content_dir / PRICING_FILE
    if not path.is_file():
        return None
    document = load_document(path, display_path(path, project_dir), max_bytes)
    problems = list(schema_problems(document, content_schema("pricing"), "pricing-schema"))
    if problems:
        raise PortalError.from_diagnostics(problems)
    problems = list(_semantic_problems(document, api))
    if problems:
        raise PortalError.from_diagnostics(problems)
    return _pricing(document, api)


def _pricing(document: Document, api: Api) -> Pricing:
    data = document.data
    rounding = {m["id"]: m.get("rounding", "half_up") for m in data["meters"]}
    default = _cta(document, ("cta",), "pricing") if "cta" in data else None
    plans = []
    for index, raw in enumerate(data["plans"]):
        price = raw.get("price")
        key = "cta" if "cta" in raw else "contact" if "contact" in raw else None
        cta = _cta(document, ("plans", index, key), "plan") if key else None
        if cta is None:
            cta = _spec_contact(api) if price == "contact" else default
        plans.append(
            Plan(
                id=raw["id"],
                name=raw["name"],
                summary=raw.get("summary", ""),
                price=None if price == "contact" else money(price if price is not None else 0),
                cta=cta,
                included=dict(raw.get("included") or {}),
                limits=dict(raw.get("limits") or {}),
                rates={m: _rate(r, rounding.get(m, "half_up")) for m, r in (raw.get("rates") or {}).items()},
                features=tuple(raw.get("features") or ()),
                highlight=bool(raw.get("highlight")),
                location=document.locate(("plans", index)),
                priced="price" in raw,
            )
        )
    return Pricing(
        source=document.display,
        title=data.get("title", "Pricing"),
        summary=data.get("summary", ""),
        currency=data["currency"],
        period=data.get("period", "month"),
        tax_note=data.get("tax_note", ""),
        meters=tuple(
            Meter(
                m["id"],
                m["name"],
                m["unit"],
                m.get("description", ""),
                tuple(m.get("operations") or ()),
                m.get("rounding", "half_up"),
                m.get("unit_plural", ""),
            )
            for m in data["meters"]
        ),
        plans=tuple(plans),
        features=tuple(Feature(f["name"], dict(f["plans"])) for f in data.get("features") or ()),
        examples=tuple(Example(e["title"], dict(e["usage"])) for e in data.get("examples") or ()),
        faq=tuple((item["question"], item["answer"]) for item in data.get("faq") or ()),
        meter_locations={m["id"]: document.locate(("meters", i)) for i, m in enumerate(data["meters"])},
    )


def _rate(raw: Mapping[str, Any], rounding: str) -> Rate:
    minimum = money(raw.get("minimum", 0))
    if "unit_price" in raw:
        return Rate("unit", (Tier(0, None, money(raw["unit_price"])),), minimum, rounding)
    tiers = tuple(
        Tier(t["from"], t.get("to"), money(t["unit_price"]), money(t.get("flat_fee", 0))) for t in raw["tiers"]
    )
    return Rate(raw.get("mode", "graduated"), tiers, minimum, rounding)


def _cta(document: Document, pointer: tuple[str | int, ...], origin: str) -> Cta:
    raw = document.data
    for key in pointer:
        raw = raw[key]
    return Cta(raw["label"].strip(), raw["url"].strip(), origin, document.locate((*pointer, "url")))


def _spec_contact(api: Api) -> Cta | None:
    """A plan sold by conversation, without a call to action of its own, links to the
    spec's contact: its email, else its URL."""
    contact = api.contact
    if contact is None:
        return None
    if contact.email:
        return Cta("Contact sales", f"mailto:{contact.email}", "spec")
    if contact.url:
        return Cta("Contact sales", contact.url, "spec")
    return None
