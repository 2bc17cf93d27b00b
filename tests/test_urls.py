"""One URL policy for every URL a spec or content file supplies: http, https, mailto or
relative links; anything else is shown as text. Unit-tested on the payloads browsers
are known to run, then fed through every field of the demo portal, built for real, and
read back with an HTML parser."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import copy_demo, run_portal
from portal_gen.render.markdown import render_markdown
from portal_gen.render.urls import browser_form, safe_url, url_scheme

# Each runs script, or opens what a page must not link to, in some browser.
BAD = [
    "javascript:alert(1)",
    " javascript:alert(1)",  # found by a user in info.contact.url
    "\tjava\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript:alert(1);/x",  # still valid script with a "/" added after it, as page links get
    "javascript&#58;alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "javascript&amp;colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "\x00javascript:alert(1)",
    "\x01javascript:alert(1)",
    " \x1f\x0b javascript:alert(1) \x00",
    "file:///etc/passwd",
    "tel:+15550100",  # harmless, but not one of the policy's schemes
]

# Relative URLs, so kept, that turn into a scheme if a page's path arithmetic drops their
# "./" or "x/..": pages must keep them relative.
TRICKY = ["./javascript:alert(1)//x.md", "x/../javascript:alert(1)//x.md", "./javascript:alert(1)//"]

# (given, the URL a page links to)
GOOD = [
    ("https://example.com/x?a=1&b=2", "https://example.com/x?a=1&b=2"),
    ("http://example.com/", "http://example.com/"),
    ("HTTPS://Example.com/Up", "HTTPS://Example.com/Up"),
    ("mailto:a@b.c", "mailto:a@b.c"),
    ("/docs", "/docs"),
    ("../x", "../x"),
    ("#anchor", "#anchor"),
    ("docs/page.html", "docs/page.html"),
    ("?q=javascript:alert(1)", "?q=javascript:alert(1)"),  # a query, not a scheme
    ("docs/javascript:alert(1)", "docs/javascript:alert(1)"),  # a path, not a scheme
    ("//cdn.example.com/a.png", "//cdn.example.com/a.png"),  # the page's own scheme: http(s)
    ("  https://example.com/a\n", "https://example.com/a"),  # cleaned as browsers do
    ("https://exa\tmple.com/", "https://example.com/"),
]


@pytest.mark.parametrize("raw", BAD)
def test_a_url_browsers_would_run_is_refused(raw: str) -> None:
    assert safe_url(raw) is None


@pytest.mark.parametrize(("raw", "kept"), GOOD)
def test_http_https_mailto_and_relative_urls_are_kept_as_browsers_read_them(raw: str, kept: str) -> None:
    assert safe_url(raw) == kept
    assert safe_url(kept) == kept  # applying the policy twice changes nothing


@pytest.mark.parametrize("raw", [None, 42, "", "   ", "\t\n", "\x00"])
def test_nothing_to_link_to_is_refused(raw: object) -> None:
    assert safe_url(raw) is None


def test_the_scheme_is_read_as_the_whatwg_parser_reads_it() -> None:
    assert browser_form(" \x01java\tscr\nipt:x \x7f") == "javascript:x \x7f"  # DEL is no C0 control
    assert url_scheme("JaVaScRiPt:x") == "javascript"
    assert url_scheme("a+b.c-d:x") == "a+b.c-d"
    assert url_scheme("1ab:x") is None  # a scheme starts with a letter
    assert url_scheme("java script:x") is None  # a space ends it: a relative URL
    assert url_scheme("//host/x:y") is None


def test_character_references_are_no_way_around_it() -> None:
    """Portal's templates escape ``&``, so a browser never decodes these; but a URL that
    would be script once decoded (by an override writing it raw) is refused anyway, and
    one that stays harmless when decoded is kept."""
    assert safe_url("&#106;avascript:alert(1)") is None
    assert safe_url("javascript&#x3A;alert(1)") is None
    assert safe_url("&amp;#106;avascript:alert(1)") is None  # decoded twice
    assert safe_url("https://example.com/?a=1&copy=2&#58;") == "https://example.com/?a=1&copy=2&#58;"
    assert safe_url("&" + "amp;" * 20 + "x") is None  # more rounds than any URL needs


_PIECES = ["java", "script", "JAVA", "data", "vbscript", "http", "s", "mailto", ":", "&#58;", "&colon;", "&#x3a"]
_PIECES += ["&amp;", "&#106;", "&Tab;", "&#x09;", "\t", "\n", "\r", " ", "\x00", "\x01", "\x1f", "/", "\\", "#"]
_PIECES += ["?", "%", "a", "1", "+", ".", "-", "alert(1)"]


@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_no_url_kept_is_read_as_another_scheme_decoded_or_not(raw: str) -> None:
    kept = safe_url(raw)
    if kept is not None:
        for seen in (kept, html.unescape(kept), html.unescape(html.unescape(kept))):
            assert _scheme(seen) in (None, "http", "https", "mailto")


@pytest.mark.parametrize("raw", BAD)
def test_markdown_links_and_images_follow_the_same_policy(raw: str) -> None:
    text = f"[md]({raw}) ![img]({raw}) <a href=\"{raw}\">raw</a> <img src='{raw}' alt=pic>"
    page = _Page()
    page.feed(str(render_markdown(text)))
    assert page.unsafe == []
    assert "md" in page.plain() and "raw" in page.plain()  # the links' text, still there


@pytest.mark.parametrize(("raw", "kept"), GOOD[:4])
def test_markdown_keeps_safe_links(raw: str, kept: str) -> None:
    page = _Page()
    page.feed(str(render_markdown(f"[md]({raw}) <a href='{raw}'>raw</a>")))
    assert [href for _, name, href in page.urls if name == "href"] == [kept, kept]


# -- end to end ---------------------------------------------------------------------------

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "cite", "data", "background", "ping"}
)


def _scheme(value: str) -> str | None:
    """The scheme a browser reads in an attribute's (already decoded) value; written
    here apart from :mod:`portal_gen.render.urls`, which is under test."""
    value = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", value)
    return match.group(1).lower() if match else None


def _plain(value: str) -> str:
    """Text as compared here: no control characters, whitespace collapsed."""
    return " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value).split())


class _Page(HTMLParser):
    """Every URL attribute of a page, its text, and the text of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # decodes attribute values as browsers do
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.text: list[str] = []
        self.link_texts: list[str] = []  # of <a> elements with an href
        self._links: list[tuple[bool, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append((tag, name, value))
        if tag == "a":
            self._links.append((any(name == "href" for name, _ in attrs), []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            linked, text = self._links.pop()
            if linked:
                self.link_texts.append(_plain(" ".join(text)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for _, text in self._links:
            text.append(data)

    @property
    def unsafe(self) -> list[tuple[str, str, str]]:
        return [found for found in self.urls if _scheme(found[2]) not in (None, "http", "https", "mailto")]

    def words(self) -> list[str]:
        return " ".join(self.text).split()

    def plain(self) -> str:
        return _plain(" ".join(self.text))


def _site_pages(site: Path) -> dict[str, _Page]:
    """Every page of a built site, parsed, by its path; each checked for unsafe URLs."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        parsed = _Page()
        parsed.feed(path.read_text(encoding="utf-8"))
        assert parsed.unsafe == [], path.relative_to(site)
        pages[path.relative_to(site).as_posix()] = parsed
    return pages


def _dump(path: Path, data: object) -> None:
    """Write YAML as JSON, which YAML reads the same: no payload depends on YAML quoting."""
    path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# Every payload, by a name its link text carries.
LINKS = (
    [(f"bad{i}", raw) for i, raw in enumerate(BAD)]
    + [(f"good{i}", raw) for i, (raw, _) in enumerate(GOOD)]
    + [(f"tricky{i}", raw) for i, raw in enumerate(TRICKY)]
)
REPORTED = " javascript:alert(1)"


def _poison_lists(demo: Path) -> None:
    """Every field of the demo that holds several URLs, given every payload; the one-URL
    fields of the spec, the payload the user reported."""
    spec_file = demo / "openapi" / "openapi.yaml"
    spec = _load(spec_file)
    info = spec["info"]
    info["contact"] = {"name": "Support", "url": REPORTED, "email": "javascript:alert('mail')"}
    info["license"] = {"name": "license-mark", "url": REPORTED}
    info["termsOfService"] = spec["externalDocs"]["url"] = REPORTED
    info["description"] += "\n\n" + "\n\n".join(
        f'[{name}-md]({raw}) ![{name}-img]({raw}) <a href="{raw}">{name}-raw</a>' for name, raw in LINKS
    )
    spec["servers"] += [{"url": raw, "description": f"{name}-server"} for name, raw in LINKS]
    spec["tags"] += [{"name": f"tag-{name}", "externalDocs": {"url": raw}} for name, raw in LINKS]
    for name, raw in LINKS:
        spec["paths"][f"/{name}"] = {
            "get": {
                "operationId": name,
                "tags": [f"tag-{name}"],
                "description": f"[{name}-opmd]({raw})",
                "externalDocs": {"url": raw},
                "security": [],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"examples": {"ext": {"externalValue": raw}}}},
                    }
                },
            }
        }
    _dump(spec_file, spec)

    guide_file = demo / "content" / "quickstarts" / "send-your-first-message.yaml"
    guide = _load(guide_file)
    guide["next_steps"] += [{"title": f"{name}-next", "url": raw} for name, raw in LINKS]
    guide["steps"][0]["text"] += "\n\n" + "\n".join(f"[{name}-step]({raw})" for name, raw in LINKS)
    _dump(guide_file, guide)

    pricing_file = demo / "content" / "pricing.yaml"
    pricing = _load(pricing_file)
    pricing["plans"] += [
        {"id": f"plan-{name}", "name": name, "price": "contact", "contact": {"label": f"{name}-plan", "url": raw}}
        for name, raw in LINKS
    ]
    _dump(pricing_file, pricing)

    study_file = demo / "content" / "case_studies" / "parcelway.yaml"
    study = _load(study_file)
    study["solution"] += "\n\n" + "\n".join(f"[{name}-study]({raw})" for name, raw in LINKS)
    _dump(study_file, study)

    config = demo / "mkdocs.yml"
    home_links = "".join(f"          - {{title: {name}-home, url: {json.dumps(raw)}}}\n" for name, raw in LINKS)
    text = config.read_text(encoding="utf-8").replace("      home:\n", "      home:\n        links:\n" + home_links)
    # Page to page links without "../" in front: a path that joins into "javascript:x/"
    # is read as a scheme unless the page writes "./" before it.
    text = text.replace("use_directory_urls: true", "use_directory_urls: false")
    config.write_text(text, encoding="utf-8")


def test_every_field_with_several_urls_links_only_under_the_policy(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    _poison_lists(demo)
    result = run_portal("build", cwd=demo)
    assert result.returncode == 0, result.stderr
    pages = _site_pages(demo / "site")  # no unsafe URL anywhere

    landing = pages["reference/index.html"]
    assert f"Support · javascript:alert('mail') · {REPORTED.strip()}" in landing.plain()  # the reported bug
    assert "license-mark" in landing.words()
    assert REPORTED.strip() not in landing.link_texts and "license-mark" not in landing.link_texts
    assert ("a", "href", "mailto:javascript:alert('mail')") in landing.urls  # mailto: is safe
    home, pricing = pages["index.html"], pages["pricing.html"]
    guide = pages["quickstarts/send-your-first-message.html"]
    study = pages["case-studies/parcelway.html"]
    for name, raw in LINKS:
        tag, operation = pages[f"reference/tag-{name}/index.html"], pages[f"reference/tag-{name}/{name}.html"]
        assert f"{name}-server" in landing.words() and _plain(raw) in landing.plain()  # servers: code, not links
        # Markdown (descriptions, steps, stories): text, or a harmless relative link
        # where markdown-it percent-encodes what a reference spelled (java&#x09;script:
        # links to "java%09script:..."); never script (checked on every page).
        assert f"{name}-md" in landing.plain() and f"{name}-raw" in landing.plain()
        assert f"{name}-opmd" in operation.plain()
        assert f"{name}-step" in guide.plain() and f"{name}-study" in study.plain()
        # Fields that take a URL: a link when the policy keeps it, else text.
        linked = not name.startswith("bad")
        assert f"{name}-home" in home.words() and (f"{name}-home" in home.link_texts) == linked
        assert f"{name}-next" in guide.words() and (f"{name}-next" in guide.link_texts) == linked
        assert f"{name}-plan" in pricing.words() and (f"{name}-plan" in pricing.link_texts) == linked
        assert f"More about tag-{name}" in tag.plain()
        assert (f"More about tag-{name}" in tag.link_texts) == linked
        assert f"Example at {_plain(raw)}" in operation.plain() and (_plain(raw) in operation.link_texts) == linked
    for i, (_, kept) in enumerate(GOOD):
        assert ("a", "href", kept) in pages[f"reference/tag-good{i}/index.html"].urls


# The spec's fields that take one URL, in builds of a small project: two payloads a build,
# and good URLs, linked, once.
@pytest.mark.parametrize(
    ("contact", "license_", "linked"),
    [
        *((contact, license_, False) for contact, license_ in zip(BAD[0::2], BAD[1::2], strict=True)),
        (GOOD[0][0], GOOD[3][0], True),
    ],
)
def test_the_contact_and_license_urls_are_text_unless_the_policy_keeps_them(
    project, contact: str, license_: str, linked: bool
) -> None:
    root = project("petstore30")
    spec_file = root / "openapi" / "openapi.yaml"
    spec = _load(spec_file)
    spec["info"].update(contact={"name": "Pet Team", "url": contact}, license={"name": "license-mark", "url": license_})
    spec["info"]["termsOfService"] = contact
    spec["externalDocs"] = {"url": license_}
    _dump(spec_file, spec)
    result = run_portal("build", cwd=root)
    assert result.returncode == 0, result.stderr
    landing = _site_pages(root / "site")["reference/index.html"]  # no unsafe URL anywhere
    assert f"Pet Team · {_plain(contact)}" in landing.plain() and "license-mark" in landing.words()
    assert (_plain(contact) in landing.link_texts) == linked and ("license-mark" in landing.link_texts) == linked
    if linked:
        assert {("a", "href", contact), ("a", "href", license_)} <= set(landing.urls)


def test_a_case_study_website_or_logo_that_is_no_web_address_is_refused_at_its_line(tmp_path: Path) -> None:
    """A study's website must be an http(s) address and its logo an image file of the
    project (published under a name portal makes): the schema refuses anything else
    before a page is made, each at its line."""
    demo = copy_demo(tmp_path)
    folder = demo / "content" / "case_studies"
    source = (folder / "parcelway.yaml").read_text(encoding="utf-8")
    logos = ["javascript:alert(1).png", " javascript:alert(1)", "data:image/png;base64,AAAA"]
    cases = [(raw, "logos/parcelway.png") for raw in BAD] + [("https://example.com", logo) for logo in logos]
    for i, (website, logo) in enumerate(cases):
        text = source.replace("company: Parcelway", f"company: Study {i}")
        text = text.replace("website: https://parcelway.example", f"website: {json.dumps(website)}")
        (folder / f"s{i:02}.yaml").write_text(text.replace("logo: logos/parcelway.png", f"logo: {json.dumps(logo)}"))
    result = run_portal("build", cwd=demo)
    assert result.returncode == 1
    assert not (demo / "site").exists()
    messages = [line for line in result.stderr.splitlines() if not line.startswith("  hint: ")]
    assert messages == [
        *(
            f"content/case_studies/s{i:02}.yaml:4:1: {raw!r} is not a web address in website"
            for i, raw in enumerate(BAD)
        ),
        f"content/case_studies/s{len(BAD):02}.yaml:3:1: logo file not found: content/case_studies/{logos[0]}",
        *(
            f"content/case_studies/s{len(BAD) + i:02}.yaml:3:1: {logo!r} is not an image file name in logo"
            for i, logo in enumerate(logos[1:], 1)
        ),
    ]
