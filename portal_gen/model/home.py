"""The home page a developer lands on: what the API does in one sentence, the way to a
first call, the languages it speaks, proof from customers, and where to go next.

The ``home:`` option in mkdocs.yml sets any of it; without it everything comes from
the spec, the first quickstart and the case studies (:func:`plan_home`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..checks.content import content_schema, schema_problems
from ..config import PortalConfig
from ..errors import Diagnostic, PortalError
from ..load.sources import Document, config_section
from .api import Api
from .case_studies import STAGES, CaseStudy
from .guides import Guide

FEATURED = 3  # case studies on the home page when the config does not choose
_SENTENCE = re.compile(r"(.+?[.!?])(?=\s|$)", re.S)


@dataclass(frozen=True)
class HomeLink:
    title: str
    url: str  # a site page as its Markdown path, or a full URL
    text: str = ""


@dataclass(frozen=True)
class Home:
    title: str
    tagline: str  # Markdown
    quickstart: str | None  # the id of the guide "Make your first call" leads to
    featured: tuple[str, ...]  # case study ids
    links: tuple[HomeLink, ...] | None  # None: the default cards


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


def _reference_problems(
    document: Document, guides: tuple[Guide, ...], studies: tuple[CaseStudy, ...]
) -> list[Diagnostic]:
    problems = []
    options = document.data
    guide_ids = [g.id for g in guides]
    name = options.get("quickstart")
    if name is not None and name not in guide_ids:
        quickstarts = [g.id for g in guides if g.kind == "quickstart"]
        problems.append(
            Diagnostic(
                f"home.quickstart names no guide: '{name}'",
                document.locate(("quickstart",)),
                f"quickstarts: {', '.join(quickstarts)}"
                if quickstarts
                else "write a quickstart in content/quickstarts/ and name its file here, without .yaml",
                rule="home-config",
            )
        )
    study_ids = [s.id for s in studies]
    for index, name in enumerate(options.get("case_studies") or ()):
        if name not in study_ids:
            problems.append(
                Diagnostic(
                    f"home.case_studies names no case study: '{name}'",
                    document.locate(("case_studies", index)),
                    f"case studies: {', '.join(sorted(study_ids))}"
                    if study_ids
                    else "write case studies in content/case_studies/ and name their files here, without .yaml",
                    rule="home-config",
                )
            )
    return problems


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
