"""Check a request's credentials against an operation's security requirements (pure).

The mock checks that credentials are *present and well formed*, never what they are:
any one requirement whose schemes are all satisfied lets the request in.

- HTTP bearer, OAuth 2 and OpenID Connect: ``Authorization: Bearer <non-empty token>``
- HTTP basic: ``Authorization: Basic <base64 of user:password>``
- other HTTP schemes: ``Authorization: <Scheme> <non-empty credentials>``
- API keys: a non-empty header, query parameter or cookie of the scheme's name
- mutual TLS, and scheme names the spec does not define: cannot be checked, so satisfied
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from ..model.api import Api, Operation, SecurityScheme
from .params import Headers


def check_credentials(
    api: Api,
    op: Operation,
    headers: Headers,
    query: tuple[tuple[str, str], ...],
    cookies: Mapping[str, tuple[str, ...]],
) -> list[str]:
    """Nothing when some security requirement is met; else, for each requirement, what
    to send (``bearerAuth: send 'Authorization: Bearer <token>'``)."""
    if not op.security:
        return []
    problems = []
    for requirement in op.security:
        missing = []
        for name, _scopes in requirement.schemes:
            scheme = api.security_scheme(name)
            if scheme is not None and not _satisfied(scheme, headers, query, cookies):
                missing.append(_wanted(scheme))
        if not missing:
            return []
        label = " + ".join(name for name, _ in requirement.schemes)
        problems.append(f"{label}: send {' and '.join(missing)}")
    return problems


def challenge(api: Api, op: Operation) -> str | None:
    """A ``WWW-Authenticate`` value naming the HTTP schemes the operation accepts."""
    labels = []
    for requirement in op.security:
        for name, _ in requirement.schemes:
            scheme = api.security_scheme(name)
            if scheme is not None and scheme.type in ("http", "oauth2", "openIdConnect"):
                label = _http_label(scheme)
                labels.append(f'{label} realm="mock"')
    return ", ".join(dict.fromkeys(labels)) or None


def _http_label(scheme: SecurityScheme) -> str:
    if scheme.type != "http":
        return "Bearer"
    kind = (scheme.scheme or "bearer").lower()
    return {"bearer": "Bearer", "basic": "Basic"}.get(kind, scheme.scheme or "Bearer")


def _satisfied(
    scheme: SecurityScheme,
    headers: Headers,
    query: tuple[tuple[str, str], ...],
    cookies: Mapping[str, tuple[str, ...]],
) -> bool:
    if scheme.type in ("http", "oauth2", "openIdConnect"):
        label, _, credentials = (headers.get("Authorization") or "").strip().partition(" ")
        credentials = credentials.strip()
        if label.lower() != _http_label(scheme).lower() or not credentials:
            return False
        return _basic_ok(credentials) if label.lower() == "basic" else True
    if scheme.type == "apiKey" and scheme.param_name:
        if scheme.location == "header":
            return bool(headers.get(scheme.param_name))
        if scheme.location == "query":
            return any(k == scheme.param_name and v for k, v in query)
        if scheme.location == "cookie":
            return any(cookies.get(scheme.param_name, ()))
    return True  # mutualTLS, or a scheme the mock cannot see


def _basic_ok(credentials: str) -> bool:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return ":" in decoded


def _wanted(scheme: SecurityScheme) -> str:
    if scheme.type == "apiKey":
        where = {"header": "header", "query": "query parameter", "cookie": "cookie"}.get(scheme.location or "", "")
        return f"{where} '{scheme.param_name}'".strip()
    label = _http_label(scheme)
    if label == "Basic":
        return "'Authorization: Basic <base64 of user:password>'"
    if label == "Bearer":
        return "'Authorization: Bearer <token>'"
    return f"'Authorization: {label} <credentials>'"
