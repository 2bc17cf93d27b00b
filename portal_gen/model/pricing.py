"""Pricing as data: meters, plans, rates and tiers, features, worked examples (no IO).

Read by :mod:`portal_gen.load.pricing`, checked by :mod:`portal_gen.checks.pricing`;
the one price formula is :mod:`portal_gen.model.pricing_math`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import Location


@dataclass(frozen=True)
class Tier:
    start: int  # first billable unit in the tier
    end: int | None  # where the next tier starts (None: no end)
    unit_price: Decimal
    flat_fee: Decimal = Decimal(0)


@dataclass(frozen=True)
class Rate:
    """What billable units (beyond the allowance) of one meter cost on one plan."""

    mode: str  # unit | graduated | volume
    tiers: tuple[Tier, ...]  # a unit price is one tier from 0 with no end
    minimum: Decimal = Decimal(0)
    rounding: str = "half_up"  # to the cent: half_up | up


@dataclass(frozen=True)
class Meter:
    id: str
    name: str
    unit: str
    description: str
    operations: tuple[str, ...]
    rounding: str = "half_up"


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    summary: str
    price: Decimal | None  # the platform fee; None: "contact us"
    contact_label: str
    contact_url: str
    included: Mapping[str, int]
    limits: Mapping[str, int]
    rates: Mapping[str, Rate]
    features: tuple[str, ...]
    highlight: bool
    location: Location
    priced: bool = True  # the file gives a price (or "contact")

    @property
    def self_serve(self) -> bool:
        return self.price is not None


@dataclass(frozen=True)
class Feature:
    name: str
    plans: Mapping[str, bool | str]


@dataclass(frozen=True)
class Example:
    title: str
    usage: Mapping[str, int]


@dataclass(frozen=True)
class Pricing:
    source: str
    title: str
    summary: str
    currency: str
    period: str
    tax_note: str
    meters: tuple[Meter, ...]
    plans: tuple[Plan, ...]
    features: tuple[Feature, ...]
    examples: tuple[Example, ...]
    faq: tuple[tuple[str, str], ...]
    meter_locations: Mapping[str, Location]

    def meter(self, meter_id: str) -> Meter:
        return next(m for m in self.meters if m.id == meter_id)

    def meters_of(self, operation_id: str) -> tuple[Meter, ...]:
        return tuple(m for m in self.meters if operation_id in m.operations)


def money(value: Any) -> Decimal:
    """A price from YAML: numbers are read through their text so 0.0079 stays exact."""
    if isinstance(value, bool):
        raise ValueError(value)
    amount = Decimal(str(value).strip())
    if not amount.is_finite():
        raise ValueError(value)
    return amount
