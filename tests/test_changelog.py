"""The changelog: releases from git tags (a real repository in a temporary folder),
content/changelog.yaml and archived spec files; the page, its Atom feed, its twin,
the badges of operation pages, and builds from a shallow clone or without git."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import yaml

from conftest import PROJECTS, copy_demo, run_portal

ATOM = "{http://www.w3.org/2005/Atom}"


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=dev@example.com", "-c", "user.name=Dev", "-c", "tag.gpgSign=false", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _text(html: str) -> str:
    """A page's words, as a reader sees them (tags out, entities read)."""
    import html as html_module

    body = html[html.index("<h1") : html.index("</article>")] if "</article>" in html else html
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", body)))


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def _badges(html: str) -> list[tuple[str, str]]:
    """(href, text) of the history badges of an operation page."""
    return re.findall(r'<a class="portal-history__badge[^"]*" href="([^"]+)">([^<]+)</a>', html)


def test_the_demo_changelog(built):
    """The demo's three releases (two archived spec files and the spec itself): the
    page, its feed, its twin, the badges, llms.txt."""
    site = built("demo")
    page = _page(site, "changelog")
    text = _text(page)
    heads = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', page)
    assert heads == [
        ("v2026-11-01", "2026-11-01: Usage records and inbound messages"),
        ("v2026-08-01", "2026-08-01: Scheduled messages"),
        ("v2026-05-01", "2026-05-01: General availability"),
    ]
    assert "2026-11-01 · 7 breaking changes" in text
    assert "The first version in this changelog." in text
    # Grouped as Keep a Changelog does, each change linking to its page.
    newest = text[text.index("2026-11-01: Usage") : text.index("2026-08-01: Scheduled")]
    assert newest.index(" Added ") < newest.index(" Changed ")
    assert "GET /usage/records : added" in newest
    assert "webhook messageReceived : added" in newest
    assert "Breaking GET /messages : query parameter 'limit': maximum changed from 1000 to 100" in newest
    assert "Accepted: Pages of 1,000 messages timed out" in newest  # the reason, beside the change
    middle = text[text.index("2026-08-01: Scheduled") :]
    assert 'Check model MessageStatus : enum value "canceled" added (used by 8 operations)' in middle
    links = re.findall(r'<li class="portal-change[^"]*">.*?<a href="([^"]+)">', page)
    assert links
    for href in links:
        assert (site / "changelog" / href / "index.html").resolve().is_file(), href
    # Badges: the newest event of each operation, linking to its release.
    search = _page(site, "reference/messages/search-messages")
    assert _badges(search) == [
        ("../../../changelog/#v2026-08-01", "Added in 2026-08-01"),
        ("../../../changelog/#v2026-11-01", "Breaking change in 2026-11-01"),  # its `limit`
    ]
    listing = _page(site, "reference/messages/list-messages")
    assert _badges(listing) == [("../../../changelog/#v2026-11-01", "Breaking change in 2026-11-01")]
    assert 'id="v2026-11-01"' in page
    untouched = _page(site, "reference/phone-numbers/get-phone-number")
    assert _badges(untouched) == []
    # The feed: one entry per release, newest first, each linking to its section.
    feed = ElementTree.parse(site / "changelog.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "2026-11-01: Usage records and inbound messages (7 breaking)",
        "2026-08-01: Scheduled messages",
        "2026-05-01: General availability",
    ]
    assert entries[0].find(f"{ATOM}link").get("href").endswith("changelog/#v2026-11-01")
    assert entries[0].findtext(f"{ATOM}updated") == "2026-11-01T00:00:00Z"
    assert "<li><strong>Breaking</strong>: " in entries[0].findtext(f"{ATOM}content")
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 3
    assert 'type="application/atom+xml"' in page
    # For programs: the twin and llms.txt.
    assert "\n[Added in 2026-08-01](/changelog.md) · [Breaking change in 2026-11-01](/changelog.md)\n" in (
        site / "reference" / "messages" / "search-messages.md"
    ).read_text(encoding="utf-8")
    twin = (site / "changelog.md").read_text(encoding="utf-8")
    assert twin.startswith("# Changelog\n")
    assert "- [GET /usage/records](/reference/account/list-usage-records.md): added" in twin
    llms = (site / "llms.txt").read_text(encoding="utf-8")
    assert "## Changelog\n\n- [Changelog](/changelog.md): " in llms
    assert "- [changelog.xml](/changelog.xml): the releases as an Atom feed" in llms
    nav = re.findall(r'<a href="../changelog/" class="md-nav__link">', _page(site, "pricing"))
    assert nav, "the changelog is in the navigation"


def _petstore_in_git(tmp_path: Path) -> Path:
    """The petstore30 fixture, committed once in a new repository."""
    project = tmp_path / "petstore30"
    shutil.copytree(PROJECTS / "petstore30", project)
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "one")
    return project


def _tagged_project(tmp_path: Path) -> Path:
    """The demo in a git repository: v1 is the demo's spec as it was on 2026-08-01, v2
    its spec now. No content/changelog.yaml: the tags alone make the changelog."""
    project = copy_demo(tmp_path)
    (project / "content" / "changelog.yaml").unlink()
    current = (project / "openapi" / "openapi.yaml").read_text(encoding="utf-8")
    shutil.copy(project / "openapi" / "history" / "2026-08-01.yaml", project / "openapi" / "openapi.yaml")
    shutil.rmtree(project / "openapi" / "history")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "Release 2026-08-01")
    _git(project, "tag", "-a", "v2026-08-01", "-m", "2026-08-01")
    (project / "openapi" / "openapi.yaml").write_text(current, encoding="utf-8")
    _git(project, "commit", "-qam", "Release 2026-11-01")
    _git(project, "tag", "v2026-11-01")
    return project


def test_two_tagged_versions(tmp_path: Path):
    project = _tagged_project(tmp_path)
    result = run_portal("build", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    page = _page(site, "changelog")
    assert re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', page) == [
        ("v2026-11-01", "2026-11-01"),
        ("v2026-08-01", "2026-08-01"),
    ]
    assert "<code>v2026-11-01</code>" in page  # the tag it was read from
    assert "7 breaking changes" in page
    assert _badges(_page(site, "reference/account/list-usage-records")) == [
        ("../../../changelog/#v2026-11-01", "Added in 2026-11-01")
    ]
    # The changes were kept by commit: the next build compares nothing again.
    kept = sorted(p.name for p in (project / ".portal-cache" / "changelog").iterdir())
    assert len([k for k in kept if k.startswith("version-")]) == 2
    assert len(kept) == 3
    # A change past the last tag, with a new version: shown as not released yet.
    spec = project / "openapi" / "openapi.yaml"
    text = spec.read_text(encoding="utf-8").replace("version: 2026-11-01", "version: 2027-02-01", 1)
    text = text.replace('version: "2026-11-01"', 'version: "2027-02-01"', 1)
    data = yaml.safe_load(text)
    assert data["info"]["version"] == "2027-02-01"
    del data["paths"]["/status"]
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    again = run_portal("build", cwd=project)
    assert again.returncode == 0, again.stderr
    page = _page(site, "changelog")
    assert re.findall(r'<h2 id="([^"]+)">', page) == ["unreleased", "v2026-11-01", "v2026-08-01"]
    assert "Not released yet" in page
    assert "GET /status</strong>: removed" in page  # no page to link to any more
    feed = ElementTree.parse(site / "changelog.xml").getroot()
    assert len(feed.findall(f"{ATOM}entry")) == 2  # released versions only


def test_a_tag_that_keeps_the_version_is_not_a_release(tmp_path: Path):
    project = _petstore_in_git(tmp_path)
    _git(project, "tag", "v1.0.0")
    (project / "content" / "index.md").write_text("# Petstore\n\nDocs only.\n")
    _git(project, "commit", "-qam", "docs")
    _git(project, "tag", "v1.0.1")  # the spec's version is the same: not a release of the API
    result = run_portal("build", cwd=project)
    assert result.returncode == 0, result.stderr
    page = _page(project / "site", "changelog")
    assert len(re.findall(r"<h2 ", page)) == 1
    assert "<code>v1.0.0</code>" in page


def test_a_shallow_clone_says_what_it_needs(tmp_path: Path):
    (tmp_path / "origin").mkdir()
    origin = _tagged_project(tmp_path / "origin")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True)
    result = run_portal("build", cwd=clone)
    assert result.returncode == 0, result.stderr
    assert "WARNING: mkdocs.yml: changelog: releases may be missing: this clone is shallow" in result.stderr
    assert "`fetch-depth: 0`" in result.stderr
    assert (clone / "site" / "index.html").is_file()
    strict = run_portal("build", "--strict", cwd=clone)  # a warning as any other: --strict stops
    assert strict.returncode == 1
    check = run_portal("check", "--no-run", cwd=clone)
    assert "[changelog-history]" in check.stderr


def test_without_git_the_changelog_file_alone(tmp_path: Path):
    project = tmp_path / "petstore30"
    shutil.copytree(PROJECTS / "petstore30", project)
    (project / "content" / "changelog.yaml").write_text(
        "releases:\n"
        "  - version: '0.9'\n    date: '2025-06-01'\n    notes: \"Beta: <script>alert(1)</script> **pets**.\"\n"
        "  - version: '2026-01-01'\n    date: '2026-01-01'\n    title: Launch\n",
        encoding="utf-8",
    )
    result = run_portal("build", cwd=project)
    assert result.returncode == 0, result.stderr
    page = _page(project / "site", "changelog")
    assert re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', page) == [
        ("v2026-01-01", "2026-01-01: Launch"),
        ("v0-9", "0.9"),
    ]
    assert "<strong>pets</strong>" in page
    assert "<script>alert" not in page  # notes are sanitized like every description
    assert "The first version in this changelog." in page  # the spec itself is 2026-01-01
    assert _badges(_page(project / "site", "reference/pets/list-pets")) == []


def test_changelog_false_and_no_releases_make_no_page(tmp_path: Path):
    project = tmp_path / "petstore30"
    shutil.copytree(PROJECTS / "petstore30", project)
    result = run_portal("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (project / "site" / "changelog").exists()  # nothing to show: no tags, no file
    (project / "content" / "changelog.yaml").write_text("releases:\n  - version: '1'\n    notes: First.\n")
    config = (project / "mkdocs.yml").read_text()
    off = config.replace("spec: openapi/openapi.yaml", "spec: openapi/openapi.yaml\n      changelog: false")
    (project / "mkdocs.yml").write_text(off)
    result = run_portal("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (project / "site" / "changelog").exists()
    assert not (project / "site" / "changelog.xml").exists()


def test_changelog_file_errors(tmp_path: Path):
    project = _petstore_in_git(tmp_path)
    changelog = project / "content" / "changelog.yaml"
    changelog.write_text("releases:\n  - version: '2'\n    ref: v2\n")
    result = run_portal("build", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "content/changelog.yaml:2:5: release 2: git ref 'v2' not found"
    changelog.write_text("releases:\n  - version: '2'\n    spec: openapi/old.yaml\n")
    result = run_portal("build", cwd=project)
    assert result.returncode == 1
    assert "content/changelog.yaml:2:5: release 2: spec file 'openapi/old.yaml' not found" in result.stderr
    changelog.write_text("releases:\n  - version: '2'\n  - version: '2'\n")
    result = run_portal("build", cwd=project)
    assert result.returncode == 1
    assert "content/changelog.yaml:3:5: version 2 is listed twice (first at line 2)" in result.stderr
    assert "Traceback" not in result.stderr
