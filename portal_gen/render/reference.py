"""Render the reference pages (landing, authentication, tags, operations, webhooks,
models) from the model and the plan, through overridable Jinja2 templates (pure)."""

from __future__ import annotations

import http
import posixpath
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from ..config import PortalConfig
from ..model.api import UNSET, Api, MediaType, Operation, Parameter, Schema, SecurityRequirement, SecurityScheme
from ..model.case_studies import CaseStudy
from ..model.changelog import History, history_subject, release_anchor
from ..model.examples import example_for
from ..model.pricing import Pricing
from ..model.pricing_costs import meter_costs
from ..plan.paths import CHANGELOG_PAGE
from ..plan.reference import Plan, PlannedPage, link_base, operation_tag, page_url, relative_url, relpath, webhook_key
from ..plan.slugs import slugify
from ..snippets import Snippet, Snippets
from ..snippets.request import SnippetError, env_names
from .case_studies import used_by_links
from .html import extract_toc, highlight_blocks, highlight_code, highlight_once, to_json
from .markdown import anchor_sections, render_inline, render_markdown
from .page import RenderedPage
from .schema import SchemaTree
from .urls import safe_url

if TYPE_CHECKING:
    from .twin_reference import ReferenceTwins

PARAMETER_LOCATIONS = (
    ("path", "Path parameters"),
    ("query", "Query parameters"),
    ("header", "Header parameters"),
    ("cookie", "Cookie parameters"),
)


def make_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """The template environment; ``loader`` decides where templates come from."""
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters["md"] = render_markdown
    env.filters["inline"] = render_inline
    env.filters["slug"] = slugify
    env.filters["safe_url"] = safe_url  # the link macro's, and overrides': see .urls
    env.filters["anchor_sections"] = anchor_sections  # ids for the headings of page descriptions
    return env


def status_phrase(status: str) -> str:
    """``404`` -> ``Not Found``; ``4XX`` -> ``Client error``."""
    if status.isdigit():
        try:
            return http.HTTPStatus(int(status)).phrase
        except ValueError:
            return ""
    return {
        "1XX": "Informational",
        "2XX": "Success",
        "3XX": "Redirection",
        "4XX": "Client error",
        "5XX": "Server error",
        "default": "Any other status",
    }.get(status.upper() if status != "default" else status, "")


_TREES_KEPT = 1024  # rendered schema trees kept for reuse (tens of MB at most)


@dataclass(frozen=True)
class ExampleText:
    """One example of a media type as text, before highlighting: the HTML page and the
    Markdown twin show the same. ``text`` is ``None`` for an example kept elsewhere
    (``external``, its address). ``key``: what a generated example is kept under."""

    name: str
    summary: str | None
    text: str | None
    language: str
    external: str | None = None
    key: tuple[object, ...] | None = None


class ReferenceRenderer:
    """Renders every planned reference page; one instance per build."""

    def __init__(
        self,
        api: Api,
        plan: Plan,
        config: PortalConfig,
        env: jinja2.Environment,
        guides: tuple[tuple[str, str], ...] = (),
        snippets: Snippets | None = None,
        pricing: Pricing | None = None,
        used_by: Mapping[str, tuple[CaseStudy, ...]] | None = None,
        histories: Mapping[str, History] | None = None,
    ) -> None:
        self.api = api
        self.histories = histories or {}  # badges: "Added in", "Changed in" (the changelog)
        self.used_by = used_by or {}
        self.pricing = pricing
        self.snippets = snippets
        self.guides = guides
        self.plan = plan
        self.config = config
        self.env = env
        self.operations = {op.key: op for op in api.operations}
        self.webhooks = {webhook_key(w): w for w in api.webhooks}
        # Caches that live as long as this renderer (one build); keys hold ids of model
        # objects, which the model keeps alive for that long.
        # Pages render tag by tag, folder by folder: the trees of the folder at hand are
        # the recent ones, and a bound keeps a 10,000-operation spec's trees out of memory.
        self._trees: OrderedDict[tuple[object, ...], Markup] = OrderedDict()
        self._facts: dict[int, tuple[Schema, str]] = {}  # each schema's facts line (SchemaTree)
        # The folder every model page is in, when they share one (a tree's only links).
        folders = {
            posixpath.dirname(page_url(path, config.directory_urls).rstrip("/")) for path in plan.model_paths.values()
        }
        self._models_folder = folders.pop() if len(folders) == 1 else None
        self._generated: dict[tuple[object, ...], Markup] = {}
        self._generated_texts: dict[tuple[object, ...], tuple[str, str]] = {}
        self._twins: ReferenceTwins | None = None
        if config.twins:
            from .twin_reference import ReferenceTwins  # only builds with twins need it

            self._twins = ReferenceTwins(self)

    def render(self, page: PlannedPage) -> RenderedPage:
        template = self.env.get_template(f"reference/{page.kind}.html")
        context = self._context(page)
        if page.kind == "operation":
            context["op"] = self.operations[page.key]
        elif page.kind == "webhook":
            context["op"] = self.webhooks[page.key]
        elif page.kind == "tag":
            context["tag"] = next((t for t in self.api.tags if t.name == page.key), None)
            context["tag_name"] = page.key
            context["operations"] = self.plan.tag_operations.get(page.key, ())
        elif page.kind == "model":
            context["name"] = page.key
            context["model"] = self.api.schemas[page.key]
        # The page descriptions' headings become sections with ids no other element of
        # the page has (see .markdown.anchor_sections).
        body = str(anchor_sections(template.render(context))).strip() + "\n"  # plain text, not Markup
        # The twin reads the same context: what the page made (snippets, examples) is reused.
        twin = self._twins.render(page, context) if self._twins is not None else None
        return RenderedPage(page.path, page.title, body, extract_toc(body), page.kind, page.in_nav, twin=twin)

    # -- the helpers templates see ----------------------------------------------------

    def _context(self, page: PlannedPage) -> dict[str, Any]:
        directory_urls = self.config.directory_urls

        def url(path: str, anchor: str | None = None) -> str:
            return relative_url(page.path, path, directory_urls, anchor)

        def model_url(name: str) -> str | None:
            path = self.plan.model_paths.get(name)
            return url(path) if path else None

        tree = SchemaTree(self.api.schemas, model_url, self.config.schema_depth, self._facts)

        def op_url(op: Operation) -> str:
            return url(self.plan.operation_paths[op.key])

        # A tree's links (to model pages) are relative to the page, so pages whose links to
        # the models' folder are the same share a rendered tree: the operations of every
        # tag, on a big spec that returns the same models from many of them.
        links = tree_links(page.path, self._models_folder, directory_urls)

        def schema(value: Schema | None, direction: str = "response", root_name: str | None = None) -> Markup:
            if value is None:
                return Markup("")
            key = (links, value.ref or id(value), direction, root_name)
            cached = self._trees.get(key)
            if cached is None:
                cached = self._trees[key] = tree.render(value, direction, root_name=root_name)
                if len(self._trees) > _TREES_KEPT:
                    self._trees.popitem(last=False)
            else:
                self._trees.move_to_end(key)
            return cached

        def type_of(value: Schema | None) -> Markup:
            return Markup(tree.type_html(value)) if value is not None else Markup("")

        # A media type's examples, made and highlighted once for the page: the example
        # column, the reference beside it, the check of what it already shows and the
        # twin all ask.
        found_texts: dict[tuple[int, str], list[ExampleText]] = {}
        found_examples: dict[tuple[int, str], list[tuple[str, str | None, Markup]]] = {}

        def example_texts(media: MediaType, direction: str = "response") -> list[ExampleText]:
            key = (id(media), direction)
            found = found_texts.get(key)
            if found is None:
                found = found_texts[key] = self._example_texts(media, direction)
            return found

        def examples(media: MediaType, direction: str = "response") -> list[tuple[str, str | None, Markup]]:
            key = (id(media), direction)
            found = found_examples.get(key)
            if found is None:
                found = found_examples[key] = [self._highlight(e) for e in example_texts(media, direction)]
            return found

        made: dict[str, list[tuple[Snippet, Markup]]] = {}  # this page's, by operation

        def snippets(op: Operation) -> list[tuple[Snippet, Markup]]:
            if self.snippets is None or op.webhook:
                return []
            if op.key not in made:
                made[op.key] = [(s, _highlight_snippet(s)) for s in self.snippets.for_operation(op)]
            return made[op.key]

        def response_example(op: Operation) -> tuple[str, Markup | None] | None:
            """The first success response and its first example, shown beside the request."""
            for response in op.responses:
                if response.status.startswith("2"):
                    for media in response.content:
                        found = examples(media)
                        if found:
                            return response.status, found[0][2]
                    return response.status, None
            return None

        def response_tabs(op: Operation) -> list[tuple[str, Markup]]:
            """The example column's responses: one tab per status, with its example."""
            tabs = []
            for response in op.responses:
                code = next((found[0][2] for media in response.content if (found := examples(media))), None)
                head = f"<code>{escape(response.status)}</code> {escape(status_phrase(response.status))}"
                if response.description:
                    head += f": {render_inline(first_line(response.description))}"
                body = code if code is not None else Markup('<p class="portal-note">No content.</p>')
                tabs.append((response.status, Markup(f'<p class="portal-response-head">{head}</p>') + body))
            return tabs

        def error_rows(op: Operation) -> dict[str, tuple[tuple[str, str], ...]]:
            """Error responses listed in one table (status -> the models of their bodies):
            those whose every body is a model with a page, or that have no body."""
            rows = {}
            for response in op.responses:
                if not _is_error(response.status):
                    continue
                models = []
                for media in response.content:
                    ref = media.schema.ref if media.schema is not None else None
                    href = model_url(ref) if ref else None
                    if ref is None or href is None:
                        break
                    if (ref, href) not in models:
                        models.append((ref, href))
                else:
                    rows[response.status] = tuple(models)
            return rows

        def server_url(op: Operation) -> str:
            """The base of the operation's URL: its first server's, defaults filled in."""
            servers = op.servers or self.api.servers
            return servers[0].default_url.rstrip("/") if servers else ""

        shown_schemes: dict[str, dict[str, Any] | None] = {}  # the page's and its twin's

        def scheme_example(scheme: SecurityScheme) -> dict[str, Any] | None:
            if scheme.name not in shown_schemes:
                shown_schemes[scheme.name] = make_scheme_example(scheme)
            return shown_schemes[scheme.name]

        def make_scheme_example(scheme: SecurityScheme) -> dict[str, Any] | None:
            """A real call with ``scheme`` alone, in every snippet language: the
            operation and its snippets, and the variables that hold the secret."""
            if self.snippets is None:
                return None
            found = _example_operation(self.api.operations, scheme.name)
            if found is None:
                return None
            op, alternative = found
            alone = replace(op, security=(alternative,))
            try:
                request = self.snippets.request(alone)
            except SnippetError:
                return None
            if not request.credentials:  # mutual TLS: nothing a snippet carries
                return None
            tabs = [
                (s, _highlight_snippet(s))
                for s in (self.snippets.render(alone, lang, request) for lang in self.snippets.languages)
            ]
            together = [self.api.security_scheme(name) for name, _scopes in alternative.schemes if name != scheme.name]
            return {"op": op, "url": op_url(op), "tabs": tabs, "with": [s for s in together if s is not None]}

        def scheme_env(scheme: SecurityScheme) -> tuple[str, ...]:
            """The environment variables the snippets read this scheme's secret from."""
            if self.snippets is None:
                return ()
            return env_names(scheme, self.snippets.settings)

        def beside_request(op: Operation) -> tuple[str, Markup | None] | None:
            """The response the example column shows first, if it shows one (the
            reference then points to it instead of repeating it)."""
            return response_example(op) if snippets(op) else None

        def param_example(param: Parameter) -> Any:
            for example in param.examples:
                if example.value is not UNSET:
                    return example.value
            return example_for(param.schema, self.api.schemas, direction="request")

        made_examples: dict[tuple[int, str], tuple[Schema, Any]] = {}  # the model's, for its twin

        def example(value: Schema, direction: str = "response") -> Any:
            found = made_examples.get((id(value), direction))
            if found is None or found[0] is not value:
                found = made_examples[(id(value), direction)] = (
                    value,
                    example_for(value, self.api.schemas, direction=direction),
                )
            return found[1]

        written: dict[int, tuple[Any, str]] = {}  # JSON the page shows, for its twin to show too

        def page_json(value: Any) -> str:
            if not isinstance(value, (dict, list)):
                return to_json(value)
            found = written.get(id(value))  # the value is kept with its text: its id stays its own
            if found is None or found[0] is not value:
                found = written[id(value)] = (value, to_json(value))
            return found[1]

        return {
            "api": self.api,
            "plan": self.plan,
            "page": page,
            "config": self.config,
            "url": url,
            "op_url": op_url,
            "model_url": model_url,
            "schema": schema,
            "type_of": type_of,
            "examples": examples,
            "example_texts": example_texts,
            "param_example": param_example,
            "snippets": snippets,
            "response_example": response_example,
            "beside_request": beside_request,
            "response_tabs": response_tabs,
            "error_rows": error_rows,
            "server_url": server_url,
            "scheme_example": scheme_example,
            "scheme_env": scheme_env,
            "scheme_title": lambda name: scheme_title(self.api.security_scheme(name), name),
            "status_phrase": status_phrase,
            "operation_tag": operation_tag,
            "tag_url": lambda name: url(self.plan.tag_paths[name]),
            "auth_url": lambda anchor=None: url(f"{self.config.reference_dir.strip('/')}/authentication.md", anchor),
            "parameter_locations": PARAMETER_LOCATIONS,
            "to_json": page_json,
            "highlight": highlight_code,
            "webhook_items": [(key, self.webhooks[key], url(path)) for key, path in self.plan.webhook_paths.items()],
            "example": example,
            "guides": [(title, url(path)) for title, path in self.guides],
            "costs": lambda op: (
                meter_costs(self.pricing, op.operation_id, page.path, self.config)
                if self.pricing is not None and op.operation_id
                else []
            ),
            "used_by": lambda op: used_by_links(self.used_by.get(op.key, ()), page.path, self.config),
            "history": lambda op: self.histories.get(history_subject(op)),
            "changelog_url": lambda version: url(CHANGELOG_PAGE, release_anchor(version)),
            "UNSET": UNSET,
        }

    def _example_texts(self, media: MediaType, direction: str) -> list[ExampleText]:
        """Each example of a media type as text; one generated from the schema (kept
        for the build) when it has none."""
        language = _language(media.media_type)
        found = []
        for example in media.examples:
            if example.value is UNSET:
                if example.external_value:
                    found.append(ExampleText(example.name, example.summary, None, language, example.external_value))
                continue
            found.append(ExampleText(example.name, example.summary, *_example_text(example.value, language)))
        if not found and media.schema is not None:
            key = (media.schema.ref or id(media.schema), direction, language)
            made = self._generated_texts.get(key)
            if made is None:
                value = example_for(media.schema, self.api.schemas, direction=direction)
                made = self._generated_texts[key] = _example_text(value, language)
            found.append(ExampleText("generated", None, *made, key=key))
        return found

    def _highlight(self, example: ExampleText) -> tuple[str, str | None, Markup]:
        """(name, summary, highlighted code) of an example, as the templates show it."""
        if example.text is None:
            return example.name, example.summary, _external_example(example.external or "")
        if example.key is None:
            return example.name, example.summary, highlight_code(example.text, example.language)
        code = self._generated.get(example.key)
        if code is None:
            code = self._generated[example.key] = highlight_code(example.text, example.language)
        return example.name, example.summary, code


def _example_text(value: Any, language: str) -> tuple[str, str]:
    """An example value as (text, language): a string as it is, else JSON."""
    if isinstance(value, str) and language != "json":
        return value, language
    return to_json(value), "json"


def tree_links(path: str, models_folder: str | None, directory_urls: bool) -> tuple[str, str]:
    """What the links of a schema tree on the page at ``path`` depend on: the way from the
    page to ``models_folder``, where every model page is (``relative_url`` links a page
    outside that folder to a model by that way and the model's name), or, on a page inside
    that folder or when model pages have no one folder, the page's own base."""
    base = link_base(page_url(path, directory_urls)).rstrip("/")
    if not models_folder or base == models_folder or base.startswith(models_folder + "/"):
        return ("from", base)
    return ("to models", relpath(models_folder, base or "."))


def _external_example(address: str) -> Markup:
    """An example kept elsewhere (``externalValue``): a link to it, or its address as
    text when the URL policy (:mod:`.urls`) refuses it."""
    href = safe_url(address)
    shown = Markup.escape(address)
    if href is None:
        return Markup(f"<p>Example at {shown}</p>")
    return Markup(f'<p>Example at <a href="{Markup.escape(href)}">{shown}</a></p>')


def _highlight_snippet(snippet: Snippet) -> Markup:
    # Generated code never has a literal spanning a blank line, so its blocks can be
    # highlighted (and cached) one by one; curl's single-quoted bodies can, and user
    # code is anything: those are highlighted whole.
    if snippet.origin == "generated" and snippet.language != "curl":
        return highlight_blocks(snippet.code, snippet.lexer)
    return highlight_once(snippet.code, snippet.lexer)


def _example_operation(operations: tuple[Operation, ...], scheme: str) -> tuple[Operation, SecurityRequirement] | None:
    """The operation that shows ``scheme`` best, and the security alternative to show it
    with: one that accepts the scheme alone, else with the fewest other schemes; among
    those the simplest (a GET, then fewer required parameters, then a shorter path)."""

    def cost(item: tuple[Operation, SecurityRequirement]) -> tuple[int, int, int, int]:
        op, alternative = item
        required = sum(1 for p in op.parameters if p.required)
        has_body = op.request_body is not None and op.request_body.required
        return (len(alternative.schemes), op.method != "get", required + has_body, len(op.path))

    found = [
        (op, alt)
        for op in operations
        if not op.webhook and not op.deprecated
        for alt in op.security
        if any(name == scheme for name, _scopes in alt.schemes)
    ]
    return min(found, key=cost) if found else None


def _is_error(status: str) -> bool:
    """4xx, 5xx, their ranges, and ``default`` (what any other status answers)."""
    return status[:1] in ("4", "5") or status == "default"


def first_line(text: str) -> str:
    """The first paragraph's first line of a Markdown description."""
    return text.strip().split("\n", 1)[0]


def scheme_title(scheme: SecurityScheme | None, name: str) -> str:
    """A human title for a security scheme: its description when that is a short
    phrase, else a readable form of its type (``bearerAuth`` -> ``Bearer token``)."""
    if scheme is None:
        return name
    described = (scheme.description or "").strip()
    if described and "\n" not in described and len(described) <= 48 and not described.endswith("."):
        return described
    if scheme.type == "http":
        kind = (scheme.scheme or "").lower()
        if kind == "bearer":
            return f"Bearer token ({scheme.bearer_format})" if scheme.bearer_format else "Bearer token"
        if kind == "basic":
            return "HTTP Basic"
        return f"HTTP {scheme.scheme}" if scheme.scheme else "HTTP authentication"
    if scheme.type == "apiKey":
        where = {"header": "header", "query": "query parameter", "cookie": "cookie"}.get(scheme.location or "", "")
        return f"API key in the {scheme.param_name} {where}".rstrip() if scheme.param_name else "API key"
    return {"oauth2": "OAuth 2.0", "openIdConnect": "OpenID Connect", "mutualTLS": "Mutual TLS"}.get(scheme.type, name)


def _language(media_type: str) -> str:
    media_type = media_type.split(";")[0].strip().lower()
    if media_type.endswith("json") or media_type == "*/*":
        return "json"
    if media_type.endswith("xml"):
        return "xml"
    if media_type in ("text/html",):
        return "html"
    if media_type in ("application/x-yaml", "application/yaml", "text/yaml"):
        return "yaml"
    return "text"
