"""Snippets on the built pages, user templates, `x-codeSamples`, and `portal snippet`."""

from __future__ import annotations

from pathlib import Path

from conftest import run_portal
from portal_gen.config import PortalConfig
from portal_gen.engine.project import load_project
from portal_gen.snippets import LANGUAGES, SnippetSettings, build_request


def _set_languages(root: Path, languages: str) -> None:
    config = (root / "mkdocs.yml").read_text()
    option = "      snippet_env_prefix: NASTY\n"
    (root / "mkdocs.yml").write_text(config.replace(option, f"{option}      snippet_languages: {languages}\n"))


def test_user_templates_override_and_add_languages(project) -> None:
    root: Path = project("nasty")
    templates = root / "site_templates" / "snippets"
    templates.mkdir(parents=True)
    (templates / "python.j2").write_text(
        "# {{ op.operation_id }} via httpx\nimport httpx\n"
        "httpx.request({{ string(request.method) }}, {{ string(request.url) }})\n"
    )
    (templates / "kotlin.j2").write_text('// Kotlin\nval url = "{{ request.url }}"\n')
    _set_languages(root, "[curl, python, kotlin]")
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "reference" / "other-operations" / "create-item" / "index.html").read_text()
    assert '<label for="__tabbed_1_3">Kotlin</label>' in html and "__tabbed_1_4" not in html
    assert "createItem via httpx" in html and "import requests" not in html
    assert "https://api.example.com/v2/items" in html


def test_unknown_language_and_bad_variable_names_are_config_errors(project) -> None:
    root: Path = project("nasty")
    config = (root / "mkdocs.yml").read_text()
    _set_languages(root, "[curl, cobol]")
    result = run_portal("build", cwd=root)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "mkdocs.yml: unknown snippet language 'cobol'\n"
        "  hint: use some of curl, python, javascript, go, java, ruby, php, or write site_templates/snippets/cobol.j2"
    )
    (root / "mkdocs.yml").write_text(config.replace("[NASTY_USER, NASTY_PASSWORD]", '[NASTY_USER, "$(id)"]'))
    result = run_portal("build", cwd=root)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "mkdocs.yml: '$(id)' is not a usable environment variable name (security scheme basic)\n"
        "  hint: use letters, digits and underscores, not starting with a digit, in snippet_credentials"
    )


def test_portal_snippet_prints_one_snippet(project) -> None:
    root: Path = project("nasty")
    result = run_portal("snippet", "createItem", "--lang", "go", "--base-url", "http://127.0.0.1:8080", cwd=root)
    assert result.returncode == 0, result.stderr
    api = load_project(PortalConfig(project_dir=root)).api
    op = api.operation("POST /items")
    assert op is not None
    settings = SnippetSettings("http://127.0.0.1:8080", "NASTY", {"basic": ["NASTY_USER", "NASTY_PASSWORD"]})
    assert result.stdout == LANGUAGES["go"].render(build_request(api, op, settings))
    by_path = run_portal("snippet", "post /items", "-l", "python", cwd=root)
    assert by_path.returncode == 0 and "https://api.example.com/v2/items" in by_path.stdout


def test_portal_snippet_unknown_operation(project) -> None:
    root: Path = project("nasty")
    result = run_portal("snippet", "createItm", cwd=root)
    assert result.returncode == 1
    assert result.stderr.strip() == "no operation 'createItm' in openapi/openapi.yaml\n  hint: did you mean createItem?"


def test_operation_pages_show_request_and_response(built) -> None:
    html = (built("petstore30") / "reference" / "pets" / "show-pet-by-id" / "index.html").read_text()
    assert 'id="example"' in html
    request = html.split('portal-snippets"', 1)[1].split('class="tabbed-set', 1)[0]  # the request's tabs
    assert request.count('class="tabbed-block"') == len(LANGUAGES)
    assert 'class="tabbed-set tabbed-alternate portal-responses"' in html  # the responses, by status
