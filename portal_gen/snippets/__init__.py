"""Request snippets in every language, from the spec (pure).

The pieces: :mod:`.request` works out the one request an operation's snippet sends;
each module in :mod:`.languages` writes it in one language and says how to run it;
:mod:`.run` runs it. This module picks, per operation and language, what the page
shows: the spec's own ``x-codeSamples`` first, then a user's template in
``site_templates/snippets/<language>.j2``, then the generated code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import jinja2

from ..errors import Location, PortalError
from ..model.api import UNSET, Api, Operation
from ..model.examples import FIELDS, Judge
from .languages import LANGUAGES, Language, language_for
from .request import HttpRequest, SnippetError, SnippetSettings, build_request, check_env_name, env_names

__all__ = [
    "LANGUAGES",
    "HttpRequest",
    "Snippet",
    "SnippetError",
    "SnippetSettings",
    "Snippets",
    "build_request",
]


@dataclass(frozen=True)
class Snippet:
    language: str  # id, e.g. "python"
    label: str  # tab label, e.g. "Python"
    lexer: str  # Pygments lexer name
    code: str
    origin: str  # generated | template | x-codeSamples


def snippet_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """Templates that write code: no HTML escaping, exact whitespace."""
    env = jinja2.Environment(
        loader=loader,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["tojson"] = lambda value, indent=2: json.dumps(value, indent=indent, ensure_ascii=False)
    return env


class Snippets:
    """Snippets for the configured languages; one instance per build."""

    def __init__(
        self,
        api: Api,
        settings: SnippetSettings,
        languages: Sequence[str],
        env: jinja2.Environment | None = None,
        config_file: str = "mkdocs.yml",
        judge: Judge | None = None,
    ) -> None:
        self.api = api
        self.settings = settings
        self.judge = judge
        if settings.fields not in FIELDS:
            raise PortalError(
                f"snippet_fields is '{settings.fields}'",
                Location(config_file),
                f"use one of {', '.join(FIELDS)}",
            )
        self.env = env
        self.languages = tuple(languages)
        self._templates = {lang: self._template(lang) for lang in self.languages}
        for lang in self.languages:
            if lang not in LANGUAGES and self._templates[lang] is None:
                raise PortalError(
                    f"unknown snippet language '{lang}'",
                    Location(config_file),
                    f"use some of {', '.join(LANGUAGES)}, or write site_templates/snippets/{lang}.j2",
                )
        for scheme in api.security_schemes:
            for name in env_names(scheme, settings):
                if not check_env_name(name):
                    raise PortalError(
                        f"'{name}' is not a usable environment variable name (security scheme {scheme.name})",
                        Location(config_file),
                        "use letters, digits and underscores, not starting with a digit, in snippet_credentials",
                    )

    def _template(self, lang: str) -> jinja2.Template | None:
        if self.env is None:
            return None
        try:
            return self.env.get_template(f"snippets/{lang}.j2")
        except jinja2.TemplateNotFound:
            return None

    def request(
        self,
        op: Operation,
        *,
        values: Mapping[str, Any] | None = None,
        body: Any = UNSET,
        base_url: str | None = None,
    ) -> HttpRequest:
        settings = self.settings if base_url is None else replace(self.settings, base_url=base_url)
        return build_request(self.api, op, settings, values=values, body=body, judge=self.judge)

    def for_operation(self, op: Operation, request: HttpRequest | None = None) -> tuple[Snippet, ...]:
        """One snippet per configured language (and per extra ``x-codeSamples`` language)."""
        request = request or self.request(op)
        samples = _code_samples(op)
        result = []
        for lang in self.languages:
            sample = samples.pop(lang, None)
            if sample is not None:
                result.append(sample)
            else:
                result.append(self.render(op, lang, request))
        result.extend(samples.values())  # languages portal does not generate itself
        return tuple(result)

    def render(self, op: Operation, lang: str, request: HttpRequest) -> Snippet:
        """The generated (or user-templated) snippet for one language."""
        language = LANGUAGES.get(lang)
        template = self._templates.get(lang) if lang in self._templates else self._template(lang)
        if template is not None:
            code = template.render(
                request=request,
                op=op,
                api=self.api,
                string=language.string if language else json.dumps,
                literal=language.literal if language else json.dumps,
                default=language.render(request) if language else "",
            )
            return Snippet(lang, _label(lang, language), language.lexer if language else lang, code, "template")
        if language is None:
            raise SnippetError(f"no snippet language '{lang}'")
        return Snippet(lang, language.label, language.lexer, language.render(request), "generated")


def _label(lang: str, language: Language | None) -> str:
    return language.label if language else lang.replace("-", " ").title()


def _code_samples(op: Operation) -> dict[str, Snippet]:
    """The spec's ``x-codeSamples`` (or ``x-code-samples``), by language id."""
    raw = op.extensions.get("x-codeSamples") or op.extensions.get("x-code-samples") or []
    samples: dict[str, Snippet] = {}
    if not isinstance(raw, list):
        return samples
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            continue
        name = str(item.get("lang") or "")
        language = language_for(name)
        key = language.id if language else name.strip().lower() or "sample"
        label = str(item.get("label") or (language.label if language else name or "Sample"))
        samples.setdefault(
            key, Snippet(key, label, language.lexer if language else key, item["source"], "x-codeSamples")
        )
    return samples
