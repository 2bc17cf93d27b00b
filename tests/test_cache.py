"""The page cache: a rebuild renders only what changed, and its site is byte for byte
the site a cold build makes, whichever kind of input changed."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_demo, run_portal

SEND = "reference/messages/send-message/index.html"
ACCOUNT = "reference/account/get-account/index.html"
QUICKSTART = "quickstarts/send-your-first-message/index.html"
MODELS = "reference/models/index.html"


@pytest.fixture(scope="session")
def warm_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, built once: its site and a full cache."""
    demo = copy_demo(tmp_path_factory.mktemp("warm"))
    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    return demo


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _outputs(demo: Path) -> dict[str, int]:
    """The cached finished pages, by name, with their modification times."""
    return {p.name: p.stat().st_mtime_ns for p in (demo / ".portal-cache" / "output").iterdir()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _operation_template(demo: Path) -> None:
    import portal_gen  # the package's own template, copied and changed

    source = Path(portal_gen.__file__).parent / "templates" / "reference" / "operation.html"
    target = demo / "site_templates" / "reference" / "operation.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8") + "<p>Custom footer</p>\n", encoding="utf-8")


# (what changes, how, a page that must change, a page that must not)
EDITS = {
    "operation-description": (
        lambda d: _edit(
            d / "openapi" / "openapi.yaml",
            "Queues an SMS or MMS for delivery.",
            "Queues a text for delivery.",
        ),
        SEND,
        ACCOUNT,
    ),
    "operation-description-not-in-models": (
        lambda d: _edit(d / "openapi" / "openapi.yaml", "Queues an SMS or MMS for delivery.", "Queues a text."),
        SEND,
        MODELS,  # lists models by name and description: keyed by those alone
    ),
    "model-description": (
        lambda d: _edit(d / "openapi" / "openapi.yaml", "description: ISO 4217 currency code.", "description: ISO."),
        MODELS,
        None,
    ),
    "schema-description": (
        lambda d: _edit(
            d / "openapi" / "openapi.yaml",
            "      description: Unique identifier for the message.",
            "      description: The message's id.",
        ),
        SEND,
        ACCOUNT,
    ),
    "guide": (
        lambda d: _edit(d / "content" / "quickstarts" / "send-your-first-message.yaml", "title:", "title: Now"),
        QUICKSTART,
        None,  # a title is in every page's navigation
    ),
    "pricing": (
        lambda d: _edit(d / "content" / "pricing.yaml", "    price: 49\n", "    price: 59\n"),
        "pricing/index.html",
        ACCOUNT,
    ),
    "case-study": (
        lambda d: _edit(
            d / "content" / "case_studies" / "parcelway.yaml",
            "use_case: Delivery notifications",
            "use_case: Delivery texts",
        ),
        SEND,  # "Used by" names the use case
        ACCOUNT,
    ),
    "verified": (
        lambda d: _edit(d / "portal-verified.json", '"seconds": 0.', '"seconds": 9.'),
        "tutorials/paginate-message-history/index.html",
        ACCOUNT,
    ),
    "template": (_operation_template, ACCOUNT, "pricing/index.html"),
    "mkdocs-yml": (
        lambda d: _edit(
            d / "mkdocs.yml", "snippet_env_prefix: RELAY", "snippet_env_prefix: RELAY\n      schema_depth: 1"
        ),
        SEND,
        None,
    ),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_each_kind_of_input_renders_its_pages_again_and_only_them(warm_demo: Path, tmp_path: Path, kind: str) -> None:
    change, changed, unchanged = EDITS[kind]
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)
    before, cached = _files(demo / "site"), _outputs(demo)
    change(demo)

    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    after = _files(demo / "site")
    assert after[changed] != before[changed]
    if unchanged is not None:
        assert after[unchanged] == before[unchanged]
    # A cold build of the same inputs, without the cache, makes the same site.
    cold = run_portal("build", "-d", str(tmp_path / "cold"), cwd=demo, env={"PORTAL_CACHE": "0"})
    assert cold.returncode == 0, cold.stderr
    assert _files(tmp_path / "cold") == after
    # Unchanged pages were not rendered again: their cache entries were not rewritten.
    kept = _outputs(demo)
    if unchanged is not None:
        assert sum(1 for name, mtime in kept.items() if cached.get(name) == mtime) > len(kept) // 2


def test_a_rebuild_without_changes_renders_nothing(warm_demo: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)
    cached = _outputs(demo)
    before = _files(demo / "site")
    memo = demo / ".portal-cache" / "memo" / "spec-refs.json"
    memo_written = memo.stat().st_mtime_ns
    search = demo / ".portal-cache" / "memo" / "search-entries.json"
    search_written = search.stat().st_mtime_ns
    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    assert _outputs(demo) == cached  # every page came from the cache, none was rewritten
    assert memo.stat().st_mtime_ns == memo_written  # every $ref was known: nothing walked, nothing kept anew
    assert search.stat().st_mtime_ns == search_written  # every page's search entries were kept already
    assert _files(demo / "site") == before
    # Counted from what Material's template produced: none was rendered, not even to be
    # thrown away (MkDocs picks a page's template before page_context).
    counts = re.search(r"\((\d+) generated pages: (\d+) rendered, (\d+) from the cache\)", result.stderr)
    assert counts is not None, result.stderr
    total, rendered, reused = map(int, counts.groups())
    assert (rendered, reused) == (0, total) and total > 50


def test_the_cache_keeps_one_build_and_survives_damage(warm_demo: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)
    outputs = demo / ".portal-cache" / "output"
    count = len(list(outputs.iterdir()))
    _edit(
        demo / "openapi" / "openapi.yaml",
        "Queues an SMS or MMS for delivery.",
        "Queues a text for delivery.",
    )
    # A torn entry (a crash mid-write leaves a temporary file; a truncated one reads as missing).
    victim, other = sorted(outputs.iterdir())[:2]
    victim.write_text("")
    # A page's search entries that are not what this code writes: that page is written again.
    search = demo / ".portal-cache" / "memo" / "search-entries.json"
    entries = json.loads(search.read_text(encoding="utf-8"))
    entries[other.stem] = {"not": "a list"}
    search.write_text(json.dumps(entries), encoding="utf-8")
    # Left by an older portal: one file of search entries per page, removed once unused.
    (demo / ".portal-cache" / "search").mkdir(exist_ok=True)
    (demo / ".portal-cache" / "search" / "0123abcd.json").write_text("[]")
    # Torn or foreign page records: rendered again.
    pages = sorted((demo / ".portal-cache" / "pages").iterdir())
    pages[0].write_text("")
    pages[1].write_text("{not json\n<p>")
    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    assert len(list(outputs.iterdir())) == count  # entries of the old description are gone
    assert list((demo / ".portal-cache" / "search").iterdir()) == []
    kept = json.loads(search.read_text(encoding="utf-8"))
    assert set(kept) == {p.stem for p in outputs.iterdir()}  # one entry per kept page, all lists
    assert all(isinstance(value, list) for value in kept.values())
    cold = run_portal("build", "-d", str(tmp_path / "cold"), cwd=demo, env={"PORTAL_CACHE": "0"})
    assert cold.returncode == 0
    assert _files(tmp_path / "cold") == _files(demo / "site")


def _schema_verdicts(demo: Path) -> list[str]:
    """The hashes of the schemas known to pass the meta-schema check (one cache entry)."""
    found = []
    for entry in (demo / ".portal-cache" / "validation").iterdir():
        data = json.loads(entry.read_text(encoding="utf-8"))
        if data and all(isinstance(k, str) and re.fullmatch(r"[0-9a-f]{64}", k) for k in data):
            found.append(data)
    assert len(found) == 1, found
    return found[0]


def test_schema_verdicts_outlive_rebuilds_and_never_hide_a_new_problem(warm_demo: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)
    known = _schema_verdicts(demo)
    assert len(known) > 20  # every schema of the demo's spec passed
    # A build that finds the whole verdict cached does not read them, and keeps them.
    assert run_portal("build", cwd=demo).returncode == 0
    assert _schema_verdicts(demo) == known
    # An edit: validated again, the unchanged schemas from the memo, the new one checked.
    site = _files(demo / "site")
    _edit(demo / "openapi" / "openapi.yaml", "      pattern: '^[A-Z]{3}$'\n", "      minLength: three\n")
    result = run_portal("build", "--strict", cwd=demo)
    assert result.returncode == 1, result.stderr
    assert re.search(
        r"WARNING: openapi/openapi\.yaml:\d+:7: invalid OpenAPI: 'three' is not of type 'integer' "
        r"\(at components → schemas → Currency → minLength\)",
        result.stderr,
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert _files(demo / "site") == site  # the previous site stays


def test_a_models_index_of_the_users_own_is_keyed_by_every_schema(warm_demo: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)
    own = demo / "site_templates" / "reference" / "models.html"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(
        '<h1 id="models">Models</h1>\n{% for name in plan.model_paths %}'
        "<p>{{ name }}: {{ api.schemas[name].properties | length }} fields</p>{% endfor %}\n",
        encoding="utf-8",
    )
    assert run_portal("build", cwd=demo).returncode == 0
    before = _files(demo / "site")[MODELS]
    assert b"<p>Message: 17 fields</p>" in before, before
    # A field more, and no title or description changed: the index shows it all the same.
    _edit(
        demo / "openapi" / "openapi.yaml",
        "      properties:\n        id:\n",
        "      properties:\n        extra: {type: string}\n        id:\n",
    )
    assert run_portal("build", cwd=demo).returncode == 0
    assert b"<p>Message: 18 fields</p>" in _files(demo / "site")[MODELS]


def test_a_guide_is_checked_again_only_when_what_it_names_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each guide's pass is kept apart, keyed by the operations it names and all they
    reach: an edit elsewhere in the spec checks no guide; an edit of a schema a call
    sends checks that guide again, and its new problem is found."""
    from portal_gen.config import PortalConfig
    from portal_gen.engine import project as engine
    from portal_gen.engine.cache import PageCache
    from portal_gen.errors import PortalError

    demo = copy_demo(tmp_path)
    checked: list[str] = []
    real = engine.check_guides

    def counting(guides: Any, *args: Any, **kwargs: Any) -> Any:
        checked.extend(g.id for g in guides)
        return real(guides, *args, **kwargs)

    monkeypatch.setattr(engine, "check_guides", counting)

    def load() -> list[str]:
        checked.clear()
        engine.load_project(PortalConfig(project_dir=demo), cache=PageCache(demo / ".portal-cache"))
        return sorted(checked)

    everyone = ["paginate-message-history", "receive-delivery-webhooks", "send-your-first-message"]
    assert load() == everyone
    assert load() == []
    spec = demo / "openapi" / "openapi.yaml"
    _edit(spec, "Returns the account that owns the credentials", "Returns the account behind the credentials")
    assert load() == []  # getAccount: no guide names it
    _edit(spec, "Queues an SMS or MMS for delivery.", "Queues a text for delivery.")
    assert load() == ["send-your-first-message"]  # it calls sendMessage (and points to it)
    # The quickstart sends "Hello from Relay!": a schema it reaches through a $ref now
    # refuses it, and the check that runs again says so.
    limit = "          minLength: 1\n          maxLength: {}\n"
    _edit(spec, limit.format(1600), limit.format(5))
    with pytest.raises(PortalError) as raised:
        load()
    # The webhooks tutorial is checked again too: it reaches a discriminator, which may
    # pick any component schema by name, so every schema edit reaches it.
    assert sorted(checked) == ["receive-delivery-webhooks", "send-your-first-message"]
    assert "send-your-first-message.yaml" in str(raised.value) and "too long" in str(raised.value), raised.value
    _edit(spec, limit.format(5), limit.format(1600))
    assert load() == []  # as it was when it passed
    # A guide's own edit checks it alone; the others' ids are still known to it.
    tutorial = demo / "content" / "tutorials" / "paginate-message-history.yaml"
    more = "  - title: Start here\n    guide: send-your-first-message\n"
    tutorial.write_text(tutorial.read_text(encoding="utf-8") + more, encoding="utf-8")
    assert load() == ["paginate-message-history"]


def test_unchanged_pages_are_linked_from_the_site_they_replace(warm_demo: Path, tmp_path: Path) -> None:
    """`portal build` links each unchanged page's file from the previous site instead of
    copying it, unless that file was touched since; the site is a cold build's all the same."""
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)  # copies: new inodes, so nothing is linked at first
    assert run_portal("build", cwd=demo).returncode == 0
    site = demo / "site"
    inodes = {path: (site / path).stat().st_ino for path in (SEND, ACCOUNT, QUICKSTART)}
    tampered = site / "reference" / "account" / "get-usage" / "index.html"  # unchanged by the edit
    right = tampered.read_bytes()
    with tampered.open("ab") as out:  # edited in place: same inode, new size and time
        out.write(b"<!-- edited by hand -->")

    _edit(demo / "openapi" / "openapi.yaml", "Queues an SMS or MMS for delivery.", "Queues a text for delivery.")
    assert run_portal("build", cwd=demo).returncode == 0
    assert (site / ACCOUNT).stat().st_ino == inodes[ACCOUNT]  # unchanged: linked
    assert (site / SEND).stat().st_ino != inodes[SEND]  # its description changed: written
    assert b"Queues a text for delivery." in (site / SEND).read_bytes()
    assert tampered.read_bytes() == right  # neither linked nor taken from the cache: rendered again
    outputs = demo / ".portal-cache" / "output"
    assert not any(b"edited by hand" in entry.read_bytes() for entry in outputs.iterdir())

    cold = tmp_path / "cold"
    shutil.copytree(demo, cold, ignore=shutil.ignore_patterns("site", ".portal-cache"))
    assert run_portal("build", cwd=cold, env={"PORTAL_CACHE": "0"}).returncode == 0
    assert _files(site) == _files(cold / "site")


def test_a_post_build_hook_turns_linking_off(warm_demo: Path, tmp_path: Path) -> None:
    """A hook that rewrites pages after the build: a linked file would carry last build's
    rewrite into this one's, so pages are copied from the cache and rewritten once."""
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)
    (demo / "stamp.py").write_text(
        "from pathlib import Path\n\n"
        "def on_post_build(config):\n"
        "    for page in Path(config.site_dir).rglob('index.html'):\n"
        "        with page.open('a', encoding='utf-8') as out:\n"
        "            out.write('<!-- stamped -->')\n",
        encoding="utf-8",
    )
    with (demo / "mkdocs.yml").open("a", encoding="utf-8") as out:
        out.write("hooks:\n  - stamp.py\n")
    for _ in range(2):
        result = run_portal("build", cwd=demo)
        assert result.returncode == 0, result.stderr
    assert (demo / "site" / ACCOUNT).read_text(encoding="utf-8").count("<!-- stamped -->") == 1


def test_spec_digests_follow_what_a_plain_pointer_does_not_name() -> None:
    """Percent-encoded $refs, 3.1 anchors and discriminators: an edit behind each changes
    the digest of what reaches it (a page or a guide's check would be stale otherwise)."""
    from portal_gen.engine.keys import SpecDigests, pointer_of

    spec: dict[str, Any] = {
        "paths": {
            "/a": {"get": {"parameters": [{"$ref": "#/components/parameters/Caf%C3%A9"}]}},
            "/b": {"get": {"responses": {"200": {"$ref": "#/components/responses/Ok"}}}},
            "/c": {"get": {"requestBody": {"$ref": "#/components/requestBodies/Pet"}}},
            "/d%e": {"get": {"summary": "a path with a percent sign"}},
        },
        "components": {
            "parameters": {"Café": {"name": "q", "in": "query", "schema": {"type": "string"}}},
            "responses": {"Ok": {"description": "OK", "content": {"a/b": {"schema": {"$ref": "#thing"}}}}},
            "requestBodies": {
                "Pet": {
                    "content": {
                        "a/b": {
                            "schema": {
                                "oneOf": [{"$ref": "#/components/schemas/Cat"}],
                                "discriminator": {"propertyName": "kind", "mapping": {"cat": "CatV2"}},
                            }
                        }
                    }
                }
            },
            "schemas": {
                "Thing": {"$anchor": "thing", "type": "string"},
                "Cat": {"type": "object"},
                "CatV2": {"type": "object"},
            },
        },
    }

    def reach(data: dict[str, Any], path: str) -> str:
        return SpecDigests(data).reach(pointer_of("paths", path, "get"))

    for path, keys, value in (
        ("/a", ("parameters", "Café", "schema", "type"), "integer"),
        ("/b", ("schemas", "Thing", "type"), "integer"),
        ("/c", ("schemas", "CatV2", "type"), "array"),
    ):
        edited = copy.deepcopy(spec)
        target = edited["components"]
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
        assert reach(edited, path) != reach(spec, path), path
    edited = copy.deepcopy(spec)
    edited["paths"]["/d%e"]["get"]["summary"] = "changed"
    assert reach(edited, "/d%e") != reach(spec, "/d%e")


def test_the_refs_of_spec_values_are_kept_between_builds_and_only_ever_help(warm_demo: Path, monkeypatch) -> None:
    """What ``$ref``s each value holds is kept by the value's hash: a rebuild walks none of
    the values it knows, and a record of another spec, or a torn one, changes nothing."""
    from portal_gen.engine import keys as cache_module
    from portal_gen.engine.cache import PageCache
    from portal_gen.engine.keys import SpecDigests, code_digest, pointer_of
    from portal_gen.load.sources import parse_text

    memo = warm_demo / ".portal-cache" / "memo" / "spec-refs.json"
    assert json.loads(memo.read_text(encoding="utf-8"))["code"] == code_digest()
    kept = PageCache(warm_demo / ".portal-cache").spec_refs()
    assert kept and all(isinstance(refs, list) for refs in kept.values())
    data = parse_text((warm_demo / "openapi" / "openapi.yaml").read_text(encoding="utf-8"), "openapi.yaml")
    pointers = [pointer_of("paths", path) for path in data["paths"]]
    monkeypatch.setattr(SpecDigests, "_remembered", {})  # what another test's build left here
    expected = [SpecDigests(data).reach(p) for p in pointers]

    walked: list[Any] = []
    real_refs = cache_module._refs

    def counting(value: Any) -> Any:
        walked.append(value)
        return real_refs(value)

    monkeypatch.setattr(cache_module, "_refs", counting)
    assert [SpecDigests(data, kept).reach(p) for p in pointers] == expected
    assert walked == []  # every value the pages reach was known

    # What a build of another spec learnt (here: with one description edited, so that
    # value has another hash), or records this code did not write: the same digests.
    edited = copy.deepcopy(data)
    edited["paths"]["/messages"]["post"]["description"] = "Edited."
    other = SpecDigests(edited)
    for pointer in pointers:
        other.reach(pointer)
    foreign = {own: list(refs) for own, refs in other.learnt().items()}
    assert foreign.keys() != kept.keys()
    for known in (foreign, {own: "#/components/schemas/Message" for own in kept}, {own: [1, 2] for own in kept}):
        assert [SpecDigests(data, known).reach(p) for p in pointers] == expected
    monkeypatch.undo()
    assert SpecDigests(edited, kept).reach(pointer_of("paths", "/messages")) != expected[0]


def test_the_refs_memo_of_another_version_of_portal_is_not_used(tmp_path: Path) -> None:
    """Which refs a value holds is for portal's code to say: another version may have
    found fewer (before it followed discriminators, say), and keys would miss them."""
    from portal_gen.engine.cache import PageCache

    cache = PageCache(tmp_path / "cache")
    cache.keep_spec_refs({"a" * 64: ["#/components/schemas/Pet"]})
    assert cache.spec_refs() == {"a" * 64: ["#/components/schemas/Pet"]}
    memo = tmp_path / "cache" / "memo" / "spec-refs.json"
    record = json.loads(memo.read_text(encoding="utf-8"))
    memo.write_text(json.dumps({**record, "code": "another version"}), encoding="utf-8")
    assert cache.spec_refs() == {}
    memo.write_text(json.dumps(record["refs"]), encoding="utf-8")  # no stamp at all
    assert cache.spec_refs() == {}


def test_a_build_keeps_its_pages_as_links_and_a_site_rebuilt_from_them_is_whole(
    warm_demo: Path, tmp_path: Path
) -> None:
    """The pages a build renders are kept in the cache as second names of the files it
    published, not as copies; with the site deleted, a rebuild links them back."""
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)
    shutil.rmtree(demo / ".portal-cache")
    assert run_portal("build", cwd=demo).returncode == 0
    site = demo / "site"
    before = _files(site)
    shared = {p.stat().st_ino for p in (demo / ".portal-cache" / "output").iterdir()}
    pages = [p for p in site.rglob("index.html") if p.stat().st_ino in shared]
    assert len(pages) > 50 and all(p.stat().st_nlink == 2 for p in pages)  # the site's and the cache's

    shutil.rmtree(site)
    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\(\d+ generated pages: 0 rendered, \d+ from the cache\)", result.stderr), result.stderr
    assert _files(site) == before
    assert all((site / p.relative_to(site)).stat().st_ino in shared for p in pages)  # linked, not copied


def test_a_page_shared_with_one_site_is_not_shared_with_another_nor_its_mode_inherited(
    warm_demo: Path, tmp_path: Path
) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(warm_demo, demo)
    assert run_portal("build", cwd=demo).returncode == 0  # the copy's pages become the cache's links
    site = demo / "site"
    default_mode = (site / SEND).stat().st_mode
    (site / ACCOUNT).chmod(0o600)  # a deploy step's chmod: the same inode as the cache's file

    assert run_portal("build", cwd=demo).returncode == 0
    assert (site / ACCOUNT).stat().st_mode == default_mode  # rendered again, not the chmod-ed file

    preview = tmp_path / "preview"
    assert run_portal("build", "-d", str(preview), cwd=demo).returncode == 0
    ours = {p.stat().st_ino for p in site.rglob("index.html")}
    assert not any(p.stat().st_ino in ours for p in preview.rglob("index.html"))  # copies: edits stay apart
    assert _files(preview) == _files(site)
