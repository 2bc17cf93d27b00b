"""Case studies as data: customer stories with numbers, their logos and adoption stages.

Read by :mod:`portal_gen.load.case_studies`, checked by :mod:`portal_gen.checks.case_studies`."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Location

STAGES = (
    ("first-application", "First application"),
    ("several-teams", "Several teams"),
    ("company-standard", "Company standard"),
)


STAGE_NAMES = dict(STAGES)
_CURRENCIES = frozenset("$€£¥₹")
_ATTACHED = frozenset(("%", "x", "×", "k", "K", "M", "B", "+"))  # written without a space: 38%, 3x, 4.2M


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
    cut: tuple[str, ...] = ()  # SVG text that may be cut off at the viewBox's edge


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
