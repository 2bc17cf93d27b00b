"""The generated home page: sensible from the spec alone, configurable in mkdocs.yml,
replaced by the user's own index.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import SCREENSHOTS, axe_source, serious_violations, serve_directory, sideways_overflow
from test_case_studies import SCHEMES, VIEWPORTS, card_names, logo_problems

from conftest import copy_demo, run_portal
from portal_gen.config import PortalConfig
from portal_gen.engine.project import load_project
from portal_gen.errors import PortalError


def _article(site: Path, page: str = "index.html") -> str:
    html = (site / page).read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


def _links(article: str) -> list[tuple[str, str]]:
    return re.findall(r'<li><p><a href="([^"]+)"><strong>([^<]+)</strong></a></p>', article)


def test_the_demo_home_leads_to_a_first_call_and_shows_proof(built) -> None:
    home = _article(built("demo"))
    assert '<h1 id="relay-developers">Relay Developers</h1>' in home
    assert "Relay sends and receives SMS and MMS in 190+ countries with one HTTP API" in home  # home.tagline
    assert '<a class="md-button md-button--primary" href="quickstarts/send-your-first-message/">' in home
    # The quickstart's first call itself, in every language, linked to its reference page.
    assert 'step 2 of 3: <span class="portal-method portal-method--post">POST</span> ' in home
    assert '<a href="reference/messages/send-message/">Send a message</a>' in home
    labels = re.findall(r'<label for="__tabbed_90_\d">([^<]+)</label>', home)
    assert labels == ["curl", "Python", "JavaScript", "Go", "Java", "Ruby", "PHP"]
    assert "https://api.relay.example/v1/messages" in home
    # What the first call costs a newcomer, and what portal check --record measured.
    assert "<dt>Time to first call</dt><dd>8 lines of curl and about 1 min of reading" in home
    assert re.search(
        r"<dt>Verified</dt><dd class=\"portal-verified\">\d{4}-\d\d-\d\d, in 7 languages: the first call ran in", home
    )
    assert '<strong>Python</strong> <span class="portal-meta">Python 3.9+ and requests</span>' in home
    # Customers' numbers, one study per adoption stage, in stage order.
    featured = re.findall(r'portal-metric__figure">([^<]+)</span>.*?<a href="([^"]+)">', home, re.S)
    assert featured == [
        ("-38%", "case-studies/brightside-clinics/"),
        ("-27%", "case-studies/parcelway/"),
        ("1.9 s", "case-studies/finch-bank/"),
    ]
    # Each card names its company in text; the logo beside the name is decoration.
    assert re.findall(
        r'<img class="portal-logo" src="([^"]+)" alt=""[^>]*> <span class="portal-card-head__company">([^<]+)', home
    ) == [
        ("case-studies/logos/brightside-clinics.svg", "Brightside Clinics"),
        ("case-studies/logos/parcelway.png", "Parcelway"),
        ("case-studies/logos/finch-bank.svg", "Finch Bank"),
    ]
    assert _links(home) == [
        ("quickstarts/send-your-first-message/", "Quickstart"),
        ("reference/", "API reference"),
        ("pricing/", "Pricing"),
        ("case-studies/", "Case studies"),
        ("reference/authentication/", "Authentication"),
        ("reference/webhooks/", "Webhooks"),
    ]
    assert "Start free, then pay as you grow." in home


def test_the_home_page_is_first_in_the_navigation(built) -> None:
    html = (built("demo") / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    titles = re.findall(
        r'<a href="[^"]*" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*([^<]+?)\s*</span>', nav
    )
    assert titles[0] == "Home"
    assert titles.index("Send your first message") < titles.index("Pricing") < titles.index("API reference")
    assert "<title>Relay Developers</title>" in html


def test_the_home_page_is_configurable(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    old = text[text.index("      home:\n") : text.index("no contracts.\n") + len("no contracts.\n")]
    config.write_text(
        text.replace(
            old,
            "      home:\n"
            "        title: Build with Relay\n"
            "        tagline: Texts that *arrive*.\n"
            "        quickstart: paginate-message-history\n"
            "        case_studies: [finch-bank]\n"
            "        links:\n"
            "          - {title: Status, url: 'https://status.relay.example', text: Uptime and incidents}\n"
            "          - {title: Pricing, url: pricing.md#calculator}\n",
        ),
        encoding="utf-8",
    )
    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    home = _article(demo / "site")
    assert '<h1 id="build-with-relay">Build with Relay</h1>' in home
    assert '<p class="portal-hero__tagline">Texts that <em>arrive</em>.</p>' in home
    assert 'href="tutorials/paginate-message-history/">Make your first call</a>' in home
    assert re.findall(r'<a href="(case-studies/[^"]+/)">', home) == ["case-studies/finch-bank/"]
    assert _links(home) == [("https://status.relay.example", "Status"), ("pricing/#calculator", "Pricing")]
    assert "<p>Uptime and incidents</p>" in home


@pytest.mark.parametrize(
    ("home", "expected"),
    [
        (
            "      home: {quickstart: send-first-message}\n",
            "mkdocs.yml:42:14: home.quickstart names no guide: 'send-first-message'\n"
            "  hint: quickstarts: send-your-first-message",
        ),
        (
            "      home:\n        case_studies: [finch, parcelway]\n",
            "mkdocs.yml:43:24: home.case_studies names no case study: 'finch'\n"
            "  hint: case studies: brightside-clinics, finch-bank, parcelway",
        ),
        (
            "      home:\n        tagline: Hi\n        taglines: Hello\n",
            "mkdocs.yml:44:9: unknown field 'taglines'\n  hint: did you mean 'tagline'?",
        ),
        (
            "      home:\n        links: [{title: Status}]\n",
            "mkdocs.yml:43:17: missing required field 'url' in links.0",
        ),
    ],
    ids=["quickstart", "case-study", "unknown-option", "link"],
)
def test_home_options_are_checked_at_their_line_in_mkdocs_yml(tmp_path: Path, home: str, expected: str) -> None:
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    old = text[text.index("      home:\n") : text.index("no contracts.\n") + len("no contracts.\n")]
    config.write_text(text.replace(old, home), encoding="utf-8")
    with pytest.raises(PortalError) as caught:
        load_project(PortalConfig(project_dir=demo, home=_plugin_option(config, "home")))
    assert caught.value.format() == expected
    result = run_portal("build", cwd=demo)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def _plugin_option(config: Path, name: str) -> object:
    """The portal plugin's option as MkDocs would read it."""
    import yaml

    plugins = yaml.safe_load(config.read_text(encoding="utf-8"))["plugins"]
    return next(p["portal"] for p in plugins if isinstance(p, dict) and "portal" in p)[name]


def test_without_configuration_the_home_page_comes_from_the_spec(project) -> None:
    root = project("petstore30")
    (root / "content" / "index.md").unlink()
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    home = _article(root / "site")
    assert '<a class="md-button" href="reference/">API reference</a>' in home
    assert "Make your first call" not in home  # no quickstart yet
    assert "portal-featured" not in home and "Pricing" not in home
    assert _links(home) == [("reference/", "API reference"), ("reference/authentication/", "Authentication")]


def test_a_hand_written_index_replaces_the_home_page(built) -> None:
    home = _article(built("petstore30"))
    assert "portal-hero" not in home


# -- in real Chromium -----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1440", "390"])
def test_the_home_page_is_accessible_fits_and_names_every_customer(built, chromium, scheme: str, viewport) -> None:
    axe = axe_source()
    SCREENSHOTS.mkdir(exist_ok=True)
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{base}/")
        page.wait_for_load_state("networkidle")
        assert card_names(page, ".portal-featured__item") == ["Brightside Clinics", "Parcelway", "Finch Bank"]
        assert logo_problems(page) == []
        assert serious_violations(page, axe) == []
        assert sideways_overflow(page) == 0
        page.screenshot(path=str(SCREENSHOTS / f"home-{viewport['width']}-{scheme}.png"), full_page=True)
        context.close()
