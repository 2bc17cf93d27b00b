"""`portal build` writes generated pages on a second core: the same site, byte for byte.

Every build here is a real `portal build`. ``PORTAL_JOBS=1`` keeps a build in one
process, the reference the shared build must match file for file.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import MKDOCS_YML, assert_same_site, copy_demo, make_project, processes_in, run_portal
from portal_gen.engine.parallel import can_share, usable_cores

SHARED = re.compile(r"(\d+) of (\d+) generated pages written by a second process")
RENDERED = re.compile(r"(\d+) of (\d+) pages not in the cache rendered by a second process")


def build_both_ways(project: Path, tmp_path: Path) -> str:
    """Build in one process and shared; check the sites match; return the shared build's log."""
    # Without the page cache: a second build would take every page from it, sharing none.
    one = run_portal(
        "build", "-v", "-d", str(tmp_path / "one"), cwd=project, env={"PORTAL_JOBS": "1", "PORTAL_CACHE": "0"}
    )
    assert one.returncode == 0, one.stderr
    assert not SHARED.search(one.stderr)
    shared = run_portal("build", "-v", "-d", str(tmp_path / "shared"), cwd=project, env={"PORTAL_CACHE": "0"})
    assert shared.returncode == 0, shared.stderr
    assert_same_site(tmp_path / "one", tmp_path / "shared")
    assert processes_in(project) == []
    return shared.stderr


def test_shared_build_writes_the_same_site(tmp_path: Path) -> None:
    log = build_both_ways(make_project(tmp_path / "project"), tmp_path)
    if usable_cores() >= 2:
        match = SHARED.search(log)
        assert match, log[-2000:]
        assert 0 < int(match.group(1)) <= int(match.group(2))
    assert "Page skipped" not in log  # MkDocs' note for the pages the other process wrote


def test_pages_rendered_on_a_second_core_into_the_cache_make_the_same_site(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    one = run_portal("build", "-v", "-d", str(tmp_path / "one"), cwd=project, env={"PORTAL_JOBS": "1"})
    assert one.returncode == 0, one.stderr
    assert not RENDERED.search(one.stderr)
    shutil.rmtree(project / ".portal-cache")  # cold again
    shared = run_portal("build", "-v", "-d", str(tmp_path / "shared"), cwd=project)
    assert shared.returncode == 0, shared.stderr
    if usable_cores() >= 2:
        match = RENDERED.search(shared.stderr)
        assert match, shared.stderr[-2000:]
        assert 0 < int(match.group(1)) < int(match.group(2))  # both processes rendered
    assert_same_site(tmp_path / "one", tmp_path / "shared")
    assert processes_in(project) == []


def test_shared_build_of_the_demo_writes_the_same_site(tmp_path: Path) -> None:
    build_both_ways(copy_demo(tmp_path), tmp_path)


def test_unknown_page_handlers_keep_the_build_in_one_process(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", operations=20)
    (project / "hooks.py").write_text(
        "def on_post_page(output, page, config):\n    return output.replace('</body>', '<!-- hooked --></body>')\n"
    )
    (project / "mkdocs.yml").write_text(MKDOCS_YML + "hooks:\n  - hooks.py\n")
    result = run_portal("build", "-v", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not SHARED.search(result.stderr)
    pages = list((project / "site" / "reference").rglob("*.html"))
    assert pages and all("<!-- hooked -->" in p.read_text(encoding="utf-8") for p in pages)


def test_a_failure_in_the_second_process_fails_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    # Model pages come last, so the second process, which starts from the back, meets one first.
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        '{% if page.file.src_uri.startswith("reference/models/") %}{{ page.no_such_thing.here }}{% endif %}'
        "{{ super() }}{% endblock %}"
    )
    with_overrides = MKDOCS_YML.replace("  font: false\n", "  font: false\n  custom_dir: overrides\n")
    (project / "mkdocs.yml").write_text(with_overrides)
    (project / "site").mkdir()
    (project / "site" / "old.html").write_text("the previous site")

    result = run_portal("build", cwd=project)

    assert result.returncode == 1
    assert "Error building page 'reference/models/" in result.stderr
    assert "no_such_thing" in result.stderr
    if usable_cores() >= 2:
        assert "RemoteTraceback" in result.stderr  # the other process's traceback is shown
    staging = [p.name for p in project.iterdir() if p.name.startswith(".portal-") and p.name != ".portal-cache"]
    assert staging == []
    assert [p.name for p in (project / "site").iterdir()] == ["old.html"]  # nothing published
    assert processes_in(project) == []


def test_a_template_error_on_the_second_core_is_reported_as_in_one_process(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    # Model pages come last: the helper, which starts from the back, meets one first.
    (project / "site_templates" / "reference").mkdir(parents=True)
    (project / "site_templates" / "reference" / "model.html").write_text("<h1>{{ no_such_name.attribute }}</h1>\n")
    (project / "site").mkdir()
    (project / "site" / "old.html").write_text("the previous site")

    shared = run_portal("build", cwd=project)
    one = run_portal("build", cwd=project, env={"PORTAL_JOBS": "1"})

    assert shared.returncode == one.returncode == 1
    assert "Traceback" not in shared.stderr
    assert "template error while rendering reference/models/" in shared.stderr
    assert shared.stderr == one.stderr
    assert [p.name for p in (project / "site").iterdir()] == ["old.html"]
    assert processes_in(project) == []


def _mark_job(folder: Path, delay: float, index: int) -> None:
    """A job: a file named after the process that ran it (the helper sleeps a while)."""
    import os
    import time

    if delay and os.getpid() != int((folder / "parent").read_text()):
        time.sleep(delay)
    (folder / f"{index}.{os.getpid()}").write_text("")


@pytest.mark.skipif(not can_share(), reason="needs two cores and fork")
def test_jobs_left_at_the_end_are_run_by_both_processes_once(tmp_path: Path) -> None:
    import functools
    import os

    from portal_gen.engine.parallel import JobShare

    (tmp_path / "parent").write_text(str(os.getpid()))
    jobs = JobShare(functools.partial(_mark_job, tmp_path, 0.02), 40)
    jobs.start()
    here = jobs.run_rest()  # nothing claimed in order: the rest, from the bottom
    there = jobs.finish()
    runs = [p.name.split(".") for p in tmp_path.iterdir() if p.name != "parent"]
    assert sorted(int(index) for index, _ in runs) == list(range(40))  # each once
    mine = sorted(int(index) for index, pid in runs if int(pid) == os.getpid())
    assert here == len(mine) and there == 40 - here
    assert here > 20 and mine == list(range(here))  # the helper is slower: this process ran the low ones


@pytest.mark.skipif(not can_share(), reason="needs two cores and fork")
def test_a_job_left_at_the_end_that_fails_stops_the_helper(tmp_path: Path) -> None:
    import os

    from portal_gen.engine.parallel import JobFailed, JobShare

    (tmp_path / "parent").write_text(str(os.getpid()))

    def run(index: int) -> None:
        _mark_job(tmp_path, 0.05, index)
        if index == 3 and os.getpid() == int((tmp_path / "parent").read_text()):
            raise ValueError("job 3 broke")

    jobs = JobShare(run, 40)
    jobs.start()
    with pytest.raises(JobFailed) as failed:
        jobs.run_rest()
    assert failed.value.index == 3 and str(failed.value.error) == "job 3 broke"
    assert not jobs._process.is_alive()
