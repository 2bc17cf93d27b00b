"""Load a project: the spec, its model, the guides, pricing, case studies and home page,
with the spec validated meanwhile (:mod:`.validation`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..checks.guides import check_guides
from ..checks.rules import rule_levels
from ..checks.values import SchemaValidator
from ..config import PortalConfig
from ..diff.releases import read_changelog
from ..errors import Diagnostic, Location, PortalError, display_path
from ..load.case_studies import load_case_studies
from ..load.changelog import load_changelog
from ..load.guides import read_guides
from ..load.pricing import load_pricing
from ..load.sources import load_document
from ..load.spec import RefPolicy, SpecSource, load_spec
from ..model.api import Api
from ..model.build import build_api
from ..model.case_studies import CaseStudy
from ..model.changelog import Changelog
from ..model.guides import Budget, Guide, operations_named
from ..model.home import Home
from ..model.pricing import Pricing
from ..plan.home import plan_home
from ..render.guide import Verified, verified_from
from ..snippets import SnippetSettings
from ..snippets.request import env_names
from .cache import PageCache
from .collector import collector_paused
from .keys import SpecDigests, code_digest, digest, pointer_of, validator_digest
from .validation import Validation, spec_digest


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
    changelog: Changelog | None = None

    @property
    def schema_validator(self) -> SchemaValidator:
        return SchemaValidator(self.source.data, self.source.version)


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
    policy = ref_policy(config)
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
    if not with_content:
        return Project(config, source, api, validation, verified=load_verified(config), quickstart_budget=budget)
    # Each content file is read and checked on its own: one file's problems are all
    # reported with every other file's, and never stop the others from being read.
    problems: list[Diagnostic] = []
    content_dir, project_dir, max_bytes = config.project_dir / config.content_dir, config.project_dir, config.max_bytes
    guides = read_guides(content_dir, project_dir, problems, max_bytes)
    pricing = _gathered(problems, None, lambda: load_pricing(content_dir, project_dir, api, max_bytes))
    no_studies: tuple[CaseStudy, ...] = ()
    studies = _gathered(
        problems, no_studies, lambda: load_case_studies(content_dir, project_dir, api, guides, max_bytes)
    )
    home = _gathered(problems, None, lambda: plan_home(config, api, guides, studies))
    changelog = _gathered(problems, None, lambda: _changelog(config, source, cache)) if config.changelog else None
    project = Project(
        config,
        source,
        api,
        validation,
        guides,
        load_verified(config),
        pricing,
        budget,
        studies,
        home,
        spec_key,
        changelog,
    )
    if guides:
        reserved = frozenset(
            name for scheme in api.security_schemes for name in env_names(scheme, snippet_settings(config))
        )
        problems.extend(_check_guides(project, reserved, cache))
    if problems:
        raise PortalError.from_diagnostics(sorted(problems, key=lambda d: d.location or Location("")))
    return project


_T = TypeVar("_T")


def _changelog(config: PortalConfig, source: SpecSource, cache: PageCache | None) -> Changelog | None:
    """The releases from git tags and content/changelog.yaml (perhaps none, and a
    notice saying why)."""
    file = load_changelog(config.project_dir / config.content_dir, config.project_dir, config.max_bytes)
    with collector_paused():
        return read_changelog(
            config.project_dir,
            config.spec,
            Path(config.config_file).name,
            ref_policy(config),
            file,
            source,
            cache,
            code_digest(),
        )


def ref_policy(config: PortalConfig) -> RefPolicy:
    """What the spec's ``$ref``s may reach, and how big a file may be, as configured."""
    return RefPolicy(config.allow_external_refs, config.allow_remote_refs, config.max_bytes)


def _gathered(problems: list[Diagnostic], failed: _T, load: Callable[[], _T]) -> _T:
    """What ``load`` returns; its problems added to ``problems``, and ``failed`` returned."""
    try:
        return load()
    except PortalError as exc:
        problems.extend(exc.diagnostics)
        return failed


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


def model_headings(data: Mapping[str, Any]) -> list[Any]:
    """``[name, title, description]`` of each component schema, read from the spec's
    data as written (no model built: what an index of the models shows)."""
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


def build_warnings(project: Project) -> list[Diagnostic]:
    """What the spec's validation found that the build reports and goes on with: every
    warning whose rule ``check_rules`` does not turn off (waits for the validation)."""
    levels = rule_levels(project.config.check_rules, Location(project.config.config_file))
    found = [*project.validation.warnings(), *changelog_warnings(project)]
    return [d for d in found if levels.get(d.rule or "", "error") != "off"]


def changelog_warnings(project: Project) -> list[Diagnostic]:
    """A changelog that may miss releases (a shallow clone), said where it is configured."""
    changelog = project.changelog
    if changelog is None or not changelog.partial or not changelog.notice:
        return []
    where = Location(project.config.config_file)
    return [Diagnostic(f"changelog: {changelog.notice}", where, rule="changelog-history", severity="warning")]


def load_verified(config: PortalConfig) -> dict[str, Verified]:
    """What ``portal check --record`` measured, if it ever ran."""
    path = config.project_dir / config.verified_file
    if not path.is_file():
        return {}
    return verified_from(load_document(path, display_path(path, config.project_dir)).data)


def snippet_settings(config: PortalConfig) -> SnippetSettings:
    return SnippetSettings(
        config.snippet_base_url, config.snippet_env_prefix, config.snippet_credentials, config.snippet_fields
    )
