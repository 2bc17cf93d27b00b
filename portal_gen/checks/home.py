"""The ``home`` options checked against the project, each problem at its line in
``mkdocs.yml``: guides, case studies and pages that do not exist."""

from __future__ import annotations

from ..errors import Diagnostic
from ..load.sources import Document
from ..model.case_studies import CaseStudy
from ..model.guides import Guide


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
