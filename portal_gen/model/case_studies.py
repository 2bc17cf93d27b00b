"""Case studies: ``content/case_studies/*.yaml``, customer stories with numbers.

:func:`load_case_studies` reads each file, checks it against the shipped JSON Schema,
then against the project: the operations and guides it names must exist, its logo
must be a real image inside the project. Raster logos are published as they are; SVG
logos are sanitized (:mod:`.svg`), since a logo file opened on its own is a document
that could run script.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..checks.content import content_schema, schema_problems, unknown_operation
from ..checks.svg import sanitize_svg
from ..errors import Diagnostic, Location, PortalError, display_path
from ..load.sources import Document, load_document
from ..plan.paths import CASE_STUDY_DIR as PAGE_DIR
from ..plan.paths import CASE_STUDY_SOURCES as FOLDER
from ..plan.slugs import slugify
from .api import Api
from .guides import Guide

STAGES = (
    ("first-application", "First application"),
    ("several-teams", "Several teams"),
    ("company-standard", "Company standard"),
)
STAGE_NAMES = dict(STAGES)
MAX_LOGO_BYTES = 2_000_000  # a logo is shown 48 pixels high; more is a mistake
_CURRENCIES = frozenset("$€£¥₹")
_ATTACHED = frozenset(("%", "x", "×", "k", "K", "M", "B", "+"))  # written without a space: 38%, 3x, 4.2M
# The first bytes of each raster format, so a renamed HTML file is not published as a PNG.
_SIGNATURES = {
    ".png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("JPEG", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPEG", (b"\xff\xd8\xff",)),
    ".gif": ("GIF", (b"GIF87a", b"GIF89a")),
    ".webp": ("WebP", (b"RIFF",)),
}


@dataclass(frozen=True)
class Metric:
    value: str  # the number as shown: "-38", "4,200,000", "+24"
    unit: str
    label: str

    @property
    def figure(self) -> str:
        """The number with its unit: ``-38%``, ``$1,200``, ``120 ms``, ``3x``, ``2 hours``."""
        if self.unit in _CURRENCIES:
            sign = self.value[0] if self.value[:1] in "+-" else ""
            return f"{sign}{self.unit}{self.value[len(sign) :]}"
        if not self.unit:
            return self.value
        return f"{self.value}{self.unit}" if self.unit in _ATTACHED else f"{self.value} {self.unit}"


@dataclass(frozen=True)
class Quote:
    text: str
    person: str
    role: str


@dataclass(frozen=True)
class Logo:
    path: str  # where the site publishes it, e.g. case-studies/logos/brightside.svg
    data: bytes
    removed: tuple[str, ...]  # what sanitizing an SVG took out
    location: Location  # the `logo:` line


@dataclass(frozen=True)
class CaseStudy:
    id: str  # the file name without .yaml
    source: str
    page: str  # e.g. case-studies/brightside.md
    company: str
    logo: Logo
    website: str
    industry: str
    size: str
    use_case: str
    stage: str  # one of STAGES
    headline: str
    summary: str
    challenge: str
    solution: str
    results: tuple[Metric, ...]
    quotes: tuple[Quote, ...]
    operations: tuple[str, ...]  # operation keys, in the order written
    operation_locations: tuple[Location, ...]  # where each is named
    guides: tuple[str, ...]  # guide ids
    date: str
    featured: bool
    location: Location

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]


def load_case_studies(
    content_dir: Path, project_dir: Path, api: Api, guides: tuple[Guide, ...]
) -> tuple[CaseStudy, ...]:
    """Every case study, newest first; one :class:`PortalError` lists all problems."""
    folder = content_dir / FOLDER
    if not folder.is_dir():
        return ()
    studies: list[CaseStudy] = []
    problems: list[Diagnostic] = []
    guide_ids = sorted(g.id for g in guides)
    slugs: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        document = load_document(path, display_path(path, project_dir))
        errors = list(schema_problems(document, content_schema("case-study"), "case-study-schema"))
        if not errors:
            errors = list(_reference_problems(document, api, guide_ids))
        slug = slugify(path.stem, "case-study")
        if slug in slugs:
            errors.append(
                Diagnostic(
                    f"two case studies would share the page {PAGE_DIR}/{slug}/ ({slugs[slug]} and {document.display})",
                    document.locate(),
                    "rename one of the files",
                    rule="case-study-reference",
                )
            )
        slugs[slug] = document.display
        logo = None
        if not errors:
            try:
                logo = _load_logo(document, project_dir, slug)
            except PortalError as exc:
                errors.extend(exc.diagnostics)
        if errors or logo is None:
            problems.extend(errors)
            continue
        studies.append(_case_study(document, slug, logo, api))
    if problems:
        raise PortalError.from_diagnostics(problems)
    return tuple(sorted(studies, key=lambda s: (s.date, s.id), reverse=True))


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


def _load_logo(document: Document, project_dir: Path, slug: str) -> Logo:
    """Read, check and (for SVG) sanitize the logo a case study names."""
    name = document.data["logo"]
    where = document.locate(("logo",))
    path = (document.path.parent / name).resolve()
    try:
        path.relative_to(project_dir.resolve())
    except ValueError:
        raise PortalError(
            f"logo '{name}' is outside the project", where, "keep logos next to the case studies, e.g. logos/acme.svg"
        ) from None
    shown = display_path(path, project_dir)
    if not path.is_file():
        raise PortalError(
            f"logo file not found: {shown}",
            where,
            f"logo paths are relative to {document.display}; put the image there or fix the path",
        )
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if len(data) > MAX_LOGO_BYTES:
        raise PortalError(
            f"logo {shown} is {len(data):,} bytes; the limit is {MAX_LOGO_BYTES:,}",
            where,
            "logos are shown small: export a smaller image",
        )
    removed: tuple[str, ...] = ()
    if suffix == ".svg":
        sanitized = sanitize_svg(data, where)
        data, removed = sanitized.data, sanitized.removed
    else:
        kind, signatures = _SIGNATURES[suffix]
        if not data.startswith(signatures) or (suffix == ".webp" and data[8:12] != b"WEBP"):
            raise PortalError(
                f"logo {shown} is not a {kind} image",
                where,
                "export the logo again, or give the file the extension of its real format",
            )
        suffix = ".jpg" if suffix == ".jpeg" else suffix
    return Logo(f"{PAGE_DIR}/logos/{slug}{suffix}", data, removed, where)


def _case_study(document: Document, slug: str, logo: Logo, api: Api) -> CaseStudy:
    data = document.data
    operations: dict[str, Location] = {}
    for index, name in enumerate(data.get("operations") or []):
        op = api.operation(name)
        assert op is not None  # checked in _reference_problems
        operations.setdefault(op.key, document.locate(("operations", index)))
    return CaseStudy(
        id=document.path.stem,
        source=document.display,
        page=f"{PAGE_DIR}/{slug}.md",
        company=data["company"],
        logo=logo,
        website=data.get("website", ""),
        industry=data["industry"],
        size=data.get("size", ""),
        use_case=data["use_case"],
        stage=data["stage"],
        headline=data["headline"],
        summary=data.get("summary", ""),
        challenge=data["challenge"],
        solution=data["solution"],
        results=tuple(Metric(_number(m["value"]), m.get("unit", ""), m["label"]) for m in data["results"]),
        quotes=tuple(Quote(q["text"], q["person"], q["role"]) for q in data.get("quotes") or ()),
        operations=tuple(operations),
        operation_locations=tuple(operations.values()),
        guides=tuple(dict.fromkeys(data.get("guides") or ())),
        date=data["date"],
        featured=bool(data.get("featured", False)),
        location=document.locate(),
    )


def _number(value: Any) -> str:
    """A metric's number as written for people: 4200000 -> 4,200,000; 2.50 -> 2.5."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    return format(Decimal(str(value)).normalize(), ",f")


def used_by(
    studies: tuple[CaseStudy, ...],
) -> tuple[dict[str, tuple[CaseStudy, ...]], dict[str, tuple[CaseStudy, ...]]]:
    """The case studies that name each operation (by key) and each guide (by id)."""
    operations: dict[str, list[CaseStudy]] = {}
    guides: dict[str, list[CaseStudy]] = {}
    for study in studies:
        for key in study.operations:
            operations.setdefault(key, []).append(study)
        for guide_id in study.guides:
            guides.setdefault(guide_id, []).append(study)
    return (
        {k: tuple(v) for k, v in operations.items()},
        {k: tuple(v) for k, v in guides.items()},
    )


def case_study_lint(studies: tuple[CaseStudy, ...], api: Api) -> Iterator[Diagnostic]:
    """Warnings for ``portal check``: logos that needed sanitizing, deprecated operations."""
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
