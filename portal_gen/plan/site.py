"""The rest of the site's navigation: guides, case studies and pricing, beside the
reference's (:mod:`portal_gen.plan.reference`) and the home page (:mod:`portal_gen.plan.home`)."""

from __future__ import annotations

from ..model.case_studies import CaseStudy
from ..model.guides import KINDS, Guide
from ..render.markdown import plain_title
from .paths import CASE_STUDY_INDEX
from .reference import NavSection, PlannedPage

_SECTION_TITLES = {"quickstart": "Quickstarts", "tutorial": "Tutorials"}


def content_sections(guides: tuple[Guide, ...], studies: tuple[CaseStudy, ...]) -> tuple[NavSection, ...]:
    """Quickstarts, Tutorials and Case studies, each when the site has any, in that order."""
    sections = tuple(
        NavSection(
            _SECTION_TITLES[kind],
            tuple(PlannedPage(g.kind, g.page, plain_title(g.title)) for g in guides if g.kind == kind),
        )
        for kind, _ in KINDS
        if any(g.kind == kind for g in guides)
    )
    if studies:
        index = PlannedPage("case-studies", CASE_STUDY_INDEX, "Case studies")
        entries = tuple(PlannedPage("case-study", s.page, plain_title(s.company)) for s in studies)
        sections += (NavSection("Case studies", (index, *entries)),)
    return sections


def top_page(kind: str, path: str, title: str) -> PlannedPage:
    """A page at the top level of the navigation (pricing), before the reference."""
    return PlannedPage(kind, path, plain_title(title))
