"""Guides (quickstarts and tutorials): every mistake is reported at its line in the
guide, through the real CLI, and the demo's guides render as pages."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import copy_demo, run_portal


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo portal to break."""
    return copy_demo(tmp_path)


def write_guide(project: Path, text: str, name: str = "quickstarts/broken.yaml") -> None:
    path = project / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def check(project: Path, *args: str) -> tuple[int, str]:
    result = run_portal("check", "--no-run", *args, cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stderr


def test_every_mistake_in_a_guide_is_reported_at_its_line(demo: Path) -> None:
    write_guide(
        demo,
        """
        title: Broken
        summary: Every mistake at once.
        steps:
          - title: Send
            call:
              operation: sendMesage
          - title: Send again
            call:
              operation: sendMessage
              parameters:
                idempotency_key: abc
              body:
                to: 12
                from: "+14155550100"
                body: hi
            capture:
              MESSAGE_ID: idd
          - title: Get
            call:
              operation: getMessage
              parameters:
                message_id: ${MSG}
          - title: List
            call:
              operation: listMessages
              parameters:
                limit: 500
                status: "${MESSAGE_ID} and text"
          - title: Get without its id
            call:
              operation: getMessage
        next_steps:
          - title: Nowhere
            guide: nowhere
        """,
    )
    code, err = check(demo)
    assert code == 1
    guide = "content/quickstarts/broken.yaml"
    expected = [
        f"{guide}:6:7: no operation 'sendMesage' in the spec\n  hint: did you mean 'sendMessage'?",
        f"{guide}:11:9: sendMessage has no parameter 'idempotency_key'\n  hint: did you mean 'Idempotency-Key'?",
        f"{guide}:13:9: request body field 'to': 12 is not of type 'string'\n"
        "  hint: see the application/json body of sendMessage in the reference",
        f"{guide}:17:7: the 202 response of sendMessage has no field 'idd'\n  hint: did you mean 'id'?",
        f"{guide}:22:9: '${{MSG}}' is not captured by an earlier step\n"
        "  hint: capture it first, e.g. capture: {MSG: id} on the step whose response has it",
        f"{guide}:27:9: parameter 'limit': 500 is greater than the maximum of 100\n"
        "  hint: give a value its schema allows",
        f"{guide}:28:9: '${{MESSAGE_ID}} and text' mixes a captured value with text\n"
        '  hint: a captured value must be the whole value, e.g. message_id: "${MESSAGE_ID}"',
        f"{guide}:30:5: missing required path parameter 'message_id' of getMessage\n"
        "  hint: add it under parameters: message_id: ...",
        f"{guide}:34:5: no guide 'nowhere'\n  hint: a guide id is its file name without .yaml",
    ]
    for message in expected:
        assert message in err, f"missing:\n{message}\n--- in ---\n{err}"
    assert "FAILED: 9 problems" in err


def test_renaming_a_parameter_in_the_spec_fails_the_guide_that_uses_it(demo: Path) -> None:
    spec = demo / "openapi" / "openapi.yaml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace("      name: message_id\n", "      name: id\n").replace("{message_id}", "{id}")
    spec.write_text(text, encoding="utf-8")
    code, err = check(demo)
    assert code == 1
    guide = demo / "content/quickstarts/send-your-first-message.yaml"
    line = next(i for i, row in enumerate(guide.read_text().splitlines(), 1) if "message_id: ${MESSAGE_ID}" in row)
    assert (
        f"content/quickstarts/send-your-first-message.yaml:{line}:9: getMessage has no parameter 'message_id'\n"
        "  hint: its parameters: id"
    ) in err
    assert f"content/quickstarts/send-your-first-message.yaml:{line - 1}:7: missing required path parameter 'id'" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: T\nsummary: S\nstesp: []\n",
            [
                "broken.yaml:1:1: missing required field 'steps'",
                "broken.yaml:3:1: unknown field 'stesp'\n  hint: did you mean 'steps'?",
            ],
        ),
        (
            "title: T\nsummary: S\nminutes: five\nsteps:\n  - title: A\n",
            ["broken.yaml:3:1: minutes must be an integer, got 'five'"],
        ),
        (
            "title: T\nsummary: S\nsteps:\n  - title: A\n    call: {operation: getMessage}\n    code: {python: x}\n",
            [
                "broken.yaml:4:5: a step has either 'call' or 'code', not both in steps.0\n"
                "  hint: split it into two steps"
            ],
        ),
        (
            "title: T\nsummary: S\nsteps:\n  - title: A\n    code: {python: print(1)}\n    capture: {message-id: id}\n",
            ["broken.yaml:6:15: 'message-id' is not a capture name in steps.0.capture"],
        ),
        (
            "title: T\nsummary: S\nsteps:\n  - title: A\n    code: {cobol: x}\n",
            [
                "broken.yaml:5:12: unknown language 'cobol'\n"
                "  hint: use one of curl, python, javascript, go, java, ruby, php"
            ],
        ),
        (
            "title: T\nsummary: S\nsteps:\n  - title: A\n    text: [unclosed\n",
            ["broken.yaml:6:1: "],
        ),
        (
            "title: T\nsummary: S\nsteps:\n  - title: A\nnext_steps:\n  - title: B\n    guide: x\n    url: y\n",
            ["broken.yaml:6:5: a next step needs exactly one of 'guide', 'operation' or 'url' in next_steps.0"],
        ),
    ],
    ids=["unknown-field", "wrong-type", "call-and-code", "capture-name", "language", "yaml-syntax", "next-step"],
)
def test_schema_mistakes_point_at_their_line(demo: Path, text: str, expected: list[str]) -> None:
    (demo / "content" / "quickstarts" / "broken.yaml").write_text(text, encoding="utf-8")
    code, err = check(demo)
    assert code == 1
    for message in expected:
        assert f"content/quickstarts/{message}" in err, err


def test_guide_ids_are_unique_across_kinds(demo: Path) -> None:
    source = demo / "content" / "quickstarts" / "send-your-first-message.yaml"
    write_guide(demo, source.read_text(encoding="utf-8"), "tutorials/send-your-first-message.yaml")
    code, err = check(demo)
    assert code == 1
    assert "content/tutorials/send-your-first-message.yaml:2:1: two guides are named 'send-your-first-message'" in err


def test_a_capture_may_not_replace_a_credential(demo: Path) -> None:
    write_guide(
        demo,
        """
        title: T
        summary: S
        steps:
          - title: Send
            call:
              operation: sendMessage
              body: {from: "+14155550100", to: "+14155550123", body: hi}
            capture:
              RELAY_API_KEY: id
        """,
    )
    code, err = check(demo)
    assert code == 1
    assert "broken.yaml:9:7: capture 'RELAY_API_KEY' would replace the credential variable of the same name" in err


def test_build_fails_on_a_broken_guide_and_keeps_the_old_site(demo: Path) -> None:
    assert run_portal("build", cwd=demo).returncode == 0
    index = demo / "site" / "quickstarts" / "send-your-first-message" / "index.html"
    before = index.read_bytes()
    write_guide(demo, "title: T\nsummary: S\nsteps:\n  - title: A\n    call: {operation: nope}\n")
    result = run_portal("build", cwd=demo)
    assert result.returncode == 1
    assert "content/quickstarts/broken.yaml:5:12: no operation 'nope' in the spec" in result.stderr
    assert "Traceback" not in result.stderr
    assert index.read_bytes() == before


def test_the_demo_guides_render_as_pages(built) -> None:
    site = built("demo")
    page = (site / "quickstarts" / "send-your-first-message" / "index.html").read_text(encoding="utf-8")
    # Numbered steps, in order, with code in every language, linked with the reference.
    titles = re.findall(r'<h2 id="step-(\d+)">(\d+)\. ([^<]+)', page)
    assert [t[2] for t in titles] == ["Get an API key", "Send a message", "Check that it was delivered"]
    for label in ("curl", "Python", "JavaScript", "Go", "Java", "Ruby", "PHP"):
        assert f">{label}</label>" in page
    from html import unescape

    text = unescape(re.sub(r"<[^>]+>", "", page))  # what a reader reads, however it is escaped
    assert 'os.environ["MESSAGE_ID"]' in text
    assert "export MESSAGE_ID=msg_9Zk2LqT8vXw3RbN5cYp7HdJ4" in text
    assert "Time to first call" in page
    assert "What you will build" in page
    # Links to Markdown sources in guide prose become links to their pages.
    tutorial = (site / "tutorials" / "receive-delivery-webhooks" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../quickstarts/send-your-first-message/"' in tutorial
    assert '<a href="../../reference/webhooks/">Every event and its payload</a>' in tutorial
    assert '.md"' not in tutorial
    # The schema is published for editors.
    assert (site / "schemas" / "guide.schema.json").is_file()
    # The sidebar lists quickstarts and tutorials.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Page through your message history" in home
    assert "Receive delivery updates with webhooks" in home
