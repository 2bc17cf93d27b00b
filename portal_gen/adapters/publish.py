"""Publish a built site atomically: build next to the target, swap on success."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_PREFIX = ".portal-"


@contextmanager
def atomic_directory(target: Path, spare: Path | None = None) -> Iterator[Path]:
    """Yield a fresh sibling directory to build into; it replaces ``target`` on success.

    On any failure (an exception, Ctrl-C) the half-built directory is removed and
    ``target`` is left exactly as it was. The swap is two renames on one file system;
    the old site is deleted only after the new one is in place. With ``spare``, its
    folders are kept there, emptied, for the next build to reuse (:func:`recycle`).
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
    _remove_later(retired, spare)


def _remove_later(path: Path, spare: Path | None = None) -> None:
    """Delete the old site without making the build wait for it (a second or more on a
    big site): a detached grandchild process deletes it, or with ``spare`` empties it
    into a spare (:func:`~portal_gen.accel.site_folders.keep_folders`). If it is killed first, the next build removes
    what is left (:func:`_remove_stale`: its name holds a dead pid)."""
    if not hasattr(os, "fork"):
        shutil.rmtree(path, ignore_errors=True)
        return
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            if os.fork() == 0:
                os.setsid()
                os.chdir("/")  # hold no directory of the project
                # Renamed for this process first: the next build's _remove_stale then
                # sees a live pid and leaves the folder to it.
                own = path.with_name(f"{path.name.rsplit('-', 1)[0]}-{os.getpid()}")
                try:
                    os.rename(path, own)
                except OSError:
                    own = path
                if spare is None or not _kept_as_spare(own, spare):
                    shutil.rmtree(own, ignore_errors=True)
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


def _kept_as_spare(path: Path, spare: Path) -> bool:
    from ..accel.site_folders import keep_folders  # only when the speed-up gave a spare

    return keep_folders(path, spare)
