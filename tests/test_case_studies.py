"""Case studies: the model, the pages, "Used by", every mistake at its line, and the
index's filters in real Chromium."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from pathlib import Path

import pytest
from browser import SCREENSHOTS, axe_source, serious_violations, serve_directory, sideways_overflow

from conftest import ROOT, copy_demo, run_portal
from portal_gen.checks.svg import sanitize_svg
from portal_gen.config import PortalConfig
from portal_gen.engine.project import load_project
from portal_gen.errors import Location, PortalError
from portal_gen.model.case_studies import Metric
from portal_gen.render.case_studies import MIN_STUDIES_TO_FILTER, _facets

STUDIES = ROOT / "content" / "case_studies"


def _article(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


@pytest.mark.parametrize(
    ("value", "unit", "figure"),
    [
        ("-38", "%", "-38%"),
        ("3", "x", "3x"),
        ("120", "ms", "120 ms"),
        ("1,200", "$", "$1,200"),
        ("-1,200", "€", "-€1,200"),
        ("+24", "%", "+24%"),
        ("4.2", "M", "4.2M"),
        ("11", "days", "11 days"),
        ("1,200,000", "", "1,200,000"),
    ],
)
def test_a_metric_reads_as_people_write_it(value: str, unit: str, figure: str) -> None:
    assert Metric(value, unit, "x").figure == figure


def test_the_demo_has_three_studies_at_each_adoption_stage() -> None:
    project = load_project(PortalConfig(project_dir=ROOT))
    studies = project.case_studies
    assert [s.id for s in studies] == ["finch-bank", "parcelway", "brightside-clinics"]  # newest first
    assert {s.stage for s in studies} == {"first-application", "several-teams", "company-standard"}
    brightside = studies[-1]
    assert [m.figure for m in brightside.results] == ["-38%", "11 days", "1,200,000"]
    assert brightside.operations == ("sendMessage", "getMessage", "createWebhookEndpoint")  # operation keys


def test_study_pages_show_metrics_story_quotes_and_what_was_used(built) -> None:
    site = built("demo")
    page = _article(site / "case-studies" / "brightside-clinics" / "index.html")
    assert "Brightside cut missed appointments by 38% with text reminders</h1>" in page
    assert (
        '<span class="portal-metric__figure">-38%</span> <span class="portal-metric__label">missed appointments' in page
    )
    assert "<dt>Adoption stage</dt><dd>First application</dd>" in page
    assert '<p class="portal-quote__by">Amara Okafor, Senior Backend Engineer, Brightside Clinics</p>' in page
    assert '<a href="../../reference/messages/send-message/">Send a message</a>' in page
    assert '<a href="../../quickstarts/send-your-first-message/">Send your first message</a>' in page
    # What teams at the next stage did: the land -> expand path.
    assert '<a href="../parcelway/">Parcelway: Parcelway went from one delivery text' in page
    assert '<img class="portal-logo" src="../logos/brightside-clinics.svg"' in page


def test_the_index_lists_every_study_and_a_short_one_has_no_filters(built) -> None:
    page = _article(built("demo") / "case-studies" / "index.html")
    cards = re.findall(
        r'<li class="portal-study-card" data-industry="([^"]+)" data-use-case="([^"]+)" data-stage="([^"]+)"', page
    )
    assert cards == [
        ("financial-services", "one-time-passcodes-and-fraud-alerts", "company-standard"),
        ("logistics", "delivery-notifications", "several-teams"),
        ("healthcare", "appointment-reminders", "first-application"),
    ]
    # Every card names its company in text, beside a logo that is then decoration.
    assert re.findall(
        r'<img class="portal-logo" src="[^"]+" alt=""[^>]*> <span class="portal-card-head__company">([^<]+)', page
    ) == [
        "Finch Bank",
        "Parcelway",
        "Brightside Clinics",
    ]
    # Three studies are taken in at a glance: no chips, no script.
    assert "data-portal-filters" not in page and "portal-filter__option" not in page
    assert "case-studies.js" not in page


def test_chips_are_only_the_values_that_narrow_the_list() -> None:
    base = load_project(PortalConfig(project_dir=ROOT)).case_studies[0]

    def study(n: int, industry: str, stage: str):
        return dataclasses.replace(base, id=f"s{n}", industry=industry, use_case="Alerts", stage=stage)

    industries = ["Retail", "Retail", "Travel", "Retail", "Travel", "Media"]
    studies = tuple(study(n, industry, "several-teams") for n, industry in enumerate(industries))
    assert len(studies) == MIN_STUDIES_TO_FILTER
    # One use case and one stage across all studies: no filter. Each industry leaves some out.
    assert _facets(studies) == [
        ("industry", "Industry", [("media", "Media", 1), ("retail", "Retail", 3), ("travel", "Travel", 2)])
    ]
    assert _facets(studies[:-1]) == []  # fewer studies than MIN_STUDIES_TO_FILTER: no filters
    same = tuple(
        study(n, "Retail", stage) for n, stage in enumerate(["first-application"] * 3 + ["company-standard"] * 3)
    )
    assert _facets(same) == [
        (
            "stage",
            "Adoption stage",
            [("first-application", "First application", 3), ("company-standard", "Company standard", 3)],
        )
    ]


def test_logos_are_published_raster_as_is_and_svg_sanitized(built) -> None:
    site = built("demo")
    logos = site / "case-studies" / "logos"
    assert (logos / "parcelway.png").read_bytes() == (STUDIES / "logos" / "parcelway.png").read_bytes()
    source = (STUDIES / "logos" / "brightside.svg").read_bytes()
    assert (logos / "brightside-clinics.svg").read_bytes() == sanitize_svg(source, Location("x")).data
    # The sources are input only: nothing under content/case_studies/ is published as it is.
    assert not (site / "case_studies").exists()
    assert json.loads((site / "schemas" / "case-study.schema.json").read_text())["title"] == "portal case study"


def test_operation_and_guide_pages_say_who_uses_them(built) -> None:
    site = built("demo")
    operation = _article(site / "reference" / "messages" / "send-message" / "index.html")
    assert (
        '<p class="portal-used-by">Used by <a href="../../../case-studies/finch-bank/">Finch Bank</a>'
        ' <span class="portal-meta">(one-time passcodes and fraud alerts)</span>, '
        '<a href="../../../case-studies/parcelway/">Parcelway</a>'
    ) in operation
    guide = _article(site / "tutorials" / "paginate-message-history" / "index.html")
    assert re.findall(r'Used by <a href="([^"]+)">([^<]+)</a>', guide) == [
        ("../../case-studies/parcelway/", "Parcelway")
    ]
    unused = _article(site / "reference" / "messages" / "search-messages" / "index.html")
    assert "portal-used-by" not in unused


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  - getMessage\n",
            "  - getMesage\n",
            "content/case_studies/brightside-clinics.yaml:46:5: no operation 'getMesage' in the spec\n"
            "  hint: did you mean 'getMessage'?",
        ),
        (
            "  - receive-delivery-webhooks\n",
            "  - receive-webhooks\n",
            "content/case_studies/brightside-clinics.yaml:50:5: no guide 'receive-webhooks'\n"
            "  hint: did you mean 'receive-delivery-webhooks'?",
        ),
        (
            "logo: logos/brightside.svg\n",
            "logo: logos/bright.svg\n",
            "content/case_studies/brightside-clinics.yaml:3:1: "
            "logo file not found: content/case_studies/logos/bright.svg\n"
            "  hint: logo paths are relative to content/case_studies/brightside-clinics.yaml; "
            "put the image there or fix the path",
        ),
        (
            "logo: logos/brightside.svg\n",
            "logo: logos/brightside.pdf\n",
            "content/case_studies/brightside-clinics.yaml:3:1: "
            "'logos/brightside.pdf' is not an image file name in logo\n"
            "  hint: use a PNG, JPEG, GIF, WebP or SVG file",
        ),
        (
            "logo: logos/brightside.svg\n",
            "logo: ../../../outside.png\n",
            "content/case_studies/brightside-clinics.yaml:3:1: logo '../../../outside.png' is outside the project\n"
            "  hint: keep logos next to the case studies, e.g. logos/acme.svg",
        ),
        (
            "  - value: -38\n",
            "  - value: 38%\n",
            "content/case_studies/brightside-clinics.yaml:30:5: '38%' is not a number in results.0.value\n"
            "  hint: write the number in value and its unit apart, e.g. value: -38 and unit: '%'",
        ),
        (
            "stage: first-application\n",
            "stage: first-app\n",
            "content/case_studies/brightside-clinics.yaml:8:1: 'first-app' is not one of first-application, "
            "several-teams, company-standard in stage\n  hint: did you mean 'first-application'?",
        ),
        (
            'date: "2026-05-12"\n',
            "date: May 2026\n",
            "content/case_studies/brightside-clinics.yaml:51:1: 'May 2026' is not a date in date\n"
            "  hint: write dates as YYYY-MM-DD, e.g. 2026-03-14",
        ),
        (
            "    label: missed appointments\n",
            "    lable: missed appointments\n",
            "content/case_studies/brightside-clinics.yaml:30:5: missing required field 'label' in results.0\n"
            "content/case_studies/brightside-clinics.yaml:32:5: unknown field 'lable' in results.0\n"
            "  hint: did you mean 'label'?",
        ),
    ],
    ids=["operation", "guide", "logo-missing", "logo-kind", "logo-outside", "metric", "stage", "date", "field"],
)
def test_case_study_mistakes_point_at_their_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    demo = copy_demo(tmp_path)
    path = demo / "content" / "case_studies" / "brightside-clinics.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PortalError) as caught:
        load_project(PortalConfig(project_dir=demo))
    assert caught.value.format() == expected


def test_a_logo_that_is_not_what_its_name_says_is_refused(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    (demo / "content" / "case_studies" / "logos" / "parcelway.png").write_text("<html><script>alert(1)</script>")
    with pytest.raises(PortalError) as caught:
        load_project(PortalConfig(project_dir=demo))
    assert caught.value.format() == (
        "content/case_studies/parcelway.yaml:3:1: logo content/case_studies/logos/parcelway.png is not a PNG image\n"
        "  hint: export the logo again, or give the file the extension of its real format"
    )


def test_a_broken_case_study_fails_the_build_and_keeps_the_previous_site(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    assert run_portal("build", cwd=demo).returncode == 0
    before = (demo / "site" / "case-studies" / "index.html").read_bytes()
    path = demo / "content" / "case_studies" / "finch-bank.yaml"
    path.write_text(path.read_text().replace("  - cancelMessage\n", "  - cancelMesage\n"))
    result = run_portal("build", cwd=demo)
    assert result.returncode == 1
    assert "content/case_studies/finch-bank.yaml:41:5: no operation 'cancelMesage' in the spec" in result.stderr
    assert "Traceback" not in result.stderr
    assert (demo / "site" / "case-studies" / "index.html").read_bytes() == before


def test_check_warns_about_sanitized_logos_and_deprecated_operations(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    logo = demo / "content" / "case_studies" / "logos" / "finch.svg"
    logo.write_text(logo.read_text().replace("<title>", '<script>alert(1)</script><title onclick="x()">'))
    path = demo / "content" / "case_studies" / "finch-bank.yaml"
    path.write_text(path.read_text().replace("  - getUsage\n", "  - getUsage\n  - listUsageRecords\n"))
    result = run_portal("check", "--no-run", cwd=demo)
    assert result.returncode == 0, result.stderr  # warnings
    assert "content/case_studies/finch-bank.yaml:3:1: removed from the logo: <script> element" in result.stderr
    assert "[case-study-logo]" in result.stderr
    assert (
        "content/case_studies/finch-bank.yaml:44:5: Finch Bank's case study names the deprecated operation "
        "'listUsageRecords'" in result.stderr
    )
    assert run_portal("check", "--no-run", "--strict", cwd=demo).returncode == 1
    site = _build(demo)
    assert b"<script" not in (site / "case-studies" / "logos" / "finch-bank.svg").read_bytes()


def _build(demo: Path) -> Path:
    assert run_portal("build", cwd=demo).returncode == 0
    return demo / "site"


def test_check_warns_about_logo_text_that_may_be_cut_off(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    logo = demo / "content" / "case_studies" / "logos" / "finch.svg"
    logo.write_text(logo.read_text().replace('viewBox="0 0 180 48" width="180"', 'viewBox="0 0 160 48" width="160"'))
    result = run_portal("check", "--no-run", cwd=demo)
    assert result.returncode == 0, result.stderr  # a warning
    assert (
        "content/case_studies/finch-bank.yaml:3:1: logo text 'Finch Bank' may be cut off at the right edge of its "
        "viewBox: it reaches about 170, the viewBox ends at 160\n"
        "  hint: fonts differ from machine to machine: convert the text to outlines (paths), or widen the viewBox"
    ) in result.stderr
    (tmp_path / "fixed").mkdir()
    assert "may be cut off" not in run_portal("check", "--no-run", cwd=copy_demo(tmp_path / "fixed")).stderr


# -- the index, a study and the filters, in real Chromium --------------------------------------

VIEWPORTS = ({"width": 1440, "height": 900}, {"width": 390, "height": 844})
SCHEMES = ("light", "dark")

# Four more studies beside the demo's three, all with one use case (so that facet is no
# filter); industries and stages overlap, so their chips narrow the list.
MORE = {
    "northwind-health": ("Northwind Health", "Healthcare", "first-application", "logos/wide.svg"),
    "lumen-pharmacy": ("Lumen Pharmacy", "Healthcare", "several-teams", "logos/parcelway.png"),
    "harbor-freight": ("Harbor Freight", "Logistics", "first-application", "logos/brightside.svg"),
    "cobalt-credit-union": ("Cobalt Credit Union", "Financial services", "first-application", "logos/finch.svg"),
}
# A wide logo whose viewBox does not fit its square box, set to fill that box (slice): as
# written, a browser cuts it to a square. A blue mark at its left edge and a red one at its
# right: both must show once it is on the page.
WIDE_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 240 48"
     preserveAspectRatio="xMinYMid slice">
  <rect x="0" y="0" width="16" height="48" fill="#0000ff"/>
  <text x="28" y="32" font-size="22" fill="#111111">Northwind</text>
  <rect x="224" y="0" width="16" height="48" fill="#ff0000"/>
</svg>
"""


@pytest.fixture(scope="module")
def seven(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with seven case studies, built: enough for the index to filter."""
    demo = copy_demo(tmp_path_factory.mktemp("seven"))
    folder = demo / "content" / "case_studies"
    (folder / "logos" / "wide.svg").write_text(WIDE_LOGO)
    template = (folder / "parcelway.yaml").read_text(encoding="utf-8")
    for name, (company, industry, stage, logo) in MORE.items():
        text = template.replace("company: Parcelway", f"company: {company}")
        text = text.replace("industry: Logistics", f"industry: {industry}")
        text = text.replace("stage: several-teams", f"stage: {stage}")
        (folder / f"{name}.yaml").write_text(text.replace("logo: logos/parcelway.png", f"logo: {logo}"))
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^use_case: .*$", "use_case: Customer notifications", text))
    return _build(demo)


def _visible(page) -> list[str]:
    return page.eval_on_selector_all(
        ".portal-study-card",
        "cards => cards.filter(c => !c.hidden).map(c => c.querySelector('.portal-card-head__company').textContent)",
    )


def _chips(page) -> dict[str, list[tuple[str, str, bool, bool]]]:
    """Facet -> [(value, count shown, pressed, disabled)] for every chip on the page."""
    found: dict[str, list[tuple[str, str, bool, bool]]] = {}
    for facet, value, count, pressed, disabled in page.eval_on_selector_all(
        "button[data-facet]",
        """buttons => buttons.map(b => [b.dataset.facet, b.dataset.value,
            b.querySelector('[data-portal-count]').textContent,
            b.getAttribute('aria-pressed') === 'true', b.getAttribute('aria-disabled') === 'true'])""",
    ):
        found.setdefault(facet, []).append((value, count, pressed, disabled))
    return found


def _chip(facet: str, value: str) -> str:
    return f'button[data-facet="{facet}"][data-value="{value}"]'


ALL = [  # newest first, then by file name
    "Finch Bank",
    "Parcelway",
    "Northwind Health",
    "Lumen Pharmacy",
    "Harbor Freight",
    "Cobalt Credit Union",
    "Brightside Clinics",
]


def test_the_chips_shown_are_exactly_those_that_narrow_the_list(seven: Path, chromium) -> None:
    with serve_directory(seven) as base:
        page = chromium.new_page()
        page.goto(f"{base}/case-studies/")
        assert sorted(_visible(page)) == sorted(ALL)
        # Everyone shares the use case: that facet is no filter. Industries and stages each
        # hold several values, and none of them holds every study.
        assert _chips(page) == {
            "industry": [
                ("", "7", True, False),
                ("financial-services", "2", False, False),
                ("healthcare", "3", False, False),
                ("logistics", "2", False, False),
            ],
            "stage": [
                ("", "7", True, False),
                ("first-application", "4", False, False),
                ("several-teams", "2", False, False),
                ("company-standard", "1", False, False),
            ],
        }
        assert page.text_content("[data-portal-status]") == "Showing all 7 case studies."
        page.close()


def test_counts_say_what_pressing_each_chip_would_show(seven: Path, chromium) -> None:
    with serve_directory(seven) as base:
        page = chromium.new_page()
        page.goto(f"{base}/case-studies/")
        page.click(_chip("industry", "healthcare"))
        assert sorted(_visible(page)) == ["Brightside Clinics", "Lumen Pharmacy", "Northwind Health"]
        assert page.text_content("[data-portal-status]") == "Showing 3 of 7 case studies."
        assert page.get_attribute("[data-portal-status]", "aria-live") == "polite"
        chips = _chips(page)
        # Industry counts still answer "what if I chose this industry instead" (no stage chosen).
        assert chips["industry"] == [
            ("", "7", False, False),
            ("financial-services", "2", False, False),
            ("healthcare", "3", True, False),
            ("logistics", "2", False, False),
        ]
        # Stages now count healthcare studies only; no healthcare study is a company standard.
        assert chips["stage"] == [
            ("", "3", True, False),
            ("first-application", "2", False, False),
            ("several-teams", "1", False, False),
            ("company-standard", "0", False, True),
        ]
        page.click(_chip("stage", "company-standard"), force=True)  # marked, and does nothing
        assert sorted(_visible(page)) == ["Brightside Clinics", "Lumen Pharmacy", "Northwind Health"]
        assert page.url.endswith("/case-studies/?industry=healthcare")

        page.click(_chip("stage", "first-application"))
        assert sorted(_visible(page)) == ["Brightside Clinics", "Northwind Health"]
        assert page.url.endswith("/case-studies/?industry=healthcare&stage=first-application")
        assert page.text_content("[data-portal-status]") == "Showing 2 of 7 case studies."
        assert _chips(page)["industry"] == [
            ("", "4", False, False),
            ("financial-services", "1", False, False),
            ("healthcare", "2", True, False),
            ("logistics", "1", False, False),
        ]
        page.click(_chip("industry", ""))
        assert sorted(_visible(page)) == [
            "Brightside Clinics",
            "Cobalt Credit Union",
            "Harbor Freight",
            "Northwind Health",
        ]
        page.close()


def test_a_filtered_address_opens_filtered(seven: Path, chromium) -> None:
    with serve_directory(seven) as base:
        page = chromium.new_page()
        page.goto(f"{base}/case-studies/?industry=financial-services")
        assert _visible(page) == ["Finch Bank", "Cobalt Credit Union"]
        page.goto(f"{base}/case-studies/?industry=no-such-industry")  # unknown values are ignored
        assert len(_visible(page)) == 7
        # A shared address can combine choices that match nothing: say so, and offer the way back.
        page.goto(f"{base}/case-studies/?industry=logistics&stage=company-standard")
        assert _visible(page) == []
        assert page.is_visible("[data-portal-none]")
        page.click("[data-portal-clear]")
        assert len(_visible(page)) == 7
        assert not page.is_visible("[data-portal-none]")
        page.close()


def test_without_javascript_every_study_is_listed(seven: Path, chromium) -> None:
    with serve_directory(seven) as base:
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}/case-studies/")
        assert len(_visible(page)) == 7
        assert not page.is_visible("[data-portal-filters]")
        context.close()


def test_every_chip_is_reached_by_keyboard_with_visible_focus(seven: Path, chromium) -> None:
    with serve_directory(seven) as base:
        page = chromium.new_page()
        page.goto(f"{base}/case-studies/?industry=healthcare")  # so one chip is disabled
        chips = page.eval_on_selector_all(
            "button[data-facet]", "bs => bs.map(b => b.dataset.facet + '=' + b.dataset.value)"
        )
        page.focus(_chip("industry", ""))
        reached = []
        for _ in range(len(chips)):
            reached.append(
                page.evaluate(
                    """() => {
                      const b = document.activeElement, style = getComputedStyle(b);
                      return [b.dataset.facet + '=' + b.dataset.value, b.matches(':focus-visible'),
                              style.outlineStyle, parseFloat(style.outlineWidth)];
                    }"""
                )
            )
            page.keyboard.press("Tab")
        assert [r[0] for r in reached] == chips
        assert "stage=company-standard" in chips  # a chip that would show nothing stays reachable
        assert all(visible and style != "none" and width >= 2 for _, visible, style, width in reached[1:])
        page.close()


LOGO_BOXES = """async () => {
  const problems = [];
  for (const img of document.querySelectorAll('article img.portal-logo')) {
    img.loading = 'eager';
    try { await img.decode(); } catch (e) { problems.push(img.src + ': not loaded'); continue; }
    const box = img.getBoundingClientRect(), style = getComputedStyle(img);
    const px = name => parseFloat(style[name]) || 0;
    const width = box.width - px('paddingLeft') - px('paddingRight') - px('borderLeftWidth') - px('borderRightWidth');
    const height = box.height - px('paddingTop') - px('paddingBottom') - px('borderTopWidth') - px('borderBottomWidth');
    const natural = img.naturalWidth / img.naturalHeight;
    // The whole image is drawn: its box has the image's proportions, or contain fits it in.
    if (style.objectFit !== 'contain' && Math.abs(width / height - natural) > 0.02 * natural)
      problems.push(`${img.src}: box ${width}x${height} for an image of ratio ${natural}`);
    if (width < 8 || height < 8) problems.push(`${img.src}: shown ${width}x${height}`);
    for (const outer of [img.parentElement, img.closest('li, article')]) {
      const o = outer.getBoundingClientRect();
      if (box.left < o.left - 0.5 || box.right > o.right + 0.5 || box.top < o.top - 0.5 || box.bottom > o.bottom + 0.5)
        problems.push(`${img.src}: sticks out of its ${outer.tagName.toLowerCase()}`);
    }
    if (box.right > document.documentElement.clientWidth) problems.push(`${img.src}: past the window's edge`);
  }
  return problems;
}"""


def logo_problems(page) -> list[str]:
    """Logos on ``page`` that are cut, squeezed or stick out of their box (none is right)."""
    return list(page.evaluate(LOGO_BOXES))


def card_names(page, selector: str) -> list[str]:
    """The company each card of ``selector`` names in visible text ("" for a card without one)."""
    return page.eval_on_selector_all(
        selector,
        """cards => cards.map(c => { const n = c.querySelector('.portal-card-head__company');
                                    return n && n.offsetParent !== null ? n.textContent.trim() : ''; })""",
    )


# The colour of each pixel column of a PNG screenshot, between `top` and `bottom` rows of
# padding: the first pixel that is not the white backdrop, as [r, g, b], or null.
INK = """async ([data, top, bottom]) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const columns = [];
  for (let x = 0; x < image.width; x++) {
    let ink = null;
    for (let y = top; y < image.height - bottom && !ink; y++) {
      const i = (y * image.width + x) * 4;
      const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
      if (r < 200 || g < 200 || b < 200) ink = [r, g, b];
    }
    columns.push(ink);
  }
  return columns;
}"""


def _ink(page, selector: str) -> list[list[int] | None]:
    """Per pixel column, the ink of the image ``selector`` inside its padding, as drawn."""
    image = page.locator(selector)
    top, right, bottom, left = image.evaluate(
        "i => { const s = getComputedStyle(i); return [s.paddingTop, s.paddingRight, s.paddingBottom, s.paddingLeft]"
        ".map(p => Math.ceil(parseFloat(p))); }"
    )
    columns = page.evaluate(INK, [base64.b64encode(image.screenshot()).decode(), top, bottom])
    return list(columns[left : len(columns) - right])


def _reddish(c: list[int] | None) -> bool:
    return c is not None and c[0] > 180 and c[1] < 90 and c[2] < 90


def _bluish(c: list[int] | None) -> bool:
    return c is not None and c[2] > 180 and c[0] < 90 and c[1] < 90


@pytest.mark.parametrize("scheme", SCHEMES)
def test_logos_are_never_cut(seven: Path, chromium, scheme: str) -> None:
    with serve_directory(seven) as base:
        for viewport in VIEWPORTS:
            context = chromium.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            for path in ("case-studies/", "case-studies/finch-bank/", ""):
                page.goto(f"{base}/{path}")
                assert logo_problems(page) == [], (path, viewport)
            page.goto(f"{base}/case-studies/")
            page.evaluate("() => document.querySelectorAll('img.portal-logo').forEach(i => { i.loading = 'eager'; })")
            page.wait_for_load_state("networkidle")
            # A viewBox that does not fit its box: the whole drawing shows, both edge marks.
            wide = _ink(page, 'img.portal-logo[src$="northwind-health.svg"]')
            assert any(_bluish(c) for c in wide[:4]) and any(_reddish(c) for c in wide[-4:]), viewport
            # Finch Bank's name ends before the logo's right edge: nothing of it is cut.
            finch = _ink(page, 'img.portal-logo[src$="finch-bank.svg"]')
            assert finch[-3:] == [None, None, None], viewport
            # Dark ink stays readable in the dark scheme: logos sit on a light plate.
            plate = page.eval_on_selector("img.portal-logo", "i => getComputedStyle(i).backgroundColor")
            assert plate == ("rgb(255, 255, 255)" if scheme == "dark" else "rgba(0, 0, 0, 0)")
            context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1440", "390"])
def test_case_study_pages_are_accessible_and_fit(seven: Path, built, chromium, scheme: str, viewport) -> None:
    axe = axe_source()
    SCREENSHOTS.mkdir(exist_ok=True)
    size = viewport["width"]
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        for path, name in (("case-studies/", "case-studies"), ("case-studies/finch-bank/", "case-study")):
            page.goto(f"{base}/{path}")
            page.wait_for_load_state("networkidle")
            assert serious_violations(page, axe) == [], f"{path} {size} {scheme}"
            assert sideways_overflow(page) == 0, f"{path} {size} {scheme}"
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}-{scheme}.png"), full_page=True)
        context.close()
    with serve_directory(seven) as base:
        context = chromium.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{base}/case-studies/")
        page.wait_for_load_state("networkidle")
        assert card_names(page, ".portal-study-card") == ALL  # every card names its company
        assert serious_violations(page, axe) == [], f"filters {size} {scheme}"
        assert sideways_overflow(page) == 0
        # After pressing filters, with a chip that would show nothing.
        page.click(_chip("industry", "healthcare"))
        page.click(_chip("stage", "first-application"))
        assert page.get_attribute(_chip("stage", "company-standard"), "aria-disabled") == "true"
        assert serious_violations(page, axe) == [], f"filtered {size} {scheme}"
        assert sideways_overflow(page) == 0
        page.screenshot(path=str(SCREENSHOTS / f"case-studies-filtered-{size}-{scheme}.png"), full_page=True)
        context.close()
