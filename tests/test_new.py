"""`portal new` scaffolds a project that builds, for every fixture spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PROJECTS, run_portal


@pytest.mark.parametrize("name", ["petstore30", "features31", "multifile"])
def test_new_then_build(tmp_path: Path, name: str) -> None:
    target = tmp_path / "portal"
    result = run_portal("new", str(target), "--spec", str(PROJECTS / name / "openapi" / "openapi.yaml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (target / "mkdocs.yml").exists()
    assert (target / "openapi" / "openapi.yaml").exists()
    assert (target / "content" / "quickstarts" / "first-call.yaml").exists()
    result = run_portal("build", "--strict", cwd=target)
    assert result.returncode == 0, result.stderr
    site = target / "site"
    assert (site / "reference" / "index.html").exists()
    landing = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert "Make your first call" in landing  # the starter quickstart is linked
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home  # the site works offline
    # The generated home page leads to the starter quickstart's first call.
    assert '<a class="md-button md-button--primary" href="quickstarts/first-call/">Make your first call</a>' in home
    # The starter quickstart works against the mock server of the spec.
    result = run_portal("check", "-l", "curl,python", cwd=target)
    assert result.returncode == 0, result.stderr


def test_new_copies_every_file_of_a_multi_file_spec(tmp_path: Path) -> None:
    target = tmp_path / "portal"
    run_portal("new", str(target), "--spec", str(PROJECTS / "multifile" / "openapi" / "openapi.yaml"), cwd=tmp_path)
    copied = sorted(p.relative_to(target / "openapi").as_posix() for p in (target / "openapi").rglob("*.yaml"))
    assert copied == [
        "openapi.yaml",
        "paths/user.yaml",
        "paths/users.yaml",
        "schemas/Team.yaml",
        "schemas/User.yaml",
        "schemas/common.yaml",
    ]


def test_new_quickstart_uses_the_first_simple_get(tmp_path: Path) -> None:
    target = tmp_path / "portal"
    run_portal("new", str(target), "--spec", str(PROJECTS / "petstore30" / "openapi" / "openapi.yaml"), cwd=tmp_path)
    quickstart = (target / "content" / "quickstarts" / "first-call.yaml").read_text()
    assert quickstart.startswith(
        "# A quickstart: portal renders it as a page and `portal check` runs every step.\n"
        "# yaml-language-server: $schema=../../site/schemas/guide.schema.json\n"
    )
    assert "  call:\n    operation: listPets\n" in quickstart
    assert 'site_name: "Petstore"' in (target / "mkdocs.yml").read_text()


def test_new_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file.txt").write_text("keep me")
    result = run_portal(
        "new", "taken", "--spec", str(PROJECTS / "petstore30" / "openapi" / "openapi.yaml"), cwd=tmp_path
    )
    assert result.returncode == 1
    assert "already exists and is not empty" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "taken" / "file.txt").read_text() == "keep me"


def test_new_with_a_spec_that_cannot_be_built_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: {$ref: 'nowhere.yaml'}\n")
    result = run_portal("new", "out", "--spec", str(spec), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("bad.yaml:4:8: broken $ref: file not found: nowhere.yaml (at paths → /a → $ref)")
    assert not (tmp_path / "out").exists()


def test_new_with_an_invalid_spec_makes_a_portal_that_builds_and_warns(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: T}\npaths: {}\n")
    result = run_portal("new", "out", "--spec", str(spec), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    build = run_portal("build", cwd=tmp_path / "out")
    assert build.returncode == 0, build.stderr
    assert build.stderr.startswith("WARNING: openapi/bad.yaml:2:1: invalid OpenAPI: 'version' is a required property")
