"""``portal check``: the CI gate.

Gathers every problem instead of stopping at the first: input errors (spec, guides),
spec quality rules (:mod:`.rules`), links and anchors in the built site
(:mod:`.links`), and every guide run in every language, in parallel, against the mock
server built from the spec (or a real sandbox with ``base_url``). The adapter (the
CLI) builds the site; this module never imports MkDocs.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..checks.case_studies import case_study_lint
from ..checks.pricing import pricing_lint
from ..checks.rules import check_spec, rule_levels, with_levels
from ..checks.urls import unsafe_urls
from ..config import PortalConfig
from ..diff import BREAKING, INFO, RULES, accept, diff_specs
from ..diff.history import read_version
from ..diff.report import used_by
from ..engine.build import make_snippets, template_loader
from ..engine.project import Project, changelog_warnings, load_project, ref_policy, snippet_settings
from ..errors import Diagnostic, Location, PortalError, display_path
from ..load.changelog import load_changelog
from ..snippets.languages import LANGUAGES
from ..snippets.request import env_names, paired_env_names
from ..snippets.run import missing_runtimes
from .links import SitePages, check_external, check_internal, external_links, external_problems, http_status
from .verify import GuideRun, RunSettings, run_guides


@dataclass
class CheckReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    runs: list[GuideRun] = field(default_factory=list)
    target: str = ""  # what the guides ran against
    strict: bool = False  # warnings fail the check too

    @property
    def problems(self) -> list[Diagnostic]:
        """Input problems, then the guides' failures, in a stable order."""
        return [*self.diagnostics, *(p for run in self.runs for p in run.problems)]

    @property
    def ok(self) -> bool:
        return not any(self.fails(p) for p in self.problems)

    def fails(self, problem: Diagnostic) -> bool:
        return problem.severity == "error" or self.strict


@dataclass(frozen=True)
class CheckOptions:
    run: bool = True
    base_url: str | None = None  # a real sandbox instead of the mock server
    api_key_env: str | None = None  # the variable holding the sandbox's key
    languages: tuple[str, ...] = ()  # default: the configured snippet languages
    jobs: int = 0  # default: one per core
    record: bool = False  # write what was measured for the pages to show
    strict: bool = False  # warnings fail the check
    external: bool = False  # check external links too
    link_cache: Path | None = None  # default: .portal-cache/links.json in the project
    breaking_against: str | None = None  # a spec file or git:REF to compare the spec with


def check_project(
    config: PortalConfig,
    options: CheckOptions = CheckOptions(),
    progress: Callable[[int, int], None] | None = None,
    *,
    project: Project | None = None,
    site_dir: Path | None = None,
) -> CheckReport:
    """Everything ``portal check`` finds in the project at ``config.project_dir``.

    ``project`` is the loaded project when the caller already has it; ``site_dir`` a
    build of it whose links to check.
    """
    report = CheckReport(strict=options.strict)
    try:
        if project is None:
            project = load_project(config)
        else:
            project.validation.raise_problems()
        levels = rule_levels(config.check_rules, Location(config.config_file))
    except PortalError as exc:
        report.diagnostics.extend(exc.diagnostics)
        return report
    spec_findings = [
        *with_levels(project.validation.warnings(), levels),
        *with_levels(changelog_warnings(project), levels),
        *check_spec(project.api, project.source, levels),
        *with_levels(list(unsafe_urls(project.source, project.guides, project.pricing)), levels),
    ]
    report.diagnostics.extend(sorted(spec_findings, key=lambda d: (d.location or Location(""), d.rule or "")))
    if options.breaking_against:
        try:
            report.diagnostics.extend(with_levels(breaking_changes(project, options.breaking_against), levels))
        except PortalError as exc:
            report.diagnostics.extend(replace(d, rule=d.rule or "usage") for d in exc.diagnostics)
    if project.pricing is not None:
        report.diagnostics.extend(with_levels(pricing_lint(project.pricing), levels))
    report.diagnostics.extend(with_levels(list(case_study_lint(project.case_studies, project.api)), levels))
    if site_dir is not None:
        report.diagnostics.extend(_link_problems(project, site_dir, options))
    if not options.run or not project.guides:
        return report
    try:
        snippets = make_snippets(project, template_loader(config))
    except PortalError as exc:
        report.diagnostics.extend(exc.diagnostics)
        return report
    languages = options.languages or tuple(lang for lang in snippets.languages if lang in LANGUAGES)
    runnable = []
    for lang in languages:
        if lang not in LANGUAGES:
            report.diagnostics.append(
                Diagnostic(f"unknown language '{lang}'", None, f"use some of {', '.join(LANGUAGES)}", rule="usage")
            )
        elif missing := missing_runtimes(LANGUAGES[lang]):
            report.diagnostics.append(
                Diagnostic(
                    f"cannot run the {LANGUAGES[lang].label} steps: {', '.join(missing)} is not installed",
                    None,
                    f"install it, or leave {lang} out with --lang",
                    rule="guide-runtime",
                )
            )
        else:
            runnable.append(lang)
    if not runnable:
        return report
    try:
        credentials = _credentials(project, options)
    except PortalError as exc:
        report.diagnostics.extend(exc.diagnostics)
        return report
    jobs = options.jobs or os.cpu_count() or 2
    with _target(project, options.base_url) as base_url:
        report.target = base_url
        settings = RunSettings(base_url, credentials, float(config.guide_timeout), project.quickstart_budget)
        report.runs = run_guides(
            project.guides, tuple(runnable), snippets, project.schema_validator, settings, jobs=jobs, progress=progress
        )
    if options.record and options.base_url is None and report.ok:
        write_verified(project, report.runs)
    return report


def breaking_changes(project: Project, base: str) -> list[Diagnostic]:
    """Each change from ``base`` (a spec file or ``git:REF``) that may break a client, at
    its line in the current spec: breaking ones as ``breaking-change``, warnings as
    ``change-warning``; accepted ones are left out."""
    config = project.config
    policy = ref_policy(config)
    base_source = read_version(base, config.project_dir, config.spec, Path(config.config_file).name, policy)
    content = config.project_dir / config.content_dir
    found = accept(diff_specs(base_source, project.source), load_changelog(content, config.project_dir).accepted)
    out = []
    for change in found.changes:
        if change.accepted or change.level == INFO:
            continue
        where = project.source.locate(change.head_pointer) if change.head_pointer is not None else None
        rule = "breaking-change" if change.level == BREAKING else "change-warning"
        hint = RULES[change.kind].summary
        if change.affects:
            hint += f"; used by {used_by(change.affects)}"
        out.append(
            Diagnostic(f"{change.subject}: {change.message} [{change.kind}] (since {base})", where, hint, rule=rule)
        )
    return out


def _link_problems(project: Project, site_dir: Path, options: CheckOptions) -> list[Diagnostic]:
    site = SitePages.read(site_dir, project.config.site_url)
    source_of = page_sources(project)
    problems = check_internal(site, source_of)
    if options.external:
        found = external_links(site)
        cache = options.link_cache or project.config.project_dir / ".portal-cache" / "links.json"
        results = check_external(found, cache, fetch=http_status)
        problems.extend(external_problems(found, results, source_of))
    return sorted(problems, key=lambda d: (d.location or Location(""), d.message))


def page_sources(project: Project) -> Callable[[str], tuple[str, str | None]]:
    """For a built page (``quickstarts/x/index.html``), the file it comes from and its
    text: a Markdown page, a guide, or else the spec (the reference is generated)."""
    config = project.config
    content = config.project_dir / config.content_dir
    guides = {g.page: g.source for g in project.guides}
    spec = display_path(config.spec_path, config.project_dir)
    texts: dict[str, str | None] = {}

    def text_of(display: str) -> str | None:
        if display not in texts:
            path = config.project_dir / display
            texts[display] = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        return texts[display]

    def source_of(page: str) -> tuple[str, str | None]:
        stem = page.removesuffix(".html").removesuffix(".md")  # a page, or its Markdown twin
        if config.directory_urls:
            stem = stem.removesuffix("index").rstrip("/")
            candidates = [f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"] if stem else ["index.md", "README.md"]
        else:
            candidates = [f"{stem}.md"]
        for candidate in candidates:
            if candidate in guides:
                return guides[candidate], text_of(guides[candidate])
            if (content / candidate).is_file():
                display = display_path(content / candidate, config.project_dir)
                return display, text_of(display)
        return spec, text_of(spec)

    return source_of


@contextmanager
def _target(project: Project, base_url: str | None) -> Iterator[str]:
    """The base URL guides call: a sandbox's, or a mock server's for as long as they run."""
    if base_url:
        yield base_url.rstrip("/")
        return
    from ..mock import MockApi, serve_mock

    with serve_mock(MockApi.from_project(project)) as server:
        # With the spec's base path (/v1...), so the calls are the ones the pages show.
        yield server.base_url.rstrip("/")


def _credentials(project: Project, options: CheckOptions) -> dict[str, str]:
    """What snippets find in their credential variables: made-up values for the mock
    server, the real key (``--api-key-env``) or the caller's variables for a sandbox."""
    settings = snippet_settings(project.config)
    values: dict[str, str] = {}
    key = None
    if options.api_key_env:
        key = os.environ.get(options.api_key_env)
        if not key:
            raise PortalError(
                f"--api-key-env {options.api_key_env}: that environment variable is not set",
                None,
                f"export {options.api_key_env}=... with your sandbox key",
            )
    for scheme in project.api.security_schemes:
        # Both spellings: a request that needs two schemes reads the second's paired.
        names = env_names(scheme, settings)
        paired = paired_env_names(scheme, settings)
        for index, name in [*enumerate(names), *enumerate(paired)]:
            if name in values:
                continue
            if options.base_url is None:
                values[name] = f"portal-check-{'password' if index else 'secret'}"
            elif key is not None and len(names) == 1:
                values[name] = key
            elif name in os.environ:
                values[name] = os.environ[name]
    return values


# -- recording and reporting ------------------------------------------------------------


def write_verified(project: Project, runs: list[GuideRun]) -> Path:
    """Keep what the runs measured, for the guide pages to show (``portal-verified.json``)."""
    config = project.config
    date = _today()
    guides: dict[str, Any] = {}
    for run in runs:
        record = guides.setdefault(run.guide.id, {"date": date, "spec_version": project.api.version, "languages": {}})
        first = run.first_call
        record["languages"][run.language] = {
            "steps": first.steps,
            "lines": first.lines,
            "reading_seconds": first.reading_seconds,
            "seconds": round(first.seconds, 2) if first.seconds is not None else None,
        }
    path = config.project_dir / config.verified_file
    text = json.dumps({"generator": "portal check --record", "guides": guides}, indent=2, sort_keys=True) + "\n"
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path


def _today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
        if epoch and epoch.isdigit()
        else datetime.datetime.now(datetime.timezone.utc)
    )
    return moment.date().isoformat()


def report_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: each problem shows inline on the pull request."""
    lines = []
    for problem in report.problems:
        kind = "error" if report.fails(problem) else "warning"
        where = problem.location
        fields = []
        if where is not None:
            fields.append(f"file={_escape_property(where.file)}")
            if where.line:
                fields.append(f"line={where.line}")
            if where.column:
                fields.append(f"col={where.column}")
        if problem.rule:
            fields.append(f"title={_escape_property(problem.rule)}")
        text = problem.message + (f"\n{problem.hint}" if problem.hint else "")
        lines.append(f"::{kind} {','.join(fields)}::{_escape_data(text)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    location = diagnostic.location
    return {
        "file": location.file if location else None,
        "line": location.line if location and location.line else None,
        "column": location.column if location and location.column else None,
        "rule": diagnostic.rule,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }


def report_json(report: CheckReport) -> dict[str, Any]:
    """The report as plain data (``--json``)."""
    return {
        "ok": report.ok,
        "target": report.target,
        "problems": [diagnostic_json(d) for d in report.problems],
        "guides": [
            {
                "guide": run.guide.id,
                "file": run.guide.source,
                "language": run.language,
                "ok": run.ok,
                "seconds": round(run.seconds, 3),
                "first_call": {
                    "steps": run.first_call.steps,
                    "lines": run.first_call.lines,
                    "reading_seconds": run.first_call.reading_seconds,
                    "seconds": None if run.first_call.seconds is None else round(run.first_call.seconds, 3),
                },
                "steps": [
                    {
                        "step": s.number,
                        "title": s.title,
                        "outcome": s.outcome,
                        "seconds": round(s.seconds, 3),
                        "message": s.message,
                        "output": s.output,
                    }
                    for s in run.steps
                ],
            }
            for run in report.runs
        ],
    }


def report_junit(report: CheckReport) -> str:
    """The report as JUnit XML: one test suite per guide, one test case per language,
    plus a suite for input problems, so CI systems show each failure on its own."""
    root = ElementTree.Element("testsuites", name="portal check")
    if report.diagnostics:
        suite = ElementTree.SubElement(root, "testsuite", name="inputs")
        for diagnostic in report.diagnostics:
            where = str(diagnostic.location) if diagnostic.location else "project"
            case = ElementTree.SubElement(suite, "testcase", classname="inputs", name=where)
            kind = "failure" if report.fails(diagnostic) else "system-out"
            element = ElementTree.SubElement(case, kind, message=diagnostic.message)
            element.text = diagnostic.format()
        _count(suite)
    by_guide: dict[str, list[GuideRun]] = {}
    for run in report.runs:
        by_guide.setdefault(run.guide.id, []).append(run)
    for guide_id, runs in by_guide.items():
        suite = ElementTree.SubElement(root, "testsuite", name=guide_id, file=runs[0].guide.source)
        for run in runs:
            case = ElementTree.SubElement(
                suite, "testcase", classname=guide_id, name=run.language, time=f"{run.seconds:.3f}"
            )
            for problem in run.problems:
                failure = ElementTree.SubElement(case, "failure", message=problem.message)
                failure.text = problem.format()
        _count(suite)
    _count(root)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _count(element: ElementTree.Element) -> None:
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    element.set("time", f"{sum(float(c.get('time', '0')) for c in cases):.3f}")


def summary_rows(report: CheckReport) -> list[Mapping[str, str]]:
    """One row per guide and language, for the terminal table."""
    rows: list[Mapping[str, str]] = []
    for run in report.runs:
        first = run.first_call
        failed = next((s for s in run.steps if s.outcome == "failed"), None)
        # The time to first call: the step it comes at, the lines of code and the
        # reading before it, and how long the run took to get there.
        rows.append(
            {
                "guide": run.guide.id,
                "language": LANGUAGES[run.language].label,
                "result": "passed" if run.ok else (f"step {failed.number} failed" if failed else "over budget"),
                "step": str(first.steps),
                "lines": str(first.lines),
                "reading": f"{first.reading_seconds} s",
                "first call": "-" if first.seconds is None else f"{first.seconds:.1f} s",
                "total": f"{run.seconds:.1f} s",
            }
        )
    return rows
