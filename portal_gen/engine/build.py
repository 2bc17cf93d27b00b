"""The generation engine: load a project, then generate every page (no MkDocs here).

    load (IO) -> build model (pure) -> plan pages (pure) -> render (pure) -> emit (adapter)

Adapters (the MkDocs plugin, the CLI) call :func:`load_project` and
:func:`generate_site` and publish the result however their site generator wants.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import logging
import multiprocessing
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jinja2

from ..checks.spec import SchemaVerdicts, iter_spec_problems
from ..checks.values import SchemaValidator
from ..config import PortalConfig
from ..errors import Diagnostic, Location, PortalError, display_path
from ..load.sources import load_document
from ..load.spec import RefPolicy, SpecSource, load_spec
from ..model.api import Api
from ..model.build import build_api
from ..model.case_studies import CaseStudy, load_case_studies, used_by
from ..model.guides import Budget, Guide, check_guides, load_guides, operations_named
from ..model.home import Home, plan_home
from ..model.pricing import Pricing, load_pricing
from ..model.pricing_costs import meter_costs
from ..model.pricing_math import pricing_data
from ..plan.paths import CASE_STUDY_INDEX, HOME_PAGE, PRICING_PAGE
from ..plan.reference import NavSection, Plan, PlannedPage, plan_reference, webhook_key
from ..render.case_studies import FILTER_JS, render_case_study, render_case_study_index
from ..render.guide import GuideRenderer, Verified, verified_from
from ..render.home import render_home
from ..render.markdown import plain_title
from ..render.page import RenderedPage
from ..render.pricing import PRICING_JS, PRICING_JSON, render_pricing
from ..render.reference import ReferenceRenderer, make_environment
from ..snippets import Snippets, SnippetSettings, snippet_environment
from ..snippets.request import env_names
from .cache import (
    PageCache,
    SpecDigests,
    code_digest,
    config_digest,
    digest,
    folder_digest,
    pointer_of,
    validator_digest,
)
from .parallel import JobFailed, JobShare, RemoteTraceback, can_share, picklable

CSS_PATH = "assets/portal/portal.css"
GUIDE_SCHEMA_PATH = "schemas/guide.schema.json"  # published so editors can autocomplete guides
PRICING_SCHEMA_PATH = "schemas/pricing.schema.json"
CASE_STUDY_SCHEMA_PATH = "schemas/case-study.schema.json"


class Validation:
    """openapi-spec-validator's verdict on a spec, computed now or in the background.

    Validating a big spec takes as long as rendering it (tens of seconds for GitHub's),
    so a build validates in a forked process on the other core while it renders, and
    publishes nothing until the verdict is in (see ``problems``).
    """

    def __init__(
        self, source: SpecSource, background: bool, cache: PageCache | None = None, spec_key: str = ""
    ) -> None:
        self._problems: list[Diagnostic] | None = None
        self._process: Any = None
        self._reader: Any = None
        self._cache = cache
        self._key = ""
        self._verdicts: SchemaVerdicts | None = None
        self._lock = threading.Lock()
        self._failure: BaseException | None = None
        if cache is not None:
            # The verdict depends on the spec's files and the validator's code alone.
            self._key = digest("validation", validator_digest(), spec_key or spec_digest(source))
            self._problems = cache.validation(self._key)
            if self._problems is not None:
                cache.mark_used(_verdicts_key())  # kept for the next edit of the spec
                return
            # A spec seen before but for an edit: its unchanged schemas pass again unchecked.
            self._verdicts = SchemaVerdicts(cache.schema_verdicts(_verdicts_key()))
        if background and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._reader, writer = context.Pipe(duplex=False)
            self._process = context.Process(target=_validate_into, args=(source, self._verdicts, writer), daemon=True)
            self._process.start()
            writer.close()
        else:
            self._problems = list(iter_spec_problems(source, self._verdicts))
            self._keep(self._verdicts.used if self._verdicts is not None else None)

    def _keep(self, passed: set[str] | None) -> None:
        if self._cache is not None and self._problems is not None:
            self._cache.keep_validation(self._key, self._problems)
            if passed is not None:
                self._cache.keep_schema_verdicts(_verdicts_key(), passed)

    def problems(self) -> list[Diagnostic]:
        """Every spec problem found; waits for the background process if there is one.

        Safe from several threads (``serve`` waits for it in one while rebuilding)."""
        with self._lock:
            return self._wait()

    def _wait(self) -> list[Diagnostic]:
        if self._problems is None and self._failure is None:
            try:
                outcome = self._reader.recv()
            except EOFError:
                outcome = RuntimeError("the spec validation process died without an answer")
            self._process.join()
            self._reader.close()
            if isinstance(outcome, BaseException):
                self._failure = outcome  # raised to every caller, not read twice
            elif isinstance(outcome[0], BaseException):  # a bug in the child: its traceback as the cause
                error, text = outcome
                error.__cause__ = RemoteTraceback(f"spec validation failed in its process:\n{text}")
                self._failure = error
            else:
                self._problems, passed = outcome
                self._keep(passed)
        if self._failure is not None:
            raise self._failure
        assert self._problems is not None
        return self._problems

    def raise_problems(self) -> None:
        problems = self.problems()
        if problems:
            raise PortalError.from_diagnostics(problems)


def _verdicts_key() -> str:
    return digest("schema-verdicts", validator_digest())


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection meanwhile: for work that makes many objects that live on
    and few garbage cycles (parsing a spec, modelling it, a quick rebuild). Each
    collection would walk every object again for little: a third of the time parsing
    GitHub's spec took. What is left to collect is collected afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Young collections between two full ones (CPython's default: 10). A build makes objects
# that live as long as it does (the model, the navigation, memos of what it rendered),
# and each full collection walks every one made since the last gc.freeze(): GitHub's cold
# build spent 0.3 s of CPU, over its four processes, in 16 full collections that freed
# almost nothing (peak RSS 237 MB with them, 240 MB without). Young collections run as
# before: the cycles a page leaves (Jinja's contexts and modules) go with them.
FULL_COLLECTIONS_EVERY = 100


def collect_fully_less_often() -> tuple[int, int, int]:
    """Make full garbage collections rarer (:data:`FULL_COLLECTIONS_EVERY`); return the
    thresholds to restore with ``gc.set_threshold(*old)`` once the build is over."""
    old = gc.get_threshold()
    gc.set_threshold(old[0], old[1], max(old[2], FULL_COLLECTIONS_EVERY))
    return old


def _validate_into(source: SpecSource, verdicts: SchemaVerdicts | None, writer: Any) -> None:
    gc.freeze()  # in the forked process: what it inherited is never garbage there
    collect_fully_less_often()  # this process ends with the validation
    try:
        problems = list(iter_spec_problems(source, verdicts))
        writer.send((problems, verdicts.used if verdicts is not None else None))
    except BaseException as exc:  # a bug in validation: hand it, with its traceback, to the parent
        writer.send((picklable(exc), traceback.format_exc()))
    finally:
        writer.close()


@dataclass(frozen=True)
class Project:
    """Everything read from disk and modelled; ``validation`` may still be running."""

    config: PortalConfig
    source: SpecSource
    api: Api
    validation: Validation
    guides: tuple[Guide, ...] = ()
    verified: Mapping[str, Verified] = field(default_factory=dict)
    pricing: Pricing | None = None
    quickstart_budget: Budget = field(default_factory=Budget)
    case_studies: tuple[CaseStudy, ...] = ()
    home: Home | None = None
    spec_digest: str = ""  # of the spec's files, when loaded with a cache

    @property
    def schema_validator(self) -> SchemaValidator:
        return SchemaValidator(self.source.data, self.source.version)


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


def load_project(
    config: PortalConfig,
    *,
    background_validation: bool = False,
    with_content: bool = True,
    cache: PageCache | None = None,
    previous: Project | None = None,
) -> Project:
    """Read the spec and model it.

    Without ``background_validation`` the spec is validated first and one
    :class:`PortalError` lists every problem. With it, validation runs in parallel and
    callers must call ``project.validation.raise_problems()`` before publishing, and
    prefer its problems over any other failure (an invalid spec can trip the model).
    ``with_content=False`` reads the spec alone, not the guides and pricing. A
    ``cache`` keeps the validation verdict of specs it has seen. A ``previous`` project
    (of the last build of a live preview) lends its spec, model and validation when
    the spec's files read exactly as they did then.
    """
    policy = RefPolicy(config.allow_external_refs, config.allow_remote_refs)
    if not config.spec_path.exists():
        raise PortalError(
            f"spec not found: {config.spec}",
            Location(config.config_file),
            "set `spec:` for the portal plugin in mkdocs.yml to the path of your OpenAPI file",
        )
    if previous is not None and _same_spec(previous, config):
        source, api, validation, spec_key = previous.source, previous.api, previous.validation, previous.spec_digest
        if not background_validation:
            validation.raise_problems()
    else:
        with collector_paused():
            source = load_spec(config.spec_path, config.project_dir, policy)
        spec_key = spec_digest(source) if cache is not None else ""
        validation = Validation(source, background_validation, cache, spec_key)
        if not background_validation:
            validation.raise_problems()
        try:
            with collector_paused():
                api = build_api(source)
        except Exception:
            validation.raise_problems()  # an invalid spec explains the failure: say so
            raise
    budget = Budget.from_config(config.quickstart_budget, Location(config.config_file))
    content_dir = config.project_dir / config.content_dir
    guides = load_guides(content_dir, config.project_dir) if with_content else ()
    pricing = load_pricing(content_dir, config.project_dir, api) if with_content else None
    studies = load_case_studies(content_dir, config.project_dir, api, guides) if with_content else ()
    home = plan_home(config, api, guides, studies) if with_content else None
    project = Project(
        config, source, api, validation, guides, load_verified(config), pricing, budget, studies, home, spec_key
    )
    if guides:
        reserved = frozenset(
            name for scheme in api.security_schemes for name in env_names(scheme, snippet_settings(config))
        )
        problems = _check_guides(project, reserved, cache)
        if problems:
            validation.raise_problems()  # a broken spec explains broken guides better
            raise PortalError.from_diagnostics(problems)
    return project


def _check_guides(project: Project, reserved: frozenset[str], cache: PageCache | None) -> list[Diagnostic]:
    """Every problem of the guides against the spec, each guide checked unless known to pass.

    Checking a call against the spec's schemas imports a validator and takes a while;
    a guide's pass is kept, keyed by the guide, every guide's id, the credentials'
    variables, portal's and the validator's code, and each operation it names: where it
    is and everything it and its path's parameters reach. An edit elsewhere in the spec
    checks no guide again.
    """
    guides, api = project.guides, project.api
    ids = frozenset(g.id for g in guides)
    if cache is None:
        return check_guides(guides, api, project.schema_validator, reserved)
    spec = SpecDigests(project.source.data)
    common = digest("guide-check", validator_digest(), project.source.version, sorted(ids), sorted(reserved))
    validator: SchemaValidator | None = None
    problems: list[Diagnostic] = []
    for guide in guides:
        named: list[list[Any]] = []
        for name in operations_named(guide):
            op = api.operation(name)
            if op is None:
                named.append([name])
                continue
            # The operation and the parameters its path item gives every operation.
            reach = spec.reach(pointer_of(*op.pointer), pointer_of(*op.pointer[:-1], "parameters"))
            named.append([name, list(op.pointer), reach])
        key = digest(common, repr(guide), named)
        if cache.validation(key) == []:
            continue
        validator = validator or project.schema_validator
        found = check_guides((guide,), api, validator, reserved, ids)
        if found:
            problems.extend(found)
        else:
            cache.keep_validation(key, [])
    # No spec.remember(): it would replace what page_keys learnt of the whole spec.
    return sorted(problems, key=lambda d: d.location or Location(""))


def _model_headings(data: Mapping[str, Any]) -> list[Any]:
    components = data.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    if not isinstance(schemas, Mapping):
        return []
    return [
        [name, raw.get("title"), raw.get("description")] if isinstance(raw, Mapping) else [name, None, None]
        for name, raw in schemas.items()
    ]


def _same_spec(previous: Project, config: PortalConfig) -> bool:
    """Whether ``config`` reads the spec ``previous`` read, from files unchanged since."""
    old = previous.config
    if (old.spec_path, old.project_dir, old.allow_external_refs, old.allow_remote_refs) != (
        config.spec_path,
        config.project_dir,
        config.allow_external_refs,
        config.allow_remote_refs,
    ):
        return False
    source = previous.source
    for document in {id(d): d for d in (source.root, *source.documents.values())}.values():
        try:
            if document.path.read_text(encoding="utf-8") != document.text:
                return False
        except (OSError, UnicodeDecodeError):
            return False
    return True


def spec_digest(source: SpecSource) -> str:
    """The spec's files, by name and text: what its validation verdict depends on."""
    # Hashed as they are: through digest()'s JSON, GitHub's 13 MB spec took a quarter
    # of a second of every warm build.
    hasher = hashlib.sha256()
    for display, text in sorted((d.display, d.text) for d in (source.root, *source.documents.values())):
        for part in (display, text):
            data = part.encode("utf-8", errors="surrogatepass")
            hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


def load_verified(config: PortalConfig) -> dict[str, Verified]:
    """What ``portal check --record`` measured, if it ever ran."""
    path = config.project_dir / config.verified_file
    if not path.is_file():
        return {}
    return verified_from(load_document(path, display_path(path, config.project_dir)).data)


def snippet_settings(config: PortalConfig) -> SnippetSettings:
    return SnippetSettings(config.snippet_base_url, config.snippet_env_prefix, config.snippet_credentials)


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
        project.api, plan, config, env, quickstarts, snippets, project.pricing, operations_used
    )
    guide_renderer = GuideRenderer(project.guides, snippets, plan, config, env, project.verified, guides_used)
    jobs: list[tuple[str, Callable[[], RenderedPage]]] = [
        (g.page, functools.partial(guide_renderer.render, g)) for g in project.guides
    ]
    jobs += [(p.path, functools.partial(renderer.render, p)) for p in plan.pages]
    studies = project.case_studies
    if studies:
        jobs.append((CASE_STUDY_INDEX, functools.partial(render_case_study_index, studies, env, config)))
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
    helper = _HelperRenders.start(jobs, keys, cache) if cache is not None and share else None
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
    guide_nav = tuple(
        NavSection(
            title, tuple(PlannedPage(g.kind, g.page, plain_title(g.title)) for g in project.guides if g.kind == kind)
        )
        for kind, title in (("quickstart", "Quickstarts"), ("tutorial", "Tutorials"))
        if any(g.kind == kind for g in project.guides)
    )
    if studies:
        guide_nav += (
            NavSection(
                "Case studies",
                (
                    PlannedPage("case-studies", CASE_STUDY_INDEX, "Case studies"),
                    *(PlannedPage("case-study", s.page, plain_title(s.company)) for s in studies),
                ),
            ),
        )
    top_pages: tuple[PlannedPage, ...] = ()
    extra_files: list[tuple[str, bytes]] = [(s.logo.path, s.logo.data) for s in studies]
    if studies:
        extra_files.append((FILTER_JS, read_asset("case-studies.js")))
    if project.pricing is not None:
        page = render_pricing(project.pricing, env, config, plan)
        pages.append(page)
        top_pages = (PlannedPage("pricing", page.path, plain_title(page.title)),)
        data = json.dumps(pricing_data(project.pricing), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        extra_files += [(PRICING_JSON, data.encode()), (PRICING_JS, read_asset("pricing.js"))]
    return Site(tuple(pages), plan.nav, plan, guide_nav, top_pages, tuple(extra_files), keys)


def _render(render: Callable[[], RenderedPage], path: str, config: PortalConfig) -> RenderedPage:
    """``render()``, with template errors as :class:`PortalError`."""
    try:
        return render()
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
        cls, jobs: list[tuple[str, Callable[[], RenderedPage]]], keys: dict[str, str], cache: PageCache
    ) -> _HelperRenders | None:
        if cache.directory is None or not can_share():
            return None
        cold = [i for i, (path, _) in enumerate(jobs) if path in keys and not cache.has_page(keys[path])]
        if len(cold) < _HELPER_MIN_PAGES:
            return None

        def run(number: int) -> None:
            path, render = jobs[cold[number]]
            cache.put(keys[path], render())  # a failure is rendered again by the parent

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
                site, page.path, spec.reach(path_item(op)), costs, studies(operations_used.get(op.key, ()))
            )
        elif page.kind == "model":
            keys[page.path] = digest(site, page.path, spec.reach(pointer_of("components", "schemas", page.key)))
        elif page.kind == "models":
            # The index shows each model's name and its own title or description: keyed by
            # those alone, an edit elsewhere does not model every schema to list them again.
            own_template = (config.templates_path / "reference" / "models.html").is_file()  # may show more
            shown = spec.reach(pointer_of("components", "schemas")) if own_template else _model_headings(data)
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
    )


def schema_text(name: str) -> bytes:
    """A content JSON Schema (``guide``, ``pricing``) as published with the site."""
    return resources.files("portal_gen").joinpath(f"schemas/{name}.schema.json").read_bytes()


def read_asset(name: str) -> bytes:
    """A static file of the package's ``assets/``."""
    return resources.files("portal_gen").joinpath(f"assets/{name}").read_bytes()


def read_css() -> bytes:
    """The stylesheet the generated pages use."""
    return resources.files("portal_gen").joinpath("assets/portal.css").read_bytes()
