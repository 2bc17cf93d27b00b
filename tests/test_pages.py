"""Every page kind of the demo as a reader meets it, in real headless Chromium: no
serious accessibility violation (axe-core) in either colour scheme, no sideways scroll
on a phone, the operation page's two panes, the authentication page's examples.

Screenshots of each page kind at both widths and in both schemes go to ``.screenshots/``
(not committed) for review."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import SCREENSHOTS, axe_source, serious_violations, serve_directory, sideways_overflow

PAGE_KINDS = {
    "home": "",
    "quickstart": "quickstarts/send-your-first-message/",
    "tutorial": "tutorials/receive-delivery-webhooks/",
    "reference-landing": "reference/",
    "tag": "reference/messages/",
    "operation": "reference/messages/send-message/",
    "model": "reference/models/message/",
    "webhook": "reference/webhooks/message-delivered/",
    "authentication": "reference/authentication/",
    "pricing": "pricing/",
    "changelog": "changelog/",
    "operation-with-badges": "reference/messages/search-messages/",
    "case-studies": "case-studies/",
    "case-study": "case-studies/finch-bank/",
    "404": "404.html",
}
WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SEND = "reference/messages/send-message/"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
def test_every_page_kind_is_accessible_and_fits(built, chromium, scheme: str, viewport: dict[str, int]) -> None:
    axe = axe_source()
    site = built("demo")
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    with serve_directory(site) as base:
        context = chromium.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        for kind, path in PAGE_KINDS.items():
            page.goto(f"{base}/{path}")
            page.wait_for_load_state("networkidle")
            # The palette follows the system setting (Material's palette feature).
            expected = "slate" if scheme == "dark" else "default"
            assert page.get_attribute("body", "data-md-color-scheme") == expected, kind
            height = page.evaluate("document.documentElement.scrollHeight")
            page.screenshot(path=SCREENSHOTS / f"{kind}-{viewport['width']}-{scheme}.png", full_page=height < 12000)
            overflow = sideways_overflow(page)
            if overflow:
                problems.append(f"{kind}: scrolls {overflow}px sideways")
            problems += [f"{kind}: {v}" for v in serious_violations(page, axe)]
        context.close()
    assert problems == []


def test_the_colour_scheme_toggle_switches_and_is_remembered(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport=WIDE, color_scheme="light")
        page = context.new_page()
        page.goto(f"{base}/{SEND}")
        assert page.get_attribute("body", "data-md-color-scheme") == "default"
        page.locator("label[title='Switch to dark mode']").click()
        assert page.get_attribute("body", "data-md-color-scheme") == "slate"
        page.goto(f"{base}/pricing/")
        assert page.get_attribute("body", "data-md-color-scheme") == "slate"
        context.close()


def test_the_operation_page_has_a_sticky_example_column(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport=WIDE)
        page = context.new_page()
        page.goto(f"{base}/{SEND}")
        column = page.locator(".portal-operation__example")
        intro = page.locator(".portal-operation__intro").bounding_box()
        box = column.bounding_box()
        assert intro and box
        assert box["width"] >= 560 and box["x"] >= intro["x"] + intro["width"]
        # Every language tab is in view: none hides behind a scroll arrow.
        labels = page.locator(".portal-snippets .tabbed-labels").first
        assert labels.evaluate("el => el.scrollWidth <= el.clientWidth")
        names = labels.locator("label").all_inner_texts()
        assert names == ["curl", "Python", "JavaScript", "Go", "Java", "Ruby", "PHP"]
        for label in labels.locator("label").all():
            assert label.is_visible()
            tab = label.bounding_box()
            assert tab and tab["x"] + tab["width"] <= box["x"] + box["width"] + 0.5
        # Sticky: far down the page the example is still in view, below the header.
        page.evaluate("window.scrollTo(0, 2500)")
        stuck = column.bounding_box()
        assert stuck and 0 < stuck["y"] < 200
        assert column.evaluate("el => getComputedStyle(el).position") == "sticky"
        # "Send a message" fits in 6,000 px at 1440 px.
        assert page.evaluate("document.documentElement.scrollHeight") <= 6000
        context.close()


def test_below_1220_px_the_example_follows_the_description(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/{SEND}")
        intro = page.locator(".portal-operation__intro").bounding_box()
        example = page.locator(".portal-operation__example").bounding_box()
        details = page.locator(".portal-operation__details").bounding_box()
        assert intro and example and details
        assert intro["y"] + intro["height"] <= example["y"] + 1 < details["y"]
        assert abs(example["x"] - intro["x"]) < 1
        context.close()


def test_responses_switch_by_status_and_errors_are_listed_once(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport=WIDE)
        page = context.new_page()
        page.goto(f"{base}/{SEND}")
        responses = page.locator(".portal-responses")
        labels = responses.locator(".tabbed-labels label").all_inner_texts()
        assert labels == ["202", "400", "401", "409", "429"]
        assert responses.locator(".tabbed-block").nth(0).is_visible()
        assert "msg_" in responses.locator(".tabbed-block").nth(0).inner_text()
        responses.locator(".tabbed-labels label", has_text="409").click()
        shown = responses.locator(".tabbed-block").nth(3)
        assert shown.is_visible() and not responses.locator(".tabbed-block").nth(0).is_visible()
        assert "409 Conflict" in shown.inner_text() and '"type"' in shown.inner_text()
        # The errors are one table row each, linking the Error model, not four trees.
        rows = page.locator("table.portal-errors tbody tr")
        assert rows.count() == 4
        for row in rows.all():
            assert row.locator("a", has_text="Error").get_attribute("href").endswith("models/error/")
        assert page.locator("#response-409").evaluate("el => el.tagName") == "TR"
        assert page.locator("#response-400, #response-401, #response-409, #response-429").count() == 4
        assert page.locator(".portal-operation__details h3", has_text="Bad Request").count() == 0
        context.close()


def test_the_full_url_is_shown_and_copied(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport=WIDE)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(f"{base}/{SEND}")
        assert page.inner_text("#endpoint-url") == "https://api.relay.example/v1/messages"
        button = page.get_by_role("button", name="Copy the URL of Send a message")
        button.click()
        assert page.evaluate("navigator.clipboard.readText()") == "https://api.relay.example/v1/messages"
        context.close()


def test_collapsibles_are_plain_disclosure_widgets(built, chromium) -> None:
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport=WIDE)
        page = context.new_page()
        page.goto(f"{base}/{SEND}")
        details = page.locator("details.portal-nested").first
        style = details.evaluate(
            """el => { const s = getComputedStyle(el), t = getComputedStyle(el.querySelector('summary'), '::before');
                       return [s.boxShadow, s.borderTopWidth, s.backgroundColor, t.content]; }"""
        )
        assert style[0] == "none" and style[1] == "0px" and style[3] in ("none", "normal")
        assert style[2] in ("rgba(0, 0, 0, 0)", "transparent")  # no tinted admonition box
        summary = details.locator("summary")
        was_open = details.evaluate("el => el.open")
        summary.click()
        assert details.evaluate("el => el.open") != was_open
        context.close()


def test_every_control_is_reached_by_keyboard_with_a_visible_focus(built, chromium) -> None:
    """Tab through the operation page: every link, button and disclosure widget of the
    content is reached, each with a visible outline, and each tab strip (its radios
    show their focus on the strip, as the theme draws it)."""
    with serve_directory(built("demo")) as base:
        context = chromium.new_context(viewport=WIDE)
        page = context.new_page()
        page.goto(f"{base}/{SEND}")
        page.wait_for_load_state("networkidle")
        page.evaluate(
            """() => document.addEventListener('focusin', event => {
                 const el = event.target, s = getComputedStyle(el);
                 el.dataset.seen = (el.type === 'radio' || (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                   || s.boxShadow !== 'none') ? 'visible' : 'invisible';
               })"""
        )
        # Start at the content's first control (the "Copy page" button, above the title).
        page.evaluate("document.querySelector('.md-content :is(a[href], button:not([hidden]), summary)').focus()")
        for _ in range(400):
            page.keyboard.press("Tab")
            if not page.evaluate("!!(document.activeElement && document.activeElement.closest('.md-content'))"):
                break
        missed, invisible, strips = page.evaluate(
            """() => {
              const controls = [...document.querySelectorAll('.md-content :is(a[href], summary, button:not([hidden]))')]
                .filter(el => el.checkVisibility() && el.tabIndex >= 0);
              const name = el => el.tagName + ' ' + (el.getAttribute('href') || el.textContent.trim().slice(0, 40));
              return [controls.filter(el => !el.dataset.seen).map(name),
                      [...document.querySelectorAll('[data-seen="invisible"]')].map(name),
                      [...document.querySelectorAll('.md-content .tabbed-set')]
                        .filter(set => !set.querySelector('input[data-seen]')).length];
            }"""
        )
        assert missed == [] and invisible == [] and strips == 0
        context.close()


def test_the_authentication_page_speaks_like_the_snippets(built) -> None:
    html = (Path(built("demo")) / "reference" / "authentication" / "index.html").read_text()
    content = html[html.index('<article class="md-content__inner') :]
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)<', content)
    assert headings == [("bearer-auth", "Bearer token (API key)"), ("basic-auth", "HTTP Basic")]
    assert "$TOKEN" not in content and "$USERNAME" not in content
    assert "RELAY_API_KEY" in content and "RELAY_ACCOUNT_SID" in content and "RELAY_AUTH_TOKEN" in content
    # Each example is a real operation in every language, not the bare base URL.
    assert content.count('class="tabbed-set tabbed-alternate portal-snippets"') == 2
    assert "https://api.relay.example/v1/usage" in content
    assert "curl --fail-with-body -sS 'https://api.relay.example/v1' " not in content
    # The operation pages name schemes the same way.
    send = (Path(built("demo")) / SEND / "index.html").read_text()
    assert ">Bearer token (API key)</a>" in send and ">bearerAuth</a>" not in send
