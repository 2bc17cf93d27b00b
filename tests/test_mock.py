"""The mock server, over real HTTP on 127.0.0.1.

Every operation of the demo spec and of each fixture spec is called with the request
its reference snippet makes, and answers its documented success with a body that
validates against the spec. Invalid requests get the exact problems; resources
created in one call are there in the next.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from portal_gen.checks.values import SchemaValidator
from portal_gen.config import PortalConfig
from portal_gen.engine.build import example_judge
from portal_gen.engine.project import Project, load_project
from portal_gen.load.sources import Document
from portal_gen.load.spec import SpecSource
from portal_gen.mock import MockApi, MockServer, serve_mock
from portal_gen.mock.params import Headers, RequestParts, read_parameters
from portal_gen.mock.responses import success_of
from portal_gen.mock.routes import Found
from portal_gen.model.api import Api, Operation
from portal_gen.model.build import build_api
from portal_gen.snippets.request import HttpRequest, body_kind, build_request

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (ROOT / "tests" / "projects").iterdir() if (p / "mkdocs.yml").exists())
PROJECTS = {"demo": ROOT, **{p.name: p for p in FIXTURES}}
TOKEN, USER, PASSWORD, KEY = "s3cr3t-token", "aladdin", "open sesame", "key-123"
FILE_BYTES = b"\x89PNG\r\n\x1a\n\x00binary\xff data"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
JSON = {**BEARER, "Content-Type": "application/json"}


def _load(name: str) -> Project:
    return load_project(PortalConfig(project_dir=PROJECTS[name]))


_PROJECTS = {name: _load(name) for name in PROJECTS}
CASES = [
    pytest.param(name, op.key, id=f"{name}-{op.key}")
    for name, project in _PROJECTS.items()
    for op in project.api.operations
]


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, MockServer]]:
    """One mock server per project, shared by the module's read-mostly tests."""
    running = {name: serve_mock(MockApi.from_project(project)) for name, project in _PROJECTS.items()}
    yield running
    for server in running.values():
        server.close()


@pytest.fixture
def demo() -> Iterator[MockServer]:
    """A fresh demo mock: nothing stored yet."""
    with serve_mock(MockApi.from_project(_PROJECTS["demo"])) as server:
        yield server


def send(request: HttpRequest, base_url: str) -> requests.Response:
    """Send what the snippet would send, with dummy credentials, as plain requests."""
    url = base_url + request.path
    query = request.query_string
    headers = dict(request.headers)
    cookies = [f"{name}={value}" for name, value in request.cookies]
    for credential in request.credentials:
        if credential.kind == "bearer":
            headers["Authorization"] = credential.prefix + TOKEN
        elif credential.kind == "basic":
            headers["Authorization"] = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        elif credential.kind == "header":
            headers[credential.name] = KEY
        elif credential.kind == "query":
            query += ("&" if query else "") + urlencode({credential.name: KEY})
        elif credential.kind == "cookie":
            cookies.append(f"{credential.name}={KEY}")
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    if query:
        url += "?" + query
    body = request.body
    data: bytes | None = None
    files = None
    if body is not None and body.kind == "multipart":
        files = [
            (p.name, (p.filename, FILE_BYTES, p.content_type) if p.filename else (None, p.value, p.content_type))
            for p in body.parts
        ]
    elif body is not None:
        headers["Content-Type"] = body.media_type
        if body.kind == "json":
            data = json.dumps(body.value).encode()
        elif body.kind == "form":
            data = urlencode([(p.name, p.value) for p in body.parts]).encode()
        elif body.kind == "text":
            data = str(body.value).encode()
        else:
            data = FILE_BYTES
    return requests.request(request.method, url, headers=headers, data=data, files=files, timeout=30)


def call(server: MockServer, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, server.url + path, timeout=30, **kwargs)


def problems_of(response: requests.Response) -> list[str]:
    assert response.headers["Content-Type"] == "application/json"
    return list(response.json()["problems"])


# -- every operation answers, and what it answers is valid ----------------------------------


@pytest.mark.parametrize(("project", "key"), CASES)
def test_every_operation_answers_its_documented_success(project: str, key: str, servers: dict[str, MockServer]) -> None:
    loaded = _PROJECTS[project]
    op = loaded.api.operation(key)
    assert op is not None
    server = servers[project]
    # The reference's snippet for it: the spec's examples that satisfy their schemas.
    response = send(build_request(loaded.api, op, judge=example_judge(loaded)), server.base_url)
    success = success_of(op)
    assert response.status_code == success.status, response.text
    media = success.response.content[0] if success.response and success.response.content else None
    if media is None:
        assert response.content == b""
        assert "Content-Type" not in response.headers
        return
    assert response.headers["Content-Type"] == media.media_type
    if body_kind(media.media_type) == "json" and media.schema is not None:
        validator = SchemaValidator(loaded.source.data, loaded.source.version)
        assert validator.errors(media.schema.pointer, response.json(), "response") == []


def test_documented_response_headers_are_sent(demo: MockServer) -> None:
    response = call(demo, "GET", "/v1/usage/records?start_date=2026-10-01&end_date=2026-10-31", headers=BEARER)
    assert response.headers["Sunset"] == "Tue, 01 Jun 2027 00:00:00 GMT"
    response = call(demo, "GET", "/v1/messages/msg_9Zk2LqT8vXw3RbN5cYp7HdJ4", headers=BEARER)
    assert response.headers["X-Request-Id"] == "req_7Hc2Mq9Lx4Tn8Vb1"


def test_no_content_answers_have_an_empty_body(demo: MockServer) -> None:
    response = call(demo, "DELETE", "/v1/messages/msg_9Zk2LqT8vXw3RbN5cYp7HdJ4", headers=BEARER)
    assert (response.status_code, response.content, response.headers["Content-Length"]) == (204, b"", "0")


def test_head_is_answered_as_get_without_a_body(demo: MockServer) -> None:
    got = call(demo, "GET", "/status")
    head = call(demo, "HEAD", "/status")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(got.content))


# -- routing ---------------------------------------------------------------------------


def test_the_server_path_is_optional(demo: MockServer) -> None:
    assert demo.base_url == demo.url + "/v1"
    with_prefix = call(demo, "GET", "/v1/messages", headers=BEARER)
    without = call(demo, "GET", "/messages", headers=BEARER)
    assert with_prefix.status_code == without.status_code == 200
    assert with_prefix.json() == without.json()


def test_literal_segments_beat_templated_ones(demo: MockServer) -> None:
    search = call(demo, "POST", "/v1/messages/search", json={"key": "campaign", "eq": "x"}, headers=BEARER)
    assert search.status_code == 200 and "data" in search.json()
    # /messages/search has no GET: it is not taken for a message id.
    wrong = call(demo, "GET", "/v1/messages/search", headers=BEARER)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"
    assert problems_of(wrong) == ["/messages/search accepts POST, not GET"]


def test_the_leftmost_literal_segment_decides() -> None:
    ops = (Operation("get", "/things/{id}/edit", operation_id="edit"), Operation("get", "/things/new/{kind}"))
    api = Api(title="t", version="1", openapi="3.1.0", operations=ops)
    mock = MockApi(api, {"openapi": "3.1.0"}, "3.1.0")
    new, old = mock.router.find("GET", "/things/new/edit"), mock.router.find("GET", "/things/old/edit")
    assert isinstance(new, Found) and isinstance(old, Found)
    assert (new.operation.path, old.operation.path) == ("/things/new/{kind}", "/things/{id}/edit")
    assert mock.handle("GET", "/things/new/edit").status == 204


def test_an_unknown_path_is_404(demo: MockServer) -> None:
    response = call(demo, "GET", "/v1/nothing/here", headers=BEARER)
    assert response.status_code == 404
    assert response.json() == {"error": "not found", "problems": ["no path of the API matches '/v1/nothing/here'"]}


def test_a_known_path_with_another_method_is_405(demo: MockServer) -> None:
    response = call(demo, "DELETE", "/v1/messages", headers=BEARER)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST, HEAD"
    assert problems_of(response) == ["/messages accepts GET, POST, HEAD, not DELETE"]


# -- request validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "problems"),
    [
        ("/phone-numbers/available", ["query parameter 'country' is required"]),
        ("/messages?limit=abc", ["query parameter 'limit': 'abc' is not of type 'integer'"]),
        (
            "/messages?limit=500&status=nope",
            [
                "query parameter 'limit': 500 is greater than the maximum of 100",
                "query parameter 'status': 'nope' is not one of "
                "['queued', 'sending', 'sent', 'delivered', 'failed', 'canceled']",
            ],
        ),
        ("/messages/msg_1", ["path parameter 'message_id': 'msg_1' does not match '^msg_[A-Za-z0-9]{24}$'"]),
        ("/usage/records?start_date=2026-10-01", ["query parameter 'end_date' is required"]),
    ],
)
def test_invalid_parameters_are_400(target: str, problems: list[str], servers: dict[str, MockServer]) -> None:
    response = call(servers["demo"], "GET", target, headers=BEARER)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid request", "problems": problems}


def test_parameters_of_every_location_are_checked(servers: dict[str, MockServer]) -> None:
    """The nasty fixture: arrays, a header and a cookie, all wrong or missing at once."""
    target = "/files/x/5?tags=a&ids=1,x&pipe=a|b&filter[s]=1&q=abc-12&unicode=u&api_key=k"
    response = call(servers["nasty"], "GET", target, headers={"X-Api-Key": "k"})
    assert response.status_code == 400
    assert problems_of(response) == [
        "path parameter 'id': 5 is less than the minimum of 10",
        "query parameter 'ids' at $[1]: 'x' is not of type 'integer'",
        "header parameter 'X-Trace' is required",
        "cookie parameter 'pref' is required",
    ]


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "problems"),
    [
        (
            "/phone-numbers",
            JSON,
            {"friendly_name": "Support"},
            422,
            ["request body: 'phone_number' is a required property"],
        ),
        (
            "/messages",
            JSON,
            {"to": "+14155550123", "from": "+14155550100", "body": "hi", "metadata": {"k": 5}},
            422,
            ["request body at $.metadata.k: 5 is not of type 'string'"],
        ),
        (
            "/messages",
            JSON,
            {"to": "+14155550123", "body": "hi"},
            422,
            [
                "request body: the object is not valid under any of the given schemas "
                "('from' is a required property or 'messaging_service_id' is a required property)"
            ],
        ),
        (
            "/messages",
            JSON,
            b"{not json",
            400,
            ["request body: invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"],
        ),
        ("/messages", JSON, None, 400, ["request body is required"]),
        (
            "/messages",
            {**BEARER, "Content-Type": "text/plain"},
            b"hello",
            415,
            [
                "request body: Content-Type 'text/plain' is not accepted; "
                "send one of application/json, application/x-www-form-urlencoded"
            ],
        ),
        (
            "/messages",
            {**BEARER, "Content-Type": "application/x-www-form-urlencoded"},
            b"to=%2B14155550123&from=%2B14155550100&body=hi&validity_period=soon",
            422,
            ["request body at $.validity_period: 'soon' is not of type 'integer'"],
        ),
    ],
)
def test_invalid_bodies(
    path: str, headers: dict[str, str], body: Any, status: int, problems: list[str], servers: dict[str, MockServer]
) -> None:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    response = call(servers["demo"], "POST", path, headers=headers, data=data)
    assert response.status_code == status, response.text
    assert problems_of(response) == problems


def test_multipart_bodies_are_parsed_and_checked(servers: dict[str, MockServer]) -> None:
    server = servers["demo"]
    files = {"file": ("a.gif", FILE_BYTES, "image/gif"), "content_type": (None, "image/gif")}
    ok = call(server, "POST", "/media", headers=BEARER, files=files)
    assert ok.status_code == 201
    media = ok.json()
    assert media["content_type"] == "image/gif"  # a field of the request, copied
    assert media["url"] == f"https://media.relay.example/{media['id']}.png"  # the new id, wherever it shows
    missing = call(server, "POST", "/media", headers=BEARER, files={"content_type": (None, "image/png")})
    assert missing.status_code == 422
    assert problems_of(missing) == ["request body: 'file' is a required property"]


def test_parameter_and_body_problems_are_listed_together(servers: dict[str, MockServer]) -> None:
    headers = {**JSON, "Idempotency-Key": ""}
    response = call(servers["demo"], "POST", "/phone-numbers", headers=headers, data=b"{}")
    assert response.status_code == 400  # a parameter is wrong: 400, not 422
    assert problems_of(response) == [
        "header parameter 'Idempotency-Key': '' should be non-empty",
        "request body: 'phone_number' is a required property",
    ]


# -- credentials -------------------------------------------------------------------------


def test_missing_credentials_are_401(servers: dict[str, MockServer]) -> None:
    response = call(servers["demo"], "GET", "/messages?limit=500")  # credentials first: no 400
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="mock", Basic realm="mock"'
    assert response.json() == {
        "error": "missing or invalid credentials",
        "problems": [
            "bearerAuth: send 'Authorization: Bearer <token>'",
            "basicAuth: send 'Authorization: Basic <base64 of user:password>'",
        ],
    }


@pytest.mark.parametrize(
    ("project", "method", "target", "headers", "status"),
    [
        ("demo", "GET", "/account", {"Authorization": "Basic " + base64.b64encode(b"AC1:token").decode()}, 200),
        ("demo", "GET", "/account", {"Authorization": "Basic not-base64!"}, 401),
        ("demo", "GET", "/account", {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()}, 401),
        ("demo", "GET", "/account", BEARER, 401),  # basic only
        ("demo", "GET", "/messages", {"Authorization": "Bearer "}, 401),
        ("demo", "GET", "/messages", {"Authorization": "bearer abc"}, 200),
        ("demo", "GET", "/status", {}, 200),  # security: []
        ("petstore30", "GET", "/pets", {"X-API-Key": KEY}, 200),
        ("petstore30", "GET", "/pets", {"Authorization": "Bearer oauth-token"}, 200),
        ("petstore30", "GET", "/pets", {"X-API-Key": ""}, 401),
        ("petstore30", "POST", "/store/orders", {"X-API-Key": KEY}, 401),  # needs basic too
        ("nasty", "PUT", "/forms/.x", {"Cookie": f"session={KEY}"}, 204),
        ("nasty", "PUT", "/forms/.x", {}, 401),
        ("nasty", "DELETE", "/nothing", {}, 204),
    ],
)
def test_credentials(
    project: str, method: str, target: str, headers: dict[str, str], status: int, servers: dict[str, MockServer]
) -> None:
    assert call(servers[project], method, target, headers=headers).status_code == status


def test_every_scheme_of_a_requirement_is_needed(servers: dict[str, MockServer]) -> None:
    response = call(servers["petstore30"], "POST", "/store/orders", headers={"X-API-Key": KEY})
    assert problems_of(response) == ["api_key + basic: send 'Authorization: Basic <base64 of user:password>'"]
    response = call(servers["nasty"], "GET", "/files/x/10", headers={"X-Api-Key": KEY})
    assert problems_of(response) == ["keyHeader + keyQuery: send query parameter 'api_key'"]


# -- state -------------------------------------------------------------------------------


def test_a_created_resource_lives_until_deleted(demo: MockServer) -> None:
    body = {"phone_number": "+14155550199", "friendly_name": "Mine", "messaging_webhook_url": "https://me.example/in"}
    created = call(demo, "POST", "/v1/phone-numbers", headers=JSON, json=body)
    assert created.status_code == 201
    number = created.json()
    new_id = number["id"]
    assert new_id.startswith("pn_") and len(new_id) == len("pn_4Fh8Jk2Lm6Np0Qr3St7Uv1Wx")
    assert new_id != "pn_4Fh8Jk2Lm6Np0Qr3St7Uv1Wx"
    assert {k: number[k] for k in body} == body  # request fields copied
    assert created.headers["Location"] == f"https://api.relay.example/v1/phone-numbers/{new_id}"

    assert call(demo, "GET", f"/v1/phone-numbers/{new_id}", headers=BEARER).json() == number

    patch = {"friendly_name": "Renamed", "messaging_webhook_url": None}
    headers = {**BEARER, "Content-Type": "application/merge-patch+json"}
    patched = call(demo, "PATCH", f"/v1/phone-numbers/{new_id}", headers=headers, data=json.dumps(patch))
    assert patched.status_code == 200
    assert patched.json() == {**number, **patch}
    assert call(demo, "GET", f"/v1/phone-numbers/{new_id}", headers=BEARER).json() == {**number, **patch}
    listed = call(demo, "GET", "/v1/phone-numbers", headers=BEARER).json()
    assert [n["id"] for n in listed["data"]] == [new_id]

    assert call(demo, "DELETE", f"/v1/phone-numbers/{new_id}", headers=BEARER).status_code == 204
    gone = call(demo, "GET", f"/v1/phone-numbers/{new_id}", headers=BEARER)
    assert gone.status_code == 404
    assert problems_of(gone) == [f"path parameter 'phone_number_id': '{new_id}' was deleted"]


def test_ids_never_created_answer_the_example_with_that_id(demo: MockServer) -> None:
    wanted = "msg_" + "A" * 24
    response = call(demo, "GET", f"/v1/messages/{wanted}", headers=BEARER)
    assert response.status_code == 200
    assert response.json()["id"] == wanted
    assert response.json()["body"] == "Your code is 482913"  # the schema's example otherwise
    # Deleting an id never created is accepted and forgotten: examples keep working.
    assert call(demo, "DELETE", f"/v1/messages/{wanted}", headers=BEARER).status_code == 204
    assert call(demo, "GET", f"/v1/messages/{wanted}", headers=BEARER).status_code == 200


def test_actions_on_a_stored_item_answer_the_item(demo: MockServer) -> None:
    sent = call(
        demo, "POST", "/v1/messages", headers=JSON, json={"to": "+14155550111", "from": "+14155550100", "body": "Hi"}
    )
    message = sent.json()
    assert (sent.status_code, message["to"], message["body"]) == (202, "+14155550111", "Hi")
    canceled = call(demo, "POST", f"/v1/messages/{message['id']}/cancel", headers=BEARER)
    assert canceled.json() == message


def test_write_only_and_read_only_fields_are_not_copied(demo: MockServer) -> None:
    body = {"url": "https://me.example/hook", "events": ["*"], "basic_auth_password": "pw", "enabled": False}
    created = call(demo, "POST", "/v1/webhook-endpoints", headers=JSON, json=body).json()
    assert created["url"] == "https://me.example/hook" and created["events"] == ["*"]
    assert "basic_auth_password" not in created and created["enabled"] is True


def test_created_ids_are_unique_and_repeatable_per_seed() -> None:
    def ids(seed: int) -> list[str]:
        mock = MockApi.from_project(_PROJECTS["demo"], seed=seed)
        body = json.dumps({"to": "+14155550123", "from": "+14155550100", "body": "x"}).encode()
        return [mock.handle("POST", "/messages", JSON, body).json()["id"] for _ in range(20)]

    first = ids(0)
    assert len(set(first)) == 20
    assert first == ids(0) and first != ids(1)


def test_concurrent_creates_are_all_stored(demo: MockServer) -> None:
    created: list[str] = []
    lock = threading.Lock()

    def create() -> None:
        with requests.Session() as session:
            for _ in range(5):
                data = {"phone_number": "+14155550100"}
                response = session.post(demo.url + "/phone-numbers", json=data, headers=JSON, timeout=30)
                with lock:
                    created.append(response.json()["id"])

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(created)) == 40
    listed = call(demo, "GET", "/phone-numbers?limit=100", headers=BEARER).json()["data"]
    assert sorted(n["id"] for n in listed) == sorted(created)


# -- the core and the server ----------------------------------------------------------------


def test_the_core_needs_no_server() -> None:
    mock = MockApi.from_project(_PROJECTS["demo"])
    response = mock.handle("GET", "/v1/messages?limit=5", {"Authorization": "Bearer x"})
    assert response.status == 200 and response.header("content-type") == "application/json"
    assert response.json()["data"][0]["id"] == "msg_9Zk2LqT8vXw3RbN5cYp7HdJ4"


def test_the_server_binds_only_the_given_host() -> None:
    with serve_mock(MockApi.from_project(_PROJECTS["multifile"])) as server:
        assert server.host == "127.0.0.1" and server.url == f"http://127.0.0.1:{server.port}"
        assert requests.get(server.url + "/users", timeout=10).status_code == 200
        # 127.0.0.2 is loopback too: a server on every address would answer there.
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.2", server.port)) != 0
    with socket.socket() as sock:  # closed: the port is released
        assert sock.connect_ex(("127.0.0.1", server.port)) != 0


def test_each_request_is_logged_and_wait_returns_on_close() -> None:
    lines: list[str] = []
    server = serve_mock(MockApi.from_project(_PROJECTS["multifile"]), log=lines.append)
    requests.get(server.url + "/users/u1?x=1", timeout=10)
    requests.post(server.url + "/users", timeout=10)
    assert lines == ["GET /users/u1?x=1 200", "POST /users 405"]
    threading.Timer(0.2, server.close).start()
    server.wait()  # returns once closed


# -- parameters: the inverse of the snippets' serialization -----------------------------------

_ITEM_INT = {"type": "array", "items": {"type": "integer"}}
_ITEM_STR = {"type": "array", "items": {"type": "string"}}
_OBJECT = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}
_DEEP = {
    "type": "object",
    "properties": {"a": {"type": "object", "properties": {"b": {"type": "integer"}}}, "c": _ITEM_INT},
}


@pytest.mark.parametrize(
    ("location", "style", "explode", "schema", "value"),
    [
        ("path", None, None, {"type": "string"}, "a/b c,d"),
        ("path", None, None, _ITEM_INT, [1, 2]),
        ("path", None, True, _OBJECT, {"a": 1, "b": "c d"}),
        ("path", None, False, _OBJECT, {"a": 1, "b": "x"}),
        ("path", "label", False, _ITEM_INT, [1, 2]),
        ("path", "label", True, _ITEM_STR, ["x", "y z"]),
        ("path", "matrix", None, {"type": "integer"}, 7),
        ("path", "matrix", True, _ITEM_INT, [1, 2]),
        ("path", "matrix", False, _OBJECT, {"a": 1}),
        ("query", None, None, _ITEM_INT, [1, 2]),
        ("query", None, False, _ITEM_INT, [1, 2]),
        ("query", "spaceDelimited", False, _ITEM_STR, ["a", "b"]),
        ("query", "pipeDelimited", False, _ITEM_STR, ["a", "b"]),
        (
            "query",
            None,
            True,
            {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "boolean"}}},
            {"a": 1, "b": True},
        ),
        ("query", None, False, _OBJECT, {"a": 1}),
        ("query", "deepObject", True, _DEEP, {"a": {"b": 1}, "c": [1, 2]}),
        ("query", None, None, {"type": "number"}, 1.5),
        ("header", None, None, {"type": "string"}, "quote\" and 'x'"),
        ("header", None, None, _ITEM_INT, [3, 4]),
        ("cookie", None, None, {"type": "string"}, "a b;c"),
        ("cookie", None, False, _ITEM_STR, ["x", "y"]),
    ],
)
def test_parameters_read_back_what_snippets_write(
    location: str, style: str | None, explode: bool | None, schema: dict[str, Any], value: Any
) -> None:
    raw: dict[str, Any] = {"name": "v", "in": location, "required": True, "schema": schema}
    raw.update({k: v for k, v in (("style", style), ("explode", explode)) if v is not None})
    path = "/x/{v}" if location == "path" else "/x"
    data = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {path: {"get": {"parameters": [raw], "responses": {"204": {"description": "Done."}}}}},
    }
    api = build_api(
        SpecSource(data=data, root=Document(Path("openapi.yaml"), "openapi.yaml", "", data), project_dir=ROOT)
    )
    op = api.operations[0]
    request = build_request(api, op, values={"v": value})
    mock = MockApi(api, data, "3.1.0")
    found = mock.router.find("GET", request.path)
    assert isinstance(found, Found)
    cookie = "; ".join(f"{name}={text}" for name, text in request.cookies)
    pairs = [(k, str(v)) for k, v in request.headers] + ([("Cookie", cookie)] if cookie else [])
    headers = Headers(pairs)
    parts = RequestParts(found.path_values, request.query, headers, headers.cookies())
    assert read_parameters(api, op, parts, mock.validator) == ({(location, "v"): value}, [])
    target = request.path + ("?" + request.query_string if request.query else "")
    assert mock.handle("GET", target, pairs).status == 204
