"""What other plugins and hooks do with the pages: whether a page portal writes its own
way (in another process, from the cache, alone under ``serve``) is the page MkDocs'
own loop would have written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

_PORTAL_PLUGIN = "portal_gen.adapters.mkdocs.plugin"

# Plugins whose page_context and post_page handlers leave the rendered page alone, so a
# page rendered without running those events is the page MkDocs would have written.
HARMLESS_PAGE_HANDLERS = frozenset(
    {
        "material.plugins.search.plugin.SearchPlugin",
        "mkdocs.contrib.search.SearchPlugin",
    }
)

# After the build, search writes its index and nothing else (and a quick rebuild puts
# entries back into Material's index: its own, not MkDocs' built-in search's).
HARMLESS_POST_BUILD = frozenset({"material.plugins.search.plugin.SearchPlugin"})


def quick_rebuilds_allowed(config: MkDocsConfig) -> bool:
    """Whether a page built again alone comes out as a full build makes it: every other
    plugin that acts on pages, or after the build, is one portal knows to be harmless."""
    return events_allow_sharing(config) and only_handlers(config, ("post_build",), HARMLESS_POST_BUILD)


def events_allow_sharing(config: MkDocsConfig) -> bool:
    """Whether every handler of the per-page events is portal's own or known harmless."""
    return only_handlers(config, ("page_context", "post_page"), HARMLESS_PAGE_HANDLERS)


def only_handlers(config: MkDocsConfig, events: Sequence[str], harmless: frozenset[str]) -> bool:
    """Whether every handler of ``events`` is portal's own or a method of a class in
    ``harmless`` (a hook, a plain function, is neither)."""
    for event in events:
        for handler in config.plugins.events[event]:
            owner = getattr(handler, "__self__", None)
            if type(owner).__module__ == _PORTAL_PLUGIN:
                continue
            if f"{type(owner).__module__}.{type(owner).__qualname__}" not in harmless:
                return False
    return True


def material_search(config: MkDocsConfig) -> Any:
    """Material's search plugin, whose index portal can feed cached entries; else ``None``."""
    for plugin in config.plugins.values():
        if type(plugin).__module__ == "material.plugins.search.plugin" and hasattr(plugin, "search_index"):
            return plugin
    return None
