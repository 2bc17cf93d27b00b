"""Markdown twins of the content pages: quickstarts and tutorials, the home page,
pricing, the case-study index and each case study (pure).

Each renderer gathers what its HTML page shows and hands it here; these functions write
the same facts as Markdown with :mod:`.twin`'s writers: a guide's steps with their code
in every language the page shows (the text a reader copies, capture lines included),
plans and rates as tables with exact prices, customers' numbers as tables. Links are
absolute and lead to other twins (:class:`~.twin.TwinLinks`); an author's Markdown keeps
its own links, made absolute by :func:`absolute_links`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..gate.verify import FirstCall
from ..model.api import Api, Operation
from ..model.case_studies import STAGES, CaseStudy
from ..model.guides import Guide
from ..model.home import Home, HomeLink
from ..model.pricing import Example, Plan, Pricing, Rate, Tier, count_of
from ..model.pricing_math import Quote, format_money
from ..plan.paths import CASE_STUDY_INDEX, HOME_PAGE, PRICING_PAGE
from .twin import (
    TwinLinks,
    absolute_links,
    code,
    document,
    fence,
    link,
    prose,
    resolve_url,
    table,
    text,
    twin_facts,
)
from .urls import safe_url, url_scheme


@dataclass(frozen=True)
class CodeBlock:
    """One language's code of a guide step, as its tab on the page shows it: the code
    a reader copies, and the shell lines that run it and keep its captures ("" when
    the code keeps them itself)."""

    label: str  # curl, Python
    language: str  # the fence's language (the highlighter's lexer): bash, python
    code: str
    run: str = ""


# -- links in an author's Markdown ----------------------------------------------------


def _site_link(address: str, links: TwinLinks) -> str | None:
    """Where a link a content file gives for the site (a page's Markdown path from the
    site's root, or a full URL) leads in a twin; ``None``: shown as text (see
    :mod:`.urls`)."""
    cleaned = safe_url(address)
    if cleaned is None or url_scheme(cleaned) is not None or cleaned.startswith(("//", "\\\\")):
        return cleaned
    path, _, anchor = cleaned.lstrip("/").partition("#")
    if not path or path.endswith("/"):
        path += "index.md"
    if path.endswith(".md"):
        return links.page(path, anchor or None)
    return links.file(path) + (f"#{anchor}" if anchor else "")


def _maybe_link(title: str, url: str | None) -> str:
    return link(title, url) if url else text(title)


def _inline(markdown: str, page: str, links: TwinLinks) -> str:
    """One line of an author's Markdown (``| inline`` on the page), links absolute."""
    return " ".join(absolute_links(markdown, page, links).split())


def _prose(markdown: str | None, page: str, links: TwinLinks, level: int = 1) -> str:
    return prose(markdown, level, page, links)


def _facts(pairs: Iterable[tuple[str, str]]) -> str:
    """``- **Name:** value`` lines (values are Markdown already)."""
    return "\n".join(f"- **{text(name)}:** {value}" for name, value in pairs if value)


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _heading(level: int, title: str) -> str:
    return f"{'#' * level} {text(title)}"


def _facts_line(api: Api | None, fallback: str, page: str, links: TwinLinks) -> str:
    if api is None:
        return twin_facts(fallback, "", links.html(page))
    return twin_facts(api.title, api.version, links.html(page))


def _operation_link(op: Operation, operation_paths: Mapping[str, str], links: TwinLinks) -> str:
    path = operation_paths.get(op.key)
    shown = link(op.title, links.page(path)) if path else text(op.title)
    return f"{code(op.method.upper())} {shown}"


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def code_blocks(blocks: Iterable[CodeBlock]) -> str:
    """Each language's code under its name, as fenced blocks; a program run by the
    reader's shell is followed by the lines that run it and keep its output."""
    parts = []
    for block in blocks:
        parts.append(f"**{text(block.label)}**\n\n{fence(block.code, block.language)}")
        if block.run:
            parts.append(f"Run it, keeping the output in {code('response.json')}:\n\n{fence(block.run, 'bash')}")
    return "\n\n".join(parts)


# -- guides ---------------------------------------------------------------------------


def guide_twin(
    guide: Guide,
    steps: Sequence[Mapping[str, Any]],
    *,
    api: Api,
    links: TwinLinks,
    operation_paths: Mapping[str, str],
    guides: Mapping[str, Guide],
    costs: Sequence[tuple[str, str, FirstCall]],
    ran: Mapping[str, str],
    verified: tuple[str, str] | None,
    setup_lines: Sequence[str],
    how_to_run: Sequence[tuple[str, str]],
    used_by: Sequence[CaseStudy],
) -> str:
    """A quickstart's or tutorial's twin: what it builds and needs, then each step with
    its prose, the operation it calls, its code in every language the page shows and
    the output to expect, then where to go next.

    ``steps``: the page's step views (:meth:`GuideRenderer.step_view`); ``costs``:
    (language, label, cost) of the first call; ``ran``: measured run time by language
    ("" when not measured); ``verified``: (date, API version) of the last recorded run;
    ``how_to_run``: (label, Markdown) per language."""
    page = guide.page
    blocks: list[str] = [_prose(guide.summary, page, links)]
    first_call = ""
    if guide.first_call is not None and costs:
        lang, label, cost = costs[0]
        first_call = (
            f"step {guide.first_call.number} of {len(guide.steps)}, after {cost.lines} "
            f"line{'s' if cost.lines != 1 else ''} of {text(label)}"
        )
        if ran.get(lang):
            first_call += f"; it ran in {text(ran[lang])}"
    version = ""
    if verified is not None:
        date, spec_version = verified
        version = f"{text(date)} against API version {code(spec_version)}"
        if spec_version != api.version:
            version += f" (the spec is now {code(api.version)})"
    blocks.append(
        _facts(
            [
                ("You will build", _inline(guide.builds, page, links)),
                ("Time", f"about {guide.minutes} min" if guide.minutes else ""),
                ("For", _inline(guide.audience, page, links)),
                ("First call", first_call),
                ("Verified", version),
            ]
        )
    )
    if used_by:
        named = [f"{link(s.company, links.page(s.page))} ({text(s.use_case.lower())})" for s in used_by]
        blocks.append(f"Used by {_and(named)}.")
    if guide.prerequisites or setup_lines or how_to_run:
        blocks.append("## Before you start")
        blocks.append(_bullets(_inline(item, page, links) for item in guide.prerequisites))
        if how_to_run:
            captures = any(s.captures for s in guide.steps)
            keeps = f"; the steps that keep a value for the next ones also use {code('jq')}" if captures else ""
            blocks.append(f"Each step is a complete program{keeps}. To run it:")
            blocks.append(_bullets(f"**{text(label)}:** {_inline(how, page, links)}" for label, how in how_to_run))
        if setup_lines:
            blocks.append("Every step reads your credentials from environment variables, so they never end up in code:")
            blocks.append(fence("\n".join(setup_lines), "bash"))
    for view in steps:
        blocks += _step_blocks(view, page, links, operation_paths)
    next_steps = []
    for item in guide.next_steps:
        if item.guide:
            target: str | None = links.page(guides[item.guide].page) if item.guide in guides else None
        elif item.operation:
            op = api.operation(item.operation)
            target = links.page(operation_paths[op.key]) if op and op.key in operation_paths else None
        else:
            url = safe_url(item.url)
            target = None if url is None else resolve_url(url, page, links) or url
        next_steps.append(_maybe_link(item.title, target))
    if next_steps:
        blocks += ["## Next steps", _bullets(next_steps)]
    if costs:
        headers = ["Language", "Steps", "Lines of code", "Reading"] + (["Measured run time"] if verified else [])
        rows = [
            [text(label), cost.steps, cost.lines, f"{cost.reading_seconds} s"]
            + ([text(ran.get(lang) or "—")] if verified else [])
            for lang, label, cost in costs
        ]
        blocks += ["## Time to first call in each language", table(headers, rows)]
    return document(guide.title, blocks, facts=_facts_line(api, "", page, links))


def _step_blocks(view: Mapping[str, Any], page: str, links: TwinLinks, operation_paths: Mapping[str, str]) -> list[str]:
    step = view["step"]
    blocks = [_heading(2, f"{step.number}. {step.title}"), _prose(step.text, page, links, 2)]
    if view.get("operation"):
        blocks.append(f"Calls {_operation_link(view['operation'][0], operation_paths, links)}.")
    if view.get("captures"):
        kept = [f"{code('.'.join(c.path))} from the output in {code(c.name)}" for c in view["captures"]]
        blocks.append(f"The code keeps {', and '.join(kept)}, for the next steps.")
    blocks.append(code_blocks(view.get("code", ())))
    if view.get("expected"):
        status, output, cut = view["expected"]
        if output:
            blocks.append(f"Expected output{', shortened' if cut else ''} (your ids and times will differ):")
            blocks.append(fence(output, "json"))
        else:
            blocks.append(f"Expected response: {code(status)}, with no body.")
    blocks.append(_prose(step.after, page, links, 2))
    return blocks


# -- home -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstCallShown:
    """The home page's first call: the quickstart it comes from and its code."""

    guide: Guide
    step_view: Mapping[str, Any]
    facts: tuple[tuple[str, str], ...]  # (name, plain text): time to first call, verified


def home_twin(
    home: Home,
    *,
    api: Api,
    links: TwinLinks,
    operation_paths: Mapping[str, str],
    quickstart: tuple[str, str] | None,
    first: FirstCallShown | None,
    quickstarts: Sequence[tuple[str, str, str]],
    languages: Sequence[tuple[str, str]],
    featured: Sequence[CaseStudy],
    case_studies: bool,
    explore: Sequence[HomeLink],
) -> str:
    """The home page's twin: the pitch, the first call in every language, the
    quickstarts, the languages, customers' numbers and where to go next.

    ``quickstart``: (title, path) of the quickstart "Make your first call" leads to;
    ``quickstarts``: (title, path, summary) of every quickstart; ``languages``: (label,
    what the snippets use)."""
    page = HOME_PAGE
    blocks = [_prose(home.tagline, page, links)]
    if first is not None and quickstart is not None:
        view = first.step_view
        step = view["step"]
        where = f"From {link(first.guide.title, links.page(first.guide.page))}"
        where += f", step {step.number} of {len(first.guide.steps)}"
        if view.get("operation"):
            where += f": {_operation_link(view['operation'][0], operation_paths, links)}"
        blocks += ["## Make your first call", where + ".", code_blocks(view.get("code", ()))]
        blocks.append(_facts((name, text(value)) for name, value in first.facts))
        blocks.append(link("Continue the quickstart", links.page(first.guide.page)))
    elif quickstart is not None:
        blocks += ["## Make your first call", f"Start with {link(quickstart[0], links.page(quickstart[1]))}."]
    if quickstarts:
        blocks.append("## Quickstarts")
        blocks.append(
            _bullets(
                link(title, links.page(path)) + (f": {_inline(summary, page, links)}" if summary else "")
                for title, path, summary in quickstarts
            )
        )
    if languages:
        count = len(languages)
        blocks.append("## In your language")
        blocks.append(
            f"Every example on this site comes in {count} language{'s' if count != 1 else ''}, with no SDK to install:"
        )
        blocks.append(_bullets(f"**{text(label)}**" + (f": {text(uses)}" if uses else "") for label, uses in languages))
    if featured:
        blocks.append(_heading(2, f"Built with {api.title}"))
        items = []
        for study in featured:
            metric = study.results[0]
            items.append(
                f"{link(f'{study.company}: {study.use_case.lower()}', links.page(study.page))}: "
                f"**{text(metric.figure)}** {text(metric.label)} ({text(study.stage_name)})"
            )
        blocks.append(_bullets(items))
        if case_studies:
            blocks.append(link("All case studies", links.page(CASE_STUDY_INDEX)))
    if explore:
        blocks.append("## Explore")
        blocks.append(
            _bullets(
                _maybe_link(item.title, _site_link(item.url, links))
                + (f": {_inline(item.text, page, links)}" if item.text else "")
                for item in explore
            )
        )
    return document(home.title, blocks, facts=_facts_line(api, "", page, links))


# -- pricing --------------------------------------------------------------------------


def tier_span(tier: Tier, included: int) -> str:
    """The units a tier prices, counting all usage (the allowance comes first):
    ``5,001 to 105,000``, ``4 and up``, ``each``."""
    start = tier.start + included + 1
    if tier.end is None:
        return f"{start:,} and up" if (included or tier.start) else "each"
    return f"{start:,} to {tier.end + included:,}"


def pricing_twin(
    pricing: Pricing,
    *,
    api: Api | None,
    fallback_title: str,
    links: TwinLinks,
    operation_paths: Mapping[str, str],
    cta_url: Mapping[str, str | None],
    examples: Sequence[tuple[Example, Sequence[tuple[Quote, str]], Quote | None]],
    json_path: str,
) -> str:
    """The pricing page's twin: every plan in one table (price, allowances, overage
    rates, limits, where to sign up), each plan's features, the rates per meter, the
    comparison, the worked examples and the FAQ. Every amount is exact, in the
    page's currency (never a float).

    ``cta_url``: each plan's call to action, by plan id, as the twin links it;
    ``examples``: (example, [(quote, as shown)], cheapest quote)."""
    page = PRICING_PAGE
    currency = pricing.currency
    period = pricing.period

    def money(amount: Any, exact: bool = False) -> str:
        return text(format_money(amount, currency, exact=exact))

    blocks = [_prose(pricing.summary, page, links)]
    free = next((p for p in pricing.plans if p.price is not None and p.price == 0), None)
    said = f"Prices are in {text(currency)}, per {text(period)}. "
    if free is not None:
        allowances = [count_of(free.included[m.id], m) for m in pricing.meters if free.included.get(m.id)]
        said += f"Free tier: the **{text(free.name)}** plan costs {money(free.price)} a {text(period)}"
        said += f" and includes {text(_and(allowances))}." if allowances else "."
    else:
        said += "There is no free plan."
    blocks += ["## Plans", said]
    rows = []
    for plan in pricing.plans:
        cta = _maybe_link(plan.cta.label, cta_url.get(plan.id)) if plan.cta else ""
        rows.append(
            [
                f"**{text(plan.name)}**",
                "Custom pricing" if plan.price is None else money(plan.price),
                _and([text(count_of(plan.included[m.id], m)) for m in pricing.meters if plan.included.get(m.id)])
                or "—",
                "; ".join(_overage(plan, pricing, money)) or "—",
                _and([f"up to {text(count_of(plan.limits[m.id], m))}" for m in pricing.meters if m.id in plan.limits])
                or "—",
                cta or "—",
            ]
        )
    headers = ["Plan", f"Price a {period}", "Included", "Overage (beyond what is included)", "Limits", "Get started"]
    blocks.append(table(headers, rows))
    if pricing.tax_note:
        blocks.append(_inline(pricing.tax_note, page, links))
    for plan in pricing.plans:
        blocks.append(_heading(3, plan.name))
        blocks.append(_inline(plan.summary, page, links))
        blocks.append(_bullets(_inline(f, page, links) for f in plan.features))
    if pricing.features:
        compare = [
            [_inline(feature.name, page, links)]
            + [_feature_value(feature.plans.get(p.id, False)) for p in pricing.plans]
            for feature in pricing.features
        ]
        blocks += ["## Compare plans", table(["Feature", *(p.name for p in pricing.plans)], compare)]
    blocks.append("## Rates")
    for meter in pricing.meters:
        blocks.append(_heading(3, meter.name))
        note = f"Per {text(meter.unit)}."
        if meter.description:
            note += " " + _inline(meter.description, page, links)
        if meter.operations:
            charged = [
                f"[{code(op_id)}]({links.page(operation_paths[op_id])})" if op_id in operation_paths else code(op_id)
                for op_id in meter.operations
            ]
            note += f" Charged by {', '.join(charged)}."
        blocks.append(note)
        rate_rows: list[list[str]] = []
        for plan in pricing.plans:
            if not plan.self_serve:
                continue
            rate = plan.rates.get(meter.id)
            name = text(plan.name)
            if rate is not None:
                included = plan.included.get(meter.id, 0)
                if rate.mode == "volume":
                    name += " (volume: all units at the tier reached)"
                if included:
                    rate_rows.append([name, f"first {included:,}", "included"])
                for tier in rate.tiers:
                    price = f"{money(tier.unit_price, True)} each"
                    if tier.flat_fee:
                        price += f" + {money(tier.flat_fee)}"
                    rate_rows.append([name, tier_span(tier, included), price])
                if rate.minimum:
                    rate_rows.append([name, f"minimum a {text(period)} when used", money(rate.minimum)])
            elif plan.limits.get(meter.id) is not None:
                rate_rows.append([name, f"up to {plan.limits[meter.id]:,}", "included"])
        blocks.append(table(["Plan", f"Units a {period}", "Price"], rate_rows))
    if examples:
        blocks.append("## What it costs")
        names = {p.id: p.name for p in pricing.plans}
        for example, found, best in examples:
            blocks.append(_heading(3, example.title))
            blocks.append(" · ".join(text(count_of(example.usage.get(m.id, 0), m)) for m in pricing.meters))
            blocks.append(
                table(
                    ["Plan", f"Cost a {period}"],
                    [
                        [text(names[q.plan]), text(shown) + (" (cheapest)" if best and q.plan == best.plan else "")]
                        for q, shown in found
                    ],
                )
            )
    if pricing.faq:
        blocks.append("## Questions")
        for question, answer in pricing.faq:
            blocks += [f"### {_inline(question, page, links)}", _prose(answer, page, links, 3)]
    blocks.append(
        "The same price list, machine-readable (amounts as decimal strings): "
        f"{link('pricing.json', links.file(json_path))}. The HTML page also has a calculator of your bill."
    )
    return document(pricing.title, blocks, facts=_facts_line(api, fallback_title, page, links))


def _overage(plan: Plan, pricing: Pricing, money: Any) -> list[str]:
    """Each metered rate of ``plan``, tier by tier with its unit: ``Outbound messages:
    $0.0079 per message segment for 5,001 to 105,000, ...``."""
    found = []
    for meter in pricing.meters:
        rate: Rate | None = plan.rates.get(meter.id)
        if rate is None:
            continue
        included = plan.included.get(meter.id, 0)
        tiers = []
        for tier in rate.tiers:
            price = f"{money(tier.unit_price, True)} per {text(meter.unit)}"
            if tier.flat_fee:
                price += f" + {money(tier.flat_fee)}"
            span = tier_span(tier, included)
            tiers.append(price if span == "each" else f"{price} for {span}")
        line = f"{text(meter.name)}: {', '.join(tiers)}"
        if rate.mode == "volume":
            line += " (volume: all units at the tier reached)"
        if rate.minimum:
            line += f", minimum {money(rate.minimum)} a {text(pricing.period)} when used"
        found.append(line)
    return found


def _feature_value(value: bool | str) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return text(value)


# -- case studies ---------------------------------------------------------------------


def case_study_index_twin(
    studies: Sequence[CaseStudy], *, api: Api | None, fallback_title: str, links: TwinLinks
) -> str:
    """The case-study index's twin: one row per study, with its headline figure."""
    page = CASE_STUDY_INDEX
    stages = ", then ".join(f"**{name.lower()}**" for _, name in STAGES)
    rows = []
    for study in studies:
        metric = study.results[0] if study.results else None
        rows.append(
            [
                text(study.company),
                text(study.industry),
                text(study.use_case),
                text(study.stage_name),
                f"{text(metric.figure)} {text(metric.label)}" if metric else "—",
                link(study.headline, links.page(study.page)),
                _inline(study.summary, study.page, links),
            ]
        )
    headers = ["Company", "Industry", "Use case", "Adoption stage", "Headline figure", "Case study", "Summary"]
    blocks = [
        "What teams built, and what it changed, in numbers.",
        f"Adoption grows in three steps: {stages}. Find a team like yours and see what they did next.",
        table(headers, rows),
    ]
    return document("Case studies", blocks, facts=_facts_line(api, fallback_title, page, links))


def case_study_twin(
    study: CaseStudy,
    *,
    api: Api,
    links: TwinLinks,
    operations: Sequence[tuple[Operation, str]],
    guides: Sequence[Guide],
    next_stage: tuple[str, str] | None,
    next_studies: Sequence[CaseStudy],
) -> str:
    """One case study's twin: who, the numbers (as a table), the story, the quotes, and
    the operations and guides it was built with. ``operations``: (operation, its page)."""
    page = study.page
    website = safe_url(study.website) if study.website else None
    blocks = [
        _prose(study.summary, page, links),
        _facts(
            [
                ("Company", text(study.company)),
                ("Industry", text(study.industry)),
                ("Company size", text(study.size) if study.size else ""),
                ("Use case", text(study.use_case)),
                ("Adoption stage", text(study.stage_name)),
                (
                    "Website",
                    (link(study.website, website) if website else text(study.website)) if study.website else "",
                ),
                ("Published", text(study.date)),
            ]
        ),
    ]
    if study.results:
        rows = [[text(m.label), text(m.figure), text(m.value), text(m.unit) or " "] for m in study.results]
        blocks += ["## Results", table(["Result", "Figure", "Value", "Unit"], rows)]
    blocks += ["## The challenge", _prose(study.challenge, page, links, 2)]
    blocks += ["## The solution", _prose(study.solution, page, links, 2)]
    if study.quotes:
        blocks.append("## In their words")
        for quote in study.quotes:
            said = _inline(quote.text, page, links)
            by = f"{text(quote.person)}, {text(quote.role)}, {text(study.company)}"
            blocks.append(f"> {said}\n>\n> — {by}")
    if operations or guides:
        blocks.append("## Built with")
        if guides:
            blocks.append("Guides they followed:")
            blocks.append(_bullets(f"{link(g.title, links.page(g.page))} ({text(g.kind)})" for g in guides))
        if operations:
            blocks.append("Operations they call:")
            blocks.append(
                _bullets(f"{code(op.method.upper())} {link(op.title, links.page(path))}" for op, path in operations)
            )
    if next_studies and next_stage is not None:
        blocks.append("## What came next for others")
        blocks.append(f"Teams at the next stage, {text(next_stage[1].lower())}:")
        blocks.append(_bullets(link(f"{s.company}: {s.headline}", links.page(s.page)) for s in next_studies))
    blocks.append(link("All case studies", links.page(CASE_STUDY_INDEX)))
    return document(study.headline, blocks, facts=_facts_line(api, "", page, links))
