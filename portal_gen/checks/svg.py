"""Sanitize untrusted SVG logos: keep the drawing, drop everything that can run or fetch.

The portal serves a case study's logo from its own origin, so a reader who opens the
logo directly must never run its script or fetch from elsewhere. The policy is an
allowlist (elements, attributes, same-document references); everything else is
dropped, and security-relevant removals are reported so the author can see them.

The drawing is also sized by its viewBox (:func:`_fit_root`), so a page that shows it
smaller than drawn scales it instead of cutting it, and text that may run past the
viewBox is reported (:func:`_overflowing_text`): fonts differ from machine to machine.

Parsing uses expat directly, not ElementTree or minidom, because only expat lets us
refuse DTD internal subsets and entity declarations before anything is expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from portal_gen.errors import Location, PortalError

MAX_SVG_BYTES = 1_000_000

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"

_REEXPORT = "export the logo again as plain SVG, or use a PNG"


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


ALLOWED_ELEMENTS = _names(
    "svg g defs symbol use title desc path rect circle ellipse line polyline polygon text tspan textPath"
    " linearGradient radialGradient stop clipPath mask pattern image style marker filter feBlend"
    " feColorMatrix feComponentTransfer feComposite feFlood feGaussianBlur feMerge feMergeNode"
    " feMorphology feOffset feDropShadow feFuncR feFuncG feFuncB feFuncA switch"
)
# Dropped either way; these are reported because they can run code or fetch something.
_NOTED_ELEMENTS = _names(
    "script foreignObject animate animateColor animateMotion animateTransform set discard handler listener"
    " iframe embed object feImage"
)
_TEXT_ELEMENTS = frozenset({"text", "tspan", "textPath", "title", "desc", "style"})

ALLOWED_ATTRIBUTES = _names(
    "id class style x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points transform viewBox"
    " preserveAspectRatio fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap"
    " stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset opacity clip-path clip-rule mask"
    " offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod patternUnits"
    " patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits filterUnits primitiveUnits"
    " font-family font-size font-size-adjust font-stretch font-style font-variant font-weight text-anchor"
    " dominant-baseline letter-spacing word-spacing dx dy rotate textLength lengthAdjust startOffset"
    " visibility display color filter flood-color flood-opacity stdDeviation in in2 result mode operator"
    " k1 k2 k3 k4 values type tableValues slope intercept amplitude exponent radius marker-start marker-mid"
    " marker-end markerWidth markerHeight refX refY orient markerUnits version role aria-label aria-hidden"
    " focusable vector-effect paint-order shape-rendering image-rendering color-interpolation-filters"
    " overflow mix-blend-mode isolation xml:space href xlink:href"
)

# Browsers drop ASCII whitespace and control characters from URLs before reading the scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]*", re.IGNORECASE)
_FRAGMENT = re.compile(r"#[^\s'\"()\\]*")
# An unclosed url( runs to the end in CSS, so the closing parenthesis is optional here too.
_CSS_URL = re.compile(r"url\(([^)]*)\)?", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
# Each matches the whole declaration (or @rule) around a dangerous token, so it can be cut out
# without gluing its neighbours into a new token; the lookbehind starts matches only at a
# delimiter, which keeps a long run without one linear instead of quadratic. Backslashes go
# first: CSS escapes could otherwise spell url( or @import in a way the others do not see.
_CSS_DANGERS = tuple(
    (label, re.compile(r"(?<![^;{}])[^;{}]*(?:" + token + r")[^;{}]*;?", re.IGNORECASE))
    for label, token in (
        ("CSS escape", r"\\"),
        ("@import", r"@import"),
        ("expression()", r"expression\s*\("),
        ("javascript:", r"javascript\s*:"),
        ("image-set()", r"image-set\s*\("),  # takes plain strings as URLs
    )
)
_PI_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class SanitizedSvg:
    """A logo that is safe to serve as ``image/svg+xml``, and what was taken out of it."""

    data: bytes
    removed: tuple[str, ...]
    cut: tuple[str, ...] = ()  # text that may be cut off at the viewBox's edge


@dataclass
class _Node:
    name: str
    attributes: list[tuple[str, str]]
    children: list[_Node | str] = field(default_factory=list)


def sanitize_svg(data: bytes, location: Location) -> SanitizedSvg:
    """Return ``data`` reduced to a safe SVG drawing, noting each security-relevant removal.

    Raises :class:`PortalError` at ``location`` (where the logo is referenced) when the
    file cannot be made safe: too large, not well-formed, not an SVG, or declaring entities.
    Nothing is ever fetched: external DTDs and entities are not read.
    """
    if len(data) > MAX_SVG_BYTES:
        raise PortalError(
            f"logo is {len(data):,} bytes, more than the {MAX_SVG_BYTES:,} bytes portal accepts",
            location,
            "optimize the SVG (e.g. with svgo), or use a PNG",
        )
    sanitizer = _Sanitizer(location)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = sanitizer.start_doctype
    parser.EntityDeclHandler = sanitizer.refuse_entities
    parser.ExternalEntityRefHandler = sanitizer.refuse_entities
    parser.ProcessingInstructionHandler = sanitizer.processing_instruction
    parser.StartElementHandler = sanitizer.start_element
    parser.EndElementHandler = sanitizer.end_element
    parser.CharacterDataHandler = sanitizer.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        problem = f"{expat.ErrorString(error.code)} (line {error.lineno})"
    except (LookupError, ValueError):
        # pyexpat asks Python's codecs about encodings expat lacks; before the root element
        # nothing else can raise these, so after it they are bugs and keep their traceback.
        if sanitizer.root is not None:
            raise
        problem = f"unknown encoding (line {parser.CurrentLineNumber})"
    else:
        root = sanitizer.root
        assert root is not None  # expat rejects a document without a root element
        _fit_root(root)
        cut = tuple(_overflowing_text(root))
        return SanitizedSvg(_serialize(root, sanitizer.uses_xlink).encode(), tuple(sanitizer.removed), cut)
    raise PortalError(f"logo is not a well-formed SVG file: {problem}", location, _REEXPORT)


class _Sanitizer:
    """Expat handlers that build the allowed tree while the document streams past."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self.root: _Node | None = None
        self.stack: list[_Node] = []
        self.skipping = 0  # depth inside a dropped subtree
        self.removed: dict[str, None] = {}  # an ordered set
        self.uses_xlink = False

    def note(self, removal: str) -> None:
        self.removed.setdefault(removal)

    def start_doctype(self, name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
        # A bare DOCTYPE (Illustrator writes one) is harmless because it is never fetched;
        # an internal subset is where entities, and billion-laughs expansions, are declared.
        if internal:
            self.refuse_entities()

    def refuse_entities(self, *_: object) -> int:
        raise PortalError(
            "logo declares XML entities, which portal refuses",
            self.location,
            f"remove the <!DOCTYPE ... [...]> block: {_REEXPORT}",
        )

    def processing_instruction(self, target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            # The browser would fetch and apply this style sheet when the logo is opened directly.
            href = _PI_HREF.search(data)
            if href is None:
                self.note("<?xml-stylesheet?> instruction")
            else:
                self.note(f"external reference {_quote(href[1] or href[2] or '')} in <?xml-stylesheet?>")

    def start_element(self, raw_name: str, attributes: dict[str, str]) -> None:
        namespace, _, name = raw_name.rpartition(" ")
        if self.root is None and (namespace, name) != (SVG_NS, "svg"):
            shown = f"its root element is <{name}>"
            if name == "svg":
                shown = "its <svg> root element lacks the SVG namespace"
            raise PortalError(
                f"logo is not an SVG file: {shown}",
                self.location,
                f'an SVG logo starts with <svg xmlns="{SVG_NS}">; {_REEXPORT}',
            )
        if self.skipping or (self.stack and self.stack[-1].name == "style"):
            self.skipping += 1
        elif namespace == SVG_NS and name == "a":
            # A link could navigate anywhere; keep what it draws.
            self.note("link <a> unwrapped")
            self.stack.append(self.stack[-1])
        elif namespace == SVG_NS and name in ALLOWED_ELEMENTS:
            node = _Node(name, list(self.clean_attributes(name, attributes)))
            if self.stack:
                self.stack[-1].children.append(node)
            else:
                self.root = node
            self.stack.append(node)
        else:
            self.skipping = 1
            if namespace == XHTML_NS:
                self.note(f"HTML <{name}> element")
            elif namespace == SVG_NS and name in _NOTED_ELEMENTS:
                self.note(f"<{name}> element")

    def end_element(self, raw_name: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        node = self.stack.pop()
        if node.name == "style":
            # Join first: a comment or CDATA boundary could split a token such as @im|port.
            css = "".join(child for child in node.children if isinstance(child, str))
            css = self.clean_css(css, "<style>")
            node.children = [css] if css else []

    def text(self, text: str) -> None:
        if not self.skipping and self.stack and self.stack[-1].name in _TEXT_ELEMENTS:
            self.stack[-1].children.append(text)

    def clean_attributes(self, element: str, attributes: dict[str, str]) -> Iterator[tuple[str, str]]:
        for raw_name, value in attributes.items():
            namespace, _, local = raw_name.rpartition(" ")
            name = {"": local, XLINK_NS: f"xlink:{local}", XML_NS: f"xml:{local}"}.get(namespace, raw_name)
            where = f"{name} of <{element}>"
            cleaned: str | None
            if local.lower().startswith("on"):
                self.note(f"{local} attribute on <{element}>")
                continue
            if name not in ALLOWED_ATTRIBUTES:
                continue
            if local == "href":
                cleaned = self.clean_href(element, value, where)
            elif name == "style":
                cleaned = self.clean_css(value, where)
            else:
                cleaned = self.clean_value(value, where)
            if cleaned is not None:
                self.uses_xlink |= namespace == XLINK_NS
                yield name, cleaned

    def clean_href(self, element: str, value: str, where: str) -> str | None:
        compact = _URL_NOISE.sub("", value)
        if compact.startswith("#") or (element == "image" and _DATA_IMAGE.fullmatch(compact)):
            return compact
        self.note(f"external reference {_quote(value)} in {where}")
        return None

    def clean_value(self, value: str, where: str) -> str | None:
        """A presentation attribute is parsed as CSS: drop it whole if it holds anything dangerous."""
        for label, pattern in _CSS_DANGERS:
            if pattern.search(value):
                self.note(f"{label} in {where}")
                return None
        return self.replace_urls(value, where)

    def clean_css(self, css: str, where: str) -> str:
        """Cut dangerous declarations and rules out of a style sheet or ``style`` attribute."""
        css = _CSS_COMMENT.sub("", css)
        for label, pattern in _CSS_DANGERS:
            css, count = pattern.subn("", css)
            if count:
                self.note(f"{label} in {where}")
        return self.replace_urls(css, where)

    def replace_urls(self, css: str, where: str) -> str:
        def replace(match: re.Match[str]) -> str:
            target = match[1].strip()
            if len(target) >= 2 and target[0] in "'\"" and target[-1] == target[0]:
                target = target[1:-1].strip()
            if _FRAGMENT.fullmatch(target):
                return f"url({target})"
            self.note(f"external reference {_quote(target)} in {where}")
            return "none"

        return _CSS_URL.sub(replace, css)


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_LENGTH = re.compile(rf"\s*({_NUMBER})\s*(?:px)?\s*")
_NUMBERS = re.compile(_NUMBER)
_STYLE_FONT_SIZE = re.compile(rf"font-size\s*:\s*({_NUMBER})\s*(?:px)?\s*(?:;|$)", re.IGNORECASE)
# An average glyph is about half an em wide; 0.6 em covers the wide fallback fonts
# (DejaVu) a reader gets when the logo's font is not installed.
_GLYPH_EM = 0.6


def _length(value: str | None) -> float | None:
    """A plain (user unit or px) length; ``None`` for anything else, e.g. ``100%`` or ``2em``."""
    match = _LENGTH.fullmatch(value or "")
    return float(match[1]) if match else None


def _view_box(value: str | None) -> tuple[float, float, float, float] | None:
    numbers = [float(n) for n in _NUMBERS.findall(value or "")]
    if len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
        return None
    return numbers[0], numbers[1], numbers[2], numbers[3]


def _number_text(value: float) -> str:
    return f"{value:g}"


def _fit_root(root: _Node) -> None:
    """Let an ``<img>`` scale the drawing rather than cut it.

    Without a viewBox a browser draws the SVG at its own width and height and cuts what
    does not fit the box it is shown in: one is made from width and height. A width and
    height whose proportions differ from the viewBox's leave the drawing letterboxed in a
    box of the wrong shape: they are set to the viewBox's. ``slice`` in
    preserveAspectRatio cuts by definition: it is dropped (the default, ``meet``, fits).
    """
    attributes = dict(root.attributes)
    width, height = _length(attributes.get("width")), _length(attributes.get("height"))
    box = _view_box(attributes.get("viewBox"))
    changes: dict[str, str | None] = {}
    if box is None:
        if width and height and width > 0 and height > 0:
            changes["viewBox"] = f"0 0 {_number_text(width)} {_number_text(height)}"
    elif ("width" in attributes or "height" in attributes) and not (
        width and height and abs(width / height - box[2] / box[3]) <= 0.01 * box[2] / box[3]
    ):
        changes["width"], changes["height"] = _number_text(box[2]), _number_text(box[3])
    if "slice" in attributes.get("preserveAspectRatio", "").split():
        changes["preserveAspectRatio"] = None
    kept = [(name, changes.pop(name, value)) for name, value in root.attributes]
    root.attributes = [(name, value) for name, value in kept + list(changes.items()) if value is not None]


def _overflowing_text(root: _Node) -> Iterator[str]:
    """Text that may run past the viewBox's left or right edge, estimated from its
    length and font size. Text under a transform, or placed glyph by glyph, is not judged."""
    box = _view_box(dict(root.attributes).get("viewBox"))
    if box is None:
        return
    left_edge, right_edge = box[0], box[0] + box[2]
    todo: list[tuple[_Node, float, str]] = [(root, 16.0, "start")]
    while todo:
        node, size, anchor = todo.pop()
        attributes = dict(node.attributes)
        if "transform" in attributes:
            continue
        size = _font_size(attributes) or size
        anchor = attributes.get("text-anchor", anchor).strip()
        if node.name != "text":
            todo.extend((child, size, anchor) for child in node.children if isinstance(child, _Node))
            continue
        words = " ".join(_text_of(node).split())
        if not words or _placed_by_glyph(node):
            continue
        xs = _NUMBERS.findall(attributes.get("x", "0"))
        x = float(xs[0]) if len(xs) == 1 else 0.0
        if len(xs) > 1:
            continue
        width = _length(attributes.get("textLength")) or len(words) * size * _GLYPH_EM
        start = x - width * {"middle": 0.5, "end": 1.0}.get(anchor, 0.0)
        if start + width > right_edge + 0.5:
            yield (
                f"text {_quote(words)} may be cut off at the right edge of its viewBox:"
                f" it reaches about {start + width:.0f}, the viewBox ends at {_number_text(right_edge)}"
            )
        elif start < left_edge - 0.5:
            yield (
                f"text {_quote(words)} may be cut off at the left edge of its viewBox:"
                f" it starts at about {start:.0f}, the viewBox at {_number_text(left_edge)}"
            )


def _font_size(attributes: dict[str, str]) -> float | None:
    found = _STYLE_FONT_SIZE.search(attributes.get("style", ""))
    return float(found[1]) if found else _length(attributes.get("font-size"))


def _text_of(node: _Node) -> str:
    out: list[str] = []
    todo: list[_Node | str] = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)
        elif item.name in ("text", "tspan", "textPath"):
            todo.extend(reversed(item.children))
    return "".join(out)


def _placed_by_glyph(node: _Node) -> bool:
    """Whether a ``tspan`` or ``textPath`` places its own text, which an estimate cannot follow."""
    todo = [child for child in node.children if isinstance(child, _Node)]
    while todo:
        item = todo.pop()
        if item.name == "textPath" or any(name in ("x", "dx", "transform") for name, _ in item.attributes):
            return True
        todo.extend(child for child in item.children if isinstance(child, _Node))
    return False


def _quote(value: str) -> str:
    """Show a reference in a note: one line, and short, since data: URIs can be huge."""
    value = " ".join(value.split())
    return repr(value if len(value) <= 80 else value[:77] + "...")


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    # Escaped whitespace survives attribute-value normalization when the output is parsed.
    escaped = _escape_text(value).replace('"', "&quot;")
    return escaped.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")


def _serialize(root: _Node, uses_xlink: bool) -> str:
    """Write the tree as XML, without recursion: a hostile file may nest very deeply."""
    namespaces = f' xmlns="{SVG_NS}"' + (f' xmlns:xlink="{XLINK_NS}"' if uses_xlink else "")
    out: list[str] = []
    todo: list[_Node | str] = [root]  # strings here are already serialized
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        attributes = "".join(f' {name}="{_escape_attribute(value)}"' for name, value in item.attributes)
        out.append(f"<{item.name}{namespaces if item is root else ''}{attributes}")
        if not item.children:
            out.append("/>")
            continue
        out.append(">")
        todo.append(f"</{item.name}>")
        todo.extend(child if isinstance(child, _Node) else _escape_text(child) for child in reversed(item.children))
    return "".join(out)
