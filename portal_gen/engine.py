"""The generation engine: load a project, then generate every page (no MkDocs here).

    load (IO) -> build model (pure) -> plan pages (pure) -> render (pure) -> emit (adapter)

Adapters (the MkDocs plugin, the CLI) call :func:`load_project` and
:func:`generate_site` and publish the result however their site generator wants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import jinja2

from .config import PortalConfig
from .errors import Location, PortalError, display_path
from .plan import NavSection, Plan, plan_reference
from .render.reference import ReferenceRenderer, RenderedPage, make_environment
from .spec.build import build_api
from .spec.load import RefPolicy, SpecSource, load_spec
from .spec.model import Api
from .spec.validate import iter_spec_problems

CSS_PATH = "assets/portal/portal.css"


@dataclass(frozen=True)
class Project:
    """Everything read from disk, validated and modelled."""

    config: PortalConfig
    source: SpecSource
    api: Api


@dataclass(frozen=True)
class Site:
    """The generated pages, their navigation and the static assets they need."""

    pages: tuple[RenderedPage, ...]
    nav: NavSection
    plan: Plan


def load_project(config: PortalConfig) -> Project:
    """Read and validate the spec; raise one :class:`PortalError` listing every problem."""
    policy = RefPolicy(config.allow_external_refs, config.allow_remote_refs)
    if not config.spec_path.exists():
        raise PortalError(
            f"spec not found: {config.spec}",
            Location(config.config_file),
            "set `spec:` for the portal plugin in mkdocs.yml to the path of your OpenAPI file",
        )
    source = load_spec(config.spec_path, config.project_dir, policy)
    problems = list(iter_spec_problems(source))
    if problems:
        raise PortalError.from_diagnostics(problems)
    return Project(config, source, build_api(source))


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
) -> Site:
    """Plan and render every reference page (pure, given a template loader)."""
    config = project.config
    plan = plan_reference(project.api, config)
    renderer = ReferenceRenderer(project.api, plan, config, make_environment(loader), guides)
    pages = []
    total = len(plan.pages)
    for index, planned in enumerate(plan.pages):
        try:
            pages.append(renderer.render(planned))
        except jinja2.TemplateSyntaxError as exc:
            where = display_path(exc.filename, config.project_dir) if exc.filename else exc.name or "template"
            raise PortalError(
                f"template error: {exc.message}",
                Location(where, exc.lineno or 0, 1),
                "fix the Jinja2 syntax in this template",
            ) from None
        except jinja2.UndefinedError as exc:
            raise PortalError(
                f"template error while rendering {planned.path}: {exc.message}",
                None,
                "a template in site_templates/ uses a name the page does not provide",
            ) from None
        if progress is not None:
            progress(index + 1, total)
    return Site(tuple(pages), plan.nav, plan)


def read_css() -> bytes:
    """The stylesheet the generated pages use."""
    return resources.files("portal_gen").joinpath("assets/portal.css").read_bytes()
