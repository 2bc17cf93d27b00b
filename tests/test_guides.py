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
    assert "MESSAGE_ID=$(jq -r .id response.json)" in text  # from the response, never the example's id
    assert "Expected output" in text
    assert "Time to first call" in page
    assert "You will build" in page
    # Links to Markdown sources in guide prose become links to their pages.
    tutorial = (site / "tutorials" / "receive-delivery-webhooks" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../quickstarts/send-your-first-message/"' in tutorial
    assert '<a href="../../reference/webhooks/">Every event and its payload</a>' in tutorial
    assert not re.findall(r'<a href="[^"]*\.md"', tutorial)  # (the page's Markdown twin is offered by portal.js)
    # The schema is published for editors.
    assert (site / "schemas" / "guide.schema.json").is_file()
    # The sidebar lists quickstarts and tutorials.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Page through your message history" in home
    assert "Receive delivery updates with webhooks" in home


def test_a_capture_no_later_step_uses_is_reported(demo: Path) -> None:
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
              MESSAGE_ID: id
              MESSAGE_STATUS: status
          - title: Check
            call:
              operation: getMessage
              parameters: {message_id: "${MESSAGE_ID}"}
        """,
    )
    code, err = check(demo)
    assert code == 1
    assert "broken.yaml:10:7: 'MESSAGE_STATUS' is captured but no later step uses it" in err
    assert "MESSAGE_ID' is captured" not in err


def test_captures_are_read_from_the_response_in_every_language() -> None:
    from portal_gen.snippets.guide import jq_filter, keep_captures
    from portal_gen.snippets.languages import LANGUAGES

    assert jq_filter(("id",)) == ".id"
    assert jq_filter(("data", "0", "id")) == ".data[0].id"
    assert jq_filter(("odd key", 'say "hi"')) == '.["odd key"].["say \\"hi\\""]'
    curl = keep_captures(
        "curl -sS 'https://x.test/items'\n", LANGUAGES["curl"], [("ITEM_ID", ("data", "0", "id"))], generated=True
    )
    assert (
        curl.code
        == "curl -sS 'https://x.test/items' \\\n  | tee response.json\nITEM_ID=$(jq -r '.data[0].id' response.json)\n"
    )
    assert curl.run == ""
    # Hand-written shell is grouped, so that all of its output is kept.
    written = keep_captures("echo '{\"a\": 1}'\n", LANGUAGES["curl"], [("A", ("a",))], generated=False)
    assert written.code == "{\n  echo '{\"a\": 1}'\n} | tee response.json\nA=$(jq -r .a response.json)\n"
    for lang in ("python", "javascript", "go", "java", "ruby", "php"):
        kept = keep_captures("code\n", LANGUAGES[lang], [("ITEM_ID", ("id",))], generated=True)
        assert kept.code == "code\n"
        assert kept.run == f"{LANGUAGES[lang].run} | tee response.json\nexport ITEM_ID=$(jq -r .id response.json)\n"
    assert keep_captures("code\n", LANGUAGES["python"], [], generated=True).run == ""


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, ""), (0.004, "under 1 s"), (0.96, "under 1 s"), (1.0, "1.0 s"), (1.34, "1.3 s"), (12.6, "13 s")],
)
def test_measured_times_read_sensibly(seconds: float | None, text: str) -> None:
    from portal_gen.render.guide import measured_time

    assert measured_time(seconds) == text


def test_guide_pages_show_no_placeholder_and_expected_output(built) -> None:
    from html import unescape

    site = built("demo")
    for path in ("quickstarts/send-your-first-message", "tutorials/receive-delivery-webhooks"):
        page = (site / path / "index.html").read_text(encoding="utf-8")
        blocks = [unescape(re.sub(r"<[^>]+>", "", pre)) for pre in re.findall(r"<pre>(.*?)</pre>", page, re.S)]
        assert blocks
        assert not [b for b in blocks if '="..."' in b or "=..." in b or "=msg_" in b], path
        assert "0.0 s" not in page
    quickstart = (site / "quickstarts/send-your-first-message/index.html").read_text(encoding="utf-8")
    step = quickstart.split('<h2 id="step-2">', 1)[1].split("<h2 ", 1)[0]
    expected = unescape(re.sub(r"<[^>]+>", "", step.split("Expected output", 1)[1]))
    # The output to expect: the example response, with what this step sent.
    assert '"status": "queued"' in expected and '"body": "Hello from Relay!"' in expected
    webhooks = (site / "tutorials/receive-delivery-webhooks/index.html").read_text(encoding="utf-8")
    assert "Expected response: <code>204</code>, with no body." in webhooks
    assert "SIGNATURE_VALID" not in webhooks


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_guide_pages_in_a_browser(built, chromium, width: int, scheme: str) -> None:
    """The first code block in view at 1440x900, no code cut off, no sideways scroll,
    and no serious accessibility problem, in both schemes, on a desktop and a phone."""
    from browser import SCREENSHOTS, axe_source, serious_violations, serve_directory, sideways_overflow

    axe = axe_source()
    site = built("demo")
    SCREENSHOTS.mkdir(exist_ok=True)
    context = chromium.new_context(
        viewport={"width": width, "height": 900 if width > 400 else 844}, color_scheme=scheme
    )
    page = context.new_page()
    try:
        with serve_directory(site) as base:
            for path in ("quickstarts/send-your-first-message/", "tutorials/receive-delivery-webhooks/"):
                page.goto(f"{base}/{path}")
                if width == 1440:
                    top = page.evaluate("document.querySelector('article pre').getBoundingClientRect().top")
                    assert top < 900 - 40, f"{path}: the first code block starts at {top} px"
                cut = page.evaluate(
                    """[...document.querySelectorAll('article pre')]
                       .filter(p => p.offsetParent && p.scrollWidth > p.clientWidth).length"""
                )
                assert cut == 0, f"{path}: {cut} code blocks scroll sideways at {width} px"
                assert sideways_overflow(page) == 0, path
                assert serious_violations(page, axe) == [], path
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(SCREENSHOTS / f"guide-{name}-{width}-{scheme}.png"), full_page=width < 400)
    finally:
        context.close()
