"""openapi-spec-validator judging the spec's own ``pattern`` fields as ECMA-262 with the
``u`` flag, as :mod:`portal_gen.checks.ecma` reads every other pattern.

With regress installed, openapi-schema-validator reads patterns as ECMA-262 already, but
without the ``u`` flag: ``^\\p{L}+$`` is then valid and means the letters ``p{L}``, so a
``default: Grüße`` on it is reported as not matching. The fix subclasses
openapi-spec-validator's keyword validators and sets attributes they read
(``schema_validator_cls``, ``value_validator_cls`` and their format checkers), which the
library does not document: it is here, behind the switch, verified on its 0.9 releases.
Without it the spec's patterns are read as openapi-schema-validator reads them.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, cast

from ..checks.ecma import ecma_format_checker, ecma_validator

_T = TypeVar("_T")


def ecma_spec_validator(cls: type[_T]) -> type[_T]:
    """The openapi-spec-validator class ``cls`` (``OpenAPIV30SpecValidator``,
    ``OpenAPIV31SpecValidator``) judging the spec as ECMA-262 would: each schema's
    ``pattern`` (and 3.1's ``patternProperties`` names) as a regular expression, and each
    ``default`` against its schema's patterns.

    The class keeps ``cls``'s name. Only the checks of schemas change; the document's
    check against the OpenAPI meta-schema (``schema_validator``, jsonschema-rs or
    jsonschema) is left as it is: its own patterns are ASCII, read alike by all. Cached.
    """
    return cast("type[_T]", _spec_validator(cast(Any, cls)))


@cache
def _spec_validator(cls: Any) -> Any:
    keywords = dict(cls.keyword_validators)
    schema_keyword = keywords.get("schema")
    if schema_keyword is not None:
        attrs: dict[str, Any] = {"__module__": __name__}
        if hasattr(schema_keyword, "schema_validator_format_checker"):  # 3.1, 3.2: a validator per dialect
            attrs["schema_validator_format_checker"] = ecma_format_checker(
                schema_keyword.schema_validator_format_checker
            )
        elif hasattr(schema_keyword, "schema_validator_cls"):  # 3.0 (and 2.0)
            attrs["schema_validator_cls"] = ecma_validator(schema_keyword.schema_validator_cls)
        keywords["schema"] = type(f"ECMA{schema_keyword.__name__}", (schema_keyword,), attrs)
    value_keyword = keywords.get("default")
    if value_keyword is not None and hasattr(value_keyword, "value_validator_cls"):
        keywords["default"] = type(
            f"ECMA{value_keyword.__name__}",
            (value_keyword,),
            {
                "__module__": __name__,
                "value_validator_cls": ecma_validator(value_keyword.value_validator_cls),
                "value_validator_format_checker": ecma_format_checker(value_keyword.value_validator_format_checker),
            },
        )
    # Same name: callers tell 3.0 from 3.1 by it.
    attrs = {"__module__": __name__, "__qualname__": cls.__qualname__, "keyword_validators": keywords}
    return type(cls.__name__, (cls,), attrs)
