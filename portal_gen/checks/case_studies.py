"""Case studies checked against the project: the operations and guides they name, and
``portal check``'s warnings (logos that needed cleaning or may be cut off, deprecated
operations)."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from dataclasses import replace

from ..errors import Diagnostic
from ..load.sources import Document
from ..model.api import Api
from ..model.case_studies import CaseStudy
from .content import unknown_operation


def _reference_problems(document: Document, api: Api, guide_ids: list[str]) -> Iterator[Diagnostic]:
    data = document.data
    for index, name in enumerate(data.get("operations") or []):
        if api.operation(name) is None:
            yield replace(
                unknown_operation(name, api, document.locate(("operations", index))), rule="case-study-reference"
            )
    for index, name in enumerate(data.get("guides") or []):
        if name not in guide_ids:
            close = difflib.get_close_matches(name, guide_ids, n=1)
            if close:
                hint = f"did you mean '{close[0]}'?"
            elif guide_ids:
                hint = f"guides: {', '.join(guide_ids)}"
            else:
                hint = "guides are content/quickstarts/*.yaml and content/tutorials/*.yaml, named by file"
            yield Diagnostic(
                f"no guide '{name}'", document.locate(("guides", index)), hint, rule="case-study-reference"
            )
    for index, metric in enumerate(data["results"]):
        value = metric["value"]
        if isinstance(value, float) and not math.isfinite(value):
            yield Diagnostic(
                f"{value!r} is not a number in results.{index}.value",
                document.locate(("results", index, "value")),
                rule="case-study-schema",
            )


def case_study_lint(studies: tuple[CaseStudy, ...], api: Api) -> Iterator[Diagnostic]:
    """Warnings for ``portal check``: logos that needed sanitizing or whose text may be cut
    off, deprecated operations."""
    operations = {op.key: op for op in api.operations}
    for study in studies:
        for removed in study.logo.removed:
            yield Diagnostic(
                f"removed from the logo: {removed}",
                study.logo.location,
                "portal publishes the logo without it; export a plain SVG to silence this",
                rule="case-study-logo",
                severity="warning",
            )
        for cut in study.logo.cut:
            yield Diagnostic(
                f"logo {cut}",
                study.logo.location,
                "fonts differ from machine to machine: convert the text to outlines (paths), or widen the viewBox",
                rule="case-study-logo",
                severity="warning",
            )
        for key, where in zip(study.operations, study.operation_locations, strict=True):
            op = operations[key]
            if op.deprecated:
                yield Diagnostic(
                    f"{study.company}'s case study names the deprecated operation '{op.operation_id or key}'",
                    where,
                    "name the operation that replaces it, or leave it out",
                    rule="case-study-deprecated",
                    severity="warning",
                )
