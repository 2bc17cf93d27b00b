"""Realistic example values generated from a schema, bounded in depth and size."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import exrex

from ..checks.ecma import InvalidPattern, compile_pattern, python_pattern
from .api import UNSET, Schema

MAX_DEPTH = 6
MAX_PROPERTIES = 40
# Values generated per example at most: schemas that branch (every object refers to two
# others) would otherwise give examples exponential in MAX_DEPTH.
MAX_VALUES = 150

_FORMATS: dict[str, Any] = {
    "date-time": "2026-01-15T09:30:00Z",
    "date": "2026-01-15",
    "time": "09:30:00Z",
    "duration": "PT15M",
    "email": "jane.doe@example.com",
    "idn-email": "jane.doe@example.com",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "iri": "https://example.com/resource",
    "uri-reference": "/resource",
    "hostname": "api.example.com",
    "idn-hostname": "api.example.com",
    "ipv4": "192.0.2.10",
    "ipv6": "2001:db8::10",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "byte": "aGVsbG8gd29ybGQ=",
    "binary": "(binary data)",
    "password": "s3cr3t-passw0rd",
    "phone": "+14155550123",
    "int32": 1,
    "int64": 1,
    # Formats real specs use beyond the standard ones (benchmarks/corpus).
    "phone-number": "+14155550123",
    "base64": "aGVsbG8gd29ybGQ=",
    "google-datetime": "2026-01-15T09:30:00Z",
    "datetime": "2026-01-15T09:30:00Z",
    "dateTime": "2026-01-15T09:30:00Z",
    "google-duration": "900s",
    "ISO4217": "USD",
    "iso-country-code": "US",
    "http-method": "POST",
    "uri-template": "https://example.com/{id}",
    "ip": "192.0.2.10",
}
# Property names whose meaning is clear enough to give a believable value.
_NAMES: dict[str, Any] = {
    "email": "jane.doe@example.com",
    "name": "Jane Doe",
    "first_name": "Jane",
    "last_name": "Doe",
    "username": "janedoe",
    "login": "janedoe",
    "phone": "+14155550123",
    "phone_number": "+14155550123",
    "country": "US",
    "country_code": "US",
    "currency": "USD",
    "language": "en",
    "locale": "en-US",
    "url": "https://example.com",
    "html_url": "https://example.com",
    "website": "https://example.com",
    "title": "Example title",
    "description": "A short description.",
    "message": "Hello from the API!",
    "body": "Hello from the API!",
    "text": "Hello from the API!",
    "city": "San Francisco",
    "zip": "94107",
    "postal_code": "94107",
    "status": "active",
    "color": "#336699",
    "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
}


# The string a field gets when neither its schema nor its name says more.
GENERIC = "example"

# Which properties a generated request value carries (``snippet_fields``): ``minimal``
# the required ones; ``examples`` those and every optional one the spec author gave an
# example for; ``all`` every one. Responses and pages show ``all``.
FIELDS = ("minimal", "examples", "all")

# Whether an author's example (or default) satisfies its own schema: judged by the
# real validator where the caller has the spec (see ``snippets``); None trusts them.
Judge = Callable[[Schema, Any], bool]


def example_for(
    schema: Schema | None,
    schemas: Mapping[str, Schema],
    *,
    direction: str = "response",
    fields: str = "all",
    judge: Judge | None = None,
) -> Any:
    """An example value for ``schema``: the spec's own example first, else generated.

    ``direction`` is ``"request"`` (readOnly properties left out) or ``"response"``
    (writeOnly properties left out); ``fields`` is one of :data:`FIELDS`; ``judge``,
    when given, keeps out every author example and default that breaks its schema.
    """
    if schema is None:
        return None
    return _Generator(schemas, direction, fields, judge).value(schema, None, 0, ())


def has_example(schema: Schema | None, schemas: Mapping[str, Schema], judge: Judge | None = None) -> bool:
    """Whether the spec author gave ``schema`` (or the schema it refers to) an example
    that satisfies it: what makes an optional field part of an ``examples`` snippet."""
    if schema is None:
        return False
    if schema.ref is not None:
        schema = schemas.get(schema.ref, schema)
    return any(judge is None or judge(schema, e) for e in schema.examples)


class _Generator:
    def __init__(
        self, schemas: Mapping[str, Schema], direction: str, fields: str = "all", judge: Judge | None = None
    ) -> None:
        self.schemas = schemas
        self.direction = direction
        self.fields = fields
        self.judge = judge
        self.budget = MAX_VALUES

    def _accepts(self, schema: Schema, value: Any) -> bool:
        return self.judge is None or self.judge(schema, value)

    def value(self, schema: Schema, name: str | None, depth: int, stack: tuple[str, ...]) -> Any:
        self.budget -= 1
        if schema.cycle is not None:
            return _empty(schema)  # a schema inside another came back to itself
        if schema.ref is not None:
            target = self.schemas.get(schema.ref)
            if target is None:
                return None
            if schema.ref in stack or depth > MAX_DEPTH or self.budget <= 0:
                return _empty(target)
            return self.value(target, name, depth, (*stack, schema.ref))
        if schema.const is not UNSET:
            return schema.const
        for example in schema.examples:
            if self._accepts(schema, example):
                return example
        if schema.default is not UNSET and self._accepts(schema, schema.default):
            return schema.default
        if schema.enum:
            # Not a null the schema does not allow, nor Stripe's "" (which clears a field).
            usable = [v for v in schema.enum if v not in (None, "")] or list(schema.enum)
            return usable[0]
        if schema.one_of or schema.any_of:
            choice = self._choice(schema.one_of or schema.any_of)
            value = self.value(choice, name, depth, stack)
            if schema.discriminator and isinstance(value, dict):
                value = self._discriminate(schema, choice, value, depth, stack)
            if schema.properties:
                # An object whose alternatives only add `required` (OpenAI's "file_ids
                # or files"; `oneOf` and `anyOf` both, in the demo's NewMessage): its
                # properties, with those the chosen ones require.
                requires = tuple(
                    name
                    for options in (schema.one_of, schema.any_of)
                    if options
                    for name in self._resolve(self._choice(options)).requires
                )
                base = self._object(schema, depth, stack, requires)
                return {**base, **value} if isinstance(value, dict) else base
            return value
        types = schema.types
        kind = types[0] if types else ("object" if schema.properties else None)
        if kind == "object" or (kind is None and schema.additional not in (None, False)):
            return self._object(schema, depth, stack)
        if kind == "array":
            if depth > MAX_DEPTH or schema.items is None or self.budget <= 0:
                return []
            item = self.value(schema.items, _singular(name), depth + 1, stack)
            if item is None and not schema.items.nullable:
                return []
            count = max(1, min(_constraint(schema, "minItems", 1), 3))
            if count > 1 and _constraint(schema, "uniqueItems", False):
                return _distinct(item, count, self._resolve(schema.items))
            return [item] * count
        if kind == "string":
            return self._string(schema, name)
        if kind == "integer":
            unix = schema.format in ("timestamp", "unix-time")
            return int(_number(schema, 1767225600 if unix else _named_number(name, integer=True)))
        if kind == "number":
            return _number(schema, _named_number(name, integer=False))
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return None if schema.nullable else _NAMES.get(name or "")

    def _object(
        self, schema: Schema, depth: int, stack: tuple[str, ...], requires: tuple[str, ...] = (), least: int = 0
    ) -> dict[str, Any]:
        if depth > MAX_DEPTH or self.budget <= 0:
            return {}
        result: dict[str, Any] = {}
        for prop in schema.properties[:MAX_PROPERTIES]:
            target = self._resolve(prop.schema)
            if self._hidden(target):
                continue
            required = prop.required or prop.name in requires
            if not required and not self._wanted(prop.schema):
                continue
            if not required and self._cut(prop.schema, depth + 1, stack):
                continue  # an optional property that would only be an empty stub
            value = self.value(prop.schema, prop.name, depth + 1, stack)
            ref = prop.schema.ref
            if required and value == {} and target.properties and ref not in stack:
                # A required object sent empty says nothing, and a form cannot send it
                # at all (Stripe's business_profile): one of its fields.
                value = self._object(target, depth + 1, (*stack, ref) if ref else stack, least=1)
            result[prop.name] = value
        # `minProperties` (a PATCH that must change something): optional properties,
        # those the author gave an example first, until there are enough.
        least = max(least, _constraint(schema, "minProperties", 0))
        spare = [p for p in schema.properties if p.name not in result and self._sendable(p.schema, depth, stack)]
        spare.sort(key=lambda p: not has_example(p.schema, self.schemas, self.judge))
        for prop in spare[: max(0, least - len(result))]:
            result[prop.name] = self.value(prop.schema, prop.name, depth + 1, stack)
        if not result and isinstance(schema.additional, Schema) and self.fields == "all":
            result["key"] = self.value(schema.additional, None, depth + 1, stack)
        return result

    def _hidden(self, target: Schema) -> bool:
        """Whether a (resolved) property stays out of values of this direction."""
        return target.read_only if self.direction == "request" else target.write_only

    def _sendable(self, schema: Schema, depth: int, stack: tuple[str, ...]) -> bool:
        """Whether an optional property can be in a value for this direction."""
        return not self._hidden(self._resolve(schema)) and not self._cut(schema, depth + 1, stack)

    def _wanted(self, schema: Schema) -> bool:
        """Whether an optional property belongs in the value (``fields``)."""
        if self.fields == "all":
            return True
        return self.fields == "examples" and has_example(schema, self.schemas, self.judge)

    def _cut(self, schema: Schema, depth: int, stack: tuple[str, ...]) -> bool:
        """Whether generating ``schema`` here would stop at a cycle or the depth limit."""
        if schema.cycle is not None:
            return True
        if schema.ref is not None:
            return schema.ref in stack or depth > MAX_DEPTH or self.budget <= 0
        if schema.items is not None and "array" in schema.types:
            return self._cut(schema.items, depth + 1, stack)
        return False

    def _discriminate(
        self, schema: Schema, choice: Schema, value: dict[str, Any], depth: int, stack: tuple[str, ...]
    ) -> dict[str, Any]:
        assert schema.discriminator is not None
        prop = schema.discriminator.property_name
        for mapped, target in schema.discriminator.mapping:
            if target == choice.ref:
                return {**value, prop: mapped}
        if prop in value:
            return value
        # The property the branch declares says which values it takes (OpenAI's
        # EasyInputMessage has `type: {enum: [message]}`); else the schema's name.
        declared = next((p.schema for p in self._resolve(choice).properties if p.name == prop), None)
        if declared is not None:
            found = self.value(declared, prop, depth + 1, stack)
            if found is not None and found != GENERIC:
                return {**value, prop: found}
        return {**value, prop: choice.ref} if choice.ref else value

    def _choice(self, options: tuple[Schema, ...]) -> Schema:
        """The alternative a generated value takes: the first, unless it is only Stripe's
        ``enum: [""]`` (which empties a field) and a real one follows."""
        for option in options:
            target = self._resolve(option)
            if not (target.enum is not None and all(v in ("", None) for v in target.enum)):
                return option
        return options[0]

    def _resolve(self, schema: Schema) -> Schema:
        if schema.ref is not None:
            return self.schemas.get(schema.ref, schema)
        return schema

    def _string(self, schema: Schema, name: str | None) -> str:
        min_length = _constraint(schema, "minLength", 0)
        max_length = _constraint(schema, "maxLength", None)
        pattern = _constraint(schema, "pattern", None)
        candidates: list[str] = []
        if schema.format and isinstance(_FORMATS.get(schema.format), str):
            candidates.append(str(_FORMATS[schema.format]))
        candidates += _named_strings(name, schema.description)
        # Never a word cut to fit, nor a bare "string": a shorter word, or a padded one.
        candidates += [GENERIC, "test", "abc", "ab", "a"]
        fitting = [c for c in candidates if min_length <= len(c) and (max_length is None or len(c) <= max_length)]
        value = fitting[0] if fitting else _padded(candidates[0], min_length, max_length)
        if isinstance(pattern, str) and not _matches(pattern, value):
            for candidate in fitting[1:]:
                if _matches(pattern, candidate):
                    return candidate
            value = _from_pattern(pattern, min_length, max_length) or value
        return value


# "The ID of the customer", "Identifier of...", "SetupIntent ID": the field holds an id.
_ID_DESCRIPTION = re.compile(
    r"^\W*(the\s+)?(unique\s+)?(id|identifier)\b|^[\w ]{0,40}\b(ID|identifier)\W*$", re.IGNORECASE
)


def _named_strings(name: str | None, description: str | None) -> list[str]:
    """Believable values for a string field called ``name``, best first."""
    if not name:
        return []
    key = _snake(name)
    found = [v for v in (_NAMES.get(name.lower()), _NAMES.get(key)) if isinstance(v, str)]
    stem = key[:-3] if key.endswith("_id") else key[:-4] if key.endswith("_ids") else None
    if key in ("id", "ids", "uid", "uuid"):
        found.append("abc123")
    elif stem:
        found.append(f"{stem}_123")
    elif description and _ID_DESCRIPTION.match(description):
        found.append(f"{key}_123")  # "The ID of the charge": charge_123
    last = key.rsplit("_", 1)[-1]
    if key.endswith(("_at", "_time", "timestamp")):
        found.append("2026-01-15T09:30:00Z")
    elif key.endswith("_date") or key == "date":
        found.append("2026-01-15")
    elif last in ("url", "uri", "link", "href", "endpoint", "webhook"):
        found.append("https://example.com")
    elif last in ("email",):
        found.append("jane.doe@example.com")
    elif last in ("name", "title", "label"):
        found.append("Example " + (key.rsplit("_", 1)[0].replace("_", " ") if "_" in key else "name"))
    elif last in ("currency",):
        found.append("USD")
    elif last in ("country",):
        found.append("US")
    elif last in ("phone",):
        found.append("+14155550123")
    return found


def _snake(name: str) -> str:
    """``customerId``, ``customer-id`` -> ``customer_id``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().replace("-", "_")


def _padded(value: str, min_length: int, max_length: int | None) -> str:
    """``value`` lengthened with digits to ``min_length`` (never cut)."""
    if len(value) < min_length:
        value += "".join(str(i % 10) for i in range(min_length - len(value)))
    if max_length is not None and len(value) > max_length:
        value = "".join(str(i % 10) for i in range(max(max_length, min_length)))
    return value


def _named_number(name: str | None, *, integer: bool) -> float:
    """A believable number for a field called ``name``: an amount, a time, a count."""
    key = _snake(name or "")
    last = key.rsplit("_", 1)[-1]
    if (
        key in ("created", "timestamp", "expires", "since", "until")
        or last in ("at", "date")
        or (key != last and last in ("time", "end", "start", "anchor"))
    ):
        return 1767225600  # 2026-01-01T00:00:00Z in Unix time
    if last in ("amount", "price", "total", "cost", "balance", "fee") or key.startswith("amount"):
        return 2000 if integer else 19.99
    if last in ("limit", "size") or key == "per_page":
        return 10
    return 1 if integer else 1.5


def _distinct(item: Any, count: int, schema: Schema) -> list[Any]:
    """``count`` different values like ``item``, for ``uniqueItems`` (Discord's
    bulk delete takes two to a hundred message ids): numbers counted up, digit strings
    too, other strings numbered, each kept only if the item schema's pattern allows it."""
    if isinstance(item, bool) or not isinstance(item, (int, float, str)):
        return [item] * count
    step = _constraint(schema, "multipleOf", None) or 1
    pattern = _constraint(schema, "pattern", None)
    values: list[Any] = [item]
    for n in range(1, count):
        if isinstance(item, (int, float)):
            values.append(item + n * step)
        elif item.isdigit():
            values.append(str(int(item) + n))
        else:
            values.append(f"{item}{n + 1}")
    if any(isinstance(v, str) and isinstance(pattern, str) and not _matches(pattern, v) for v in values):
        return [item] * count  # nothing better to offer; the validator will say so
    return values


def _matches(pattern: str, value: str) -> bool:
    """Whether ``value`` matches ``pattern`` as JSON Schema reads it (ECMA-262)."""
    try:
        return compile_pattern(pattern).search(value)
    except InvalidPattern:
        return True  # not a regular expression: nothing better to offer


@lru_cache(maxsize=4096)
def _from_pattern(pattern: str, min_length: int, max_length: int | None) -> str | None:
    """The first few strings the pattern generates (exrex enumerates them in a fixed
    order, so output is reproducible); the first that really matches and fits.

    exrex reads Python's syntax: it generates from an approximation of the ECMA-262
    pattern (``\\p{L}`` as ``a-zA-Z``), and every candidate is checked against the real one.
    """
    try:
        compiled = compile_pattern(pattern)
    except InvalidPattern:
        return None
    try:
        candidates = exrex.generate(python_pattern(compiled), limit=max(20, min_length + 1))
        for candidate in itertools.islice(candidates, 200):
            if (
                candidate
                and len(candidate) >= min_length
                and (max_length is None or len(candidate) <= max_length)
                and compiled.search(candidate)
            ):
                return str(candidate)
    except Exception:  # exrex does not know every regex construct; keep the heuristic value
        return None
    return None


def _empty(schema: Schema) -> Any:
    if "array" in schema.types:
        return []
    if schema.is_object:
        return {}
    return None


def _constraint(schema: Schema, key: str, default: Any) -> Any:
    for name, value in schema.constraints:
        if name == key:
            return value
    return default


def _number(schema: Schema, default: float) -> float:
    """``default`` if it fits the schema's range and step, else a value that does.

    Bounds are numbers here: the model turns 3.0's boolean ``exclusiveMinimum`` into
    the 3.1 form.
    """
    integer = "integer" in schema.types
    low, high = _constraint(schema, "minimum", None), _constraint(schema, "maximum", None)
    low_ex, high_ex = _constraint(schema, "exclusiveMinimum", None), _constraint(schema, "exclusiveMaximum", None)
    step = _constraint(schema, "multipleOf", None)

    def fits(value: float) -> bool:
        return (
            (low is None or value >= low)
            and (high is None or value <= high)
            and (low_ex is None or value > low_ex)
            and (high_ex is None or value < high_ex)
            and (not step or abs(value / step - round(value / step)) < 1e-9)
            and (not integer or float(value).is_integer())
        )

    floor = max((b for b in (low, low_ex) if b is not None), default=None)
    ceiling = min((b for b in (high, high_ex) if b is not None), default=None)
    candidates = [default]
    if floor is not None:
        candidates += [floor, floor + 1]
        if step:
            candidates.append(step * (int(floor / step) + 1))
    if ceiling is not None:
        candidates += [ceiling, ceiling - 1]
    if floor is not None and ceiling is not None:
        candidates.append((floor + ceiling) / 2)
    if step:
        candidates.append(step)
    for value in candidates:
        if fits(value):
            return int(value) if integer else value
    return default


def _singular(name: str | None) -> str | None:
    if name and name.endswith("s") and len(name) > 3:
        return name[:-1]
    return name
