"""Snippets read as their language's formatter would write them.

Every operation of the demo and of every fixture project, hand-made requests for the
shapes the fixtures lack (bodies with nothing in them, repeated form names, long
values, DELETE with a body...) and random ones (seeded: the same every run) are
rendered in every language and put through the
formatter a reader would use, which must leave it as it is: black, gofmt, Prettier
for JavaScript, and Prettier's plugins for Java and PHP (google-java-format and
php-cs-fixer come from Maven Central and Packagist, which CI cannot reach). Ruby has
no formatter installable from the registries CI reaches (rubocop is on rubygems.org):
``ruby -wc`` must find nothing to warn about instead.

black and gofmt are required, as the runtimes are. The Prettier formatters are
installed by ``.ci/run`` into ``$PORTAL_FORMATTERS`` (default
``~/.cache/portal-formatters``); without them their checks are skipped, except in CI
(``CI`` set), where a missing formatter fails.

The hand-made requests also run in every runtime against the recording server, as
tests/test_snippets.py runs the fixtures' operations.
"""

from __future__ import annotations

import difflib
import functools
import os
import random
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import black
import pytest
from recorder import Recorder, start_recorder
from test_snippets import FILE_BYTES, GO_CACHE, _secrets, assert_received

from portal_gen.config import PortalConfig
from portal_gen.engine.project import load_project
from portal_gen.snippets import LANGUAGES, SnippetSettings
from portal_gen.snippets.request import Body, Credential, HttpRequest, Part, build_request
from portal_gen.snippets.run import run_snippet
from portal_gen.snippets.values import EnvValue

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = {
    "demo": ROOT,
    **{p.name: p for p in sorted((ROOT / "tests" / "projects").iterdir()) if (p / "mkdocs.yml").exists()},
}
FORMATTERS = Path(
    os.environ.get("PORTAL_FORMATTERS")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "portal-formatters"
)
NODE_MODULES = FORMATTERS / "node_modules"
PRETTIER = NODE_MODULES / "prettier" / "bin" / "prettier.cjs"
PLUGINS = {"java": "prettier-plugin-java", "php": "@prettier/plugin-php"}  # found from FORMATTERS
# Prettier's defaults, except single quotes in PHP (php-cs-fixer's `single_quote` rule)
# and 100 columns in Java (Google Java Style's limit, which google-java-format keeps).
PRETTIER_CONFIG = """{"overrides": [
  {"files": "*.php", "options": {"singleQuote": true}},
  {"files": "*.java", "options": {"printWidth": 100}}
]}
"""
EXTENSIONS = {"python": "py", "go": "go", "javascript": "mjs", "java": "java", "php": "php", "ruby": "rb", "curl": "sh"}

LONG = "a long value, " * 8 + "end"
FORM = "application/x-www-form-urlencoded"


def _request(key: str, method: str = "POST", path: str = "/things", **fields: object) -> HttpRequest:
    return HttpRequest(
        operation=key, method=method, base_url="https://api.example.com/v1", path_pieces=(path,), **fields
    )


HANDMADE = {
    "empty-form": _request("emptyForm", body=Body("form", FORM, parts=())),
    "empty-json-object": _request("emptyJson", body=Body("json", "application/json", value={})),
    "empty-json-array": _request("emptyJsonArray", "PUT", body=Body("json", "application/json", value=[])),
    "repeated-form-names": _request(
        "expand",
        body=Body("form", FORM, parts=(Part("expand[]", "customer"), Part("expand[]", "invoice"), Part("limit", "3"))),
    ),
    "deep-object-form": _request(
        "schedule",
        body=Body(
            "form",
            FORM,
            parts=(
                Part("phases[0][end_date]", "2026-10-31"),
                Part("phases[0][items][0][price]", "price_1"),
                Part("metadata[order_id]", EnvValue("ORDER_ID")),
            ),
        ),
    ),
    "put-with-body": _request("replace", "PUT", body=Body("json", "application/json", value={"name": "x"})),
    "put-without-body": _request("touch", "PUT"),
    "patch-without-body": _request("nudge", "PATCH"),
    "delete-with-body": _request("purge", "DELETE", body=Body("json", "application/json", value={"ids": [1, 2]})),
    "delete-without-body": _request("remove", "DELETE", response="none"),
    "post-without-body": _request("ping", response="text"),
    "head": _request("exists", "HEAD", response="none"),
    "options": _request("allowed", "OPTIONS", response="none"),
    "get-with-body": _request("search", "GET", body=Body("json", "application/json", value={"q": "x"})),
    "empty-text": _request("blank", body=Body("text", "text/plain", value="")),
    "text-body": _request("note", "PUT", body=Body("text", "text/plain", value="line one\nline two")),
    "binary-body": _request("upload", body=Body("binary", "image/png", filename="upload.png"), response="binary"),
    "long-values": _request(
        "long",
        path="/things/" + "segment/" * 10 + "end",
        query=(("q", LONG), ("filter[status]", "open"), ("from", EnvValue("SINCE_A_LONG_TIME_AGO_TIMESTAMP"))),
        headers=(("X-Request-Description", LONG), ("X-Correlation-Identifier-Header", EnvValue("CORRELATION_ID"))),
        cookies=(("session_preferences", "dark%20mode"), ("tracking", EnvValue("TRACKING_COOKIE_VALUE"))),
        body=Body(
            "json",
            "application/vnd.example.thing+json",
            value={
                "description": LONG,
                "a_rather_long_property_name_for_a_value_read_from_the_environment": EnvValue("SOME_LONG_NAME"),
                "ids": list(range(1, 40)),
                "ratios": [0.5, 1.25, 1e-05],
                "tags": ["one", "two", "three"],
                "nested": {"0": "zero", "empty": {}, "none": [], "null": None, "yes": True, "deeper": [{"a": 1}]},
                "quotes": 'say "hi"',
                "apostrophe": "it's",
                "unicode": "日本語のテキスト 👋 " * 4,
                "keys": {"clé": 1, "default": 2, "1.5": 3, "01": 4, "a-b": 5, "$ref": 6, "10": 7},
                "numbers": [-1, 2, -3.5, 1e20, 1.0, 0.1, *range(-100, -70)],
            },
        ),
    ),
    "long-form": _request(
        "longForm",
        body=Body(
            "form", FORM, parts=(Part("description", LONG), Part("reference", EnvValue("ORDER_REFERENCE_NUMBER")))
        ),
    ),
    "multipart": _request(
        "attach",
        body=Body(
            "multipart",
            "multipart/form-data",
            parts=(
                Part(
                    "file", filename="a-file-with-a-rather-long-name-for-an-upload.pdf", content_type="application/pdf"
                ),
                Part("caption", "a caption"),
                Part("metadata", '{"a": 1}', content_type="application/json"),
                Part("note", EnvValue("NOTE")),
                Part("long", LONG, content_type="text/plain"),
            ),
        ),
    ),
    "credentials": _request(
        "secured",
        "GET",
        credentials=(
            Credential("basic", "basic", "Authorization", ("API_USERNAME", "API_PASSWORD")),
            Credential("key", "header", "X-Api-Key", ("API_KEY",)),
            Credential("query", "query", "api_key", ("API_KEY_QUERY",)),
            Credential("cookie", "cookie", "sid", ("API_KEY_COOKIE",)),
        ),
    ),
    "long-names": _request(
        "longNames",
        "PUT",
        credentials=(
            Credential(
                "basic", "basic", "Authorization", ("A_RATHER_LONG_USERNAME_NAME", "A_RATHER_LONG_PASSWORD_NAME")
            ),
            Credential("key", "header", "X-A-Rather-Long-Api-Key-Header", ("A_RATHER_LONG_API_KEY_VARIABLE_NAME",)),
        ),
        body=Body(
            "binary", "application/octet-stream", filename="a-rather-long-file-name-for-a-binary-upload-body.bin"
        ),
    ),
    "bearer": _request(
        "bearer",
        "GET",
        path="/threads/",
        credentials=(Credential("bearer", "bearer", "Authorization", ("API_TOKEN",), prefix="Bearer "),),
        query=(("limit", "10"),),
    ),
}


def _random_requests(count: int, seed: int = 7) -> Iterator[tuple[str, HttpRequest]]:
    """Requests with values of every kind and length, nested: line breaking the fixtures
    never reach (the same ones every run)."""
    rnd = random.Random(seed)
    words = ["id", "name", "customer_reference", "x-y", "01", "10", "clé", "it's", 'say "hi"', "日本", "$ref"]

    def text(*lengths: int) -> str:
        return " ".join(rnd.choice(words) for _ in range(30))[: rnd.choice(lengths or (0, 3, 12, 40, 90))]

    def value(depth: int = 0) -> object:
        roll = rnd.random()
        if depth < 3 and roll < 0.25:
            return {text(1, 6, 30, 60) or "k": value(depth + 1) for _ in range(rnd.choice([0, 1, 3, 5]))}
        if depth < 3 and roll < 0.35:
            return [rnd.choice([1, -2, 1.5, 123456789]) for _ in range(rnd.choice([0, 3, 30]))]
        if depth < 3 and roll < 0.45:
            return [value(depth + 1) for _ in range(rnd.choice([0, 1, 3]))]
        return rnd.choice([text(), text(), True, None, -3, 2.25, 1e-7, EnvValue("A_RATHER_LONG_VARIABLE_NAME")])

    for index in range(count):
        kind = rnd.choice(["json", "form", "multipart", None])
        if kind == "json":
            body: Body | None = Body("json", "application/json", value={"v": value()})
        elif kind == "form":
            parts = tuple(Part(text(1, 9, 40) or "f", rnd.choice([text(), EnvValue("V")])) for _ in range(3))
            body = Body("form", FORM, parts=parts[: rnd.choice([0, 1, 3])])
        elif kind == "multipart":
            upload = Part("file", filename="f" * rnd.choice([3, 70]) + ".pdf", content_type="application/pdf")
            body = Body("multipart", "multipart/form-data", parts=(upload, Part(text(1, 9) or "p", text())))
        else:
            body = None
        path = ("/" + "/".join(rnd.choice(["things", "a-long-path-segment"]) for _ in range(rnd.choice([1, 6]))),)
        if rnd.random() < 0.3:
            path = (*path, "/", EnvValue("THING_ID"))
        yield (
            f"random-{index}",
            HttpRequest(
                operation=f"random{index}",
                method=rnd.choice(["GET", "POST", "DELETE"] if body is None else ["POST", "PUT", "PATCH", "DELETE"]),
                base_url="https://api.example.com/v1",
                path_pieces=path,
                query=tuple(
                    (text(1, 10) or "q", rnd.choice([text(), EnvValue("QUERY_VALUE")]))
                    for _ in range(rnd.choice([0, 2]))
                ),
                headers=tuple(
                    (f"X-Header-{i}" * rnd.choice([1, 4]), rnd.choice([text(), EnvValue("H")])) for i in range(2)
                ),
                credentials=rnd.choice(
                    [(), (Credential("b", "bearer", "Authorization", ("API_TOKEN",), prefix="Bearer "),)]
                ),
                body=body,
            ),
        )


def _project_requests() -> Iterator[tuple[str, HttpRequest]]:
    # The spec's own server (what the reference shows) and a local one (what checks run).
    for project, directory in PROJECTS.items():
        api = load_project(PortalConfig(project_dir=directory)).api
        for op in api.operations:
            yield f"{project}-{op.key}", build_request(api, op, SnippetSettings())
            yield f"{project}-{op.key}-local", build_request(api, op, SnippetSettings(base_url="http://127.0.0.1:4010"))


@functools.cache
def all_requests() -> dict[str, HttpRequest]:
    handmade = {f"handmade-{k}": v for k, v in HANDMADE.items()}
    return {**dict(_project_requests()), **handmade, **dict(_random_requests(80))}


@functools.cache
def snippets(lang: str) -> dict[str, str]:
    """Each request's snippet by a file name made from its id."""
    render = LANGUAGES[lang].render
    return {
        f"{re.sub(r'[^A-Za-z0-9_-]+', '_', key)}.{EXTENSIONS[lang]}": render(r) for key, r in all_requests().items()
    }


def _differences(original: dict[str, str], formatted: dict[str, str]) -> list[str]:
    return [
        "".join(difflib.unified_diff(code.splitlines(True), formatted[name].splitlines(True), name, "formatted"))
        for name, code in original.items()
        if formatted[name] != code
    ]


def _format_in_place(
    code: dict[str, str], command: Callable[[Path], list[str]], cwd: Path | None = None
) -> dict[str, str]:
    """Write every snippet into a folder, run the formatter over it once, read back."""
    with tempfile.TemporaryDirectory(prefix="portal-format-") as tmp:
        folder = Path(tmp)
        for name, text in code.items():
            (folder / name).write_text(text, encoding="utf-8")
        proc = subprocess.run(command(folder), capture_output=True, text=True, timeout=300, cwd=cwd)
        assert proc.returncode == 0, f"the formatter failed:\n{proc.stdout}\n{proc.stderr}"
        return {name: (folder / name).read_text(encoding="utf-8") for name in code}


def _black(code: dict[str, str]) -> dict[str, str]:
    formatted = {}
    for name, text in code.items():
        try:
            formatted[name] = black.format_str(text, mode=black.Mode())
        except black.InvalidInput as error:
            formatted[name] = f"black cannot parse it: {error}\n"
    return formatted


def _gofmt(code: dict[str, str]) -> dict[str, str]:
    gofmt = shutil.which("gofmt")
    assert gofmt, "gofmt is missing (apt-get install golang-go)"
    return _format_in_place(code, lambda folder: [gofmt, "-w", str(folder)])


def _prettier(lang: str) -> Callable[[dict[str, str]], dict[str, str]]:
    plugin = PLUGINS.get(lang)
    missing = [str(p) for p in (PRETTIER, plugin and NODE_MODULES / plugin) if p is not None and not p.exists()]
    if missing:
        message = f"not installed: {', '.join(missing)} (.ci/run installs the formatters; PORTAL_FORMATTERS says where)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    node = shutil.which("node")
    assert node, "node is missing"

    def command(folder: Path) -> list[str]:
        config = folder / ".prettierrc.json"
        config.write_text(PRETTIER_CONFIG, encoding="utf-8")
        plugins = [f"--plugin={plugin}"] if plugin is not None else []
        return [
            node,
            str(PRETTIER),
            "--write",
            "--log-level=warn",
            "--no-editorconfig",
            f"--config={config}",
            *plugins,
            str(folder),
        ]

    # Prettier finds plugins named on its command line from the folder it runs in.
    return lambda code: _format_in_place(code, command, cwd=FORMATTERS)


def _ruby_warnings(code: dict[str, str]) -> dict[str, str]:
    """Ruby has no formatter to install here: the code stays as it is if ``ruby -wc``
    (syntax check, all warnings on) has nothing to say; else its warnings are added."""
    with tempfile.TemporaryDirectory(prefix="portal-ruby-") as tmp:

        def check(name: str) -> str:
            path = Path(tmp) / name
            path.write_text(code[name], encoding="utf-8")
            proc = subprocess.run(["ruby", "-wc", str(path)], capture_output=True, text=True, timeout=60)
            said = proc.stderr if proc.returncode == 0 else proc.stdout + proc.stderr
            return code[name] + (f"# ruby -wc: {said}" if said.strip() else "")

        with ThreadPoolExecutor(max_workers=8) as pool:
            return dict(zip(code, pool.map(check, code), strict=True))


FORMATTERS_BY_LANGUAGE: dict[str, Callable[[], Callable[[dict[str, str]], dict[str, str]]]] = {
    "python": lambda: _black,
    "go": lambda: _gofmt,
    "javascript": lambda: _prettier("javascript"),
    "java": lambda: _prettier("java"),
    "php": lambda: _prettier("php"),
    "ruby": lambda: _ruby_warnings,
}


@pytest.mark.parametrize("lang", list(FORMATTERS_BY_LANGUAGE))
def test_the_formatter_leaves_every_snippet_as_it_is(lang: str) -> None:
    formatter = FORMATTERS_BY_LANGUAGE[lang]()
    code = snippets(lang)
    differences = _differences(code, formatter(code))
    assert not differences, f"{len(differences)} of {len(code)} snippets change:\n" + "\n".join(differences)


# Containers built for what a request sends, left empty: a reader would not write them.
EMPTY_LITERALS = {
    "curl": [r"(--data[\w-]*|-d|-F|--form[\w-]*) (''|\"\")(\s|$)"],
    "python": [
        r"^(params|headers|data|files|payload) = (\{\}|\[\])",
        r"\b(data|files|params|headers)=(\{\}|\[\]|\"\"|'')",
    ],
    "javascript": [
        r"new URLSearchParams\(\s*(\[\s*\])?\s*\)",
        r"new FormData\(\);\n(?!\w+\.append)",
        r"headers: \{\s*\}",
        r"body: (\"\"|'')[,\n]",
    ],
    "go": [r"url\.Values\{\}\n(?!\s*\w+\.Add)", r'strings\.NewReader\(""\)', r"map\[string\]any\{\}\)"],
    "java": [r'String \w+ = "";', r'ofString\(""\)'],
    "ruby": [r"set_form\(\s*\[\s*\]", r"encode_www_form\(\s*\[\s*\]", r'\.body = ""'],
    "php": [
        r"http_build_query\(\s*\[\s*\]\s*\)",
        r"CURLOPT_\w+ => \[\s*\]",
        r"CURLOPT_POSTFIELDS => ''",
        r"\$\w+ = \[\s*\];",
    ],
}
# An opening bracket, a line break, the closing bracket: `http_build_query([\n])`.
EMPTY_ACROSS_LINES = r"[(\[{][ \t]*\n\s*[)\]}]"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_no_snippet_writes_an_empty_literal(lang: str) -> None:
    found = [
        f"{name}: {match.group(0)!r}\n{code}"
        for name, code in snippets(lang).items()
        for pattern in [EMPTY_ACROSS_LINES, *EMPTY_LITERALS[lang]]
        for match in [re.search(pattern, code, re.M)]
        if match
    ]
    assert not found, "\n".join(found)


# -- the hand-made requests, run ---------------------------------------------------------

RUNS = [
    pytest.param(key, lang, id=f"{key}-{lang}")
    for key in HANDMADE
    for lang in LANGUAGES
    # fetch() refuses a GET with a body (the request model never makes one).
    if not (key == "get-with-body" and lang == "javascript")
]


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = start_recorder()
    yield server
    server.server.shutdown()


def _resolved(request: HttpRequest, env: dict[str, str]) -> HttpRequest:
    """``request`` with the environment's values in place of its reads."""

    def value(v: object) -> object:
        if isinstance(v, EnvValue):
            return env[v.name]
        if isinstance(v, dict):
            return {k: value(item) for k, item in v.items()}
        if isinstance(v, list):
            return [value(item) for item in v]
        return v

    body = request.body
    if body is not None:
        body = replace(body, value=value(body.value), parts=tuple(replace(p, value=value(p.value)) for p in body.parts))
    return replace(
        request,
        path_pieces=tuple(value(p) for p in request.path_pieces),
        query=tuple((k, value(v)) for k, v in request.query),
        headers=tuple((k, value(v)) for k, v in request.headers),
        cookies=tuple((k, value(v)) for k, v in request.cookies),
        body=body,
    )


@pytest.mark.parametrize(("key", "lang"), RUNS)
def test_handmade_requests_arrive_as_meant(key: str, lang: str, recorder: Recorder, tmp_path: Path) -> None:
    request = replace(HANDMADE[key], base_url=recorder.url)
    env = {**{name: f"value-of-{name.lower()}" for name in request.env}, **_secrets(request)}
    code = LANGUAGES[lang].render(request)
    recorder.take()
    files = {name: FILE_BYTES for name in request.files}
    result = run_snippet(LANGUAGES[lang], code, env=env, files=files, timeout=120, cache_dir=GO_CACHE, parent=tmp_path)
    assert result.ok, f"{result.stdout}\n{result.stderr}\n{code}"
    (received,) = recorder.take()
    assert_received(_resolved(request, env), received)
