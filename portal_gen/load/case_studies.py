"""Read ``content/case_studies/*.yaml`` into case studies.

:func:`load_case_studies` reads each file, checks it against the shipped JSON Schema,
then against the project (:mod:`portal_gen.checks.case_studies`): the operations and
guides it names must exist, its logo must be a real image inside the project. Raster
logos are published as they are; SVG logos are sanitized (:mod:`portal_gen.checks.svg`),
since a logo file opened on its own is a document that could run script, and sized by
their viewBox so that pages scale them instead of cutting them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ..checks.case_studies import _reference_problems
from ..checks.content import content_schema, schema_problems
from ..checks.svg import sanitize_svg
from ..errors import Diagnostic, Location, PortalError, display_path
from ..model.api import Api
from ..model.case_studies import CaseStudy, Logo, Metric, Quote
from ..model.guides import Guide
from ..plan.paths import CASE_STUDY_DIR as PAGE_DIR
from ..plan.paths import CASE_STUDY_SOURCES as FOLDER
from ..plan.slugs import slugify
from .sources import DEFAULT_MAX_BYTES, Document, load_document

MAX_LOGO_BYTES = 2_000_000  # a logo is shown 48 pixels high; more is a mistake


# The first bytes of each raster format, so a renamed HTML file is not published as a PNG.
_SIGNATURES = {
    ".png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("JPEG", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPEG", (b"\xff\xd8\xff",)),
    ".gif": ("GIF", (b"GIF87a", b"GIF89a")),
    ".webp": ("WebP", (b"RIFF",)),
}


def load_case_studies(
    content_dir: Path, project_dir: Path, api: Api, guides: tuple[Guide, ...], max_bytes: int = DEFAULT_MAX_BYTES
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
        try:
            document = load_document(path, display_path(path, project_dir), max_bytes)
        except PortalError as exc:
            problems.extend(exc.diagnostics)
            continue
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
    cut: tuple[str, ...] = ()
    if suffix == ".svg":
        sanitized = sanitize_svg(data, where)
        data, removed, cut = sanitized.data, sanitized.removed, sanitized.cut
    else:
        kind, signatures = _SIGNATURES[suffix]
        if not data.startswith(signatures) or (suffix == ".webp" and data[8:12] != b"WEBP"):
            raise PortalError(
                f"logo {shown} is not a {kind} image",
                where,
                "export the logo again, or give the file the extension of its real format",
            )
        suffix = ".jpg" if suffix == ".jpeg" else suffix
    return Logo(f"{PAGE_DIR}/logos/{slug}{suffix}", data, removed, where, cut)


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
