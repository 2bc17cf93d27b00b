"""The speed-ups behind one switch (portal_gen/accel): the site is the same with them or
without, each steps aside outside the versions it was verified on, and none of them is
loaded, or left patched, when the switch is off."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_demo, make_project, run_portal, site_files
from portal_gen import accel

# The equivalence tests run with the switch both ways in CI (.ci/run): PORTAL_ACCEL
# decides the first build, and the second is the other way.
FIRST = "0" if accel.switched_on() is False else "1"
SECOND = "1" if FIRST == "0" else "0"


def _build(project: Path, site: Path, switch: str, **env: str) -> dict[str, bytes]:
    result = run_portal("build", "-d", str(site), cwd=project, env={"PORTAL_ACCEL": switch, **env})
    assert result.returncode == 0, result.stderr
    return site_files(site)


def _assert_same(one: dict[str, bytes], other: dict[str, bytes]) -> None:
    assert sorted(one) == sorted(other)
    differing = [name for name in one if one[name] != other[name]]
    assert differing == []


def test_the_demo_is_the_same_with_and_without_the_speedups(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    first = _build(demo, tmp_path / "first", FIRST)
    second = _build(demo, tmp_path / "second", SECOND)
    _assert_same(first, second)
    assert len(first) > 100
    # A rebuild with the cache warm (finished pages reused and linked with the switch on)
    # into the site it replaces, the other way round: the same again.
    again = _build(demo, tmp_path / "second", FIRST)
    _assert_same(first, again)


def test_a_large_site_is_the_same_with_and_without_the_speedups(tmp_path: Path) -> None:
    # Over the sidebar's limits (tags of 100 operations, listed on their tag page), pages
    # shared with a second process, a navigation deep enough for the sidebar's memo.
    project = make_project(tmp_path / "big", operations=400)
    first = _build(project, tmp_path / "first", FIRST, PORTAL_CACHE="0")
    second = _build(project, tmp_path / "second", SECOND, PORTAL_CACHE="0")
    _assert_same(first, second)
    assert sum(name.endswith(".html") for name in first) > 400
    # Warm: the cache filled by a build with the switch on, then used by one.
    third = _build(project, tmp_path / "third", "1")
    fourth = _build(project, tmp_path / "third", "1")
    _assert_same(first, third)
    _assert_same(first, fourth)


@pytest.mark.parametrize(
    "features",
    [
        "[navigation.tabs, navigation.sections]",
        "[navigation.indexes, navigation.expand]",
    ],
)
def test_theme_features_build_the_same_either_way(tmp_path: Path, features: str) -> None:
    project = make_project(tmp_path / "project", operations=70)
    config = project / "mkdocs.yml"
    default = "  features: [navigation.indexes, navigation.prune, navigation.sections]\n"
    assert default in config.read_text()
    config.write_text(config.read_text().replace(default, f"  features: {features}\n  language: fr\n"))
    first = _build(project, tmp_path / "first", FIRST, PORTAL_CACHE="0")
    second = _build(project, tmp_path / "second", SECOND, PORTAL_CACHE="0")
    _assert_same(first, second)


_LOADED = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config("mkdocs.yml", site_dir=sys.argv[1]))
print(json.dumps(sorted(name for name in sys.modules if name.startswith("portal_gen.accel."))))
"""


@pytest.mark.parametrize(("switch", "loaded"), [("0", False), ("1", True), ("option", False)])
def test_with_the_switch_off_no_speedup_is_loaded(tmp_path: Path, switch: str, loaded: bool) -> None:
    demo = copy_demo(tmp_path)
    if switch == "option":  # `accel: false` in mkdocs.yml
        config = demo / "mkdocs.yml"
        config.write_text(config.read_text().replace("  - portal:\n", "  - portal:\n      accel: false\n", 1))
        assert "accel: false" in config.read_text()
        switch = ""
    env = {"PORTAL_ACCEL": switch, "PORTAL_CACHE": "0", "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1767225600"}
    proc = subprocess.run(
        [sys.executable, "-c", _LOADED, str(tmp_path / "site")],
        cwd=demo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    modules = json.loads(proc.stdout.splitlines()[-1])
    assert bool(modules) is loaded, modules
    if loaded:
        assert "portal_gen.accel.fast_build" in modules


def test_a_speedup_steps_aside_outside_its_verified_versions(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from packaging.version import Version

    monkeypatch.delenv("PORTAL_ACCEL", raising=False)
    monkeypatch.delenv("PORTAL_ACCEL_SKIP", raising=False)
    assert accel.enabled("material_search")
    real = accel._version
    monkeypatch.setattr(accel, "_version", lambda name: Version("99.0") if name == "mkdocs-material" else real(name))
    accel._verified.cache_clear()
    try:
        with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.portal"):
            assert not accel.enabled("material_search")
            assert not accel.enabled("material_search")
            assert accel.enabled("spec_validator")  # reaches into no Material
    finally:
        accel._verified.cache_clear()  # the real versions again, for later tests
    told = [r.getMessage() for r in caplog.records if "portal accel" in r.getMessage()]
    assert told == ["portal accel: material_search off: mkdocs-material 99.0 is outside the verified range >=9.5,<9.9"]


def test_the_switch_and_the_skip_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_ACCEL_SKIP", raising=False)
    monkeypatch.setenv("PORTAL_ACCEL", "0")
    assert not any(accel.enabled(name) for name in accel.SPEEDUPS)
    monkeypatch.setenv("PORTAL_ACCEL", "1")
    # Off with the switch on: only those outside their verified ranges (none, today).
    outside = {name for name in accel.SPEEDUPS if not accel.enabled(name)}
    monkeypatch.setenv("PORTAL_ACCEL_SKIP", "page_share, material_nav")
    assert {name for name in accel.SPEEDUPS if not accel.enabled(name)} == outside | {"page_share", "material_nav"}
    monkeypatch.delenv("PORTAL_ACCEL")
    accel.configure(False)
    try:
        assert not accel.switched_on()
        monkeypatch.setenv("PORTAL_ACCEL", "1")  # the environment wins over the option
        assert accel.switched_on()
    finally:
        accel.configure(None)


_DEBUG = """
import sys
from packaging.version import Version
from portal_gen import accel
from portal_gen.adapters.cli import main
real = accel._version
accel._version = lambda name: Version("99.0") if name == "mkdocs-material" else real(name)
sys.argv = ["portal", "build", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("flag", ["--debug", None])
def test_debug_output_says_which_speedups_stepped_aside(tmp_path: Path, flag: str | None) -> None:
    demo = copy_demo(tmp_path)
    args = [flag] if flag else []
    proc = subprocess.run(
        [sys.executable, "-c", _DEBUG, *args, "-d", str(tmp_path / "site")],
        cwd=demo,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PORTAL_CACHE": "0", "SOURCE_DATE_EPOCH": "1767225600"},
    )
    assert proc.returncode == 0, proc.stderr
    told = [line for line in proc.stderr.splitlines() if "portal accel:" in line]
    if flag:
        # One line for each speed-up that reads Material and that this build asked for
        # (no cache: no finished pages to reuse; not serving: no quick rebuilds), once each.
        assert sorted(told) == [
            f"DEBUG: portal accel: {name} off: mkdocs-material 99.0 is outside the verified range >=9.5,<9.9"
            for name in ("material_nav", "material_search", "page_share")
        ]
    else:
        assert told == []
