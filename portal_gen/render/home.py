"""Render the home page (pure): the one-sentence pitch, the first call in every language
with what it costs a newcomer, the languages, customers' numbers, and where to go next."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2

from ..config import PortalConfig
from ..gate.verify import first_call_cost, guide_requests
from ..model.case_studies import CaseStudy
from ..model.guides import Guide
from ..model.home import Home, HomeLink
from ..model.pricing import Pricing
from ..plan.paths import CASE_STUDY_INDEX as INDEX_PAGE
from ..plan.paths import HOME_PAGE, PRICING_PAGE
from ..plan.reference import Plan, relative_url
from ..snippets.languages import LANGUAGES
from ..snippets.request import HttpRequest
from .case_studies import logo_url
from .guide import GuideRenderer, Verified
from .html import extract_toc
from .page import RenderedPage
from .twin import twin_links
from .twin_content import FirstCallShown, home_twin
from .urls import relative_link, safe_url

# A URL with a scheme, or a network-path one (//host; browsers read \\ as //).
_ABSOLUTE = re.compile(r"^[a-z][a-z0-9+.-]*:|^[/\\]{2}", re.I | re.A)


def render_home(
    home: Home,
    env: jinja2.Environment,
    config: PortalConfig,
    plan: Plan,
    guide_renderer: GuideRenderer,
    studies: tuple[CaseStudy, ...],
    pricing: Pricing | None,
    hand_quickstarts: tuple[tuple[str, str], ...] = (),
) -> RenderedPage:
    """The home page (``index.md``)."""
    page = HOME_PAGE

    def url(path: str) -> str:
        if _ABSOLUTE.match(path):
            return path
        target, _, anchor = path.partition("#")
        return relative_link(relative_url(page, target.lstrip("/"), config.directory_urls, anchor or None))

    def link_url(address: str) -> str | None:
        """A home link's URL: a page of the site, a URL the policy keeps, or ``None``
        (shown as text; see :mod:`.urls`)."""
        cleaned = safe_url(address)
        return None if cleaned is None else url(cleaned)

    snippets = guide_renderer.snippets
    api = snippets.api
    guide = guide_renderer.by_id.get(home.quickstart) if home.quickstart else None
    first = ttfc = None
    quickstart: tuple[str, str] | None = None
    if guide is not None:
        quickstart = (guide.title, url(guide.page))
        step = guide.first_call
        if step is not None:
            requests = guide_requests(snippets, guide)
            first = guide_renderer.step_view(step, requests[step.number - 1], url, keep=False)
            ttfc = _time_to_first_call(guide, guide_renderer, requests, guide_renderer.verified.get(guide.id))
    elif hand_quickstarts:
        quickstart = (hand_quickstarts[0][0], url(hand_quickstarts[0][1]))
    by_id = {s.id: s for s in studies}
    featured = [(by_id[i], url(by_id[i].page)) for i in home.featured if i in by_id]
    links = home.links if home.links is not None else _default_links(guide, plan, studies, pricing)
    languages = [(LANGUAGES[lang].label, LANGUAGES[lang].uses) for lang in snippets.languages if lang in LANGUAGES]
    context = {
        "home": home,
        "api": api,
        "quickstart": quickstart,
        "guide": guide,
        "first": first,
        "ttfc": ttfc,
        "reference_url": url(plan.pages[0].path),
        "languages": languages,
        "featured": featured,
        "logo_url": logo_url(page, config),
        "case_studies_url": url(INDEX_PAGE) if studies else None,
        "links": [(link.title, link_url(link.url), link.text) for link in links],
        "seconds": _seconds,
    }
    body = env.get_template("home/home.html").render(context).strip() + "\n"
    twin = None
    if config.twins:
        quickstarts = sorted(
            [(g.title, g.page, g.summary) for g in guide_renderer.guides if g.kind == "quickstart"]
            + [(title, path, "") for title, path in hand_quickstarts],
            key=lambda q: q[1],
        )
        twin = home_twin(
            home,
            api=api,
            links=twin_links(config),
            operation_paths=plan.operation_paths,
            quickstart=(quickstart[0], guide.page if guide else hand_quickstarts[0][1]) if quickstart else None,
            first=FirstCallShown(guide, first, _first_call_facts(ttfc)) if guide and first and ttfc else None,
            quickstarts=quickstarts,
            languages=languages,
            featured=[study for study, _ in featured],
            case_studies=bool(studies),
            explore=links,
        )
    return RenderedPage(page, "Home", body, extract_toc(body), "home", twin=twin)


def _first_call_facts(ttfc: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """What the home page says of the first call, as (name, text) pairs for its twin."""
    facts = []
    cost = ttfc["cost"]
    if cost is not None:
        said = f"{cost.lines} line{'s' if cost.lines != 1 else ''} of {ttfc['label']}"
        if cost.reading_seconds:
            said += f" and about {((cost.reading_seconds + 30) // 60) or 1} min of reading"
        minutes = ttfc["minutes"]
        if minutes:
            said += f"; the whole quickstart takes about {minutes} minute{'s' if minutes != 1 else ''}"
        facts.append(("Time to first call", said))
    fastest, slowest, count = ttfc["fastest"], ttfc["slowest"], ttfc["languages"]
    if fastest:
        said = f"{ttfc['verified'].date}, in {count} language{'s' if count != 1 else ''}: "
        said += f"the first call ran in {_seconds(fastest[0])} ({fastest[1]})"
        if slowest:
            said += f" to {_seconds(slowest[0])} ({slowest[1]})"
        facts.append(("Verified", said))
    return tuple(facts)


def _time_to_first_call(
    guide: Guide, renderer: GuideRenderer, requests: tuple[HttpRequest | None, ...], verified: Verified | None
) -> dict[str, object]:
    """What the first call costs a newcomer, in the first language: steps, lines and
    reading; and, once ``portal check --record`` ran, how long the calls took."""
    languages = renderer.languages
    lang = languages[0] if languages else ""
    cost = first_call_cost(renderer.snippets, guide, lang, requests) if lang else None
    measured: list[tuple[float, str]] = []
    if verified is not None:
        for name, record in verified.languages.items():
            seconds = record.get("seconds") if isinstance(record, Mapping) else None
            if isinstance(seconds, (int, float)) and name in LANGUAGES:
                measured.append((float(seconds), LANGUAGES[name].label))
    measured.sort()
    return {
        "label": LANGUAGES[lang].label if lang in LANGUAGES else lang,
        "cost": cost,
        "step": guide.first_call,
        "steps": len(guide.steps),
        "minutes": guide.minutes,
        "verified": verified,
        "fastest": measured[0] if measured else None,
        "slowest": measured[-1] if len(measured) > 1 else None,
        "languages": len(measured),
    }


def _default_links(
    guide: Guide | None, plan: Plan, studies: tuple[CaseStudy, ...], pricing: Pricing | None
) -> tuple[HomeLink, ...]:
    """Quickstart, reference, pricing, case studies, authentication and webhooks: those
    the site has."""
    links = []
    if guide is not None:
        links.append(HomeLink("Quickstart", guide.page, guide.summary))
    links.append(
        HomeLink("API reference", plan.pages[0].path, "Every operation, model and webhook, with code in your language.")
    )
    if pricing is not None:
        free = next((p for p in pricing.plans if p.price == 0), None)
        if free is None:
            text = "Plans, rates and a cost calculator."
        elif free.name.lower() == "free":
            text = "Start free, then pay as you grow. Work out your bill with the calculator."
        else:
            text = f"Start free on the {free.name} plan, then pay as you grow."
        links.append(HomeLink("Pricing", PRICING_PAGE, text))
    if studies:
        links.append(HomeLink("Case studies", INDEX_PAGE, "What teams built with it, with their numbers."))
    kinds = {p.kind: p.path for p in plan.pages}
    if "authentication" in kinds:
        links.append(HomeLink("Authentication", kinds["authentication"], "Credentials, and how each call sends them."))
    if "webhooks" in kinds:
        links.append(HomeLink("Webhooks", kinds["webhooks"], "The events the API sends to you."))
    return tuple(links)


def _seconds(value: float) -> str:
    """A measured duration for people: 0.04 s, 2.4 s, 12 s."""
    return f"{value:.2g} s" if value < 10 else f"{value:.0f} s"
