"""What a reference snippet sends on APIs shaped like the biggest real ones (issue 24).

The `forms` fixture copies what Stripe's and Vercel's specs do: form bodies where
nothing is required, arrays of objects under ``deepObject``, GETs that declare a body,
examples that break their own schema, ``maxLength`` shorter than any believable word.
Every snippet runs in its real runtime against the recording server; what arrived is
compared with what was meant, then handed to the mock server (which validates requests
against the spec) as the bytes the runtime sent: it must answer with a success.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from recorder import Recorder, start_recorder
from test_snippets import _run, assert_received

from conftest import run_portal
from portal_gen.config import PortalConfig
from portal_gen.engine.build import make_snippets, template_loader
from portal_gen.engine.project import Project, load_project
from portal_gen.errors import PortalError
from portal_gen.mock import MockApi
from portal_gen.mock.coerce import deep_object
from portal_gen.model.api import Parameter
from portal_gen.snippets import LANGUAGES, Snippets
from portal_gen.snippets.serialize import _path_value, _query_pairs

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "tests" / "projects" / "forms"
_PROJECT = load_project(PortalConfig(project_dir=FORMS))
CASES = [pytest.param(op.key, lang, id=f"{op.key}-{lang}") for op in _PROJECT.api.operations for lang in LANGUAGES]


def _snippets(fields: str = "examples", project: Project = _PROJECT) -> Snippets:
    project = replace(project, config=replace(project.config, snippet_fields=fields))
    return make_snippets(project, template_loader(project.config))


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = start_recorder()
    yield server
    server.server.shutdown()


@pytest.mark.parametrize(("key", "lang"), CASES)
def test_every_snippet_sends_what_it_shows_and_a_checking_server_accepts_it(
    key: str, lang: str, recorder: Recorder, tmp_path: Path
) -> None:
    op = _PROJECT.api.operation(key)
    assert op is not None
    request = _snippets().request(op, base_url=recorder.url)
    recorder.take()
    result = _run(LANGUAGES[lang], request, tmp_path)
    assert result.ok, f"{result.stdout}\n{result.stderr}\n{LANGUAGES[lang].render(request)}"
    (received,) = recorder.take()
    assert_received(request, received)
    assert received.method == op.method.upper()  # a GET with a declared body stays a GET
    mock = MockApi.from_project(_PROJECT)
    answer = mock.handle(received.method, received.raw_path, list(received.headers.items()), received.body)
    assert 200 <= answer.status < 300, answer.body.decode()


def _sent(fields: str, key: str) -> tuple[list[tuple[str, Any]], list[str]]:
    """The form pairs (or JSON keys) and query names of the reference snippet."""
    op = _PROJECT.api.operation(key)
    assert op is not None
    request = _snippets(fields).request(op)
    body = request.body
    pairs = [] if body is None else [(p.name, p.value) for p in body.parts] if body.kind == "form" else body.value
    return pairs, [k for k, _ in request.query]


def test_minimal_sends_what_is_required_and_examples_adds_what_the_author_showed() -> None:
    # Nothing required, nothing shown: no body at all (Stripe's POST /v1/refunds).
    assert _sent("minimal", "createRefund") == ([], [])
    assert _sent("examples", "createRefund") == ([], [])
    everything, _ = _sent("all", "createRefund")
    assert {name.split("[")[0] for name, _ in everything} == {
        "amount",
        "charge",
        "payment_intent",
        "expand",
        "metadata",
    }

    minimal, _ = _sent("minimal", "createSubscriptionSchedule")
    assert minimal == [
        ("customer", "customer_123"),  # "The identifier of the customer": an id, not "string"
        ("phases[0][end_date]", "1767225600"),  # a time, as a Unix timestamp
        ("phases[0][items][0][price]", "price_123"),
    ]
    examples, _ = _sent("examples", "createSubscriptionSchedule")
    assert examples == [minimal[0], ("expand[]", "customer"), *minimal[1:]]  # the author's example

    # A required object is never empty: a form could not even send it.
    assert _sent("minimal", "createPortalConfiguration") == ([("business_profile[headline]", "example")], [])

    # Optional query parameters: only the one with an example; `created` is required.
    assert _sent("minimal", "listCustomers")[1] == ["created[gte]"]
    assert _sent("examples", "listCustomers")[1] == ["created[gte]", "limit"]
    assert _sent("all", "listCustomers")[1] == ["created[gte]", "created[lt]", "email", "limit"]


def test_a_get_or_delete_with_a_declared_body_keeps_its_method_and_sends_none() -> None:
    snippets = _snippets("all")
    for key, method in (("listCustomers", "GET"), ("deleteCustomer", "DELETE")):
        op = _PROJECT.api.operation(key)
        assert op is not None
        request = snippets.request(op)
        assert (request.method, request.body) == (method, None)
        php = snippets.render(op, "php", request).code
        assert "CURLOPT_POSTFIELDS" not in php and "http_build_query" not in php
        curl = snippets.render(op, "curl", request).code
        assert "--data" not in curl and ("-X DELETE" in curl) == (method == "DELETE")


def test_an_example_that_breaks_its_schema_is_never_sent() -> None:
    op = _PROJECT.api.operation("createProjectEnv")
    assert op is not None
    request = _snippets().request(op)
    assert request.body is not None
    body = request.body.value
    assert body["target"] == ["production"]  # not the spec's ["preview"], outside its enum
    assert (body["key"], body["comment"]) == ("API_URL", "Used by the web app")  # valid examples are kept
    assert "gitBranch" not in body  # optional, no example
    assert request.query == ()  # `upsert` has only an example its enum refuses


def test_the_warning_about_a_broken_example_says_snippets_do_not_send_it(tmp_path: Path) -> None:
    result = run_portal("build", "--strict", cwd=_copy(tmp_path))
    assert result.returncode == 1
    assert "'preview' is not one of ['production', 'development']; snippets never send it" in result.stderr
    assert "Traceback" not in result.stderr


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "forms"
    shutil.copytree(FORMS, target)
    return target


def test_short_limits_get_short_words_never_cut_ones() -> None:
    op = _PROJECT.api.operation("createTaxId")
    assert op is not None
    request = _snippets().request(op)
    assert request.body is not None
    sent = dict((p.name, p.value) for p in request.body.parts)
    # maxLength 4 and 2: "Jane Doe" and "example" do not fit and are not cut to "Jane", "ex".
    assert sent == {"name": "test", "type": "eu_vat", "value": "ab"}  # and not the enum's "" either


def test_a_misconfigured_snippet_fields_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(PortalError) as error:
        _snippets("everything")
    assert "snippet_fields is 'everything'" in str(error.value)
    assert "use one of minimal, examples, all" in error.value.format()
    project = _copy(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("snippet_env_prefix: FORMS", "snippet_fields: some"))
    result = run_portal("build", cwd=project)
    assert result.returncode == 1
    assert "mkdocs.yml: snippet_fields is 'some'" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "site").exists()


def test_stripe_sized_snippets_stay_short() -> None:
    """An operation with at most three required fields reads in under 30 lines of
    Python, whatever else the spec allows (Stripe's POST /v1/accounts/{account} was 114)."""
    snippets = _snippets()
    for op in _PROJECT.api.operations:
        code = snippets.render(op, "python", snippets.request(op)).code
        assert code.count("\n") <= 30, code
        assert not re.search(r"""["']string["']""", code), code


def test_a_colon_in_a_path_value_stays_a_colon() -> None:
    """GitHub's artifact digests (`sha256:...`, maxLength 71): RFC 3986 allows `:` and
    `@` in a segment, and a server that measures the raw segment counts `%3A` as three."""
    digest = Parameter(name="subject_digest", location="path", required=True)
    assert _path_value(digest, "sha256:1bb1@x/y z") == "sha256:1bb1@x%2Fy%20z"


_TEXT = st.text(alphabet="abcxyz019 -_.é", min_size=1, max_size=6)
_KEY = st.from_regex(r"[a-z][a-z_]{0,5}", fullmatch=True)
_VALUE = st.recursive(
    _TEXT,
    lambda inner: st.one_of(
        st.lists(_TEXT, min_size=1, max_size=3),
        st.lists(st.dictionaries(_KEY, inner, min_size=1, max_size=3), min_size=1, max_size=3),
        st.dictionaries(_KEY, inner, min_size=1, max_size=3),
    ),
    max_leaves=12,
)


@given(_VALUE.filter(lambda v: isinstance(v, (dict, list))))
def test_deep_objects_read_back_as_rack_and_php_read_them(value: Any) -> None:
    """What a snippet sends under deepObject, read the way Rack and PHP read brackets
    (the mock's reader), is the value again."""
    pairs = _query_pairs(Parameter(name="p", location="query", style="deepObject", explode=True), value)
    assert all(re.fullmatch(r"p(\[[^\]]*\])+", name) for name, _ in pairs)
    assert deep_object((name[1:], text) for name, text in pairs) == value
