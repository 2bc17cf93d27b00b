"""Options of the portal plugin (``plugins: - portal: {...}`` in mkdocs.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
    # Named schemas nested deeper than this are links to their model page.
    schema_depth: int = 3
    directory_urls: bool = True
    site_name: str = ""
    config_file: str = "mkdocs.yml"

    @property
    def spec_path(self) -> Path:
        return self.project_dir / self.spec

    @property
    def templates_path(self) -> Path:
        return self.project_dir / self.templates_dir
