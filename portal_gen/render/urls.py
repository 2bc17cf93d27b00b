"""The one URL policy for every URL a spec or content file supplies: a page links to it
only if a browser would read it as ``http``, ``https``, ``mailto`` or relative.

Spec and content authors are not the readers of the portal, so a URL from them must not
be able to run script in the portal's origin. Checking "starts with ``javascript:``"
is not enough: browsers clean a URL before they read its scheme, and the checks must
see the URL as the browser will. :func:`safe_url` follows the WHATWG URL standard
(what every current browser implements):

* leading and trailing C0 control characters and spaces (U+0000 to U+0020) are
  stripped, so ``" javascript:alert(1)"`` and ``"\\x01javascript:..."`` are
  ``javascript:`` URLs;
* ASCII tab and newline (U+0009, U+000A, U+000D) are removed wherever they are, so
  ``"java\\tscript:"`` is ``javascript:``;
* the scheme is an ASCII letter followed by letters, digits, ``+``, ``-`` or ``.``,
  up to a ``:``, in any case (``JaVaScRiPt:``). Anything else before the first ``:``
  (a ``/``, ``?``, ``#``, ``%``, ``&``, a space...) means there is no scheme: the URL is
  relative to the page, which is harmless;
* a URL with no scheme but starting with ``//`` (or ``\\\\``, which browsers read the
  same) is a network URL on another host that inherits the page's scheme, ``https``
  or ``http``: it is kept, as an ``https://`` URL to that host would be.

Portal's templates escape attribute values, so a browser sees the URL's text exactly:
``javascript&#58;alert(1)`` arrives as a relative URL, not as ``javascript:``. The value
is still judged decoded as well (every round of HTML character references, until
nothing changes): a template override that writes a URL unescaped, or a future filter
that unescapes, must not turn a URL this module kept into script. No real link needs a
character reference to spell its scheme, so this refuses nothing of value.
"""

from __future__ import annotations

import html
import re

SCHEMES = frozenset({"http", "https", "mailto"})
"""The schemes a page may link to; anything else but a relative URL is shown as text."""

_C0_CONTROL_OR_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_DECODE_ROUNDS = 8  # more rounds of character references than this is no URL anyone writes


def safe_url(raw: object) -> str | None:
    """The URL to link to for ``raw`` (a URL from the spec or content), or ``None``
    when it must be shown as plain text instead of a link.

    The URL returned is ``raw`` as a browser reads it (surrounding whitespace and
    control characters, and tabs and newlines inside, removed); a browser follows it
    exactly as it would have followed ``raw``. ``None`` for anything but a string, for
    an empty URL, and for a URL whose scheme is not ``http``, ``https`` or ``mailto``,
    read as is or after decoding HTML character references (see the module's text).
    """
    if not isinstance(raw, str):
        return None
    url = browser_form(raw)
    if not url or not _allowed(url):
        return None
    text = raw
    for _ in range(_DECODE_ROUNDS):
        decoded = html.unescape(text)
        if decoded == text:
            return url
        if not _allowed(browser_form(decoded)):
            return None
        text = decoded
    return None  # still decoding after that many rounds: not a URL


def browser_form(raw: str) -> str:
    """``raw`` as the WHATWG URL parser starts from it: without leading or trailing C0
    controls and spaces, and without ASCII tabs and newlines anywhere."""
    return _TAB_OR_NEWLINE.sub("", raw.strip(_C0_CONTROL_OR_SPACE))


def url_scheme(url: str) -> str | None:
    """The scheme of a URL in :func:`browser_form`, in lower case; ``None`` for a
    relative URL (including a network-path one, ``//host/path``)."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def relative_link(url: str) -> str:
    """``url``, a relative URL made by joining paths, as one a browser reads as relative:
    a first segment with a colon (``javascript:alert(1)/``, from a page or a link target
    named so, or ``./javascript:alert(1)/`` once normalized) would be read as a scheme,
    so it gets ``./`` in front, as RFC 3986 (section 4.2) says to write it."""
    return "./" + url if url_scheme(browser_form(url)) is not None else url


def _allowed(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is None or scheme in SCHEMES
