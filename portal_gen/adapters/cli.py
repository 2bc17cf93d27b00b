"""The ``portal`` command line (click). Errors print as ``file:line:col: message``."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import click

from ..errors import PortalError

log = logging.getLogger("portal")


def _fail(error: PortalError, code: int = 1) -> None:
    click.echo(error.format(), err=True)
    sys.exit(code)


@contextmanager
def _errors(debug: bool, code: int = 1) -> Iterator[None]:
    """Turn user errors into a message and exit ``code``; keep tracebacks for bugs."""
    from mkdocs.exceptions import Abort, ConfigurationError

    from .mkdocs.plugin import PortalPluginError

    try:
        yield
    except PortalError as exc:
        if debug:
            raise
        _fail(exc, code)
    except PortalPluginError as exc:
        if debug:
            raise
        _fail(exc.error, code)
    except ConfigurationError as exc:
        if debug:
            raise
        click.echo(f"mkdocs.yml: {exc}", err=True)
        sys.exit(code)
    except Abort as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(code)


def _setup_logging(verbose: bool, debug: bool = False) -> None:
    """MkDocs' and portal's messages on stderr: warnings, everything with ``verbose``;
    with ``debug``, portal's own debug lines too (which speed-ups stepped aside, and why)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    for name in ("mkdocs", "portal"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
        logger.propagate = False
    logging.getLogger("mkdocs.plugins.portal").setLevel(logging.DEBUG if verbose or debug else logging.NOTSET)


_skip_teardown = False  # set by the commands that leave nothing to tear down


def run() -> None:
    """The ``portal`` command: :func:`main`, ending the process quickly after a build.

    When a build is over, Python's teardown would free every object of the spec, its
    model and the pages one by one: half a second of a three-second rebuild of GitHub's
    portal. The exit handlers still run (logging, ``multiprocessing``, ``weakref``
    finalizers) and the output is flushed; only the freeing is skipped, as the system
    takes the memory back at once. Not while a thread that Python would wait for (a
    hook's, say) is still running: then the process ends as usual.
    """
    global _skip_teardown
    _skip_teardown = False
    try:
        main()
    except SystemExit as exc:
        waited_for = (t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon)
        if not _skip_teardown or any(waited_for):
            raise
        code = exc.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            click.echo(code, err=True)  # as SystemExit would print it
            code = 1
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with suppress(AttributeError, OSError, ValueError):
                stream.flush()
        os._exit(code)


@click.group()
@click.version_option(package_name="portal-gen")
def main() -> None:
    """portal: developer portals from an OpenAPI spec, with examples that work."""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--spec", required=True, type=click.Path(dir_okay=False, path_type=Path), help="OpenAPI 3.0/3.1 file.")
@click.option("--name", help="Site name (default: the API's title).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def new(directory: Path, spec: Path, name: str | None, debug: bool) -> None:
    """Scaffold a portal in DIRECTORY from an existing spec."""
    from .scaffold import scaffold

    with _errors(debug):
        written = scaffold(directory, spec, name)
    click.echo(f"Created {directory} ({len(written)} files). Next:\n  cd {directory} && portal build")


def _load_config(config_file: Path, **overrides: Any) -> Any:
    from mkdocs.config import load_config

    if not config_file.is_file():
        raise PortalError(
            f"no {config_file.name} here",
            None,
            "run portal in a portal project, pass -f path/to/mkdocs.yml, or create one with `portal new`",
        )
    return load_config(config_file=str(config_file), **{k: v for k, v in overrides.items() if v is not None})


def _portal_plugin(config: Any) -> Any:
    from .mkdocs.plugin import PortalPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, PortalPlugin):
            return plugin
    raise PortalError(
        "the portal plugin is not enabled",
        None,
        "add `- portal` under `plugins:` in mkdocs.yml",
    )


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), help="Output directory.")
@click.option("--strict", is_flag=True, help="Fail on warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def build(config_file: Path, site_dir: Path | None, strict: bool, verbose: bool, debug: bool) -> None:
    """Validate the inputs and build the site, atomically."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort

    from .. import accel
    from .mkdocs.plugin import BuildRequest
    from .publish import atomic_directory

    global _skip_teardown
    _skip_teardown = True
    _setup_logging(verbose, debug)
    with _errors(debug):
        config = _load_config(config_file, strict=strict or None)
        plugin = _portal_plugin(config)
        plugin.load(config)  # report spec problems before MkDocs starts
        # The project lives until the build ends: collections need not walk its millions
        # of objects (a tenth of a second each on GitHub's spec), nor can they free them.
        gc.freeze()
        target = site_dir.resolve() if site_dir else Path(config.site_dir)
        # The replaced site's folders are kept, emptied, for the next build (with the
        # cache: they are of its kind, disposable, and deleted with it).
        spare = plugin.cache.spare_site() if plugin.cache is not None and accel.enabled("site_folders") else None
        try:
            with (
                _quiet_portal_errors(plugin),
                _progress() as progress,
                atomic_directory(target, spare) as staging,
            ):
                # Unchanged pages are linked from the site this build replaces, not copied.
                plugin.request = BuildRequest(progress=progress, previous_site=target, spare=spare)
                config.site_dir = str(staging)
                try:
                    mkdocs_build(config)
                except BaseException:  # Ctrl-C too, which MkDocs tells no plugin of
                    plugin.stop_folders()
                    raise
                plugin.drop_unused_folders(staging)
                published = plugin.published_files(staging)
        except Abort:
            if plugin.error is None:
                raise
            raise plugin.error from None
        plugin.remember_published(target, published)
    click.echo(f"Built {target} ({_page_counts(plugin)})", err=True)


def _page_counts(plugin: Any) -> str:
    """How many generated pages a template rendered, and how many came from the cache."""
    total = plugin.rendered + plugin.reused
    if not plugin.reused:
        return f"{total:,} generated pages rendered"
    return f"{total:,} generated pages: {plugin.rendered:,} rendered, {plugin.reused:,} from the cache"


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-a", "--dev-addr", default=None, help="IP:PORT to serve on (default 127.0.0.1:8000).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def serve(config_file: Path, dev_addr: str | None, debug: bool) -> None:
    """Live preview that rebuilds when the spec, content or templates change."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _setup_logging(False)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    with _errors(debug):
        config = _load_config(config_file)
        _portal_plugin(config).load(config)
        mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)


@main.command()
@click.argument("operation")
@click.option("-l", "--lang", default="curl", show_default=True, help="Snippet language.")
@click.option("--base-url", help="Call this URL instead of the spec's server.")
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def snippet(operation: str, lang: str, base_url: str | None, config_file: Path, debug: bool) -> None:
    """Print the request snippet for OPERATION (an operationId or "METHOD /path")."""
    import difflib

    from ..engine.build import make_snippets, template_loader
    from ..engine.project import load_project

    with _errors(debug):
        config = _load_config(config_file)
        portal_config = _portal_plugin(config).make_config(config)
        project = load_project(portal_config)
        api = project.api
        op = api.operation(operation)
        if op is None:
            names = [o.key for o in api.operations]
            close = difflib.get_close_matches(operation, names, n=3)
            raise PortalError(
                f"no operation '{operation}' in {portal_config.spec}",
                None,
                f"did you mean {', '.join(close)}?" if close else 'give an operationId or "METHOD /path"',
            )
        snippets = make_snippets(project, template_loader(portal_config), (lang,))
        if base_url is None:
            shown = {s.language: s for s in snippets.for_operation(op)}
            code = shown[lang].code
        else:
            code = snippets.render(op, lang, snippets.request(op, base_url=base_url)).code
    click.echo(code, nl=not code.endswith("\n"))


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option("--no-run", is_flag=True, help="Do not run the guides.")
@click.option("--external", is_flag=True, help="Check external links too (cached in .portal-cache/).")
@click.option("--base-url", help="Run the guides against this sandbox instead of the mock server.")
@click.option("--api-key-env", metavar="VAR", help="Environment variable holding the sandbox's API key.")
@click.option("-l", "--lang", "languages", multiple=True, help="Run only these languages (repeat or comma-separate).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Guides run at once (default: one per core).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: a report on stderr; json: the report on stdout; github: workflow commands on stdout.",
)
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write JSON here.")
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write JUnit XML.")
@click.option("--record", is_flag=True, help="Save the measured time to first call for the guide pages.")
@click.option(
    "--breaking-against",
    metavar="BASE",
    help="Also report changes since BASE (a spec file or git:REF) that can break clients, at their lines.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def check(
    config_file: Path,
    strict: bool,
    no_run: bool,
    external: bool,
    base_url: str | None,
    api_key_env: str | None,
    languages: tuple[str, ...],
    jobs: int | None,
    output_format: str,
    json_file: Path | None,
    junit_file: Path | None,
    record: bool,
    breaking_against: str | None,
    debug: bool,
) -> None:
    """The CI gate: validate the spec and content, apply the quality rules, check every
    link of the built site, and run every guide in every language against a mock server.

    Exit code 0: clean; 1: problems at error level (warnings too with --strict);
    2: usage or internal error.
    """
    import json
    import tempfile
    import traceback

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort

    from ..gate.check import CheckOptions, check_project, report_github, report_json, report_junit
    from .mkdocs.plugin import BuildRequest

    if record and base_url:
        raise click.UsageError("--record keeps what was measured against the mock server; drop --base-url")
    _setup_logging(False)
    try:
        with _errors(debug, code=2):
            config = _load_config(config_file)
            plugin = _portal_plugin(config)
            portal_config = plugin.make_config(config)
        options = CheckOptions(
            run=not no_run,
            base_url=base_url,
            api_key_env=api_key_env,
            languages=tuple(part.strip() for item in languages for part in item.split(",") if part.strip()),
            jobs=jobs or 0,
            record=record,
            strict=strict,
            external=external,
            breaking_against=breaking_against,
        )
        with tempfile.TemporaryDirectory(prefix="portal-check-") as tmp:
            project, site = None, None
            try:
                project = plugin.load(config)
                config.site_dir = tmp
                with _quiet_portal_errors(plugin), _progress() as progress:
                    plugin.request = BuildRequest(progress=progress, warn=False)
                    mkdocs_build(config)
                site = Path(tmp)
            except PortalError:
                project = None  # check_project loads it again and reports every problem
            except Abort:
                if plugin.error is None:
                    raise
                project = None
            with _bar("Running guides") as progress:
                report = check_project(portal_config, options, progress, project=project, site_dir=site)
    except Exception:
        if debug:
            raise
        click.echo("internal error (please report it):\n" + traceback.format_exc(), err=True)
        sys.exit(2)
    if json_file:
        json_file.write_text(json.dumps(report_json(report), indent=2) + "\n", encoding="utf-8")
    if junit_file:
        junit_file.write_text(report_junit(report), encoding="utf-8")
    if output_format == "json":
        click.echo(json.dumps(report_json(report), indent=2))
    elif output_format == "github":
        click.echo(report_github(report), nl=False)
    _print_report(report)
    sys.exit(0 if report.ok else 1)


def _print_report(report: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..gate.check import summary_rows

    out = Console(stderr=True, highlight=False, soft_wrap=True)
    rows = summary_rows(report)
    if rows:
        table = Table(title=f"Guides run against {report.target}", title_justify="left")
        for column in rows[0]:
            table.add_column(column, justify="left" if column in ("guide", "language", "result") else "right")
        for row in rows:
            style = "green" if row["result"] == "passed" else "red"
            table.add_row(*(row[c] if c != "result" else f"[{style}]{row[c]}[/]" for c in row))
        out.print(table)
    problems = report.problems
    by_file: dict[str, list[Any]] = {}
    for problem in problems:
        by_file.setdefault(problem.location.file if problem.location else "", []).append(problem)
    for file, found in by_file.items():
        if file:
            out.print(f"\n[bold]{file}[/]")
        for problem in found:
            rule = f" [{problem.rule}]" if problem.rule else ""
            out.print(problem.format() + rule, markup=False)
    passed = sum(1 for run in report.runs if run.ok)
    summary = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    if report.runs:
        summary += f"; {passed} of {len(report.runs)} guide runs passed"
    out.print(("\n" if problems else "") + ("[green]OK[/]: " if report.ok else "[red]FAILED[/]: ") + summary)


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json", "github"]),
    default="text",
    show_default=True,
    help="text: grouped by operation and model; markdown: a pull-request comment; "
    "json: every change with its level and location; github: workflow annotations.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "warning", "info", "never"]),
    default="breaking",
    show_default=True,
    help="Exit 1 when a change at this level or worse is found (accepted ones do not count).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def diff(base: str, head: str | None, config_file: Path, output_format: str, fail_on: str, debug: bool) -> None:
    """What changed from BASE to HEAD, and what it breaks.

    BASE and HEAD are spec files, or git:REF for the project's spec at a git ref
    (a tag, a branch, a commit). HEAD defaults to the project's spec as it is now.
    Exit code 0: nothing at the --fail-on level; 1: found; 2: usage or input error.
    """
    import json
    from dataclasses import fields

    from ..config import PortalConfig
    from ..diff import WARNING, accept, diff_specs
    from ..diff.history import portal_options, read_version
    from ..diff.report import Side, report_github, report_json, report_markdown, report_text
    from ..diff.values import info_field
    from ..engine.project import ref_policy
    from ..load.changelog import load_changelog

    with _errors(debug, code=2):
        # The plugin's options read as plain YAML: no MkDocs to start for a comparison.
        options = portal_options(config_file) if config_file.is_file() else {}
        known = {f.name for f in fields(PortalConfig)} - {"project_dir"}
        config = PortalConfig(config_file.resolve().parent, **{k: v for k, v in options.items() if k in known})
        if head is None and not config_file.is_file():
            raise PortalError(
                f"no {config_file.name} here to say which spec is the project's",
                None,
                "give two spec files (`portal diff old.yaml new.yaml`), or run in a portal project",
            )
        policy, project_dir = ref_policy(config), config.project_dir
        head_arg = head if head is not None else str(config.spec_path)
        base_source = read_version(base, project_dir, config.spec, config_file.name, policy)
        head_source = read_version(head_arg, project_dir, config.spec, config_file.name, policy)
        result = diff_specs(base_source, head_source)
        if config_file.is_file():
            result = accept(result, load_changelog(project_dir / config.content_dir, project_dir).accepted)

    def side(arg: str, source: Any) -> Side:
        return Side(info_field(source.data, "title"), info_field(source.data, "version"), arg)

    def locate(change: Any) -> Any:
        return head_source.locate(change.head_pointer) if change.head_pointer is not None else None

    b_side, h_side = side(base, base_source), side(head or "working tree", head_source)
    if output_format == "json":
        click.echo(json.dumps(report_json(result, b_side, h_side, locate), indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        click.echo(report_markdown(result, b_side, h_side), nl=False)
    elif output_format == "github":
        click.echo(report_github(result, locate, floor=WARNING), nl=False)  # info: no annotation
    else:
        click.echo(report_text(result, b_side, h_side, locate, color=sys.stdout.isatty()), nl=False)
    sys.exit(1 if fail_on != "never" and result.at_or_above(fail_on) else 0)


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-p", "--port", default=4010, show_default=True, type=click.IntRange(0, 65535), help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def mock(config_file: Path, port: int, host: str, debug: bool) -> None:
    """Serve a mock of the API, built from the spec: it validates every request and
    answers with the spec's examples."""
    from ..engine.project import load_project
    from ..mock import MockApi, serve_mock

    global _skip_teardown
    _skip_teardown = True  # after Ctrl-C: end at once, nothing left to free one by one
    _setup_logging(False)
    with _errors(debug):
        config = _load_config(config_file)
        project = load_project(_portal_plugin(config).make_config(config))
        mock_api = MockApi.from_project(project)
        with serve_mock(mock_api, host, port, log=lambda line: click.echo(line, err=True)) as server:
            api = project.api
            click.echo(f"Mock of {api.title} {api.version} at {server.base_url} (Ctrl+C stops it)", err=True)
            with suppress(KeyboardInterrupt):
                server.wait()


@contextmanager
def _bar(phase: str) -> Iterator[Any]:
    """A progress callback that draws a bar on a terminal, and nothing in CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(phase, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


@contextmanager
def _quiet_portal_errors(plugin: Any) -> Iterator[None]:
    """MkDocs logs a plugin's error before aborting; portal prints its own errors."""

    def keep(record: logging.LogRecord) -> bool:
        return plugin.error is None or record.getMessage() != plugin.error.format()

    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on a terminal (what to call with each phase's progress); nothing
    in CI or when output is piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done, total=total)

        yield update
