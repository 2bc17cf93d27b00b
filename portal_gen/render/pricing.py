"""Render the pricing page: plan cards, the feature comparison, rate tables, worked
examples computed by the one price formula, the FAQ and the cost calculator (pure)."""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from ..config import PortalConfig
from ..model.api import Api
from ..model.pricing import Plan, Pricing, Rate, count_of
from ..model.pricing_math import MeterLine, Quote, cheapest, format_money, pricing_data, quotes
from ..plan.paths import PRICING_PAGE
from ..plan.reference import Plan as PagePlan
from ..plan.reference import relative_url, static_url
from .html import extract_toc
from .page import RenderedPage
from .twin import resolve_url, twin_links
from .twin_content import pricing_twin, tier_span
from .urls import relative_link, safe_url, url_scheme

PRICING_JSON = "pricing.json"
PRICING_JS = "assets/portal/pricing.js"


@dataclass(frozen=True)
class BreakdownRow:
    """One meter's row of the calculator's breakdown, as the page writes it (the
    calculator's script writes the same text for the usage typed)."""

    meter: str
    name: str
    used: str  # 20,000 message segments
    included: str  # 5,000
    billable: str  # 15,000
    rate: tuple[str, ...]  # one line per tier reached: "tier 1: 15,000 × $0.0079"
    cost: str  # $118.50


def render_pricing(
    pricing: Pricing, env: jinja2.Environment, config: PortalConfig, plans: PagePlan, api: Api | None = None
) -> RenderedPage:
    """The pricing page (``pricing.md``); ``api`` names the API and its version in the
    page's Markdown twin."""
    page = PRICING_PAGE

    def url(path: str, anchor: str | None = None) -> str:
        return relative_url(page, path, config.directory_urls, anchor)

    def money(amount: Any) -> str:
        return format_money(amount, pricing.currency)

    def money_exact(amount: Any, exact: bool = True) -> str:
        return format_money(amount, pricing.currency, exact=exact)

    data = pricing_data(pricing)
    usage = dict(pricing.examples[0].usage) if pricing.examples else {}
    initial = quotes(pricing, usage)
    examples = []
    for example in pricing.examples:
        found = quotes(pricing, example.usage)
        best = cheapest(found)
        examples.append((example, [(q, _shown(q, pricing)) for q in found], best))
    initial_best = cheapest(initial)
    context = {
        "pricing": pricing,
        "money": money,
        "money_exact": money_exact,
        "count_of": count_of,
        "rate_rows": _rate_rows,
        "allowances": lambda plan: _allowances(plan, pricing),
        "plan_features": lambda plan: _features(plan, pricing),
        "cta_href": lambda plan: cta_href(plan.cta.url, config.directory_urls) if plan.cta else None,
        "examples": examples,
        "usage": usage,
        "initial": [(q, _shown(q, pricing)) for q in initial],
        "initial_best": initial_best,
        "breakdown": breakdown_rows(initial_best, pricing) if initial_best else [],
        "data_json": _script_json(data),
        "script_url": static_url(page, PRICING_JS, config.directory_urls),
        "json_url": static_url(page, PRICING_JSON, config.directory_urls),
        "op_url": lambda op_id: url(plans.operation_paths[op_id]) if op_id in plans.operation_paths else None,
    }
    body = env.get_template("pricing/pricing.html").render(context).strip() + "\n"
    twin = None
    if config.twins:
        links = twin_links(config)
        cta_urls = {}
        for plan in pricing.plans:
            cleaned = safe_url(plan.cta.url) if plan.cta else None
            # A page's Markdown path, like a Markdown link in pricing.md: to its twin.
            cta_urls[plan.id] = None if cleaned is None else resolve_url(cleaned, page, links) or cleaned
        twin = pricing_twin(
            pricing,
            api=api,
            fallback_title=html.unescape(plans.pages[0].title) if plans.pages else config.site_name,
            links=links,
            operation_paths=plans.operation_paths,
            cta_url=cta_urls,
            examples=examples,
            json_path=PRICING_JSON,
        )
    return RenderedPage(page, pricing.title, body, extract_toc(body), "pricing", twin=twin)


def cta_href(address: str, directory_urls: bool) -> str | None:
    """Where a plan's call to action links: a page's Markdown path resolved like a
    Markdown link in ``pricing.md`` (``quickstarts/hello.md`` -> ``../quickstarts/hello/``),
    any other URL the URL policy keeps as it is, else ``None`` (the label is shown as text)."""
    cleaned = safe_url(address)
    if cleaned is None or url_scheme(cleaned) is not None or cleaned.startswith(("/", "\\", "#")):
        return cleaned
    path, _, anchor = cleaned.partition("#")
    if not path.endswith(".md"):
        return cleaned
    target = posixpath.normpath(posixpath.join(posixpath.dirname(PRICING_PAGE), path))
    return relative_link(relative_url(PRICING_PAGE, target, directory_urls, anchor or None))


def breakdown_rows(quote: Quote, pricing: Pricing) -> list[BreakdownRow]:
    """The calculator's breakdown of ``quote`` (a plan with a total), one row per meter."""
    return [_breakdown_row(line, pricing) for line in quote.lines]


def _breakdown_row(line: MeterLine, pricing: Pricing) -> BreakdownRow:
    meter = pricing.meter(line.meter)

    def money(amount: Any, exact: bool = False) -> str:
        return format_money(amount, pricing.currency, exact=exact)

    rate: list[str] = []
    if line.rate is None:
        rate.append("included")
    elif not line.tiers:
        rate.append(f"{money(line.rate.tiers[0].unit_price, exact=True)} each")
    else:
        tiered = len(line.rate.tiers) > 1
        for use in line.tiers:
            text = f"{use.units:,} × {money(use.tier.unit_price, exact=True)}"
            if use.tier.flat_fee:
                text += f" + {money(use.tier.flat_fee)}"
            if tiered:
                text = f"tier {line.rate.tiers.index(use.tier) + 1}: {text}"
            rate.append(text)
        if line.minimum:
            rate.append(f"minimum {money(line.rate.minimum)}")
    return BreakdownRow(
        meter.id,
        meter.name,
        count_of(line.used, meter),
        f"{line.included:,}",
        f"{line.billable:,}",
        tuple(rate),
        money(line.charge),
    )


def _shown(quote: Any, pricing: Pricing) -> str:
    if quote.total is not None:
        return format_money(quote.total, pricing.currency)
    if quote.reason == "contact":
        plan = next(p for p in pricing.plans if p.id == quote.plan)
        return plan.contact_label
    meter = pricing.meter(quote.meter)
    return f"Over its {meter.name.lower()} limit"


def _allowances(plan: Plan, pricing: Pricing) -> list[str]:
    """A plan card's allowances, once each, in the meters' order: 1 phone number included."""
    return [f"{count_of(plan.included[m.id], m)} included" for m in pricing.meters if plan.included.get(m.id)]


_WORDS = re.compile(r"[^\w%.]+")


def _features(plan: Plan, pricing: Pricing) -> list[str]:
    """A plan's features, without one that only repeats an allowance the card lists
    (a feature "1 phone number" beside "1 phone number included")."""
    said = set()
    for m in pricing.meters:
        count = plan.included.get(m.id)
        if count:
            for noun in (m.unit, m.units, m.name):
                said.add(_key(f"{count:,} {noun}"))
                said.add(_key(f"{count} {noun}"))
    return [f for f in plan.features if _key(re.sub(r"\bincluded\b", "", f, flags=re.I)) not in said]


def _key(text: str) -> str:
    return _WORDS.sub(" ", text.lower()).strip()


def _rate_rows(rate: Rate, included: int, money: Callable[..., str]) -> list[tuple[str, str]]:
    """(range of units, price) rows for a rate table; ranges count all usage, so the
    allowance comes first."""
    rows = []
    if included:
        rows.append((f"first {included:,}", "included"))
    for tier in rate.tiers:
        price = money(tier.unit_price, exact=True) + " each"
        if tier.flat_fee:
            price += f" + {money(tier.flat_fee)}"
        rows.append((tier_span(tier, included), price))
    return rows


def _script_json(data: Any) -> str:
    # Inside <script>, "</" would end the element: JSON allows escaping the slash.
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
