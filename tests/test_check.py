"""`portal check`: one small project per quality rule and per broken-link kind, each
asserting the exact finding (rule, file, line), through the real CLI; the report formats
CI tools read; exit codes."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from xml.etree import ElementTree

import pytest

from conftest import copy_demo, run_portal
from portal_gen.checks.rules import check_spec, rule_levels
from portal_gen.errors import Location
from portal_gen.load.spec import load_spec
from portal_gen.model.build import build_api

MKDOCS = """\
site_name: Rules
docs_dir: content
theme: {name: material, font: false}
plugins:
  - search
  - portal:
      spec: openapi.yaml
"""

# A spec every rule is happy with; each case below breaks it in one place.
CLEAN = """\
openapi: 3.1.0
info: {title: Rules, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /things/{thing_id}:
    get:
      operationId: getThing
      summary: Get a thing
      parameters:
        - name: thing_id
          in: path
          required: true
          description: The thing.
          schema: {type: string}
      responses:
        "200":
          description: The thing.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
              example: {id: t1, size: 3}
        "404": {description: No such thing.}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string, description: Its id.}
        size: {type: integer, description: How big it is.}
"""


def make_project(root: Path, spec: str, index: str = "# Rules\n") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS)
    (root / "openapi.yaml").write_text(spec)
    (root / "content" / "index.md").write_text(index)
    return root


def check(project: Path, *args: str):
    result = run_portal("check", "--no-run", *args, cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_a_clean_project_passes(tmp_path: Path) -> None:
    result = check(make_project(tmp_path / "p", CLEAN), "--strict")
    assert result.returncode == 0, result.stderr
    assert "OK: 0 problems" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      operationId: getThing\n",
            "",
            "openapi.yaml:6:5: GET /things/{thing_id} has no operationId [operation-id]",
        ),
        ("      summary: Get a thing\n", "", "openapi.yaml:6:5: getThing has no summary [operation-summary]"),
        (
            '        "404": {description: No such thing.}\n',
            "",
            "openapi.yaml:15:7: getThing documents no 4xx response [operation-4xx]",
        ),
        (
            "          description: The thing.\n          schema",
            "          schema",
            "openapi.yaml:10:11: path parameter 'thing_id' has no description [parameter-description]",
        ),
        (
            "size: {type: integer, description: How big it is.}",
            "size: {type: integer}",
            "openapi.yaml:29:9: property 'size' of Thing has no description [property-description]",
        ),
        (
            "example: {id: t1, size: 3}",
            "example: {id: t1, size: big}",
            "openapi.yaml:21:15: example does not match its schema: size: 'big' is not of type 'integer' "
            "[example-schema]",
        ),
        (
            "    Thing:\n",
            "    Unused: {type: string, description: Nobody refers to me.}\n    Thing:\n",
            "openapi.yaml:25:5: components/schemas/Unused is never used [unused-component]",
        ),
    ],
    ids=[
        "operation-id",
        "operation-summary",
        "operation-4xx",
        "parameter-description",
        "property-description",
        "example-schema",
        "unused-component",
    ],
)
def test_each_rule_reports_its_finding_at_its_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in CLEAN
    project = make_project(tmp_path / "p", CLEAN.replace(old, new))
    result = check(project, "--strict")
    assert result.returncode == 1
    findings = [line for line in result.stderr.splitlines() if line.startswith("openapi.yaml:")]
    assert [f"{line} [{_rule(result.stderr, line)}]" for line in findings] == [expected], result.stderr


def _rule(stderr: str, line: str) -> str:
    after = stderr.split(line, 1)[1]
    return after.split("[", 1)[1].split("]", 1)[0]


def test_duplicate_operation_ids_and_unused_path_parameters_are_errors(tmp_path: Path) -> None:
    # openapi-spec-validator refuses both before the rules run, so the rules are checked
    # on the model of a spec that skipped validation (as a laxer validator would let through).
    spec = CLEAN.replace(
        "components:\n",
        "  /other:\n"
        "    get:\n"
        "      operationId: getThing\n"
        "      summary: Other\n"
        "      parameters:\n"
        "        - {name: other_id, in: path, required: true, description: Unused., schema: {type: string}}\n"
        '      responses: {"200": {description: OK}, "404": {description: No.}}\n'
        "components:\n",
    )
    project = make_project(tmp_path / "p", spec)
    source = load_spec(project / "openapi.yaml", project)
    found = check_spec(build_api(source), source, rule_levels({}, Location("mkdocs.yml")))
    assert [(d.rule, str(d.location), d.message, d.severity) for d in found] == [
        (
            "operation-id-unique",
            "openapi.yaml:25:7",
            "operationId 'getThing' is also used by GET /things/{thing_id}",
            "error",
        ),
        ("path-parameter-unused", "openapi.yaml:28:11", "path parameter 'other_id' is not in the path /other", "error"),
    ]
    # Through the CLI, the validator's verdict comes first.
    result = check(project)
    assert result.returncode == 1 and "[spec-invalid]" in result.stderr


def test_rule_levels_are_configurable(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", CLEAN.replace("      summary: Get a thing\n", ""))
    assert check(project).returncode == 0  # a warning fails only with --strict
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "      check_rules: {operation-summary: error}\n")
    assert check(project).returncode == 1
    config.write_text(config.read_text().replace("operation-summary: error", "operation-summary: off"))
    result = check(project, "--strict")
    assert result.returncode == 0 and "operation-summary" not in result.stderr
    config.write_text(config.read_text().replace("operation-summary: off", "operation-sumary: off"))
    result = check(project)
    assert result.returncode == 1
    assert "mkdocs.yml: check_rules: unknown rule 'operation-sumary'" in result.stderr


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (
            "# Rules\n\nSee [the guide](guide.md).\n",
            "content/index.md:3:17: link to 'guide.md' leads nowhere (on /) [link-broken]",
        ),
        (
            "# Rules\n\nThe [thing](reference/other-operations/get-thing.md#no-such-part).\n",
            "content/index.md:3:52: link to 'reference/other-operations/get-thing/#no-such-part': "
            "no '#no-such-part' on reference/other-operations/get-thing/ (on /) [anchor-missing]",
        ),
        (
            "# Rules\n\n[Up](#nowhere)\n",
            "content/index.md:3:6: link to '#nowhere': no '#nowhere' on / (on /) [anchor-missing]",
        ),
    ],
    ids=["missing-page", "missing-anchor-on-another-page", "missing-anchor-on-the-page"],
)
def test_broken_internal_links_are_found_in_the_built_site(tmp_path: Path, index: str, expected: str) -> None:
    project = make_project(tmp_path / "p", CLEAN, index)
    result = check(project)
    assert result.returncode == 1
    first = next(line for line in result.stderr.splitlines() if line.startswith("content/index.md:"))
    assert f"{first} [{_rule(result.stderr, first)}]" == expected, result.stderr


def test_links_in_the_spec_are_checked_in_generated_pages(tmp_path: Path) -> None:
    spec = CLEAN.replace("summary: Get a thing\n", "summary: Get a thing\n      description: See [sizes](#sizes).\n")
    result = check(make_project(tmp_path / "p", spec))
    assert result.returncode == 1
    assert (
        "openapi.yaml:9:32: link to '#sizes': no '#sizes' on reference/other-operations/get-thing/ "
        "(on reference/other-operations/get-thing/)"
    ) in result.stderr


class _Links(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_HEAD(self) -> None:
        self.hits.append(self.path)
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_external_links_only_on_request_and_cached(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Links)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        project = make_project(tmp_path / "p", CLEAN, f"# Rules\n\n[ok]({base}/ok) and\n[gone]({base}/gone)\n")
        assert check(project).returncode == 0  # offline by default
        assert _Links.hits == []
        result = check(project, "--external")
        assert result.returncode == 1
        assert f"content/index.md:4:8: external link {base}/gone answered 404 (on /)" in result.stderr
        assert sorted(_Links.hits) == ["/gone", "/ok"]
        cache = json.loads((project / ".portal-cache" / "links.json").read_text())
        assert list(cache) == [f"{base}/ok"]  # only successes are kept
        _Links.hits.clear()
        assert check(project, "--external").returncode == 1
        assert _Links.hits == ["/gone"]  # the good link came from the cache
    finally:
        server.shutdown()


def test_report_formats(tmp_path: Path) -> None:
    spec = CLEAN.replace("      summary: Get a thing\n", "").replace("size: 3}", "size: big}")
    project = make_project(tmp_path / "p", spec)
    result = run_portal("check", "--no-run", "--format", "github", "--junit", "r.xml", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::warning file=openapi.yaml,line=6,col=5,title=operation-summary::getThing has no summary"
        "%0AEvery operation needs a summary: it is the page title and the nav label.",
        "::error file=openapi.yaml,line=20,col=15,title=example-schema::example does not match its schema: "
        "size: 'big' is not of type 'integer'%0Afix the example, or the schema if the example is right",
    ]
    suites = ElementTree.parse(project / "r.xml").getroot()
    assert suites.get("failures") == "1" and suites.get("tests") == "2"

    result = run_portal("check", "--no-run", "--format", "json", cwd=project)
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert [(p["rule"], p["file"], p["line"], p["severity"]) for p in report["problems"]] == [
        ("operation-summary", "openapi.yaml", 6, "warning"),
        ("example-schema", "openapi.yaml", 20, "error"),
    ]


def test_exit_codes(tmp_path: Path) -> None:
    assert run_portal("check", "--no-run", cwd=tmp_path).returncode == 2  # no mkdocs.yml: usage
    assert run_portal("check", "--format", "yaml", cwd=tmp_path).returncode == 2
    project = make_project(tmp_path / "p", "openapi: 3.1.0\ninfo: {title: T}\npaths: {}\n")
    result = check(project)
    assert result.returncode == 1
    assert "openapi.yaml:2:1: invalid OpenAPI: 'version' is a required property" in result.stderr


def test_the_demo_passes_strict(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    result = run_portal("check", "--strict", "--no-run", cwd=demo)  # test_guide_runs runs the guides too
    assert result.returncode == 0, result.stderr
    assert "OK: 0 problems" in result.stderr
