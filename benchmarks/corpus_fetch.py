#!/usr/bin/env python3
"""Gather the corpus of real OpenAPI descriptions that ``corpus.py`` builds.

The corpus is listed in ``benchmarks/corpus-sources.json``: for each spec, its name, where
it comes from (an npm package and version, or a GitHub repository, commit and paths), the
file to build (``entry``) and a few figures (format, size, operation count, SHA-256 of
the entry). Each spec is put in a folder of its own, ``benchmarks/.cache/corpus/NAME/``
(gitignored: fetched data is never committed), so that a spec split over several files
keeps its relative ``$ref``\\ s.

* npm sources are re-gathered from the registry: ``npm pack PACKAGE@VERSION`` into
  ``benchmarks/.cache/pkgs/`` (once; later runs reuse the tarball), then the listed paths
  are extracted from it. This is the only network access.
* GitHub sources need a local git copy of the repository at the listed commit: pass
  ``--git DIR``, a folder holding git directories (or clones) named ``OWNER+NAME``,
  ``OWNER+NAME/repo`` or ``OWNER/NAME``. Without it (or when the commit is missing) the
  spec is reported as skipped; clone the repository and check out the commit by hand.

After extracting, the SHA-256 of each entry is compared with the manifest's (a mismatch
is reported, not fatal). ``--update`` instead recomputes every figure of the manifest
from the files in the corpus folder (it needs PyYAML, which portal installs, to count the
operations of YAML specs).

Usage::

    python benchmarks/corpus_fetch.py [--git DIR] [--only NAME,...] [--force] [--update]

Standard library only (PyYAML for ``--update``); Python 3.10+; npm on the ``PATH`` for
npm sources.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
PACKAGES_DIR = CACHE_DIR / "pkgs"
CORPUS_DIR = CACHE_DIR / "corpus"
MANIFEST = BENCH_DIR / "corpus-sources.json"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def npm_tarball(package: str, version: str) -> Path:
    """The packed tarball of ``package@version``, fetched with ``npm pack`` when missing."""
    stem = package.lstrip("@").replace("/", "-")
    tarball = PACKAGES_DIR / f"{stem}-{version}.tgz"
    if not tarball.is_file():
        PACKAGES_DIR.mkdir(parents=True, exist_ok=True)
        progress(f"npm pack {package}@{version} ...")
        subprocess.run(
            ["npm", "pack", "--silent", f"{package}@{version}", "--pack-destination", str(PACKAGES_DIR)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return tarball


def extract_npm(source: dict[str, Any], target: Path) -> None:
    tarball = npm_tarball(source["package"], source["version"])
    wanted = [f"package/{path}" for path in source["paths"]]
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            for path in wanted:
                if member.name == path:
                    relative = path.rsplit("/", 1)[-1]
                elif member.name.startswith(path.rstrip("/") + "/"):
                    relative = member.name[len(path.rstrip("/")) + 1 :]
                else:
                    continue
                out = target / relative
                out.parent.mkdir(parents=True, exist_ok=True)
                extracted = archive.extractfile(member)
                assert extracted is not None
                out.write_bytes(extracted.read())


def git_dir(root: Path, repo: str) -> Path | None:
    owner, name = repo.split("/")
    for candidate in (root / f"{owner}+{name}" / "repo", root / f"{owner}+{name}", root / owner / name):
        if (candidate / "HEAD").is_file() or (candidate / ".git").exists():
            return candidate
    return None


def extract_github(source: dict[str, Any], target: Path, root: Path) -> None:
    """Copy the listed paths at the listed commit. A listed file lands in ``target`` by its
    base name; a listed folder's content lands under ``target`` with its own layout,
    except when several paths are listed: then each keeps its path from the repository
    root (so that relative ``$ref``\\ s between them still resolve)."""
    found = git_dir(root, source["repo"])
    if found is None:
        raise LookupError(f"no git copy of {source['repo']} under {root}")
    git = ["git", "--git-dir", str(found)] if (found / "HEAD").is_file() else ["git", "-C", str(found)]
    commit = source["commit"]
    keep_layout = len(source["paths"]) > 1
    for path in source["paths"]:
        kind = subprocess.run([*git, "cat-file", "-t", f"{commit}:{path}"], capture_output=True, text=True)
        if kind.returncode != 0:
            raise LookupError(f"{source['repo']}@{commit[:12]} has no {path}")
        if kind.stdout.strip() == "blob":
            data = subprocess.run([*git, "show", f"{commit}:{path}"], capture_output=True, check=True).stdout
            out = target / (path if keep_layout else path.rsplit("/", 1)[-1])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            continue
        archive = subprocess.run([*git, "archive", "--format=tar", commit, path], capture_output=True, check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            for member in tar.getmembers():
                if not member.isfile():
                    continue
                relative = member.name if keep_layout else member.name[len(path.rstrip("/")) + 1 :]
                out = target / relative
                out.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                assert extracted is not None
                out.write_bytes(extracted.read())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def describe(folder: Path, entry: str) -> dict[str, Any]:
    """Figures of the spec at ``folder/entry``: format, version, size, files, operations."""
    import yaml  # PyYAML, installed with portal

    spec = folder / entry
    raw = spec.read_bytes()
    text = raw.decode("utf-8-sig")
    if spec.suffix == ".json":
        document = json.loads(text)
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        fmt = "JSON, one line" if lines <= 1 else "JSON"
    else:
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        fmt = "YAML"
    files = [path for path in folder.rglob("*") if path.is_file()]
    version = document.get("openapi") or (f"swagger {document['swagger']}" if "swagger" in document else "?")
    operations = 0
    for item in (document.get("paths") or {}).values():
        if isinstance(item, dict) and isinstance(item.get("$ref"), str) and not item["$ref"].startswith("#"):
            try:
                target = spec.parent / item["$ref"].split("#")[0]
                item = yaml.load(
                    target.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                )
            except (OSError, yaml.YAMLError):
                item = {}
        if isinstance(item, dict):
            operations += sum(1 for key in item if key in HTTP_METHODS)
    return {
        "format": fmt,
        "openapi": str(version),
        "bytes": len(raw),
        "files": len(files),
        "files_bytes": sum(path.stat().st_size for path in files),
        "operations": operations,
        "webhooks": len(document.get("webhooks") or {}),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="the list of specs (default: %(default)s)")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="where to put them (default: %(default)s)")
    parser.add_argument("--git", type=Path, help="folder of local git copies, for the GitHub sources")
    parser.add_argument("--only", help="comma-separated names: gather only these")
    parser.add_argument("--force", action="store_true", help="replace specs already in the corpus folder")
    parser.add_argument("--update", action="store_true", help="recompute the manifest's figures from the corpus")
    args = parser.parse_args(argv)

    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    only = set(args.only.split(",")) if args.only else None
    specs = [spec for spec in manifest["specs"] if only is None or spec["name"] in only]
    if args.update:
        for spec in specs:
            folder = args.corpus / spec["name"]
            if (folder / spec["entry"]).is_file():
                spec.update(describe(folder, spec["entry"]))
            else:
                progress(f"{spec['name']}: not in {args.corpus}, figures left as they are")
        args.manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{args.manifest}: figures of {len(specs)} specs updated")
        return 0

    gathered = skipped = mismatched = 0
    for spec in specs:
        folder = args.corpus / spec["name"]
        if (folder / spec["entry"]).is_file() and not args.force:
            gathered += 1
            continue
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        source = spec["source"]
        try:
            if source["type"] == "npm":
                extract_npm(source, folder)
            elif args.git is None:
                raise LookupError("a GitHub source: pass --git DIR with a copy of " + source["repo"])
            else:
                extract_github(source, folder, args.git)
        except (LookupError, subprocess.CalledProcessError, OSError, tarfile.TarError) as error:
            shutil.rmtree(folder, ignore_errors=True)
            progress(f"{spec['name']}: skipped ({error})")
            skipped += 1
            continue
        if not (folder / spec["entry"]).is_file():
            progress(f"{spec['name']}: {spec['entry']} not found after extraction")
            skipped += 1
            continue
        if spec.get("sha256") and sha256(folder / spec["entry"]) != spec["sha256"]:
            progress(f"{spec['name']}: SHA-256 differs from the manifest's")
            mismatched += 1
        gathered += 1
    print(f"{gathered} specs in {args.corpus}, {skipped} skipped, {mismatched} with another SHA-256")
    return 1 if skipped or mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
