"""Markdown twins of the content pages (guides, home, pricing, case studies), read as a
program reads them: parsed as Markdown, their code compared with the HTML page's, their
prices and figures with the content files, their links with the files the site has."""

from __future__ import annotations

import dataclasses
import html
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from conftest import copy_demo
from portal_gen.config import PortalConfig
from portal_gen.engine.build import Site, generate_site, template_loader
from portal_gen.engine.project import Project, load_project
from portal_gen.plan.reference import page_url
from portal_gen.render.case_studies import render_case_study_index
from portal_gen.render.pricing import PRICING_JSON, render_pricing
from portal_gen.render.reference import make_environment
from portal_gen.render.twin import TwinLinks, twin_links, twin_path
from portal_gen.render.twin_content import absolute_links

CONTENT_KINDS = ("quickstart", "tutorial", "home", "pricing", "case-studies", "case-study")
_md = MarkdownIt("commonmark", {"html": True}).enable(["table"])


@dataclasses.dataclass(frozen=True)
class Demo:
    root: Path
    config: PortalConfig
    project: Project
    site: Site

    def page(self, path: str) -> Any:
        return next(p for p in self.site.pages if p.path == path)

    @property
    def links(self) -> TwinLinks:
        return twin_links(self.config)


def demo_config(root: Path, **changes: Any) -> PortalConfig:
    """The demo's PortalConfig as the MkDocs plugin builds it from mkdocs.yml."""
    data = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(p["portal"] for p in data["plugins"] if isinstance(p, dict) and "portal" in p)
    return PortalConfig(
        project_dir=root,
        directory_urls=data.get("use_directory_urls", True),
        site_name=data["site_name"],
        site_url=data.get("site_url") or "",
        **{**options, **changes},
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = copy_demo(tmp_path_factory.mktemp("twins"))
    config = demo_config(root)
    project = load_project(config)
    site = generate_site(project, template_loader(config), share=False)
    return Demo(root, config, project, site)


def content_twins(demo: Demo) -> dict[str, str]:
    found = {p.path: p.markdown for p in demo.site.pages if p.kind in CONTENT_KINDS}
    assert all(isinstance(t, str) and t for t in found.values()), found
    return found  # type: ignore[return-value]


# -- reading Markdown and HTML as a program does ----------------------------------------


def inline_tokens(tokens: list[Token]) -> list[Token]:
    return [child for t in tokens for child in (t.children or [])]


@dataclasses.dataclass
class Section:
    title: str
    fences: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (info, code) outside a label
    code: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # label -> its fenced blocks
    links: list[str] = dataclasses.field(default_factory=list)


def sections(markdown: str) -> list[Section]:
    """The twin's level-2 sections, each with its fenced blocks by language label (a
    ``**Label**`` paragraph, then the fences up to the next paragraph but "Run it")."""
    found = [Section("")]
    label: str | None = None
    tokens = _md.parse(markdown)
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            label = None
            if token.tag == "h2":
                found.append(Section(tokens[i + 1].content))
        elif token.type == "paragraph_open":
            content = tokens[i + 1].content
            named = re.fullmatch(r"\*\*([^*]+)\*\*", content)
            if named:
                label = named.group(1)
                found[-1].code[label] = []
            elif not content.startswith("Run it"):
                label = None
        elif token.type == "fence":
            if label is not None:
                found[-1].code[label].append(token.content)
            else:
                found[-1].fences.append((token.info, token.content))
        elif token.type == "inline":
            found[-1].links += [c.attrs["href"] for c in token.children or [] if c.type == "link_open"]  # type: ignore[misc]
    return found


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table of ``markdown``: rows (header first) of cells' Markdown."""
    found: list[list[list[str]]] = []
    for i, token in enumerate(tokens := _md.parse(markdown)):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            found[-1].append([])
        elif token.type in ("th_open", "td_open"):
            found[-1][-1].append(tokens[i + 1].content)
    return found


def table_with(markdown: str, *header: str) -> list[list[str]]:
    return next(t for t in tables(markdown) if tuple(t[0][: len(header)]) == header)


_TAG = re.compile(r"<[^>]+>")


def code_text(fragment: str) -> str:
    """What a reader copies from a highlighted block: its text, tags stripped, unescaped."""
    return html.unescape(_TAG.sub("", fragment))


_PRE = re.compile(r"<pre[^>]*>(?:<span></span>)?<code[^>]*>(.*?)</code></pre>", re.S)


def html_steps(page_html: str) -> dict[str, dict[str, list[str]]]:
    """Each step of a guide page (by its heading's text) with its code tabs: label ->
    the blocks of code the tab shows (the code, then the lines that run it)."""
    steps: dict[str, dict[str, list[str]]] = {}
    for part in page_html.split('<h2 id="step-')[1:]:
        title = code_text(part.split(">", 1)[1].split("<a ", 1)[0])
        tabs: dict[str, list[str]] = {}
        found = re.search(
            r'<div class="tabbed-set[^"]*portal-guide-code".*?<div class="tabbed-labels">(.*?)</div>', part, re.S
        )
        if found:
            labels = [code_text(x) for x in re.findall(r"<label[^>]*>(.*?)</label>", found.group(1))]
            rest = part[found.end() :].split('<p class="portal-step__expected"', 1)[0]
            blocks = rest.split('<div class="tabbed-block">')[1:]
            for label, block in zip(labels, blocks, strict=True):
                tabs[label] = [code_text(c) for c in _PRE.findall(block)]
        steps[title] = tabs
    return steps


def md_links(markdown: str) -> list[str]:
    """Every link and image address of ``markdown``, as a Markdown reader finds them."""
    found = []
    for child in inline_tokens(_md.parse(markdown)):
        if child.type == "link_open":
            found.append(str(child.attrs["href"]))
        elif child.type == "image":
            found.append(str(child.attrs["src"]))
    return found


def norm(code: str) -> str:
    return code.rstrip("\n")


# -- guides ---------------------------------------------------------------------------


def test_a_guide_twin_has_every_step_with_the_code_of_every_tab_of_its_page(demo: Demo) -> None:
    for guide in demo.project.guides:
        page = demo.page(guide.page)
        twin = page.markdown
        found = {s.title: s for s in sections(twin)}
        shown = html_steps(page.html)
        assert len(shown) == len(guide.steps)
        for step in guide.steps:
            title = f"{step.number}. {step.title}"
            assert title in found, (guide.id, title, list(found))
            tabs = shown[title]
            if step.runs:
                assert "curl" in tabs or step.code, (guide.id, title)
            # Every language the page shows, as a fenced block under its label, with the
            # very text a reader copies from the page: the code, then how to run it.
            assert list(found[title].code) == list(tabs), (guide.id, title)
            for label, blocks in tabs.items():
                assert [norm(b) for b in found[title].code[label]] == [norm(b) for b in blocks], (guide.id, label)


def test_the_quickstart_twin_keeps_captures_credentials_and_expected_output(demo: Demo) -> None:
    guide = next(g for g in demo.project.guides if g.kind == "quickstart")
    page = demo.page(guide.page)
    twin = page.markdown
    found = {s.title: s for s in sections(twin)}
    send = found["2. Send a message"]
    curl = send.code["curl"][0]
    assert "| tee response.json" in curl and "MESSAGE_ID=$(jq -r .id response.json)" in curl
    assert (
        send.code["Python"][1] == "python3 main.py | tee response.json\nexport MESSAGE_ID=$(jq -r .id response.json)\n"
    )
    expected = [code for info, code in send.fences if info == "json"]
    html_output = re.search(r'<div class="portal-guide-output">(.*?)</div>\s*</div>', page.html, re.S)
    assert html_output and expected and norm(expected[0]) == norm(code_text(_PRE.findall(html_output.group(0))[0]))
    assert '"status": "queued"' in expected[0]
    # The credentials, read without echo, as the page's "Before you start" shows them.
    setup = found["Before you start"].fences
    shown = next(text for text in map(code_text, _PRE.findall(page.html)) if "read -rs" in text)
    assert [(info, norm(code)) for info, code in setup] == [("bash", norm(shown))]
    assert "read -rs RELAY_API_KEY" in setup[0][1]
    # The operations the steps call, and the next steps, link to twins.
    links = demo.links
    plan = demo.site.plan
    assert links.page(plan.operation_paths["sendMessage"]) in send.links
    assert links.page(plan.operation_paths["getMessage"]) in found["3. Check that it was delivered"].links
    assert found["Next steps"].links == [
        links.page("tutorials/receive-delivery-webhooks.md"),
        links.page("tutorials/paginate-message-history.md"),
        links.page(plan.operation_paths["sendMessage"]),
    ]
    # What a newcomer needs to know first, with the spec's version.
    assert twin.startswith("# Send your first message\n\n> Relay Messaging API 2026-11-01 · ")
    assert "- **First call:** step 2 of 3, after 8 lines of curl" in twin
    rows = table_with(twin, "Language", "Steps", "Lines of code")
    assert [r[0] for r in rows[1:]] == list(html_steps(page.html)["2. Send a message"])


def test_a_tutorials_prose_links_become_absolute_twin_links(demo: Demo) -> None:
    twin = demo.page("tutorials/paginate-message-history.md").markdown
    assert "(see [Send your first message](/quickstarts/send-your-first-message.md))" in twin


# -- home -----------------------------------------------------------------------------


def test_the_home_twin_shows_the_first_call_and_where_to_go(demo: Demo) -> None:
    page = demo.page("index.md")
    twin = page.markdown
    assert "Relay sends and receives SMS and MMS in 190+ countries" in twin
    first = next(s for s in sections(twin) if s.title == "Make your first call")
    shown = re.search(r'id="first-call".*?<div class="tabbed-labels">(.*?)</div>(.*?)<dl', page.html, re.S)
    assert shown
    labels = [code_text(x) for x in re.findall(r"<label[^>]*>(.*?)</label>", shown.group(1))]
    codes = [code_text(c) for c in _PRE.findall(shown.group(2))]
    assert list(first.code) == labels and len(labels) > 1
    assert [norm(c[0]) for c in first.code.values()] == [norm(c) for c in codes]
    assert "tee response.json" not in first.code["curl"][0]  # the call alone, as the home page shows it
    links = demo.links
    every = md_links(twin)
    for path in ("quickstarts/send-your-first-message.md", "reference/index.md", "pricing.md", "case-studies/index.md"):
        assert links.page(path) in every, path


# -- pricing --------------------------------------------------------------------------


def expected_money(written: str) -> str:
    """A price as written in pricing.yaml, as the page states it: cents, or every digit
    of a unit price finer than a cent."""
    amount = Decimal(written)
    if amount == amount.quantize(Decimal("0.01")):
        return f"${amount:,.2f}"
    return f"${amount.normalize():f}"


def test_the_pricing_twin_states_every_plan_with_exact_prices(demo: Demo) -> None:
    # Read as strings (BaseLoader): the prices exactly as the author wrote them.
    written = yaml.load((demo.root / "content" / "pricing.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    twin = demo.page("pricing.md").markdown
    plans = {re.sub(r"\*", "", row[0]): row for row in table_with(twin, "Plan", "Price a month")[1:]}
    assert list(plans) == [p["name"] for p in written["plans"]]
    assert "Prices are in USD, per month. Free tier: the **Free** plan costs $0.00 a month" in twin
    meters = {m["id"]: m for m in written["meters"]}
    # The rates, a table per meter under its heading, as the page shows them.
    rates = twin.split("\n## Rates\n", 1)[1].split("\n## ", 1)[0]
    rate_tables = {chunk.split("\n", 1)[0]: tables(chunk)[0] for chunk in rates.split("\n### ")[1:]}
    assert list(rate_tables) == [m["name"] for m in written["meters"]]
    assert all(t[0] == ["Plan", "Units a month", "Price"] for t in rate_tables.values())
    for plan in written["plans"]:
        row = plans[plan["name"]]
        assert row[1] == ("Custom pricing" if plan["price"] == "contact" else expected_money(plan["price"]))
        for meter_id, rate in plan.get("rates", {}).items():
            meter = meters[meter_id]
            unit_prices = [t["unit_price"] for t in rate["tiers"]] if "tiers" in rate else [rate["unit_price"]]
            # The plan's overage, per unit, in its row of the plans table...
            for price in unit_prices:
                assert f"{expected_money(price)} per {meter['unit']}" in row[3], (plan["id"], price)
            # ...and tier by tier in the meter's rate table.
            shown = [r[2] for r in rate_tables[meter["name"]][1:] if r[0] == plan["name"] and r[2] != "included"]
            assert shown == [f"{expected_money(p)} each" for p in unit_prices]
        if plan.get("cta"):
            assert plan["cta"]["label"] in row[5]
    assert "[Choose Growth](https://relay.example/signup?plan=growth)" in plans["Growth"][5]
    assert "[Start free](/quickstarts/send-your-first-message.md)" in plans["Free"][5]
    assert plans["Free"][2] == "500 message segments and 1 phone number"
    assert demo.links.file(PRICING_JSON) in md_links(twin)
    assert PRICING_JSON in dict(demo.site.extra_files)
    assert not re.search(r"\d\.\d+e-\d|\.\d*0 each", twin)  # no float or padded renderings


def test_the_pricing_twin_names_the_api_when_given_it_and_follows_site_url(demo: Demo) -> None:
    config = dataclasses.replace(demo.config, site_url="https://developers.relay.example/docs/")
    env = make_environment(template_loader(config))
    assert demo.project.pricing is not None
    page = render_pricing(demo.project.pricing, env, config, demo.site.plan, api=demo.project.api)
    twin = page.markdown
    assert twin is not None
    assert "> Relay Messaging API 2026-11-01 · [HTML page](/docs/pricing/)" in twin
    assert "/docs/pricing.json" in md_links(twin)
    assert render_pricing(demo.project.pricing, env, config, demo.site.plan, api=demo.project.api).markdown == twin
    off = dataclasses.replace(config, llms_txt=False)
    assert render_pricing(demo.project.pricing, env, off, demo.site.plan).twin is None
    index = render_case_study_index(demo.project.case_studies, env, off)
    assert index.twin is None


# -- case studies ---------------------------------------------------------------------


def test_case_study_twins_hold_their_numbers_quotes_and_what_they_used(demo: Demo) -> None:
    links = demo.links
    plan = demo.site.plan
    guides = {g.id: g for g in demo.project.guides}
    index = demo.page("case-studies/index.md").markdown
    rows = table_with(index, "Company", "Industry", "Use case")
    for study in demo.project.case_studies:
        source = demo.root / "content" / "case_studies" / f"{study.id}.yaml"
        written = yaml.load(source.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        twin = demo.page(study.page).markdown
        results = table_with(twin, "Result", "Figure", "Value", "Unit")[1:]
        # The real numbers: each result's value, as written, and its figure as the page shows it.
        assert [(r[0], r[1], r[2].replace(",", "")) for r in results] == [
            (m.label, m.figure, w["value"]) for m, w in zip(study.results, written["results"], strict=True)
        ]
        for quote in written.get("quotes", []):
            assert f"— {quote['person']}, {quote['role']}, {written['company']}" in twin
        every = md_links(twin)
        for key in written.get("operations", []):
            assert links.page(plan.operation_paths[key]) in every
        for guide_id in written.get("guides", []):
            assert links.page(guides[guide_id].page) in every
        row = next(r for r in rows if r[0] == written["company"])
        first = written["results"][0]
        assert first["value"] in row[4] and first["label"] in row[4]
        assert links.page(study.page) in row[5]
        assert twin.startswith(f"# {written['headline']}\n\n> Relay Messaging API 2026-11-01 · ")


# -- every content twin ---------------------------------------------------------------


def test_every_link_of_a_content_twin_is_absolute_and_leads_to_a_file_of_the_site(demo: Demo) -> None:
    links = demo.links
    directory_urls = demo.config.directory_urls
    twins = {twin_path(p.path, directory_urls) for p in demo.site.pages}
    twins |= {page_url(p.path, directory_urls) for p in demo.site.pages}  # the facts line's HTML page
    files = {path for path, _ in demo.site.extra_files} | {"openapi.json", "openapi.yaml"}
    checked = 0
    for path, twin in content_twins(demo).items():
        for url in md_links(twin):
            assert url.startswith(("/", "https://", "http://", "mailto:")), (path, url)
            target = links.site_path(url)
            if target is None:
                assert re.match(r"(https?://[^/]+\.example|mailto:)", url), (path, url)  # the demo's own sites
                continue
            assert target in twins or target in files, (path, url)
            checked += 1
    assert checked > 50


def test_no_content_twin_holds_html_outside_its_code(demo: Demo) -> None:
    for path, twin in content_twins(demo).items():
        tokens = _md.parse(twin)
        raw = [t.content for t in (*tokens, *inline_tokens(tokens)) if t.type in ("html_block", "html_inline")]
        assert raw == [], (path, raw)
        assert twin.endswith("\n") and not twin.endswith("\n\n")


# -- an author's links ----------------------------------------------------------------


def test_an_authors_relative_links_are_made_absolute_and_code_is_left_alone() -> None:
    links = TwinLinks("https://docs.example.com/", True)
    page = "tutorials/webhooks.md"
    written = "\n".join(
        [
            "See [the quickstart](../quickstarts/hello.md#step-2), [below](#verify),",
            "[a picture](img/flow.png), [a site](https://example.org/x.md) and [root](/faq/).",
            "Code `[not](a.md)` stays, as does:",
            "```md",
            "[x](y.md)",
            "```",
            "[ref]: <other page.md>",
        ]
    )
    assert absolute_links(written, page, links).split("\n") == [
        "See [the quickstart](https://docs.example.com/quickstarts/hello.md#step-2), "
        "[below](https://docs.example.com/tutorials/webhooks.md#verify),",
        "[a picture](https://docs.example.com/tutorials/webhooks/img/flow.png), [a site](https://example.org/x.md)"
        " and [root](/faq/).",
        "Code `[not](a.md)` stays, as does:",
        "```md",
        "[x](y.md)",
        "```",
        "[ref]: <https://docs.example.com/tutorials/other page.md>",
    ]
