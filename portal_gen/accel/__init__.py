"""Speed-ups that reach into other libraries' internals, behind one switch (and one
refinement of a library's checks that must reach there too: ``spec_patterns``).

portal builds every site with public APIs alone. What is here is an optional layer on
top: code that patches, imitates or calls private parts of MkDocs, Material for MkDocs,
openapi-spec-validator and the libraries under it, or reproduces another library's
exact output (Pygments' markup, markdown-it's paragraphs). Each speed-up says which
releases of those libraries it was verified on and steps aside, with one line in the
``--debug`` output, outside them. The site is byte for byte the same with or without
any of them (``tests/test_accel.py`` builds the demo and a large fixture both ways and
compares every file).

The switch:

* ``PORTAL_ACCEL=0`` turns every speed-up off (``1``, or unset: on where verified);
* ``PORTAL_ACCEL_SKIP=name,name`` turns the named ones off (benchmarks measure each);
* the plugin option ``accel: false`` in ``mkdocs.yml`` turns every one off for that
  project (:func:`configure`); the environment wins over it.

This package's modules are imported by the code they speed up only once
:func:`enabled` said yes, so with the switch off none of them is loaded. The switch is
read from the environment on every call (a microsecond), so a test or benchmark may
change it between builds in one process; the libraries' versions are read once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

log = logging.getLogger("mkdocs.plugins.portal")

ENV = "PORTAL_ACCEL"
SKIP_ENV = "PORTAL_ACCEL_SKIP"


@dataclass(frozen=True)
class Speedup:
    """One speed-up: what it does, and the releases it was verified on."""

    name: str
    summary: str
    verified: Mapping[str, str]  # distribution name -> version specifier


_MATERIAL = "mkdocs-material"
SPEEDUPS: dict[str, Speedup] = {
    speedup.name: speedup
    for speedup in (
        Speedup(
            "material_nav",
            "Material's sidebar entries rendered once per distinct link; its translations looked up once",
            {_MATERIAL: ">=9.5,<9.9", "mkdocs": ">=1.6,<1.7", "jinja2": ">=3.1,<3.2"},
        ),
        Speedup(
            "material_search",
            "search's HTML parser replaced by its rules on a regex tokenizer",
            {_MATERIAL: ">=9.5,<9.9"},
        ),
        Speedup(
            "page_share",
            "a forked process renders Material's page template for a share of the generated pages",
            {"mkdocs": ">=1.6,<1.7", _MATERIAL: ">=9.5,<9.9"},
        ),
        Speedup(
            "page_outputs",
            "finished pages and their search entries kept in the cache and reused, unparsed",
            {"mkdocs": ">=1.6,<1.7", _MATERIAL: ">=9.5,<9.9"},
        ),
        Speedup(
            "serve_quick",
            "`serve` rebuilds only the generated pages an edit changed (MkDocs' private page builder)",
            {"mkdocs": ">=1.6,<1.7", _MATERIAL: ">=9.5,<9.9"},
        ),
        Speedup(
            "site_folders",
            "the last site's folders recycled and the new ones made by a second process",
            {"mkdocs": ">=1.6,<1.7"},
        ),
        Speedup(
            "spec_validator",
            "openapi-spec-validator's walk made faster (sets, a path memo, jsonschema-rs for the meta-schema)",
            {
                "openapi-spec-validator": ">=0.9,<0.10",
                "jsonschema-path": ">=0.4,<0.6",
                "pathable": ">=0.5,<0.7",
                "jsonschema": ">=4.18,<5",
            },
        ),
        Speedup(
            "spec_patterns",
            "the spec's own patterns judged as ECMA-262 with the u flag (openapi-spec-validator's keyword "
            "validators subclassed): not faster, more exact",
            {"openapi-spec-validator": ">=0.9,<0.10", "openapi-schema-validator": ">=0.6,<0.10"},
        ),
        Speedup(
            "json_highlight",
            "JSON examples highlighted by one regex into Pygments' markup; snippets' strings as placeholders",
            {"pygments": ">=2.16,<3"},
        ),
        Speedup(
            "markdown_plain",
            "a plain one-line description rendered to itself, without markdown-it and nh3",
            {"markdown-it-py": ">=3,<5", "nh3": ">=0.2.17,<0.4"},
        ),
    )
}

_configured: bool | None = None  # the plugin option, for this process


def configure(on: bool | None) -> None:
    """Set the project's choice (the plugin option ``accel``); ``None``: no choice."""
    global _configured
    _configured = on


def switched_on() -> bool:
    """Whether the switch allows speed-ups at all (before versions are looked at)."""
    value = os.environ.get(ENV, "").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    return _configured is not False


def enabled(name: str) -> bool:
    """Whether the speed-up ``name`` runs: the switch is on, it is not skipped, and every
    library it reaches into is a release it was verified on.

    Asked for each description and example rendered, so it costs a dictionary lookup
    and two environment reads: the versions are read once per process."""
    if not switched_on():
        return False
    skipped = os.environ.get(SKIP_ENV)
    if skipped and name in {part.strip() for part in skipped.split(",")}:
        return False
    return _verified(name)


@cache
def _verified(name: str) -> bool:
    speedup = SPEEDUPS[name]  # a KeyError is a bug: every speed-up is registered
    for distribution, specifier in speedup.verified.items():
        found = _version(distribution)
        if found is None or not _within(found, specifier):
            log.debug(
                f"portal accel: {name} off: {distribution} {found or '(not installed)'} "
                f"is outside the verified range {specifier}"
            )  # once per speed-up and process: the answer is cached
            return False
    return True


@cache
def _version(distribution: str) -> Version | None:
    try:
        return Version(metadata.version(distribution))
    except (metadata.PackageNotFoundError, InvalidVersion):
        return None


def _within(version: Version, specifier: str) -> bool:
    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except InvalidSpecifier:  # a bug in the table above
        raise ValueError(f"bad version specifier {specifier!r}") from None
