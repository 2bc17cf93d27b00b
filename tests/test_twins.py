"""Docs for programs: every page's Markdown twin, ``llms.txt`` and ``llms-full.txt``,
as a built site publishes them, and ``portal check`` reading their links.

What each page kind's twin holds is tested beside its renderer
(test_twins_reference.py, test_twins_content.py); here, the site as a whole."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from browser import serve_directory

from conftest import copy_demo, make_project, run_portal
from portal_gen.engine.cache import PageCache
from portal_gen.gate.links import SitePages, check_internal, markdown_links
from portal_gen.render.page import RenderedPage
from portal_gen.render.twin import TwinLinks, authored_twin, code, document, fence, prose, table, twin_path

ENTRY = re.compile(r"^- \[(?P<title>(?:[^\]\\]|\\.)+)\]\((?P<url>[^)\s]+)\)(?::\s(?P<note>.+))?$")


def parse_llms_txt(text: str) -> tuple[str, str, dict[str, list[tuple[str, str]]]]:
    """llmstxt.org's format, strictly: an H1, a blockquote, free paragraphs, then H2
    sections holding nothing but ``- [title](url): note`` entries."""
    lines = text.split("\n")
    assert lines[0].startswith("# ") and not lines[0].startswith("## "), lines[0]
    assert lines[1] == ""
    assert lines[2].startswith("> "), lines[2]
    sections: dict[str, list[tuple[str, str]]] = {}
    current: str | None = None
    for line in lines[3:]:
        if line.startswith("## "):
            current = line[3:]
            assert current not in sections, f"section {current} twice"
            sections[current] = []
        elif current is not None and line:
            match = ENTRY.match(line)
            assert match, f"not an entry: {line!r}"
            sections[current].append((match["title"], match["url"]))
        else:
            assert not line.startswith("#"), line
    return lines[0][2:], lines[2][2:], sections


def site_path(url: str) -> str:
    """The file a root-relative URL reaches (a folder's ``index.html``)."""
    assert url.startswith("/"), url
    path = url.split("#")[0].lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def html_pages(site: Path) -> set[str]:
    """The site's pages as source-like paths (``reference/messages/send-message.md``)."""
    found = set()
    for page in site.rglob("index.html"):
        folder = page.parent.relative_to(site).as_posix()
        if folder.startswith(("assets", "search")):
            continue
        found.add("index.md" if folder == "." else f"{folder}.md")
    return found


def test_llms_txt_follows_the_format_and_every_link_resolves(built) -> None:
    site = built("demo")
    title, summary, sections = parse_llms_txt((site / "llms.txt").read_text(encoding="utf-8"))
    assert title == "Relay Developers"
    assert summary == "Send and receive messages worldwide with one API."
    assert list(sections)[:3] == ["Quickstarts", "Tutorials", "API reference"]
    for expected in ("API reference: Messages", "Webhooks", "Models", "Pricing", "Case studies", "Optional"):
        assert expected in sections
    urls = [url for entries in sections.values() for _, url in entries]
    assert "/reference/messages/send-message.md" in urls
    assert "/pricing.json" in urls and "/llms-full.txt" in urls
    for url in urls:
        assert (site / site_path(url)).is_file(), url
    intro = (site / "llms.txt").read_text(encoding="utf-8").split("\n## ")[0]
    assert "`https://api.relay.example/v1`" in intro  # the base URL a program calls
    assert "[Authentication](/reference/authentication.md)" in intro
    assert "[openapi.json](/openapi.json)" in intro


def test_every_page_has_its_twin_and_every_twin_its_page(built) -> None:
    site = built("demo")
    pages = html_pages(site)
    twins = {p.relative_to(site).as_posix() for p in site.rglob("*.md")}
    expected = {twin_path(p, True) for p in pages}
    assert twins == expected
    assert len(twins) > 70
    for twin in twins:
        text = (site / twin).read_text(encoding="utf-8")
        assert text.startswith("# "), twin
        # Every twin says which API and version it describes, and where its page is.
        assert "Relay Messaging API 2026-11-01" in text.split("\n\n")[1], twin
        for url in markdown_links(text):
            if url.startswith("/"):
                assert (site / site_path(url)).is_file(), f"{twin}: {url}"


def test_a_large_site_has_every_twin_listed_and_every_link_resolving(tmp_path: Path) -> None:
    """A generated API of 300 operations in tags too big for the sidebar: the pages the
    navigation leaves out have twins too, in llms.txt and llms-full.txt after their tag."""
    root = make_project(tmp_path, operations=300)
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    pages = html_pages(site)
    twins = {p.relative_to(site).as_posix() for p in site.rglob("*.md")}
    assert twins == {twin_path(p, True) for p in pages} and len(twins) > 300
    _, _, sections = parse_llms_txt((site / "llms.txt").read_text(encoding="utf-8"))
    listed = {site_path(url) for entries in sections.values() for _, url in entries}
    operations = {t for t in twins if re.fullmatch(r"reference/[^/]+/operation\d+\.md", t)}
    assert len(operations) == 300 and operations <= listed
    for path in listed | twins:
        text = (site / path).read_text(encoding="utf-8")
        for url in markdown_links(text) if path.endswith(".md") else ():
            if url.startswith("/"):
                assert (site / site_path(url)).is_file(), f"{path}: {url}"
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    sources = re.findall(r"^Source: <(/[^>]+)>$", full, re.M)
    assert sorted(sources) == sorted("/" + t for t in twins)
    first_tag = next(s for s in sources if re.fullmatch(r"/reference/group-\d+\.md", s))
    assert sources[sources.index(first_tag) + 1].startswith(first_tag.removesuffix(".md") + "/")


def test_every_page_offers_its_twin_to_copy(built) -> None:
    site = built("demo")
    for page in ("reference/messages/send-message/index.html", "pricing/index.html", "index.html"):
        html = (site / page).read_text(encoding="utf-8")
        found = re.search(r'class="portal-page-actions" data-portal-twin="([^"]+)" data-portal-llms="([^"]+)"', html)
        assert found, page
        folder = (site / page).parent
        assert (folder / found[1]).resolve().is_file()
        assert (folder / found[2]).resolve() == (site / "llms.txt").resolve()


def test_llms_full_holds_every_twin_in_navigation_order(built) -> None:
    site = built("demo")
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    sources = re.findall(r"^Source: <(/[^>]+)>$", full, re.M)
    twins = {"/" + p.relative_to(site).as_posix() for p in site.rglob("*.md")}
    assert sorted(sources) == sorted(twins) and len(sources) == len(set(sources))
    # The navigation's order: home, the guides, pricing, then the reference, in which
    # an operation follows its tag.
    assert sources[0] == "/index.md"
    assert sources.index("/quickstarts/send-your-first-message.md") < sources.index("/reference.md")
    assert sources.index("/reference/messages.md") < sources.index("/reference/messages/send-message.md")
    for source in sources[:5]:
        assert (site / source.lstrip("/")).read_text(encoding="utf-8").strip() in full


def test_authored_pages_have_twins_with_includes_resolved_and_links_made_absolute(tmp_path: Path) -> None:
    root = make_project(tmp_path, operations=3)
    docs = root / "content"
    (docs / "guides").mkdir(parents=True, exist_ok=True)
    (docs / "guides" / "errors.md").write_text(
        "---\ndescription: What every error means.\n---\n\n# Errors\n\n"
        "Retry a [rate-limited call](../index.md#retries) after a pause; see ![the flow](flow.png).\n\n"
        '--8<-- "guides/_shared.txt"\n\n'
        "```text\n[not a link](../index.md)\n```\n",
        encoding="utf-8",
    )
    (docs / "guides" / "_shared.txt").write_text("Shared text from an include.\n", encoding="utf-8")
    (docs / "guides" / "flow.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (docs / "index.md").write_text("# Home\n\n## Retries\n\nSee [errors](guides/errors.md).\n", encoding="utf-8")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["markdown_extensions"] = [{"pymdownx.snippets": {"base_path": ["content"], "check_paths": True}}]
    config["site_url"] = "https://docs.example.com/api/"
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    twin = (site / "guides" / "errors.md").read_text(encoding="utf-8")
    assert "description:" not in twin  # front matter is the page's settings, not its text
    assert twin.startswith("# Errors\n\n> ")
    # Twins link from the site's root, under site_url's path (never its host: a preview
    # under `mkdocs serve` has another, and twins are cached).
    assert "[rate-limited call](/api/index.md#retries)" in twin
    assert "![the flow](/api/guides/flow.png)" in twin
    assert "Shared text from an include." in twin and "--8<--" not in twin
    assert "[not a link](../index.md)" in twin  # code is code
    home = (site / "index.md").read_text(encoding="utf-8")
    assert "[errors](/api/guides/errors.md)" in home
    _, _, sections = parse_llms_txt((site / "llms.txt").read_text(encoding="utf-8"))
    assert ("Errors", "https://docs.example.com/api/guides/errors.md") in sections["Docs"]
    # `portal check` follows the twins' links through the site_url to the files.
    checked = run_portal("check", "--no-run", cwd=root)
    assert "link-broken" not in checked.stdout + checked.stderr, checked.stdout


def test_llms_txt_false_publishes_no_twins(tmp_path: Path) -> None:
    root = make_project(tmp_path, operations=3)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [{"portal": {**_portal_options(config), "llms_txt": False}}]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert not (site / "llms.txt").exists() and not (site / "llms-full.txt").exists()
    assert list(site.rglob("*.md")) == []
    assert "portal-page-actions" not in (site / "reference" / "index.html").read_text(encoding="utf-8")


def test_the_authors_sections_and_no_full_text(tmp_path: Path) -> None:
    root = make_project(tmp_path, operations=3)
    (root / "content" / "limits.md").write_text("# Rate limits\n\nTen calls a second.\n", encoding="utf-8")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    options = {"sections": {"Operating the API": ["limits.md"]}, "full": False}
    config["plugins"] = [{"portal": {**_portal_options(config), "llms_txt": options}}]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    _, _, sections = parse_llms_txt((root / "site" / "llms.txt").read_text(encoding="utf-8"))
    assert sections["Operating the API"] == [("Rate limits", "/limits.md")]
    assert ("Rate limits", "/limits.md") not in sections["Docs"]  # listed once, where the author put it
    assert ("Last", "/zz-last.md") in sections["Docs"]
    assert not (root / "site" / "llms-full.txt").exists()
    assert "Optional" not in sections or all("llms-full" not in url for _, url in sections["Optional"])


def test_a_hand_written_llms_txt_is_an_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, operations=3)
    (root / "content" / "llms.txt").write_text("# mine\n", encoding="utf-8")
    result = run_portal("build", cwd=root)
    assert result.returncode == 1
    assert "llms.txt is written twice: by hand and generated" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_link_in_a_twin_is_found_at_its_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "reference").mkdir(parents=True)
    (site / "reference" / "index.html").write_text("<article><h1 id='x'>Reference</h1></article>", encoding="utf-8")
    (site / "reference.md").write_text(
        "# Reference\n\n[here](/reference.md) [gone](/reference/gone.md) [out](https://example.com/x)\n"
        "```\n[code](/not/checked.md)\n```\n",
        encoding="utf-8",
    )
    (site / "llms.txt").write_text("# S\n\n> s\n\n## A\n\n- [Missing](/missing.md): gone\n", encoding="utf-8")
    pages = SitePages.read(site)
    problems = check_internal(pages, lambda page: ("openapi.yaml", None))
    assert sorted(p.message for p in problems) == [
        "link to '/missing.md' leads nowhere (on llms.txt)",
        "link to '/reference/gone.md' leads nowhere (on reference.md)",
    ]


def test_the_cache_keeps_each_page_with_its_twin(tmp_path: Path) -> None:
    cache = PageCache(tmp_path / "cache")
    page = RenderedPage("a.md", "A", "<p>é</p>\n", (), "tag", twin="# A\n\nÉ and `code`\n")
    kept = cache.put("k1", page)
    assert kept.html == "<p>é</p>\n" and kept.markdown == "# A\n\nÉ and `code`\n"
    read = cache.get("k1")
    assert read is not None and read.html == "<p>é</p>\n" and read.markdown == "# A\n\nÉ and `code`\n"
    bare = cache.get("k2") or cache.put("k2", RenderedPage("b.md", "B", "<p>b</p>", (), "tag"))
    assert cache.get("k2").markdown is None and bare.html == "<p>b</p>"  # type: ignore[union-attr]


def test_markdown_writers_keep_hostile_text_in_its_place() -> None:
    rows = table(["Name", "Description"], [["`a|b`", "one | two\nthree"]])
    cells = [re.split(r"(?<!\\)\|", line)[1:-1] for line in rows.split("\n") if line.startswith("| ")]
    assert [len(row) for row in cells] == [2, 2]
    assert fence("```\ninside\n```", "text").startswith("````text\n")
    links = TwinLinks("/")
    twin = authored_twin("[a](b.md) `[c](d.md)`", "x/y.md", "Y", links, lambda p: p == "x/b.md", facts="API 1")
    assert "[a](/x/b.md)" in twin and "`[c](d.md)`" in twin and twin.startswith("# Y\n\n> API 1\n")
    # HTML a viewer may show: formatting kept (Stripe writes its descriptions in it),
    # anything that could run escaped to text; code as it is.
    doc = document(
        "T",
        [
            '<p>Creates a <a href="https://x.example">customer</a>.</p> <b onclick="x()">b</b>'
            ' <a href="javascript:x()">j</a> <iframe src="y"></iframe> `<p>`'
        ],
    )
    assert doc.split("\n\n")[1].rstrip("\n") == (
        '<p>Creates a <a href="https://x.example">customer</a>.</p> &lt;b onclick="x()">b</b>'
        ' &lt;a href="javascript:x()">j</a> &lt;iframe src="y">&lt;/iframe> `<p>`'
    )
    assert code("") == '`""`'
    # A description's unclosed fence ends with it, as on the HTML page, not with the twin.
    assert prose("Run:\n```bash\nmake\n") == "Run:\n```bash\nmake\n```"
    # A link no page may hold keeps its text, as the HTML page shows it.
    assert prose("[click me](javascript:alert(1)) or ![x](data:x) [ok](https://a.example/b_(c))") == (
        "click me or x [ok](https://a.example/b_(c))"
    )


def test_copy_page_puts_the_twin_on_the_clipboard(built, chromium) -> None:
    site = built("demo")
    expected = (site / "reference" / "messages" / "send-message.md").read_text(encoding="utf-8")
    with serve_directory(site) as base:
        context = chromium.new_context(viewport={"width": 1440, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = context.new_page()
        page.goto(f"{base}/reference/messages/send-message/")
        copy = page.get_by_role("button", name="Copy page")
        copy.focus()
        page.keyboard.press("Enter")  # by keyboard, as any reader may
        page.get_by_role("status").filter(has_text="Copied").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == expected
        # The menu: opened by keyboard, it offers the twin and llms.txt, and Escape closes it.
        more = page.get_by_role("button", name="More ways to read this page")
        more.focus()
        page.keyboard.press("Enter")
        assert more.get_attribute("aria-expanded") == "true"
        link = page.get_by_role("link", name="View as Markdown")
        assert link.evaluate("a => a === document.activeElement")
        assert link.evaluate("a => a.href") == f"{base}/reference/messages/send-message.md"
        page.keyboard.press("Escape")
        assert more.get_attribute("aria-expanded") == "false" and not link.is_visible()
        context.close()


def _portal_options(config: dict) -> dict:
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "portal" in plugin:
            return dict(plugin["portal"] or {})
    return {}


def test_html_in_a_specs_descriptions_is_text_in_its_twin(built) -> None:
    """The HTML page sanitizes a description's HTML; the twin, which a Markdown viewer
    may show, writes it as text, and a ``javascript:`` link keeps only its words."""
    twin = (built("petstore30") / "reference.md").read_text(encoding="utf-8")
    assert '&lt;script>alert("xss")&lt;/script>' in twin and "<script" not in twin
    assert "&lt;img src=" in twin and "javascript:" not in twin and "click me" in twin


def test_a_rebuild_links_unchanged_twins_and_writes_the_rest(tmp_path: Path) -> None:
    """A warm `portal build` links each unchanged twin from the site it replaces (the
    same file: its inode) and writes again those whose page changed, or that someone
    edited in the site since."""
    root = copy_demo(tmp_path)
    site = root / "site"
    assert run_portal("build", cwd=root).returncode == 0
    send = site / "reference" / "messages" / "send-message.md"
    model = site / "reference" / "models" / "account.md"
    fresh = {p: (p.stat().st_ino, p.read_text(encoding="utf-8")) for p in (send, model)}
    spec = root / "openapi" / "openapi.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("Queues an SMS or MMS for delivery.", "Queues a text for delivery."),
        encoding="utf-8",
    )
    model.write_text("tampered\n", encoding="utf-8")  # edited in place: same inode, new facts
    assert run_portal("build", cwd=root).returncode == 0
    assert "Queues a text for delivery." in send.read_text(encoding="utf-8")
    assert send.stat().st_ino != fresh[send][0]
    assert model.read_text(encoding="utf-8") == fresh[model][1]  # written again, not linked
    untouched = site / "reference" / "phone-numbers" / "buy-phone-number.md"
    inode = untouched.stat().st_ino
    assert run_portal("build", cwd=root).returncode == 0
    assert untouched.stat().st_ino == inode  # linked from the last site
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    assert "Queues a text for delivery." in full and untouched.read_text(encoding="utf-8").strip() in full
