from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from portal_gen.config import PortalConfig
from portal_gen.model.api import Api, Operation, Tag
from portal_gen.plan.reference import NavSection, page_url, plan_reference, relative_url
from portal_gen.plan.slugs import slugify, unique_slugs


def op(operation_id: str | None, path: str = "/x", method: str = "get", tags: tuple[str, ...] = ("t",)) -> Operation:
    return Operation(method=method, path=path, operation_id=operation_id, tags=tags)


def config(**options: object) -> PortalConfig:
    return PortalConfig(project_dir=Path("."), **options)  # type: ignore[arg-type]


def test_slugify_reads_well() -> None:
    assert slugify("sendMessage") == "send-message"
    assert slugify("repos/get-content") == "repos-get-content"
    assert slugify("GET /pets/{petId}") == "get-pets-pet-id"
    assert slugify("Ünïcödé Tag") == "unicode-tag"
    assert slugify("***") == "item"


def test_slug_collisions_are_resolved_independently_of_order() -> None:
    keys = ["get_user", "getUser", "get-user"]
    first = unique_slugs(keys)
    assert first == {"get-user": "get-user", "getUser": "get-user-2", "get_user": "get-user-3"}
    assert unique_slugs(reversed(keys)) == first
    assert unique_slugs(["index"], taken=["index"]) == {"index": "index-2"}


def test_operation_urls_survive_reordering_the_spec() -> None:
    ops = [op("createPet", "/pets", "post"), op("listPets", "/pets"), op(None, "/health")]
    plan_a = plan_reference(Api(title="A", version="1", openapi="3.1.0", operations=tuple(ops)), config())
    plan_b = plan_reference(Api(title="A", version="1", openapi="3.1.0", operations=tuple(reversed(ops))), config())
    assert plan_a.operation_paths == plan_b.operation_paths
    assert plan_a.operation_paths["GET /health"] == "reference/t/get-health.md"


def test_big_tags_list_operations_on_their_page_not_in_the_sidebar() -> None:
    small = tuple(op(f"small{i}", tags=("Small",)) for i in range(3))
    big = tuple(op(f"big{i}", tags=("Big",)) for i in range(5))
    api = Api(title="A", version="1", openapi="3.1.0", operations=small + big, tags=(Tag("Small"), Tag("Big")))
    plan = plan_reference(api, config(nav_operations_limit=4))
    sections = {s.title: s for s in plan.nav.children if hasattr(s, "children")}
    assert len(sections["Small"].children) == 4  # tag page + 3 operations
    assert len(sections["Big"].children) == 1  # the tag page only
    big_pages = [p for p in plan.pages if p.key.startswith("big")]
    assert len(big_pages) == 5 and not any(p.in_nav for p in big_pages)


def test_many_tags_are_grouped_in_the_sidebar_in_the_spec_order() -> None:
    names = ["Users", "Repos", "Gists", "Actions", "Orgs", "Teams", "Apps"]
    ops = tuple(op(f"op{i}", tags=(name,)) for i, name in enumerate(names))
    api = Api(title="A", version="1", openapi="3.1.0", operations=ops, tags=tuple(Tag(n) for n in names))
    plan = plan_reference(api, config(nav_tags_limit=3))
    groups = [s for s in plan.nav.children if isinstance(s, NavSection)]
    assert [g.title for g in groups] == ["Users – Gists", "Actions – Teams", "Apps"]
    assert [[t.title for t in g.children] for g in groups] == [names[0:3], names[3:6], names[6:]]
    # Grouping changes the sidebar only: every page keeps its URL.
    assert plan.tag_paths == plan_reference(api, config()).tag_paths
    flat = [s.title for s in plan_reference(api, config(nav_tags_limit=7)).nav.children if isinstance(s, NavSection)]
    assert flat == names  # at the limit: not grouped


def test_untagged_operations_get_a_section() -> None:
    api = Api(title="A", version="1", openapi="3.1.0", operations=(op("x", tags=()),))
    plan = plan_reference(api, config())
    assert plan.tag_paths == {"Other operations": "reference/other-operations/index.md"}


def test_relative_urls_match_mkdocs() -> None:
    assert page_url("reference/a/b.md", True) == "reference/a/b/"
    assert page_url("reference/a/index.md", True) == "reference/a/"
    assert page_url("reference/a/index.md", False) == "reference/a/index.html"
    assert relative_url("reference/index.md", "reference/pets/list.md", True) == "pets/list/"
    assert relative_url("reference/pets/list.md", "reference/index.md", True) == "../../"
    assert relative_url("reference/pets/list.md", "reference/models/pet.md", False) == "../models/pet.html"
    assert relative_url("reference/pets/list.md", "reference/pets/list.md", True, "responses") == "#responses"
    assert relative_url("reference/index.md", "index.md", False) == "../index.html"


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "models", "", ".", "..", "x.html"]), max_size=5).map("/".join),
    st.lists(st.sampled_from(["a", "b", "models", "", ".", "..", "x.html"]), max_size=5).map("/".join),
)
def test_relpath_answers_as_posixpath(path: str, start: str) -> None:
    import posixpath

    from portal_gen.plan.reference import relpath

    path, start = path or ".", start or "."
    assert relpath(path, start) == posixpath.relpath(path, start)
