"""A content-addressed cache of rendered pages and of the spec's validation verdict, so
a rebuild renders only the pages whose inputs changed.

A page's key (:mod:`.keys`) is a hash of everything the page is made from (:func:`portal_gen.engine.build.generate_site`
makes them, with :class:`SpecDigests` for the parts of the spec):

- what every page depends on (``site``): portal's own code and templates, the user's
  templates, the plugin options, the parts of the spec every operation page shows
  (servers, security, the ``info`` block but its prose), and the plan: every page's
  path and title, since pages link to each other;
- what the page itself shows: for an operation, its path item and every component it
  reaches through ``$ref``, however deep (a description edited three schemas down
  changes the page's key); what one call costs on each plan; the case studies that
  name it. For a guide, the guide, what was measured for it, the operations it calls
  and the guides its next steps name.

Keys over-approximate: a change may re-render a page that comes out the same, never
the reverse. Pages that summarise the whole site (home, landing, indexes, pricing,
case studies) are few and cheap, and are keyed by all of the content and the spec.

A page's HTML is kept in its own file (after a first line that describes it) and read
back when asked for (:attr:`RenderedPage.body`), so the build holds a few pages' HTML,
not the site's.

Entries live in ``.portal-cache/`` as one file per key, written atomically; a build
removes the entries it did not use (:meth:`PageCache.prune`), so the cache holds one
build's worth. Small records read by every build (search's entries for each finished
page, the ``$ref``s of the spec's values) are kept in one file each, in ``memo/``:
each file created costs kernel time, and a big API has thousands of pages.
``PORTAL_CACHE=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, Location
from ..render.html import TocEntry
from ..render.page import RenderedPage
from .keys import code_digest, digest

CACHE_DIR = ".portal-cache"


def cache_enabled() -> bool:
    return os.environ.get("PORTAL_CACHE", "1") not in ("0", "false", "no", "off")


_ENTRIES = (".json", ".html", ".page")  # what prune removes when unused (".page": pages)


def file_facts(found: os.stat_result) -> list[int]:
    """What says a file is the one written then, untouched: its size, modification time
    and inode (rsync's quick check), and its mode and owner, which a site could change
    and the next one inherit."""
    return [found.st_size, found.st_mtime_ns, found.st_ino, found.st_mode, found.st_uid, found.st_gid]


def _read_body(path: Path, size: int | None = None) -> str:
    """The HTML of a page kept by :meth:`PageCache.put`: the ``size`` bytes after the
    first line (as many as its record says, without ``size``)."""
    with open(path, "rb") as entry:
        record = entry.readline()
        if size is None:
            size = int(json.loads(record)["bytes"])
        data = entry.read(size)
    return data.decode("utf-8", errors="surrogatepass")


def _read_twin(path: Path, skip: int) -> str:
    """The Markdown twin of a page kept by :meth:`PageCache.put`: what follows its HTML."""
    with open(path, "rb") as entry:
        entry.readline()
        entry.seek(skip, os.SEEK_CUR)
        return entry.read().decode("utf-8", errors="surrogatepass")


class PageCache:
    """Rendered pages on disk, by key; ``None`` as the directory keeps nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.used: set[str] = set()
        self._folders: set[str] = set()  # the kinds whose folder exists
        self._search = _Memo(self, "search-entries")  # search's entries of each finished page
        self._shared = _Memo(self, "output-files")  # the facts of finished pages shared with a site

    def get(self, key: str) -> RenderedPage | None:
        """The page rendered under ``key``, its HTML read from disk when asked for."""
        self.used.add(key)
        if self.directory is None:
            return None
        path = self._page_path(key)
        try:
            with open(path, "rb") as entry:
                data = json.loads(entry.readline())
                twin_bytes = data.get("twin_bytes")
                if os.fstat(entry.fileno()).st_size - entry.tell() != data["bytes"] + (twin_bytes or 0):
                    return None  # cut short (a crash before the disk had it all)
            toc = tuple(TocEntry(level, anchor, title) for level, anchor, title in data["toc"])
            kind, in_nav, html_digest, size = data["kind"], data["in_nav"], data["digest"], data["size"]
            body = functools.partial(_read_body, path, data["bytes"])
            twin = None if twin_bytes is None else functools.partial(_read_twin, path, data["bytes"])
            return RenderedPage(data["path"], data["title"], body, toc, kind, in_nav, html_digest, size, twin)
        except (OSError, KeyError, TypeError, ValueError):  # missing, or not what this code writes
            return None

    def has_page(self, key: str) -> bool:
        """Whether a page is kept under ``key`` (without reading it)."""
        return self.directory is not None and self._page_path(key).is_file()

    def put(self, key: str, page: RenderedPage) -> RenderedPage:
        """Keep ``page``; return it with its HTML to be read back from disk (or as it
        was, without a cache directory)."""
        self.used.add(key)
        if self.directory is None:
            return page
        html = str(page.html)  # plain text: a Markup would escape the record joined to it
        toc = [[entry.level, entry.id, entry.title] for entry in page.toc]
        encoded = html.encode("utf-8", errors="surrogatepass")
        html_digest = hashlib.sha256(encoded).hexdigest()
        twin = page.markdown
        twin_encoded = twin.encode("utf-8", errors="surrogatepass") if twin is not None else None
        record = {
            "bytes": len(encoded),
            "twin_bytes": len(twin_encoded) if twin_encoded is not None else None,
            "path": page.path,
            "title": page.title,
            "toc": toc,
            "kind": page.kind,
            "in_nav": page.in_nav,
            "digest": html_digest,
            "size": len(html),
        }
        # One file: the record on the first line (JSON escapes every newline), the HTML
        # after it, then the Markdown twin. A file per page, not two or three: on a big
        # API each file created costs a cold build a fraction of a millisecond of kernel
        # time, thousands of times.
        head = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", errors="surrogatepass")
        self._write("pages", key, b"".join((head, encoded, twin_encoded or b"")), suffix=".page")
        path = self._page_path(key)
        body = functools.partial(_read_body, path, len(encoded))
        read_twin = None if twin_encoded is None else functools.partial(_read_twin, path, len(encoded))
        return dataclasses.replace(page, body=body, digest=html_digest, size=len(html), twin=read_twin)

    def _page_path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / "pages" / f"{key}.page"

    def validation(self, key: str) -> list[Diagnostic] | None:
        data = self._read("validation", key)
        if data is None:
            return None
        self.used.add(key)
        return [
            Diagnostic(
                d["message"],
                Location(*d["location"]) if d["location"] else None,
                d["hint"],
                d["rule"],
                d.get("severity", "error"),
            )
            for d in data
        ]

    def keep_validation(self, key: str, problems: list[Diagnostic]) -> None:
        self.used.add(key)
        records = [
            {
                "message": d.message,
                "location": [d.location.file, d.location.line, d.location.column] if d.location else None,
                "hint": d.hint,
                "rule": d.rule,
                "severity": d.severity,
            }
            for d in problems
        ]
        self._write("validation", key, records)

    def mark_used(self, key: str) -> None:
        """Keep the entry under ``key`` through :meth:`prune`, unread."""
        self.used.add(key)

    def schema_verdicts(self, key: str) -> list[str]:
        """Hashes of the schemas that passed the meta-schema check (see :mod:`portal_gen.accel.spec_validator`)."""
        self.used.add(key)
        known = self._read("validation", key)
        return [k for k in known if isinstance(k, str)] if isinstance(known, list) else []

    def keep_schema_verdicts(self, key: str, hashes: Iterable[str]) -> None:
        self.used.add(key)
        self._write("validation", key, sorted(hashes))

    def spec_refs(self) -> dict[str, Any]:
        """What :meth:`SpecDigests.learnt` gave the last build (unchecked JSON), if
        portal's code was the same then: which refs a value holds is for the code to say."""
        data = self._read("memo", "spec-refs")
        if not isinstance(data, dict) or data.get("code") != code_digest():
            return {}
        refs = data.get("refs")
        return refs if isinstance(refs, dict) else {}

    def keep_spec_refs(self, refs: Mapping[str, Sequence[str]]) -> None:
        """Keep the ``$ref``s of the values this build hashed, and nothing older: a
        rebuild finds there most of what it would walk the spec for (a tenth of a
        warm build on GitHub's spec)."""
        self._write("memo", "spec-refs", {"code": code_digest(), "refs": refs})

    def changes(self, key: str) -> Any:
        """What the changelog computed under ``key`` (two commits' specs compared)."""
        return self._read("changelog", key)

    def keep_changes(self, key: str, record: Any) -> None:
        self._write("changelog", key, record)

    def spare_site(self) -> Path | None:
        """Where ``portal build`` keeps the folders of the site it replaced, for the next
        build (see :mod:`.output`); ``None`` without a cache directory."""
        return self.directory / "spare-site" if self.directory is not None else None

    def jinja_directory(self) -> Path:
        """Where Jinja keeps compiled templates (its own cache, keyed by source)."""
        assert self.directory is not None
        folder = self.directory / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # Whole pages as the site generator wrote them, and what search indexed of them.

    def output(self, key: str) -> tuple[Path, Any] | None:
        """Where a finished page's bytes are kept, and its search entries; or ``None``."""
        self.used.add(key)
        if self.directory is None:
            return None
        entries = self._search.get(key)
        path = self.directory / "output" / f"{key}.html"
        try:
            found = path.stat()
        except OSError:
            return None
        if found.st_size == 0 or not isinstance(entries, list):
            return None  # torn by a crash: render again
        linked = self._shared.get(key)
        noted = isinstance(linked, list) and linked[2:3] == [found.st_ino]
        if (noted or found.st_nlink > 1) and linked != file_facts(found):
            # Shared with a site and changed there since (content, mode or owner), or
            # shared in a way this cache did not note: not known to be what was kept.
            return None
        return path, entries

    def link_output(self, key: str, page: Path, facts: list[int]) -> None:
        """Keep ``page``, a file just published by this build (its :func:`file_facts`
        are ``facts``), as the finished page under ``key``: a second name for it, not a
        copy (a copy on another file system).

        The file is then shared with the site, which a user or a tool could change in
        place: its facts (:func:`file_facts`) are noted, and :meth:`output` refuses
        it if they changed (a file of the same name with another inode is one
        :meth:`keep_output` wrote since, and never shared)."""
        self.used.add(key)
        if self.directory is None:
            return
        folder = self.directory / "output"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{key}.html"
        temporary = folder / f"{key}.html.{os.getpid()}-{threading.get_ident()}.tmp"
        try:
            temporary.unlink(missing_ok=True)
            try:
                os.link(page, temporary)  # changes none of its facts
            except OSError:
                shutil.copyfile(page, temporary)
                facts = file_facts(temporary.stat())
            os.replace(temporary, target)
            self._shared.put(key, facts)
        except OSError:
            temporary.unlink(missing_ok=True)  # not kept: rendered again next time

    def share_output(self, key: str, target: Path) -> bool:
        """Link the finished page kept under ``key`` (found by :meth:`output`) to
        ``target`` in a site being built; ``False`` if it cannot be linked."""
        if self.directory is None:
            return False
        source = self.directory / "output" / f"{key}.html"
        try:
            found = os.stat(source)
            if found.st_nlink > 1:
                return False  # a name in another site already: one site's edits stay its own
            os.link(source, target)  # changes none of its facts
        except OSError:
            return False
        self._shared.put(key, file_facts(found))
        return True

    def save_output_facts(self) -> None:
        """Keep what was noted of the finished pages shared with a site, for the pages
        this build used; untouched when nothing changed."""
        self._shared.save()

    def keep_output(self, key: str, html: str) -> None:
        """Keep a finished page, encoded exactly as MkDocs writes it to the site."""
        self.used.add(key)
        self._write("output", key, html.encode("utf-8", errors="xmlcharrefreplace"), suffix=".html")

    def keep_search(self, key: str, entries: Any) -> None:
        """Note what search made of the page under ``key``: kept by :meth:`save_search`."""
        self.used.add(key)
        self._search.put(key, entries)

    def save_search(self) -> None:
        """Keep the search entries of every page this build used, in one file (one file
        per page was a file created per page on a cold build, and read per page on a
        warm one); untouched when this build made none and dropped none."""
        self._search.save()

    def site_files(self, site: Path) -> dict[str, list[Any]]:
        """What the last build published in ``site``: for each generated page's file
        (by its path in the site), the key of its finished page and the file's size,
        modification time (ns) and inode then."""
        data = self._read("sites", digest("site", str(site)))
        return data if isinstance(data, dict) else {}

    def keep_site_files(self, site: Path, files: Mapping[str, list[Any]]) -> None:
        self._write("sites", digest("site", str(site)), files)

    def prune(self) -> None:
        """Remove every entry this build did not use."""
        if self.directory is None:
            return
        for kind in ("pages", "validation", "output", "search"):
            folder = self.directory / kind
            if folder.is_dir():
                for path in folder.iterdir():
                    # A ".tmp" file is a write a crash interrupted (builds of one project
                    # do not run at once: they would share the site folder too).
                    if path.suffix == ".tmp" or (path.stem not in self.used and path.suffix in _ENTRIES):
                        with contextlib.suppress(OSError):  # Windows: held open through a site's name
                            path.unlink(missing_ok=True)

    def _read(self, kind: str, key: str) -> Any:
        if self.directory is None:
            return None
        try:
            return json.loads((self.directory / kind / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing, or torn by a crash: render again

    def _write(self, kind: str, key: str, record: Any, suffix: str = ".json") -> None:
        """Write ``record`` (bytes, text, or else JSON) atomically: a crash leaves the
        old entry or none, never half of one."""
        if self.directory is None:
            return
        folder = self.directory / kind
        if kind not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(kind)
        if isinstance(record, bytes):
            data = record
        else:
            text = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False, separators=(",", ":"))
            data = text.encode("utf-8", errors="surrogatepass")
        # A name of this process and thread's own: unlike mkstemp's random names, it
        # needs no exclusive create (a third of a cold build's time in the cache went
        # there), and two writers never share one. Left behind by a crash, it is
        # overwritten next time or removed by prune.
        target = f"{key}{suffix}"
        temporary = folder / f"{target}.{os.getpid()}-{threading.get_ident()}.tmp"
        with open(temporary, "wb") as out:
            out.write(data)
        os.replace(temporary, folder / target)


class _Memo:
    """One JSON object of ``memo/``, by page key: read when first asked, written back by
    :meth:`save` with the keys the build used, only if something changed."""

    def __init__(self, cache: PageCache, name: str) -> None:
        self._cache = cache
        self._name = name
        self._data: dict[str, Any] | None = None
        self._changed = False

    def get(self, key: str) -> Any:
        return self._read().get(key)

    def put(self, key: str, value: Any) -> None:
        data = self._read()
        if data.get(key) != value:
            data[key] = value
            self._changed = True

    def save(self) -> None:
        data = self._read()
        kept = {key: value for key, value in data.items() if key in self._cache.used}
        if self._changed or len(kept) != len(data):
            self._cache._write("memo", self._name, kept)
            self._data, self._changed = kept, False

    def _read(self) -> dict[str, Any]:
        if self._data is None:
            found = self._cache._read("memo", self._name)
            self._data = found if isinstance(found, dict) else {}
        return self._data
