"""Case studies: the model, the pages, "Used by", every mistake at its line, and the
index's filters in real Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import serve_directory

from conftest import ROOT, copy_demo, run_portal
from portal_gen.checks.svg import sanitize_svg
from portal_gen.config import PortalConfig
from portal_gen.engine.project import load_project
from portal_gen.errors import Location, PortalError
from portal_gen.model.case_studies import Metric

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


def test_the_index_lists_every_study_with_its_facets(built) -> None:
    page = _article(built("demo") / "case-studies" / "index.html")
    cards = re.findall(
        r'<li class="portal-study-card" data-industry="([^"]+)" data-use-case="([^"]+)" data-stage="([^"]+)"', page
    )
    assert cards == [
        ("financial-services", "one-time-passcodes-and-fraud-alerts", "company-standard"),
        ("logistics", "delivery-notifications", "several-teams"),
        ("healthcare", "appointment-reminders", "first-application"),
    ]
    # Without JavaScript the filters stay hidden and every study is listed.
    assert '<div class="portal-filters" data-portal-filters hidden>' in page
    stages = re.findall(r'data-facet="stage" data-value="([^"]*)"', page)
    assert stages == ["", "first-application", "several-teams", "company-standard"]


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


# -- the filters, in real Chromium ---------------------------------------------------------


def _visible(page) -> list[str]:
    return page.eval_on_selector_all(
        ".portal-study-card",
        "cards => cards.filter(c => !c.hidden).map(c => c.querySelector('.portal-study-card__company').textContent)",
    )


def test_clicking_a_filter_shows_exactly_the_matching_studies(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        page = chromium.new_page()
        page.goto(f"{base}/case-studies/")
        assert _visible(page) == ["Finch Bank", "Parcelway", "Brightside Clinics"]
        assert page.is_visible("[data-portal-filters]")

        page.click('button[data-facet="stage"][data-value="several-teams"]')
        assert _visible(page) == ["Parcelway"]
        assert page.get_attribute('button[data-facet="stage"][data-value="several-teams"]', "aria-pressed") == "true"
        assert page.get_attribute('button[data-facet="stage"][data-value=""]', "aria-pressed") == "false"
        assert page.text_content("[data-portal-status]") == "Showing 1 of 3 case studies."
        assert page.url.endswith("/case-studies/?stage=several-teams")

        # Facets combine: logistics at "several teams" still matches; healthcare does not.
        page.click('button[data-facet="industry"][data-value="logistics"]')
        assert _visible(page) == ["Parcelway"]
        page.click('button[data-facet="industry"][data-value="healthcare"]')
        assert _visible(page) == []
        assert page.is_visible("[data-portal-none]")

        page.click("[data-portal-clear]")
        assert _visible(page) == ["Finch Bank", "Parcelway", "Brightside Clinics"]
        assert page.text_content("[data-portal-status]") == "Showing all 3 case studies."
        assert not page.is_visible("[data-portal-none]")

        page.click('button[data-facet="use-case"][data-value="appointment-reminders"]')
        assert _visible(page) == ["Brightside Clinics"]
        page.close()


def test_a_filtered_address_opens_filtered(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        page = chromium.new_page()
        page.goto(f"{base}/case-studies/?industry=financial-services")
        assert _visible(page) == ["Finch Bank"]
        page.goto(f"{base}/case-studies/?industry=no-such-industry")  # unknown values are ignored
        assert _visible(page) == ["Finch Bank", "Parcelway", "Brightside Clinics"]
        page.close()


def test_without_javascript_every_study_is_listed(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}/case-studies/")
        assert _visible(page) == ["Finch Bank", "Parcelway", "Brightside Clinics"]
        assert not page.is_visible("[data-portal-filters]")
        context.close()
