"""Schemas as readable nested trees of HTML (pure).

Named schemas expand inline up to ``schema_depth`` levels and are links to their
model page beyond that, or when they recur inside themselves: circular schemas are
finite on the page. Deep levels collapse into ``<details>``.

Types read as types (:meth:`SchemaTree.type_html`): ``Decimal | null``, ``array of
Message``, ``string (date-time)``. A union of one schema and ``null`` (OpenAPI 3.1's
``oneOf``/``anyOf: [X, {type: 'null'}]``) is that schema, nullable: shown as it, with
no list of alternatives; a union of several is listed.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

from ..model.api import UNSET, Schema, json_type
from .markdown import render_inline, render_markdown

# A page should stay readable and small: past this many rendered properties the
# tree stops and points at the model pages.
MAX_NODES = 600


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return f"<code>{html.escape(text)}</code>"


class TypeLabels:
    """Types as a reader reads them: ``string (date-time)``, ``array of Message``,
    ``Decimal | null``, ``Cat | Dog``. The one set of rules; a subclass says how a
    named schema and a plain word are written (HTML for the pages, Markdown for twins)."""

    def label(self, schema: Schema) -> str:
        """The type label of ``schema``."""
        shown = unwrap_nullable(schema)
        nullable = schema.nullable or shown is not schema or (schema.enum is not None and None in schema.enum)
        if shown is not schema:
            schema = shown
            nullable = nullable or _is_null(schema)
        parts: list[str]
        if schema.ref or schema.cycle:
            parts = [self.named(schema.ref, schema.cycle, schema.cycle_model)]
        elif _is_null(schema):
            return "null"
        elif schema.types:
            parts = [self._one_type(schema, t) for t in schema.types]
            if schema.format and not any(t in _FORMATTED for t in schema.types):
                parts[-1] += f" ({self.word(schema.format)})"
        elif schema.one_of or schema.any_of:
            options = schema.one_of or schema.any_of
            labels = [self.label(o) for o in options if not _is_null(o)]
            nullable = nullable or len(labels) < len(options)
            if len(labels) <= _UNION_SHOWN and all(_simple(o) for o in options):
                parts = list(dict.fromkeys(labels))
            else:
                parts = ["one of" if schema.one_of else "any of"]
        elif schema.properties or isinstance(schema.additional, Schema):
            parts = ["object"]
        elif schema.enum is not None or schema.const is not UNSET:
            values = schema.enum if schema.enum is not None else (schema.const,)
            parts = list(dict.fromkeys(json_type(v) for v in values if v is not None)) or ["null"]
            if parts == ["null"]:
                return "null"
        else:
            parts = ["any"]
        if nullable and "null" not in parts:
            parts.append("null")
        return " | ".join(parts)

    def named(self, ref: str | None, cycle: str | None, cycle_model: str | None) -> str:
        """A named schema (or a cycle back to one) in a type: a link to its model."""
        raise NotImplementedError

    def word(self, value: str) -> str:
        """A type or format name, as the output writes plain text."""
        raise NotImplementedError

    def _one_type(self, schema: Schema, name: str) -> str:
        if name == "array" and schema.items is not None:
            inner = self.label(schema.items)
            return f"array of ({inner})" if " | " in inner else f"array of {inner}"
        label = self.word(name)
        if schema.format and name in _FORMATTED:
            label += f" ({self.word(schema.format)})"
        return label


class SchemaTree(TypeLabels):
    """Renders schemas for one page; ``model_url(name)`` links to a model page."""

    def __init__(
        self,
        schemas: Mapping[str, Schema],
        model_url: Callable[[str], str | None],
        depth_limit: int = 3,
        facts: dict[int, tuple[Schema, str]] | None = None,
    ) -> None:
        """``facts``: the facts line of each schema, by its id, to share between the trees
        of many pages (a big spec's models recur in many trees)."""
        self.schemas = schemas
        self.model_url = model_url
        self.depth_limit = depth_limit
        self.nodes = 0
        self._facts_of = facts if facts is not None else {}

    # -- public ------------------------------------------------------------------------

    def render(self, schema: Schema | None, direction: str = "response", *, root_name: str | None = None) -> Markup:
        """The whole tree for a request/response body or a model page."""
        if schema is None:
            return Markup("")
        self.nodes = 0
        stack = (root_name,) if root_name else ()
        out: list[str] = ['<div class="portal-schema">']
        resolved, names = self._resolve(schema)
        shown = unwrap_nullable(schema)
        if shown.ref or shown.types or not (shown.one_of or shown.any_of):
            out.append('<p class="portal-schema__type">')
            out.append(self.type_html(schema))
            if shown.ref and schema.description:
                out.append(f" &mdash; {render_inline(schema.description)}")
            out.append("</p>")
        if resolved is not schema and resolved.description and not schema.description:
            out.append(f'<div class="portal-schema__desc">{render_markdown(resolved.description)}</div>')
        elif schema.description and not root_name and not shown.ref:
            out.append(f'<div class="portal-schema__desc">{render_markdown(schema.description)}</div>')
        if shown is not schema:
            out.append(self._facts(schema))
        out.append(self._facts(resolved))
        out.append(self._body(resolved, direction, 0, (*stack, *names)))
        out.append("</div>")
        return Markup("".join(out))

    def type_html(self, schema: Schema) -> str:
        """The type label, with named schemas linked to their model page: ``Pet``,
        ``string (date-time)``, ``array of Pet``, ``Decimal | null``, ``Cat | Dog``."""
        return f'<span class="portal-type">{self.label(schema)}</span>'

    def named(self, ref: str | None, cycle: str | None, cycle_model: str | None) -> str:
        # A cycle through a schema inside a named one links to the named one's page.
        target = ref or cycle_model
        url = self.model_url(target) if target else None
        label = html.escape(ref or cycle or "")
        link = f'<a href="{html.escape(url)}">{label}</a>' if url else label
        return link + (" (recursive)" if cycle else "")

    def word(self, value: str) -> str:
        return html.escape(value)

    # -- internals ---------------------------------------------------------------------

    def _resolve(self, schema: Schema) -> tuple[Schema, tuple[str, ...]]:
        schema = unwrap_nullable(schema)
        if schema.ref and schema.ref in self.schemas:
            return self.schemas[schema.ref], (schema.ref,)
        return schema, ()

    def _body(self, schema: Schema, direction: str, depth: int, stack: tuple[str, ...]) -> str:
        parts: list[str] = []
        if schema.extends:
            links = ", ".join(self.type_html(Schema(ref=name)) for name in schema.extends)
            parts.append(f'<p class="portal-schema__extends">Includes all properties of {links}.</p>')
        if schema.properties or isinstance(schema.additional, Schema):
            parts.append(self._properties(schema, direction, depth, stack))
        elif "array" in schema.types and schema.items is not None:
            item, names = self._resolve(schema.items)
            expandable = item.properties or item.one_of or item.any_of
            if expandable and self._may_expand(schema.items, depth, stack):
                parts.append('<p class="portal-schema__items">Each item:</p>')
                parts.append(self._body(item, direction, depth + 1, (*stack, *names)))
        if schema.one_of:
            parts.append(self._alternatives(schema, "One of", schema.one_of, direction, depth, stack))
        if schema.any_of:
            parts.append(self._alternatives(schema, "Any of", schema.any_of, direction, depth, stack))
        return "".join(parts)

    def _may_expand(self, schema: Schema, depth: int, stack: tuple[str, ...]) -> bool:
        schema = unwrap_nullable(schema)
        if self.nodes >= MAX_NODES:
            return False
        if schema.ref is None:
            return depth < 12
        return schema.ref not in stack and depth < self.depth_limit

    def _properties(self, schema: Schema, direction: str, depth: int, stack: tuple[str, ...]) -> str:
        out = ['<ul class="portal-props">']
        for prop in schema.properties:
            target, names = self._resolve(prop.schema)
            shown = unwrap_nullable(prop.schema)
            if direction == "request" and (target.read_only or prop.schema.read_only):
                continue
            if direction == "response" and (target.write_only or prop.schema.write_only):
                continue
            self.nodes += 1
            out.append('<li class="portal-prop">')
            out.append('<div class="portal-prop__head">')
            out.append(f'<code class="portal-prop__name">{html.escape(prop.name)}</code> ')
            out.append(self.type_html(prop.schema))
            if prop.required:
                out.append(' <span class="portal-badge portal-badge--required">required</span>')
            out.append(self._badges(target, prop.schema))
            out.append("</div>")
            description = prop.schema.description or shown.description or target.description
            if description:
                out.append(f'<div class="portal-prop__desc">{render_markdown(description)}</div>')
            if shown is not prop.schema:
                out.append(self._facts(prop.schema))
            out.append(self._facts(target))
            if self._may_expand(shown, depth, stack):
                nested = self._nested(shown, target, direction, depth + 1, (*stack, *names))
                if nested:
                    opened = " open" if depth == 0 and not shown.ref else ""
                    label = "properties" if target.properties else "details"
                    out.append(
                        f'<details class="portal-nested"{opened}><summary>{html.escape(prop.name)} {label}</summary>'
                        f"{nested}</details>"
                    )
            out.append("</li>")
        if isinstance(schema.additional, Schema):
            self.nodes += 1
            out.append('<li class="portal-prop">')
            out.append('<div class="portal-prop__head"><code class="portal-prop__name">{key}</code> ')
            out.append(self.type_html(schema.additional))
            out.append("</div>")
            out.append('<div class="portal-prop__desc"><p>Any other key, with values of this type.</p></div>')
            out.append("</li>")
        out.append("</ul>")
        return "".join(out)

    def _nested(self, schema: Schema, target: Schema, direction: str, depth: int, stack: tuple[str, ...]) -> str:
        if target.properties or target.one_of or target.any_of or isinstance(target.additional, Schema):
            return self._body(target, direction, depth, stack)
        if "array" in target.types and target.items is not None:
            item, names = self._resolve(target.items)
            if (item.properties or item.one_of or item.any_of) and self._may_expand(target.items, depth, stack):
                return self._body(item, direction, depth, (*stack, *names))
        return ""

    def _alternatives(
        self,
        schema: Schema,
        kind: str,
        options: tuple[Schema, ...],
        direction: str,
        depth: int,
        stack: tuple[str, ...],
    ) -> str:
        out = [f'<div class="portal-alternatives"><p class="portal-alternatives__title">{kind}:</p>']
        disc = schema.discriminator if kind == "One of" or not schema.one_of else None
        if disc is not None:
            out.append(f'<p class="portal-discriminator">Discriminated by {_code(disc.property_name)}')
            if disc.mapping:
                pairs = ", ".join(
                    f"{_code(value)} &rarr; {self.type_html(Schema(ref=target))}" for value, target in disc.mapping
                )
                out.append(f": {pairs}")
            out.append(".</p>")
        out.append('<ol class="portal-alternatives__list">')
        for option in options:
            target, names = self._resolve(option)
            out.append("<li>")
            if option.ref or option.types or option.properties or not option.requires:
                out.append(self.type_html(option))
            if target.requires:
                required = ", ".join(_code(n) for n in target.requires)
                out.append(f'<span class="portal-requires">requires {required}</span>')
            title = target.title
            if title:
                out.append(f" &mdash; {html.escape(title)}")
            if option.description or (target is not option and target.description):
                out.append(
                    f'<div class="portal-prop__desc">{render_markdown(option.description or target.description)}</div>'
                )
            if self._may_expand(option, depth, stack):
                nested = self._nested(option, target, direction, depth + 1, (*stack, *names))
                if nested:
                    out.append(f'<details class="portal-nested"><summary>properties</summary>{nested}</details>')
            out.append("</li>")
        out.append("</ol></div>")
        return "".join(out)

    def _badges(self, schema: Schema, outer: Schema | None = None) -> str:
        """Badges of ``schema``, and of ``outer``, the property's own schema around it
        (a nullable union may say ``readOnly`` or ``deprecated`` itself)."""
        either = (schema, outer or schema)
        badges = []
        if any(s.read_only for s in either):
            badges.append("read-only")
        if any(s.write_only for s in either):
            badges.append("write-only")
        if any(s.deprecated for s in either):
            badges.append("deprecated")
        return "".join(f' <span class="portal-badge portal-badge--{b}">{b}</span>' for b in badges)

    def _facts(self, schema: Schema) -> str:
        """Constraints, enum values, default and example on one line."""
        found = self._facts_of.get(id(schema))
        if found is None or found[0] is not schema:
            # The schema is kept with its line: its id stays its own.
            found = self._facts_of[id(schema)] = (schema, facts_line(schema))
        return found[1]


# Alternatives shown in a type label (``Cat | Dog | Bird``); past that, "one of".
_UNION_SHOWN = 4
# The types a format qualifies: ``string (date-time)``, ``integer (int64)``.
_FORMATTED = frozenset({"string", "integer", "number"})


def _is_null(schema: Schema) -> bool:
    """Whether ``schema`` only allows ``null`` (``type: 'null'``, or ``enum: [null]``)."""
    if schema.ref or schema.cycle or schema.types or schema.properties or schema.items is not None:
        return False
    if schema.one_of or schema.any_of or schema.prefix_items or isinstance(schema.additional, Schema):
        return False
    if schema.enum is not None:
        return all(v is None for v in schema.enum) and bool(schema.enum)
    if schema.const is not UNSET:
        return schema.const is None
    return schema.nullable


def unwrap_nullable(schema: Schema) -> Schema:
    """The one schema a ``oneOf``/``anyOf`` of it and ``null`` stands for (OpenAPI 3.1's
    nullable reference), or ``schema`` itself. The union's own annotations (its
    description, ``readOnly``) are the caller's to read from ``schema``."""
    options = schema.one_of or schema.any_of
    if not options or (schema.one_of and schema.any_of) or schema.types or schema.properties or schema.ref:
        return schema
    others = [o for o in options if not _is_null(o)]
    if len(others) != 1 or len(others) == len(options):
        return schema
    return others[0]


def _simple(schema: Schema) -> bool:
    """Whether a type label says all there is to know of ``schema`` to pick it: a named
    schema, a scalar, an array of those, or null (an inline object is not)."""
    if schema.ref or schema.cycle or _is_null(schema):
        return True
    if schema.properties or schema.one_of or schema.any_of or not schema.types:
        return False
    if "object" in schema.types:
        return False
    return schema.items is None or _simple(schema.items)


# What each constraint reads as (plain text: the HTML escapes it, a twin writes it).
FACT_LABELS = {
    "minimum": "≥ {}",
    "maximum": "≤ {}",
    "exclusiveMinimum": "> {}",
    "exclusiveMaximum": "< {}",
    "multipleOf": "multiple of {}",
    "minLength": "min length {}",
    "maxLength": "max length {}",
    "pattern": "pattern {}",
    "minItems": "min items {}",
    "maxItems": "max items {}",
    "uniqueItems": "unique items",
    "minProperties": "min properties {}",
    "maxProperties": "max properties {}",
}


def schema_facts(schema: Schema, value: Callable[[Any], str], escape: Callable[[str], str] = str) -> list[str]:
    """Constraints, enum values, const, default and example of ``schema``, each as a
    short phrase: ``value`` writes a value (as code), ``escape`` the words around it."""
    facts: list[str] = []
    for key, found in schema.constraints:
        if key == "uniqueItems" and not found:
            continue
        facts.append(escape(FACT_LABELS[key]).format(value(found)))
    if schema.enum is not None:
        shown = ", ".join(value(v) for v in schema.enum[:50])
        more = f" and {len(schema.enum) - 50} more" if len(schema.enum) > 50 else ""
        facts.append(f"one of {shown}{more}")
    if schema.const is not UNSET:
        facts.append(f"always {value(schema.const)}")
    if schema.default is not UNSET:
        facts.append(f"default {value(schema.default)}")
    if schema.examples and not isinstance(schema.examples[0], (dict, list)):
        facts.append(f"example {value(schema.examples[0])}")
    if schema.additional is False and schema.properties:
        facts.append("no other properties")
    return facts


def facts_line(schema: Schema) -> str:
    """Constraints, enum values, default and example of ``schema`` on one line."""
    facts = schema_facts(schema, _code, html.escape)
    if not facts:
        return ""
    return '<div class="portal-facts">' + " &middot; ".join(facts) + "</div>"
