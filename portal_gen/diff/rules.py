"""Every kind of change ``portal diff`` reports, and the level it gets in each direction.

A change to a schema means different things in a request (what clients send) and in a
response (what clients receive): a new enum value is harmless in a request and may
break a client's ``switch`` in a response. Each kind therefore has two levels, one per
direction; kinds that have no direction (an operation removed) use the same level
twice. Webhooks and callbacks are the API calling the client, so their request bodies
are judged as responses and their responses as requests.

Levels, from oasdiff's and Bump.sh's practice:

- **breaking**: a client that worked may fail (a required request field added, a
  success response's field removed, an enum value removed from a request).
- **warning**: may break a client that did not follow the spec (a new enum value or a
  new ``2xx`` status in a response, an optional response field removed).
- **info**: nothing that worked stops working (an optional field added, a bound
  loosened in a request).
"""

from __future__ import annotations

from dataclasses import dataclass

BREAKING, WARNING, INFO = "breaking", "warning", "info"
LEVELS = (INFO, WARNING, BREAKING)  # ascending
ADDED, CHANGED, DEPRECATED, REMOVED = "Added", "Changed", "Deprecated", "Removed"
SECTIONS = (ADDED, CHANGED, DEPRECATED, REMOVED)  # Keep a Changelog's order


@dataclass(frozen=True)
class Rule:
    """What a kind of change means: its level in a request and in a response, and the
    changelog section it goes to."""

    request: str
    response: str
    section: str
    summary: str

    def level(self, direction: str | None) -> str:
        return self.response if direction == "response" else self.request


def _rule(request: str, response: str | None, section: str, summary: str) -> Rule:
    return Rule(request, response or request, section, summary)


B, W, N = BREAKING, WARNING, INFO  # N: no harm
RULES: dict[str, Rule] = {
    # Operations and webhooks
    "operation-added": _rule(N, None, ADDED, "an operation was added"),
    "operation-removed": _rule(B, None, REMOVED, "an operation was removed"),
    "operation-deprecated": _rule(N, None, DEPRECATED, "an operation was deprecated"),
    "operation-undeprecated": _rule(N, None, CHANGED, "an operation is no longer deprecated"),
    "operation-id-changed": _rule(W, None, CHANGED, "operationId changed (generated SDKs rename the method)"),
    "webhook-added": _rule(N, None, ADDED, "a webhook was added"),
    "webhook-removed": _rule(W, None, REMOVED, "a webhook was removed (subscribers stop receiving it)"),
    "path-parameter-renamed": _rule(N, None, CHANGED, "a path parameter was renamed (the URL is the same)"),
    # Parameters
    "required-parameter-added": _rule(B, None, ADDED, "a required parameter was added"),
    "parameter-added": _rule(N, None, ADDED, "an optional parameter was added"),
    "parameter-removed": _rule(W, None, REMOVED, "a parameter was removed (the server may ignore or reject it)"),
    "parameter-became-required": _rule(B, None, CHANGED, "a parameter became required"),
    "parameter-became-optional": _rule(N, None, CHANGED, "a parameter became optional"),
    "parameter-style-changed": _rule(B, None, CHANGED, "a parameter's serialization (style/explode) changed"),
    "parameter-deprecated": _rule(N, None, DEPRECATED, "a parameter was deprecated"),
    # Request bodies
    "request-body-added": _rule(N, None, ADDED, "an optional request body was added"),
    "required-request-body-added": _rule(B, None, ADDED, "a required request body was added"),
    "request-body-removed": _rule(W, None, REMOVED, "the request body was removed"),
    "request-body-became-required": _rule(B, None, CHANGED, "the request body became required"),
    "request-body-became-optional": _rule(N, None, CHANGED, "the request body became optional"),
    "request-media-type-added": _rule(N, None, ADDED, "a request media type was added"),
    "request-media-type-removed": _rule(B, None, REMOVED, "a request media type was removed"),
    # Responses
    "success-response-added": _rule(W, None, ADDED, "a success status was added (clients may not handle it)"),
    "response-added": _rule(N, None, ADDED, "a response status was added"),
    "success-response-removed": _rule(B, None, REMOVED, "a success status was removed"),
    "response-removed": _rule(N, None, REMOVED, "a non-success response status was removed"),
    "response-media-type-added": _rule(N, None, ADDED, "a response media type was added"),
    "response-media-type-removed": _rule(B, None, REMOVED, "a response media type was removed"),
    "response-header-added": _rule(N, None, ADDED, "a response header was added"),
    "required-response-header-removed": _rule(B, None, REMOVED, "a required response header was removed"),
    "response-header-removed": _rule(W, None, REMOVED, "an optional response header was removed"),
    "response-header-became-optional": _rule(B, None, CHANGED, "a response header is no longer always sent"),
    # Schemas (properties)
    "required-property-added": _rule(B, N, ADDED, "a required property was added"),
    "property-added": _rule(N, N, ADDED, "an optional property was added"),
    "required-property-removed": _rule(W, B, REMOVED, "a required property was removed"),
    "property-removed": _rule(W, W, REMOVED, "an optional property was removed"),
    # A rename is its removal and its addition: as bad as the worse of the two. An
    # optional property renamed is an optional one removed (warning both ways).
    "required-property-renamed": _rule(B, B, CHANGED, "a required property was renamed"),
    "property-renamed": _rule(W, W, CHANGED, "an optional property was renamed"),
    # additionalProperties: false: a client still sending the property is now refused.
    "closed-property-removed": _rule(
        B, W, REMOVED, "a property was removed from a schema that refuses unknown properties"
    ),
    "property-became-required": _rule(B, N, CHANGED, "a property became required"),
    "property-became-optional": _rule(N, B, CHANGED, "a property became optional"),
    "property-became-read-only": _rule(W, N, CHANGED, "a property became read-only"),
    "property-became-write-only": _rule(N, B, CHANGED, "a property became write-only"),
    "schema-deprecated": _rule(N, N, DEPRECATED, "a field was deprecated"),
    # Schemas (values)
    "type-changed": _rule(B, B, CHANGED, "the type changed"),
    "type-widened": _rule(N, B, CHANGED, "the type accepts more values"),
    "type-narrowed": _rule(B, N, CHANGED, "the type accepts fewer values"),
    "became-nullable": _rule(N, B, CHANGED, "null is now allowed"),
    "became-not-nullable": _rule(B, N, CHANGED, "null is no longer allowed"),
    "format-added": _rule(B, N, CHANGED, "a format was added"),
    "format-removed": _rule(N, W, CHANGED, "the format was removed"),
    "format-changed": _rule(B, B, CHANGED, "the format changed"),
    "format-widened": _rule(N, B, CHANGED, "the format accepts more values (int32 to int64, float to double)"),
    "format-narrowed": _rule(B, N, CHANGED, "the format accepts fewer values (int64 to int32, double to float)"),
    "enum-value-added": _rule(N, W, CHANGED, "an enum value was added"),
    "enum-value-removed": _rule(B, N, CHANGED, "an enum value was removed"),
    "enum-added": _rule(B, N, CHANGED, "values are now restricted to an enum"),
    "enum-removed": _rule(N, W, CHANGED, "values are no longer restricted to an enum"),
    "bound-tightened": _rule(B, N, CHANGED, "a bound was tightened"),
    # Breaking in a response, as a wider type or format is: a client sized to the old
    # bound (a column, a buffer, a generated model that validates maxLength) fails on a
    # value it was promised it would never get. oasdiff (1.31) judges the same:
    # response-property-max-increased, -max-length-increased, -min-decreased are errors.
    "bound-loosened": _rule(N, B, CHANGED, "a bound was loosened"),
    "pattern-added": _rule(B, N, CHANGED, "a pattern was added"),
    "pattern-changed": _rule(B, W, CHANGED, "the pattern changed"),
    "pattern-removed": _rule(N, W, CHANGED, "the pattern was removed"),
    "default-changed": _rule(W, N, CHANGED, "the default changed (clients that omit the value get another)"),
    "additional-properties-forbidden": _rule(B, N, CHANGED, "unknown properties are no longer allowed"),
    "additional-properties-allowed": _rule(N, W, CHANGED, "unknown properties are now allowed"),
    "variant-added": _rule(N, W, CHANGED, "a oneOf/anyOf variant was added"),
    "variant-removed": _rule(B, N, CHANGED, "a oneOf/anyOf variant was removed"),
    # Models (components/schemas)
    "model-added": _rule(N, None, ADDED, "a model was added"),
    "model-removed": _rule(N, None, REMOVED, "a model no operation uses was removed"),
    # The same bytes on the wire; said so that the changelog does not show a model added.
    "model-renamed": _rule(N, None, CHANGED, "a model was renamed (its content is the same)"),
    # Security and servers
    "security-added": _rule(B, None, CHANGED, "authentication is now required"),
    "security-removed": _rule(N, None, CHANGED, "authentication is no longer required"),
    "security-requirement-added": _rule(N, None, ADDED, "a way to authenticate was added"),
    "security-requirement-removed": _rule(B, None, REMOVED, "a way to authenticate was removed"),
    "security-scopes-added": _rule(B, None, CHANGED, "more OAuth scopes are required"),
    "security-scopes-removed": _rule(N, None, CHANGED, "fewer OAuth scopes are required"),
    "security-scheme-changed": _rule(B, None, CHANGED, "a security scheme changed how credentials are sent"),
    "server-added": _rule(N, None, ADDED, "a server was added"),
    "server-removed": _rule(B, None, REMOVED, "a server was removed"),
}
