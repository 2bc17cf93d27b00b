"""ECMA-262 regular expressions: how JSON Schema and OpenAPI read ``pattern``.

Python's ``re`` is another dialect. It refuses ``\\p{L}`` (95 of 354 AWS descriptions
use ``^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$``), and reads some of what both accept
otherwise: ``\\d`` and ``\\w`` take any script's digits and letters where ECMA-262
takes ASCII only, and ``$`` matches before a final newline. regress, a Rust ECMA-262
engine, reads patterns here: for the spec check, for value validation (examples, the
mock server) and for the values snippets show. (jsonschema itself uses ``re``;
openapi-schema-validator uses regress when installed, without the ``u`` flag.)

A pattern is read with the ``u`` (Unicode) flag, as JSON Schema 2020-12 asks (§6.4);
without it ``\\p{L}`` means the letters ``p{L}``. The ``u`` grammar is also stricter:
``\\_`` or a lone ``{`` are errors in it, and specs written for Python's ``re`` are full
of them. So a pattern the ``u`` grammar refuses is read again without its needless
escapes (``\\_`` → ``_``), then, failing that, as ECMA-262's Annex B reads it (what
browsers do without the flag). The readings differ only on ``\\p{…}``, ``\\P{…}`` and
``\\u{…}``, which no one writes meaning ``p{…}``. A pattern is invalid when Annex B
refuses it too: the same patterns openapi-schema-validator refuses with regress.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

import regress

if TYPE_CHECKING:
    from jsonschema import FormatChecker
    from jsonschema.exceptions import ValidationError

_T = TypeVar("_T")

# What ``\X`` may escape with the ``u`` flag: SyntaxCharacter and ``/`` (and ``-`` in a class).
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidPattern(ValueError):
    """A pattern ECMA-262 refuses, even as browsers read it (Annex B)."""


@dataclass(frozen=True, eq=False)
class Pattern:
    """A compiled ``pattern``: ``text`` is what was compiled (``source`` without its
    needless escapes, when that is how it was read), ``unicode`` whether with ``u``.
    A lone surrogate (JSON allows ``"\\ud800"``) is U+FFFD in both patterns and text."""

    source: str
    text: str
    unicode: bool
    regex: regress.Regex

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (JSON Schema does not anchor)."""
        try:
            return self.regex.find(text) is not None
        except UnicodeEncodeError:  # a lone surrogate
            return self.regex.find(_SURROGATE.sub("\ufffd", text)) is not None


def compile_pattern(pattern: str) -> Pattern:
    """``pattern`` compiled as ECMA-262 (cached); :class:`InvalidPattern` if it is not one."""
    found = _compile(pattern)
    if isinstance(found, str):
        raise InvalidPattern(f"{pattern!r} is not a valid regular expression ({found})")
    return found


def is_regex(pattern: object) -> bool:
    """Whether ``pattern`` is a valid ECMA-262 regular expression (a non-string passes,
    as JSON Schema formats only judge strings)."""
    return not isinstance(pattern, str) or not isinstance(_compile(pattern), str)


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches anywhere in ``text``; :class:`InvalidPattern` if it is
    not a regular expression."""
    return compile_pattern(pattern).search(text)


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> Pattern | str:
    """The pattern, or why regress refuses it."""
    text = _SURROGATE.sub("\ufffd", pattern)  # regress takes UTF-8: a lone surrogate is U+FFFD to it
    try:
        return Pattern(pattern, text, True, regress.Regex(text, "u"))
    except regress.RegressError:
        pass
    plain = _drop_needless_escapes(text)
    if plain != text:
        try:
            return Pattern(pattern, plain, True, regress.Regex(plain, "u"))
        except regress.RegressError:
            pass
    try:
        return Pattern(pattern, text, False, regress.Regex(text))
    except regress.RegressError as exc:
        return str(exc)


def _drop_needless_escapes(pattern: str) -> str:
    """``pattern`` with the escapes the ``u`` flag refuses and Annex B reads as the bare
    character (``\\_``, ``\\ ``, ``\\#``, ``\\-`` outside a class) written bare."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            needless = not (escaped.isascii() and escaped.isalnum()) and escaped not in _SYNTAX
            if needless and not (escaped == "-" and in_class):
                out.append(escaped)
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


# Generation: exrex reads Python's syntax.

# A few characters of each Unicode property, enough to generate a sample from; the
# sample is always checked against the real pattern.
_PROPERTY_SAMPLES = {
    "L": "a-zA-Z",
    "Letter": "a-zA-Z",
    "Alphabetic": "a-zA-Z",
    "Alpha": "a-zA-Z",
    "Latin": "a-zA-Z",
    "Latn": "a-zA-Z",
    "Lu": "A-Z",
    "Uppercase_Letter": "A-Z",
    "Uppercase": "A-Z",
    "Ll": "a-z",
    "Lowercase_Letter": "a-z",
    "Lowercase": "a-z",
    "N": "0-9",
    "Number": "0-9",
    "Nd": "0-9",
    "Decimal_Number": "0-9",
    "digit": "0-9",
    "Z": " ",
    "Separator": " ",
    "Zs": " ",
    "Space_Separator": " ",
    "White_Space": " ",
    "space": " ",
    "P": ".,",
    "Punctuation": ".,",
    "S": "+$",
    "Symbol": "+$",
}
# Python's escapes that ECMA-262 reads alike, near enough for a sample (``\1`` is a
# back-reference in both).
_SHARED_ESCAPES = frozenset("dDsSwWbBfnrtv0123456789")


def python_pattern(pattern: Pattern) -> str:
    """A Python ``re`` pattern close to ``pattern``, for exrex to generate samples from.

    Approximate on purpose (``\\p{L}`` becomes ``a-zA-Z``): check every sample with
    :meth:`Pattern.search`.
    """
    text, unicode = pattern.text, pattern.unicode
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            piece, i = _python_escape(text, i, unicode, in_class)
            out.append(piece)
            continue
        if in_class:
            if char == "]":
                in_class = False
            out.append("\\" + char if char in "[&~|" else char)  # Python warns of nested sets
            i += 1
            continue
        if text.startswith("[^]", i):  # any character at all
            out.append(r"[\s\S]")
            i += 3
        elif text.startswith("[]", i):  # no character
            out.append("(?!)")
            i += 2
        elif char == "[":
            in_class = True
            caret = text.startswith("[^", i)
            out.append("[^" if caret else "[")
            i += 2 if caret else 1
        elif text.startswith("(?<", i) and not text.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")  # a named group
            i += 3
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _python_escape(text: str, i: int, unicode: bool, in_class: bool) -> tuple[str, int]:
    """The escape at ``text[i]`` in Python's syntax, and where the next token starts."""
    escaped = text[i + 1]
    if escaped in "pP" and unicode and text.startswith("{", i + 2) and "}" in text[i + 3 :]:
        end = text.index("}", i + 3)
        name = text[i + 3 : end].split("=")[-1]
        sample = _PROPERTY_SAMPLES.get(name, "a-zA-Z0-9")
        if escaped == "P":  # not the property: digits are not letters, letters not the rest
            sample = "0-9" if "a" in sample or "A" in sample else "a-z"
        return (sample if in_class else f"[{sample}]"), end + 1
    code: int | None = None
    end = i + 2
    if escaped == "u" and unicode and text.startswith("{", i + 2) and "}" in text[i + 3 :]:
        end = text.index("}", i + 3) + 1
        code = _hex(text[i + 3 : end - 1])
    elif escaped == "u" and _hex(text[i + 2 : i + 6], 4) is not None:
        end = i + 6
        code = _hex(text[i + 2 : end])
    elif escaped == "x" and _hex(text[i + 2 : i + 4], 2) is not None:
        end = i + 4
        code = _hex(text[i + 2 : end])
    elif escaped == "c" and i + 2 < len(text) and text[i + 2].isascii() and text[i + 2].isalpha():
        end = i + 3
        code = ord(text[i + 2]) % 32
    if code is not None:
        return re.escape(chr(code)) if code <= 0x10FFFF else "", end
    if escaped == "k" and text.startswith("<", i + 2) and ">" in text[i + 3 :]:
        end = text.index(">", i + 3)
        return f"(?P={text[i + 3 : end]})", end + 1
    if escaped in _SHARED_ESCAPES:
        return text[i : i + 2], i + 2
    # Anything else is the character itself (Annex B reads ``\a``, ``\Z``, ``\_`` so).
    return re.escape(escaped), i + 2


def _hex(digits: str, length: int | None = None) -> int | None:
    if not digits or (length is not None and len(digits) != length):
        return None
    try:
        return int(digits, 16)
    except ValueError:
        return None


# jsonschema: keywords, a format checker and validator classes reading ECMA-262.


def ecma_format_checker(base: FormatChecker | None = None) -> FormatChecker:
    """``base``'s formats (every format jsonschema knows when ``None``), with ``regex``
    judged as ECMA-262. Cached: the same ``base`` gives the same checker."""
    return _format_checker(base)


@cache
def _format_checker(base: FormatChecker | None) -> FormatChecker:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checkers.update((base if base is not None else FormatChecker()).checkers)
    checker.checks("regex")(is_regex)
    return checker


def ecma_validator(cls: type[_T]) -> type[_T]:
    """The jsonschema validator class ``cls`` with ``pattern``, ``patternProperties`` and
    ``additionalProperties`` (which also reads ``patternProperties``) matching as
    ECMA-262, and ``format: regex`` judged so, both in values and by ``check_schema``.

    Only the keywords ``cls`` has are replaced (OpenAPI 3.0 has no
    ``patternProperties``). Cached: the same ``cls`` gives the same class.
    """
    return cast("type[_T]", _validator(cast(Any, cls)))


@cache
def _validator(cls: Any) -> Any:
    from jsonschema.validators import extend

    known = cls.VALIDATORS
    keywords: dict[str, Any] = {}
    if "pattern" in known:
        keywords["pattern"] = _pattern
    if "patternProperties" in known:
        keywords["patternProperties"] = _pattern_properties
        if "additionalProperties" in known:
            keywords["additionalProperties"] = _additional_properties
    checker = _format_checker(cls.FORMAT_CHECKER)
    extended = extend(cls, keywords, format_checker=checker)

    # ``check_schema`` judges a schema with its meta-schema's own validator and format
    # checker unless told which: tell it. (openapi-schema-validator sets its classes'
    # ``check_schema`` the same way.)
    def check_schema(schema: Any, format_checker: Any = checker) -> None:
        cls.check_schema(schema, format_checker=format_checker)

    extended.check_schema = staticmethod(check_schema)
    return extended


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "string") or not isinstance(pattern, str):
        return
    try:
        matches = search(pattern, instance)
    except InvalidPattern as exc:
        yield ValidationError(str(exc))
        return
    if not matches:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        try:
            compiled = compile_pattern(pattern)
        except InvalidPattern as exc:
            yield ValidationError(str(exc))
            continue
        for key, value in instance.items():
            if compiled.search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(
    validator: Any, additional: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """jsonschema's ``additionalProperties``, with ``patternProperties`` read as ECMA-262."""
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    compiled = [found for found in map(_compile, patterns) if not isinstance(found, str)]
    extras = {key for key in instance if key not in properties and not any(p.search(key) for p in compiled)}
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        ordered = sorted(extras, key=str)
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in ordered)
            listed = ", ".join(repr(each) for each in sorted(patterns))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {listed}")
        else:
            verb = "was" if len(extras) == 1 else "were"
            joined = ", ".join(repr(each) for each in ordered)
            yield ValidationError(f"Additional properties are not allowed ({joined} {verb} unexpected)")
