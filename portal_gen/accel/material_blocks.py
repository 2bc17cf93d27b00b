"""Blocks of the page template that come out alike on many pages, rendered once for them.

Material's ``base.html`` renders, for every page, blocks that hardly depend on the page:
the header (the page's title, once), the stylesheets and scripts, the ``__config`` JSON
(on GitHub's portal, a fifth of the time the page template took). What such a block
renders depends on what it reads, and :class:`_Checker` reads its template, and every
template it includes, to make sure that is only:

* the page's title, written into the page as it is (``{{ page.title }}``: no filter,
  no filter block, not into a variable), and only when it is plain text;
* the page's ``meta``, when it is empty (pages with front matter are rendered each time);
* ``nav.homepage.url`` and other variables of the template's context, compared by
  value and type (a variable set to ``None`` apart from one not set), or, for objects
  such as ``config``, by identity (the same for the whole build); but not what changes
  from page to page under an object that does not: private attributes
  (``config._current_page``), ``active`` flags, MkDocs' ``pages``, whether named in the
  template or given to a filter (``attr``, ``attribute=``); the objects themselves are
  trusted not to change meanwhile (a plugin's state read through ``config.plugins``
  could: no Material template reads any);
* links through MkDocs' ``url`` and ``script_tag`` filters, which depend on the page's
  URL: each one the block made is made again for the next page and compared.

A block that passes is rendered for the first page of each ``base_url`` (and context)
as it is and, if it writes the title, again with a marker for the title. If filling the
marked output with the page's title gives back the first rendering, the marked output is
kept; other pages get it filled with their title when their context and links compare
equal. Anything else renders as Material renders it, and a block whose context is new on
every page is soon left alone. tests/test_blocks.py builds projects both ways and compares
every page, including templates written to tell pages apart in the ways above.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.environment import TemplateModule
from jinja2.utils import missing
from mkdocs.utils.templates import script_tag_filter, url_filter

from .material_nav import is_materials

_MARKER = "\x00portal-page-title\x00"
# A block whose context is new on every page (a module imported per page, say) is
# learnt from again and again: after this many learnings and no filling, it renders as is.
_LEARN_LIMIT = 16
_TEMPLATE = "base.html"
_LANGUAGE = "partials/language.html"
_TITLE = "page.title"  # and its title, written as it is (not compared: filled in)
# Filters and tests that read nothing but their arguments (Jinja's own, checked by identity).
_PURE_FILTERS = frozenset(
    {
        "abs", "attr", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
        "first", "float", "format", "indent", "int", "items", "join", "last", "length", "list",
        "lower", "max", "min", "replace", "reverse", "round", "safe", "slice", "sort", "string",
        "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "urlencode",
        "wordcount",
    }
)  # fmt: skip
_ATTRIBUTE_FILTERS = frozenset({"attr", "join", "max", "min", "sort", "sum", "unique"})  # read one by name
_LINK_FILTERS: dict[str, Callable[..., Any]] = {"url": url_filter, "script_tag": script_tag_filter}
# Nodes a remembered template may not hold: other blocks (a child template may replace
# them), macros and their callers, and whatever reaches the context itself.
_REFUSED = (
    nodes.Block,
    nodes.Macro,
    nodes.CallBlock,
    nodes.Extends,
    nodes.ExprStmt,
    nodes.ContextReference,
    nodes.DerivedContextReference,
    nodes.EvalContextModifier,
    nodes.ScopedEvalContextModifier,
    nodes.ExtensionAttribute,
    nodes.ImportedName,
    nodes.InternalName,
)
# Names and attributes through which a template reads what changes from page to page:
# MkDocs' per-page links (extra_css...), the files' pages and their state, the page
# being written (config._current_page, and every private attribute), what is active.
_REFUSED_NAMES = frozenset({"self", "super", "caller", "varargs", "kwargs", "extra_css", "extra_javascript", "pages"})
_REFUSED_ATTRIBUTES = frozenset({"active", "is_page", "is_homepage"})


def remember_blocks(env: jinja2.Environment) -> None:
    """Render the blocks of ``base.html`` that pass :class:`_Checker` through a memo, for
    one build with ``env``."""
    if env.autoescape is not False or any(env.filters.get(name) is not f for name, f in _LINK_FILTERS.items()):
        return
    try:
        template = env.get_template(_TEMPLATE)
        source = env.loader.get_source(env, _TEMPLATE)[0] if env.loader is not None else None
    except jinja2.TemplateNotFound:
        return
    if source is None:
        return
    checker = _Checker(env)
    found = {block.name: block for block in env.parse(source).find_all(nodes.Block)}
    if set(found) != set(template.blocks):  # not the template that was compiled
        return
    for name, render in list(template.blocks.items()):
        names = checker.names(found[name])
        if names is not None:
            template.blocks[name] = _BlockMemo(checker, render, names)


@dataclasses.dataclass(frozen=True)
class _Entry:
    parts: tuple[str, ...]  # the block's output, split where the title goes
    links: tuple[tuple[str, str], ...]  # each link it made: what was linked, and the link
    names: tuple[str, ...]  # the context variables what it includes reads besides the key's, sorted
    values: tuple[Any, ...]  # their values then, as _frozen makes them


class _BlockMemo:
    """A block of ``base.html``, remembered by ``base_url`` (see the module's docstring)."""

    def __init__(self, checker: _Checker, render: Callable[[Any], Iterator[str]], names: frozenset[str]) -> None:
        self._checker = checker
        self._render = render
        self._names = names
        self._keyed_by = tuple(sorted(names - {"page", _TITLE}))  # what it reads itself, as its key
        self._entries: dict[Any, _Entry | None] = {}
        self._learnt = 0  # renderings learnt from
        self._filled = False  # whether any was used since

    def __call__(self, context: Any) -> Iterator[str]:
        page = context.get("page")
        # A plain title only (Markup's join would escape the block around it).
        if page is None or getattr(page, "meta", None) or type(getattr(page, "title", None)) is not str:
            yield from self._render(context)
            return
        if self._learnt >= _LEARN_LIMIT and not self._filled:  # it is new on every page
            yield from self._render(context)
            return
        key = (context.get("base_url"), _values(context, self._keyed_by, self._checker.translations))
        entry = self._entries.get(key, missing)
        if entry is None:  # it renders differently per page
            yield from self._render(context)
            return
        if entry is not missing:
            filled = self._fill(entry, context, page)
            if filled is not None:
                yield filled
                return
        loaded: list[str] = []
        links: list[tuple[str, str]] = []
        with _recording(self._checker.env, loaded, links):
            output = "".join(self._render(context))
        self._entries[key] = self._learn(context, page, output, loaded, links)
        self._learnt += 1
        yield output

    def _fill(self, entry: _Entry, context: Any, page: Any) -> str | None:
        if _values(context, entry.names, self._checker.translations) != entry.values:
            return None
        links: Any = {"page": page, "base_url": context.get("base_url")}  # what url_filter reads
        if any(url_filter(links, target) != link for target, link in entry.links):
            return None
        self._filled = True
        return str.join(page.title, entry.parts)

    def _learn(
        self, context: Any, page: Any, output: str, loaded: list[str], links: list[tuple[str, str]]
    ) -> _Entry | None:
        """The block's output for pages like ``page``, from its rendering for ``page``
        (``output``, which loaded the templates ``loaded`` and made ``links``), or
        ``None`` if it cannot be had by filling in the title."""
        names = set(self._names)
        for name in loaded:
            found = self._checker.template_names(name)
            if found is None:
                return None
            names |= found
        parts: tuple[str, ...] = (output,)
        if _TITLE in names:  # where the title goes: rendered again, with a marker for it
            marked = "".join(self._render(context.derived({"page": _TitledPage(page)})))
            parts = tuple(marked.split(_MARKER))
            if str.join(page.title, parts) != output:
                return None
        ordered = tuple(sorted(names - {"page", _TITLE, *self._keyed_by}))  # the key holds those
        return _Entry(parts, tuple(links), ordered, _values(context, ordered, self._checker.translations))


class _TitledPage:
    """The page, but for its title: a marker, where the block writes it."""

    def __init__(self, page: Any) -> None:
        self._page = page

    @property
    def title(self) -> str:
        return _MARKER

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)


@contextmanager
def _recording(env: jinja2.Environment, loaded: list[str], links: list[tuple[str, str]]) -> Iterator[None]:
    """Meanwhile, note every template ``env`` loads and every link the filters make."""

    def recorder(load: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            template = load(*args, **kwargs)
            loaded.append(template.name)
            return template

        return recorded

    loaders = ("get_template", "select_template", "get_or_select_template")  # what includes call

    @jinja2.pass_context
    def recorded_url(context: Any, value: Any) -> str:
        link = url_filter(context, value)
        links.append((str(value), link))
        return link

    @jinja2.pass_context
    def recorded_script_tag(context: Any, script: Any) -> Any:
        links.append((str(script), url_filter(context, str(script))))
        return script_tag_filter(context, script)

    before = {name: vars(env).get(name, missing) for name in loaders}  # another's patch stays
    for name in loaders:
        setattr(env, name, recorder(getattr(env, name)))
    env.filters["url"], env.filters["script_tag"] = recorded_url, recorded_script_tag
    try:
        yield
    finally:
        for name, found in before.items():
            if found is missing:
                delattr(env, name)  # the class's method again
            else:
                setattr(env, name, found)
        env.filters["url"], env.filters["script_tag"] = url_filter, script_tag_filter


def _values(context: Any, names: tuple[str, ...], translations: bool) -> tuple[Any, ...]:
    return tuple(_frozen(context.resolve_or_missing(name), translations) for name in names)


def _frozen(value: Any, translations: bool) -> Any:
    """``value`` as something compared by what it holds (objects: by identity).
    ``translations``: ``partials/language.html`` is Material's own, pure translations."""
    if value is None or value is missing:
        return value
    if type(value) in (str, int, float, bool):  # True, 1 and 1.0 render differently
        return (type(value), value)
    if type(value) in (list, tuple):
        return (type(value), tuple(_frozen(item, translations) for item in value))
    if translations and isinstance(value, TemplateModule) and getattr(value, "__name__", None) == _LANGUAGE:
        # Material's translations: one module per page, the same texts on every page.
        return ("language", value.__name__)
    return _Same(value)


class _Same:
    """An object, equal only to itself: held, so that no other takes its id meanwhile."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


class _Checker:
    """Whether a block or template reads the page only as a remembered block may, and
    which context variables it reads."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._templates: dict[str, frozenset[str] | None] = {}
        try:
            language = env.loader.get_source(env, _LANGUAGE)[1] if env.loader is not None else None
        except jinja2.TemplateNotFound:
            language = None
        # Material's own language.html (not an override): its module holds translations alone.
        self.translations = language is not None and is_materials(language, _LANGUAGE)

    def template_names(self, name: str) -> frozenset[str] | None:
        if name not in self._templates:
            try:
                source = self.env.loader.get_source(self.env, name)[0] if self.env.loader is not None else None
            except jinja2.TemplateNotFound:
                source = None
            self._templates[name] = None if source is None else self.names(self.env.parse(source))
        return self._templates[name]

    def names(self, root: nodes.Node) -> frozenset[str] | None:
        """The context variables ``root`` (a template, or a block) reads, or ``None`` if it
        may not be remembered. Variables it sets before reading them are its own (Jinja's
        own analysis: what its compiled code resolves from the context)."""
        reads: set[str] = set()
        if not self._allowed(root, root, (), reads):
            return None
        body = root if isinstance(root, nodes.Template) else nodes.Template(getattr(root, "body", []))
        body.set_environment(self.env)
        # Jinja's analysis leaves out the environment's globals, which the context can hide.
        names = set(meta.find_undeclared_variables(body)) | {name for name in reads if name in self.env.globals}
        return frozenset(names | (reads & {_TITLE}))

    def _allowed(self, node: nodes.Node, root: nodes.Node, parents: tuple[nodes.Node, ...], names: set[str]) -> bool:
        if node is not root and isinstance(node, _REFUSED):
            return False
        if isinstance(node, nodes.Name) and node.ctx == "load":
            read = None if node.name in _REFUSED_NAMES else self._read_as(node, parents)
            if read is None:
                return False
            names.add(read)
        elif isinstance(node, nodes.Getattr):
            if not _allowed_attribute(node.attr):
                return False
        elif isinstance(node, nodes.Getitem):
            if not isinstance(node.arg, nodes.Const) or not _allowed_attribute(node.arg.value):
                return False  # a computed key can name anything
        elif isinstance(node, nodes.Filter):
            if not self._known_filter(node.name) or not _attributes_allowed(node):
                return False
        elif isinstance(node, nodes.Test):
            if self.env.tests.get(node.name) is not jinja2.tests.TESTS.get(node.name, object()):
                return False
        elif isinstance(node, nodes.Call) and not _allowed_call(node.node):
            return False
        return all(self._allowed(child, root, (*parents, node), names) for child in node.iter_child_nodes())

    def _known_filter(self, name: str) -> bool:
        found = self.env.filters.get(name)
        if name in _LINK_FILTERS:
            return found is _LINK_FILTERS[name]
        return name in _PURE_FILTERS and found is jinja2.filters.FILTERS.get(name, object())

    @staticmethod
    def _read_as(name: nodes.Name, parents: tuple[nodes.Node, ...]) -> str | None:
        """What reading ``name`` there reads, as a key of the memo; ``None`` if not allowed."""
        parent = parents[-1] if parents else None
        attribute = parent.attr if isinstance(parent, nodes.Getattr) and parent.node is name else None
        if name.name == "page":
            if attribute == "meta":  # empty, on the pages remembered
                return "page"
            # The title, written as it is: the output node holds it directly, and writes
            # it into the page (not into a variable, nor through a filter block).
            if (
                attribute == "title"
                and len(parents) >= 2
                and isinstance(parents[-2], nodes.Output)
                and not any(isinstance(parent, (nodes.AssignBlock, nodes.FilterBlock)) for parent in parents)
            ):
                return _TITLE
            return None
        if name.name == "nav":  # the home page's URL, the same for every page; not the entries' state
            url = len(parents) >= 2 and isinstance(parents[-2], nodes.Getattr) and parents[-2].attr == "url"
            return "nav" if attribute == "homepage" and url else None
        return name.name


def _allowed_attribute(name: Any) -> bool:
    """Whether an attribute (or key) may be read: not a private one, nor a state that
    changes from page to page; a dotted path (filters' ``attribute=``), part by part."""
    if not isinstance(name, str):
        return isinstance(name, int)  # an index
    return all(not part.startswith("_") and part not in _REFUSED_ATTRIBUTES for part in name.split("."))


def _attributes_allowed(node: nodes.Filter) -> bool:
    """Whether a filter that reads an attribute it is given by name (``attr``, and the
    ``attribute`` of ``sort``, ``sum``, ``join``...) reads an allowed one: its arguments
    must be constants, and any name among them allowed."""
    if node.name not in _ATTRIBUTE_FILTERS:
        return True
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        return False
    values = [*node.args, *(keyword.value for keyword in node.kwargs)]
    return all(
        isinstance(value, nodes.Const) and (not isinstance(value.value, str) or _allowed_attribute(value.value))
        for value in values
    )


def _allowed_call(callee: nodes.Node) -> bool:
    """Calls a remembered template may make: Material's translations and Jinja's namespace."""
    if isinstance(callee, nodes.Name):
        return callee.name == "namespace"
    return (
        isinstance(callee, nodes.Getattr)
        and callee.attr == "t"
        and isinstance(callee.node, nodes.Name)
        and callee.node.name == "lang"
    )
