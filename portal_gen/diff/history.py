"""Versions of the spec from git: a ref's files, the tags that released a version.

This is the only module of :mod:`portal_gen.diff` that runs git. A ref's spec is read
from the project's folder as it was at that ref (``git archive`` into a temporary
folder), so that its ``$ref``s to other files resolve as they did then; which spec file
it is comes from that ref's mkdocs.yml when it names one.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import PortalError
from ..load.spec import RefPolicy, SpecSource, load_spec

SHALLOW_HINT = (
    "this clone is shallow: fetch the whole history first (`git fetch --unshallow --tags`; "
    "in GitHub Actions, `actions/checkout` with `fetch-depth: 0`)"
)


@dataclass(frozen=True)
class Tag:
    name: str
    commit: str
    date: str  # YYYY-MM-DD: the tag's date (annotated) or its commit's


def git(cwd: Path, *args: str, binary: bool = False) -> Any:
    """Run git in ``cwd``; its output, or None when git fails or is missing."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=120,
            check=False,
            env=_environment(),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")


def _environment() -> dict[str, str]:
    """The user's environment (HOME: their git config, ``safe.directory``...) without
    what a git hook sets for its own repository (``GIT_DIR``, ``GIT_INDEX_FILE``: under
    pre-commit, say), in English, never asking for a password."""
    kept = {
        k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k.startswith(("GIT_CONFIG", "GIT_CEILING"))
    }
    return {**kept, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def repository_root(project_dir: Path) -> Path | None:
    """The top of the git work tree holding ``project_dir``, or None."""
    out = git(project_dir, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out else None


def is_shallow(project_dir: Path) -> bool:
    return (git(project_dir, "rev-parse", "--is-shallow-repository") or "").strip() == "true"


def resolve_ref(project_dir: Path, ref: str) -> str | None:
    """The commit ``ref`` names, or None."""
    out = git(project_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return out.strip() if out else None


def release_tags(project_dir: Path) -> list[Tag]:
    """Every tag reachable from HEAD, oldest first."""
    out = git(
        project_dir,
        "for-each-ref",
        "--merged=HEAD",
        "--sort=creatordate",
        "--format=%(refname:short)%09%(objectname)%09%(*objectname)%09%(creatordate:short)",
        "refs/tags",
    )
    tags = []
    for line in (out or "").splitlines():
        name, obj, peeled, date = ([*line.split("\t"), "", "", "", ""])[:4]
        tags.append(Tag(name, peeled or obj, date))
    return tags


@contextmanager
def checkout(project_dir: Path, ref: str) -> Iterator[Path]:
    """The project's folder as it was at ``ref``, in a temporary folder."""
    project_dir = project_dir.resolve()
    root = repository_root(project_dir)
    if root is None:
        raise PortalError(
            f"'git:{ref}' needs a git repository, and {project_dir} is not in one",
            None,
            "compare two spec files instead: `portal diff old.yaml new.yaml`",
        )
    commit = resolve_ref(project_dir, ref)
    if commit is None:
        hint = SHALLOW_HINT if is_shallow(project_dir) else "check the name with `git tag` or `git log --oneline`"
        raise PortalError(f"git ref '{ref}' not found in {root}", None, hint)
    inside = project_dir.relative_to(root.resolve()).as_posix()
    archive = git(root, "archive", "--format=tar", commit, *([inside] if inside != "." else []), binary=True)
    if archive is None:
        raise PortalError(f"the project folder '{inside}' does not exist at git ref '{ref}'", None, None)
    tmp = Path(tempfile.mkdtemp(prefix="portal-ref-"))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            _extract(tar, tmp)
        yield tmp / inside if inside != "." else tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _extract(tar: tarfile.TarFile, folder: Path) -> None:
    """Unpack files and folders only: a link in the repository could lead a ``$ref``
    outside the project. (``filter="data"`` does that from Python 3.10.12 and 3.11.4.)"""
    if hasattr(tarfile, "data_filter"):

        def files_only(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
            if not (member.isfile() or member.isdir()):
                return None
            try:
                return tarfile.data_filter(member, path)
            except tarfile.FilterError:
                return None  # skipped, not the whole ref refused

        tar.extractall(folder, filter=files_only)
        return
    members = [
        m
        for m in tar.getmembers()
        if (m.isfile() or m.isdir()) and not m.name.startswith("/") and ".." not in Path(m.name).parts
    ]
    tar.extractall(folder, members=members)  # members checked above


def spec_at(project_dir: Path, ref: str, spec: str, config_name: str, policy: RefPolicy) -> SpecSource:
    """The bundled spec at git ``ref``: the spec mkdocs.yml named then, else ``spec``."""
    with checkout(project_dir, ref) as folder:
        path = configured_spec(folder / config_name) or spec
        if not (folder / path).is_file():
            raise PortalError(
                f"the spec '{path}' does not exist at git ref '{ref}'",
                None,
                "pick a ref from after the spec was added (`git log --oneline -- " + path + "`)",
            )
        source = load_spec(folder / path, folder, policy)
        _relabel(source, ref)
        return source


def _relabel(source: SpecSource, ref: str) -> None:
    """Point locations at ``ref:file`` rather than at a deleted temporary folder."""
    for document in source.documents.values():
        document.display = f"{ref}:{document.display}"


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml may hold ``!!python/name:`` and ``!ENV`` tags; read them as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_AnyTagLoader.add_multi_constructor("", _any_tag)


def portal_options(config_file: Path) -> dict[str, Any]:
    """The portal plugin's options in a mkdocs.yml, read as plain YAML (no MkDocs)."""
    try:
        return options_in(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def options_in(config_text: str) -> dict[str, Any]:
    """The portal plugin's options in the text of a mkdocs.yml."""
    try:
        data = yaml.load(config_text, Loader=_AnyTagLoader)
    except yaml.YAMLError:
        return {}
    plugins = data.get("plugins") if isinstance(data, dict) else None
    for entry in plugins or []:
        if isinstance(entry, dict) and isinstance(entry.get("portal"), dict):
            return dict(entry["portal"])
    return {}


def configured_spec(config_file: Path) -> str | None:
    """The ``spec`` option of the portal plugin in a mkdocs.yml, if it says one."""
    spec = portal_options(config_file).get("spec")
    return str(spec) if spec else None


def read_version(arg: str, project_dir: Path, spec: str, config_name: str, policy: RefPolicy) -> SpecSource:
    """``arg`` is a spec file, or ``git:REF`` for the project's spec at that ref."""
    if arg.startswith("git:"):
        ref = arg[4:]
        if not ref:
            raise PortalError(
                "'git:' needs a ref after it", None, "for example `git:v1.2.0`, `git:main` or `git:HEAD~1`"
            )
        return spec_at(project_dir, ref, spec, config_name, policy)
    path = Path(arg)
    if not path.is_file():
        raise PortalError(
            f"spec not found: {arg}",
            None,
            "give a spec file, or `git:REF` for the project's spec at a git ref (a tag, a branch, a commit)",
        )
    return load_spec(path.resolve(), _project_of(path.resolve(), project_dir), policy)


def _project_of(path: Path, project_dir: Path) -> Path:
    """The folder ``$ref``s may reach: the project's, when the file is inside it."""
    try:
        path.relative_to(project_dir.resolve())
        return project_dir.resolve()
    except ValueError:
        return path.parent
