"""Render quickstart and tutorial pages: numbered steps, code in every language, and
the time to first call (pure)."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from ..config import PortalConfig
from ..gate.verify import FirstCall, first_call_cost, guide_requests, step_code
from ..model.api import UNSET
from ..model.case_studies import CaseStudy
from ..model.examples import example_for
from ..model.guides import Guide, Step, success_response
from ..plan.reference import Plan, relative_url
from ..snippets import Snippet, Snippets
from ..snippets.guide import keep_captures
from ..snippets.languages import LANGUAGES
from ..snippets.request import HttpRequest
from ..snippets.values import env_values
from .case_studies import used_by_links
from .html import extract_toc, highlight_once
from .markdown import plain_title, render_markdown
from .page import RenderedPage
from .twin import twin_links
from .twin_content import CodeBlock, guide_twin
from .urls import relative_link, safe_url


@dataclass(frozen=True)
class Verified:
    """What ``portal check --record`` measured for one guide."""

    date: str
    spec_version: str
    languages: Mapping[str, Mapping[str, Any]]  # language -> steps, lines, reading_seconds, seconds


def verified_from(data: Any) -> dict[str, Verified]:
    """The records in a ``portal-verified.json`` document (unknown shapes are skipped)."""
    records: dict[str, Verified] = {}
    guides = data.get("guides") if isinstance(data, dict) else None
    if not isinstance(guides, dict):
        return records
    for guide_id, record in guides.items():
        if isinstance(record, dict) and isinstance(record.get("languages"), dict):
            records[guide_id] = Verified(
                str(record.get("date", "")), str(record.get("spec_version", "")), record["languages"]
            )
    return records


# Links to Markdown sources in guide prose, as MkDocs rewrites them in its own pages.
_MD_LINK = re.compile(r'href="(?![A-Za-z][A-Za-z0-9+.-]*:|/|\\|#)([^"#?]+\.md)(?:#([^"]*))?"')


def _link(page: str, target: str, anchor: str | None, directory_urls: bool) -> str:
    """``target`` (relative to ``page``'s folder, a source path) as a URL from ``page``."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
    return relative_link(relative_url(page, path, directory_urls, anchor or None))


class GuideRenderer:
    """Renders every guide page; one instance per build."""

    def __init__(
        self,
        guides: tuple[Guide, ...],
        snippets: Snippets,
        plan: Plan,
        config: PortalConfig,
        env: jinja2.Environment,
        verified: Mapping[str, Verified],
        used_by: Mapping[str, tuple[CaseStudy, ...]] | None = None,
    ) -> None:
        self.guides = guides
        self.by_id = {g.id: g for g in guides}
        self.snippets = snippets
        self.plan = plan
        self.config = config
        self.env = env
        self.verified = verified
        self.used_by = used_by or {}
        self.languages = tuple(lang for lang in snippets.languages if lang in LANGUAGES)

    def render(self, guide: Guide) -> RenderedPage:
        page = guide.page
        directory_urls = self.config.directory_urls

        def url(path: str, anchor: str | None = None) -> str:
            return relative_url(page, path, directory_urls, anchor)

        api = self.snippets.api
        requests = guide_requests(self.snippets, guide)
        steps = [self.step_view(step, request, url) for step, request in zip(guide.steps, requests, strict=True)]
        next_steps: list[tuple[str, str | None]] = []
        for item in guide.next_steps:
            href: str | None
            if item.guide:
                href = url(self.by_id[item.guide].page)
            elif item.operation:
                op = api.operation(item.operation)
                href = url(self.plan.operation_paths[op.key]) if op else "#"
            else:
                href = safe_url(item.url)  # None: the title as text (see .urls)
            next_steps.append((item.title, href))
        costs = [
            (lang, LANGUAGES[lang].label, first_call_cost(self.snippets, guide, lang, requests))
            for lang in self.languages
        ]
        setup = _credential_variables(requests)
        how_to_run = [
            (Snippet(lang, LANGUAGES[lang].label, "", "", "guide"), render_markdown(LANGUAGES[lang].how_to_run))
            for lang in self._languages_used(guide)
            if LANGUAGES[lang].how_to_run
        ]
        context = {
            "guide": guide,
            "api": api,
            "steps": steps,
            "next_steps": next_steps,
            "setup": setup,
            "setup_lines": _credential_lines(setup),
            "highlight": highlight_once,
            "how_to_run": how_to_run,
            "costs": costs,
            "first_call": guide.first_call,
            "verified": self.verified.get(guide.id),
            "measured": measured_time,
            "used_by": used_by_links(self.used_by.get(guide.id, ()), page, self.config),
        }
        body = self.env.get_template("guides/guide.html").render(context).strip() + "\n"
        body = _MD_LINK.sub(lambda m: f'href="{_link(page, m.group(1), m.group(2), directory_urls)}"', body)
        twin = self._twin(guide, steps, costs, setup, how_to_run) if self.config.twins else None
        return RenderedPage(page, plain_title(guide.title), body, extract_toc(body), guide.kind, twin=twin)

    def _twin(
        self,
        guide: Guide,
        steps: list[dict[str, Any]],
        costs: list[tuple[str, str, FirstCall]],
        setup: list[tuple[str, str]],
        how_to_run: list[tuple[Snippet, Markup]],
    ) -> str:
        """The guide's Markdown twin, from what its page shows (see :mod:`.twin_content`)."""
        verified = self.verified.get(guide.id)
        ran = {
            lang: measured_time(record.get("seconds")) if isinstance(record, Mapping) else ""
            for lang, record in (verified.languages.items() if verified else ())
        }
        return guide_twin(
            guide,
            steps,
            api=self.snippets.api,
            links=twin_links(self.config),
            operation_paths=self.plan.operation_paths,
            guides=self.by_id,
            costs=costs,
            ran=ran,
            verified=(verified.date, verified.spec_version) if verified else None,
            setup_lines=_credential_lines(setup),
            how_to_run=[(tab.label, LANGUAGES[tab.language].how_to_run) for tab, _ in how_to_run],
            used_by=self.used_by.get(guide.id, ()),
        )

    def step_view(self, step: Step, request: HttpRequest | None, url: Any, *, keep: bool = True) -> dict[str, Any]:
        """What a template shows of one step: its code tabs (each with the lines that
        keep the step's captures, unless ``keep`` is false: the home page shows the call
        alone), the same code as text for the page's Markdown twin (``code``), the
        operation it calls (with a link made by ``url``) and the output a reader should
        see."""
        tabs: list[tuple[Snippet, Markup]] = []
        blocks: list[CodeBlock] = []  # the same code, for the page's Markdown twin
        operation = None
        if step.call is not None:
            op = self.snippets.api.operation(step.call.operation)
            if op is not None:
                operation = (op, url(self.plan.operation_paths[op.key]))
        captures = [(c.name, c.path) for c in step.captures] if keep else []
        for lang in (*self.languages, *(k for k in step.code if k not in self.languages)):
            code = step_code(self.snippets, step, lang, request)
            if code is None:
                continue
            language = LANGUAGES.get(lang)
            label = language.label if language else lang
            lexer = language.lexer if language else lang
            kept = keep_captures(code, language, captures, generated=not step.code)
            html = highlight_once(kept.code, lexer)
            if kept.run:
                html = Markup(
                    '{}<p class="portal-step__keep">Run it, keeping the output in <code>{}</code>:</p>{}'
                ).format(html, "response.json", highlight_once(kept.run, "bash"))
            tabs.append((Snippet(lang, label, lexer, kept.code, "guide"), html))
            blocks.append(CodeBlock(label, lexer, kept.code, kept.run))
        return {
            "step": step,
            "tabs": tabs,
            "code": blocks,
            "operation": operation,
            "captures": step.captures,
            "expected": self._expected_output(step),
        }

    def _languages_used(self, guide: Guide) -> list[str]:
        """The snippet languages the guide shows code in, in tab order."""
        calls = any(step.call for step in guide.steps)
        written = {lang for step in guide.steps for lang in step.code}
        order = dict.fromkeys((*self.languages, *LANGUAGES))
        return [lang for lang in order if lang in LANGUAGES and ((calls and lang in self.languages) or lang in written)]

    def _expected_output(self, step: Step) -> tuple[str, str, bool] | None:
        """What a call prints, from its response's example (else one made from its
        schema): ``(status, JSON text, shortened)``; the text is empty for a response
        without a body, and lists are cut to their first item (``shortened``)."""
        if step.call is None:
            return None
        api = self.snippets.api
        op = api.operation(step.call.operation)
        found = success_response(op, step.call.status) if op else None
        if op is None or found is None:
            return None
        status, schema = found
        value: Any = UNSET
        for response in op.responses:
            if response.status == status:
                examples = (e.value for m in response.content for e in m.examples if e.value is not UNSET)
                value = next(examples, UNSET)
                if not response.content:
                    return status, "", False
        if value is UNSET and schema is not None:
            value = example_for(schema, api.schemas, direction="response")
        if value is UNSET:
            return None
        short = _shortened(value, step)
        return status, json.dumps(short, indent=2, ensure_ascii=False), short != value


_MENTIONED = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)")
_SHORT = 8  # fields an object may have before it is cut to the ones the step is about


def _shortened(value: Any, step: Step) -> Any:
    """An example response as this step's reader would see it, short: the values the
    call sent in place of the example's, lists cut to their first item, and long
    objects cut to the fields the step captures, sends or names in its prose."""
    call = step.call
    sent = call.body if call is not None and isinstance(call.body, dict) else {}
    if isinstance(value, dict):
        value = {key: sent[key] if key in sent and not list(env_values(sent[key])) else v for key, v in value.items()}
    named = {"id"} | {c.path[0] for c in step.captures} | set(sent) | set(_MENTIONED.findall(step.text + step.after))
    return _cut(value, named)


def _cut(value: Any, named: set[str]) -> Any:
    if isinstance(value, list):
        scalars = not any(isinstance(item, (dict, list)) for item in value)
        return value if scalars else [_cut(item, named) for item in value[:1]]
    if isinstance(value, dict):
        if len(value) > _SHORT:
            value = {key: item for key, item in value.items() if key in named} or dict(list(value.items())[:_SHORT])
        return {key: _cut(item, named) for key, item in value.items()}
    return value


def measured_time(seconds: float | None) -> str:
    """A measured run time as a reader takes it in: "under 1 s", "1.3 s", "12 s";
    "" when nothing was measured."""
    if seconds is None or seconds < 0:
        return ""
    if seconds < 1:
        return "under 1 s"
    return f"{seconds:.1f} s" if seconds < 10 else f"{round(seconds)} s"


def _credential_lines(setup: list[tuple[str, str]]) -> list[str]:
    """Shell lines that set the credential variables without a value in the code (or
    in the shell's history): ``read -rs`` waits for it to be pasted."""
    lines = []
    for name, what in setup:
        lines += [f"read -rs {name}  # paste your {what}, then press Enter", f"export {name}"]
    return lines


def _credential_variables(requests: tuple[HttpRequest | None, ...]) -> list[tuple[str, str]]:
    """The environment variables the guide's calls read credentials from: (variable,
    what it holds)."""
    found: dict[str, str] = {}
    for request in requests:
        for credential in request.credentials if request else ():
            # Said as a reader knows it, not by the spec's scheme key ("bearerAuth").
            roles = {"basic": ("user name", "password"), "bearer": ("API token",)}.get(credential.kind, ("API key",))
            for name, role in zip(credential.env, roles, strict=False):
                found.setdefault(name, role)
    return list(found.items())
