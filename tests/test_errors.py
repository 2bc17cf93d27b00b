"""Bad inputs through the real CLI: exact `file:line:col` messages, exit code 1, no
traceback, and the previous site left intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_portal

SPEC = "openapi/openapi.yaml"


@pytest.fixture
def good_site(project):
    """A multifile project that has been built once; returns (root, marker file)."""
    root = project("multifile")
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    marker = root / "site" / "reference" / "users" / "get-user" / "index.html"
    assert marker.exists()
    return root, marker


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_failed_cleanly(root: Path, marker: Path, expected: str) -> None:
    before = marker.read_bytes()
    result = run_portal("build", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == expected
    assert marker.read_bytes() == before, "the previous site must survive a failed build"
    staging = [p for p in root.glob(".portal-*") if p.name != ".portal-cache"]
    assert not staging, "no staging directory may be left behind"


# (file to edit, text in it, replacement, the exact error printed)
EDITS = {
    "bad-yaml": (
        "openapi/schemas/User.yaml",
        "  id:\n    type: string",
        "  id:\n    type: string\n   bad: indent",
        "openapi/schemas/User.yaml:7:4: invalid YAML: did not find expected key\n"
        "  hint: check the indentation and quoting around this line",
    ),
    "duplicate-key": (
        SPEC,
        "  version: '1.0'",
        "  version: '1.0'\n  version: '2.0'",
        "openapi/openapi.yaml:5:3: duplicate key 'version'\n"
        "  hint: each key may appear only once in a mapping; remove or rename one of them",
    ),
    "broken-ref": (
        "openapi/schemas/User.yaml",
        "$ref: Team.yaml",
        "$ref: Teams.yaml",
        "openapi/schemas/User.yaml:10:5: broken $ref: file not found: Teams.yaml (at properties → team → $ref)\n"
        "  hint: no file at openapi/schemas/Teams.yaml; check the relative path",
    ),
    "missing-spec-file": (
        "mkdocs.yml",
        "spec: openapi/openapi.yaml",
        "spec: openapi/nope.yaml",
        "mkdocs.yml: spec not found: openapi/nope.yaml\n"
        "  hint: set `spec:` for the portal plugin in mkdocs.yml to the path of your OpenAPI file",
    ),
}


@pytest.mark.parametrize("case", EDITS)
def test_bad_input(good_site, case: str) -> None:
    root, marker = good_site
    relative, old, new, expected = EDITS[case]
    edit(root, relative, old, new)
    assert_failed_cleanly(root, marker, expected)


# What the validator finds in a spec that still parses and resolves: the build goes on,
# and says so once; `--strict` fails it and keeps the previous site.
INVALID = {
    "invalid-spec-in-a-referenced-file": (
        "openapi/paths/user.yaml",
        "  summary: Get a user\n",
        "  summary: Get a user\n  deprecated: maybe\n",
        "openapi/paths/user.yaml:4:3: invalid OpenAPI: 'maybe' is not of type 'boolean' "
        "(at paths → /users/{user_id} → get → deprecated)\n"
        "  hint: change the value to the expected type",
    ),
    "wrong-field-type": (
        SPEC,
        "  title: Multi-file API",
        "  title: [not, a, string]",
        "openapi/openapi.yaml:3:3: invalid OpenAPI: ['not', 'a', 'string'] is not of type 'string' "
        "(at info → title)\n"
        "  hint: change the value to the expected type",
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_spec_builds_with_a_warning(good_site, case: str) -> None:
    root, marker = good_site
    relative, old, new, expected = INVALID[case]
    edit(root, relative, old, new)
    before = marker.read_bytes()
    strict = run_portal("build", "--strict", cwd=root)
    assert strict.returncode == 1
    assert strict.stderr.strip() == f"WARNING: {expected}\nerror: Aborted with 1 warnings in strict mode!"
    assert marker.read_bytes() == before, "a failed --strict build leaves the previous site"
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("WARNING: ") == 1
    assert result.stderr.startswith(f"WARNING: {expected}\nBuilt ")
    assert (root / "site" / "reference" / "users" / "get-user" / "index.html").exists()


def test_every_problem_is_reported_at_once(good_site) -> None:
    root, _ = good_site
    edit(root, "openapi/paths/users.yaml", "  summary: List users", "  summary: 42")
    edit(root, "openapi/paths/user.yaml", "  summary: Get a user", "  summary: [x]")
    result = run_portal("build", "--strict", cwd=root)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if not line.startswith("  hint")]
    assert lines == [
        "WARNING: openapi/paths/users.yaml:3:3: invalid OpenAPI: 42 is not of type 'string' "
        "(at paths → /users → get → summary)",
        "WARNING: openapi/paths/user.yaml:3:3: invalid OpenAPI: ['x'] is not of type 'string' "
        "(at paths → /users/{user_id} → get → summary)",
        "error: Aborted with 2 warnings in strict mode!",
    ]


def test_swagger_2(good_site) -> None:
    root, marker = good_site
    (root / SPEC).write_text("swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n")
    assert_failed_cleanly(
        root,
        marker,
        "openapi/openapi.yaml:1:1: Swagger 2.0 is not supported; portal reads OpenAPI 3.0 and 3.1 (at swagger)\n"
        "  hint: convert it first, e.g. `npx swagger2openapi openapi.yaml -o openapi3.yaml`, "
        "then point portal at the converted file",
    )


def test_template_error_in_user_override(good_site) -> None:
    root, marker = good_site
    (root / "site_templates" / "reference").mkdir(parents=True)
    (root / "site_templates" / "reference" / "tag.html").write_text("<h1>{{ tag_name }</h1>\n")
    assert_failed_cleanly(
        root,
        marker,
        "site_templates/reference/tag.html:1:1: template error: unexpected '}'\n"
        "  hint: fix the Jinja2 syntax in this template",
    )


def test_debug_shows_the_traceback(good_site) -> None:
    root, _ = good_site
    edit(root, SPEC, "  version: '1.0'", "  version: '1.0'\n  version: '2.0'")
    result = run_portal("build", "--debug", cwd=root)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "duplicate key 'version'" in result.stderr


def test_no_config_file(tmp_path: Path) -> None:
    result = run_portal("build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "no mkdocs.yml here\n"
        "  hint: run portal in a portal project, pass -f path/to/mkdocs.yml, or create one with `portal new`"
    )
