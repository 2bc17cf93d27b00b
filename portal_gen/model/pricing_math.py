"""The one price formula (pure). The worked examples on the pricing page come from it,
and the page's calculator (``assets/pricing.js``) must agree with it to the cent.

For each meter, usage beyond the plan's allowance is billable. A unit price charges
every billable unit; graduated tiers charge the units within each tier at its price
(plus its flat fee when any unit falls in it); volume tiers charge all billable units
at the price of the tier the total falls in (plus its flat fee). A meter with billable
units costs at least its minimum. Each meter's charge is computed exactly and rounded
to the cent by the meter's rule (half up, or up); the plan's cost is its platform fee plus
those charges. :func:`quote` keeps each meter's line (usage, allowance, billable units, the
tiers reached, charge): the calculator's breakdown, which the page's script computes alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from .pricing import Plan, Pricing, Rate, Tier

CENT = Decimal("0.01")


@dataclass(frozen=True)
class TierUse:
    """The units of one tier a usage reaches, and what they cost before rounding."""

    tier: Tier
    units: int
    exact: Decimal  # unit price x units, plus the tier's flat fee


@dataclass(frozen=True)
class MeterLine:
    """One meter's part of a plan's cost: the breakdown the calculator shows."""

    meter: str
    used: int
    included: int
    billable: int  # used beyond the allowance (0 when within it)
    rate: Rate | None  # None: the plan includes the meter up to its limit
    tiers: tuple[TierUse, ...]  # the tiers the billable units reach (volume: the one)
    minimum: bool  # the rate's minimum applied
    charge: Decimal  # rounded to the cent by the meter's rule


@dataclass(frozen=True)
class Quote:
    """What a plan costs for some usage; ``total`` is ``None`` when the plan cannot
    serve it (a limit is exceeded, or the price needs a conversation)."""

    plan: str
    total: Decimal | None
    lines: tuple[MeterLine, ...]  # one per meter, in the order of the usage given
    reason: str = ""  # why there is no total: contact | limit
    meter: str = ""  # with reason "limit": the meter whose limit the usage exceeds


def tier_uses(rate: Rate, billable: int) -> tuple[TierUse, ...]:
    """The tiers ``billable`` units reach at ``rate``, with their units and exact cost."""
    if billable <= 0:
        return ()
    if rate.mode == "volume":
        tier = next(t for t in rate.tiers if billable > t.start and (t.end is None or billable <= t.end))
        return (TierUse(tier, billable, tier.unit_price * billable + tier.flat_fee),)
    found = []
    for tier in rate.tiers:
        if billable <= tier.start:
            break
        units = (billable if tier.end is None else min(billable, tier.end)) - tier.start
        found.append(TierUse(tier, units, tier.unit_price * units + tier.flat_fee))
    return tuple(found)


def meter_line(plan: Plan, meter_id: str, used: int) -> MeterLine:
    """One meter's usage on ``plan`` and what it costs (the plan must have a rate for
    billable units; :func:`quote` checks that first)."""
    included = plan.included.get(meter_id, 0)
    billable = max(used - included, 0)
    rate = plan.rates.get(meter_id)
    if rate is None or billable == 0:
        return MeterLine(meter_id, used, included, billable, rate, (), False, Decimal(0).quantize(CENT))
    uses = tier_uses(rate, billable)
    exact = sum((use.exact for use in uses), Decimal(0))
    mode = ROUND_CEILING if rate.rounding == "up" else ROUND_HALF_UP
    charge = max(exact, rate.minimum).quantize(CENT, rounding=mode)
    return MeterLine(meter_id, used, included, billable, rate, uses, exact < rate.minimum, charge)


def meter_charge(rate: Rate, billable: int) -> Decimal:
    """What ``billable`` units cost at ``rate``, rounded to the cent by its rule."""
    if billable <= 0:
        return Decimal(0)
    exact = sum((use.exact for use in tier_uses(rate, billable)), Decimal(0))
    mode = ROUND_CEILING if rate.rounding == "up" else ROUND_HALF_UP
    return max(exact, rate.minimum).quantize(CENT, rounding=mode)


def quote(plan: Plan, usage: Mapping[str, int]) -> Quote:
    if plan.price is None:
        return Quote(plan.id, None, (), "contact")
    lines = []
    for meter_id, used in usage.items():
        limit = plan.limits.get(meter_id)
        if limit is not None and used > limit:
            return Quote(plan.id, None, (), "limit", meter_id)
        if meter_id not in plan.rates and used > plan.included.get(meter_id, 0):
            return Quote(plan.id, None, (), "limit", meter_id)
        lines.append(meter_line(plan, meter_id, used))
    total = plan.price + sum((line.charge for line in lines), Decimal(0))
    return Quote(plan.id, total.quantize(CENT, rounding=ROUND_HALF_UP), tuple(lines))


def quotes(pricing: Pricing, usage: Mapping[str, int]) -> list[Quote]:
    """Every plan's quote for ``usage`` (meters not named count as 0)."""
    full = {m.id: int(usage.get(m.id, 0)) for m in pricing.meters}
    return [quote(plan, full) for plan in pricing.plans]


def cheapest(found: list[Quote]) -> Quote | None:
    """The cheapest plan that can serve the usage (the first listed on a tie)."""
    priced = [q for q in found if q.total is not None]
    return min(priced, key=lambda q: q.total or Decimal(0)) if priced else None


_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}


def format_money(amount: Decimal, currency: str, *, exact: bool = False) -> str:
    """``$1,234.56``: the way the page and its calculator (pricing.js) both write
    amounts. ``exact`` keeps a unit price's decimals (``$0.0079``)."""
    if exact and amount != amount.quantize(CENT):
        symbol = _SYMBOLS.get(currency, currency + " ")
        return f"{symbol}{amount.normalize():f}"
    cents = int(amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100)
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    symbol = _SYMBOLS.get(currency, currency + " ")
    return f"{sign}{symbol}{whole:,}.{part:02d}"


def pricing_data(pricing: Pricing) -> dict[str, object]:
    """The price list as plain data: embedded in the page for the calculator and
    published as pricing.json. Amounts are decimal strings, never floats; a plan's
    ``cta`` URL is as the content file wrote it (a page's Markdown path stays one)."""
    return {
        "currency": pricing.currency,
        "period": pricing.period,
        "tax_note": pricing.tax_note,
        "meters": [
            {
                "id": m.id,
                "name": m.name,
                "unit": m.unit,
                "unit_plural": m.units,
                "description": m.description,
                "operations": list(m.operations),
            }
            for m in pricing.meters
        ],
        "plans": [
            {
                "id": p.id,
                "name": p.name,
                "summary": p.summary,
                "price": None if p.price is None else str(p.price),
                "cta": {"label": p.cta.label, "url": p.cta.url} if p.cta else None,
                "contact": {"label": p.contact_label, "url": p.cta.url if p.cta else ""} if p.price is None else None,
                "included": dict(p.included),
                "limits": dict(p.limits),
                "rates": {
                    meter: {
                        "mode": rate.mode,
                        "minimum": str(rate.minimum),
                        "rounding": rate.rounding,
                        "tiers": [
                            {"from": t.start, "to": t.end, "unit_price": str(t.unit_price), "flat_fee": str(t.flat_fee)}
                            for t in rate.tiers
                        ],
                    }
                    for meter, rate in p.rates.items()
                },
                "features": list(p.features),
            }
            for p in pricing.plans
        ],
        "features": [{"name": f.name, "plans": dict(f.plans)} for f in pricing.features],
        "examples": [{"title": e.title, "usage": dict(e.usage)} for e in pricing.examples],
        "faq": [{"question": q, "answer": a} for q, a in pricing.faq],
    }
