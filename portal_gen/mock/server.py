"""Serve a :class:`~portal_gen.mock.app.MockApi` over HTTP, in a background thread.

The thin IO around the pure core: read the request, hand it to ``MockApi.handle``,
write the answer. It binds only the host it is given (127.0.0.1 by default), so the
mock is not reachable from other machines unless asked.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from .app import MockApi, MockResponse, error_response

_MAX_BODY = 64 * 1024 * 1024


class MockServer:
    """A running mock server: ``url`` to call it, ``close()`` (or ``with``) to stop it."""

    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread, base_path: str) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}"
        self.base_url = self.url + base_path  # with the spec's server path, e.g. /v1

    def wait(self) -> None:
        """Block until the server is closed (for ``portal mock``; Ctrl-C interrupts).

        Sleeps, not ``Thread.join()``: a KeyboardInterrupt that lands inside join's lock
        acquisition can leave the thread's state half-updated (CPython bpo-45274), and
        the join in :meth:`close` must then wait for a thread already stopped."""
        while self._thread.is_alive():
            time.sleep(0.2)

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> MockServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def serve_mock(
    mock: MockApi, host: str = "127.0.0.1", port: int = 0, *, log: Callable[[str], None] | None = None
) -> MockServer:
    """Start serving ``mock`` on ``host:port`` (port 0: any free port) in a daemon
    thread; returns at once. ``log`` receives one line per request
    (``GET /v1/messages 200``)."""

    server_class = _Server6 if ":" in host else _Server
    server = server_class((host, port), mock, log)
    thread = threading.Thread(target=server.serve_forever, name=f"portal-mock-{port}", daemon=True)
    thread.start()
    return MockServer(server, thread, mock.base_path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up close()

    def __init__(self, address: tuple[str, int], mock: MockApi, log: Callable[[str], None] | None) -> None:
        self.mock = mock
        self.log = log
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer would look up the host's FQDN, which can stall on a DNS timeout.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "portal-mock"
    timeout = 60  # an idle keep-alive connection is closed after this many seconds
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # requests are reported through ``log``, not stderr

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            body = None
        if body is None:
            response = error_response(400, "unreadable request body", ["bad Content-Length or chunked encoding"])
            self.close_connection = True
        elif len(body) > _MAX_BODY:
            response = error_response(413, "request body too large", [f"the mock accepts at most {_MAX_BODY} bytes"])
            self.close_connection = True
        else:
            try:
                response = self.server.mock.handle(self.command, self.path, self.headers.items(), body)
            except Exception as exc:  # a bug in the mock: answer, then let it print its traceback
                self._send(error_response(500, "the mock server failed", [repr(exc)]))
                self.close_connection = True
                raise
        self._send(response)

    def _send(self, response: MockResponse) -> None:
        if self.server.log is not None:  # before answering: a caller may read the log next
            self.server.log(f"{self.command} {self.path} {response.status}")
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _read_body(self) -> bytes:
        """The body as sent (ValueError when its framing is broken); more than
        ``_MAX_BODY`` bytes are cut at one byte over, enough to refuse it."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(min(length, _MAX_BODY + 1)) if length else b""

    def _read_chunked(self) -> bytes:
        data = b""
        while len(data) <= _MAX_BODY:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():  # trailers, then the blank line
                    pass
                return data
            data += self.rfile.read(size)
            self.rfile.readline()
        return data

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = _handle
