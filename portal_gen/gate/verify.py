"""Run guides step by step in every language, and measure the time to first call.

Each step is a real program in its real runtime (see :mod:`.snippets.run`): the code a
reader copies from the page, pointed at ``base_url`` (the mock server, or a sandbox).
Values a step captures from its output become environment variables of later steps.
Calls' outputs are validated against the spec's response schemas.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks.values import SchemaValidator
from ..errors import Diagnostic
from ..model.api import UNSET
from ..model.guides import WORDS_PER_MINUTE, Budget, Guide, Step, field_value, success_response, words
from ..snippets import Snippets
from ..snippets.languages import LANGUAGES
from ..snippets.request import HttpRequest
from ..snippets.run import run_snippet

_SAMPLE_FILE = b"A sample file that portal check uploads.\n"


def step_request(snippets: Snippets, step: Step, base_url: str | None = None) -> HttpRequest | None:
    """The request a call step makes (``None`` for other steps)."""
    if step.call is None:
        return None
    op = snippets.api.operation(step.call.operation)
    if op is None:
        return None
    return snippets.request(op, values=step.call.parameters, body=step.call.body, base_url=base_url)


def guide_requests(snippets: Snippets, guide: Guide, base_url: str | None = None) -> tuple[HttpRequest | None, ...]:
    """The request of each step (``None`` for steps that are not calls), worked out once
    for all the languages that write it."""
    return tuple(step_request(snippets, step, base_url) for step in guide.steps)


def step_code(snippets: Snippets, step: Step, language: str, request: HttpRequest | None) -> str | None:
    """The code a reader of ``language`` runs for ``step``, given its ``request``
    (``None``: nothing to run)."""
    if step.code:
        return step.code.get(language)
    if request is None:
        return None
    op = snippets.api.operation(request.operation)
    assert op is not None
    return snippets.render(op, language, request).code


def code_lines(code: str | None) -> int:
    """Lines a reader writes: not blank ones."""
    return sum(1 for line in (code or "").splitlines() if line.strip())


@dataclass(frozen=True)
class FirstCall:
    """How long it takes a newcomer to make a first successful call, in one language."""

    steps: int  # steps up to and including the first call
    lines: int  # lines of code in those steps
    reading_seconds: int  # reading time of the prose up to the first call
    seconds: float | None  # measured run time up to the end of the first call (None: it failed)


@dataclass(frozen=True)
class StepRun:
    number: int
    title: str
    outcome: str  # passed | failed | skipped (no code in this language) | not run (an earlier step failed)
    seconds: float = 0.0
    message: str = ""  # why it failed
    output: str = ""  # the program's output, for failures


@dataclass(frozen=True)
class GuideRun:
    guide: Guide
    language: str
    steps: tuple[StepRun, ...]
    first_call: FirstCall
    problems: tuple[Diagnostic, ...] = ()  # failed steps and budget overruns

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)


@dataclass(frozen=True)
class RunSettings:
    base_url: str  # where the calls go
    credentials: Mapping[str, str] = field(default_factory=dict)  # env var -> value
    timeout: float = 60.0
    budget: Budget = field(default_factory=Budget)
    cache_dir: Path | None = None


def reading_seconds(guide: Guide, until: Step | None) -> int:
    """Reading time of everything a newcomer reads before the first call runs."""
    texts = [guide.summary, *guide.prerequisites]
    for step in guide.steps:
        texts += [step.title, step.text]
        if step is until:
            break
        texts.append(step.after)
    return round(sum(words(t) for t in texts) * 60 / WORDS_PER_MINUTE)


def first_call_cost(
    snippets: Snippets, guide: Guide, language: str, requests: tuple[HttpRequest | None, ...]
) -> FirstCall:
    """Steps, lines and reading time before the first call: what the page can show
    without running anything (``requests`` as :func:`guide_requests` gives them)."""
    first = guide.first_call
    lines = 0
    for step, request in zip(guide.steps, requests, strict=True):
        lines += code_lines(step_code(snippets, step, language, request))
        if step is first:
            break
    return FirstCall(first.number if first else 0, lines, reading_seconds(guide, first), None)


def run_guide(
    guide: Guide, language: str, snippets: Snippets, validator: SchemaValidator, settings: RunSettings
) -> GuideRun:
    """Run every step of ``guide`` in ``language``, in order; stop at the first failure."""
    lang = LANGUAGES[language]
    captured: dict[str, str] = {}
    runs: list[StepRun] = []
    problems: list[Diagnostic] = []
    first = guide.first_call
    first_seconds: float | None = None
    elapsed = 0.0
    failed = False
    requests = guide_requests(snippets, guide, settings.base_url)
    for step, request in zip(guide.steps, requests, strict=True):
        if not step.runs:
            continue
        if failed:
            runs.append(StepRun(step.number, step.title, "not run"))
            continue
        code = step_code(snippets, step, language, request)
        if code is None:
            runs.append(StepRun(step.number, step.title, "skipped"))
            continue
        env = {**settings.credentials, **captured}
        files = {name: _SAMPLE_FILE for name in (request.files if request else ())}
        result = run_snippet(lang, code, env=env, files=files, timeout=settings.timeout, cache_dir=settings.cache_dir)
        elapsed += result.seconds
        message = ""
        if result.returncode is None:
            message = f"timed out after {settings.timeout:g} s (its process group was killed)"
        elif not result.ok:
            message = f"exited with status {result.returncode}"
        else:
            message = _check_output(step, result.stdout, snippets, validator, captured)
        output = (result.stdout + result.stderr).strip()
        if message:
            failed = True
            runs.append(StepRun(step.number, step.title, "failed", result.seconds, message, output[-4000:]))
            problems.append(
                Diagnostic(
                    f"step {step.number} ({step.title}) failed in {lang.label}: {message}",
                    step.location,
                    _tail(output),
                    rule="guide-run",
                )
            )
        else:
            runs.append(StepRun(step.number, step.title, "passed", result.seconds))
        if step is first and not failed:
            first_seconds = elapsed
    cost = first_call_cost(snippets, guide, language, requests)
    measured = FirstCall(cost.steps, cost.lines, cost.reading_seconds, first_seconds)
    # The configured budget is for quickstarts; a tutorial has only the one it sets.
    budget = settings.budget if guide.kind == "quickstart" else Budget()
    problems.extend(budget_problems(guide, lang.label, measured, budget.merged(guide.budget)))
    return GuideRun(guide, language, tuple(runs), measured, tuple(problems))


def _check_output(
    step: Step, stdout: str, snippets: Snippets, validator: SchemaValidator, captured: dict[str, str]
) -> str:
    """Validate a call's output against the spec and take its captures; '' when fine."""
    parsed: Any = UNSET
    schema = None
    if step.call is not None:
        op = snippets.api.operation(step.call.operation)
        found = success_response(op, step.call.status) if op else None
        schema = found[1] if found else None
    if schema is not None or step.captures:
        try:
            parsed = json.loads(stdout)
        except ValueError:
            return "its output is not JSON" + (" (needed for its captures)" if step.captures else "")
    if schema is not None:
        errors = validator.errors(schema.pointer, parsed, "response")
        if errors:
            return "the response does not match the spec: " + "; ".join(errors[:3])
    for capture in step.captures:
        value = field_value(parsed, capture.path)
        if value is UNSET or value is None or isinstance(value, (dict, list)):
            return f"its output has no value at '{'.'.join(capture.path)}' to capture as {capture.name}"
        captured[capture.name] = value if isinstance(value, str) else json.dumps(value)
    return ""


def _tail(output: str, lines: int = 12) -> str:
    kept = output.splitlines()[-lines:]
    return "output:\n    " + "\n    ".join(kept) if kept else "it printed nothing"


def budget_problems(guide: Guide, label: str, measured: FirstCall, budget: Budget) -> list[Diagnostic]:
    """The time-to-first-call limits ``measured`` exceeds."""
    over = []
    if budget.steps is not None and measured.steps > budget.steps:
        over.append(f"{measured.steps} steps (budget {budget.steps})")
    if budget.lines is not None and measured.lines > budget.lines:
        over.append(f"{measured.lines} lines of code (budget {budget.lines})")
    if budget.reading_seconds is not None and measured.reading_seconds > budget.reading_seconds:
        over.append(f"{measured.reading_seconds} s of reading (budget {budget.reading_seconds} s)")
    if budget.seconds is not None and measured.seconds is not None and measured.seconds > budget.seconds:
        over.append(f"{measured.seconds:.1f} s to run (budget {budget.seconds:g} s)")
    if not over:
        return []
    return [
        Diagnostic(
            f"time to first call over budget in {label}: {', '.join(over)}",
            guide.location,
            "shorten the path to the first call, or raise `budget:` in the guide",
            rule="guide-budget",
        )
    ]


def run_guides(
    guides: tuple[Guide, ...],
    languages: tuple[str, ...],
    snippets: Snippets,
    validator: SchemaValidator,
    settings: RunSettings,
    *,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> list[GuideRun]:
    """Every guide in every language, ``jobs`` at a time; results in a stable order."""
    pairs = [(g, lang) for g in guides for lang in languages]
    done = 0
    results: list[GuideRun] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_guide, g, lang, snippets, validator, settings) for g, lang in pairs]
        for future in futures:
            results.append(future.result())
            done += 1
            if progress is not None:
                progress(done, len(pairs))
    return results
