"""Pricing: one price formula (Python, Decimal) that the page's calculator agrees with
to the cent in real headless Chromium, and every mistake in pricing.yaml at its line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from browser import serve_directory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_demo, run_portal
from portal_gen.config import PortalConfig
from portal_gen.engine.project import load_project
from portal_gen.load.pricing import load_pricing
from portal_gen.model.pricing import Rate, Tier
from portal_gen.model.pricing_math import format_money, meter_charge, quotes


def _demo_pricing():
    project = load_project(PortalConfig(project_dir=ROOT))
    pricing = load_pricing(ROOT / "content", ROOT, project.api)
    assert pricing is not None
    return pricing


def _graduated(*tiers: tuple[int, int | None, str], mode: str = "graduated", minimum: str = "0") -> Rate:
    return Rate(mode, tuple(Tier(a, b, Decimal(p)) for a, b, p in tiers), Decimal(minimum))


def test_graduated_tiers_price_the_units_within_each_tier() -> None:
    rate = _graduated((0, 100, "0.01"), (100, None, "0.005"))
    assert meter_charge(rate, 0) == Decimal("0")
    assert meter_charge(rate, 100) == Decimal("1.00")
    assert meter_charge(rate, 101) == Decimal("1.01")  # 1.005 rounds half up
    assert meter_charge(rate, 300) == Decimal("2.00")


def test_volume_tiers_price_every_unit_at_the_tier_reached() -> None:
    rate = _graduated((0, 100, "0.01"), (100, None, "0.005"), mode="volume")
    assert meter_charge(rate, 100) == Decimal("1.00")
    assert meter_charge(rate, 101) == Decimal("0.51")  # 0.505 half up
    assert meter_charge(rate, 300) == Decimal("1.50")


def test_charges_round_half_up_or_up_as_the_meter_says() -> None:
    half_up = Rate("unit", (Tier(0, None, Decimal("0.0011")),), Decimal(0))
    up = Rate("unit", (Tier(0, None, Decimal("0.0011")),), Decimal(0), "up")
    assert meter_charge(half_up, 1) == Decimal("0.00") and meter_charge(up, 1) == Decimal("0.01")
    assert meter_charge(half_up, 5) == Decimal("0.01") and meter_charge(up, 10) == Decimal("0.02")


def test_minimums_flat_fees_limits_and_allowances() -> None:
    assert meter_charge(_graduated((0, None, "0.001"), minimum="5"), 10) == Decimal("5.00")
    assert meter_charge(_graduated((0, None, "0.001"), minimum="5"), 0) == Decimal("0")  # no use, no minimum
    flat = Rate("graduated", (Tier(0, 10, Decimal("0"), Decimal("2.5")), Tier(10, None, Decimal("1"))), Decimal(0))
    assert meter_charge(flat, 3) == Decimal("2.50") and meter_charge(flat, 12) == Decimal("4.50")
    pricing = _demo_pricing()
    found = {q.plan: q for q in quotes(pricing, {"messages": 20000, "numbers": 2})}
    assert found["free"].total is None and (found["free"].reason, found["free"].meter) == ("limit", "messages")
    assert found["growth"].total == Decimal("167.50")  # 49 + (20,000 - 5,000) x 0.0079
    assert found["scale"].total == Decimal("399.00")  # all within the allowance
    assert found["enterprise"].total is None and found["enterprise"].reason == "contact"


def test_the_demo_page_shows_computed_examples_and_publishes_pricing_json(built) -> None:
    site = built("demo")
    page = (site / "pricing" / "index.html").read_text(encoding="utf-8")
    for name in ("Free", "Growth", "Scale", "Enterprise"):
        assert 'class="portal-plan__name" id="plan-' in page and f">{name}</h2>" in page
    assert "A startup sending 20,000 messages a month from 2 numbers" in page
    assert "$167.50" in page  # computed by the build, never typed by hand
    assert "Talk to sales" in page and "Compare plans" in page and "What counts as a message?" in page
    published = json.loads((site / "pricing.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in published["plans"]] == ["free", "growth", "scale", "enterprise"]
    assert published["plans"][1]["rates"]["messages"]["tiers"][0]["unit_price"] == "0.0079"
    assert (site / "assets" / "portal" / "pricing.js").is_file()
    # Operation pages that consume a meter say what a call costs.
    send = (site / "reference" / "messages" / "send-message" / "index.html").read_text(encoding="utf-8")
    assert "$0.0079" in send and 'href="../../../pricing/"' in send


def _boundaries(pricing) -> list[int]:
    """Usage values where prices change: allowances, limits and tier edges, and their neighbours."""
    edges = {0, 1}
    for plan in pricing.plans:
        for meter_id, included in plan.included.items():
            edges.add(included)
            for tier in plan.rates[meter_id].tiers if meter_id in plan.rates else ():
                edges.update({tier.start + included, (tier.end or 0) + included})
        edges.update(plan.limits.values())
    return sorted({v + d for v in edges for d in (-1, 0, 1) if v + d >= 0})


def test_the_calculator_agrees_with_the_python_formula_to_the_cent(built, chromium) -> None:
    pricing = _demo_pricing()
    site = built("demo")
    edges = _boundaries(pricing)
    usage_value = st.one_of(st.sampled_from(edges), st.integers(0, 2_000_000), st.integers(0, 10**15), st.just(0))
    meters = [m.id for m in pricing.meters]
    with serve_directory(site) as base:
        page = chromium.new_page()
        page.goto(f"{base}/pricing/")
        page.wait_for_function("document.querySelector('[data-cheapest]').textContent.startsWith('Cheapest')")
        checked = []

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(st.fixed_dictionaries({m: usage_value for m in meters}))
        def agrees(usage: dict[str, int]) -> None:
            for meter, value in usage.items():
                page.fill(f"#usage-{meter}", str(value))
            shown = page.eval_on_selector_all(
                "[data-plan-total]", "cells => cells.map(c => [c.dataset.planTotal, c.textContent])"
            )
            for plan, text in shown:
                quote = next(q for q in quotes(pricing, usage) if q.plan == plan)
                if quote.total is not None:
                    assert text == format_money(quote.total, pricing.currency), (usage, plan)
                else:
                    assert not text.startswith("$"), (usage, plan, text)
            checked.append(usage)

        agrees()
        assert len(checked) >= 300
        # Keyboard: a label focuses its field, typing updates the totals, bad input is flagged.
        page.click("label[for=usage-messages]")
        page.keyboard.press("Control+A")
        page.keyboard.type("12x")
        assert page.get_attribute("#usage-messages", "aria-invalid") == "true"
        assert page.text_content("[data-cheapest]") == "Enter whole numbers of units."
        page.keyboard.press("Backspace")
        assert page.get_attribute("#usage-messages", "aria-invalid") == "false"
        page.close()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "          - {from: 100000, to: 1000000, unit_price: 0.0065}\n",
            "          - {from: 90000, to: 1000000, unit_price: 0.0065}\n",
            "content/pricing.yaml:38:14: tier 2 starts at 90000, inside tier 1 (which ends at 100000)\n"
            "  hint: start it at 100000",
        ),
        (
            "          - {from: 100000, to: 1000000, unit_price: 0.0065}\n",
            "          - {from: 120000, to: 1000000, unit_price: 0.0065}\n",
            "content/pricing.yaml:38:14: units 100000 to 119999 fall between tier 1 and tier 2\n"
            "  hint: start it at 100000",
        ),
        (
            "    included: {messages: 5000, numbers: 3}\n",
            "    included: {messages: 5000, numbrs: 3}\n",
            "content/pricing.yaml:32:32: no meter 'numbrs' is defined\n  hint: did you mean 'numbers'?",
        ),
        (
            "    price: 49\n",
            "    price: -49\n",
            "content/pricing.yaml:30:5: 'price' must not be negative, got -49",
        ),
        (
            "      numbers: {unit_price: 1.15}\n",
            "      numbers: {unit_price: ten}\n",
            "content/pricing.yaml:40:17: 'unit_price' must be a number, got 'ten'\n"
            "  hint: write prices as decimals, e.g. 0.0075",
        ),
        (
            "    operations: [sendMessage]\n",
            "    operations: [sendMesage]\n",
            "content/pricing.yaml:12:18: no operation 'sendMesage' in the spec\n  hint: did you mean 'sendMessage'?",
        ),
    ],
    ids=["overlap", "gap", "unknown-meter", "negative", "not-a-number", "unknown-operation"],
)
def test_pricing_mistakes_point_at_their_line(demo: Path, old: str, new: str, expected: str) -> None:
    path = demo / "content" / "pricing.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = run_portal("build", cwd=demo)
    assert result.returncode == 1
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_pricing_practices_are_linted(demo: Path) -> None:
    path = demo / "content" / "pricing.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    included: {messages: 500, numbers: 1}\n", "    included: {messages: 500}\n")
    text = text.replace("    price: 399\n", "")
    path.write_text(text, encoding="utf-8")
    result = run_portal("check", "--no-run", cwd=demo)
    assert result.returncode == 0  # warnings
    assert "content/pricing.yaml:42:5: plan 'scale' has no price" in result.stderr
    assert "[pricing-unpriced]" in result.stderr
    assert "content/pricing.yaml:14:5: meter 'numbers' has no free allowance in any plan" in result.stderr
    assert run_portal("check", "--no-run", "--strict", cwd=demo).returncode == 1
