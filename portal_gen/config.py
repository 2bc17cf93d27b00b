"""Options of the portal plugin (``plugins: - portal: {...}`` in mkdocs.yml)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import Location, PortalError


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

    @classmethod
    def from_options(cls, project_dir: Path, options: dict[str, Any], **extra: Any) -> PortalConfig:
        """Build from the plugin's options, rejecting unknown ones with a hint."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in options.items():
            field = known.get(key)
            if field is None or key in ("project_dir", "directory_urls", "site_name", "config_file"):
                names = ", ".join(
                    sorted(k for k in known if k not in ("project_dir", "directory_urls", "site_name", "config_file"))
                )
                raise PortalError(
                    f"unknown option '{key}' for the portal plugin",
                    Location(extra.get("config_file", "mkdocs.yml")),
                    f"known options: {names}",
                )
            expected = type(getattr(cls, key))
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise PortalError(
                    f"option '{key}' of the portal plugin must be a {expected.__name__}, got {value!r}",
                    Location(extra.get("config_file", "mkdocs.yml")),
                )
            values[key] = value
        return cls(project_dir=project_dir, **values, **extra)
