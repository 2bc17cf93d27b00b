"""Values read from environment variables: a later step of a tutorial uses what an
earlier one returned (``export MESSAGE_ID=...``).

Every language runs for real against the recording server, with the variables set,
and what arrived is compared with the environment's values.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from recorder import Received, Recorder, start_recorder

from portal_gen.model.api import (
    UNSET,
    Api,
    Encoding,
    MediaType,
    Operation,
    Parameter,
    Property,
    RequestBody,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from portal_gen.snippets import LANGUAGES, SnippetError, SnippetSettings
from portal_gen.snippets.request import HttpRequest, build_request
from portal_gen.snippets.run import run_snippet
from portal_gen.snippets.values import EnvValue

GO_CACHE = Path(tempfile.gettempdir()) / "portal-test-snippet-cache"
# Everything an encoder must get right: space, &, quote, backslash, non-ASCII, and
# what a shell or a format string would like to interpret.
SPECIAL = "a b&c\"d\\é +%s=;'$(touch pwned)`id` {x} 👋"
FILE_BYTES = b"\x89PNG\r\n\x1a\n\x00binary"

STRING = Schema(types=("string",))
FILE = Schema(types=("string",), format="binary")
SCHEMES = (SecurityScheme("key", "apiKey", param_name="sid", location="cookie"),)


def _op(
    key: str,
    path: str = "/things",
    parameters: tuple[Parameter, ...] = (),
    media: MediaType | None = None,
) -> Operation:
    body = RequestBody((media,)) if media is not None else None
    return Operation("post", path, operation_id=key, parameters=parameters, request_body=body)


def _api(*operations: Operation) -> Api:
    return Api(title="t", version="1", openapi="3.1.0", operations=operations, security_schemes=SCHEMES)


SEND = Operation(
    "post",
    "/threads/{thread_id}/messages",
    operation_id="sendMessage",
    parameters=(
        Parameter("thread_id", "path", required=True, schema=STRING),
        Parameter("q", "query", schema=STRING),
        Parameter("fixed", "query", schema=STRING),
        Parameter("X-Trace", "header", schema=STRING),
        Parameter("session", "cookie", schema=STRING),
    ),
    request_body=RequestBody((MediaType("application/json"),)),
    security=(SecurityRequirement((("key", ()),)),),
)
FORM = _op("sendForm", media=MediaType("application/x-www-form-urlencoded"))
UPLOAD = _op(
    "upload",
    media=MediaType(
        "multipart/form-data",
        schema=Schema(
            types=("object",),
            properties=(Property("caption", STRING), Property("meta", STRING), Property("file", FILE)),
        ),
        encoding=(Encoding("meta", content_type="application/json"),),
    ),
)
API = _api(SEND, FORM, UPLOAD)


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = start_recorder()
    yield server
    server.server.shutdown()


def _run(lang: str, request: HttpRequest, env: Mapping[str, str], recorder: Recorder, tmp_path: Path) -> Received:
    language = LANGUAGES[lang]
    code = language.render(request)
    recorder.take()
    result = run_snippet(
        language,
        code,
        env=env,
        files={name: FILE_BYTES for name in request.files},
        timeout=120,
        cache_dir=GO_CACHE,
        parent=tmp_path,
    )
    assert result.ok, f"{result.stdout}\n{result.stderr}\n{code}"
    assert not list(tmp_path.rglob("pwned")), "a value from the environment was executed"
    (received,) = recorder.take()
    return received


def _request(op: Operation, base_url: str, *, values: dict[str, Any] | None = None, body: Any = UNSET) -> HttpRequest:
    return build_request(API, op, SnippetSettings(base_url=base_url + "/v1"), values=values, body=body)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_values_from_the_environment_arrive_in_path_query_headers_cookies_and_json(
    lang: str, recorder: Recorder, tmp_path: Path
) -> None:
    values = {
        "thread_id": EnvValue("THREAD_ID"),
        "q": EnvValue("QUERY"),
        "fixed": "a b",
        "X-Trace": EnvValue("TRACE"),
        "session": EnvValue("SESSION"),
    }
    body = {"text": "50% off", "reply_to": EnvValue("MESSAGE_ID"), "meta": {"tags": [EnvValue("TAG"), 1]}}
    request = _request(SEND, recorder.url, values=values, body=body)
    env = {
        "API_KEY": "k3y",
        "THREAD_ID": "th_123",
        "QUERY": SPECIAL,
        "TRACE": "trace-1 x",
        "SESSION": "ck_42",
        "MESSAGE_ID": SPECIAL,
        "TAG": "nested " + SPECIAL,
    }
    got = _run(lang, request, env, recorder, tmp_path)
    assert got.raw_path.split("?")[0] == "/v1/threads/th_123/messages"
    assert sorted(got.query) == [("fixed", "a b"), ("q", SPECIAL)]
    assert got.headers["x-trace"] == "trace-1 x"
    assert got.headers["cookie"] == "session=ck_42; sid=k3y"
    assert got.headers["content-type"].split(";")[0] == "application/json"
    assert got.json() == {"text": "50% off", "reply_to": SPECIAL, "meta": {"tags": ["nested " + SPECIAL, 1]}}


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_form_values_from_the_environment_arrive(lang: str, recorder: Recorder, tmp_path: Path) -> None:
    # A repeated name too: PHP then writes the encoded form itself, as Java always does.
    request = _request(FORM, recorder.url, body={"to": ["+1 555", "+1 666"], "text": EnvValue("TEXT")})
    got = _run(lang, request, {"TEXT": SPECIAL}, recorder, tmp_path)
    assert got.headers["content-type"].split(";")[0] == "application/x-www-form-urlencoded"
    assert sorted(got.form()) == [("text", SPECIAL), ("to", "+1 555"), ("to", "+1 666")]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_multipart_fields_from_the_environment_arrive(lang: str, recorder: Recorder, tmp_path: Path) -> None:
    request = _request(UPLOAD, recorder.url, body={"caption": EnvValue("CAPTION"), "meta": EnvValue("META")})
    meta = '{"note": "a \\"quoted\\" value; with, separators"}'
    got = _run(lang, request, {"CAPTION": SPECIAL, "META": meta}, recorder, tmp_path)
    parts = {part["name"]: part for part in got.parts()}
    assert list(parts) == ["caption", "meta", "file"]
    assert parts["caption"]["content"] == SPECIAL.encode()
    assert parts["meta"]["content"] == meta.encode()
    assert parts["file"]["content"] == FILE_BYTES


def test_each_language_reads_the_environment_its_own_way() -> None:
    request = _request(SEND, "http://127.0.0.1:8080", values={"thread_id": EnvValue("THREAD_ID")})
    reads = {
        "curl": '"http://127.0.0.1:8080/v1/threads/${THREAD_ID}/messages"',
        "python": '"http://127.0.0.1:8080/v1/threads/" + os.environ["THREAD_ID"] + "/messages"',
        "javascript": '"http://127.0.0.1:8080/v1/threads/" + process.env.THREAD_ID + "/messages"',
        "go": '"http://127.0.0.1:8080/v1/threads/"+os.Getenv("THREAD_ID")+"/messages"',
        "java": '"http://127.0.0.1:8080/v1/threads/" + System.getenv("THREAD_ID") + "/messages"',
        "ruby": '"http://127.0.0.1:8080/v1/threads/" + ENV.fetch("THREAD_ID") + "/messages"',
        "php": "'http://127.0.0.1:8080/v1/threads/' . getenv('THREAD_ID') . '/messages'",
    }
    for lang, read in reads.items():
        assert read in LANGUAGES[lang].render(request), lang


def test_env_lists_credentials_then_values_in_order_of_use() -> None:
    values = {
        "session": EnvValue("B"),
        "X-Trace": EnvValue("A"),
        "q": EnvValue("THREAD"),
        "thread_id": EnvValue("THREAD"),
    }
    body = {"z": EnvValue("C"), "a": [EnvValue("A"), {"b": EnvValue("D")}]}
    request = build_request(API, SEND, values=values, body=body)
    # Path, query, headers, cookies, body; each variable once.
    assert request.env == ("API_KEY", "THREAD", "A", "B", "C", "D")
    assert request.path == "/threads/{THREAD}/messages"


@pytest.mark.parametrize(
    ("style", "expected"),
    [(None, "/x/"), ("label", "/x/."), ("matrix", "/x/;v%20w=")],
)
def test_path_values_from_the_environment_go_in_as_they_are(style: str | None, expected: str) -> None:
    param = Parameter("v w", "path", required=True, style=style, schema=STRING)
    request = build_request(_api(), _op("get", "/x/{v w}", (param,)), values={"v w": EnvValue("ID")})
    assert request.path_pieces == (expected, EnvValue("ID"))


ARRAY = Schema(types=("array",), items=STRING)
OBJECT = Schema(ref="Filter")
JSON_PARAM = Parameter("filter", "query", content=(MediaType("application/json", schema=STRING),))
JSON_FIELD = MediaType("application/x-www-form-urlencoded", encoding=(Encoding("meta", "application/json"),))
TEXT = MediaType("text/plain")


@pytest.mark.parametrize(
    ("op", "values", "body", "message"),
    [
        pytest.param(
            SEND,
            {"thread_id": EnvValue("1D")},
            None,
            "sendMessage: '1D' is not a usable environment variable name"
            " (use letters, digits and underscores, not starting with a digit)",
            id="bad-name-in-path",
        ),
        pytest.param(
            SEND,
            {},
            {"a": [EnvValue("$(id)")]},
            "sendMessage: '$(id)' is not a usable environment variable name"
            " (use letters, digits and underscores, not starting with a digit)",
            id="bad-name-in-body",
        ),
        pytest.param(
            _op("list", parameters=(Parameter("ids", "query", schema=ARRAY),)),
            {"ids": EnvValue("IDS")},
            None,
            "list parameter ids is an array: an environment variable can only stand for a single value",
            id="array-parameter",
        ),
        pytest.param(
            _op("list", parameters=(Parameter("filter", "header", schema=OBJECT),)),
            {"filter": EnvValue("FILTER")},
            None,
            "list parameter filter is an object: an environment variable can only stand for a single value",
            id="object-parameter-by-ref",
        ),
        pytest.param(
            _op("list", parameters=(JSON_PARAM,)),
            {"filter": EnvValue("FILTER")},
            None,
            "list parameter filter is sent as JSON: an environment variable can only stand for a single value",
            id="json-parameter",
        ),
        pytest.param(
            _op("list", parameters=(Parameter("ids", "query", schema=STRING),)),
            {"ids": ["a", EnvValue("IDS")]},
            None,
            "list parameter ids: an environment variable can only stand for the whole value, not for a part of it",
            id="part-of-a-parameter",
        ),
        pytest.param(
            FORM,
            {},
            {"to": [EnvValue("TO")]},
            "sendForm body field to: an environment variable can only stand for a whole field value,"
            " not for a part of it",
            id="part-of-a-form-field",
        ),
        pytest.param(
            _op("sendForm", media=JSON_FIELD),
            {},
            {"meta": EnvValue("META")},
            "sendForm body field meta is sent as JSON: an environment variable can only stand for a plain field value",
            id="json-form-field",
        ),
        pytest.param(
            UPLOAD,
            {},
            {"file": EnvValue("FILE")},
            "upload body field file is a file: it is read from disk, not from the environment",
            id="file-field",
        ),
        pytest.param(
            _op("note", media=TEXT),
            {},
            EnvValue("NOTE"),
            "note body is text/plain: environment variables can only stand for values in JSON, form"
            " and multipart bodies",
            id="text-body",
        ),
    ],
)
def test_env_values_are_refused_where_they_cannot_stand(
    op: Operation, values: dict[str, Any], body: Any, message: str
) -> None:
    api = Api(title="t", version="1", openapi="3.1.0", schemas={"Filter": Schema(types=("object",), name="Filter")})
    with pytest.raises(SnippetError) as error:
        build_request(api, op, values=values, body=body if body is not None else {})
    assert str(error.value) == message
