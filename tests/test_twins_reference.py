"""The Markdown twins of the reference pages, as a program reads them: the request and
responses of an operation, every page kind's content, links that resolve, well-formed
tables, on the demo and on fixture projects (OpenAPI 3.0 and 3.1)."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PROJECTS, copy_demo
from portal_gen.config import PortalConfig
from portal_gen.engine.build import Site, generate_site, template_loader
from portal_gen.engine.project import Project, load_project
from portal_gen.model.api import Operation
from portal_gen.plan.reference import page_url
from portal_gen.render.twin import TwinLinks, twin_links, twin_path
from portal_gen.snippets import LANGUAGES, Snippets

REFERENCE_KINDS = frozenset({"landing", "authentication", "tag", "operation", "webhooks", "webhook", "models", "model"})


@dataclass
class Built:
    config: PortalConfig
    project: Project
    site: Site
    links: TwinLinks

    @property
    def reference(self) -> dict[str, str]:
        """Each reference page's twin, by the page's source path."""
        return {p.path: p.markdown or "" for p in self.site.pages if p.kind in REFERENCE_KINDS}

    def twin(self, path: str) -> str:
        return next(p.markdown or "" for p in self.site.pages if p.path == path)

    def operation(self, key: str) -> tuple[Operation, str]:
        op = next(o for o in self.project.api.operations if o.key == key)
        return op, self.twin(self.site.plan.operation_paths[key])

    def site_files(self) -> set[str]:
        """What a twin may link to: another page's twin, or the spec's download."""
        dirs = self.config.directory_urls
        return {twin_path(p.path, dirs) for p in self.site.pages} | {"openapi.json", "openapi.yaml"}


def portal_config(root: Path, **overrides: Any) -> PortalConfig:
    """The project's configuration as the MkDocs plugin reads it from mkdocs.yml."""
    data = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(p["portal"] for p in data["plugins"] if isinstance(p, dict) and "portal" in p) or {}
    options = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    return PortalConfig(
        project_dir=root,
        directory_urls=data.get("use_directory_urls", True),
        site_name=data.get("site_name", ""),
        site_url=data.get("site_url") or "",
        **{**options, **overrides},
    )


def build(root: Path, **overrides: Any) -> Built:
    config = portal_config(root, **overrides)
    project = load_project(config)
    site = generate_site(project, template_loader(config), share=False)
    return Built(config, project, site, twin_links(config))


# Hostile text with table delimiters in it, where each reference twin puts it in a table.
PIPES = {
    "tag": ("Pipes | and more", "A tag | with pipes `a|b` and a trailing backslash \\"),
    "parameter": "A path | with a pipe, `code | pipe` and \\| an escaped one",
    "enum": ["a|b", "c\\|d"],
    "header": "Header | description",
    "model": "Model | description",
    "scope": "read | write files",
}


def nasty_with_pipes(root: Path) -> Path:
    """The ``nasty`` fixture project, with ``|`` in names, descriptions and values."""
    shutil.copytree(PROJECTS / "nasty", root)
    spec_file = root / "openapi" / "openapi.yaml"
    spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    name, description = PIPES["tag"]
    spec["tags"] = [{"name": name, "description": description}]
    get_file = spec["paths"]["/files/{path}/{id}"]["get"]
    get_file["tags"] = [name]
    get_file["parameters"][0]["description"] = PIPES["parameter"]
    get_file["parameters"].append({"name": "mode", "in": "query", "schema": {"type": "string", "enum": PIPES["enum"]}})
    get_file["responses"]["200"]["headers"] = {
        "X-Pipe|Name": {"description": PIPES["header"], "schema": {"type": "string"}}
    }
    spec["components"]["schemas"]["Item"]["description"] = PIPES["model"]
    spec["components"]["schemas"]["Item"]["properties"]["name"]["description"] = "left | right"
    spec["components"]["securitySchemes"]["oauth"]["flows"]["clientCredentials"]["scopes"]["files"] = PIPES["scope"]
    spec_file.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Each project built once for the module: the demo (OpenAPI 3.1, seven snippet
    languages, pricing and case studies), ``features31`` (3.1, ``.html`` URLs),
    ``petstore30`` (3.0) and ``nasty`` with pipes."""
    return {
        "demo": build(copy_demo(tmp_path_factory.mktemp("demo"))),
        "features31": build(PROJECTS / "features31"),
        "petstore30": build(PROJECTS / "petstore30"),
        "nasty": build(nasty_with_pipes(tmp_path_factory.mktemp("nasty") / "nasty")),
    }


# -- reading Markdown back --------------------------------------------------------------

_FENCE = re.compile(r"^(`{3,})([^`\n]*)$")


def blocks(markdown: str) -> list[tuple[str, str, str]]:
    """(the heading above, language, body) of every fenced code block."""
    found = []
    heading = ""
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            heading = line
        opened = _FENCE.match(line)
        if opened:
            ticks, language = opened.groups()
            end = next(i for i in range(index + 1, len(lines)) if re.fullmatch(f"{ticks}`*", lines[i]))
            found.append((heading, language.strip(), "\n".join(lines[index + 1 : end])))
            index = end
        index += 1
    return found


def outside_code(markdown: str, spans: bool = False) -> list[str]:
    """The lines outside fenced blocks, their code spans taken out (kept with ``spans``)."""
    kept = []
    inside: str | None = None
    for line in markdown.split("\n"):
        opened = _FENCE.match(line)
        if inside is None and opened:
            inside = opened.group(1)
            continue
        if inside is not None:
            if re.fullmatch(f"{inside}`*", line):
                inside = None
            continue
        kept.append(line if spans else re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", line))
    return kept


_LINK = re.compile(r"\[(?:\\.|[^\]\\])*\]\((<[^>]*>|[^)\s]*)\)")
_AUTOLINK = re.compile(r"(?<!\\)<((?:https?|mailto):[^>\s]*)>")


def links(markdown: str) -> list[str]:
    """The targets of the links and autolinks of a twin (its facts line, the third,
    names the HTML page)."""
    lines = outside_code(markdown)
    found = []
    for line in lines[2:]:
        found += [m.group(1).strip("<>") for m in _LINK.finditer(line)]
        found += [m.group(1) for m in _AUTOLINK.finditer(_LINK.sub("", line))]
    return found


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table: its rows (the header first, the delimiter row left out), each row
    split into cells where GitHub splits it (at a ``|`` no backslash escapes)."""
    found: list[list[list[str]]] = []
    rows: list[list[str]] = []
    for line in [*outside_code(markdown, spans=True), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                rows.append(cells)
        elif rows:
            found.append(rows)
            rows = []
    return found


def section(markdown: str, heading: str) -> str:
    """The text under ``heading`` (a whole heading line), up to the next heading of
    its level or above (outside fenced blocks: a shell comment is no heading)."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = markdown.split("\n")
    start = lines.index(heading) + 1
    inside: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        opened = _FENCE.match(line)
        if inside is None and opened:
            inside = opened.group(1)
        elif inside is not None:
            if re.fullmatch(f"{inside}`*", line):
                inside = None
        elif re.match(f"#{{1,{level}}} ", line):
            return "\n".join(lines[start:index])
    return "\n".join(lines[start:])


def field_line(markdown: str, name: str) -> str | None:
    """The list item of the field ``name`` at the top level of a field list."""
    return next((line for line in markdown.split("\n") if line.startswith(f"- `{name}` (")), None)


# -- an operation ----------------------------------------------------------------------


def test_the_twin_of_send_message_holds_the_whole_request(projects: dict[str, Built]) -> None:
    built = projects["demo"]
    api = built.project.api
    op, twin = built.operation("sendMessage")
    assert twin.startswith("# Send a message\n\n> ")
    facts = twin.split("\n")[2]
    assert api.title in facts and api.version in facts
    assert "`POST https://api.relay.example/v1/messages`" in twin.split("\n")
    assert "Operation ID `sendMessage` · Tag [Messages](/reference/messages.md)" in twin

    # Parameters: one table row each, saying whether it is required.
    rows = {row[0]: row for table in tables(twin) if table[0][0] == "Name" for row in table[1:]}
    for param in op.parameters:
        assert rows[f"`{param.name}`"][2] == ("yes" if param.required else "no")
    # The body's fields, every required one said so.
    body = section(twin, "## Request body")
    model = api.schemas[op.request_body.content[0].schema.ref]
    assert model.properties
    for prop in model.properties:
        line = field_line(body, prop.name)
        assert line is not None, prop.name
        notes = line.split("): ", 1)[0]  # the type and badges, before the description
        assert notes.endswith(", required") == prop.required, line
    assert "Content type `application/x-www-form-urlencoded`: the same fields as `application/json`." in body

    # The request in every configured language, a fenced block each, under its label.
    request = section(twin, "## Example request")
    found = [(heading, language) for heading, language, _ in blocks(request)]
    expected = [(f"### {LANGUAGES[lang].label}", LANGUAGES[lang].lexer) for lang in built.config.snippet_languages]
    assert len(expected) == 7 and found == expected
    assert all("https://api.relay.example/v1/messages" in code for _, _, code in blocks(request))

    # Every response status, with its example as JSON a program can read.
    headings = [line for line in twin.split("\n") if line.startswith("### ")]
    for response in op.responses:
        assert any(h.startswith(f"### {response.status} ") for h in headings), response.status
    examples = [body for _, language, body in blocks(section(twin, "## Responses")) if language == "json"]
    assert len(examples) >= len(op.responses)
    assert json.loads(examples[0])["status"] == "queued"
    assert "Content type `application/json`: [Message](/reference/models/message.md) object." in twin

    # What the HTML page says besides: cost per plan, case studies, callbacks.
    assert "See [Pricing](/pricing.md)." in twin
    assert re.search(r"^Used by \[Finch Bank\]\(/case-studies/finch-bank\.md\)", twin, re.M)
    assert "### messageStatus" in twin and "`POST {$request.body#/status_callback}`" in twin


def test_an_operations_twin_says_its_parameters_and_authentication(projects: dict[str, Built]) -> None:
    built = projects["nasty"]
    op, twin = built.operation("getFile")
    assert "`GET https://api.example.com/v2/files/{path}/{id}`" in twin
    assert (
        "- [API key in the X-Api-Key header](/reference/authentication.md) (`keyHeader`) and "
        "[API key in the api\\_key query parameter](/reference/authentication.md) (`keyQuery`)"
    ) in twin
    by_location = {"path": "## Path parameters", "query": "## Query parameters"}
    for location, heading in by_location.items():
        (table,) = tables(section(twin, heading))
        assert table[0] == ["Name", "Type", "Required", "Description", "Constraints"]
        names = [row[0] for row in table[1:]]
        assert names == [f"`{p.name}`" for p in op.parameters if p.location == location]
    query = {row[0]: row for row in tables(section(twin, "## Query parameters"))[0][1:]}
    assert query["`ids`"][1:3] == ["array of integer", "yes"]
    assert "serialized as `pipeDelimited`, explode `false`" in query["`pipe`"][4]
    assert query["`q`"][4].startswith("pattern `^[a-z]{3}-\\d{2}$`")


# -- every page kind -------------------------------------------------------------------


def test_each_reference_page_kind_says_what_its_html_page_shows(projects: dict[str, Built]) -> None:
    built = projects["demo"]
    api, plan = built.project.api, built.site.plan
    page = built.twin

    landing = page("reference/index.md")
    assert landing.startswith(f"# {api.title}\n")
    assert "[openapi.json](/openapi.json) · [openapi.yaml](/openapi.yaml)" in landing
    assert "- `https://{region}.sandbox.relay.example/v1`: Sandbox (no carrier delivery, no billing)" in landing
    assert "  - `{region}`: default `us1`, one of `us1`, `eu1`, `ap1`. Sandbox region closest to you." in landing
    assert "- [Send your first message](/quickstarts/send-your-first-message.md)" in landing
    (sections,) = [t for t in tables(landing) if t[0] == ["Section", "Operations", "About"]]
    assert [row[:2] for row in sections[1:]] == [
        [f"[{name}](/{twin_path(path, True)})", str(len(plan.tag_operations[name]))]
        for name, path in plan.tag_paths.items()
    ]
    assert f"[Models](/reference/models.md): {len(plan.model_paths)} objects." in landing

    auth = page("reference/authentication.md")
    for scheme, env in (("bearerAuth", "RELAY_API_KEY"), ("basicAuth", "RELAY_AUTH_TOKEN")):
        assert f"Security scheme `{scheme}`, type `http`." in auth and f"`{env}`" in auth
    languages = [lang for heading, lang, _ in blocks(auth) if heading.startswith("#### ")]
    assert languages == [LANGUAGES[lang].lexer for lang in built.config.snippet_languages] * 2
    assert "Authorization: Bearer $RELAY_API_KEY" in [body for _, _, body in blocks(auth)]

    tag = page(plan.tag_paths["Messages"])
    (operations,) = tables(tag)
    assert operations[0] == ["Operation", "Method", "Path"]
    assert [row[0] for row in operations[1:]] == [
        f"[{op.title}](/{twin_path(plan.operation_paths[op.key], True)})" for op in plan.tag_operations["Messages"]
    ]

    (models,) = tables(page("reference/models/index.md"))
    assert [row[0] for row in models[1:]] == [
        f"[{name}](/{twin_path(p, True)})" for name, p in plan.model_paths.items()
    ]

    message = page(plan.model_paths["Message"])
    for prop in api.schemas["Message"].properties:
        assert field_line(section(message, "## Properties"), prop.name), prop.name
    ((_, language, example),) = blocks(section(message, "## Example"))
    assert language == "json"
    assert set(json.loads(example)) <= {p.name for p in api.schemas["Message"].properties}

    (hooks,) = tables(page("reference/webhooks/index.md"))
    assert len(hooks) - 1 == len(plan.webhook_paths)
    hook = page(plan.webhook_paths["messageDelivered"])
    assert "`POST` webhook `messageDelivered`" in hook
    payload = section(hook, "## Request body")
    assert field_line(payload, "type") and field_line(payload, "data"), payload
    assert any(lang == "json" and json.loads(body)["type"] == "message.delivered" for _, lang, body in blocks(payload))


def test_types_read_as_on_the_html_page_in_3_0_and_3_1(projects: dict[str, Built]) -> None:
    petstore = projects["petstore30"]
    assert petstore.project.api.openapi.startswith("3.0")
    orders = [t for p, t in petstore.reference.items() if "ship_date" in t]
    assert any("- `ship_date` (string (date-time) | null)" in t for t in orders)
    features = projects["features31"]
    assert features.project.api.openapi.startswith("3.1")
    node = features.twin(features.site.plan.model_paths["Node"])
    assert "- `label` (string | null)" in node
    assert "- `children` (array of [Node](/reference/models/node.md))" in node
    # URLs ending in .html: twins are at the same path with .md.
    assert features.twin("reference/index.md").split("\n")[2].endswith("[HTML page](/reference/index.html)")


# -- links and tables, on every project --------------------------------------------------


@pytest.mark.parametrize("name", ["demo", "features31", "petstore30", "nasty"])
def test_every_link_is_absolute_and_leads_to_a_twin_of_the_site(projects: dict[str, Built], name: str) -> None:
    built = projects[name]
    files = built.site_files()
    html_pages = {page_url(p.path, built.config.directory_urls) for p in built.site.pages}
    # An author's Markdown (a description) is kept as written, its links too (see
    # twin.prose): those are the spec's, not the twins'.
    spec = built.config.spec_path.read_text(encoding="utf-8")
    seen = 0
    for path, twin in built.reference.items():
        for url in links(twin):
            seen += 1
            if f"]({url})" in spec:
                continue
            if re.match(r"(https?|mailto):", url):
                assert built.links.site_path(url) is None, (path, url)  # elsewhere, not into the site
                continue
            assert url.startswith("/"), (path, url)
            target = built.links.site_path(url)
            assert target in files or target in html_pages, (path, url)
            if target in html_pages and target not in files:  # the facts line's HTML page
                assert twin.split("\n")[2].endswith(f"]({url})"), (path, url)
    assert seen > len(built.reference)


@pytest.mark.parametrize("name", ["demo", "features31", "petstore30", "nasty"])
def test_every_table_row_has_the_columns_of_its_header(projects: dict[str, Built], name: str) -> None:
    count = 0
    for path, twin in projects[name].reference.items():
        for table in tables(twin):
            count += 1
            assert all(len(row) == len(table[0]) for row in table), (path, table)
    assert count


def test_pipes_in_names_and_descriptions_stay_in_their_cell(projects: dict[str, Built]) -> None:
    built = projects["nasty"]
    plan = built.site.plan
    tag_name = PIPES["tag"][0]
    landing = tables(built.twin("reference/index.md"))[0]
    assert landing[1][0] == f"[Pipes \\\\| and more](/{twin_path(plan.tag_paths[tag_name], True)})"
    _, twin = built.operation("getFile")
    params = {row[0]: row for row in tables(section(twin, "## Path parameters"))[0][1:]}
    assert params["`path`"][3] == PIPES["parameter"].replace("|", "\\|")
    query = {row[0]: row for row in tables(section(twin, "## Query parameters"))[0][1:]}
    assert query["`mode`"][4].startswith("one of `a\\|b`, `c\\\\|d` · example")
    headers = tables(section(twin, "### 200 OK"))[0]
    assert headers[1][:2] == ["`X-Pipe\\|Name`", "string"] and headers[1][3] == "Header \\| description"
    models = tables(built.twin("reference/models/index.md"))[0]
    assert models[1][1] == "Model \\| description"
    scopes = [t for t in tables(built.twin("reference/authentication.md")) if t[0] == ["Scope", "Grants"]]
    assert scopes == [[["Scope", "Grants"], ["`files`", "read \\| write files"]]]
    assert "- `name` (string, required): left | right" in built.twin(plan.model_paths["Item"])


# -- cost, determinism, off ----------------------------------------------------------------


def test_twins_reuse_the_pages_snippets_are_deterministic_and_can_be_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []
    for_operation = Snippets.for_operation

    def counted(self: Snippets, op: Operation, request: Any = None) -> Any:
        made.append(op.key)
        return for_operation(self, op, request)

    monkeypatch.setattr(Snippets, "for_operation", counted)
    root = PROJECTS / "petstore30"
    first = build(root)
    with_twins = sorted(made)
    made.clear()
    again = build(root)
    assert sorted(made) == with_twins
    assert again.reference == first.reference and all(first.reference.values())
    made.clear()
    without = build(root, llms_txt=False)
    assert sorted(made) == with_twins  # twins make no snippet of their own
    assert all(p.twin is None for p in without.site.pages if p.kind in REFERENCE_KINDS)
