"""End to end: fixture projects built by the real `portal build` into tmp_path."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser

from conftest import MKDOCS_YML, copy_demo, make_project, processes_in, run_portal
from portal_gen.adapters.mkdocs.search import search_text


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's own content, without the theme's navigation."""
    start = html.index('<article class="md-content__inner md-typeset">')
    return html[start : html.index("</article>", start)]


def test_petstore_reference_pages(built) -> None:
    site = built("petstore30")
    landing = article(page(site, "reference/index.html"))
    assert "<h1" in landing and "Petstore" in landing
    assert "https://{env}.petstore.example/v1" in landing
    assert '<a href="authentication/#api-key">api_key</a>' in landing
    assert '<a href="pets/">pets</a>' in landing

    listing = article(page(site, "reference/pets/list-pets/index.html"))
    assert (
        '<span class="portal-method portal-method--get">GET</span> <code class="portal-url" id="endpoint-url">'
        in listing
    )
    assert text(listing).count("https://api.petstore.example/v1/pets") >= 1  # the full URL, server and path
    assert '<span class="portal-path">/pets</span>' in listing
    assert 'id="param-query-limit"' in listing and 'id="param-header-x-trace-id"' in listing
    assert "default <code>20</code>" in listing
    assert 'id="response-200"' in listing and 'id="response-default"' in listing
    assert "x-next" in listing  # response header
    assert '<a href="../../models/pet/">Pet</a>' in listing

    create = article(page(site, "reference/pets/create-pet/index.html"))
    assert "Example: A dog" in create and "Example: A cat" in create
    assert "application/x-www-form-urlencoded" in create
    assert 'id="callbacks"' in create and "{$request.body#/callback_url}" in create

    delete = article(page(site, "reference/pets/delete-pet/index.html"))
    assert "Deprecated" in delete and "No authentication required." in delete
    assert "4XX Client error" in text(delete)

    order = article(page(site, "reference/store/place-order/index.html"))
    assert '<a href="../../authentication/#api-key">Your secret key</a>' in order and " and " in order
    assert "string (date-time) | null" in order

    health = article(page(site, "reference/other-operations/get-health/index.html"))
    assert "Content type <code>text/plain</code>" in health


def text(html: str) -> str:
    """Visible text: tags dropped, entities decoded (highlighting splits code into spans)."""
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def test_authentication_page_covers_every_scheme(built) -> None:
    auth = article(page(built("petstore30"), "reference/authentication/index.html"))
    for anchor in ("api-key", "query-key", "cookie-key", "basic", "bearer", "oauth", "oidc"):
        assert f'id="{anchor}"' in auth
    visible = text(auth)
    # What to send, with the variables the snippets read (API_KEY, API_USERNAME...), and
    # a real operation that accepts the scheme, in every language; never the bare base URL.
    assert "X-API-Key: $API_KEY" in visible and "?api_key=$API_KEY" in visible
    assert (
        "Cookie: SESSION=$API_KEY" in visible and "Authorization: Basic base64($API_USERNAME:$API_PASSWORD)" in visible
    )
    assert "Authorization: Bearer $API_TOKEN" in visible and "Bearer token (JWT)" in visible
    assert (
        "curl --fail-with-body -sS 'https://api.petstore.example/v1/pets' \\\n  -H \"X-API-Key: ${API_KEY}\"" in visible
    )
    assert '-u "$API_USERNAME:$API_PASSWORD"' in visible and "which it needs together with Your secret key" in visible
    assert "https://api.petstore.example/v1 \\" not in visible
    assert "https://auth.petstore.example/authorize" in auth and "read:pets" in auth
    assert "openid-configuration" in auth


def test_descriptions_are_sanitized_everywhere(built) -> None:
    for site in (built("petstore30"), built("features31")):
        for html_file in site.rglob("*.html"):
            text = html_file.read_text(encoding="utf-8")
            body = text.split("<body", 1)[1]
            scripts = re.findall(r"<script[^>]*>", body)
            assert all("src=" in s or "application/json" in s or s == "<script>" for s in scripts)
            assert "alert(" not in "".join(re.findall(r"<script>(.*?)</script>", body, re.S))
            assert "onerror" not in text
            assert 'href="javascript' not in text.lower()
    search = json.loads(page(built("features31"), "search/search_index.json"))
    for doc in search["docs"]:
        assert "<script" not in doc["title"] and "<script" not in doc["text"]


def test_titles_with_markup_are_escaped(built) -> None:
    site = built("features31")
    create = page(site, "reference/nodes/create-node.html")
    title = re.search(r"<title>(.*?)</title>", create, re.S).group(1)  # type: ignore[union-attr]
    assert "<" not in title and "</title>" not in title
    assert "Odd &quot;tag&quot; &amp; \u2039name\u203a" in create  # a tag name in the nav


def test_circular_and_composed_schemas(built) -> None:
    site = built("features31")
    node = article(page(site, "reference/models/node.html"))
    assert "Node" in node and 'href="graph.html"' in node
    assert "string | null" in node
    thing = article(page(site, "reference/models/thing.html"))
    assert "One of:" in thing and "Discriminated by <code>kind</code>" in thing
    assert '<code>cat</code> &rarr; <span class="portal-type"><a href="cat.html">Cat</a></span>' in thing
    cat = article(page(site, "reference/models/cat.html"))
    assert 'Includes all properties of <span class="portal-type"><a href="animal.html">Animal</a></span>' in cat
    event = article(page(site, "reference/models/event.html"))
    assert "Any of:" not in event and '<a href="node.html">Node</a> | null' in event and "{key}" in event


def test_webhooks_get_pages(built) -> None:
    site = built("features31")
    index = article(page(site, "reference/webhooks/index.html"))
    assert 'href="node-created.html"' in index
    hook = article(page(site, "reference/webhooks/node-created.html"))
    assert "A node was created" in hook and "webhook" in hook and 'id="request-body"' in hook


def test_slug_collisions_and_nav_limit(built) -> None:
    site = built("features31")
    assert (site / "reference/nodes/get-node.html").exists()
    assert (site / "reference/nodes/get-node-2.html").exists()
    # Nodes has 4 operations, over the fixture's nav_operations_limit of 3: the tag page
    # lists them, the sidebar does not.
    nodes = page(site, "reference/nodes/index.html")
    assert 'href="create-node.html"' in article(nodes)
    nav = nodes.split("<article", 1)[0]
    assert "create-node.html" not in nav


def test_same_inputs_give_byte_identical_sites(project, tmp_path) -> None:
    root = project("multifile")
    digests = []
    for name in ("one", "two"):
        result = run_portal("build", "-d", str(tmp_path / name), cwd=root)
        assert result.returncode == 0, result.stderr
        digest = hashlib.sha256()
        for file in sorted((tmp_path / name).rglob("*")):
            if file.is_file():
                digest.update(file.relative_to(tmp_path / name).as_posix().encode())
                digest.update(file.read_bytes())
        digests.append(digest.hexdigest())
    assert digests[0] == digests[1]


def test_plain_mkdocs_build_works_with_the_plugin(project) -> None:
    import subprocess
    import sys

    root = project("multifile")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert (root / "site/reference/users/get-user/index.html").exists()
    assert (root / "site/assets/portal/portal.css").exists()
    manager = page(root / "site", "reference/models/user/index.html")
    assert '<a href="./">User</a>' in manager  # the recursive `manager` links back to this page


def search_sections(html: str) -> list[tuple[str | None, str, str]]:
    """Material's search sections of ``html``: id, title and text, spaces collapsed."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(s.id, " ".join("".join(s.title).split()), " ".join("".join(s.text).split())) for s in parser.data]


def test_search_text_leaves_out_inline_tags_and_search_sees_the_same() -> None:
    html = (
        '<h1 id="t">Pets<a class="headerlink" href="#t" title="Permanent link">&para;</a></h1>\n'
        '<p>A <strong>bold</strong>   <a href="/x" title="a > b">link</a>\n and <code>code</code>.</p>\n'
        '<h2 id="s">Sec<span class="x">tion</span> <em>two</em><a class="headerlink" href="#s">&para;</a></h2>\n'
        '<ul><li><b>one</b></li><li><label for="c">two</label><input id="c" type="checkbox"></li></ul>'
    )
    text = search_text(html)
    assert not re.search(r"<(?:a|strong|span|em|b|label|input)\b", text)
    assert search_sections(text) == search_sections(html)
    assert search_sections(text)[1] == ("s", "Section two", "<ul><li>one</li><li>two</li></ul>")


@pytest.mark.parametrize(
    "html",
    [
        '<p>a</p><div class="language-python highlight"><pre>x</pre></div><p>b</p>',
        '<div class="language-c++ highlight"><pre>1</pre></div><div class="language-go highlight"><pre>2</pre></div>',
        '<p>a</p><div class="language-python highlight"><pre>never closed',  # nothing cut
        '<div class="language-Go highlight"><pre>upper case: not a code block</pre></div>',
        '<div class="language-x highlight"><pre>a</pre></div> <div class="language-x highlight"><pre>open',
        '<script>var a = "</div>";</script><scripts>kept</scripts><script type="x">b</script>c',
        "<script>one<script>two</script>three</script>",
        '<div class="portal-facts"><div>nested</div> rest</div> after',
        "<script>a</script" + ">" * 3 + '<div class="portal-facts">',
    ],
)
def test_search_text_cuts_blocks_as_the_lazy_regexes_would(html: str) -> None:
    # search_text finds code blocks, scripts and facts with str.find, not ``.*?``: the
    # same text must come out as from the regexes it replaced.
    old = html
    for pattern in (
        r"<script\b.*?</script>",
        r'<div class="language-[a-z0-9+-]* highlight"><pre>.*?</pre></div>',
        r'<div class="portal-facts">.*?</div>',
    ):
        old = re.sub(pattern, "", old, flags=re.S)
    assert _cut_all(html) == old


def _cut_all(html: str) -> str:
    from portal_gen.adapters.mkdocs.search import _CODE_BLOCK, _FACTS, _SCRIPT, _cut

    return _cut(_cut(_cut(html, _SCRIPT), _CODE_BLOCK), _FACTS)


def test_search_indexes_the_reference_but_not_example_code(built) -> None:
    site = built("petstore30")
    docs = json.loads(page(site, "search/search_index.json"))["docs"]
    create = [d for d in docs if d["location"].startswith("reference/pets/create-pet/")]
    request = [d for d in create if d["title"] == "Request body"]
    assert request and "name" in request[0]["text"] and "min length" not in request[0]["text"]
    assert not any("highlight" in d["text"] or "&quot;Rex&quot;" in d["text"] for d in docs)
    assert "language-json highlight" in page(site, "reference/pets/create-pet/index.html")


def test_another_process_makes_the_sites_folders_and_is_stopped_with_the_build(tmp_path: Path) -> None:
    from portal_gen.accel.site_folders import Folders

    site = tmp_path / "site"
    site.mkdir()
    odd = [site / "-p", site / "a space", site / "new\nline", site / "café"]  # NUL-separated names
    wanted = {str(site / f"section-{i % 7}" / f"page-{i}") for i in range(300)} | {str(p) for p in odd}
    folders = Folders.start(wanted, str(site))
    assert folders is not None
    folders.finish()
    assert all(Path(folder).is_dir() for folder in wanted)
    assert sorted(p.name for p in site.iterdir() if not p.name.startswith("section-")) == sorted(p.name for p in odd)
    assert Folders.start(sorted(wanted)[:10], str(site)) is None  # too few to be worth a process

    other = tmp_path / "other"
    other.mkdir()
    many = Folders.start({str(other / f"{i:05}" / "deep" / "er") for i in range(20_000)}, str(other))
    assert many is not None
    many.stop()  # a failed build: nothing more is made once it returns
    before = len(list(other.iterdir()))
    time.sleep(0.3)
    assert len(list(other.iterdir())) == before < 20_000

    gone = tmp_path / "gone"  # the site's folder was removed (a failed build): none is made
    late = Folders.start({str(gone / f"{i}") for i in range(100)}, str(gone))
    assert late is not None
    late.finish()
    assert not gone.exists()


def test_a_build_makes_no_folder_it_does_not_fill(tmp_path: Path) -> None:
    """The folders made ahead are the generated pages' own: none for a page MkDocs
    leaves out (a dot-folder's), none left empty."""
    project = make_project(tmp_path / "project")
    (project / "content" / ".hidden").mkdir()
    (project / "content" / ".hidden" / "note.md").write_text("# Note\n")
    result = run_portal("build", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert not (site / ".hidden").exists()
    assert len(list((site / "reference").rglob("index.html"))) > 32  # enough for the second process
    assert [p for p in site.rglob("*") if p.is_dir() and not any(p.iterdir())] == []


def test_a_build_stopped_by_a_hook_publishes_nothing_and_leaves_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "hooks.py").write_text(
        "import sys\n\ndef on_env(env, config, files):\n    sys.exit('stopped by a hook')\n"
    )
    (project / "mkdocs.yml").write_text(MKDOCS_YML + "hooks:\n  - hooks.py\n")
    (project / "site").mkdir()
    (project / "site" / "old.html").write_text("the previous site")
    result = run_portal("build", cwd=project)
    assert result.returncode == 1
    assert "stopped by a hook" in result.stderr
    assert [p.name for p in (project / "site").iterdir()] == ["old.html"]
    time.sleep(0.3)  # a process left making folders would make them now
    assert [p.name for p in project.iterdir() if p.name.startswith(".portal-") and p.name != ".portal-cache"] == []
    assert processes_in(project) == []


def test_exit_handlers_run_after_a_build(tmp_path: Path) -> None:
    """`portal build` ends without freeing its objects one by one, yet exit handlers
    (a hook's, logging's) still run and the output is all there."""
    project = make_project(tmp_path / "project", operations=20)
    (project / "hooks.py").write_text(
        "import atexit, pathlib\natexit.register(lambda: pathlib.Path('exit-handler-ran').write_text('yes'))\n"
    )
    (project / "mkdocs.yml").write_text(MKDOCS_YML + "hooks:\n  - hooks.py\n")
    result = run_portal("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.rstrip().endswith("generated pages rendered)")
    assert (project / "exit-handler-ran").read_text() == "yes"


def test_an_old_site_becomes_a_spare_of_folders_and_only_folders(tmp_path: Path) -> None:
    from portal_gen.accel.site_folders import _MANIFEST, drop_unused, recycle
    from portal_gen.accel.site_folders import keep_folders as _keep_folders

    old = tmp_path / "old"
    (old / "a" / "b").mkdir(parents=True)
    (old / "a" / "b" / "index.html").write_text("page")
    (old / "c").mkdir()
    (old / "gone" / "deep").mkdir(parents=True)
    (old / "index.html").write_text("home")
    (old / ".git" / "objects").mkdir(parents=True)  # hidden: MkDocs never writes one
    (old / ".git" / "objects" / "x").write_text("object")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the site's")
    (old / "link").symlink_to(outside, target_is_directory=True)
    spare = tmp_path / "cache" / "spare-site"
    assert _keep_folders(old, spare)
    assert not old.exists()
    assert (outside / "keep.txt").read_text() == "not the site's"  # a link is removed, never followed
    found = sorted(str(p.relative_to(spare)) for p in spare.rglob("*"))
    assert found == [_MANIFEST, "a", "a/b", "c", "gone", "gone/deep"]
    # A second old site while a spare is kept: it is not made a spare (the caller deletes it).
    other = tmp_path / "other"
    (other / "d").mkdir(parents=True)
    assert not _keep_folders(other, spare)
    # Nor is a site whose folders a new build would not make so (chmod-ed): they would stay so.
    private = tmp_path / "private"
    (private / "e").mkdir(parents=True)
    (private / "e").chmod(0o700)
    assert not _keep_folders(private, tmp_path / "cache" / "other-spare")

    # The next build: MkDocs has made "c" already; of the spare's other folders, those it
    # writes into move in ("gone" does not); "a/b", a folder then, is one of its files now.
    site = tmp_path / "site"
    (site / "c").mkdir(parents=True)
    (site / "c" / "made.txt").write_text("by the build")
    folders = recycle(spare, site, ["a/index.html", "a/b", "c/made.txt", "index.html"])
    assert sorted(folders) == ["a", "a/b"]
    assert not spare.exists()
    assert sorted(p.name for p in site.iterdir()) == ["a", "c"]
    assert not (site / "a" / "b").exists()  # removed: the build writes a file there
    # The build fills "a": a recycled folder left empty would go, a filled one stays.
    (site / "a" / "b").write_text("a page at a folder's old place")
    (site / "a" / "index.html").write_text("page")
    drop_unused(site, folders)
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*")) == [
        "a",
        "a/b",
        "a/index.html",
        "c",
        "c/made.txt",
    ]

    # A manifest naming folders outside the site is not followed.
    bad = tmp_path / "bad-spare"
    (bad / "x").mkdir(parents=True)
    (bad / _MANIFEST).write_bytes(b"x\0../outside\0/tmp\0x/../../outside")
    elsewhere = tmp_path / "site2"
    elsewhere.mkdir()
    assert recycle(bad, elsewhere, ["x/index.html"]) == ["x"]
    # A spare without its manifest (torn): none of its folders is used, and it is removed.
    torn = tmp_path / "torn-spare"
    (torn / "y").mkdir(parents=True)
    assert recycle(torn, elsewhere, ["y/index.html"]) == []
    assert not torn.exists() and not (elsewhere / "y").exists()
    assert recycle(tmp_path / "no-spare", elsewhere, ["x/index.html"]) == []


def test_a_rebuild_reuses_the_old_sites_folders_and_publishes_what_a_fresh_build_would(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", operations=40)
    spare = project / ".portal-cache" / "spare-site"
    for _ in range(2):  # the second build replaces a site: its folders become the spare
        result = run_portal("build", cwd=project)
        assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 30
    while not spare.is_dir() and time.monotonic() < deadline:  # made by a detached process
        time.sleep(0.05)
    assert spare.is_dir()
    assert [p for p in spare.rglob("*") if p.is_file() and p.name != ".portal-folders"] == []
    kept = {str(p.relative_to(spare)): p.stat().st_ino for p in spare.rglob("*") if p.is_dir()}
    assert len(kept) > 40

    # One operation less: its page's folder, reused from the spare, must not stay behind.
    spec_path = project / "openapi" / "openapi.json"
    spec = json.loads(spec_path.read_text())
    path = next(iter(spec["paths"]))
    del spec["paths"][path]
    spec_path.write_text(json.dumps(spec))
    result = run_portal("build", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    now = {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_dir()}
    reused = [name for name, inode in now.items() if kept.get(name) == inode]
    assert len(reused) > 40  # the same folders, moved, not made again
    assert [p for p in site.rglob("*") if p.is_dir() and not any(p.iterdir())] == []

    cold = tmp_path / "cold"
    assert run_portal("build", "-d", str(cold), cwd=project, env={"PORTAL_CACHE": "0"}).returncode == 0

    def tree(root: Path) -> dict[str, bytes | None]:
        return {str(p.relative_to(root)): None if p.is_dir() else p.read_bytes() for p in root.rglob("*")}

    assert tree(site) == tree(cold)


_PATHS = st.lists(st.sampled_from(["reference", "models", "pets", "index", "a", "b"]), min_size=1, max_size=4)


@settings(max_examples=500, deadline=None)
@given(
    _PATHS,
    _PATHS,
    st.sampled_from(["pet", "index", "order"]),
    st.booleans(),
    st.sampled_from(["reference/models", "models", "reference"]),
)
def test_pages_sharing_a_tree_link_to_every_model_alike(
    one: list[str], other: list[str], model: str, directory_urls: bool, models: str
) -> None:
    # A schema tree rendered for one page is shown on every page with the same key:
    # its links to model pages must be what each page would link itself.
    from portal_gen.plan.reference import relative_url
    from portal_gen.render.reference import tree_links

    first, second = "/".join(one) + ".md", "/".join(other) + ".md"
    target = f"{models}/{model}.md"
    if tree_links(first, models, directory_urls) == tree_links(second, models, directory_urls):
        assert relative_url(first, target, directory_urls) == relative_url(second, target, directory_urls)


def test_operations_of_different_tags_share_trees_and_model_pages_their_own() -> None:
    from portal_gen.render.reference import tree_links

    models = "reference/models"
    for directory_urls in (True, False):
        pets = tree_links("reference/pets/list-pets.md", models, directory_urls)
        users = tree_links("reference/users/get-user.md", models, directory_urls)
        assert pets == users
        # Model pages are in the models' folder: with folder URLs each page is a folder of
        # its own, its links its own; with file URLs they all link from that folder.
        pet = tree_links("reference/models/pet.md", models, directory_urls)
        user = tree_links("reference/models/user.md", models, directory_urls)
        assert (pet != user) is directory_urls
        assert pet != pets
        assert tree_links("reference/index.md", models, directory_urls) != pets


def test_a_generated_pages_html_is_read_once_per_page_written(tmp_path: Path) -> None:
    # Search, then Material's content.html, each ask for a page's content twice; the HTML
    # is read from the cache once for them, and only the page being written is held.
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

    from portal_gen.adapters.mkdocs.pages import GeneratedPage as _GeneratedPage
    from portal_gen.render.page import RenderedPage

    config = MkDocsConfig()
    config.load_dict({"site_name": "Reads", "docs_dir": str(tmp_path)})
    errors, _ = config.validate()
    assert not errors
    reads: list[str] = []

    def page(name: str) -> _GeneratedPage:
        def body() -> str:
            reads.append(name)
            return f"<h2 id='x'>{name}</h2>\n"

        rendered = RenderedPage(f"{name}.md", name, body, (), "operation")
        file = File(f"{name}.md", str(tmp_path), str(tmp_path / "site"), use_directory_urls=True)
        made = _GeneratedPage(rendered, file, config)
        made.render(config, Files([]))
        made.content = None  # past page_content, as MkDocs leaves it
        return made

    first, second = page("first"), page("second")
    assert first.content == first.content == "<h2 id='x'>first</h2>\n"
    assert reads == ["first"]
    assert second.content == second.content and reads == ["first", "second"]
    assert first.content and reads == ["first", "second", "first"]  # the second let it go
    first.content = "searched"  # set, as search's handler does: held until set back
    assert first.content == "searched" and reads == ["first", "second", "first"]
    first.content = None
    assert first.content and reads[-1] == "first"
    first.replace(RenderedPage("first.md", "first", "<p>new</p>", (), "operation"))
    first.render(config, Files([]))
    first.content = None
    assert first.content == "<p>new</p>"  # a quick rebuild's page is shown, not the last read


def test_full_collections_are_rarer_during_a_build_and_as_before_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In this process (mkdocs build, as `mkdocs serve` runs it too): full collections are
    # rarer while pages are made, and the collector is as it was once the build is over,
    # whether it succeeded or failed.
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import portal_gen.adapters.mkdocs.plugin
    from portal_gen.engine.collector import FULL_COLLECTIONS_EVERY

    project = make_project(tmp_path / "project", operations=12)
    monkeypatch.chdir(project)
    monkeypatch.setenv("PORTAL_CACHE", "0")
    seen: list[tuple[int, int, int]] = []
    generate = portal_gen.adapters.mkdocs.plugin.generate_site

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_threshold())
        return generate(*args, **kwargs)

    monkeypatch.setattr(portal_gen.adapters.mkdocs.plugin, "generate_site", watched)
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
        assert seen == [(700, 10, FULL_COLLECTIONS_EVERY)]
        assert gc.get_threshold() == (700, 10, 10)

        def broken(*args: object, **kwargs: object) -> object:
            seen.append(gc.get_threshold())
            raise RuntimeError("a bug while generating")

        monkeypatch.setattr(portal_gen.adapters.mkdocs.plugin, "generate_site", broken)
        with pytest.raises(Exception, match="a bug while generating"):
            build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site2")))
        assert seen[-1] == (700, 10, FULL_COLLECTIONS_EVERY)
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)


_BROKEN_VALIDATION = """
import sys
import portal_gen.engine.validation as validation

def broken_validator_walk(source, verdicts=None):
    raise ZeroDivisionError("a bug in validation")

validation.iter_spec_problems = broken_validator_walk
from portal_gen.adapters.cli import main
sys.argv = ["portal", "build", "--debug", "-d", sys.argv[1]]
main()
"""


def test_a_bug_in_the_validation_process_shows_its_traceback(tmp_path: Path) -> None:
    # Validation runs in a forked process; a bug there reaches the user with the
    # traceback of where it happened (in that process), not a one-line repr.
    demo = copy_demo(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", _BROKEN_VALIDATION, str(tmp_path / "site")],
        cwd=demo,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PORTAL_CACHE": "0"},
    )
    assert proc.returncode != 0
    assert "spec validation failed in its process:" in proc.stderr
    assert ", in broken_validator_walk\n" in proc.stderr  # the frame where it was raised, in the child
    assert "ZeroDivisionError: a bug in validation" in proc.stderr
    assert not (tmp_path / "site").exists()  # nothing published
