"""Material's sidebar, each entry rendered once per link and then remembered; and its
translations, each looked up once.

Material renders the whole sidebar into every page, and lists every page of the open
section: a tag of 200 operations renders 200 entries on each of its 200 pages, a sixth
of a big API's build. An entry that neither is nor contains the page being rendered
comes out the same on every page its links are the same from, so it is rendered once
for those (:func:`_nav_item_memo`).

Pages come out byte for byte as Material renders them (tests/test_nav.py and
tests/test_accel.py build each way and compare).

Every page also imports Material's ``partials/language.html`` anew (with the page's
context), and each of its forty-odd ``lang.t(key)`` calls builds the whole dictionary
of translations to read one: a sixth of the time a page's template took. Its ``t`` is
a function that remembers each key's text instead (:func:`_translators`).
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page


def remember_nav_items(env: jinja2.Environment) -> None:
    """Render Material's sidebar entries, and look its translations up, through memos,
    for one build with ``env``."""
    env.loader = _MaterialLoader(env.loader)  # type: ignore[arg-type]
    nav_item, nav_items = _nav_item_memo()
    env.globals[_NAV_ITEM_MEMO] = nav_item
    env.globals[_NAV_ITEMS] = nav_items
    env.globals[_NAV_INDEX] = _first_index
    env.globals[_NAV_INDEX_SPACE] = _index_loop_space
    env.globals[_TRANSLATOR] = _translators()


# Only Material's own templates are changed, by a few calls: a user's override of one
# knows nothing of this, and renders as it is. The calls replace the loops over a
# section's entries (and over the sidebar's top level, in nav.html), run for every
# section rendered on every page: in Python, each entry that comes from the memo costs
# a dictionary lookup, not a Jinja loop step and macro call (GitHub's portal: a section
# of 200 operations on each of its 200 pages). Where the loops read otherwise (another
# Material version), the entries' one call is replaced, or nothing.
_NAV_ITEM = "partials/nav-item.html"
_NAV_RECURSION = '{{ render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}'
_NAV_ITEM_MEMO = "portal_nav_item"
_NAV_LOOP = """{% for item in nav_item.children %}
              {% if not index or item != index %}
                {{ render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}
              {% endif %}
            {% endfor %}"""
_NAV_ITEMS = "portal_nav_items"
_NAV_LOOP_CALL = "{{ portal_nav_items(render, nav_item.children, index, path, level + 1, nav_item) }}"
_INDEX_LOOP = """{% for item in nav_item.children %}
        {% if item.is_index and _.index is none %}
          {% set _.index = item %}
        {% endif %}
      {% endfor %}"""
_NAV = "partials/nav.html"
_NAV_TOP_LOOP = """{% for nav_item in nav.items %}
      {% set path = "__nav_" ~ loop.index %}
      {{ item.render(nav_item, path, 1) }}
    {% endfor %}"""
_NAV_TOP_CALL = '{{ portal_nav_items(item.render, nav.items, none, "__nav", 1, none) }}'
_NAV_INDEX = "portal_nav_index"
_INDEX_CALL = "{% set _.index = portal_nav_index(nav_item.children) %}{{ portal_nav_index_space(nav_item.children) }}"
_NAV_INDEX_SPACE = "portal_nav_index_space"
# Material's translation macro, which a function of the same name replaces where the
# environment does not escape (MkDocs' does not: a macro returns plain text then).
_LANGUAGE = "partials/language.html"
_TRANSLATE = "{% macro t(key) %}{{ lang.t(key) or fallback.t(key) or key }}{% endmacro %}"
_TRANSLATOR = "portal_translator"
_TRANSLATOR_CALL = "{% set t = portal_translator(lang, fallback) %}"
_NAV_MEMO_LIMIT = 100_000  # entries (a few hundred bytes each); then it starts again


class _MaterialLoader(jinja2.BaseLoader):
    """Material's ``nav-item.html``, its children rendered through :func:`_nav_item_memo`,
    and its ``language.html``, translating through :func:`_translators`."""

    def __init__(self, loader: jinja2.BaseLoader) -> None:
        self._loader = loader

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = self._loader.get_source(environment, template)
        if template not in (_NAV, _NAV_ITEM, _LANGUAGE) or filename is None or not is_materials(filename, template):
            return source, filename, uptodate
        if environment.trim_blocks or environment.lstrip_blocks:  # the loops' whitespace below is Jinja's default
            return source, filename, uptodate
        if template == _NAV:
            if source.count(_NAV_TOP_LOOP) == 1 and self._nav_item_replaced(environment):
                source = source.replace(_NAV_TOP_LOOP, _NAV_TOP_CALL)
        elif template == _LANGUAGE:
            if source.count(_TRANSLATE) == 1 and environment.autoescape is False:
                source = source.replace(_TRANSLATE, _TRANSLATOR_CALL)
        elif source.count(_NAV_LOOP) == 1 and source.count(_INDEX_LOOP) == 1:
            source = source.replace(_NAV_LOOP, _NAV_LOOP_CALL).replace(_INDEX_LOOP, _INDEX_CALL)
        elif source.count(_NAV_RECURSION) == 1:
            call = _NAV_RECURSION.replace("render(", f"{_NAV_ITEM_MEMO}(render, ", 1)
            source = source.replace(_NAV_RECURSION, call)
        return source, filename, uptodate

    def _nav_item_replaced(self, environment: jinja2.Environment) -> bool:
        """Whether ``nav-item.html`` is Material's own with its loops replaced: the top
        level of the sidebar goes through the same memo only then."""
        try:
            source, _, _ = self.get_source(environment, _NAV_ITEM)
        except jinja2.TemplateNotFound:
            return False
        return _NAV_LOOP_CALL in source

    def list_templates(self) -> list[str]:
        return self._loader.list_templates()


def is_materials(filename: str, template: str) -> bool:
    """Whether ``filename`` is Material's own ``template`` (not a user's override of it)."""
    templates = _material_templates()
    return templates is not None and Path(filename).resolve() == (templates / template).resolve()


@functools.cache
def _material_templates() -> Path | None:
    spec = importlib.util.find_spec("material")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "templates"


def _translators() -> Callable[[Any, Any], Callable[[Any], str]]:
    """``portal_translator(lang, fallback)``: Material's ``t(key)`` for those language
    modules, each key's text remembered (a language module has no context: its text
    for a key is the same on every page)."""
    made: dict[tuple[str, str], Callable[[Any], str]] = {}

    def translator(lang: Any, fallback: Any) -> Callable[[Any], str]:
        names = (str(getattr(lang, "__name__", "")), str(getattr(fallback, "__name__", "")))
        found = made.get(names)
        if found is None:
            texts: dict[Any, str] = {}

            def t(key: Any) -> str:
                text = texts.get(key)
                if text is None:
                    # What the macro renders: its expression, as text.
                    text = texts[key] = str(lang.t(key) or fallback.t(key) or key)
                return text

            found = made[names] = t
        return found

    return translator


def _nav_item_memo() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``render`` for one navigation entry, remembered for the entries that neither are
    nor contain the page being rendered; and for a section's entries, all of them.

    What Material renders for such an entry depends on the entry itself (titles, URLs,
    meta, its place in the tree) and on its links relative to the page, not on the page
    otherwise. So an entry is rendered once per distinct set of links: a page's, keyed
    by its link; a section's, keyed by the folder its links are relative to
    (:func:`_links_base`). Entries holding something else (an external link, a blog
    view that lists pages) are rendered every time.
    """
    outputs: dict[tuple[Any, ...], Any] = {}
    urls_under: dict[int, tuple[str, ...] | None] = {}  # by the id of a list of entries (kept all build)

    def urls_of(children: Any) -> tuple[str, ...] | None:
        if id(children) not in urls_under:
            urls_under[id(children)] = _subtree_urls(children)
        return urls_under[id(children)]

    @jinja2.pass_context
    def nav_item(context: Any, render: Any, item: Any, path: Any, level: Any, parent: Any) -> Any:
        page = context.get("page")
        if item.active or page is None or item == page:
            return render(item, path, level, parent)
        if isinstance(item, Page):
            if getattr(item, "children", None) or getattr(item, "pages", None):
                return render(item, path, level, parent)
            key: tuple[Any, ...] = (id(item), context.environment.filters["url"](context, item.url))
        elif isinstance(item, Section):
            urls = urls_of(item.children)
            if urls is None:
                return render(item, path, level, parent)
            parent_active = bool(getattr(parent, "active", False))
            key = (id(item), path, level, parent_active, _links_base(page.url, urls))
        else:
            return render(item, path, level, parent)
        found = outputs.get(key)
        if found is None:
            if len(outputs) >= _NAV_MEMO_LIMIT:
                outputs.clear()
            found = outputs[key] = render(item, path, level, parent)
        return found

    rows: dict[tuple[Any, ...], list[Any]] = {}

    @jinja2.pass_context
    def nav_items(context: Any, render: Any, children: Any, index: Any, path: Any, level: Any, parent: Any) -> Any:
        # Material's loop: each entry but the section's index page, numbered from 1, with
        # the whitespace the loop writes around each, to the byte.
        page = context.get("page")
        # MkDocs keeps one Page per file (file.page), so the entry that is the page is it.
        fresh = [item.active or item is page for item in children]
        row = _row(page, children, fresh, index, path, level, parent)
        # What Material's loop writes around each entry: the whitespace between its tags
        # (nav.html's loop over the top level has no `endif`, and no index page to skip).
        before, middle, after, end = (*_TOP_LOOP_SPACE, "") if path == "__nav" else _NAV_LOOP_SPACE
        out = []
        for number, item in enumerate(children, 1):
            if index and item == index:
                out.append(before + end)
                continue
            if row is None or fresh[number - 1]:
                found = nav_item(context, render, item, f"{path}_{number}", level, parent)
            else:
                found = row[number - 1]
                if found is None:
                    found = row[number - 1] = nav_item(context, render, item, f"{path}_{number}", level, parent)
            out.append(f"{before}{middle}{found}{after}{end}")
        return Markup("".join(out))

    def _row(
        page: Any, children: Any, fresh: list[bool], index: Any, path: Any, level: Any, parent: Any
    ) -> list[Any] | None:
        """The entries of ``children`` (a section's, or the top level) as the pages whose
        links to them are the same render them, kept by position: an entry neither
        active nor the page (``fresh``) comes out as :func:`nav_item` makes it on any of
        those pages, so a section's list is not looked up entry by entry on each of its
        pages. ``None`` when the entries are not all pages and sections of pages."""
        if page is None or not isinstance(getattr(page, "url", None), str):
            return None
        urls = urls_of(children)
        if urls is None:
            return None
        # The links that matter are to the entries not rendered fresh: leave the fresh
        # ones' pages out (the page itself is under its own URL, and always fresh).
        inside = _count_under(urls, page.url)
        for item, is_fresh in zip(children, fresh, strict=True):
            if is_fresh and inside:
                held = (urls_of(item.children) or ()) if isinstance(item, Section) else (item.url,)
                inside -= _count_under(held, page.url)
        base = _links_base(page.url, (page.url,) if inside else ())
        key = (id(children), id(index), path, level, bool(getattr(parent, "active", False)), base)
        found = rows.get(key)
        if found is None:
            if len(rows) >= _NAV_MEMO_LIMIT:
                rows.clear()
            found = rows[key] = [None] * len(children)
        return found

    return nav_item, nav_items


def _between_tags(loop: str) -> tuple[str, ...]:
    """The text a Jinja loop's source holds between its tags (whitespace, here)."""
    return tuple(re.split(r"\{%.*?%\}|\{\{.*?\}\}", loop)[1:-1])


# The replaced loops' whitespace, written as Jinja (default settings) writes it:
# (before the entry's `if`, before its `render`, after it, after the `endif`) and, for
# the top level, (before the `set`, before the `render`, after it).
_NAV_LOOP_SPACE = _between_tags(_NAV_LOOP)
_TOP_LOOP_SPACE = _between_tags(_NAV_TOP_LOOP)
_INDEX_LOOP_SPACE = _between_tags(_INDEX_LOOP)


def _index_loop_space(children: Any) -> str:
    """What Material's loop looking for a section's index page writes: whitespace
    around each entry, and more around the first index page it finds."""
    before, inside, after, end = _INDEX_LOOP_SPACE
    first = _first_index(children)
    return "".join(before + (inside + after if item is first else "") + end for item in children)


def _first_index(children: Any) -> Any:
    """The first of ``children`` that is a section's index page, or ``None``."""
    return next((item for item in children if getattr(item, "is_index", False)), None)


def _count_under(urls: tuple[str, ...], prefix: str) -> int:
    """How many of ``urls`` (sorted) start with ``prefix``: they sort together, from it."""
    first = count = bisect.bisect_left(urls, prefix)
    while count < len(urls) and urls[count].startswith(prefix):
        count += 1
    return count - first


def _subtree_urls(children: Any) -> tuple[str, ...] | None:
    """The URLs of every page in or under ``children``, sorted; ``None`` if they hold anything else."""
    urls: list[str] = []
    stack: list[Any] = list(children)
    while stack:
        item = stack.pop()
        if isinstance(item, Section):
            stack.extend(item.children)
        elif isinstance(item, Page) and not getattr(item, "pages", None) and not getattr(item, "children", None):
            urls.append(item.url)
        else:
            return None
    return tuple(sorted(urls))


def _links_base(page_url: str, urls: tuple[str, ...]) -> tuple[str, str]:
    """What links from ``page_url`` to ``urls`` (sorted) are relative to, as MkDocs makes them.

    Links from a page at ``folder/name/`` to anything outside ``folder/name/`` are the
    links from ``folder/`` with one ``../`` more, the same from every page in ``folder``.
    Otherwise links are relative to the page's own folder, as MkDocs computes it
    (``get_relative_url`` drops a last part with a dot: a file), unless the page is
    among ``urls``: then the entries hold the page, and what is rendered is its own.
    """
    first = bisect.bisect_left(urls, page_url)  # the URLs under it sort right after it
    if page_url.endswith("/"):
        if first < len(urls) and urls[first].startswith(page_url):
            return ("in", page_url)
        return ("beside", page_url[:-1].rpartition("/")[0])
    if first < len(urls) and urls[first] == page_url:
        # The page itself is among them (a page listed in two sections is the page in
        # both): rendered as the page, which no other page's rendering is.
        return ("in", page_url)
    folder, _, name = page_url.rpartition("/")
    return ("in", folder if "." in name else page_url)
