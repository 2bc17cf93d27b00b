from __future__ import annotations

from pathlib import Path

import pytest

from portal_gen.errors import PortalError
from portal_gen.load.sources import load_document, parse_text


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_duplicate_key_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "info:\n  title: A\n  title: B\n")
    with pytest.raises(PortalError) as caught:
        load_document(path, "a.yaml")
    assert caught.value.format() == (
        "a.yaml:3:3: duplicate key 'title'\n"
        "  hint: each key may appear only once in a mapping; remove or rename one of them"
    )


def test_duplicate_key_in_json_is_found_too(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '{\n  "a": 1,\n  "a": 2\n}\n')
    with pytest.raises(PortalError) as caught:
        load_document(path, "a.json")
    assert str(caught.value.location) == "a.json:3:3"


def test_yaml_syntax_error_points_at_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "info:\n  title: A\n description: bad indent\n")
    with pytest.raises(PortalError) as caught:
        load_document(path, "a.yaml")
    error = caught.value
    assert str(error.location).startswith("a.yaml:3:")
    assert error.format().startswith("a.yaml:3:2: invalid YAML:")
    assert error.hint


def test_json_syntax_error_points_at_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '{\n  "a": 1\n  "b": 2\n}\n')
    with pytest.raises(PortalError) as caught:
        load_document(path, "a.json")
    assert caught.value.format().startswith("a.json:3:3: invalid JSON: Expecting ',' delimiter")


def test_dates_stay_strings_and_status_codes_become_strings() -> None:
    data = parse_text("version: 2026-11-01\nresponses:\n  200: {description: ok}\n", "x.yaml")
    assert data == {"version": "2026-11-01", "responses": {"200": {"description": "ok"}}}


def test_locate_finds_nested_values_and_falls_back_to_the_parent(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "paths:\n  /pets:\n    get:\n      summary: x\n      tags: [a, b]\n")
    document = load_document(path, "a.yaml")
    assert str(document.locate(("paths", "/pets", "get", "summary"))) == "a.yaml:4:7"
    assert str(document.locate(("paths", "/pets", "get", "tags", "1"))) == "a.yaml:5:17"
    assert str(document.locate(("paths", "/pets", "get", "nothing", "here"))) == "a.yaml:3:5"


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(PortalError, match=r"file not found: nope\.yaml"):
        load_document(tmp_path / "nope.yaml", "nope.yaml")
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(PortalError, match="not valid UTF-8"):
        load_document(path, "latin.yaml")
