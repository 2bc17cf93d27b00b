"""The demo portal at the repository root builds cleanly in strict mode and shows the
reference the foundation promises."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_demo, run_portal


def test_demo_portal_builds_strict(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    result = run_portal("build", "--strict", cwd=demo)
    assert result.returncode == 0, result.stderr
    site = demo / "site"
    reference = site / "reference"
    operations = [p for p in reference.glob("*/*/index.html") if p.parent.parent.name not in ("models", "webhooks")]
    tags = [p for p in reference.glob("*/index.html") if p.parent.name not in ("models", "webhooks", "authentication")]
    assert len(operations) >= 15 and len(tags) >= 3
    auth = (reference / "authentication" / "index.html").read_text()
    assert 'id="bearer-auth"' in auth and 'id="basic-auth"' in auth
    assert len(list((reference / "webhooks").glob("*/index.html"))) >= 3
    send = (reference / "messages" / "send-message" / "index.html").read_text()
    assert "Idempotency-Key" in send and 'id="callbacks"' in send and "multipart" not in send
    upload = (reference / "messages" / "upload-media" / "index.html").read_text()
    assert "multipart/form-data" in upload
    assert (site / "assets" / "portal" / "portal.css").exists()
    # Content YAML is input, never published; the spec is, bundled, to download.
    assert [p.relative_to(site).as_posix() for p in site.rglob("*.yaml")] == ["openapi.yaml"]
    assert (site / "openapi.json").exists()
