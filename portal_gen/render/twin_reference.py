"""The Markdown twins of the reference pages, written from the model (pure).

One :class:`ReferenceTwins` per build, beside the :class:`~.reference.ReferenceRenderer`
whose page context it reads after the HTML page is rendered: the snippets, examples and
example calls that page made are reused, not made again. Field lists of named schemas
are kept across pages (a big API returns the same models from hundreds of operations).

Fields are nested lists (a field's own fields indented below it, down to the depth the
HTML page shows, ``schema_depth``); parameters, headers and indexes are tables. Types
read as on the HTML page: ``string (date-time)``, ``array of Message``,
``Decimal | null``, model names linked to their twins.
"""

from __future__ import annotations

import html
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..model.api import UNSET, MediaType, Operation, Parameter, Schema, SecurityScheme, Server
from ..model.changelog import history_subject
from ..plan.paths import CHANGELOG_PAGE, PRICING_PAGE
from ..plan.reference import PlannedPage, operation_tag
from .reference import PARAMETER_LOCATIONS, ExampleText, status_phrase
from .schema import MAX_NODES, TypeLabels, schema_facts, unwrap_nullable
from .twin import TwinLinks, close_fences, code, document, fence, link, prose, table, text, twin_facts, twin_links
from .urls import safe_url

if TYPE_CHECKING:
    from .reference import ReferenceRenderer

_FIELDS_KEPT = 1024  # field lists kept for reuse, as the HTML renderer keeps its trees
_FLOW_TITLES = {
    "authorizationCode": "Authorization code",
    "clientCredentials": "Client credentials",
    "implicit": "Implicit",
    "password": "Password",
    "deviceAuthorization": "Device authorization",
}
# A description line that starts a block of its own (it cannot follow ``name (type): ``).
_BLOCK_START = re.compile(r"^\s*(?:[#>*+\-|`~<]|\d+[.)]\s)")


class SchemaFields(TypeLabels):
    """Schemas as Markdown: type labels, constraint lines and nested field lists, the
    plain-text counterpart of :class:`~.schema.SchemaTree` (same expansion rules)."""

    def __init__(
        self, schemas: Mapping[str, Schema], model_link: Callable[[str], str | None], depth_limit: int = 3
    ) -> None:
        self.schemas = schemas
        self.model_link = model_link
        self.depth_limit = depth_limit
        self.nodes = 0
        self._facts: dict[int, tuple[Schema, str]] = {}
        self._kept: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self._names: dict[tuple[str | None, ...], str] = {}
        self._texts: dict[str, str] = {}
        # Bodies of named schemas as nested (see _named_body), and which names each reaches.
        self._bodies: dict[tuple[object, ...], tuple[list[str], int]] = {}
        self._reach: dict[str, frozenset[str]] = {}
        self._refs: dict[str, frozenset[str]] = {}

    # -- public ------------------------------------------------------------------------

    def fields(self, schema: Schema, direction: str = "response", root_name: str | None = None) -> str:
        """A body or model as Markdown: its type, description, constraints and fields.

        Kept by schema: the same named schema reads the same on every page."""
        key = (schema.ref or id(schema), direction, root_name)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = self._fields(schema, direction, root_name)
            if len(self._kept) > _FIELDS_KEPT:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return found

    def facts(self, schema: Schema) -> str:
        """Constraints, enum values, default and example on one line ("" if none)."""
        if not (
            schema.constraints
            or schema.enum is not None
            or schema.const is not UNSET
            or schema.default is not UNSET
            or schema.examples
            or schema.additional is False
        ):
            return ""  # most schemas: no need to keep anything
        found = self._facts.get(id(schema))
        if found is None or found[0] is not schema:
            found = self._facts[id(schema)] = (schema, facts_text(schema))
        return found[1]

    # -- internals ---------------------------------------------------------------------

    def named(self, ref: str | None, cycle: str | None, cycle_model: str | None) -> str:
        """A named schema in a type: a link to its model's twin (kept per name)."""
        key = (ref, cycle, cycle_model)
        found = self._names.get(key)
        if found is None:
            target = ref or cycle_model
            url = self.model_link(target) if target else None
            name = ref or cycle or ""
            found = self._names[key] = (link(name, url) if url else text(name)) + (" (recursive)" if cycle else "")
        return found

    def word(self, value: str) -> str:
        """:func:`~.twin.text` of a type or format name (a handful, met on every field)."""
        if value in _TYPE_NAMES:
            return value
        found = self._texts.get(value)
        if found is None:
            found = self._texts[value] = text(value)
        return found

    def _fields(self, schema: Schema, direction: str, root_name: str | None) -> str:
        self.nodes = 0
        stack = (root_name,) if root_name else ()
        resolved, names = self._resolve(schema)
        shown = unwrap_nullable(schema)
        blocks: list[str] = []
        if shown.ref or shown.types or not (shown.one_of or shown.any_of):
            line = f"Type: {self.label(schema)}"
            if shown.ref and schema.description:
                line += f". {_one_line(schema.description)}"
            blocks.append(line)
        if resolved is not schema and resolved.description and not schema.description:
            blocks.append(prose(resolved.description, 3))
        elif schema.description and not root_name and not shown.ref:
            blocks.append(prose(schema.description, 3))
        if shown is not schema:
            blocks.append(self.facts(schema))
        blocks.append(self.facts(resolved))
        lines: list[str] = []
        self._body(resolved, direction, 0, (*stack, *names), lines, "")
        blocks.append("\n".join(lines))
        return "\n\n".join(b for b in blocks if b)

    def _resolve(self, schema: Schema) -> tuple[Schema, tuple[str, ...]]:
        schema = unwrap_nullable(schema)
        if schema.ref and schema.ref in self.schemas:
            return self.schemas[schema.ref], (schema.ref,)
        return schema, ()

    def _may_expand(self, schema: Schema, depth: int, stack: tuple[str, ...]) -> bool:
        schema = unwrap_nullable(schema)
        if self.nodes >= MAX_NODES:
            return False
        if schema.ref is None:
            return depth < 12
        return schema.ref not in stack and depth < self.depth_limit

    # The walk appends lines to ``out``, each behind ``pad`` (the indentation of the list
    # it is in), rather than indenting nested lists again at every level up.

    def _body(
        self, schema: Schema, direction: str, depth: int, stack: tuple[str, ...], out: list[str], pad: str
    ) -> None:
        """A schema's fields and alternatives; parts apart by a blank line (a paragraph
        after a list would otherwise join its last item)."""
        start = len(out)
        if schema.extends:
            bases = ", ".join(self.label(Schema(ref=name)) for name in schema.extends)
            out.append(f"{pad}Includes all properties of {bases}.")
        if schema.properties or isinstance(schema.additional, Schema):
            mark = _gap(out, start)
            self._properties(schema, direction, depth, stack, out, pad)
            _close_gap(out, mark)
        elif "array" in schema.types and schema.items is not None:
            item, names = self._resolve(schema.items)
            expandable = item.properties or item.one_of or item.any_of
            if expandable and self._may_expand(schema.items, depth, stack):
                _gap(out, start)
                out += [f"{pad}Each item:", ""]
                self._body(item, direction, depth + 1, (*stack, *names), out, pad)
        for kind, options in (("One of", schema.one_of), ("Any of", schema.any_of)):
            if options:
                _gap(out, start)
                self._alternatives(schema, kind, options, direction, depth, stack, out, pad)

    def _properties(
        self, schema: Schema, direction: str, depth: int, stack: tuple[str, ...], out: list[str], pad: str
    ) -> None:
        inner = pad + "  "
        for prop in schema.properties:
            own = prop.schema
            target, names = self._resolve(own)
            if direction == "request" and (target.read_only or own.read_only):
                continue
            if direction == "response" and (target.write_only or own.write_only):
                continue
            self.nodes += 1
            shown = unwrap_nullable(own)
            notes = [self.label(own)]
            if prop.required:
                notes.append("required")
            if target.read_only or own.read_only:
                notes.append("read-only")
            if target.write_only or own.write_only:
                notes.append("write-only")
            if target.deprecated or own.deprecated:
                notes.append("deprecated")
            head = f"{pad}- {_code(prop.name)} ({', '.join(notes)})"
            description = own.description or shown.description or target.description
            facts = [self.facts(own)] if shown is not own else []
            facts.append(self.facts(target))
            _write_item(out, pad, head, description, [f for f in facts if f], 2)
            if _nests(target, self._resolve) and self._may_expand(shown, depth, stack):
                self._nested(shown, target, direction, depth + 1, (*stack, *names), out, inner)
        if isinstance(schema.additional, Schema):
            self.nodes += 1
            label = self.label(schema.additional)
            out.append(f"{pad}- `{{key}}` ({label}): Any other key, with values of this type.")

    def _nested(
        self,
        schema: Schema,
        target: Schema,
        direction: str,
        depth: int,
        stack: tuple[str, ...],
        out: list[str],
        pad: str,
    ) -> None:
        if target.properties or target.one_of or target.any_of or isinstance(target.additional, Schema):
            ref = unwrap_nullable(schema).ref
            self._named_body(ref, target, direction, depth, stack, out, pad)
        elif "array" in target.types and target.items is not None:
            item, names = self._resolve(target.items)
            if (item.properties or item.one_of or item.any_of) and self._may_expand(target.items, depth, stack):
                self._named_body(names[0] if names else None, item, direction, depth, (*stack, *names), out, pad)

    def _named_body(
        self,
        ref: str | None,
        schema: Schema,
        direction: str,
        depth: int,
        stack: tuple[str, ...],
        out: list[str],
        pad: str,
    ) -> None:
        """:meth:`_body` of the schema named ``ref``: the same in every tree where it is
        as deep and the names above it that it can reach are the same (a big API nests
        a handful of models in hundreds of others), so it is written once and kept.

        A body is kept only if the tree's bound on fields (``MAX_NODES``) did not cut it,
        and used again only where its fields fit within the bound: as if written there."""
        if ref is None or ref not in self.schemas:
            self._body(schema, direction, depth, stack, out, pad)
            return
        reach = self._reach_of(ref)
        key = (ref, depth, direction, tuple(name for name in stack if name in reach))
        found = self._bodies.get(key)
        if found is not None and self.nodes + found[1] < MAX_NODES:
            self.nodes += found[1]
            out += [pad + line if line else "" for line in found[0]]
            return
        before = self.nodes
        lines: list[str] = []
        self._body(schema, direction, depth, stack, lines, "")
        if self.nodes < MAX_NODES:
            self._bodies[key] = (lines, self.nodes - before)
        out += [pad + line if line else "" for line in lines]

    def _reach_of(self, name: str) -> frozenset[str]:
        """Every schema name the walk can meet below the schema ``name``."""
        found = self._reach.get(name)
        if found is None:
            seen: set[str] = set()
            todo = [name]
            while todo:
                for ref in self._refs_in(todo.pop()):
                    if ref not in seen:
                        seen.add(ref)
                        todo.append(ref)
            found = self._reach[name] = frozenset(seen)
        return found

    def _refs_in(self, name: str) -> frozenset[str]:
        """The names a named schema refers to directly (through its inline parts)."""
        found = self._refs.get(name)
        if found is None:
            refs: set[str] = set()
            todo = [self.schemas[name]] if name in self.schemas else []
            while todo:
                schema = todo.pop()
                if schema.ref:
                    refs.add(schema.ref)
                    continue
                todo += [p.schema for p in schema.properties]
                todo += [*schema.one_of, *schema.any_of]
                if schema.items is not None:
                    todo.append(schema.items)
                if isinstance(schema.additional, Schema):
                    todo.append(schema.additional)
            found = self._refs[name] = frozenset(refs)
        return found

    def _alternatives(
        self,
        schema: Schema,
        kind: str,
        options: tuple[Schema, ...],
        direction: str,
        depth: int,
        stack: tuple[str, ...],
        out: list[str],
        pad: str,
    ) -> None:
        out.append(f"{pad}{kind}:")
        disc = schema.discriminator if kind == "One of" or not schema.one_of else None
        if disc is not None:
            line = f"Discriminated by {_code(disc.property_name)}"
            if disc.mapping:
                pairs = ", ".join(
                    f"{_code(value)} → {self.label(Schema(ref=target))}" for value, target in disc.mapping
                )
                line += f": {pairs}"
            out.append(f"{pad}{line}.")
        out.append("")
        for number, option in enumerate(options, 1):
            target, names = self._resolve(option)
            marker = f"{number}. "
            head: list[str] = []
            if option.ref or option.types or option.properties or not option.requires:
                head.append(self.label(option))
            if target.requires:
                head.append("requires " + ", ".join(_code(n) for n in target.requires))
            if target.title:
                head.append(f"({text(target.title)})")
            description = option.description or (target.description if target is not option else None)
            _write_item(out, pad, pad + marker + " ".join(head), description, [], len(marker))
            if self._may_expand(option, depth, stack):
                inner = pad + " " * len(marker)
                self._nested(option, target, direction, depth + 1, (*stack, *names), out, inner)


def _nests(target: Schema, resolve: Callable[[Schema], tuple[Schema, tuple[str, ...]]]) -> bool:
    """Whether :meth:`SchemaFields._nested` can show anything for ``target``: the walk
    skips the leaves (most properties) without asking."""
    if target.properties or target.one_of or target.any_of or isinstance(target.additional, Schema):
        return True
    if "array" in target.types and target.items is not None:
        item, _ = resolve(target.items)
        return bool(item.properties or item.one_of or item.any_of)
    return False


# JSON Schema's type names: nothing in them to escape.
_TYPE_NAMES = frozenset({"string", "integer", "number", "boolean", "object", "array", "null"})


def _code(value: Any) -> str:
    """:func:`~.twin.code`, without its work for the plain names and values most are."""
    raw = value if isinstance(value, str) else str(value)
    if not raw or "`" in raw or "\n" in raw or raw.startswith(" "):
        return code(raw)
    return f"`{raw}`"


def _gap(out: list[str], start: int) -> int:
    """A blank line before the next part of a body, if one came before it."""
    mark = len(out)
    if mark > start:
        out.append("")
    return mark


def _close_gap(out: list[str], mark: int) -> None:
    """Takes back the blank line of :func:`_gap` if the part was empty."""
    if len(out) == mark + 1 and out[mark] == "":
        out.pop()


def _write_item(out: list[str], pad: str, head: str, description: str | None, extra: list[str], width: int) -> None:
    """A list item: ``head`` (its marker behind ``pad``), its description (after a colon
    when it is one plain line, else below), then ``extra`` lines, under the marker."""
    plain = description.strip() if description else ""
    if plain and "\n" not in plain and not _BLOCK_START.match(plain):
        out.append(f"{head}: {plain}")
    else:
        out.append(head)
        if description and plain:
            inner = pad + " " * width
            lines = close_fences(description.strip("\n")).split("\n")
            out += [inner + line if line.strip() else "" for line in lines]
    if extra:
        inner = pad + " " * width
        out += [inner + line for line in extra]


def _fence(body: str, language: str) -> str:
    """:func:`~.twin.fence`, without its search of ``body`` when no line can close it
    (an API's examples and snippets are megabytes)."""
    if "```" in body:
        return fence(body, language)
    return f"```{language}\n{body.rstrip(chr(10))}\n```"


def _value(value: Any) -> str:
    """A schema value (enum member, default, bound) as inline code."""
    return _code(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str))


def facts_text(schema: Schema) -> str:
    """What :func:`~.schema.facts_line` shows, as Markdown: ``max length `1600` ·
    one of `queued`, `sent` · default `queued```."""
    return " · ".join(schema_facts(schema, _value))


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def _one_line(markdown: str) -> str:
    return " ".join(markdown.split())


def _truncate(value: str, length: int = 160) -> str:
    """At most ``length`` characters, cut at a word, as the HTML index pages do."""
    value = _one_line(value)
    if len(value) <= length:
        return value
    return value[: length - 3].rsplit(" ", 1)[0] + "..."


class ReferenceTwins:
    """Writes the twin of each reference page; one per :class:`ReferenceRenderer`."""

    def __init__(self, renderer: ReferenceRenderer) -> None:
        self.r = renderer
        self.api = renderer.api
        self.plan = renderer.plan
        self.config = renderer.config
        self.links: TwinLinks = twin_links(renderer.config)
        root = self.config.reference_dir.strip("/")
        self.auth_path = f"{root}/authentication.md" if self.api.security_schemes else None
        self.models_path = f"{root}/models/index.md" if self.plan.model_paths else None
        self.webhooks_path = f"{root}/webhooks/index.md" if self.plan.webhook_paths else None
        self._pages: dict[str, str] = {}
        self._path = ""  # the page being written
        model_links = {name: self._page(path) for name, path in self.plan.model_paths.items()}
        self.schema = SchemaFields(self.api.schemas, model_links.get, self.config.schema_depth)
        self._writers: dict[str, Callable[[PlannedPage, dict[str, Any]], tuple[str, list[str | None]]]] = {
            "landing": self._landing,
            "authentication": self._authentication,
            "tag": self._tag,
            "operation": self._operation,
            "webhooks": self._webhooks,
            "webhook": self._webhook,
            "models": self._models,
            "model": self._model,
        }

    def _page(self, path: str) -> str:
        """The address of the twin of the page at ``path`` (kept: tag pages link every
        operation, operations their tag and models)."""
        found = self._pages.get(path)
        if found is None:
            found = self._pages[path] = self.links.page(path)
        return found

    def _prose(self, markdown: str | None, level: int) -> str:
        """A description of the page being written, its relative links made absolute."""
        return prose(markdown, level, self._path, self.links)

    def render(self, page: PlannedPage, context: dict[str, Any]) -> str:
        """The twin of ``page``; ``context`` is the one its HTML was rendered with."""
        self._path = page.path
        writer = self._writers.get(page.kind)
        blocks: list[str | None] = []
        if writer is None:
            title = html.unescape(page.title)
        else:
            title, blocks = writer(page, context)
        facts = twin_facts(self.api.title, self.api.version, self.links.html(page.path))
        return document(title, blocks, facts=facts)

    def _history(self, op: Operation) -> str | None:
        """The page's changelog badges as one line: each event links to its release."""
        event = self.r.histories.get(history_subject(op))
        if event is None:
            return None
        changelog = self._page(CHANGELOG_PAGE)  # a twin has no anchors: the version says where
        return " · ".join(link(f"{label} {version}", changelog) for label, version, _kind in event.badges())

    # -- page kinds --------------------------------------------------------------------

    def _landing(self, page: PlannedPage, context: dict[str, Any]) -> tuple[str, list[str | None]]:
        api = self.api
        meta = f"Version {_code(api.version)} · OpenAPI {text(api.openapi)}"
        if api.license_name:
            meta += f" · License: {self._external(api.license_url, api.license_name)}"
        blocks: list[str | None] = [
            meta,
            _one_line(api.summary) if api.summary else None,
            self._prose(api.description, 1),
        ]
        files = self.links
        blocks.append(
            "## OpenAPI description\n\n"
            f"{link('openapi.json', files.file('openapi.json'))} · {link('openapi.yaml', files.file('openapi.yaml'))}"
        )
        if api.servers:
            blocks.append("## Servers\n\n" + "\n".join(_server_lines(api.servers)))
        if api.security_schemes and self.auth_path:
            auth = self._page(self.auth_path)
            names = ", ".join(
                f"{_code(s.name)} ({text(context['scheme_title'](s.name))})" for s in api.security_schemes
            )
            blocks.append(f"## Security schemes\n\n{names}. See {link('Authentication', auth)} for what to send.")
        if self.r.guides:
            items = "\n".join(f"- {link(title, self._page(path))}" for title, path in self.r.guides)
            blocks.append(f"## Quickstarts\n\n{items}")
        rows = []
        for name, path in self.plan.tag_paths.items():
            tag = next((t for t in api.tags if t.name == name), None)
            about = _truncate(tag.description) if tag and tag.description else ""
            rows.append((link(name, self._page(path)), len(self.plan.tag_operations[name]), about))
        reference = ["## Reference", table(("Section", "Operations", "About"), rows)]
        if self.webhooks_path:
            count = len(self.plan.webhook_paths)
            events = _plural(count, "event")
            reference.append(
                f"{link('Webhooks', self._page(self.webhooks_path))}: {count} {events} your server can receive."
            )
        if self.models_path:
            count = len(self.plan.model_paths)
            reference.append(f"{link('Models', self._page(self.models_path))}: {count} {_plural(count, 'object')}.")
        blocks.append("\n\n".join(reference))
        if api.contact:
            contact = [text(api.contact.name)] if api.contact.name else []
            if api.contact.email:
                contact.append(self._external("mailto:" + api.contact.email, api.contact.email))
            if api.contact.url:
                contact.append(self._external(api.contact.url, api.contact.url))
            blocks.append("## Contact\n\n" + " · ".join(contact) if contact else None)
        return api.title, blocks

    def _authentication(self, page: PlannedPage, context: dict[str, Any]) -> tuple[str, list[str | None]]:
        api = self.api
        if api.security:
            some = " with one of the methods below" if len(api.security) > 1 else ""
            blocks: list[str | None] = [f"Every request must be authenticated{some}, unless its page says otherwise."]
        else:
            blocks = ["Operations say on their page which of these methods they accept."]
        for scheme in api.security_schemes:
            blocks.append(self._scheme(scheme, context))
        return "Authentication", blocks

    def _scheme(self, s: SecurityScheme, context: dict[str, Any]) -> str:
        env: tuple[str, ...] = context["scheme_env"](s)
        if env:
            secret = "$" + env[0]
        else:
            secret = {"oauth2": "$ACCESS_TOKEN", "openIdConnect": "$ACCESS_TOKEN", "apiKey": "$API_KEY"}.get(
                s.type, "$TOKEN"
            )
        parts = [
            f"## {text(context['scheme_title'](s.name))}",
            f"Security scheme {_code(s.name)}, type {_code(s.type)}.",
        ]
        if s.description:
            parts.append(self._prose(s.description, 2))
        kind = (s.scheme or "").lower()
        if s.type == "http" and kind == "bearer":
            fmt = f" ({text(s.bearer_format)})" if s.bearer_format else ""
            parts += [
                f"HTTP bearer authentication{fmt}. Send the token in the `Authorization` header:",
                _fence(f"Authorization: Bearer {secret}", "text"),
            ]
        elif s.type == "http" and kind == "basic":
            user = "$" + env[0] if env else "$USERNAME"
            password = "$" + env[1] if len(env) > 1 else "$PASSWORD"
            parts += [
                f"HTTP basic authentication. Send the user name ({_code(user[1:])}) and the password "
                f"({_code(password[1:])}), joined by a colon and Base64-encoded, in the `Authorization` header:",
                _fence(f"Authorization: Basic base64({user}:{password})", "text"),
            ]
        elif s.type == "http":
            parts.append(f"HTTP {_code(s.scheme or '')} authentication in the `Authorization` header.")
        elif s.type == "apiKey":
            name = s.param_name or ""
            parts.append(f"An API key sent in the {text(s.location or '')} {_code(name)}:")
            sent = {"header": f"{name}: {secret}", "query": f"?{name}={secret}", "cookie": f"Cookie: {name}={secret}"}
            if s.location in sent:
                parts.append(_fence(sent[s.location or ""], "text"))
        elif s.type == "oauth2":
            header = _code(f"Authorization: Bearer {secret}")
            parts.append(f"OAuth 2.0. Get an access token with one of these flows, then send it as {header}.")
            for flow in s.flows:
                parts.append(f"### {text(_FLOW_TITLES.get(flow.kind, flow.kind))} flow")
                urls = [
                    f"- {label}: {_code(value)}"
                    for label, value in (
                        ("Authorization URL", flow.authorization_url),
                        ("Token URL", flow.token_url),
                        ("Refresh URL", flow.refresh_url),
                    )
                    if value
                ]
                if urls:
                    parts.append("\n".join(urls))
                if flow.scopes:
                    parts.append(
                        table(("Scope", "Grants"), ((_code(scope), _one_line(grants)) for scope, grants in flow.scopes))
                    )
        elif s.type == "openIdConnect":
            parts.append(
                f"OpenID Connect. Discover the provider's endpoints at {_code(s.openid_connect_url or '')}, obtain an "
                f"access token, and send it as {_code('Authorization: Bearer ' + secret)}."
            )
        elif s.type == "mutualTLS":
            parts.append("Mutual TLS: present your client certificate when connecting.")
        if env:
            parts.append("The examples read the secret from the environment: " + ", ".join(_code(e) for e in env) + ".")
        shown = context["scheme_example"](s)
        if shown:
            op: Operation = shown["op"]
            line = f"For example, {link(op.title, self._page(self.plan.operation_paths[op.key]))} with this method"
            together: list[SecurityScheme] = shown["with"]
            if together:
                line += ", which it needs together with " + " and ".join(
                    text(context["scheme_title"](other.name)) for other in together
                )
            parts += ["### Example", line + ":", _snippet_blocks((snippet for snippet, _ in shown["tabs"]), 4)]
        return "\n\n".join(p for p in parts if p)

    def _tag(self, page: PlannedPage, context: dict[str, Any]) -> tuple[str, list[str | None]]:
        tag = context["tag"]
        name: str = context["tag_name"]
        blocks: list[str | None] = []
        if tag is not None:
            blocks.append(self._prose(tag.description, 1))
            if tag.external_url:
                blocks.append(self._external(tag.external_url, f"More about {name}"))
        rows = []
        for op in context["operations"]:
            title = link(op.title, self._page(self.plan.operation_paths[op.key]))
            rows.append((title + (" (deprecated)" if op.deprecated else ""), _code(op.method.upper()), _code(op.path)))
        blocks.append(table(("Operation", "Method", "Path"), rows))
        return name, blocks

    def _operation(self, page: PlannedPage, context: dict[str, Any]) -> tuple[str, list[str | None]]:
        op: Operation = context["op"]
        tag = operation_tag(op)
        meta = [f"Operation ID {_code(op.operation_id)}"] if op.operation_id else []
        meta.append(f"Tag {link(tag, self._page(self.plan.tag_paths[tag]))}")
        blocks: list[str | None] = [
            _code(f"{op.method.upper()} {context['server_url'](op)}{op.path}"),
            " · ".join(meta),
            self._history(op),
        ]
        if op.deprecated:
            blocks.append("**Deprecated**: this operation is deprecated and may be removed in a future version.")
        blocks.append(self._prose(op.description, 1))
        for cost in context["costs"](op):
            line = f"Each call uses one {text(cost.unit)} of {text(cost.meter.lower())}"
            if cost.rates:
                line += ": " + ", ".join(f"{text(price)} on {text(plan)}" for plan, price in cost.rates)
                line += " beyond the plan's allowance"
            blocks.append(f"{line}. See {link('Pricing', self._page(PRICING_PAGE))}.")
        studies = self.r.used_by.get(op.key, ())
        if studies:
            used = ", ".join(f"{link(s.company, self._page(s.page))} ({text(s.use_case.lower())})" for s in studies)
            blocks.append(f"Used by {used}.")
        blocks.append("## Authentication\n\n" + self._security(op, context))
        blocks += self._request_and_responses(op, context, 2, snippets=True)
        if op.callbacks:
            blocks.append("## Callbacks")
            for callback in op.callbacks:
                for cb in callback.operations:
                    parts = [f"### {text(callback.name)}", _code(f"{cb.method.upper()} {callback.expression}")]
                    if cb.summary:
                        parts.append(text(cb.summary))
                    parts.append(self._prose(cb.description, 3))
                    blocks += parts
                    blocks += self._request_and_responses(cb, context, 4, payload=True)
        return op.title, blocks

    def _webhooks(self, page: PlannedPage, context: dict[str, Any]) -> tuple[str, list[str | None]]:
        rows = [
            (
                link(hook.summary or hook.webhook or key, self._page(self.plan.webhook_paths[key])),
                _code(hook.method.upper()),
                _code(hook.webhook or ""),
            )
            for key, hook, _href in context["webhook_items"]
        ]
        intro = (
            f"{text(self.api.title)} calls your server when something happens. "
            "Register an endpoint, then handle these requests:"
        )
        return "Webhooks", [intro, table(("Webhook", "Method", "Name"), rows)]

    def _webhook(self, page: PlannedPage, context: dict[str, Any]) -> tuple[str, list[str | None]]:
        op: Operation = context["op"]
        blocks: list[str | None] = [f"{_code(op.method.upper())} webhook {_code(op.webhook or '')}", self._history(op)]
        named = f" (operation {_code(op.operation_id)})" if op.operation_id else ""
        blocks.append(
            f"{text(self.api.title)} sends this request to the URL you register{named}. "
            "Answer with a 2xx status to acknowledge it."
        )
        if op.deprecated:
            blocks.append("**Deprecated**: this webhook is deprecated.")
        blocks.append(self._prose(op.description, 1))
        blocks += self._request_and_responses(op, context, 2, payload=True)
        return op.summary or op.webhook or page.key, blocks

    def _models(self, page: PlannedPage, context: dict[str, Any]) -> tuple[str, list[str | None]]:
        rows = []
        for name, path in self.plan.model_paths.items():
            model = self.api.schemas[name]
            rows.append((link(name, self._page(path)), _truncate(model.title or model.description or "")))
        intro = f"The objects {text(self.api.title)} accepts and returns. Operations link here wherever they use one."
        return "Models", [intro, table(("Model", "Description"), rows)]

    def _model(self, page: PlannedPage, context: dict[str, Any]) -> tuple[str, list[str | None]]:
        name: str = context["name"]
        model: Schema = context["model"]
        blocks: list[str | None] = []
        if model.deprecated:
            blocks.append("**Deprecated**: this model is deprecated.")
        blocks.append(self._prose(model.description, 1))
        blocks.append("## Properties\n\n" + self.schema.fields(model, "response", root_name=name))
        blocks.append("## Example\n\n" + _fence(context["to_json"](context["example"](model)), "json"))
        return name, blocks

    # -- parts of operation pages --------------------------------------------------------

    def _security(self, op: Operation, context: dict[str, Any]) -> str:
        if not op.security:
            return "No authentication required."
        lines = []
        for alternative in op.security:
            if not alternative.schemes:
                lines.append("- No authentication required.")
                continue
            schemes = []
            for name, scopes in alternative.schemes:
                shown = text(context["scheme_title"](name))
                if self.auth_path and self.api.security_scheme(name) is not None:
                    shown = link(context["scheme_title"](name), self._page(self.auth_path))
                shown += f" ({_code(name)})"
                if scopes:
                    shown += " with scopes " + ", ".join(_code(s) for s in scopes)
                schemes.append(shown)
            lines.append("- " + " and ".join(schemes))
        if len(op.security) > 1:
            lines.append("\nAny one of these is enough.")
        return "\n".join(lines)

    def _request_and_responses(
        self, op: Operation, context: dict[str, Any], level: int, *, snippets: bool = False, payload: bool = False
    ) -> list[str | None]:
        """Parameters, request body, the request in every language (``snippets``) and
        responses, under headings of ``level``. A ``payload`` (a webhook's or a
        callback's request) is shown as the API sends it."""
        h = "#" * level
        blocks: list[str | None] = []
        for location, title in PARAMETER_LOCATIONS:
            params = [p for p in op.parameters if p.location == location]
            if params:
                blocks.append(f"{h} {title}\n\n" + self._parameters(params, context))
        body = op.request_body
        if body is not None:
            parts = [
                f"{h} Request body",
                "Required." if body.required else "Optional.",
                self._prose(body.description, level),
            ]
            parts += self._media_types(body.content, "response" if payload else "request", context, fold=False)
            blocks.append("\n\n".join(p for p in parts if p))
        if snippets:
            made = context["snippets"](op)
            if made:
                blocks.append(f"{h} Example request\n\n" + _snippet_blocks((s for s, _ in made), level + 1))
        if op.responses:
            blocks.append(f"{h} Responses")
            for response in op.responses:
                phrase = status_phrase(response.status)
                parts = [f"{h}# {text(response.status)}{' ' + text(phrase) if phrase else ''}"]
                parts.append(self._prose(response.description, level + 1))
                if response.headers:
                    rows = [
                        (
                            _code(header.name),
                            self.schema.label(header.schema) if header.schema else "",
                            "yes" if header.required else "no",
                            _one_line(header.description or ""),
                        )
                        for header in response.headers
                    ]
                    parts.append("Headers:\n\n" + table(("Name", "Type", "Required", "Description"), rows))
                if response.content:
                    parts += self._media_types(response.content, "response", context, fold=True)
                else:
                    parts.append("No content.")
                blocks.append("\n\n".join(p for p in parts if p))
        return blocks

    def _parameters(self, params: list[Parameter], context: dict[str, Any]) -> str:
        rows = []
        for p in params:
            schema = p.schema or next((m.schema for m in p.content if m.schema is not None), None)
            notes = []
            if p.schema is not None:
                facts = self.schema.facts(p.schema)
                if facts:
                    notes.append(facts)
            example = context["param_example"](p)
            if example is not None and example is not UNSET and not (p.schema and p.schema.examples):
                notes.append(f"example {_value(example)}")
            if p.style or p.explode is not None:
                serialized = f"serialized as {_code(p.style or 'default')}"
                if p.explode is not None:
                    serialized += f", explode {_code(str(p.explode).lower())}"
                notes.append(serialized)
            description = _one_line(p.description or "")
            if p.deprecated:
                description = "Deprecated. " + description
            rows.append(
                (
                    _code(p.name),
                    self.schema.label(schema) if schema is not None else "",
                    "yes" if p.required else "no",
                    description,
                    " · ".join(notes),
                )
            )
        return table(("Name", "Type", "Required", "Description", "Constraints"), rows)

    def _media_types(
        self, content: tuple[MediaType, ...], direction: str, context: dict[str, Any], *, fold: bool
    ) -> list[str]:
        """Each media type's fields and examples. With ``fold`` (a response), a model
        with a twin of its own is a link there, as the HTML page folds it away."""
        parts: list[str] = []
        seen: dict[object, str] = {}
        for media in content:
            schema = media.schema
            head = f"Content type {_code(media.media_type)}"
            model = self.plan.model_paths.get(schema.ref) if schema is not None and schema.ref else None
            if schema is None:
                parts.append(head + ".")
            elif model is not None and fold:
                parts.append(f"{head}: {link(schema.ref or '', self._page(model))} object.")
            elif (schema.ref or id(schema)) in seen:
                parts.append(f"{head}: the same fields as {_code(seen[schema.ref or id(schema)])}.")
            else:
                seen[schema.ref or id(schema)] = media.media_type
                parts.append(head + ":")
                parts.append(self.schema.fields(schema, direction))
            parts += _example_blocks(context["example_texts"](media, direction))
        return parts

    def _external(self, url: str | None, title: str) -> str:
        """A link to a URL the spec gives, under the site's URL policy (else the title)."""
        href = safe_url(url) if url else None
        return link(title, href) if href else text(title)


def _server_lines(servers: tuple[Server, ...]) -> list[str]:
    lines = []
    for server in servers:
        line = f"- {_code(server.url)}"
        if server.description:
            line += f": {_one_line(server.description)}"
        lines.append(line)
        for v in server.variables:
            about = f"  - {_code('{' + v.name + '}')}: default {_code(v.default)}"
            if v.enum:
                about += ", one of " + ", ".join(_code(e) for e in v.enum)
            if v.description:
                about += f". {_one_line(v.description)}"
            lines.append(about)
    return lines


def _snippet_blocks(snippets: Iterable[Any], level: int) -> str:
    """The request in every language: a heading (the tab's label) and a fenced block
    in the language's highlighting name (``bash`` for curl)."""
    return "\n\n".join(f"{'#' * level} {text(s.label)}\n\n{_fence(s.code, s.lexer)}" for s in snippets)


def _example_blocks(found: list[ExampleText]) -> list[str]:
    blocks = []
    for example in found:
        if example.name == "generated":
            title = "Example (generated from the schema)"
        elif len(found) > 1 or example.name != "example":
            title = f"Example: {text(example.summary or example.name)}"
        else:
            title = "Example"
        if example.text is None:
            address = example.external or ""
            href = safe_url(address)
            blocks.append(f"{title}: at {link(address, href) if href else _code(address)}")
        else:
            blocks.append(f"{title}:\n\n{_fence(example.text, example.language)}")
    return blocks
