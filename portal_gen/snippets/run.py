"""Run a snippet as a real program in its real runtime, safely.

Each run gets a fresh directory, a scrubbed environment (only what the snippet needs),
closed stdin, a timeout, and its own process group, killed whole on timeout so that
nothing it started lives on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .languages import Language

# What a runtime needs from the outside world; everything else is left behind.
_PASSED = ("PATH", "SYSTEMROOT", "JAVA_HOME")


@dataclass(frozen=True)
class RunResult:
    language: str
    returncode: int | None  # None: killed on timeout
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill whatever the snippet left running in its process group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait()


def missing_runtimes(language: Language) -> list[str]:
    """The executables ``language`` needs that are not on PATH."""
    return [name for name in language.executables if shutil.which(name) is None]


def run_snippet(
    language: Language,
    code: str,
    *,
    env: Mapping[str, str] = {},
    files: Mapping[str, bytes] = {},
    timeout: float = 60.0,
    cache_dir: Path | None = None,
    parent: Path | None = None,
) -> RunResult:
    """Write ``code`` (and ``files`` it reads) to a fresh directory and run it there.

    ``parent`` is where that directory is made (default: the system's temp folder);
    ``cache_dir`` is kept between runs for runtimes that cache builds (Go).
    """
    cache = cache_dir or Path(tempfile.gettempdir()) / "portal-snippet-cache"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"portal-{language.id}-", dir=parent) as tmp:
        workdir = Path(tmp)
        (workdir / language.filename).write_text(code, encoding="utf-8")
        for name, content in files.items():
            (workdir / name).write_bytes(content)
        environment = {name: os.environ[name] for name in _PASSED if name in os.environ}
        environment.update(
            {
                "HOME": str(workdir),
                "TMPDIR": str(workdir),
                "LANG": "C.UTF-8",
                "LC_ALL": "C.UTF-8",
                **language.run_env(cache),
                **env,
            }
        )
        argv = [part.replace("{file}", language.filename) for part in language.command]
        started = time.perf_counter()
        process = subprocess.Popen(
            argv,
            cwd=workdir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so a timeout kills it all
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
            returncode: int | None = process.returncode
        except subprocess.TimeoutExpired:
            _kill_group(process)
            stdout, stderr = process.communicate()
            returncode = None
        finally:
            _kill_group(process)  # also what a finished snippet left in the background
        return RunResult(
            language.id,
            returncode,
            stdout.decode("utf-8", "replace"),
            stderr.decode("utf-8", "replace"),
            time.perf_counter() - started,
        )
