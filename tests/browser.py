"""Real headless Chromium (Debian's package, driven by Playwright) and a static server
on 127.0.0.1 for built sites."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port); yields its base URL."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# axe-core (Deque's accessibility engine) from the npm registry: `.ci/run` installs it
# beside the formatters, into $PORTAL_FORMATTERS. Outside CI a missing copy skips the
# accessibility checks; in CI (``CI`` set) it fails them.
NODE_TOOLS = Path(
    os.environ.get("PORTAL_FORMATTERS")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "portal-formatters"
)
AXE_JS = NODE_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots for review, written by the page tests; never committed.
SCREENSHOTS = Path(__file__).resolve().parent.parent / ".screenshots"


def axe_source() -> str:
    """axe-core's script, or a skip (a failure in CI) when it is not installed."""
    import pytest

    if not AXE_JS.exists():
        message = f"axe-core not installed at {AXE_JS} (.ci/run installs it; PORTAL_FORMATTERS says where)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def serious_violations(page, axe: str) -> list[str]:
    """axe-core's serious and critical violations on ``page``, one line per node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Colours are judged at rest: the theme fades its header title while a page
        # scrolls, and a half-faded title is no colour a reader reads.
        page.add_style_tag(
            content="*, *::before, *::after { transition: none !important; animation: none !important; }"
        )
        page.add_script_tag(content=axe)
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .flatMap(v => v.nodes.map(n =>
              `${v.id}: ${n.target.join(' ')}: ${(n.failureSummary || '').split('\\n')[1] || ''}`));
        }"""
    )
    return list(found)


def sideways_overflow(page) -> int:
    """How many pixels ``page`` scrolls sideways (0 when it fits its viewport)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))
