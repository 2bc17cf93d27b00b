"""Sanitizing untrusted SVG logos: what is removed and noted, what is kept, what is refused,
and, in a real browser, that nothing in a hostile logo runs once sanitized."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from browser import serve_directory
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Dialog

from portal_gen.checks.svg import MAX_SVG_BYTES, SanitizedSvg, sanitize_svg
from portal_gen.errors import Location, PortalError

WHERE = Location("content/case_studies/acme.yaml", 4, 7)
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
    ' xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" viewBox="0 0 100 100">'
)
PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


def sanitize(body: str, *, prolog: str = "") -> tuple[ET.Element, SanitizedSvg, str]:
    """Sanitize ``body`` inside an <svg> root; the output must always parse as SVG."""
    result = sanitize_svg(f"{prolog}{OPEN}{body}</svg>".encode(), WHERE)
    text = result.data.decode("utf-8")
    assert text.startswith("<svg")
    root = ET.fromstring(result.data)
    assert root.tag == f"{SVG}svg"
    return root, result, text


def refusal(data: bytes) -> str:
    with pytest.raises(PortalError) as caught:
        sanitize_svg(data, WHERE)
    return caught.value.format()


# -- removed and noted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "note", "gone"),
    [
        ("<script>alert(1)</script><rect/>", "<script> element", "alert"),
        ('<script xlink:href="https://evil.example/x.js"/>', "<script> element", "evil"),
        ('<rect onclick="alert(1)"/>', "onclick attribute on <rect>", "alert"),
        ('<g OnLoad="alert(1)"/>', "OnLoad attribute on <g>", "alert"),
        (
            '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div>'
            "</foreignObject>",
            "<foreignObject> element",
            "onerror",
        ),
        (
            '<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>',
            "HTML <script> element",
            "alert",
        ),
        (
            '<image xlink:href="http://evil.example/x.png"/>',
            "external reference 'http://evil.example/x.png' in xlink:href of <image>",
            "evil",
        ),
        (
            '<image href="https://evil.example/x.png"/>',
            "external reference 'https://evil.example/x.png' in href of <image>",
            "evil",
        ),
        ('<use href=" JaVaScRiPt:alert(1)"/>', "external reference 'JaVaScRiPt:alert(1)' in href of <use>", "alert"),
        (
            '<use href="&#x6A;avascript:alert(1)"/>',
            "external reference 'javascript:alert(1)' in href of <use>",
            "alert",
        ),
        (
            '<image href="data:image/svg+xml;base64,PHN2Zz4="/>',
            "external reference 'data:image/svg+xml;base64,PHN2Zz4=' in href of <image>",
            "svg+xml",
        ),
        (
            '<use href="https://evil.example/s.svg#shape"/>',
            "external reference 'https://evil.example/s.svg#shape' in href of <use>",
            "evil",
        ),
        (
            '<use href="//evil.example/s.svg#a"/>',
            "external reference '//evil.example/s.svg#a' in href of <use>",
            "evil",
        ),
        ('<image href="logo.png"/>', "external reference 'logo.png' in href of <image>", "logo.png"),
        ('<use href="data:text/html,x"/>', "external reference 'data:text/html,x' in href of <use>", "text/html"),
        (
            '<rect style="fill: url(http://evil.example/t.png); stroke: red"/>',
            "external reference 'http://evil.example/t.png' in style of <rect>",
            "evil",
        ),
        (
            '<rect fill="url(https://evil.example/p.svg#g)"/>',
            "external reference 'https://evil.example/p.svg#g' in fill of <rect>",
            "evil",
        ),
        ("<style>@import url(https://evil.example/a.css); rect { fill: red }</style>", "@import in <style>", "evil"),
        ("<style>@IMPORT 'evil.css';</style>", "@import in <style>", "evil"),
        ("<style>@im<!-- split -->port 'evil.css';</style>", "@import in <style>", "evil"),
        ("<style>rect { width: expression(alert(1)) }</style>", "expression() in <style>", "alert"),
        ("<style>rect { fill: u\\72l(https://evil.example/x) }</style>", "CSS escape in <style>", "evil"),
        (
            "<style>rect { fill: url('https://evil.example/x') }</style>",
            "external reference 'https://evil.example/x' in <style>",
            "evil",
        ),
        ('<rect style="width: expression(alert(1)); fill: red"/>', "expression() in style of <rect>", "alert"),
        ('<rect style="behavior: url(javascript:alert(1))"/>', "javascript: in style of <rect>", "alert"),
        ("<rect mask=\"image-set('https://evil.example/m.png' 1x)\"/>", "image-set() in mask of <rect>", "evil"),
        (
            '<a href="javascript:alert(1)"><rect width="10" height="10"/></a>',
            "link <a> unwrapped",
            "javascript",
        ),
        ('<animate attributeName="href" to="javascript:alert(1)"/>', "<animate> element", "javascript"),
        (
            '<a><animate attributeName="href" values="javascript:alert(1)"/><text>hi</text></a>',
            "<animate> element",
            "alert",
        ),
        ('<set attributeName="onclick" to="alert(1)"/>', "<set> element", "alert"),
        ('<rect><animateTransform attributeName="transform"/></rect>', "<animateTransform> element", "animate"),
        ('<filter><feImage href="https://evil.example/f.png"/></filter>', "<feImage> element", "evil"),
    ],
)
def test_dangerous_constructs_are_removed_and_noted(body: str, note: str, gone: str) -> None:
    _, result, text = sanitize(body)
    assert note in result.removed
    assert gone not in text


def test_the_xml_stylesheet_instruction_is_an_external_reference() -> None:
    prolog = '<?xml version="1.0"?>\n<?xml-stylesheet type="text/css" href="https://evil.example/s.css"?>\n'
    _, result, text = sanitize("<rect/>", prolog=prolog)
    assert result.removed == ("external reference 'https://evil.example/s.css' in <?xml-stylesheet?>",)
    assert "evil" not in text and "<?" not in text


def test_an_xml_stylesheet_instruction_without_href_is_still_noted() -> None:
    _, result, _ = sanitize("<rect/>", prolog='<?xml-stylesheet type="text/css" href=""?><?other x?>')
    assert result.removed == ("external reference '' in <?xml-stylesheet?>",)
    _, result, _ = sanitize("<rect/>", prolog="<?xml-stylesheet type='text/xsl'?>")
    assert result.removed == ("<?xml-stylesheet?> instruction",)


def test_notes_are_deduplicated_in_document_order() -> None:
    _, result, _ = sanitize('<script/><rect onclick="x"/><script/><a><rect onclick="y"/></a><script/>')
    assert result.removed == ("<script> element", "onclick attribute on <rect>", "link <a> unwrapped")


def test_an_unwrapped_link_keeps_what_it_draws() -> None:
    root, _, _ = sanitize('<a xlink:href="javascript:alert(1)" onclick="x"><rect id="r" width="10"/></a>')
    assert [(child.tag, child.attrib) for child in root] == [(f"{SVG}rect", {"id": "r", "width": "10"})]


# -- kept ----------------------------------------------------------------------------------------


def test_a_clean_logo_keeps_its_drawing() -> None:
    body = (
        '<defs><linearGradient id="g" x1="0" x2="1" gradientUnits="objectBoundingBox">'
        '<stop offset="0" stop-color="#f00"/><stop offset="1" stop-color="#00f" stop-opacity=".5"/></linearGradient>'
        '<path id="shape" d="M0 0 L10 10 Z"/></defs>'
        '<rect width="100" height="50" fill="url(#g)" style="stroke: url( \'#g\' ); stroke-width: 2"/>'
        '<use href="#shape" x="5"/><use xlink:href="#shape" y="5"/>'
        f'<image href="{PNG}" width="1" height="1"/>'
        '<text x="0" y="90" font-family="Helvetica" xml:space="preserve">'
        "Acme &amp; Sons <tspan>&lt;Ltd&gt;</tspan></text>"
        "<title>Acme &amp; Sons</title>"
        "<style>.a > .b { fill: url(#g) }</style>"
    )
    root, result, text = sanitize(body)
    assert result.removed == ()
    assert root.get("viewBox") == "0 0 100 100"
    rect = root.find(f"{SVG}rect")
    assert rect is not None and rect.get("fill") == "url(#g)"
    assert rect.get("style") == "stroke: url(#g); stroke-width: 2"
    assert [use.get("href") or use.get(f"{XLINK}href") for use in root.iter(f"{SVG}use")] == ["#shape", "#shape"]
    image = root.find(f"{SVG}image")
    assert image is not None and image.get("href") == PNG
    assert "".join(root.find(f"{SVG}text").itertext()) == "Acme & Sons <Ltd>"  # type: ignore[union-attr]
    assert root.find(f"{SVG}title").text == "Acme & Sons"  # type: ignore[union-attr]
    assert root.find(f"{SVG}text").get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"  # type: ignore[union-attr]
    assert "<style>.a &gt; .b { fill: url(#g) }</style>" in text
    assert text.startswith('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ')


def test_the_xlink_namespace_is_declared_only_when_used() -> None:
    _, _, text = sanitize('<rect xlink:title="x"/>')
    assert "xlink" not in text
    assert text == '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect/></svg>'


def test_an_illustrator_doctype_is_accepted_and_dropped_without_fetching() -> None:
    prolog = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!-- Generator: Adobe Illustrator 27.0 -->\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    )
    _, result, text = sanitize('<circle cx="5" cy="5" r="5"/>', prolog=prolog)
    assert result.removed == ()
    assert "DOCTYPE" not in text and "Generator" not in text


def test_inkscape_metadata_is_dropped_silently() -> None:
    body = (
        '<sodipodi:namedview id="nv" inkscape:zoom="2"/>'
        "<metadata><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/></metadata>"
        '<g inkscape:label="Layer 1" inkscape:groupmode="layer" data-name="x" enable-background="new">'
        '<path d="M0 0"/></g>'
    )
    root, result, text = sanitize(body)
    assert result.removed == ()
    assert "inkscape" not in text and "sodipodi" not in text and "metadata" not in text
    assert [element.tag for element in root.iter()] == [f"{SVG}svg", f"{SVG}g", f"{SVG}path"]


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "UTF-16", "windows-1252"])
def test_other_encodings_come_out_as_utf8(encoding: str) -> None:
    data = (
        f'<?xml version="1.0" encoding="{encoding}"?><svg xmlns="http://www.w3.org/2000/svg"><title>Café</title></svg>'
    )
    result = sanitize_svg(data.encode(encoding), WHERE)
    assert result.data.decode("utf-8") == '<svg xmlns="http://www.w3.org/2000/svg"><title>Café</title></svg>'


def test_attribute_values_are_escaped() -> None:
    root, _, _ = sanitize('<rect id="a&quot;b&lt;&amp;&#10;c" class="x\ty"/>')
    rect = root.find(f"{SVG}rect")
    assert rect is not None and rect.get("id") == 'a"b<&\nc'


def test_very_deep_nesting_is_serialized_without_recursion() -> None:
    _, _, text = sanitize("<g>" * 5000 + "</g>" * 5000)
    assert text.count("<g>") == 4999 and text.count("<g/>") == 1


def test_long_css_without_delimiters_is_cleaned_in_linear_time() -> None:
    # A regression here shows as a hang: the declaration patterns once backtracked quadratically.
    _, result, text = sanitize(f'<style>{"a" * 400_000}\\</style><rect fill="{"b" * 400_000}"/>')
    assert result.removed == ("CSS escape in <style>",)
    assert "<style/>" in text


# -- refused -------------------------------------------------------------------------------------

HINT = "export the logo again as plain SVG, or use a PNG"
ENTITIES = (
    "content/case_studies/acme.yaml:4:7: logo declares XML entities, which portal refuses\n"
    f"  hint: remove the <!DOCTYPE ... [...]> block: {HINT}"
)


def test_a_billion_laughs_file_is_refused() -> None:
    lol = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    data = f'<?xml version="1.0"?><!DOCTYPE svg [{"".join(lol)}]><svg xmlns="http://www.w3.org/2000/svg">&lol9;</svg>'
    assert refusal(data.encode()) == ENTITIES


def test_an_external_entity_is_refused_and_never_read() -> None:
    data = b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    assert refusal(data) == ENTITIES


def test_an_internal_subset_without_entities_is_refused() -> None:
    data = b'<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]><svg xmlns="http://www.w3.org/2000/svg"/>'
    assert refusal(data) == ENTITIES


def test_a_non_svg_root_is_refused() -> None:
    assert refusal(b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>') == (
        "content/case_studies/acme.yaml:4:7: logo is not an SVG file: its root element is <html>\n"
        f'  hint: an SVG logo starts with <svg xmlns="http://www.w3.org/2000/svg">; {HINT}'
    )


def test_an_svg_root_outside_the_svg_namespace_is_refused() -> None:
    assert refusal(b"<svg><rect/></svg>") == (
        "content/case_studies/acme.yaml:4:7: logo is not an SVG file: its <svg> root element lacks the SVG namespace\n"
        f'  hint: an SVG logo starts with <svg xmlns="http://www.w3.org/2000/svg">; {HINT}'
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg">\n<g>\n</svg>', "mismatched tag (line 3)"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><title>\xff</title></svg>',
            "not well-formed (invalid token) (line 1)",
        ),
        (b"", "no element found (line 1)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg">&nbsp;</svg>', "undefined entity (line 1)"),
        (
            b'<?xml version="1.0" encoding="klingon"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "unknown encoding (line 1)",
        ),
        (
            b'<?xml version="1.0" encoding="shift_jis"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "unknown encoding (line 1)",
        ),
        (
            b'<?xml version="1.0" encoding="cp037"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "unknown encoding (line 1)",
        ),
    ],
)
def test_malformed_xml_is_refused(data: bytes, problem: str) -> None:
    assert refusal(data) == (
        f"content/case_studies/acme.yaml:4:7: logo is not a well-formed SVG file: {problem}\n  hint: {HINT}"
    )


def test_an_oversize_file_is_refused() -> None:
    data = f'<svg xmlns="http://www.w3.org/2000/svg"><desc>{"x" * MAX_SVG_BYTES}</desc></svg>'.encode()
    assert refusal(data) == (
        f"content/case_studies/acme.yaml:4:7: logo is {len(data):,} bytes,"
        " more than the 1,000,000 bytes portal accepts\n"
        "  hint: optimize the SVG (e.g. with svgo), or use a PNG"
    )
    just_fits = f'<svg xmlns="http://www.w3.org/2000/svg"><!--{"x" * MAX_SVG_BYTES}'[: MAX_SVG_BYTES - 9] + "--></svg>"
    assert len(just_fits) == MAX_SVG_BYTES
    assert sanitize_svg(just_fits.encode(), WHERE).data == b'<svg xmlns="http://www.w3.org/2000/svg"/>'


# -- any attribute -------------------------------------------------------------------------------

_NAMES = st.one_of(
    st.sampled_from(
        ["onload", "OnClick", "ONERROR", "onbegin", "href", "xlink:href", "style", "fill", "mask", "filter",
         "inkscape:label", "xml:space", "to", "values", "begin", "data-x"]
    ),
    st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,8}", fullmatch=True),
)  # fmt: skip
_PIECES = st.sampled_from(
    ["javascript:alert(1)", " JaVaScRiPt:x", "java\tscript:", "#frag", "url(http://e/x)", "url(#g)", "url( '#g' )",
     "URL(", PNG, "data:image/svg+xml;base64,AAAA", "//evil.example/x", "\\75rl(x)", "@import 'x';",
     "expression(1)", "image-set('x' 1x)", "/*", "*/", ";", "{", "}", "(", ")", "'", '"', " ", "\n", "&", "<"]
)  # fmt: skip
_VALUES = st.lists(
    st.one_of(_PIECES, st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=4)), max_size=6
).map("".join)
_URL = re.compile(r"url\(\s*([^)]*)\)?", re.IGNORECASE)


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.sampled_from(["rect", "image", "use", "g", "a", "text", "svg", "linearGradient"]),
    st.dictionaries(_NAMES, _VALUES, max_size=6),
    _VALUES,
)
def test_no_attribute_can_run_code_or_fetch(element: str, attributes: dict[str, str], css: str) -> None:
    written = "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())
    root, _, _ = sanitize(f"<{element}{written}><title>t</title></{element}><style>{escape(css)}</style>")
    for node in root.iter():
        for name, value in node.attrib.items():
            local = name.rpartition("}")[2]
            assert not local.lower().startswith("on")
            if local == "href":
                assert value.startswith("#") or (node.tag == f"{SVG}image" and value == PNG)
                continue
            assert not re.search(r"javascript\s*:|@import|expression\s*\(|image-set|\\", value, re.IGNORECASE)
            assert all(target.startswith("#") for target in _URL.findall(value))
    style = "".join(root.find(f"{SVG}style").itertext())  # type: ignore[union-attr]
    assert not re.search(r"javascript\s*:|@import|expression\s*\(|image-set|\\", style, re.IGNORECASE)
    assert all(target.startswith("#") for target in _URL.findall(style))


# -- in a real browser ---------------------------------------------------------------------------

HOSTILE = """<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"
     onload="window.pwned = 1; document.title = 'pwned'">
  <title>Acme</title>
  <script>window.pwned = 1; document.title = 'pwned';</script>
  <foreignObject width="300" height="100">
    <div xmlns="http://www.w3.org/1999/xhtml"><img src="missing.png" onerror="window.pwned = 1; alert('img')"/></div>
  </foreignObject>
  <a href="javascript:alert('link')">
    <rect y="100" width="300" height="200" fill="#c00" onclick="window.pwned = 1; alert('click')"/>
  </a>
</svg>
"""


def test_a_sanitized_logo_runs_nothing_in_chromium(chromium: Browser, tmp_path: Path) -> None:
    (tmp_path / "original.svg").write_text(HOSTILE)
    result = sanitize_svg(HOSTILE.encode(), WHERE)
    (tmp_path / "logo.svg").write_bytes(result.data)
    assert result.removed == (
        "onload attribute on <svg>",
        "<script> element",
        "<foreignObject> element",
        "link <a> unwrapped",
        "onclick attribute on <rect>",
    )
    with serve_directory(tmp_path) as base:
        context = chromium.new_context()
        try:
            page = context.new_page()
            dialogs: list[str] = []

            def dismiss(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", dismiss)

            # The original does run, so this test can tell the difference.
            page.goto(f"{base}/original.svg")
            assert page.evaluate("window.pwned") == 1
            assert page.title() == "pwned"

            dialogs.clear()
            page.goto(f"{base}/logo.svg")
            assert page.locator("rect").count() == 1
            page.mouse.click(150, 200)
            page.wait_for_timeout(300)  # a javascript: link would navigate asynchronously
            assert page.evaluate("typeof window.pwned") == "undefined"
            assert page.title() == "Acme"
            assert page.url == f"{base}/logo.svg"
            assert dialogs == []
        finally:
            context.close()


# -- sized by the viewBox, so a page scales the logo instead of cutting it ------------------------


@pytest.mark.parametrize(
    ("root", "sized"),
    [
        # Drawn at its own size: without a viewBox some browsers cut what does not fit.
        ('width="240" height="48"', 'width="240" height="48" viewBox="0 0 240 48"'),
        ('width="240px" height="48px"', 'width="240px" height="48px" viewBox="0 0 240 48"'),
        # A box of another shape than the viewBox: the viewBox's size.
        ('width="48" height="48" viewBox="0 0 240 48"', 'width="240" height="48" viewBox="0 0 240 48"'),
        ('width="100%" viewBox="0 0 160 48"', 'width="160" viewBox="0 0 160 48" height="48"'),
        # slice fills the box by cutting the drawing; meet, the default, fits it.
        ('viewBox="0 0 240 48" preserveAspectRatio="xMinYMid slice"', 'viewBox="0 0 240 48"'),
        ('viewBox="0 0 240 48" preserveAspectRatio="xMinYMid"', 'viewBox="0 0 240 48" preserveAspectRatio="xMinYMid"'),
        # Already fitting, or nothing to go by: as written.
        ('width="200" height="48" viewBox="0 0 200 48"', 'width="200" height="48" viewBox="0 0 200 48"'),
        ('width="10em" height="2em"', 'width="10em" height="2em"'),
        ("", ""),
    ],
)
def test_the_root_is_sized_by_its_view_box(root: str, sized: str) -> None:
    result = sanitize_svg(f'<svg xmlns="http://www.w3.org/2000/svg" {root}><rect/></svg>'.encode(), WHERE)
    assert result.data.decode() == f'<svg xmlns="http://www.w3.org/2000/svg"{" " if sized else ""}{sized}><rect/></svg>'


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ('<text x="50" font-size="20">Finch Bank</text>', "right edge of its viewBox: it reaches about 170"),
        ('<text x="0" style="font-size: 80px">Acme</text>', "right edge of its viewBox: it reaches about 192"),
        (
            '<g font-size="20"><text x="80" text-anchor="end">Long name</text></g>',
            "left edge of its viewBox: it starts at about -28",
        ),
        ('<text x="10" font-size="20" textLength="300">Acme</text>', "right edge of its viewBox: it reaches about 310"),
        ('<text x="50" font-size="20">Finch</text>', None),
        ('<text x="130" font-size="12">Inc</text>', None),
        # Placed glyph by glyph, or transformed: not judged.
        ('<text x="50" font-size="20" transform="scale(0.5)">Finch Bank</text>', None),
        ('<text font-size="20"><tspan x="0">Finch</tspan><tspan x="0" dy="20">Bank Group</tspan></text>', None),
    ],
)
def test_text_that_may_run_past_the_view_box_is_reported(text: str, cut: str | None) -> None:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 48">{text}</svg>'
    found = sanitize_svg(svg.encode(), WHERE).cut
    if cut is None:
        assert found == ()
    else:
        assert len(found) == 1 and cut in found[0], found
