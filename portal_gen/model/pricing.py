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
    unit: str  # singular: message segment
    description: str
    operations: tuple[str, ...]
    rounding: str = "half_up"
    unit_plural: str = ""  # "" : made from ``unit`` by :func:`plural_of`

    @property
    def units(self) -> str:
        """The unit's plural: message segments, numbers per month."""
        return self.unit_plural or plural_of(self.unit)


@dataclass(frozen=True)
class Cta:
    """What a plan card asks the reader to do next: a labelled link.

    ``origin`` says where it came from: ``plan`` (the plan's ``cta``, or its older
    ``contact``), ``pricing`` (the file's default ``cta`` for self-serve plans) or
    ``spec`` (the spec's ``info.contact``, for a plan sold by conversation)."""

    label: str
    url: str
    origin: str = "plan"
    location: Location | None = None


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    summary: str
    price: Decimal | None  # the platform fee; None: "contact us"
    cta: Cta | None  # None: the card has no call to action (``portal check`` warns)
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

    @property
    def contact_label(self) -> str:
        """What the calculator shows for a plan sold by conversation."""
        return self.cta.label if self.cta else "Contact sales"

    @property
    def contact_url(self) -> str:
        """The call to action's URL as the content file wrote it ("" when it comes from
        the spec, whose own URL checks cover it)."""
        return self.cta.url if self.cta and self.cta.origin != "spec" else ""


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


_PREPOSITIONS = (" per ", " of ", " in ", " a ", " an ", " for ")
_SIBILANT = ("s", "x", "z", "ch", "sh")


def plural_of(unit: str) -> str:
    """The plural of a unit in English: its head noun takes the ending (message
    segment -> message segments, number per month -> numbers per month, GB of
    storage -> GBs of storage, query -> queries). A meter's ``unit_plural`` says it
    for a noun these rules get wrong."""
    cut = min((i for i in (unit.find(p) for p in _PREPOSITIONS) if i > 0), default=len(unit))
    head, tail = unit[:cut], unit[cut:]
    if not head:
        return unit
    lower = head.lower()
    if lower.endswith(_SIBILANT):
        head += "es"
    elif len(lower) > 1 and lower.endswith("y") and lower[-2] not in "aeiou":
        head = head[:-1] + "ies"
    else:
        head += "s"
    return head + tail


def count_of(count: int, meter: Meter) -> str:
    """``1 phone number``, ``20,000 message segments``: the way the page and its
    calculator (pricing.js) both write an amount of a meter's unit."""
    return f"{count:,} {meter.unit if count == 1 else meter.units}"


def money(value: Any) -> Decimal:
    """A price from YAML: numbers are read through their text so 0.0079 stays exact."""
    if isinstance(value, bool):
        raise ValueError(value)
    amount = Decimal(str(value).strip())
    if not amount.is_finite():
        raise ValueError(value)
    return amount
