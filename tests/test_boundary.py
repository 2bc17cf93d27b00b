"""The engine is portable: nothing but the adapters imports MkDocs or Material."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

# Every stage of the pipeline, and the CI gate; not adapters/ (the MkDocs plugin, the
# CLI) nor accel/ (speed-ups of MkDocs and Material themselves).
ENGINE_PACKAGES = ("load", "model", "checks", "plan", "render", "snippets", "engine", "gate", "mock")

_IMPORT_ALL = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("mkdocs", "material"))))
"""


def _modules() -> list[str]:
    found = ["portal_gen", "portal_gen.config", "portal_gen.errors"]
    for package in ENGINE_PACKAGES:
        found.append(f"portal_gen.{package}")
        module = __import__(f"portal_gen.{package}", fromlist=["__path__"])
        found += [info.name for info in pkgutil.walk_packages(module.__path__, f"portal_gen.{package}.")]
    return found


def test_the_engine_loads_no_mkdocs_or_material_module() -> None:
    modules = _modules()
    assert len(modules) > 60  # every module of every stage, not a few
    assert "portal_gen.engine.build" in modules and "portal_gen.gate.check" in modules
    proc = subprocess.run([sys.executable, "-c", _IMPORT_ALL, *modules], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_the_check_catches_an_import() -> None:
    # The same check finds MkDocs when a module does load it: it can fail.
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, "portal_gen.adapters.mkdocs.plugin"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "mkdocs" in json.loads(proc.stdout)
