"""Render the case-study index (with its filters), a page per study, and the "Used by"
lines of operation and guide pages (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jinja2

from ..config import PortalConfig
from ..model.api import Api
from ..model.case_studies import STAGES, CaseStudy
from ..model.guides import Guide
from ..plan.paths import CASE_STUDY_INDEX as INDEX_PAGE
from ..plan.reference import Plan, relative_url, static_url
from ..plan.slugs import slugify
from .html import extract_toc
from .markdown import plain_title
from .page import RenderedPage
from .twin import twin_links
from .twin_content import case_study_index_twin, case_study_twin

FILTER_JS = "assets/portal/case-studies.js"
FACETS = (("industry", "Industry"), ("use-case", "Use case"), ("stage", "Adoption stage"))
# Below this many studies the index has no filters: five cards or fewer take up at most
# three rows of two at desktop width, and a reader takes them in faster than a row of chips.
MIN_STUDIES_TO_FILTER = 6


@dataclass(frozen=True)
class StudyLink:
    """A case study as another page links to it."""

    company: str
    use_case: str
    url: str


def used_by_links(studies: tuple[CaseStudy, ...], from_page: str, config: PortalConfig) -> list[StudyLink]:
    """Links from ``from_page`` to ``studies``, for a "Used by" line."""
    return [StudyLink(s.company, s.use_case, relative_url(from_page, s.page, config.directory_urls)) for s in studies]


def facet_values(study: CaseStudy) -> dict[str, str]:
    """The value of each filter facet for a study, as the index's markup and script use it."""
    return {"industry": slugify(study.industry), "use-case": slugify(study.use_case), "stage": study.stage}


def _facets(studies: tuple[CaseStudy, ...]) -> list[tuple[str, str, list[tuple[str, str, int]]]]:
    """(facet, title, [(value, label, how many studies)]) for the filter chips: only the
    values that narrow the list, so none when the index is short (:data:`MIN_STUDIES_TO_FILTER`).

    A value every study shares is no filter, and neither is a facet with one value across
    all studies; since every study has each facet, a facet is shown exactly when its studies
    hold two values or more, and then each of its values leaves some studies out."""
    if len(studies) < MIN_STUDIES_TO_FILTER:
        return []
    found: dict[str, dict[str, tuple[str, int]]] = {facet: {} for facet, _ in FACETS}
    labels = {
        "industry": lambda s: s.industry,
        "use-case": lambda s: s.use_case,
        "stage": lambda s: s.stage_name,
    }
    for study in studies:
        for facet, value in facet_values(study).items():
            label, count = found[facet].get(value, (labels[facet](study), 0))
            found[facet][value] = (label, count + 1)
    stage_order = [stage for stage, _ in STAGES]
    result = []
    for facet, title in FACETS:
        values = {v: (label, count) for v, (label, count) in found[facet].items() if count < len(studies)}
        if len(values) < 2:
            continue
        order = (
            sorted(values, key=stage_order.index)
            if facet == "stage"
            else sorted(values, key=lambda v: values[v][0].lower())
        )
        result.append((facet, title, [(v, values[v][0], values[v][1]) for v in order]))
    return result


def render_case_study_index(
    studies: tuple[CaseStudy, ...], env: jinja2.Environment, config: PortalConfig, api: Api | None = None
) -> RenderedPage:
    """The index of every study, filterable by industry, use case and stage where that
    narrows the list (see :func:`_facets`); ``api`` names the API and its version in
    the page's Markdown twin."""
    page = INDEX_PAGE
    context = {
        "studies": [
            (
                study,
                relative_url(page, study.page, config.directory_urls),
                _logo_url(page, study, config),
                facet_values(study),
            )
            for study in studies
        ],
        "facets": _facets(studies),
        "stages": STAGES,
        "script_url": static_url(page, FILTER_JS, config.directory_urls),
    }
    body = env.get_template("case_studies/index.html").render(context).strip() + "\n"
    twin = (
        case_study_index_twin(studies, api=api, fallback_title=config.site_name, links=twin_links(config))
        if config.twins
        else None
    )
    return RenderedPage(page, "Case studies", body, extract_toc(body), "case-studies", twin=twin)


def render_case_study(
    study: CaseStudy,
    studies: tuple[CaseStudy, ...],
    env: jinja2.Environment,
    config: PortalConfig,
    plan: Plan,
    api: Api,
    guides: tuple[Guide, ...],
) -> RenderedPage:
    """One study: headline metrics, the story, quotes, and what it was built with."""
    page = study.page

    def url(path: str) -> str:
        return relative_url(page, path, config.directory_urls)

    operations = {op.key: op for op in api.operations}
    by_id = {g.id: g for g in guides}
    next_stage = _next_stage(study)
    next_studies = [s for s in studies if next_stage and s.stage == next_stage[0]]
    context = {
        "study": study,
        "logo_url": _logo_url(page, study, config),
        "index_url": url(INDEX_PAGE),
        "operations": [(operations[key], url(plan.operation_paths[key])) for key in study.operations],
        "guides": [(by_id[gid], url(by_id[gid].page)) for gid in study.guides],
        "next_stage": next_stage,
        "next_studies": [(s, url(s.page)) for s in next_studies],
    }
    body = env.get_template("case_studies/study.html").render(context).strip() + "\n"
    twin = None
    if config.twins:
        twin = case_study_twin(
            study,
            api=api,
            links=twin_links(config),
            operations=[(operations[key], plan.operation_paths[key]) for key in study.operations],
            guides=[by_id[gid] for gid in study.guides],
            next_stage=next_stage,
            next_studies=next_studies,
        )
    return RenderedPage(page, plain_title(study.company), body, extract_toc(body), "case-study", twin=twin)


def _next_stage(study: CaseStudy) -> tuple[str, str] | None:
    stages = [stage for stage, _ in STAGES]
    index = stages.index(study.stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def _logo_url(page: str, study: CaseStudy, config: PortalConfig) -> str:
    return static_url(page, study.logo.path, config.directory_urls)


def logo_url(page: str, config: PortalConfig) -> Callable[[CaseStudy], str]:
    """A study's logo as a URL from ``page``."""
    return lambda study: _logo_url(page, study, config)
