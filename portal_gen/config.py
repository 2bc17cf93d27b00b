"""Options of the portal plugin (``plugins: - portal: {...}`` in mkdocs.yml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PortalConfig:
    """Everything the engine needs to know about a project, independent of MkDocs."""

    project_dir: Path
    spec: str = "openapi/openapi.yaml"
    content_dir: str = "content"
    templates_dir: str = "site_templates"
    reference_dir: str = "reference"
    reference_title: str = "API reference"
    allow_external_refs: bool = False
    allow_remote_refs: bool = False
    # Tags with more operations than this list them on the tag page only, not in the
    # sidebar, so that every page's navigation stays small (see plan.py).
    nav_operations_limit: int = 60
    nav_models_limit: int = 60
    # More tags than this are grouped in the sidebar, this many to a group.
    nav_tags_limit: int = 60
    # Named schemas nested deeper than this are links to their model page.
    schema_depth: int = 3
    # Request snippets: the languages, in tab order; the base URL they call (default:
    # the spec's first server); where they read credentials from (environment
    # variables named <PREFIX>_TOKEN, <PREFIX>_KEY, <PREFIX>_USERNAME/_PASSWORD, or
    # per security scheme: {bearerAuth: MY_TOKEN, basicAuth: [MY_USER, MY_PASSWORD]}).
    snippet_languages: tuple[str, ...] = ("curl", "python", "javascript", "go", "java", "ruby", "php")
    snippet_base_url: str = ""
    snippet_env_prefix: str = "API"
    snippet_credentials: Mapping[str, Any] = field(default_factory=dict)
    # What a reference snippet sends besides what the operation requires: `minimal`
    # nothing, `examples` the optional fields the spec gives an example for, `all`
    # every field (the parameter tables always list them all).
    snippet_fields: str = "examples"
    # Guides (content/quickstarts/*.yaml, content/tutorials/*.yaml): the limits on
    # a quickstart's time to first call (a guide's own `budget:` overrides them),
    # how long one step may run in `portal check`, and where `portal check --record`
    # keeps what it measured for the pages to show.
    quickstart_budget: Mapping[str, Any] = field(
        default_factory=lambda: {"steps": 5, "lines": 60, "reading_seconds": 240, "seconds": 60}
    )
    guide_timeout: int = 60
    verified_file: str = "portal-verified.json"
    # `portal check` rule levels: {rule-id: off | warn | error} (see rules.py).
    check_rules: Mapping[str, Any] = field(default_factory=dict)
    # The generated home page (index.md, unless the docs folder has its own):
    # {title, tagline, quickstart: guide id, case_studies: [ids], links: [{title, url, text}]}.
    home: Mapping[str, Any] = field(default_factory=dict)
    # Spec and content files bigger than this many megabytes are refused unread.
    max_file_size: int = 100
    # Speed-ups that reach into other libraries' internals (portal_gen/accel): the site
    # is the same without them; PORTAL_ACCEL=0 in the environment turns them off too.
    accel: bool = True
    # llms.txt, llms-full.txt and the Markdown twin of every page (see render/twin.py):
    # `false` publishes none; {full: false} leaves out llms-full.txt; {sections:
    # {Title: [page.md, ...]}} lists the author's own pages under sections of theirs.
    llms_txt: Any = True
    # The changelog page (changelog/) and its Atom feed, from the spec's git tags and
    # content/changelog.yaml, and the "Added in"/"Changed in" badges of operation pages.
    changelog: bool = True
    directory_urls: bool = True
    site_name: str = ""
    site_url: str = ""
    config_file: str = "mkdocs.yml"

    @property
    def twins(self) -> bool:
        """Whether pages have Markdown twins (and the site an ``llms.txt``)."""
        return self.llms_txt is not False and not (
            isinstance(self.llms_txt, Mapping) and self.llms_txt.get("enabled") is False
        )

    @property
    def max_bytes(self) -> int:
        return self.max_file_size * 1024 * 1024

    @property
    def spec_path(self) -> Path:
        return self.project_dir / self.spec

    @property
    def templates_path(self) -> Path:
        return self.project_dir / self.templates_dir
