"""Render the pricing page: plan cards, the feature comparison, rate tables, worked
examples computed by the one price formula, the FAQ and the cost calculator (pure)."""

from __future__ import annotations

import json
from typing import Any

import jinja2

from ..config import PortalConfig
from ..model.pricing import Pricing, Rate
from ..model.pricing_math import cheapest, format_money, pricing_data, quotes
from ..plan.paths import PRICING_PAGE
from ..plan.reference import Plan as PagePlan
from ..plan.reference import relative_url, static_url
from .html import extract_toc
from .page import RenderedPage

PRICING_JSON = "pricing.json"
PRICING_JS = "assets/portal/pricing.js"


def render_pricing(pricing: Pricing, env: jinja2.Environment, config: PortalConfig, plans: PagePlan) -> RenderedPage:
    """The pricing page (``pricing.md``)."""
    page = PRICING_PAGE

    def url(path: str, anchor: str | None = None) -> str:
        return relative_url(page, path, config.directory_urls, anchor)

    data = pricing_data(pricing)
    usage = dict(pricing.examples[0].usage) if pricing.examples else {}
    initial = quotes(pricing, usage)
    examples = []
    for example in pricing.examples:
        found = quotes(pricing, example.usage)
        best = cheapest(found)
        examples.append((example, [(q, _shown(q, pricing)) for q in found], best))
    context = {
        "pricing": pricing,
        "money": lambda amount: format_money(amount, pricing.currency),
        "money_exact": lambda amount, exact=True: format_money(amount, pricing.currency, exact=exact),
        "rate_rows": _rate_rows,
        "examples": examples,
        "usage": usage,
        "initial": [(q, _shown(q, pricing)) for q in initial],
        "initial_best": cheapest(initial),
        "data_json": _script_json(data),
        "script_url": static_url(page, PRICING_JS, config.directory_urls),
        "json_url": static_url(page, PRICING_JSON, config.directory_urls),
        "op_url": lambda op_id: url(plans.operation_paths[op_id]) if op_id in plans.operation_paths else None,
    }
    body = env.get_template("pricing/pricing.html").render(context).strip() + "\n"
    return RenderedPage(page, pricing.title, body, extract_toc(body), "pricing")


def _shown(quote: Any, pricing: Pricing) -> str:
    if quote.total is not None:
        return format_money(quote.total, pricing.currency)
    if quote.reason == "contact":
        plan = next(p for p in pricing.plans if p.id == quote.plan)
        return plan.contact_label
    meter = pricing.meter(quote.meter)
    return f"Over its {meter.name.lower()} limit"


def _rate_rows(rate: Rate, included: int, money: Any) -> list[tuple[str, str]]:
    """(range of units, price) rows for a rate table; ranges count all usage, so the
    allowance comes first."""
    rows = []
    if included:
        rows.append((f"first {included:,}", "included"))
    for tier in rate.tiers:
        start = tier.start + included + 1
        if tier.end is None:
            span = f"{start:,} and up" if (included or tier.start) else "each"
        else:
            span = f"{start:,} to {tier.end + included:,}"
        price = money(tier.unit_price, exact=True) + " each"
        if tier.flat_fee:
            price += f" + {money(tier.flat_fee)}"
        rows.append((span, price))
    return rows


def _script_json(data: Any) -> str:
    # Inside <script>, "</" would end the element: JSON allows escaping the slash.
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
