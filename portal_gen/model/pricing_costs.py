"""What one call of an operation costs, for its reference page (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import PortalConfig
from ..plan.paths import PRICING_PAGE
from ..plan.reference import relative_url
from .pricing import Pricing
from .pricing_math import format_money


@dataclass(frozen=True)
class MeterCost:
    """What one call of an operation costs, for its reference page."""

    meter: str
    unit: str
    rates: tuple[tuple[str, str], ...]  # plan name -> price of one more unit (first tier)
    url: str


def meter_costs(pricing: Pricing, operation_id: str, from_page: str, config: PortalConfig) -> list[MeterCost]:
    """The meters an operation consumes, with each self-serve plan's unit price."""
    found = []
    for meter in pricing.meters_of(operation_id):
        rates = tuple(
            (plan.name, format_money(plan.rates[meter.id].tiers[0].unit_price, pricing.currency, exact=True))
            for plan in pricing.plans
            if plan.self_serve and meter.id in plan.rates
        )
        found.append(
            MeterCost(meter.name, meter.unit, rates, relative_url(from_page, PRICING_PAGE, config.directory_urls))
        )
    return found
