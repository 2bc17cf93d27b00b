"""The reference landing page as a reader meets it: the API's description in sections
that have ids and sit in the table of contents, tables that read in both colour schemes
and scroll in their box on a phone, and the spec to download, bundled into one file
(``openapi.json``, ``openapi.yaml`` at the site's root)."""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import SCREENSHOTS, axe_source, serious_violations, serve_directory, sideways_overflow
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from conftest import run_portal
from portal_gen.load.bundle import bundled_files, yaml_text
from portal_gen.load.sources import parse_text
from portal_gen.load.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"
SECTIONS = ["Base URL", "Authentication", "Pagination", "Idempotency", "Errors", "Rate limits"]


class _Page(HTMLParser):
    """Every id of a page, the article's headings (level, id, text) and the links of
    the table of contents."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.headings: list[tuple[int, str | None, str]] = []
        self.toc: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self._heading: tuple[int, str | None] | None = None
        self._link: str | None = None
        self._toc_depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "nav" and (self._toc_depth or "md-nav--secondary" in (found.get("class") or "")):
            self._toc_depth += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = (int(tag[1]), found.get("id")), []
        if tag == "a" and found.get("href"):
            self._link, self._text = str(found["href"]), [] if self._heading is None else self._text
            if found.get("class") == "headerlink":
                self._link = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._toc_depth:
            self._toc_depth -= 1
        if tag == "a" and self._link is not None:
            text = " ".join("".join(self._text).split())
            (self.toc if self._toc_depth else self.links).append((self._link, text))
            self._link = None
        if self._heading is not None and tag == f"h{self._heading[0]}":
            text = " ".join("".join(self._text).replace("\u00b6", "").split())
            self.headings.append((*self._heading, text))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


# -- the description's sections -------------------------------------------------------


def test_the_landing_pages_sections_have_ids_and_are_in_its_table_of_contents(built) -> None:
    page = _parse(Path(built("demo")) / "reference" / "index.html")
    headings = {text: anchor for level, anchor, text in page.headings if level == 2}
    for title in SECTIONS:
        assert headings.get(title), f"{title!r} has no id"
        assert (f"#{headings[title]}", title) in page.toc, f"{title!r} is not in the table of contents"
    # portal's own sections keep their ids and stay in the outline, after the description's
    assert headings["Servers"] == "servers" and headings["Reference"] == "reference"
    toc = [text for _, text in page.toc]
    assert toc.index("Rate limits") < toc.index("Servers")
    assert headings["Base URL"] == "base-url" and headings["Rate limits"] == "rate-limits"


def test_no_page_of_the_demo_repeats_an_id(built) -> None:
    site = Path(built("demo"))
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    repeated = {}
    for path in pages:
        twice = [anchor for anchor, count in Counter(_parse(path).ids).items() if count > 1]
        if twice:
            repeated[str(path.relative_to(site))] = twice
    assert repeated == {}


def test_a_model_description_gets_sections_and_field_descriptions_do_not(project, tmp_path: Path) -> None:
    from conftest import run_portal

    root = project("features31")
    spec = root / "openapi" / "openapi.yaml"
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    node = data["components"]["schemas"]["Node"]
    node["description"] = "A node.\n\n## Lifecycle\n\nCreated, then deleted.\n\n## Properties\n\nSee below."
    first = next(iter(node["properties"].values()))
    first["description"] = "## Notes\n\nA field's heading."
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    page = _parse(root / "site" / "reference" / "models" / "node.html")
    headings = [(anchor, text) for _, anchor, text in page.headings]
    assert ("lifecycle", "Lifecycle") in headings
    assert ("properties", "Properties") in headings and ("properties-2", "Properties") in headings
    assert (None, "Notes") in headings  # in a field's description: no id, not in the outline
    assert [t for _, t in page.toc].count("Notes") == 0 and ("#lifecycle", "Lifecycle") in page.toc
    assert [a for a, n in Counter(page.ids).items() if n > 1] == []


# -- the spec to download ---------------------------------------------------------------


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


class _Resolver:
    """Follows ``$ref``s the way a reader's tool does: a file relative to the file the
    ref is in, then a JSON pointer; keys next to a ``$ref`` win over the target's."""

    def __init__(self, root: Path, data: Any = None) -> None:
        self.files: dict[Path, Any] = {}
        self.root = root.resolve()
        if data is not None:
            self.files[self.root] = data

    def load(self, path: Path) -> Any:
        if path not in self.files:
            self.files[path] = parse_text(path.read_text(encoding="utf-8"), path.name)
        return self.files[path]

    def deref(self, node: Any, where: Path) -> tuple[Any, Path, tuple[Path, str] | None]:
        key = None
        for _ in range(100):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node, where, key
            url, _, fragment = node["$ref"].partition("#")
            where = (where.parent / url).resolve() if url else where
            target = self.load(where)
            for part in [p for p in fragment.split("/") if p]:
                part = part.replace("~1", "/").replace("~0", "~")
                target = target[int(part)] if isinstance(target, list) else target[part]
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            key = (where, fragment)
            node = {**target, **siblings} if siblings and isinstance(target, dict) else target
        raise AssertionError("a $ref chain that never ends")


def _same(a: Any, a_at: Path, source: _Resolver, b: Any, b_at: Path, bundle: _Resolver, seen: set[Any]) -> bool:
    """Whether two documents are equal once every ``$ref`` is followed (finite on
    recursive schemas: a pair of refs met again is equal, as far as it goes)."""
    a, a_at, a_key = source.deref(a, a_at)
    b, b_at, b_key = bundle.deref(b, b_at)
    if a_key is not None and b_key is not None:
        if (a_key, b_key) in seen:
            return True
        seen.add((a_key, b_key))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], a_at, source, b[k], b_at, bundle, seen) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            _same(x, a_at, source, y, b_at, bundle, seen) for x, y in zip(a, b, strict=True)
        )
    return bool(a == b) and type(a) is type(b)


def _check_bundle(site: Path, spec: Path) -> dict[str, Any]:
    as_json = json.loads((site / "openapi.json").read_text(encoding="utf-8"))
    as_yaml = yaml.safe_load((site / "openapi.yaml").read_text(encoding="utf-8"))  # any YAML reader
    assert as_yaml == as_json
    validate(as_json)
    assert _refs(as_json) and all(ref.startswith("#/") for ref in _refs(as_json))
    source = _Resolver(spec)
    original = source.load(spec.resolve())
    bundle = _Resolver(site / "openapi.json", as_json)
    at, bundled_at = spec.resolve(), (site / "openapi.json").resolve()
    # Everything but the components, then each component the source names: equal once
    # refs are followed. The bundle may hold more components (what it hoisted).
    outside = {k: v for k, v in original.items() if k != "components"}
    assert _same(
        outside, at, source, {k: v for k, v in as_json.items() if k != "components"}, bundled_at, bundle, set()
    )
    for kind, entries in original.get("components", {}).items():
        for name, value in entries.items():
            assert _same(value, at, source, as_json["components"][kind][name], bundled_at, bundle, set()), (kind, name)
    return as_json


def test_the_demo_publishes_its_spec_to_download(built) -> None:
    site = Path(built("demo"))
    as_json = _check_bundle(site, ROOT / "openapi" / "openapi.yaml")
    assert as_json["info"]["title"] == "Relay Messaging API"
    page = _parse(site / "reference" / "index.html")
    links = {text: href for href, text in page.links if href.endswith(("openapi.json", "openapi.yaml"))}
    assert set(links) == {"JSON", "YAML"}
    for text, name in (("JSON", "openapi.json"), ("YAML", "openapi.yaml")):
        assert posixpath.normpath(posixpath.join("reference", links[text])) == name
    text = " ".join(re.sub(r"<[^>]+>", " ", (site / "reference" / "index.html").read_text()).split())
    assert "Download the OpenAPI description: JSON , YAML" in text


def test_a_multi_file_spec_is_published_as_one_file(built) -> None:
    site = Path(built("multifile"))
    spec = PROJECTS / "multifile" / "openapi" / "openapi.yaml"
    as_json = _check_bundle(site, spec)
    # The recursive schemas kept in other files are components now, referred to by name.
    assert {"User", "Team", "Error"} <= set(as_json["components"]["schemas"])
    user = as_json["components"]["schemas"]["User"]
    assert user["properties"]["manager"] == {"$ref": "#/components/schemas/User"}
    yaml_text = (site / "openapi.yaml").read_text(encoding="utf-8")
    assert "description: A user, who may manage other users." in yaml_text  # readable YAML, not JSON
    landing = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert 'href="../openapi.json"' in landing and 'href="../openapi.yaml"' in landing


# -- in a real browser --------------------------------------------------------------------

PAGES = {"reference-landing": "reference/", "model": "reference/models/message/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_landing_and_a_model_page_are_accessible_and_fit(built, chromium, scheme: str, width: int) -> None:
    axe = axe_source()
    site = Path(built("demo"))
    SCREENSHOTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with serve_directory(site) as base:
        context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        for kind, path in PAGES.items():
            page.goto(f"{base}/{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=SCREENSHOTS / f"landing-test-{kind}-{width}-{scheme}.png", full_page=True)
            problems += [f"{kind}: {v}" for v in serious_violations(page, axe)]
            overflow = sideways_overflow(page)
            if overflow:
                problems.append(f"{kind}: scrolls {overflow}px sideways")
        # The tables stay in the column: a wide one scrolls inside its box.
        page.goto(f"{base}/reference/")
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('article table')].map(t => {
                 const box = (t.closest('.portal-table, .md-typeset__scrollwrap') || t).getBoundingClientRect();
                 return [t.className || 'markdown', box.left, box.right];
               })"""
        )
        assert {name for name, _, _ in boxes} == {"portal-operations", "markdown"}
        assert all(left >= 0 and right <= width for _, left, right in boxes), boxes
        context.close()
    assert problems == []


def test_tables_are_styled_in_both_schemes(built, chromium) -> None:
    """portal's tables (which carry a class, so the theme's table style passes them by)
    get borders and padding, and their text contrasts with the page in either scheme."""
    with serve_directory(Path(built("demo"))) as base:
        for scheme in ("light", "dark"):
            context = chromium.new_context(viewport={"width": 1440, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            page.goto(f"{base}/reference/")
            style = page.evaluate(
                """() => {
                  const cell = document.querySelector('table.portal-operations td');
                  const s = getComputedStyle(cell);
                  return [s.paddingLeft, s.borderTopStyle, s.color, getComputedStyle(document.body).backgroundColor];
                }"""
            )
            padding, border, color, background = style
            assert float(padding.removesuffix("px")) >= 8 and border == "solid", style
            assert color != background
            context.close()


def test_the_download_links_fetch_the_files(built, chromium) -> None:
    with serve_directory(Path(built("demo"))) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{base}/reference/")
        for name in ("JSON", "YAML"):
            href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
            assert href is not None
            response = page.request.get(f"{base}/reference/{href}")
            assert response.ok
            body = response.text()
            document = json.loads(body) if name == "JSON" else yaml.safe_load(body)
            assert document["openapi"].startswith("3.1")
        context.close()


# -- the YAML writer ----------------------------------------------------------------------

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.sampled_from(["yes", "No", "on", "null", "~", "1_000", "0x1f", "1:20", ".inf", "- a", "a: b", "a #b", "|"])
    | st.sampled_from(["2026-01-01", "line\nline", "trailing \n", "\n lead", "a\n\n\n", " x", "x ", "tab\there"])
)
_JSON = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=30
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_the_yaml_reads_back_as_the_data(data: Any) -> None:
    """Any JSON value, written by portal's YAML writer, reads back equal with PyYAML
    (YAML 1.1: the strictest about what a plain word means)."""
    assert yaml.safe_load(yaml_text(data)) == data


def test_descriptions_are_literal_blocks_and_odd_words_are_quoted() -> None:
    text = yaml_text({"description": "One.\n\nTwo.\n", "enum": ["yes", "off", "200", "text"], "200": {"x": []}})
    assert text == ('description: |\n  One.\n\n  Two.\nenum:\n- "yes"\n- "off"\n- "200"\n- text\n"200":\n  x: []\n')


def test_a_one_file_spec_is_published_as_written(tmp_path: Path) -> None:
    """Its own format keeps the author's text (comments, order); the other is generated."""
    spec = tmp_path / "openapi.json"
    written = '{"openapi": "3.1.0", "info": {"title": "T", "version": "1"},\n  "paths": {}}\n'
    spec.write_text(written, encoding="utf-8")
    files = dict(bundled_files(load_spec(spec, tmp_path)))
    assert files["openapi.json"].decode() == written
    assert yaml.safe_load(files["openapi.yaml"]) == json.loads(written)
    spec = tmp_path / "openapi.yaml"
    spec.write_text("# Our API\nopenapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n", encoding="utf-8")
    files = dict(bundled_files(load_spec(spec, tmp_path)))
    assert files["openapi.yaml"].decode().startswith("# Our API\n")
    assert json.loads(files["openapi.json"]) == {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
    }


def test_a_hand_written_spec_file_where_portal_publishes_one_is_an_error(project) -> None:
    root = project("petstore30")
    (root / "content" / "openapi.json").write_text("{}", encoding="utf-8")
    result = run_portal("build", cwd=root)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "openapi.json is written twice: by hand and generated\n"
        "  hint: rename or remove content/openapi.json: portal publishes it"
    )
    assert "Traceback" not in result.stderr
