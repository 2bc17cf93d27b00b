"""`portal serve` previews the site and rebuilds when the spec changes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and text in body:
            return True
        time.sleep(0.3)
    return False


def test_serve_rebuilds_when_the_spec_changes(project) -> None:
    root: Path = project("multifile")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal_gen", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/reference/users/get-user/"
        assert wait_for(url, "Get a user", time.monotonic() + 60), "the preview never came up"
        spec = root / "openapi" / "paths" / "user.yaml"
        spec.write_text(spec.read_text().replace("summary: Get a user", "summary: Fetch one user"))
        assert wait_for(url, "Fetch one user", time.monotonic() + 60), "the change was not rebuilt"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
