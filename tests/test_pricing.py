"""Pricing: one price formula (Python, Decimal) that the page's calculator agrees with
to the cent in real headless Chromium, and every mistake in pricing.yaml at its line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from browser import SCREENSHOTS, axe_source, serious_violations, serve_directory, sideways_overflow
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_demo, run_portal
from portal_gen.checks.pricing import pricing_lint
from portal_gen.config import PortalConfig
from portal_gen.engine.project import load_project
from portal_gen.load.pricing import load_pricing
from portal_gen.model.pricing import Rate, Tier, count_of, plural_of
from portal_gen.model.pricing_math import cheapest, format_money, meter_charge, quotes
from portal_gen.render.pricing import breakdown_rows, cta_href


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

        choices = ["", *(p.id for p in pricing.plans if p.self_serve)]

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(st.fixed_dictionaries({m: usage_value for m in meters}), st.sampled_from(choices))
        def agrees(usage: dict[str, int], chosen: str) -> None:
            page.select_option("#breakdown-plan", chosen)
            for meter, value in usage.items():
                page.fill(f"#usage-{meter}", str(value))
            shown = page.eval_on_selector_all(
                "[data-plan-total]", "cells => cells.map(c => [c.dataset.planTotal, c.textContent])"
            )
            found = quotes(pricing, usage)
            for plan, text in shown:
                quote = next(q for q in found if q.plan == plan)
                if quote.total is not None:
                    assert text == format_money(quote.total, pricing.currency), (usage, plan)
                else:
                    assert not text.startswith("$"), (usage, plan, text)
            # The breakdown of the chosen (or cheapest) plan: every meter's line, to the cent.
            picked = next((q for q in found if q.plan == chosen), None) if chosen else cheapest(found)
            table = _breakdown(page)
            if picked is None or picked.total is None:
                assert table is None, (usage, chosen)
            else:
                assert table == _expected_breakdown(pricing, picked), (usage, chosen)
            checked.append(usage)

        agrees()
        assert len(checked) >= 300
        # Keyboard: a label focuses its field, typing updates the totals, bad input is flagged.
        page.click("label[for=usage-messages]")
        page.keyboard.press("Control+A")
        page.keyboard.type("12x")
        assert page.get_attribute("#usage-messages", "aria-invalid") == "true"
        assert page.text_content("[data-cheapest]") == "Fix the usage above to see what each plan costs."
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
            "content/pricing.yaml:39:14: tier 2 starts at 90000, inside tier 1 (which ends at 100000)\n"
            "  hint: start it at 100000",
        ),
        (
            "          - {from: 100000, to: 1000000, unit_price: 0.0065}\n",
            "          - {from: 120000, to: 1000000, unit_price: 0.0065}\n",
            "content/pricing.yaml:39:14: units 100000 to 119999 fall between tier 1 and tier 2\n"
            "  hint: start it at 100000",
        ),
        (
            "    included: {messages: 5000, numbers: 3}\n",
            "    included: {messages: 5000, numbrs: 3}\n",
            "content/pricing.yaml:33:32: no meter 'numbrs' is defined\n  hint: did you mean 'numbers'?",
        ),
        (
            "    price: 49\n",
            "    price: -49\n",
            "content/pricing.yaml:31:5: 'price' must not be negative, got -49",
        ),
        (
            "      numbers: {unit_price: 1.15}\n",
            "      numbers: {unit_price: ten}\n",
            "content/pricing.yaml:41:17: 'unit_price' must be a number, got 'ten'\n"
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
    assert "content/pricing.yaml:44:5: plan 'scale' has no price" in result.stderr
    assert "[pricing-unpriced]" in result.stderr
    assert "content/pricing.yaml:14:5: meter 'numbers' has no free allowance in any plan" in result.stderr
    assert run_portal("check", "--no-run", "--strict", cwd=demo).returncode == 1


# The calculator's breakdown as a reader sees it: caption, then each row's cells.
BREAKDOWN_JS = """() => {
  const table = document.querySelector('[data-breakdown] table');
  if (!table) return null;
  return {
    plan: table.dataset.breakdownPlanId,
    caption: table.caption.textContent,
    rows: [...table.rows].map(r => [...r.cells].map(c => [c.dataset.cell || '', c.colSpan,
      c.querySelectorAll('.portal-breakdown__tier').length
        ? [...c.querySelectorAll('.portal-breakdown__tier')].map(t => t.textContent).join(' | ')
        : c.textContent])),
  };
}"""


def _breakdown(page):
    return page.evaluate(BREAKDOWN_JS)


def _expected_breakdown(pricing, quote) -> dict[str, object]:
    """The breakdown the Python model gives for ``quote``, in the shape of ``_breakdown``."""
    plan = next(p for p in pricing.plans if p.id == quote.plan)
    total = format_money(quote.total, pricing.currency)
    rows = [
        [["", 1, "Meter"], ["", 1, "Used"], ["", 1, "Included"], ["", 1, "Billable"], ["", 1, "Rate"], ["", 1, "Cost"]],
        [
            ["", 1, "Platform fee"],
            ["", 4, f"a {pricing.period}"],
            ["cost", 1, format_money(plan.price, pricing.currency)],
        ],
    ]
    for row in breakdown_rows(quote, pricing):
        rows.append(
            [
                ["", 1, row.name],
                ["used", 1, row.used],
                ["included", 1, row.included],
                ["billable", 1, row.billable],
                ["rate", 1, " | ".join(row.rate)],
                ["cost", 1, row.cost],
            ]
        )
    rows.append([["", 1, "Total"], ["", 4, ""], ["total", 1, total]])
    return {"plan": plan.id, "caption": f"{plan.name}: {total} a {pricing.period}", "rows": rows}


def test_the_breakdown_lists_each_meter_to_the_cent_and_tiers_as_tiers(built, chromium) -> None:
    pricing = _demo_pricing()
    with serve_directory(built("demo")) as base:
        page = chromium.new_page()
        page.goto(f"{base}/pricing/")
        page.fill("#usage-messages", "1,500,000")
        page.fill("#usage-numbers", "40")
        table = _breakdown(page)
        best = cheapest(quotes(pricing, {"messages": 1_500_000, "numbers": 40}))
        assert best is not None and best.plan == "scale"
        assert table == _expected_breakdown(pricing, best)
        # Scale: 1,400,000 billable segments, 1,000,000 in tier 1 and 400,000 in tier 2.
        assert table["caption"] == "Scale: $8,058.00 a month"  # 399 + 7,640 + 20 x 0.95
        messages = next(r for r in table["rows"] if r[1] == ["used", 1, "1,500,000 message segments"])
        assert [c[2] for c in messages] == [
            "Outbound messages",
            "1,500,000 message segments",
            "100,000",
            "1,400,000",
            "tier 1: 1,000,000 × $0.0058 | tier 2: 400,000 × $0.0046",
            "$7,640.00",
        ]
        assert best.lines[0].charge == Decimal("1000000") * Decimal("0.0058") + Decimal("400000") * Decimal("0.0046")
        # Another plan, chosen: its own breakdown; a plan that cannot serve the usage says why.
        page.select_option("#breakdown-plan", "growth")
        growth = next(q for q in quotes(pricing, {"messages": 1_500_000, "numbers": 40}) if q.plan == "growth")
        assert _breakdown(page) == _expected_breakdown(pricing, growth)
        page.select_option("#breakdown-plan", "free")
        assert _breakdown(page) is None
        assert (
            page.text_content("[data-breakdown]")
            == "Free cannot serve this usage: it is over its outbound messages limit."
        )
        page.close()


def test_the_page_and_its_script_write_the_same_breakdown_and_plurals(built, chromium) -> None:
    """What the build writes (no script) and what the script writes on load agree."""
    with serve_directory(built("demo")) as base:
        static = chromium.new_context(java_script_enabled=False)
        page = static.new_page()
        page.goto(f"{base}/pricing/")
        written = (_breakdown(page), page.text_content("[data-cheapest]"))
        static.close()
        page = chromium.new_page()
        page.goto(f"{base}/pricing/")
        page.wait_for_function("document.querySelector('[data-cheapest]').textContent.startsWith('Cheapest')")
        assert written[0] is not None and (_breakdown(page), page.text_content("[data-cheapest]")) == written
        for count, text in ((1, "1 phone number"), (2, "2 phone numbers"), (0, "0 phone numbers")):
            page.fill("#usage-numbers", str(count))
            assert page.text_content("[data-meter=numbers] [data-cell=used]") == text
        page.fill("#usage-messages", "1")
        assert page.text_content("[data-meter=messages] [data-cell=used]") == "1 message segment"
        page.close()


def test_allowances_read_in_the_singular_and_plural_and_are_listed_once(built) -> None:
    page = (built("demo") / "pricing" / "index.html").read_text(encoding="utf-8")
    free = page[page.index('id="plan-free"') : page.index('id="plan-growth"')]
    assert "<li>500 message segments included</li><li>1 phone number included</li>" in free
    assert free.count("phone number") == 1  # the feature list does not repeat the allowance
    assert "<li>3 phone numbers included</li>" in page
    assert "1 phone numbers" not in page and "number per months" not in page
    assert "20,000 message segments &middot; 2 phone numbers" in page  # a worked example
    assert "300 message segments &middot; 1 phone number<" in page
    assert [plural_of(u) for u in ("message segment", "number per month", "query", "inbox", "GB of storage")] == [
        "message segments",
        "numbers per month",
        "queries",
        "inboxes",
        "GBs of storage",
    ]
    meter = _demo_pricing().meter("numbers")
    assert (count_of(1, meter), count_of(1200, meter)) == ("1 phone number", "1,200 phone numbers")


def test_invalid_usage_clears_every_total_and_says_why(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        page = chromium.new_page()
        page.goto(f"{base}/pricing/")
        page.fill("#usage-messages", "20000")
        assert page.locator(".portal-calculator .portal-calculator__cheapest").count() == 1
        for typed, message in (
            ("abc", "Enter a number, like 20000."),
            ("-5", "Usage cannot be negative: enter 0 or more."),
            ("2.5", "Enter a whole number of units."),
        ):
            page.fill("#usage-messages", typed)
            assert page.get_attribute("#usage-messages", "aria-invalid") == "true"
            described = page.get_attribute("#usage-messages", "aria-describedby").split()
            assert message in [page.text_content(f"#{i}") for i in described]  # tied to the input
            totals = page.eval_on_selector_all("[data-plan-total]", "cells => cells.map(c => c.textContent)")
            assert totals == ["—"] * 4, typed  # no old total left standing
            assert page.locator(".portal-calculator .portal-calculator__cheapest").count() == 0
            assert page.get_attribute("[data-cheapest]", "role") == "status"
            assert page.text_content("[data-cheapest]") == "Fix the usage above to see what each plan costs."
            assert _breakdown(page) is None
        page.fill("#usage-messages", "20,000")
        assert page.get_attribute("#usage-messages", "aria-invalid") == "false"
        assert page.text_content("#usage-messages-error") == ""
        assert page.text_content("[data-plan-total=growth]") == "$167.50"
        assert page.text_content(".portal-calculator tr.portal-calculator__cheapest th") == "Growth"
        page.close()


def test_every_plan_card_ends_with_its_call_to_action(built) -> None:
    site = built("demo")
    page = (site / "pricing" / "index.html").read_text(encoding="utf-8")
    expected = {
        "free": ("Start free", "../quickstarts/send-your-first-message/"),  # a Markdown path, resolved
        "growth": ("Choose Growth", "https://relay.example/signup?plan=growth"),
        "scale": ("Choose Scale", "https://relay.example/signup?plan=scale"),
        "enterprise": ("Talk to sales", "mailto:sales@relay.example"),
    }
    for plan, (label, href) in expected.items():
        card = page[page.index(f'id="plan-{plan}"') :].split("</section>")[0]
        assert f'href="{href}">{label}</a>' in card, plan
    assert (site / "quickstarts" / "send-your-first-message" / "index.html").is_file()
    assert cta_href("quickstarts/a.md#keys", True) == "../quickstarts/a/#keys"
    assert cta_href("quickstarts/a.md", False) == "quickstarts/a.html"
    assert cta_href("javascript:alert(1)", True) is None and cta_href("signup/", True) == "signup/"


def test_a_plan_without_a_cta_gets_the_files_default_or_the_specs_contact(demo: Path) -> None:
    path = demo / "content" / "pricing.yaml"
    text = path.read_text(encoding="utf-8")
    for line in [x for x in text.splitlines(keepends=True) if x.startswith("    cta: ")]:
        text = text.replace(line, "")
    path.write_text(text.replace("period: month\n", "period: month\ncta: {label: Get started, url: signup/}\n"))
    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    page = (demo / "site" / "pricing" / "index.html").read_text(encoding="utf-8")
    assert page.count('href="signup/">Get started</a>') == 3  # every self-serve plan
    assert 'href="mailto:developers@relay.example">Contact sales</a>' in page  # the spec's info.contact
    # Without either, the card has no button, and `portal check` says so at the plan.
    path.write_text(text)
    project = load_project(PortalConfig(project_dir=demo))
    pricing = load_pricing(demo / "content", demo, project.api)
    assert pricing is not None
    found = [(str(d.location), d.message, d.rule) for d in pricing_lint(pricing) if d.rule == "pricing-no-cta"]
    assert found == [
        (
            f"content/pricing.yaml:{line}:5",
            f"plan '{plan}' has no call to action: its card ends without a link",
            "pricing-no-cta",
        )
        for plan, line in (("free", 20), ("growth", 27), ("scale", 42))
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    cta: {label: Start free, url: quickstarts/send-your-first-message.md}\n",
            "    cta: {label: Start free}\n",
            "content/pricing.yaml:27:5: missing required field 'url' in plans.0.cta",
        ),
        (
            '    cta: {label: Choose Scale, url: "https://relay.example/signup?plan=scale"}\n',
            '    cta: {label: Choose Scale, url: " "}\n',
            "content/pricing.yaml:58:32: a call to action needs a URL, got ' ' in plans.2.cta.url",
        ),
        (
            '    cta: {label: Talk to sales, url: "mailto:sales@relay.example"}\n',
            '    cta: {label: Talk to sales, url: "mailto:sales@relay.example"}\n'
            '    contact: {label: Sales, url: "mailto:sales@relay.example"}\n',
            "content/pricing.yaml:64:5: plan 'enterprise' has both 'cta' and 'contact'\n"
            "  hint: keep 'cta': 'contact' is its older name",
        ),
    ],
    ids=["no-url", "blank-url", "cta-and-contact"],
)
def test_cta_mistakes_point_at_their_line(demo: Path, old: str, new: str, expected: str) -> None:
    path = demo / "content" / "pricing.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = run_portal("build", cwd=demo)
    assert result.returncode == 1
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# Animations off: axe judges what the page settles on, not a header mid-fade.
NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_pricing_page_is_accessible_and_fits_a_phone(built, chromium, width: int, scheme: str) -> None:
    axe = axe_source()
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(
            viewport={"width": width, "height": 900 if width > 500 else 844}, color_scheme=scheme
        )
        page = context.new_page()
        page.goto(f"{base}/pricing/")
        page.add_style_tag(content=NO_MOTION)
        assert sideways_overflow(page) == 0
        box = page.locator("#usage-messages").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        assert serious_violations(page, axe) == []
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"pricing-{width}-{scheme}.png"), full_page=True)
        page.fill("#usage-messages", "1500000")
        page.fill("#usage-numbers", "40")
        page.select_option("#breakdown-plan", "growth")
        assert serious_violations(page, axe) == [] and sideways_overflow(page) == 0
        page.locator(".portal-calculator").screenshot(
            path=str(SCREENSHOTS / f"pricing-calculator-{width}-{scheme}.png")
        )
        page.fill("#usage-messages", "-5")
        assert serious_violations(page, axe) == [] and sideways_overflow(page) == 0
        context.close()


def test_tab_reaches_every_input_and_call_to_action_with_a_visible_outline(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        page = chromium.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{base}/pricing/")
        wanted = set(
            page.eval_on_selector_all(
                ".portal-calculator input, .portal-calculator select, .portal-plan__cta a",
                "els => els.map(e => e.id || e.textContent)",
            )
        )
        assert len(wanted) == 7  # two inputs, the breakdown's plan, four calls to action
        page.click("h1")  # start in the content, after the header and the navigation
        seen: dict[str, tuple[str, str]] = {}
        for _ in range(60):
            page.keyboard.press("Tab")
            name, style, width = page.evaluate(
                "() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " return [e.id || e.textContent, s.outlineStyle, s.outlineWidth]; }"
            )
            if name in wanted:
                seen[name] = (style, width)
            if len(seen) == len(wanted):
                break
        assert set(seen) == wanted
        for name, (style, width) in seen.items():
            assert style != "none" and float(width.removesuffix("px")) >= 2, (name, style, width)
        page.close()
