#!/usr/bin/env python3
"""Pages on real APIs: do issue 25's page claims hold on specs no one here wrote?

For each spec, in a fresh temporary folder, the script runs ``portal new DIR --spec
SPEC`` and then ``portal build`` in ``DIR`` (subprocesses in a session of their own,
killed past ``--timeout``, with a pared-down environment: ``corpus.py``'s ``run`` and
``environment``), serves the site on 127.0.0.1 (``tests/browser.py``'s
``serve_directory``) and visits it in headless Chromium (Debian's ``/usr/bin/chromium``
driven by Playwright, the tests' flags): the home page, the quickstart ``portal new``
wrote, the reference landing, the authentication page, the spec's first tag page and
its largest, ``--sample`` operation pages and ``--models`` model pages spread evenly
over the spec's order (the midpoints of equal slices of the pages in search-index
order, which is the spec's), the models index, the webhooks index and one webhook page
if the spec has webhooks, and ``404.html``. Each page is visited at 1440x900 and at
390x844, in the light and the dark colour scheme (Playwright's ``color_scheme``; the
palette ``portal new`` writes follows ``prefers-color-scheme``). The site is served
whole, its search index included: a theme whose search index fails to load leaves its
sidebars unsized, which a reader never sees. On every visit, once the page has loaded,
the network is idle (as in the tests: the theme's script has run) and the fonts are
ready:

* axe-core (``$PORTAL_FORMATTERS/node_modules/axe-core/axe.min.js``) runs with CSS
  transitions and animations turned off first, as ``tests/browser.py``'s
  ``serious_violations`` does; serious and critical violations are kept by rule, with
  each node's target, HTML and axe's summary;
* sideways overflow: ``scrollWidth - clientWidth`` of the document; when it is not 0,
  the outermost elements that stick out past the viewport are named;
* the page's height (``scrollHeight``), and whether the body carries the scheme asked
  for (``slate`` in dark, ``default`` in light).

On operation pages at 1440 px it also measures the two panes: whether the page has an
example column (``.portal-operation--example``), its width, whether it is
``position: sticky`` and still in view half-way down a page at least twice the
viewport's height, whether it sits right of ``.portal-operation__intro``, whether every
language tab of each ``.portal-snippets .tabbed-labels`` is in view (the strip does not
scroll, ``scrollWidth <= clientWidth``, and no label ends past it), the response
statuses in ``.portal-responses`` and the rows of ``table.portal-errors``.

It prints, per spec, a Markdown table by page kind (pages, serious/critical nodes by
scheme, pages scrolling sideways at 390 px, heights), the operation pages' layout
figures, and every violation and overflow with its page, width, scheme, axe target and
HTML; then a summary table over the specs, and the targets of issue 25: no serious or
critical violation, no page scrolling sideways at 390 px, every operation page with an
example has a column at least 560 px wide, sticky, right of the description, with every
language tab in view.

Usage::

    python benchmarks/pages_real.py [SPEC ...] [--github] [--sample 20] [--models 6]
        [--timeout 600] [--screenshots DIR] [--json FILE] [--keep] [--check-targets]

A SPEC is a spec file or the name of a folder of ``benchmarks/.cache/corpus/``; with
none, five specs chosen for variety (Stripe, Twilio, OpenAI, Asana, Discord); ``default``
stands for those five. ``--github`` adds GitHub's REST API description
(``benchmarks/.cache/node_modules/@octokit/openapi/``, installed by ``build_large.py``)
to the SPECs given, or runs it alone when none is given. The next spec builds while the
last one is visited. Exit status: 0, or 1 with ``--check-targets`` when a target is
missed; 2 when the set-up is impossible (no spec, no axe-core, no Chromium).
Standard library and Playwright.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpus import CORPUS_DIR, SOURCES, SPEC_SUFFIXES, environment, portal_command, run, source_commit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
GITHUB_SPEC = BENCH_DIR / ".cache" / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
DEFAULT_SPECS = ("apis-guru-stripe.com", "twilio-api-v2010", "openai", "asana", "discord")
VIEWPORTS = {1440: {"width": 1440, "height": 900}, 390: {"width": 390, "height": 844}}
SCHEMES = {"light": "default", "dark": "slate"}  # Playwright's color_scheme -> the body's data-md-color-scheme
COLUMN_MIN = 560  # px: the example column's width from 1220 px (issue 25)
REFERENCE = "reference"  # `portal new` keeps portal's default reference_dir
# Screenshots: the first page of these kinds at these widths (both schemes), and a few
# pages in trouble: this many that scroll sideways, and as many with violations.
SHOTS = {("operation", 1440), ("operation", 390), ("home", 390), ("model", 390)}
PROBLEM_SHOTS = 2

# Colours are judged at rest (the theme fades its header title while a page scrolls).
NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({
      target: n.target.join(' '),
      html: n.html.replace(/\\s+/g, ' ').slice(0, 300),
      summary: (n.failureSummary || '').split('\\n').slice(1).map(s => s.trim()).filter(Boolean).join(' / '),
    }))}));
}"""
PAGE_FACTS = """() => ({
  scheme: document.body.getAttribute('data-md-color-scheme'),
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  height: document.documentElement.scrollHeight,
})"""
# The outermost elements past the viewport's right edge, outside any box that clips them.
OVERFLOW_CULPRITS = """() => {
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5) continue;
    if (clipped(el)) continue;
    found.push({element: (parent ? name(parent) + ' > ' : '') + name(el), right: Math.round(box.right),
                html: el.outerHTML.replace(/\\s+/g, ' ').slice(0, 240)});
    if (found.length >= 5) break;
  }
  return found;
}"""
OPERATION_LAYOUT = """async () => {
  const op = document.querySelector('.portal-operation');
  if (!op) return null;
  const strips = sel => [...document.querySelectorAll(sel)].filter(s => s.offsetParent !== null);
  const fits = strip => {
    const edge = strip.getBoundingClientRect().right + 0.5;
    return strip.scrollWidth <= strip.clientWidth
      && [...strip.querySelectorAll(':scope > label')].every(l => l.getBoundingClientRect().right <= edge);
  };
  const snippets = strips('.portal-snippets .tabbed-labels');
  const responses = strips('.portal-responses .tabbed-labels');
  const out = {
    example: op.classList.contains('portal-operation--example'),
    tabs: snippets.length ? snippets[0].querySelectorAll(':scope > label').length : 0,
    tabs_visible: snippets.every(fits),
    statuses: responses.length ? responses[0].querySelectorAll(':scope > label').length : 0,
    statuses_visible: responses.every(fits),
    errors: document.querySelectorAll('table.portal-errors tbody tr').length,
  };
  const aside = op.querySelector('.portal-operation__example');
  const intro = op.querySelector('.portal-operation__intro');
  if (!out.example || !aside) return out;
  const box = aside.getBoundingClientRect();
  out.width = Math.round(box.width);
  out.sticky = getComputedStyle(aside).position === 'sticky';
  out.right_of_intro = !!intro && box.left >= intro.getBoundingClientRect().right - 0.5;
  const height = document.documentElement.scrollHeight;
  if (height >= 2 * innerHeight) {
    window.scrollTo(0, Math.round(height / 2 - innerHeight / 2));
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    const stuck = aside.getBoundingClientRect();
    out.in_view = stuck.top >= 0 && stuck.top < 200 && stuck.bottom <= innerHeight + 1;
    window.scrollTo(0, 0);
  }
  return out;
}"""


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def import_browser() -> Any:
    """``tests/browser.py``, the tests' Chromium settings and static server (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("browser", ROOT / "tests" / "browser.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the specs and their sites --------------------------------------------------------------


def resolve_spec(name: str) -> tuple[str, Path]:
    """(label, spec file) for a spec file or a folder of the corpus (its manifest's
    ``entry``, else its only spec file at the top)."""
    path = Path(name)
    if path.is_file():
        return path.stem, path.resolve()
    folder = CORPUS_DIR / name
    if folder.is_file():
        return folder.stem, folder
    if not folder.is_dir():
        raise SystemExit(f"pages_real: no spec file {name} and no folder {folder}")
    entries = {s["name"]: s.get("entry") for s in json.loads(SOURCES.read_text(encoding="utf-8"))["specs"]}
    if entries.get(name) and (folder / entries[name]).is_file():
        return name, folder / entries[name]
    candidates = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in SPEC_SUFFIXES)
    if len(candidates) != 1:
        raise SystemExit(f"pages_real: {folder}: no single spec file at its top level")
    return name, candidates[0]


@dataclass
class Built:
    """One spec's project, or why it did not build."""

    label: str
    spec: Path
    workdir: Path
    site: Path | None = None
    seconds: float = 0.0
    failure: str = ""


def build_site(label: str, spec: Path, timeout: float, base: Path) -> Built:
    """``portal new`` then ``portal build``, as a user runs them."""
    portal = portal_command()
    workdir = Path(tempfile.mkdtemp(prefix=f"pages-real-{label[:30]}-", dir=base))
    built = Built(label, spec, workdir)
    env = environment()
    project = workdir / "project"
    progress(f"{label}: portal new + portal build")
    for command, cwd in (([*portal, "new", str(project), "--spec", str(spec)], workdir), ([*portal, "build"], project)):
        step = run(command, cwd, timeout, env)
        built.seconds += step.seconds
        if step.returncode != 0:
            built.failure = f"`{' '.join(command[1:2])}` exited {step.returncode}: {step.output.strip()[-1500:]}"
            return built
    built.site = project / "site"
    progress(f"{label}: built in {built.seconds:.0f} s")
    return built


def evenly(items: Sequence[Any], count: int) -> list[Any]:
    """``count`` items spread evenly over ``items``: the midpoints of equal slices."""
    count = min(count, len(items))
    return [items[(2 * i + 1) * len(items) // (2 * count)] for i in range(count)] if count > 0 else []


def choose_pages(site: Path, sample: int, models: int) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """The pages to visit, as (kind, URL path), and how many pages of each kind the site has."""
    index = site / "search" / "search_index.json"
    order: dict[str, int] = {}
    if index.is_file():
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            order.setdefault(doc["location"].split("#")[0], len(order))
    kinds: dict[str, list[str]] = defaultdict(list)
    reference = site / REFERENCE
    if not (reference / "index.html").is_file():
        raise SystemExit(f"pages_real: {site}: no {REFERENCE}/index.html")
    for html in reference.rglob("index.html"):
        parts = html.relative_to(reference).parts[:-1]
        url = "/".join((REFERENCE, *parts)) + "/"
        if not parts:
            kind = "landing"
        elif parts == ("authentication",):
            kind = "authentication"
        elif parts[0] in ("models", "webhooks"):
            kind = parts[0][:-1] if len(parts) == 2 else parts[0]
        elif len(parts) == 1:
            kind = "tag"
        else:
            kind = "operation"
        kinds[kind].append(url)
    for urls in kinds.values():
        urls.sort(key=lambda u: (order.get(u, len(order)), u))
    quickstarts = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.glob("quickstarts/*/index.html"))
    pages = [("home", "")] + [("quickstart", q) for q in quickstarts[:1]]
    pages += [(kind, url) for kind in ("landing", "authentication") for url in kinds[kind]]
    tags = kinds["tag"]
    if tags:
        largest = max(tags, key=lambda u: (site / u / "index.html").stat().st_size)
        pages += [("tag", url) for url in dict.fromkeys((tags[0], largest))]
    pages += [("operation", url) for url in evenly(kinds["operation"], sample)]
    pages += [("models", url) for url in kinds["models"]]
    pages += [("model", url) for url in evenly(kinds["model"], models)]
    pages += [("webhooks", url) for url in kinds["webhooks"]]
    pages += [("webhook", url) for url in evenly(kinds["webhook"], 1)]
    pages.append(("404", "404.html"))
    return pages, {kind: len(urls) for kind, urls in kinds.items()}


# -- the visits -------------------------------------------------------------------------------


@dataclass
class Visit:
    """One page at one width in one scheme."""

    kind: str
    url: str
    width: int
    scheme: str
    scheme_applied: bool = True
    height: int = 0
    overflow: int = 0
    culprits: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    layout: dict[str, Any] | None = None
    error: str = ""

    @property
    def nodes(self) -> int:
        return sum(len(v["nodes"]) for v in self.violations)


def visit_site(
    browser: Any, served: str, pages: list[tuple[str, str]], axe: str, label: str, shots: Path | None
) -> list[Visit]:
    """Every page at both widths in both schemes."""
    visits: list[Visit] = []
    problems: Counter[str] = Counter()
    for width, viewport in VIEWPORTS.items():
        for scheme in SCHEMES:
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            page.set_default_timeout(120_000)
            for kind, url in pages:
                visit = Visit(kind, url, width, scheme)
                visits.append(visit)
                try:
                    look(page, f"{served}/{url}", visit, axe)
                except Exception as exc:  # a page that does not load is reported, the run goes on
                    visit.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
                    page.close()
                    page = context.new_page()
                    page.set_default_timeout(120_000)
                    continue
                wanted = (kind, width) in SHOTS and url == first_of(pages, kind)
                trouble = "sideways" if visit.overflow else "violations" if visit.nodes else ""
                troubled = bool(trouble) and problems[trouble] < PROBLEM_SHOTS
                if shots is not None and (wanted or troubled):
                    problems[trouble] += troubled and not wanted
                    slug = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-").removeprefix("reference-")[-60:] or "home"
                    full = visit.height < 12000
                    page.screenshot(path=shots / f"{label}-{kind}-{slug}-{width}-{scheme}.png", full_page=full)
            progress(f"{label}: {len(pages)} pages at {width} px, {scheme}")
            context.close()
    return visits


def first_of(pages: list[tuple[str, str]], kind: str) -> str | None:
    return next((url for k, url in pages if k == kind), None)


def look(page: Any, url: str, visit: Visit, axe: str) -> None:
    """Load one page and measure it (layout before axe: axe adds nothing visible)."""
    response = page.goto(url, wait_until="load")
    if response is not None and response.status >= 400 and visit.kind != "404":
        raise RuntimeError(f"HTTP {response.status}")
    # As the tests do: the theme's script has done its work (it puts a link in each tab
    # label, which makes a strip of tabs reachable by keyboard).
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=15_000)
    page.evaluate("document.fonts.ready.then(() => true)")
    facts = page.evaluate(PAGE_FACTS)
    visit.scheme_applied = facts["scheme"] == SCHEMES[visit.scheme]
    visit.height, visit.overflow = int(facts["height"]), int(facts["overflow"])
    if visit.overflow > 0:
        visit.culprits = page.evaluate(OVERFLOW_CULPRITS)
    if visit.kind == "operation" and visit.width == 1440:
        visit.layout = page.evaluate(OPERATION_LAYOUT)
    page.add_style_tag(content=NO_MOTION)
    page.add_script_tag(content=axe)
    visit.violations = page.evaluate(AXE_RUN)


# -- the report -------------------------------------------------------------------------------


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]], right: int = 1) -> str:
    """A Markdown table; columns from ``right`` on are right-aligned."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---" if i < right else "---:" for i in range(len(header))) + " |")
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def spread(values: Sequence[int]) -> str:
    """'median / max', in px."""
    return f"{statistics.median(values):,.0f} / {max(values):,}" if values else "-"


def layout_ok(layout: dict[str, Any]) -> bool:
    """The two-pane target for an operation page with an example."""
    return bool(
        layout.get("width", 0) >= COLUMN_MIN
        and layout.get("sticky")
        and layout.get("in_view", True)
        and layout.get("right_of_intro")
        and layout.get("tabs_visible")
    )


@dataclass
class Figures:
    """One spec's summary row and its targets."""

    label: str
    operations: int = 0
    models: int = 0
    pages: int = 0
    visits: int = 0
    build_seconds: float = 0.0
    browse_seconds: float = 0.0
    nodes: int = 0
    rules: str = ""
    sideways_390: int = 0
    sideways_1440: int = 0
    unapplied_schemes: int = 0
    errors: int = 0
    with_example: int = 0
    two_pane_ok: int = 0
    column_min: int | None = None
    height_1440: str = "-"
    height_390: str = "-"
    failure: str = ""


def report_spec(built: Built, counts: dict[str, int], visits: list[Visit], browse: float) -> tuple[Figures, list[str]]:
    """One spec's tables and details, and its summary row."""
    figures = Figures(built.label, counts.get("operation", 0), counts.get("model", 0), build_seconds=built.seconds)
    figures.browse_seconds = browse
    figures.pages = len({v.url for v in visits})
    figures.visits = len(visits)
    lines = [f"### {built.label} (`{built.spec.name}`)", ""]
    lines.append(
        f"{counts.get('operation', 0)} operations, {counts.get('model', 0)} models, "
        f"{counts.get('webhook', 0)} webhooks, {counts.get('tag', 0)} tags; built in {built.seconds:.0f} s; "
        f"{figures.pages} pages visited ({figures.visits} visits) in {browse:.0f} s."
    )
    lines.append("")
    rows = []
    for kind in dict.fromkeys(v.kind for v in visits):
        mine = [v for v in visits if v.kind == kind]
        light = sum(v.nodes for v in mine if v.scheme == "light")
        dark = sum(v.nodes for v in mine if v.scheme == "dark")
        sideways = len({v.url for v in mine if v.width == 390 and v.overflow > 0})
        rows.append(
            (
                kind,
                len({v.url for v in mine}),
                light,
                dark,
                sideways,
                spread([v.height for v in mine if v.width == 1440 and v.scheme == "light" and not v.error]),
                spread([v.height for v in mine if v.width == 390 and v.scheme == "light" and not v.error]),
            )
        )
    header = ("page kind", "pages", "serious+critical, light", "dark", "sideways at 390", "height 1440", "height 390")
    lines += [markdown_table(header, rows), ""]
    rules: Counter[str] = Counter()
    for v in visits:
        for violation in v.violations:
            rules[violation["rule"]] += len(violation["nodes"])
    figures.nodes = sum(rules.values())
    figures.rules = ", ".join(f"{rule} {n}" for rule, n in rules.most_common()) or "-"
    figures.sideways_390 = len({v.url for v in visits if v.width == 390 and v.overflow > 0})
    figures.sideways_1440 = len({v.url for v in visits if v.width == 1440 and v.overflow > 0})
    figures.unapplied_schemes = sum(1 for v in visits if not v.scheme_applied and not v.error)
    figures.errors = sum(1 for v in visits if v.error)
    operations = [v for v in visits if v.kind == "operation" and not v.error]
    layouts = [v.layout for v in operations if v.layout is not None and v.scheme == "light"]
    examples = [layout for layout in layouts if layout["example"]]
    figures.with_example = len(examples)
    figures.two_pane_ok = sum(1 for layout in examples if layout_ok(layout))
    widths = [layout["width"] for layout in examples if "width" in layout]
    figures.column_min = min(widths) if widths else None
    figures.height_1440 = spread([v.height for v in operations if v.width == 1440 and v.scheme == "light"])
    figures.height_390 = spread([v.height for v in operations if v.width == 390 and v.scheme == "light"])
    if layouts:
        checked = [layout for layout in examples if "in_view" in layout]
        lines.append(
            f"Operation pages at 1440 px: {len(examples)}/{len(layouts)} with an example column; column width "
            f"min {figures.column_min} px, median {statistics.median(widths) if widths else '-'} px; sticky "
            f"{sum(1 for x in examples if x.get('sticky'))}/{len(examples)}, still in view half-way down "
            f"{sum(1 for x in checked if x['in_view'])}/{len(checked)} (pages at least twice the viewport's height); "
            f"right of the description {sum(1 for x in examples if x.get('right_of_intro'))}/{len(examples)}; "
            f"every language tab in view {sum(1 for x in layouts if x['tabs_visible'])}/{len(layouts)} "
            f"(tabs: {', '.join(str(n) for n in sorted({x['tabs'] for x in layouts}))}); responses by status "
            f"{sum(1 for x in layouts if x['statuses'])}/{len(layouts)} (every status tab in view "
            f"{sum(1 for x in layouts if x['statuses_visible'])}); a table of errors on "
            f"{sum(1 for x in layouts if x['errors'])}; operation heights, median / max: "
            f"{figures.height_1440} px at 1440, {figures.height_390} px at 390."
        )
        tallest = max((v for v in operations if v.width == 1440), key=lambda v: v.height, default=None)
        if tallest is not None:
            lines.append(f"The tallest: `{tallest.url}`, {tallest.height:,} px at 1440.")
        lines.append("")
    lines += list(details(visits, layouts_by_url(operations)))
    return figures, lines


def layouts_by_url(visits: list[Visit]) -> dict[str, dict[str, Any]]:
    return {v.url: v.layout for v in visits if v.layout is not None and v.scheme == "light"}


def details(visits: list[Visit], layouts: dict[str, dict[str, Any]]) -> Iterator[str]:
    """Every violation (grouped by rule, node and page over the four visits), overflow,
    missed two-pane layout and failed visit."""
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    for v in visits:
        for violation in v.violations:
            for node in violation["nodes"]:
                key = (violation["rule"], v.url, node["target"])
                entry = grouped.setdefault(key, {"impact": violation["impact"], "node": node, "where": []})
                entry["where"].append(f"{v.width}/{v.scheme}")
    if grouped:
        yield "Serious and critical violations (rule, page, where, axe target, HTML, summary):"
        for (rule, url, target), entry in sorted(grouped.items()):
            yield (
                f"- {rule} ({entry['impact']}) on `/{url}` at {', '.join(entry['where'])}: `{target}`\n"
                f"  `{entry['node']['html']}`\n  {entry['node']['summary']}"
            )
        yield ""
    for v in visits:
        if v.overflow > 0:
            yield f"- scrolls {v.overflow} px sideways: `/{v.url}` at {v.width} px, {v.scheme}"
            for culprit in v.culprits:
                yield f"  - `{culprit['element']}` ends at {culprit['right']} px: `{culprit['html']}`"
        if not v.scheme_applied and not v.error:
            yield f"- the {v.scheme} scheme is not applied: `/{v.url}` at {v.width} px"
        if v.error:
            yield f"- failed to visit `/{v.url}` at {v.width} px, {v.scheme}: {v.error}"
    for url, layout in layouts.items():
        if layout["example"] and not layout_ok(layout):
            yield f"- two panes missed on `/{url}`: {json.dumps(layout)}"
        elif not layout["tabs_visible"]:
            yield f"- language tabs not all in view on `/{url}`: {json.dumps(layout)}"


def summary(all_figures: list[Figures]) -> tuple[list[str], list[tuple[str, bool, str]]]:
    header = (
        "spec",
        "operations",
        "pages (visits)",
        "build, browse (s)",
        "serious+critical nodes",
        "sideways at 390",
        "two panes ok",
        "narrowest column",
        "operation height 1440",
        "390",
    )
    rows = [
        (
            f.label,
            f.operations,
            f"{f.pages} ({f.visits})",
            f"{f.build_seconds:.0f}, {f.browse_seconds:.0f}" if not f.failure else "did not build",
            f"{f.nodes} ({f.rules})" if f.nodes else "0",
            f.sideways_390,
            f"{f.two_pane_ok}/{f.with_example}",
            f"{f.column_min} px" if f.column_min is not None else "-",
            f.height_1440,
            f.height_390,
        )
        for f in all_figures
    ]
    lines = ["## Summary", "", markdown_table(header, rows), ""]
    built = [f for f in all_figures if not f.failure]
    nodes = sum(f.nodes for f in built)
    sideways = sum(f.sideways_390 for f in built)
    bad = sum(f.with_example - f.two_pane_ok for f in built)
    examples = sum(f.with_example for f in built)
    targets = [
        (
            "every spec builds and every page loads",
            not any(f.failure or f.errors for f in all_figures),
            f"{len(all_figures) - len(built)} did not build, {sum(f.errors for f in all_figures)} visits failed",
        ),
        ("0 serious/critical axe violations", nodes == 0, f"{nodes} nodes"),
        ("0 pages scrolling sideways at 390 px", sideways == 0, f"{sideways} pages"),
        (
            f"two panes (column >= {COLUMN_MIN} px, sticky, right of the description, every tab in view)",
            bad == 0,
            f"{examples - bad}/{examples} operation pages",
        ),
        (
            "colour scheme applied on every visit",
            not any(f.unapplied_schemes for f in built),
            f"{sum(f.unapplied_schemes for f in built)} visits without it",
        ),
    ]
    lines.append("Targets of issue 25:")
    lines += [f"  {'PASS' if ok else 'MISS'}  {name}: {detail}" for name, ok, detail in targets]
    return lines, targets


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("specs", nargs="*", help="spec files or corpus folder names; `default`: the five defaults")
    parser.add_argument("--github", action="store_true", help="add GitHub's REST API description")
    parser.add_argument("--sample", type=int, default=20, help="operation pages per spec (default 20)")
    parser.add_argument("--models", type=int, default=6, help="model pages per spec (default 6)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for each portal command (default 600)")
    parser.add_argument("--screenshots", type=Path, help="save a few screenshots per spec into this folder")
    parser.add_argument("--json", type=Path, help="write every visit's figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the projects and sites, and print where")
    parser.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    names = [n for name in args.specs for n in (DEFAULT_SPECS if name == "default" else (name,))]
    if not names and not args.github:
        names = list(DEFAULT_SPECS)
    specs = [resolve_spec(name) for name in names]
    if args.github:
        if not GITHUB_SPEC.is_file():
            progress(f"pages_real: no {GITHUB_SPEC} (python benchmarks/build_large.py installs it)")
            return 2
        specs.append(("github", GITHUB_SPEC))
    browser_module = import_browser()
    if not browser_module.AXE_JS.is_file():
        progress(f"pages_real: no axe-core at {browser_module.AXE_JS} (PORTAL_FORMATTERS says where)")
        return 2
    axe = browser_module.AXE_JS.read_text(encoding="utf-8")
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    import portal_gen

    started = time.perf_counter()
    base = Path(tempfile.mkdtemp(prefix="pages-real-"))
    all_figures: list[Figures] = []
    report: list[str] = []
    dump: list[dict[str, Any]] = []
    try:
        with ThreadPoolExecutor(1) as builder, sync_playwright() as playwright:
            # The next spec builds while this one is visited.
            futures: list[Future[Built]] = [
                builder.submit(build_site, label, spec, args.timeout, base) for label, spec in specs
            ]
            browser = playwright.chromium.launch(executable_path=browser_module.CHROMIUM, args=browser_module.FLAGS)
            for future in futures:
                built = future.result()
                if built.site is None:
                    all_figures.append(Figures(built.label, build_seconds=built.seconds, failure=built.failure))
                    report += [f"### {built.label}", "", f"Did not build: {built.failure}", ""]
                else:
                    pages, counts = choose_pages(built.site, args.sample, args.models)
                    began = time.perf_counter()
                    with browser_module.serve_directory(built.site) as served:
                        visits = visit_site(browser, served, pages, axe, built.label, args.screenshots)
                    figures, lines = report_spec(built, counts, visits, time.perf_counter() - began)
                    all_figures.append(figures)
                    report += lines
                    dump.append({"spec": str(built.spec), "counts": counts, "visits": [asdict(v) for v in visits]})
                if args.keep:
                    progress(f"{built.label}: kept {built.workdir}")
                else:
                    shutil.rmtree(built.workdir, ignore_errors=True)
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    wall = time.perf_counter() - started
    print(f"portal_gen from {Path(portal_gen.__file__).parent}, commit {source_commit()}")
    print(f"{len(specs)} specs, --sample {args.sample}, --models {args.models}; {wall:.0f} s; {os.cpu_count()} cores\n")
    print("\n".join(report))
    lines, targets = summary(all_figures)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(
            json.dumps({"figures": [asdict(f) for f in all_figures], "specs": dump}, indent=1), encoding="utf-8"
        )
    if args.screenshots:
        print(f"\nScreenshots in {args.screenshots}")
    return 1 if args.check_targets and not all(ok for _, ok, _ in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
