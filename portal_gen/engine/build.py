"""Generate every page of a loaded project (no MkDocs here).

    load (IO) -> build model -> plan pages -> render -> emit (adapter)

:func:`generate_site` plans and renders each page, with the page cache
(:mod:`.cache`) and a forked helper for the pages not in it. Adapters (the MkDocs
plugin, the CLI) call :func:`portal_gen.engine.project.load_project` and
:func:`generate_site` and publish the result however their site generator wants."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jinja2

from ..config import PortalConfig
from ..errors import Location, PortalError, display_path
from ..load.bundle import bundled_files
from ..model.api import Schema
from ..model.case_studies import CaseStudy, used_by
from ..model.changelog import Changelog, History, history_subject
from ..model.examples import Judge
from ..model.pricing_costs import meter_costs
from ..model.pricing_math import pricing_data
from ..plan.paths import CASE_STUDY_INDEX, CHANGELOG_FEED, HOME_PAGE, PRICING_PAGE
from ..plan.reference import NavSection, Plan, PlannedPage, plan_reference, webhook_key
from ..plan.site import content_sections, top_page
from ..render.case_studies import FILTER_JS, render_case_study, render_case_study_index
from ..render.changelog import render_changelog, render_feed
from ..render.guide import GuideRenderer
from ..render.home import render_home
from ..render.page import RenderedPage
from ..render.pricing import PRICING_JS, PRICING_JSON, render_pricing
from ..render.reference import ReferenceRenderer, make_environment
from ..render.twin import actions_html
from ..snippets import Snippets, snippet_environment
from .cache import PageCache
from .keys import SpecDigests, code_digest, config_digest, digest, folder_digest, pointer_of
from .parallel import JobFailed, JobShare, can_share
from .project import Project, model_headings, snippet_settings
from .validation import spec_digest

CSS_PATH = "assets/portal/portal.css"
JS_PATH = "assets/portal/portal.js"  # behaviour every page shares (copy buttons, dialog names)


GUIDE_SCHEMA_PATH = "schemas/guide.schema.json"  # published so editors can autocomplete guides


PRICING_SCHEMA_PATH = "schemas/pricing.schema.json"


CASE_STUDY_SCHEMA_PATH = "schemas/case-study.schema.json"


CHANGELOG_SCHEMA_PATH = "schemas/changelog.schema.json"


@dataclass(frozen=True)
class Site:
    """The generated pages, their navigation and the static assets they need."""

    pages: tuple[RenderedPage, ...]
    nav: NavSection
    plan: Plan
    guide_nav: tuple[NavSection, ...] = ()  # Quickstarts, Tutorials, Case studies
    top_pages: tuple[PlannedPage, ...] = ()  # Pricing: at the top level of the navigation
    extra_files: tuple[tuple[str, bytes], ...] = ()  # published as they are (pricing.json, scripts)
    keys: Mapping[str, str] = field(default_factory=dict)  # each page's cache key, by path


def template_loader(config: PortalConfig) -> jinja2.BaseLoader:
    """User templates in ``site_templates/`` first, then the package's own."""
    return jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(config.templates_path)),
            jinja2.PackageLoader("portal_gen", "templates"),
        ]
    )


def generate_site(
    project: Project,
    loader: jinja2.BaseLoader,
    *,
    guides: tuple[tuple[str, str], ...] = (),
    progress: Callable[[int, int], None] | None = None,
    home: bool = True,
    cache: PageCache | None = None,
    share: bool = True,
    previous: Site | None = None,
) -> Site:
    """Plan and render every page.

    Not pure: with a ``cache`` it reads and writes ``.portal-cache/``, and with
    ``share`` it forks a helper process; the pages are the same either way.

    ``guides`` are hand-written Markdown quickstarts (title, path) the landing and home
    pages link to, besides the YAML quickstarts. ``home=False`` leaves the home page
    out: the site has its own ``index.md``. With a ``cache``, a page whose inputs are
    unchanged since it was last rendered comes from it (see :mod:`.cache`), and, with
    ``share``, a forked helper renders part of the others on a second core. The
    ``previous`` site (a live preview's) lends the pages whose key is unchanged.
    """
    config = project.config
    plan = plan_reference(project.api, config)
    snippets = make_snippets(project, loader)
    env = make_environment(loader)
    if cache is not None and cache.directory is not None:
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache.jinja_directory()))
    quickstarts = tuple(
        sorted((*guides, *((g.title, g.page) for g in project.guides if g.kind == "quickstart")), key=lambda g: g[1])
    )
    operations_used, guides_used = used_by(project.case_studies)
    renderer = ReferenceRenderer(
        project.api, plan, config, env, quickstarts, snippets, project.pricing, operations_used, histories(project)
    )
    guide_renderer = GuideRenderer(project.guides, snippets, plan, config, env, project.verified, guides_used)
    jobs: list[tuple[str, Callable[[], RenderedPage]]] = [
        (g.page, functools.partial(guide_renderer.render, g)) for g in project.guides
    ]
    jobs += [(p.path, functools.partial(renderer.render, p)) for p in plan.pages]
    studies = project.case_studies
    if studies:
        jobs.append(
            (CASE_STUDY_INDEX, functools.partial(render_case_study_index, studies, env, config, api=project.api))
        )
        jobs += [
            (s.page, functools.partial(render_case_study, s, studies, env, config, plan, project.api, project.guides))
            for s in studies
        ]
    if home and project.home is not None:
        hand_written = tuple(g for g in guides if g[1].startswith("quickstarts/"))
        jobs.append(
            (
                HOME_PAGE,
                functools.partial(
                    render_home,
                    project.home,
                    env,
                    config,
                    plan,
                    guide_renderer,
                    studies,
                    project.pricing,
                    hand_written,
                ),
            )
        )
    keys: dict[str, str] = {}
    if cache is not None:
        # Which $refs each part of the spec holds, as the last build (or, under `serve`,
        # the last rebuild in this process) found: only what changed is walked again.
        spec = SpecDigests(project.source.data, None if SpecDigests.remembers() else cache.spec_refs())
        keys = page_keys(project, plan, quickstarts, spec)
        if spec.walked:
            cache.keep_spec_refs(spec.learnt())
    # A live preview's last build: its pages of unchanged keys, without reading the cache.
    known = {previous.keys[p.path]: p for p in previous.pages if p.path in previous.keys} if previous else {}
    helper = _HelperRenders.start(jobs, keys, cache, config) if cache is not None and share else None
    found: list[RenderedPage | None] = []
    total = len(jobs)
    try:
        for index, (path, render) in enumerate(jobs):
            key = keys.get(path)
            page = None
            if cache is not None and key is not None:
                page = known.get(key)
                if page is not None:
                    cache.mark_used(key)
                else:
                    page = cache.get(key)
            if page is None and (helper is None or helper.claim(index)):
                page = _render(render, path, config)
                if cache is not None and key is not None:
                    page = cache.put(key, page)  # its HTML now read back when needed
                if helper is not None:
                    helper.done(index)
            found.append(page)  # None: the helper's, read from the cache once it is done
            if progress is not None:
                progress(index + 1, total)
    finally:
        if helper is not None:
            helper.finish()
    pages = []
    for (path, render), page in zip(jobs, found, strict=True):
        if page is None and cache is not None:
            page = cache.get(keys[path])
        if page is None:  # the helper failed on it: render it here to raise its error
            page = _render(render, path, config)
        pages.append(page)
    guide_nav = content_sections(project.guides, studies)
    top_pages: tuple[PlannedPage, ...] = ()
    extra_files: list[tuple[str, bytes]] = [(s.logo.path, s.logo.data) for s in studies]
    extra_files += bundled_files(project.source)  # openapi.json and openapi.yaml, to download
    if studies:
        extra_files.append((FILTER_JS, read_asset("case-studies.js")))
    if project.pricing is not None:
        page = with_actions(render_pricing(project.pricing, env, config, plan, api=project.api), config)
        pages.append(page)
        top_pages = (top_page("pricing", page.path, page.title),)
        data = json.dumps(pricing_data(project.pricing), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        extra_files += [(PRICING_JSON, data.encode()), (PRICING_JS, read_asset("pricing.js"))]
    changelog = site_changelog(project)
    if changelog is not None:
        page = with_actions(render_changelog(changelog, project.api, env, config, plan), config)
        pages.append(page)
        top_pages += (top_page("changelog", page.path, page.title),)
        extra_files.append((CHANGELOG_FEED, render_feed(changelog, project.api, config, plan)))
    return Site(tuple(pages), plan.nav, plan, guide_nav, top_pages, tuple(extra_files), keys)


def site_changelog(project: Project) -> Changelog | None:
    """The changelog, if the site has a page for it: some release to show."""
    return project.changelog if project.changelog is not None and project.changelog.releases else None


def histories(project: Project) -> dict[str, History]:
    """Each operation's badges (its newest events in the changelog), if the site has one."""
    changelog = site_changelog(project)
    return changelog.histories if changelog is not None else {}


def _render(render: Callable[[], RenderedPage], path: str, config: PortalConfig) -> RenderedPage:
    """``render()``, with template errors as :class:`PortalError`."""
    try:
        return with_actions(render(), config)
    except jinja2.TemplateSyntaxError as exc:
        where = display_path(exc.filename, config.project_dir) if exc.filename else exc.name or "template"
        raise PortalError(
            f"template error: {exc.message}",
            Location(where, exc.lineno or 0, 1),
            "fix the Jinja2 syntax in this template",
        ) from None
    except jinja2.UndefinedError as exc:
        raise PortalError(
            f"template error while rendering {path}: {exc.message}",
            None,
            "a template in site_templates/ uses a name the page does not provide",
        ) from None


def with_actions(page: RenderedPage, config: PortalConfig) -> RenderedPage:
    """``page`` with its "Copy page" button, if it has a Markdown twin to copy."""
    if page.twin is None:
        return page
    # After the title: search (Material's, portal's title with method and path) reads
    # a page from its <h1>; the stylesheet places the button beside it.
    html = page.html
    actions = actions_html(page.path, config.directory_urls)
    end = html.find("</h1>")
    if end == -1:
        return dataclasses.replace(page, body=actions + html)
    cut = end + len("</h1>")
    return dataclasses.replace(page, body=f"{html[:cut]}\n{actions}{html[cut:].lstrip()}")


class _HelperRenders:
    """The pages not in the cache, rendered on a second core too (:class:`JobShare`).

    A forked helper renders from the back of the list into the cache, and this process
    reads its pages back from there: only the few bytes of each page's outline cross
    over, and with the bodies on disk, neither process holds the site's HTML.
    """

    def __init__(self, share: JobShare, slots: dict[int, int]) -> None:
        self._share = share
        self._slots = slots  # job index -> the helper's job number

    @classmethod
    def start(
        cls,
        jobs: list[tuple[str, Callable[[], RenderedPage]]],
        keys: dict[str, str],
        cache: PageCache,
        config: PortalConfig,
    ) -> _HelperRenders | None:
        if cache.directory is None or not can_share():
            return None
        cold = [i for i, (path, _) in enumerate(jobs) if path in keys and not cache.has_page(keys[path])]
        if len(cold) < _HELPER_MIN_PAGES:
            return None

        def run(number: int) -> None:
            path, render = jobs[cold[number]]
            cache.put(keys[path], with_actions(render(), config))  # a failure is rendered again by the parent

        share = JobShare(run, len(cold))
        share.start()
        return cls(share, {index: number for number, index in enumerate(cold)})

    def claim(self, index: int) -> bool:
        """Whether this process renders job ``index`` (a job the helper cannot have is ours)."""
        number = self._slots.get(index)
        return number is None or self._share.claim(number)

    def done(self, index: int) -> None:
        if index in self._slots:
            self._share.done()

    def finish(self) -> None:
        """Wait for the helper. Its failure is not raised: the page it failed on is
        missing from the cache, and rendering it here raises the error as portal words it."""
        try:
            ran = self._share.finish()
        except (JobFailed, RuntimeError):
            return
        log.debug(f"{ran} of {len(self._slots)} pages not in the cache rendered by a second process")


_HELPER_MIN_PAGES = 32  # fewer cold pages are not worth a fork


log = logging.getLogger("portal.engine")


def page_keys(
    project: Project, plan: Plan, quickstarts: tuple[tuple[str, str], ...], spec: SpecDigests | None = None
) -> dict[str, str]:
    """The cache key of every page rendered from a part of the project (reference
    operations, webhooks, models and tags; guides): a hash of what it shows.

    ``spec``: the spec's digests, perhaps told what the last build learnt of it."""
    config = project.config
    data = project.source.data
    spec = spec or SpecDigests(data)
    frame = {k: v for k, v in data.items() if k not in ("paths", "webhooks", "components", "tags")}
    if isinstance(frame.get("info"), dict):
        frame["info"] = {k: v for k, v in frame["info"].items() if k not in ("description", "summary")}
    schemes = data.get("components", {}).get("securitySchemes") if isinstance(data.get("components"), dict) else None
    site = digest(
        code_digest(),
        folder_digest(config.templates_path),
        config_digest(config),
        frame,
        schemes,
        [(p.kind, p.path, p.title, p.key, p.in_nav) for p in plan.pages],
    )
    operations_used, guides_used = used_by(project.case_studies)
    badges = histories(project)

    def studies(found: tuple[CaseStudy, ...]) -> list[tuple[str, str, str]]:
        return [(s.company, s.use_case, s.page) for s in found]

    def path_item(op: Any) -> str:
        return pointer_of(*op.pointer[:-1])

    operations = {op.key: op for op in project.api.operations}
    webhooks = {webhook_key(w): w for w in project.api.webhooks}
    tags = {t.get("name"): t for t in data.get("tags") or () if isinstance(t, dict)}
    keys: dict[str, str] = {}
    for page in plan.pages:
        if page.kind in ("operation", "webhook"):
            op = operations[page.key] if page.kind == "operation" else webhooks[page.key]
            costs = (
                meter_costs(project.pricing, op.operation_id, page.path, config)
                if project.pricing is not None and op.operation_id and not op.webhook
                else []
            )
            keys[page.path] = digest(
                site,
                page.path,
                spec.reach(path_item(op)),
                costs,
                studies(operations_used.get(op.key, ())),
                repr(badges.get(history_subject(op))),
            )
        elif page.kind == "model":
            keys[page.path] = digest(site, page.path, spec.reach(pointer_of("components", "schemas", page.key)))
        elif page.kind == "models":
            # The index shows each model's name and its own title or description: keyed by
            # those alone, an edit elsewhere does not model every schema to list them again.
            own_template = (config.templates_path / "reference" / "models.html").is_file()  # may show more
            shown = spec.reach(pointer_of("components", "schemas")) if own_template else model_headings(data)
            keys[page.path] = digest(site, page.path, shown)
        elif page.kind == "tag":
            members = plan.tag_operations.get(page.key, ())
            keys[page.path] = digest(site, page.path, tags.get(page.key), spec.reach(*(path_item(o) for o in members)))
    # Pages that sum up the whole spec or all the content (landing, indexes, home,
    # pricing, case studies): keyed by all of it, so any edit renders them again.
    content = digest(
        site,
        project.spec_digest or spec_digest(project.source),
        repr(project.guides),
        repr(project.case_studies),
        repr(project.pricing),
        repr(sorted(project.verified.items())),
        repr(project.home),
        quickstarts,
    )
    for page in plan.pages:
        if page.path not in keys:
            keys[page.path] = digest(content, page.path)
    for path in (HOME_PAGE, PRICING_PAGE, CASE_STUDY_INDEX, *(s.page for s in project.case_studies)):
        keys[path] = digest(content, path)
    everyone = [(g.id, g.kind, g.title, g.page) for g in project.guides]
    for guide in project.guides:
        called = [project.api.operation(s.call.operation) for s in guide.steps if s.call is not None]
        keys[guide.page] = digest(
            site,
            repr(guide),
            repr(project.verified.get(guide.id)),
            studies(guides_used.get(guide.id, ())),
            everyone,
            spec.reach(*(path_item(op) for op in called if op is not None)),
        )
    spec.remember()
    return keys


def make_snippets(project: Project, loader: jinja2.BaseLoader, extra_languages: tuple[str, ...] = ()) -> Snippets:
    """The snippet generator configured in mkdocs.yml (plus ``extra_languages``); raises
    :class:`PortalError` for an unknown language or a bad variable name."""
    config = project.config
    return Snippets(
        project.api,
        snippet_settings(config),
        tuple(dict.fromkeys((*config.snippet_languages, *extra_languages))),
        snippet_environment(loader),
        config.config_file,
        example_judge(project),
    )


def example_judge(project: Project) -> Judge:
    """Whether an author's example satisfies its schema, by the real validator in the
    spec's dialect: a snippet sends no example the API would refuse (``portal check``
    warns about each, rule ``example-schema``)."""
    validator = project.schema_validator

    def judge(schema: Schema, value: Any) -> bool:
        return not schema.pointer or validator.accepts(schema.pointer, value)

    return judge


def schema_text(name: str) -> bytes:
    """A content JSON Schema (``guide``, ``pricing``) as published with the site."""
    return resources.files("portal_gen").joinpath(f"schemas/{name}.schema.json").read_bytes()


def read_asset(name: str) -> bytes:
    """A static file of the package's ``assets/``."""
    return resources.files("portal_gen").joinpath(f"assets/{name}").read_bytes()


# The stylesheet is kept in parts, one per page kind, and published as one file.
CSS_PARTS = ("base", "reference", "landing", "guides", "pricing", "case-studies", "home", "changelog")


def read_css() -> bytes:
    """The stylesheet the generated pages use."""
    folder = resources.files("portal_gen").joinpath("assets/css")
    return b"".join(folder.joinpath(f"{part}.css").read_bytes() for part in CSS_PARTS)
