"""The site's folders, recycled from the last build and made by a second process
(``site_folders``).

Relies on how MkDocs writes a site: it empties ``site_dir`` and then makes each page's
folder as it writes the page, and writes no hidden folders or links.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Collection
from contextlib import suppress
from pathlib import Path

# Reusing the old site's folders.
#
# A site of 2,000 pages with folder URLs is 2,000 folders, made anew by every build
# while the old site's are deleted. On ext4 without a journal (seen on this project's
# cloud machines) the inode allocator skips, one at a time, every inode freed in the
# last minute or more, so each build's folders and files cost more the more the last
# builds deleted: back-to-back warm builds of GitHub's portal took 1.2 s to 2.3 s for
# the same work, their kernel time 0.3 s to 2.6 s. Emptied of its files, the old site
# becomes a spare whose folders the next build moves into its own empty site: no
# folder is made or deleted, and the pages' files are mostly hard links, which free no
# inode when unlinked either.

_MANIFEST = ".portal-folders"  # in a spare: its folders, NUL-separated, parents first
# Linux only, like Folders: where names may differ only by case (macOS, Windows), a
# folder renamed so would be reused under its old name.
_RECYCLING = sys.platform.startswith("linux")


def keep_folders(path: Path, spare: Path) -> bool:
    """Empty ``path`` of everything but its folders, then make it the ``spare``
    (unless there is one already). ``False`` when it did not become the spare: also
    when a folder is not as a new one would be (another owner, or a mode the umask
    would not give: a chmod-ed site), since the next site would inherit it."""
    if not _RECYCLING or spare.exists():  # kept from another build: one spare is enough
        return False
    folders: list[str] = []
    mask = os.umask(0)
    os.umask(mask)  # this process's alone (a detached child): no thread sees the change
    expected = 0o777 & ~mask
    try:
        for top, dirs, files in os.walk(path, onerror=_raise):
            here = os.path.relpath(top, path)
            for name in files:
                os.unlink(os.path.join(top, name))
            for name in list(dirs):
                full = os.path.join(top, name)
                if name.startswith(".") or os.path.islink(full):  # MkDocs writes neither
                    dirs.remove(name)
                    if os.path.islink(full):
                        os.unlink(full)
                    else:
                        shutil.rmtree(full)
                    continue
                found = os.lstat(full)
                if stat.S_IMODE(found.st_mode) != expected or found.st_uid != os.getuid():
                    return False
                folders.append(os.path.normpath(os.path.join(here, name)))
        if not folders:
            return False
        (path / _MANIFEST).write_bytes(b"\0".join(os.fsencode(folder) for folder in folders))
        spare.parent.mkdir(parents=True, exist_ok=True)
        os.rename(path, spare)  # fails if another build's spare came meanwhile
    except OSError:
        return False
    return True


def _raise(error: OSError) -> None:
    raise error


def recycle(spare: Path, site: Path, destinations: Collection[str]) -> list[str]:
    """Move the folders of ``spare`` into ``site``, which MkDocs has just emptied, and
    return them (relative to ``site``, parents first); the spare is gone after.

    Only top-level folders this build writes into (``destinations``: the site's files,
    relative, with ``/``) are moved, by their exact name; a moved folder where the
    build writes a file is removed. Linux only (``_RECYCLING``)."""
    if not _RECYCLING or not spare.is_dir():
        return []
    try:
        listed = [os.fsdecode(raw) for raw in (spare / _MANIFEST).read_bytes().split(b"\0") if raw]
    except OSError:
        listed = []
    wanted = {path.split("/", 1)[0] for path in destinations if "/" in path}
    moved: set[str] = set()
    try:
        if listed:  # else torn (a crash): not knowing its folders, use none
            for entry in os.scandir(spare):
                if entry.name in wanted and entry.is_dir(follow_symlinks=False):
                    try:
                        os.rename(entry.path, site / entry.name)  # fails if the build made it already
                    except OSError:
                        continue
                    moved.add(entry.name)
    finally:
        shutil.rmtree(spare, ignore_errors=True)
    folders = []
    for folder in listed:
        parts = Path(folder).parts
        if parts and not os.path.isabs(folder) and ".." not in parts and parts[0] in moved:
            folders.append(folder)
    files = set(destinations)
    for folder in folders:
        if folder.replace(os.sep, "/") in files:  # a folder then, a file now
            shutil.rmtree(site / folder, ignore_errors=True)
    return folders


def drop_unused(site: Path, folders: Collection[str]) -> None:
    """Remove those of ``folders`` (from :func:`recycle`) that the build left empty, as a
    build into a fresh folder would not have them. Children first; a folder that holds
    anything is not removed (``rmdir`` fails)."""
    for folder in sorted(folders, key=lambda f: f.count(os.sep), reverse=True):
        with suppress(OSError):
            os.rmdir(site / folder)


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
