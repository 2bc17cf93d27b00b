"""Pricing checked: tiers that overlap or leave gaps, unknown meters and operations,
prices that are not money; and ``portal check``'s warnings about pricing practices
developers distrust (too many tiers, no free start, unpriced paid plans, a plan card
with nothing to click)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import InvalidOperation
from typing import Any

from ..errors import Diagnostic
from ..load.sources import Document
from ..model.api import Api
from ..model.pricing import Pricing, money

MAX_DECIMALS = 6


MAX_SELF_SERVE = 4


def _semantic_problems(document: Document, api: Api) -> Iterator[Diagnostic]:
    data = document.data
    meters = [m["id"] for m in data["meters"]]
    plans = [p["id"] for p in data["plans"]]
    yield from _duplicates(document, "meters", meters)
    yield from _duplicates(document, "plans", plans)
    operations = {op.operation_id for op in api.operations if op.operation_id}
    for index, meter in enumerate(data["meters"]):
        for position, operation in enumerate(meter.get("operations") or []):
            if operation not in operations:
                close = difflib.get_close_matches(operation, sorted(operations), n=1)
                yield Diagnostic(
                    f"no operation '{operation}' in the spec",
                    document.locate(("meters", index, "operations", position)),
                    f"did you mean '{close[0]}'?" if close else "list operationIds from the spec",
                    rule="pricing-reference",
                )
    for index, plan in enumerate(data["plans"]):
        here: tuple[str | int, ...] = ("plans", index)
        if "cta" in plan and "contact" in plan:
            yield Diagnostic(
                f"plan '{plan['id']}' has both 'cta' and 'contact'",
                document.locate((*here, "contact")),
                "keep 'cta': 'contact' is its older name",
                rule="pricing-schema",
            )
        if plan.get("price") not in (None, "contact"):
            yield from _money(document, (*here, "price"), plan["price"])
        for key in ("included", "limits", "rates"):
            for meter_id in plan.get(key) or {}:
                if meter_id not in meters:
                    yield _unknown_meter(document, (*here, key, meter_id), meter_id, meters)
        for meter_id, rate in (plan.get("rates") or {}).items():
            where = (*here, "rates", meter_id)
            if "unit_price" in rate:
                yield from _money(document, (*where, "unit_price"), rate["unit_price"])
            if "minimum" in rate:
                yield from _money(document, (*where, "minimum"), rate["minimum"])
            yield from _tier_problems(document, where, rate.get("tiers") or [])
        if plan.get("price") != "contact":
            for meter_id in meters:
                if meter_id not in (plan.get("rates") or {}) and meter_id not in (plan.get("limits") or {}):
                    yield Diagnostic(
                        f"plan '{plan['id']}' has no rate for meter '{meter_id}'",
                        document.locate((*here, "rates")) if "rates" in plan else document.locate(here),
                        "give it a rate, or a limit (the most units the plan allows)",
                        rule="pricing-reference",
                    )
    for index, feature in enumerate(data.get("features") or []):
        for plan_id in feature["plans"]:
            if plan_id not in plans:
                yield _unknown(document, ("features", index, "plans", plan_id), "plan", plan_id, plans)
    for index, example in enumerate(data.get("examples") or []):
        for meter_id in example["usage"]:
            if meter_id not in meters:
                yield _unknown_meter(document, ("examples", index, "usage", meter_id), meter_id, meters)


def _duplicates(document: Document, key: str, ids: list[str]) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            yield Diagnostic(
                f"two {key} have the id '{item}'", document.locate((key, index, "id")), rule="pricing-reference"
            )
        seen.add(item)


def _unknown_meter(document: Document, pointer: tuple[str | int, ...], meter_id: str, meters: list[str]) -> Diagnostic:
    return _unknown(document, pointer, "meter", meter_id, meters)


def _unknown(document: Document, pointer: tuple[str | int, ...], kind: str, name: str, known: list[str]) -> Diagnostic:
    close = difflib.get_close_matches(name, known, n=1)
    return Diagnostic(
        f"no {kind} '{name}' is defined",
        document.locate(pointer),
        f"did you mean '{close[0]}'?" if close else f"{kind}s: {', '.join(known)}",
        rule="pricing-reference",
    )


def _money(document: Document, pointer: tuple[str | int, ...], value: Any) -> Iterator[Diagnostic]:
    field = str(pointer[-1])
    try:
        amount = money(value)
    except (InvalidOperation, ValueError):
        yield Diagnostic(
            f"'{field}' must be a number, got {value!r}",
            document.locate(pointer),
            "write prices as decimals, e.g. 0.0075",
            rule="pricing-schema",
        )
        return
    if amount < 0:
        yield Diagnostic(
            f"'{field}' must not be negative, got {value}", document.locate(pointer), rule="pricing-schema"
        )
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        yield Diagnostic(
            f"'{field}' has more than {MAX_DECIMALS} decimals: {value}",
            document.locate(pointer),
            "round it; prices are computed exactly, then rounded to the cent",
            rule="pricing-schema",
        )


def _tier_problems(
    document: Document, where: tuple[str | int, ...], tiers: list[dict[str, Any]]
) -> Iterator[Diagnostic]:
    for index, tier in enumerate(tiers):
        here = (*where, "tiers", index)
        yield from _money(document, (*here, "unit_price"), tier["unit_price"])
        if "flat_fee" in tier:
            yield from _money(document, (*here, "flat_fee"), tier["flat_fee"])
        end = tier.get("to")
        if end is not None and end <= tier["from"]:
            yield Diagnostic(
                f"tier {index + 1} ends at {end}, not after where it starts ({tier['from']})",
                document.locate((*here, "to")),
                rule="pricing-tiers",
            )
        if index == 0 and tier["from"] != 0:
            yield Diagnostic(
                f"the first tier starts at {tier['from']}: units 0 to {tier['from'] - 1} have no price",
                document.locate((*here, "from")),
                "start the first tier at 0",
                rule="pricing-tiers",
            )
        if index > 0:
            previous = tiers[index - 1].get("to")
            if previous is None:
                yield Diagnostic(
                    f"tier {index} has no end, so tier {index + 1} overlaps it",
                    document.locate((*where, "tiers", index - 1)),
                    f"end tier {index} with to: {tier['from']}",
                    rule="pricing-tiers",
                )
            elif tier["from"] < previous:
                yield Diagnostic(
                    f"tier {index + 1} starts at {tier['from']}, inside tier {index} (which ends at {previous})",
                    document.locate((*here, "from")),
                    f"start it at {previous}",
                    rule="pricing-tiers",
                )
            elif tier["from"] > previous:
                yield Diagnostic(
                    f"units {previous} to {tier['from'] - 1} fall between tier {index} and tier {index + 1}",
                    document.locate((*here, "from")),
                    f"start it at {previous}",
                    rule="pricing-tiers",
                )
    if tiers and tiers[-1].get("to") is not None:
        yield Diagnostic(
            f"the last tier ends at {tiers[-1]['to']}: more units have no price",
            document.locate((*where, "tiers", len(tiers) - 1, "to")),
            "leave out `to:` on the last tier, or add a limit for the meter",
            rule="pricing-tiers",
        )


def pricing_lint(pricing: Pricing) -> list[Diagnostic]:
    """Warnings for what pricing research warns against (rule ids for ``check_rules``)."""
    found = []
    self_serve = [p for p in pricing.plans if p.self_serve]
    if len(self_serve) > MAX_SELF_SERVE:
        found.append(
            Diagnostic(
                f"{len(self_serve)} self-serve plans: more than {MAX_SELF_SERVE} is hard to choose from",
                self_serve[MAX_SELF_SERVE].location,
                "keep a free plan, two paid plans and an enterprise plan for what needs a conversation",
                rule="pricing-too-many-plans",
                severity="warning",
            )
        )
    for plan in pricing.plans[1:]:  # the first plan is the free start
        if not plan.priced:
            found.append(
                Diagnostic(
                    f"plan '{plan.id}' has no price",
                    plan.location,
                    'give it a platform fee (price: 0 for another free plan), or price: "contact"',
                    rule="pricing-unpriced",
                    severity="warning",
                )
            )
    for plan in pricing.plans:
        if plan.cta is None:
            hint = (
                "give it a cta (label and url), or give the spec an info.contact email or url"
                if plan.price is None
                else "give it a cta (label and url), or give the file a cta for every self-serve plan"
            )
            found.append(
                Diagnostic(
                    f"plan '{plan.id}' has no call to action: its card ends without a link",
                    plan.location,
                    hint,
                    rule="pricing-no-cta",
                    severity="warning",
                )
            )
    for meter in pricing.meters:
        if not any(plan.priced and plan.price == 0 and plan.included.get(meter.id, 0) > 0 for plan in pricing.plans):
            found.append(
                Diagnostic(
                    f"meter '{meter.id}' has no free allowance in any plan",
                    pricing.meter_locations[meter.id],
                    "include some units in a free plan (price: 0), so developers can start at no cost",
                    rule="pricing-no-free-allowance",
                    severity="warning",
                )
            )
    return found
