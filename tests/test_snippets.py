"""Snippets run as real programs in their real runtimes against a real server.

Every demo operation and every operation of the `nasty` fixture (quotes, `$(...)`,
backticks, unicode, `a/b` path values, deep objects, arrays in the query, multipart
with files) is generated in every language, run, and the request the server
received is compared with the one the snippet was meant to send.
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import unquote

import pytest
from recorder import Received, Recorder, start_recorder

from portal_gen.checks.values import SchemaValidator
from portal_gen.config import PortalConfig
from portal_gen.engine.build import example_judge
from portal_gen.engine.project import load_project
from portal_gen.model.api import Api, Operation, Parameter, Schema
from portal_gen.model.examples import FIELDS as FIELDS_OPTIONS
from portal_gen.snippets import LANGUAGES, Snippets, SnippetSettings
from portal_gen.snippets.languages import Language
from portal_gen.snippets.request import HttpRequest, build_request, parameter_value, preferred_media
from portal_gen.snippets.run import missing_runtimes, run_snippet

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = {"demo": ROOT, "nasty": ROOT / "tests" / "projects" / "nasty"}
# The nasty fixture's optional fields are its point: its snippets send every field
# (snippet_fields: all), the demo's what the reference shows (the default).
FIELDS = {"nasty": "all"}
SECRETS = {"user": "aladdin", "password": "open sesame", "other": "s3cr3t value+/="}
GO_CACHE = Path(tempfile.gettempdir()) / "portal-test-snippet-cache"
FILE_BYTES = b"\x89PNG\r\n\x1a\n\x00binary\xff data"


def _api(project: str) -> Api:
    return load_project(PortalConfig(project_dir=PROJECTS[project])).api


_APIS = {name: _api(name) for name in PROJECTS}
CASES = [
    pytest.param(project, op.key, lang, id=f"{project}-{op.key}-{lang}")
    for project, api in _APIS.items()
    for op in api.operations
    for lang in LANGUAGES
]


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = start_recorder()
    yield server
    server.server.shutdown()


def _secrets(request: HttpRequest) -> dict[str, str]:
    env = {}
    for credential in request.credentials:
        if credential.kind == "basic":
            env[credential.env[0]], env[credential.env[1]] = SECRETS["user"], SECRETS["password"]
        else:
            env[credential.env[0]] = SECRETS["other"]
    return env


def _run(language: Language, request: HttpRequest, tmp_path: Path, code: str | None = None):
    return run_snippet(
        language,
        code if code is not None else language.render(request),
        env=_secrets(request),
        files={name: FILE_BYTES for name in request.files},
        timeout=120,
        cache_dir=GO_CACHE,
        parent=tmp_path,
    )


def test_every_runtime_is_installed() -> None:
    """A missing runtime fails the suite: it is never silently skipped."""
    missing = {lang: missing_runtimes(language) for lang, language in LANGUAGES.items()}
    assert {lang: names for lang, names in missing.items() if names} == {}


@pytest.mark.parametrize(("project", "key", "lang"), CASES)
def test_snippet_sends_exactly_the_intended_request(
    project: str, key: str, lang: str, recorder: Recorder, tmp_path: Path
) -> None:
    api = _APIS[project]
    op = api.operation(key)
    assert op is not None
    request = build_request(api, op, SnippetSettings(base_url=recorder.url, fields=FIELDS.get(project, "examples")))
    recorder.take()
    result = _run(LANGUAGES[lang], request, tmp_path)
    assert result.ok, f"{result.stdout}\n{result.stderr}\n{LANGUAGES[lang].render(request)}"
    (received,) = recorder.take()
    assert_received(request, received)
    # Nothing in the spec ran as code: `$(touch pwned)` and friends stayed data.
    assert not list(tmp_path.rglob("pwned")), "a spec value was executed"


def assert_received(request: HttpRequest, got: Received) -> None:
    assert got.method == request.method
    assert got.raw_path.split("?")[0] == request.path
    expected_query = list(request.query)
    for credential in request.credential("query"):
        expected_query.append((credential.name, SECRETS["other"]))
    # Go's url.Values sorts by name; the order of values under one name is kept.
    assert sorted(got.query, key=lambda kv: kv[0]) == sorted(expected_query, key=lambda kv: kv[0])
    for name, value in request.headers:
        assert got.headers[name.lower()] == value
    for credential in request.credentials:
        if credential.kind == "bearer":
            assert got.headers["authorization"] == f"{credential.prefix}{SECRETS['other']}"
        elif credential.kind == "basic":
            token = base64.b64encode(f"{SECRETS['user']}:{SECRETS['password']}".encode()).decode()
            assert got.headers["authorization"] == f"Basic {token}"
        elif credential.kind == "header":
            assert got.headers[credential.name.lower()] == SECRETS["other"]
    expected_cookies = {name: unquote(value) for name, value in request.cookies}
    expected_cookies.update({c.name: SECRETS["other"] for c in request.credential("cookie")})
    if expected_cookies:
        jar = {}
        for pair in got.headers["cookie"].split("; "):
            name, _, value = pair.partition("=")
            jar[name] = unquote(value)
        assert jar == expected_cookies
    else:
        assert "cookie" not in got.headers
    body = request.body
    if body is None:
        assert got.body == b""
        return
    content_type = got.headers["content-type"]
    if body.kind == "json":
        assert content_type.split(";")[0] == body.media_type
        assert got.json() == body.value
    elif body.kind == "form":
        assert content_type.split(";")[0] == "application/x-www-form-urlencoded"
        assert sorted(got.form(), key=lambda kv: kv[0]) == sorted(
            ((p.name, p.value) for p in body.parts), key=lambda kv: kv[0]
        )
    elif body.kind == "multipart":
        assert content_type.startswith("multipart/form-data; boundary=")
        parts = got.parts()
        assert [p["name"] for p in parts] == [p.name for p in body.parts]
        for sent, part in zip(body.parts, parts, strict=True):
            if sent.filename:
                assert (part["filename"], part["content_type"], part["content"]) == (
                    sent.filename,
                    sent.content_type,
                    FILE_BYTES,
                )
            else:
                assert part["content"] == sent.value.encode()
    elif body.kind == "binary":
        assert content_type == body.media_type
        assert got.body == FILE_BYTES
    else:
        assert content_type.split(";")[0] == body.media_type
        assert got.body == (body.value or "").encode()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_an_error_status_prints_the_response_and_exits_non_zero(lang: str, recorder: Recorder, tmp_path: Path) -> None:
    api = _APIS["demo"]
    op = api.operation("sendMessage")
    assert op is not None
    request = build_request(api, op, SnippetSettings(base_url=recorder.url + "/__status/422"))
    result = _run(LANGUAGES[lang], request, tmp_path)
    recorder.take()
    assert result.returncode not in (0, None)
    assert '"ok": false' in result.stdout + result.stderr or '"ok":false' in result.stdout + result.stderr


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_a_transport_error_exits_non_zero(lang: str, tmp_path: Path) -> None:
    api = _APIS["demo"]
    op = api.operation("getAccount")
    assert op is not None
    request = build_request(api, op, SnippetSettings(base_url="http://127.0.0.1:9"))  # discard: refused
    result = _run(LANGUAGES[lang], request, tmp_path)
    assert result.returncode not in (0, None)


def test_a_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    language = LANGUAGES["curl"]
    code = 'sleep 60 &\necho $! > "$HOME/../child.pid"\nwait\n'
    result = run_snippet(language, code, timeout=1, parent=tmp_path)
    assert result.returncode is None
    pid = int((tmp_path / "child.pid").read_text())
    assert not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()


def test_the_environment_is_scrubbed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_LEAK", "should not be seen")
    result = run_snippet(LANGUAGES["curl"], "env\n", env={"ONLY": "this"}, parent=tmp_path)
    names = {line.split("=", 1)[0] for line in result.stdout.splitlines()}
    assert "PORTAL_LEAK" not in names and "ONLY" in names


# -- the request model -------------------------------------------------------------------


def test_server_variables_and_relative_servers() -> None:
    api = _APIS["nasty"]
    op = api.operation("deleteNothing")
    assert op is not None
    assert build_request(api, op).base_url == "https://api.example.com/v2"
    relative = Api(title="t", version="1", openapi="3.1.0", servers=())
    assert build_request(relative, Operation("get", "/x")).url == "http://localhost:4010/x"


def test_credentials_read_configured_environment_variables() -> None:
    api = _APIS["nasty"]
    settings = SnippetSettings(env_prefix="ACME", credentials={"basic": ["ACME_SID", "ACME_SECRET"]})
    get_file, create = api.operation("getFile"), api.operation("createItem")
    assert get_file is not None and create is not None
    assert build_request(api, get_file, settings).env == ("ACME_KEY", "ACME_KEY_KEYQUERY")
    assert build_request(api, create, settings).env == ("ACME_SID", "ACME_SECRET")
    for language in LANGUAGES.values():
        code = language.render(build_request(api, create, settings))
        assert "ACME_SID" in code and "aladdin" not in code


@pytest.mark.parametrize(
    ("location", "style", "explode", "value", "expected"),
    [
        ("path", None, None, "a/b c", "/x/a%2Fb%20c"),
        ("path", None, None, [1, 2], "/x/1,2"),
        ("path", None, True, {"a": 1, "b": "c d"}, "/x/a=1,b=c%20d"),
        ("path", "label", False, [1, 2], "/x/.1,2"),
        ("path", "matrix", True, [1, 2], "/x/;v=1;v=2"),
        ("path", "matrix", False, {"a": 1}, "/x/;v=a,1"),
        ("query", None, None, [1, 2], [("v", "1"), ("v", "2")]),
        ("query", None, False, [1, 2], [("v", "1,2")]),
        ("query", "spaceDelimited", False, ["a", "b"], [("v", "a b")]),
        ("query", None, True, {"a": 1, "b": True}, [("a", "1"), ("b", "true")]),
        ("query", None, False, {"a": 1}, [("v", "a,1")]),
        (
            "query",
            "deepObject",
            True,
            {"a": {"b": 1}, "c": [1, 2]},
            [("v[a][b]", "1"), ("v[c][]", "1"), ("v[c][]", "2")],
        ),
        ("header", None, None, "line\r\nInjected: yes", [("v", "line Injected: yes")]),
        ("cookie", None, None, "a b;c", [("v", "a%20b%3Bc")]),
    ],
)
def test_parameters_are_serialized_per_style(location, style, explode, value, expected) -> None:
    param = Parameter("v", location, required=True, style=style, explode=explode, schema=Schema(types=("string",)))
    op = Operation("get", "/x/{v}" if location == "path" else "/x", parameters=(param,))
    api = Api(title="t", version="1", openapi="3.1.0")
    request = build_request(api, op, values={"v": value})
    got = {
        "path": request.path,
        "query": list(request.query),
        "header": list(request.headers),
        "cookie": list(request.cookies),
    }
    assert got[location] == expected


def test_required_values_are_real_and_satisfy_the_schema() -> None:
    params = (
        Parameter("owner", "path", required=True, schema=Schema(types=("string",))),
        Parameter(
            "code",
            "path",
            required=True,
            schema=Schema(types=("string",), constraints=(("pattern", r"^[A-Z]{2}\d{3}$"),)),
        ),
        Parameter("page", "query", required=True, schema=Schema(types=("integer",), constraints=(("minimum", 5),))),
        Parameter("size", "query", schema=Schema(types=("integer",))),  # optional: left out
    )
    op = Operation("get", "/{owner}/{code}", parameters=params)
    request = build_request(Api(title="t", version="1", openapi="3.1.0"), op)
    owner, code = request.path.strip("/").split("/")
    assert owner and owner != "owner" and code == "AA000"
    assert request.query == (("page", "5"),)


def test_unknown_values_are_refused() -> None:
    api = _APIS["demo"]
    op = api.operation("listMessages")
    assert op is not None
    with pytest.raises(ValueError, match="listMessages has no parameter nope"):
        build_request(api, op, values={"nope": 1})


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_string_literals_survive_the_round_trip(lang: str, tmp_path: Path) -> None:
    """Each language's own runtime reads back exactly the string we wrote."""
    nasty = 'q"uo\'te \\ $(touch pwned) `id` ${HOME} #{x} #$y #@z {$w} \n\t\r\x01 é 👋 \u2028 """""" end'
    language = LANGUAGES[lang]
    programs = {
        "curl": f"printf '%s' {language.string(nasty)}\n",
        "python": f"import sys\nsys.stdout.buffer.write({language.string(nasty)}.encode())\n",
        "javascript": f"process.stdout.write({language.string(nasty)});\n",
        "go": f'package main\n\nimport "os"\n\nfunc main() {{\n\tos.Stdout.WriteString({language.string(nasty)})\n}}\n',
        "java": (
            "import java.nio.charset.StandardCharsets;\n\npublic class Main {\n"
            "    public static void main(String[] args) throws Exception {\n"
            f"        System.out.write({language.string(nasty)}.getBytes(StandardCharsets.UTF_8));\n"
            f"        System.out.write({language.literal(nasty)}.getBytes(StandardCharsets.UTF_8));\n"
            "        System.out.flush();\n    }\n}\n"
        ),
        "ruby": f"$stdout.write({language.string(nasty)})\n",
        "php": f"<?php\necho {language.string(nasty)};\n",
    }
    result = run_snippet(language, programs[lang], cache_dir=GO_CACHE, parent=tmp_path)
    assert result.ok, result.stderr
    expected = nasty + (json.dumps(nasty, indent=2, ensure_ascii=False) + "\n" if lang == "java" else "")
    assert result.stdout == expected
    assert not list(tmp_path.rglob("pwned"))


def test_code_samples_in_the_spec_come_first() -> None:
    api = _APIS["demo"]
    op = api.operation("getAccount")
    assert op is not None
    samples = [
        {"lang": "Python", "source": "print('hand written')"},
        {"lang": "Kotlin", "label": "Kotlin", "source": "fun main() {}"},
    ]
    op = replace(op, extensions=MappingProxyType({"x-codeSamples": samples}))
    shown = Snippets(api, SnippetSettings(), list(LANGUAGES)).for_operation(op)
    assert [s.label for s in shown] == ["curl", "Python", "JavaScript", "Go", "Java", "Ruby", "PHP", "Kotlin"]
    assert shown[1].code == "print('hand written')" and shown[1].origin == "x-codeSamples"
    assert shown[0].origin == "generated"


FIXTURES = {**PROJECTS, **{p.name: p for p in (ROOT / "tests" / "projects").iterdir() if (p / "mkdocs.yml").exists()}}


@pytest.mark.parametrize("project", sorted(FIXTURES))
def test_generated_values_satisfy_the_spec(project: str) -> None:
    """What snippets send validates against the spec's own schemas (a real validator,
    in the spec's dialect): a server that checks requests accepts them as they are,
    whatever ``snippet_fields`` says. The spec's examples that break their schema are
    the judge's to leave out (the `forms` fixture has some)."""
    loaded = load_project(PortalConfig(project_dir=FIXTURES[project]))
    api, validator = loaded.api, SchemaValidator(loaded.source.data, loaded.source.version)
    judge = example_judge(loaded)
    problems = []
    for op in api.operations:
        for param in op.parameters:
            if param.schema is not None:
                for message in validator.errors(param.schema.pointer, parameter_value(api, param, judge)):
                    problems.append(f"{op.key} {param.name}: {message}")
        if op.request_body and op.request_body.content:
            media = preferred_media(op.request_body.content)
            for fields in FIELDS_OPTIONS:
                request = build_request(api, op, SnippetSettings(fields=fields), judge=judge)
                if request.body and request.body.kind == "json" and media.schema is not None:
                    for message in validator.errors(media.schema.pointer, request.body.value):
                        problems.append(f"{op.key} body ({fields}): {message}")
    assert problems == []
