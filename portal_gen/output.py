"""Publish a built site atomically: build next to the target, swap on success."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

_PREFIX = ".portal-"


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh sibling directory to build into; it replaces ``target`` on success.

    On any failure (an exception, Ctrl-C) the half-built directory is removed and
    ``target`` is left exactly as it was. The swap is two renames on one file system;
    the old site is deleted only after the new one is in place.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    staging = target.parent / f"{_PREFIX}new-{target.name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = target.parent / f"{_PREFIX}old-{target.name}-{os.getpid()}"
    if target.exists():
        os.replace(target, retired)
    try:
        os.replace(staging, target)
    except BaseException:
        if retired.exists():
            os.replace(retired, target)
        raise
    _remove_later(retired)


def _remove_later(path: Path) -> None:
    """Delete the old site without making the build wait for it (a second or more on a
    big site): a detached grandchild process deletes it. If it is killed first, the
    next build removes what is left (:func:`_remove_stale`: its name holds a dead pid)."""
    if not hasattr(os, "fork"):
        shutil.rmtree(path, ignore_errors=True)
        return
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            if os.fork() == 0:
                os.setsid()
                os.chdir("/")  # hold no directory of the project
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(child, 0)  # the child exits at once; its child is adopted by init


def _remove_stale(target: Path) -> None:
    """Clean up after a build that was killed before it could clean up itself."""
    for path in sorted(target.parent.glob(f"{_PREFIX}*-{target.name}-*")):
        pid = path.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        if path.name.startswith(f"{_PREFIX}old-") and not target.exists():
            os.replace(path, target)  # killed between the two renames: restore the old site
        else:
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Folders:
    """Folders made by another process while this one renders what goes in them.

    A site of 2,000 pages with folder URLs is 2,000 folders, and on an ext4 volume of a
    cloud machine each ``mkdir`` can cost half a millisecond of kernel time (seen here:
    a second of a three-second rebuild of GitHub's portal). Here a small Python process
    makes them on the other core once the files are known, before any page is written. Whoever writes a file
    still makes its folder if it is not there yet, so this only moves work, and if the
    process cannot start nothing changes. Linux only: that is where it was measured to
    help; elsewhere starting an interpreter may cost more than it saves. Stop it before
    the site is published or removed; it makes nothing once the site's own folder is
    gone (removed after a failure: it never makes that one).
    """

    _MIN_FOLDERS = 32  # fewer are made in less time than starting a process takes
    # -I -S: no site-packages, no environment, no user's code: the standard library only.
    _CODE = (
        "import os, sys\n"
        "root, *folders = sys.stdin.buffer.read().split(b'\\0')\n"
        "for folder in folders:\n"
        "    if not os.path.isdir(root):\n"
        "        break\n"
        "    try:\n"
        "        os.makedirs(folder, exist_ok=True)\n"
        "    except OSError:\n"
        "        pass\n"  # made by whoever writes there, or reported then
    )

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process

    @classmethod
    def start(cls, folders: Collection[str], root: str) -> Folders | None:
        """Make ``folders`` (under ``root``, which must exist) in another process."""
        if len(folders) < cls._MIN_FOLDERS or not sys.platform.startswith("linux"):
            return None
        if not sys.executable or getattr(sys, "frozen", False):  # -c would run the app
            return None
        try:
            with tempfile.TemporaryFile() as listing:  # a pipe would block this process
                listing.write(b"\0".join(os.fsencode(folder) for folder in [root, *sorted(folders)]))
                listing.seek(0)
                process = subprocess.Popen(
                    [sys.executable, "-I", "-S", "-c", cls._CODE],
                    stdin=listing,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
        except OSError:  # no temporary file, no process: the writers make the folders
            return None
        return cls(process)

    def finish(self) -> None:
        """Wait until every folder is made (it is long done when the pages are)."""
        self._process.wait()

    def stop(self) -> None:
        """Stop making folders (the build failed: its site is about to be removed)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
