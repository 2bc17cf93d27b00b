"""`portal diff` and `portal check --breaking-against` through the real CLI: exit codes,
the four output formats, specs read from git refs, changes accepted on purpose, and
user mistakes as one-line messages."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import run_portal

MKDOCS = """\
site_name: Diff
docs_dir: content
theme: {name: material, font: false}
plugins:
  - search
  - portal:
      spec: openapi.yaml
"""

BASE = """\
openapi: 3.1.0
info: {title: Diff, version: "1.0"}
servers: [{url: "https://api.example.com"}]
paths:
  /things:
    get:
      operationId: listThings
      summary: List things
      parameters:
        - name: limit
          in: query
          description: How many.
          schema: {type: integer, maximum: 100}
      responses:
        "200":
          description: The things.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Thing"}
  /things/{thing_id}:
    delete:
      operationId: deleteThing
      summary: Delete a thing
      parameters:
        - {name: thing_id, in: path, required: true, description: The thing., schema: {type: string}}
      responses:
        "204": {description: Deleted.}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string, description: The id.}
        color:
          type: string
          description: Its color.
          enum: [red, green]
"""


def _write(folder: Path, spec: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mkdocs.yml").write_text(MKDOCS)
    (folder / "content").mkdir(exist_ok=True)
    (folder / "content" / "index.md").write_text("# Diff\n")
    (folder / "openapi.yaml").write_text(spec)
    return folder


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=dev@example.com", "-c", "user.name=Dev", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


REMOVED = BASE.replace(
    """  /things/{thing_id}:
    delete:
      operationId: deleteThing
      summary: Delete a thing
      parameters:
        - {name: thing_id, in: path, required: true, description: The thing., schema: {type: string}}
      responses:
        "204": {description: Deleted.}
""",
    "",
)
ENUM_ADDED = BASE.replace("enum: [red, green]", "enum: [red, green, blue]")
OPTIONAL_ADDED = BASE.replace(
    "        id: {type: string, description: The id.}\n",
    "        id: {type: string, description: The id.}\n        size: {type: integer, description: Its size.}\n",
)


@pytest.mark.parametrize(
    ("head", "fail_on", "code", "counts"),
    [
        (BASE.replace('version: "1.0"', 'version: "1.1"'), "breaking", 0, (0, 0, 0)),
        (REMOVED, "breaking", 1, (1, 0, 0)),
        (REMOVED, "never", 0, (1, 0, 0)),
        (ENUM_ADDED, "breaking", 0, (0, 1, 0)),
        (ENUM_ADDED, "warning", 1, (0, 1, 0)),
        (OPTIONAL_ADDED, "warning", 0, (0, 0, 1)),
        (OPTIONAL_ADDED, "info", 1, (0, 0, 1)),
    ],
    ids=["no-change", "removed", "removed-never", "enum-breaking", "enum-warning", "added-warning", "added-info"],
)
def test_exit_code_follows_fail_on(tmp_path: Path, head: str, fail_on: str, code: int, counts: tuple[int, int, int]):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "head.yaml").write_text(head)
    result = run_portal("diff", "base.yaml", "head.yaml", "--format", "json", "--fail-on", fail_on, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    report = json.loads(result.stdout)
    assert tuple(report["counts"].values()) == counts
    assert report["base"]["source"] == "base.yaml"


def test_text_report_groups_by_operation_and_model(tmp_path: Path):
    (tmp_path / "base.yaml").write_text(BASE)
    both = REMOVED.replace("enum: [red, green]", "enum: [red, green, blue]")
    (tmp_path / "head.yaml").write_text(both)
    result = run_portal("diff", "base.yaml", "head.yaml", cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "\x1b[" not in out  # no colour when stdout is not a terminal
    assert re.search(r"DELETE /things/\{thing_id\}\n  BREAKING +removed +\[operation-removed\]", out), out
    assert re.search(r"model Thing\n  WARNING +color: enum value \"blue\" added \(used by GET /things\)", out), out
    assert out.rstrip().endswith("1 breaking, 1 warning, 0 info")


def test_json_and_github_point_at_the_changed_line(tmp_path: Path):
    (tmp_path / "base.yaml").write_text(BASE)
    head = BASE.replace("schema: {type: integer, maximum: 100}", "schema: {type: integer, maximum: 50}")
    (tmp_path / "head.yaml").write_text(head)
    line = _line_of(tmp_path / "head.yaml", "maximum: 50")
    report = json.loads(run_portal("diff", "base.yaml", "head.yaml", "--format", "json", cwd=tmp_path).stdout)
    [change] = report["changes"]
    assert change["level"] == "breaking"
    assert change["kind"] == "bound-tightened"
    assert change["operation"] == "GET /things"
    assert change["direction"] == "request"
    assert change["location"] == f"head.yaml:{line}:11"
    assert change["pointer"] == "/paths/~1things/get/parameters/0/schema"
    github = run_portal("diff", "base.yaml", "head.yaml", "--format", "github", cwd=tmp_path)
    assert github.returncode == 1
    title = "title=breaking change%3A bound-tightened"
    assert github.stdout.startswith(f"::error file=head.yaml,line={line},col=11,{title}::")
    assert "GET /things: query parameter 'limit': maximum changed from 100 to 50" in github.stdout


def test_markdown_is_a_pull_request_comment(tmp_path: Path):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "head.yaml").write_text(REMOVED.replace("enum: [red, green]", "enum: [red, green, blue]"))
    out = run_portal("diff", "base.yaml", "head.yaml", "--format", "markdown", cwd=tmp_path).stdout
    assert out.startswith("## API changes: 1.0 (base.yaml) → 1.0 (head.yaml)\n\n**1 breaking, 1 warning, 0 info**\n")
    assert "### Breaking (1)\n\n- **DELETE /things/{thing\\_id}**: removed `operation-removed`" in out
    assert "### Warnings (1)" in out
    assert "### Info" not in out


def test_no_semantic_change_between_yaml_and_json(tmp_path: Path):
    import yaml

    (tmp_path / "base.yaml").write_text(BASE)
    data = yaml.safe_load(BASE)
    reordered = {key: data[key] for key in reversed(list(data))}
    (tmp_path / "head.json").write_text(json.dumps(reordered, indent=1))
    result = run_portal("diff", "base.yaml", "head.json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "No changes." in result.stdout


def test_accepted_in_the_spec_or_the_changelog_file(tmp_path: Path):
    project = _write(tmp_path / "p", REMOVED)
    (project / "base.yaml").write_text(BASE)
    strict = run_portal("diff", "base.yaml", cwd=project)
    assert strict.returncode == 1  # HEAD: the project's spec
    (project / "content" / "changelog.yaml").write_text(
        "accepted:\n  - operation: delete /things/{thing_id}\n    kind: operation-removed\n"
        "    reason: Things are archived now.\n"
    )
    result = run_portal("diff", "base.yaml", cwd=project)
    assert result.returncode == 0, result.stdout
    assert "  BREAKING  removed  [operation-removed]\n            accepted: Things are archived now.\n" in result.stdout
    assert result.stdout.rstrip().endswith("1 breaking, 0 warning, 0 info (1 accepted)")
    # On the changed node itself: a required property removed from a response.
    accepted = '      required: [id]\n      x-portal-breaking-accepted: "id moved"\n'
    head = BASE.replace("      required: [id]\n", accepted)
    head = head.replace("        id: {type: string, description: The id.}\n", "")
    (project / "content" / "changelog.yaml").unlink()
    (project / "openapi.yaml").write_text(head)
    report = json.loads(run_portal("diff", "base.yaml", "--format", "json", cwd=project).stdout)
    assert [(c["kind"], c["accepted"]) for c in report["changes"]] == [("required-property-removed", "id moved")]


def test_git_refs(tmp_path: Path):
    project = _write(tmp_path / "p", BASE)
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "v1")
    _git(project, "tag", "v1")
    (project / "openapi.yaml").write_text(REMOVED.replace('version: "1.0"', 'version: "2.0"'))
    _git(project, "commit", "-qam", "v2")
    _git(project, "tag", "v2")
    (project / "openapi.yaml").write_text(ENUM_ADDED.replace('version: "1.0"', 'version: "3.0"'))
    working = json.loads(run_portal("diff", "git:v2", "--format", "json", cwd=project).stdout)
    assert working["base"]["version"] == "2.0" and working["head"]["version"] == "3.0"
    assert {c["kind"] for c in working["changes"]} == {"operation-added", "enum-value-added"}
    tags = run_portal("diff", "git:v1", "git:v2", "--format", "json", cwd=project)
    assert tags.returncode == 1
    [removed] = json.loads(tags.stdout)["changes"]
    assert removed["kind"] == "operation-removed"
    assert removed["location"].startswith("v2:openapi.yaml:")  # the file as it was at that ref
    missing = run_portal("diff", "git:v9", cwd=project)
    assert missing.returncode == 2
    assert missing.stderr.startswith("git ref 'v9' not found in ")
    assert "hint: check the name with `git tag`" in missing.stderr


def test_usage_errors_exit_2_with_a_message(tmp_path: Path):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "broken.yaml").write_text(BASE.replace("paths:\n", "paths:\n  - [unclosed\n", 1))
    missing = run_portal("diff", "base.yaml", "nope.yaml", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[0] == "spec not found: nope.yaml"
    broken = run_portal("diff", "base.yaml", "broken.yaml", cwd=tmp_path)
    assert broken.returncode == 2
    assert re.match(r"broken\.yaml:\d+:\d+: ", broken.stderr), broken.stderr
    assert "Traceback" not in broken.stderr
    alone = run_portal("diff", "base.yaml", cwd=tmp_path)  # no mkdocs.yml to name the project's spec
    assert alone.returncode == 2
    assert "no mkdocs.yml here" in alone.stderr
    not_git = run_portal("diff", "git:main", "base.yaml", cwd=tmp_path)
    assert not_git.returncode == 2
    assert "needs a git repository" in not_git.stderr
    bad_option = run_portal("diff", "base.yaml", "base.yaml", "--fail-on", "sometimes", cwd=tmp_path)
    assert bad_option.returncode == 2


def test_check_breaking_against_reports_each_change_at_its_line(tmp_path: Path):
    project = _write(tmp_path / "p", BASE)
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "v1")
    head = BASE.replace("schema: {type: integer, maximum: 100}", "schema: {type: integer, maximum: 50}")
    head = head.replace("enum: [red, green]", "enum: [red, green, blue]")
    (project / "openapi.yaml").write_text(head)
    result = run_portal("check", "--no-run", "--breaking-against", "git:HEAD", "--format", "github", cwd=project)
    assert result.returncode == 1, result.stderr
    line = _line_of(project / "openapi.yaml", "maximum: 50")
    assert (
        f"::error file=openapi.yaml,line={line},col=11,title=breaking-change::GET /things: query parameter 'limit': "
        "maximum changed from 100 to 50 [bound-tightened] (since git:HEAD)" in result.stdout
    ), result.stdout
    enum_line = _line_of(project / "openapi.yaml", "color:")  # the schema whose enum changed
    assert f"::warning file=openapi.yaml,line={enum_line}" in result.stdout
    assert 'title=change-warning::model Thing: color: enum value "blue" added [enum-value-added]' in result.stdout
    # Accepted in content/changelog.yaml: the gate passes (the warning stays a warning).
    (project / "content" / "changelog.yaml").write_text(
        "accepted:\n  - kind: bound-tightened\n    reason: Smaller pages are faster.\n"
    )
    accepted = run_portal("check", "--no-run", "--breaking-against", "git:HEAD", cwd=project)
    assert accepted.returncode == 0, accepted.stderr
    assert "bound-tightened" not in accepted.stderr
    assert "[change-warning]" in accepted.stderr
    strict = run_portal("check", "--no-run", "--strict", "--breaking-against", "git:HEAD", cwd=project)
    assert strict.returncode == 1


def test_check_breaking_against_a_missing_ref_says_so(tmp_path: Path):
    project = _write(tmp_path / "p", BASE)
    result = run_portal("check", "--no-run", "--breaking-against", "git:v1", cwd=project)
    assert result.returncode == 1
    assert "'git:v1' needs a git repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_changelog_file_mistakes_point_at_their_line(tmp_path: Path):
    project = _write(tmp_path / "p", BASE)
    (project / "base.yaml").write_text(BASE)
    (project / "content" / "changelog.yaml").write_text(
        "accepted:\n  - kind: operation-removd\n    reason: Gone.\nreleases:\n  - version: '2'\n    date: 2026/01/01\n"
    )
    result = run_portal("diff", "base.yaml", cwd=project)
    assert result.returncode == 2
    assert "content/changelog.yaml:6:5: " in result.stderr, result.stderr
    build = run_portal("build", cwd=project)
    assert build.returncode == 1
    assert "content/changelog.yaml:6:5: " in build.stderr, build.stderr
    (project / "content" / "changelog.yaml").write_text("accepted:\n  - kind: operation-removd\n    reason: Gone.\n")
    result = run_portal("diff", "base.yaml", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("content/changelog.yaml:2:5: unknown kind of change 'operation-removd'\n")
    assert "hint: did you mean 'operation-removed'?" in result.stderr


def test_models_from_other_files_pair_by_where_they_are_written(tmp_path: Path):
    """The loader names a schema of another file after its key (``item``, then ``item2``
    for the next file's ``item``), in the order it meets them: reordering the paths must
    not make two unchanged models look changed."""
    a_ref = "{$ref: 'a.yaml#/item'}"
    b_ref = "{$ref: 'b.yaml#/item'}"

    def spec(*refs: tuple[str, str]) -> str:
        paths = "".join(
            f"  /{name}:\n    get:\n      responses:\n        '200':\n          description: ok\n"
            f"          content: {{application/json: {{schema: {ref}}}}}\n"
            for name, ref in refs
        )
        return f"openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}"

    for folder, refs in {
        "added": [("b", b_ref)],
        "base": [("a", a_ref), ("b", b_ref)],
        "head": [("b", b_ref), ("a", a_ref)],
    }.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.yaml").write_text("item: {type: object, properties: {x: {type: string}}}\n")
        (tmp_path / folder / "b.yaml").write_text("item: {type: object, properties: {y: {type: integer}}}\n")
        (tmp_path / folder / "openapi.yaml").write_text(spec(*refs))
    same = run_portal("diff", "base/openapi.yaml", "head/openapi.yaml", cwd=tmp_path)
    assert same.returncode == 0
    assert "No changes." in same.stdout, same.stdout
    added = json.loads(
        run_portal("diff", "added/openapi.yaml", "base/openapi.yaml", "--format", "json", cwd=tmp_path).stdout
    )
    assert [(c["kind"], c["operation"] or c["model"]) for c in added["changes"]] == [
        ("operation-added", "GET /a"),
        ("model-added", "item"),  # a.yaml's item, as the head names it
    ]
    assert added["changes"][1]["pointer"] == "/components/schemas/item"


@pytest.mark.parametrize("has_filter", [True, False], ids=["data-filter", "older-python"])
def test_a_refs_files_are_unpacked_without_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, has_filter: bool):
    """A git ref's files are unpacked into a temporary folder: files and folders only,
    nothing outside it, with or without tarfile's data filter (Python < 3.10.12)."""
    import io
    import tarfile

    from portal_gen.diff.history import _extract

    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        for name, kind in (("openapi", tarfile.DIRTYPE), ("openapi/spec.yaml", tarfile.REGTYPE)):
            info = tarfile.TarInfo(name)
            info.type = kind
            info.size = 0
            tar.addfile(info, io.BytesIO(b""))
        link = tarfile.TarInfo("openapi/secrets.yaml")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
        escape = tarfile.TarInfo("../outside.yaml")
        tar.addfile(escape, io.BytesIO(b""))
    if not has_filter:
        monkeypatch.delattr(tarfile, "data_filter")
    folder = tmp_path / "ref"
    folder.mkdir()
    data.seek(0)
    with tarfile.open(fileobj=data) as tar:
        _extract(tar, folder)
    assert (folder / "openapi" / "spec.yaml").is_file()
    assert not (folder / "openapi" / "secrets.yaml").exists()
    assert not (folder / "openapi" / "secrets.yaml").is_symlink()
    assert not (tmp_path / "outside.yaml").exists()
