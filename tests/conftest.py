"""Shared fixtures: copy a fixture project into tmp_path and run the real CLI on it."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECTS = Path(__file__).parent / "projects"
ROOT = Path(__file__).parent.parent


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_portal(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> Result:
    """Run the installed entry point as a user would: a real process."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **(env or {})}
    environment.pop("CI", None)
    proc = subprocess.run(
        [sys.executable, "-m", "portal_gen", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


DEMO_FILES = ("mkdocs.yml", "openapi", "content", "site_templates", "portal-verified.json")


def copy_demo(tmp_path: Path) -> Path:
    """A copy of the demo portal at the repository root (its inputs, not its output)."""
    target = tmp_path / "demo"
    target.mkdir()
    for name in DEMO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            shutil.copy(source, target / name)
    return target


@pytest.fixture
def project(tmp_path: Path):
    """``project("petstore30")`` copies that fixture project into tmp_path and returns it."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(PROJECTS / name, target)
        return target

    return make


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """Build each fixture project once per session; returns its site directory."""
    cache: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in cache:
            root = tmp_path_factory.mktemp(name)
            if name == "demo":
                copy_demo(root)
            else:
                shutil.copytree(PROJECTS / name, root / name)
            result = run_portal("build", cwd=root / name)
            assert result.returncode == 0, result.stderr
            cache[name] = root / name / "site"
        return cache[name]

    return get


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium session; a missing browser fails the test, never skips it."""
    from browser import CHROMIUM, FLAGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


# A generated API with hand-written pages around it, for builds compared file by file.
MKDOCS_YML = """\
site_name: Shared
docs_dir: content
theme:
  name: material
  font: false
  features: [navigation.indexes, navigation.prune, navigation.sections]
plugins:
  - search
  - portal:
      spec: openapi/openapi.json
      nav_operations_limit: 30
markdown_extensions:
  - toc:
      permalink: true
"""


def make_project(root: Path, operations: int = 80) -> Path:
    """A project with hand-written pages around a generated reference."""
    spec = importlib.util.spec_from_file_location("generate_spec", ROOT / "benchmarks" / "generate_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (root / "openapi").mkdir(parents=True)
    (root / "content" / "quickstarts").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Shared\n\nSee [the reference](reference/index.md).\n")
    (root / "content" / "quickstarts" / "hello.md").write_text("# Hello\n\nA hand-written quickstart.\n")
    (root / "content" / "zz-last.md").write_text("# Last\n\nA page after the generated ones.\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / "openapi" / "openapi.json").write_text(json.dumps(module.generate_spec(operations, schemas=20, tags=4)))
    return root


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_site(one: Path, shared: Path) -> None:
    expected, got = site_files(one), site_files(shared)
    assert sorted(got) == sorted(expected)
    different = [name for name in expected if expected[name] != got[name]]
    assert different == []


def processes_in(directory: Path) -> list[int]:
    """Processes whose working directory is ``directory`` (a build's leftovers would be)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == directory:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def accel_modules_loaded(code: str, switch: str) -> list[str]:
    """The ``portal_gen.accel`` modules a fresh interpreter has loaded after running
    ``code`` with ``PORTAL_ACCEL=switch``."""
    script = code + "\nimport sys\nprint(sorted(m for m in sys.modules if m.startswith('portal_gen.accel.')))\n"
    environment = {**os.environ, "PORTAL_ACCEL": switch}
    environment.pop("PORTAL_ACCEL_SKIP", None)
    done = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return list(ast.literal_eval(done.stdout.strip().splitlines()[-1]))
