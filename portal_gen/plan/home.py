"""Plan the home page from the ``home`` options and the project: what it shows when the
options do not say (the spec's summary, the first quickstart, featured case studies)."""

from __future__ import annotations

import re

from ..checks.content import content_schema, schema_problems
from ..checks.home import _reference_problems
from ..config import PortalConfig
from ..errors import PortalError
from ..load.sources import config_section
from ..model.api import Api
from ..model.case_studies import STAGES, CaseStudy
from ..model.guides import Guide
from ..model.home import Home, HomeLink

FEATURED = 3  # case studies on the home page when the config does not choose


_SENTENCE = re.compile(r"(.+?[.!?])(?=\s|$)", re.S)


def plan_home(config: PortalConfig, api: Api, guides: tuple[Guide, ...], studies: tuple[CaseStudy, ...]) -> Home:
    """The home page's content: the ``home:`` options, checked, with defaults filled in;
    raises :class:`PortalError` for options that name what does not exist."""
    document = config_section(config.project_dir / config.config_file, config.config_file, dict(config.home), "home")
    problems = list(schema_problems(document, content_schema("home"), "home-config"))
    if problems:
        raise PortalError.from_diagnostics(problems)
    options = document.data
    problems = list(_reference_problems(document, guides, studies))
    if problems:
        raise PortalError.from_diagnostics(problems)
    quickstart = options.get("quickstart") or next((g.id for g in guides if g.kind == "quickstart"), None)
    links = options.get("links")
    return Home(
        title=options.get("title") or config.site_name or api.title,
        tagline=options.get("tagline") or _tagline(api),
        quickstart=quickstart,
        featured=tuple(options.get("case_studies") or _featured(studies)),
        links=tuple(HomeLink(item["title"], item["url"], item.get("text", "")) for item in links)
        if links is not None
        else None,
    )


def _tagline(api: Api) -> str:
    """The spec's one-line summary, else the first sentence of its description."""
    if api.summary:
        return api.summary
    paragraph = (api.description or "").strip().split("\n\n")[0].strip()
    if paragraph.startswith("#"):  # a heading is not a sentence about the API
        return ""
    match = _SENTENCE.match(paragraph)
    return " ".join((match.group(1) if match else paragraph).split())


def _featured(studies: tuple[CaseStudy, ...]) -> tuple[str, ...]:
    """Studies marked ``featured``, then the newest of each adoption stage not shown yet,
    then the newest: the home page shows the whole path from first app to standard."""
    chosen = [s for s in studies if s.featured][:FEATURED]
    for stage, _ in STAGES:
        if len(chosen) < FEATURED and not any(s.stage == stage for s in chosen):
            chosen += [s for s in studies if s.stage == stage and s not in chosen][:1]
    chosen += [s for s in studies if s not in chosen][: FEATURED - len(chosen)]
    order = {stage: index for index, (stage, _) in enumerate(STAGES)}
    return tuple(s.id for s in sorted(chosen, key=lambda s: order[s.stage]))
