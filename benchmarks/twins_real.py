#!/usr/bin/env python3
"""Markdown twins on real APIs: do issue 27's claims hold on specs no one here wrote?

For each spec of the corpus (``benchmarks/.cache/corpus/``, filled by
``corpus_fetch.py``; ``--github`` adds GitHub's REST description that
``build_large.py`` installs), the script loads the spec as ``portal build`` does
(``load_project``, no content) and renders every reference page with its twin
(``generate_site``, no cache, one process), then reads every twin as a program would:

* **shape**: it starts with ``# title`` and the facts line naming the API, its version
  and the HTML page;
* **links**: every link (inline, image, autolink, reference definition; outside code)
  is absolute and leads to a twin of the site, to one of its HTML pages or to
  ``openapi.json``/``openapi.yaml``; a link that points elsewhere must not point into
  the site. A link that leads nowhere and is written so in the spec's own descriptions
  is counted apart (the spec's broken link, which the HTML page has too);
* **tables**: every row has as many cells as its header (cells split where GitHub
  splits them, at a ``|`` no backslash escapes);
* **code**: markdown-it (CommonMark) parses the twin; every operation's twin holds a
  fenced block in each snippet language, and every fenced block is closed;
* **size**: twins' bytes against the HTML pages'.

It prints one row per spec and the totals, and with ``--check-targets`` exits 1 when a
twin breaks a rule (the spec's own broken links aside).

Usage::

    python benchmarks/twins_real.py [SPEC ...] [--github] [--only NAME,...] [--check-targets]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal_gen.config import PortalConfig  # noqa: E402
from portal_gen.engine.build import generate_site, template_loader  # noqa: E402
from portal_gen.engine.project import load_project  # noqa: E402
from portal_gen.errors import PortalError  # noqa: E402
from portal_gen.gate.links import markdown_links  # noqa: E402
from portal_gen.plan.reference import page_url  # noqa: E402
from portal_gen.render.twin import twin_links, twin_path  # noqa: E402

CORPUS = ROOT / "benchmarks" / ".cache" / "corpus"
GITHUB = ROOT / "benchmarks" / ".cache" / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
LANGUAGE_FENCES = {
    "curl": "bash",
    "python": "python",
    "javascript": "javascript",
    "go": "go",
    "java": "java",
    "ruby": "ruby",
    "php": "php",
}
_md = MarkdownIt("commonmark").enable(["table"])


def spec_files(args: argparse.Namespace) -> list[Path]:
    found = [Path(p) for p in args.specs]
    if not found:
        for folder in sorted(CORPUS.iterdir()) if CORPUS.is_dir() else []:
            specs = sorted(p for p in folder.iterdir() if p.suffix in (".json", ".yaml", ".yml"))
            if specs:
                found.append(specs[0])
    if args.github:
        found.append(GITHUB)
    if args.only:
        names = set(args.only.split(","))
        found = [p for p in found if p.parent.name in names or p.stem in names]
    return found


def outside_fences(markdown: str) -> tuple[list[str], bool]:
    """The lines outside fenced code (CommonMark's rule: a fence of three or more
    backticks or tildes, indented up to three spaces, closed by a line of the same
    character at least as long), and whether the last fence is left open."""
    kept: list[str] = []
    inside: str | None = None
    for line in markdown.split("\n"):
        fence = FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if inside is None:
                inside = marker
                continue
            if marker[0] == inside[0] and len(marker) >= len(inside) and not line.strip()[len(marker) :]:
                inside = None
                continue
        if inside is None:
            kept.append(line)
    return kept, inside is not None


def _in_spec(url: str, text: str) -> bool:
    """Whether the spec's own text holds this link as written (its broken link, not portal's)."""
    bare = url.split("#")[0]
    return url in text or bool(bare and bare in text) or (url.startswith("#") and url[1:] in text)


def table_problems(twin: str, spec: str) -> int:
    """Rows whose cell count differs from their table's header (a table of the spec's
    own Markdown, found in its text, aside: the HTML page shows it as written too)."""
    bad = 0
    width = None
    for line in outside_fences(twin)[0]:
        if line.startswith("|"):
            cells = len(re.split(r"(?<!\\)\|", line.strip())) - 2
            if width is None:
                width = cells
            elif cells != width and line.strip()[:40].replace("&lt;", "<") not in spec:
                bad += 1
        else:
            width = None
    return bad


def check_spec(spec: Path) -> dict[str, object]:
    config = PortalConfig(project_dir=spec.parent, spec=spec.name, allow_external_refs=True)
    started = time.perf_counter()
    try:
        project = load_project(config, with_content=False)
        site = generate_site(project, template_loader(config), share=False, home=False)
    except PortalError as exc:
        return {"spec": spec.parent.name, "refused": exc.format().splitlines()[0]}
    seconds = time.perf_counter() - started
    links = twin_links(config)
    text = spec.read_text(encoding="utf-8", errors="replace")
    twins = {twin_path(p.path, config.directory_urls): p for p in site.pages}
    pages = {page_url(p.path, config.directory_urls) for p in site.pages}
    files = {path for path, _ in site.extra_files} | {"openapi.json", "openapi.yaml"}
    found: Counter[str] = Counter()
    examples: dict[str, str] = {}
    twin_bytes = html_bytes = 0
    for path, page in twins.items():
        twin = page.markdown
        if twin is None:
            found["no twin"] += 1
            continue
        twin_bytes += len(twin.encode())
        html_bytes += len(page.html.encode())
        lines = twin.split("\n")
        if not lines[0].startswith("# ") or not lines[2].startswith("> ") or "[HTML page](" not in lines[2]:
            found["shape"] += 1
            examples.setdefault("shape", path)
        for url in markdown_links(twin):
            found["links"] += 1
            target = links.site_path(url)
            if target is None:
                if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//", url):
                    if _in_spec(url, text):  # a fragment of the spec's own pages, say
                        found[SPEC_BROKEN] += 1
                        continue
                    found[AS_WRITTEN] += 1
                    examples.setdefault(AS_WRITTEN, f"{path}: {url}")
                continue
            if target in twins or target in pages or target in files or target.split("#")[0] in pages:
                continue
            # The spec's relative link, made absolute from the page it is on: its last
            # parts are in the spec as written.
            relative = target.rsplit("/", 1)[-1].split("#")[0]
            tail = "/".join(target.split("/")[-2:])
            if (relative and relative in text) or tail in text or _in_spec(url, text):
                found[SPEC_BROKEN] += 1
                continue
            found["broken link"] += 1
            examples.setdefault("broken link", f"{path}: {url}")
        bad_rows = table_problems(twin, text)
        if bad_rows:
            found["table rows"] += bad_rows
            examples.setdefault("table rows", path)
        try:
            tokens = _md.parse(twin)
        except Exception as exc:  # a twin CommonMark cannot read at all
            found["unparsable"] += 1
            examples.setdefault("unparsable", f"{path}: {exc}")
            continue
        fences = [t.info.split()[0] if t.info else "" for t in tokens if t.type == "fence"]
        if page.kind == "operation" and "## Example request" in twin:
            missing = [lang for lang, fence in LANGUAGE_FENCES.items() if fence not in fences]
            if missing:
                found["snippet missing"] += 1
                examples.setdefault("snippet missing", f"{path}: {missing}")
        if outside_fences(twin)[1]:
            found["fence unclosed"] += 1
            examples.setdefault("fence unclosed", path)
    return {
        "spec": spec.parent.name if spec != GITHUB else "github",
        "operations": len(project.api.operations),
        "twins": len(twins),
        "seconds": seconds,
        "twin_mb": twin_bytes / 1e6,
        "html_mb": html_bytes / 1e6,
        "found": found,
        "examples": examples,
    }


SPEC_BROKEN = "spec's broken link"
# A relative link left as written: in a field's description (shared by every page that
# shows the field, so not placed for one), the fragment of the spec's own docs page.
AS_WRITTEN = "relative link"
RULES = ("shape", "broken link", "table rows", "unparsable", "snippet missing", "fence unclosed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="*", help="spec files (default: the corpus)")
    parser.add_argument("--github", action="store_true", help="also GitHub's REST description")
    parser.add_argument("--only", help="only these corpus entries (comma-separated)")
    parser.add_argument("--check-targets", action="store_true", help="exit 1 when a twin breaks a rule")
    args = parser.parse_args()
    specs = spec_files(args)
    if not specs:
        print("no specs: run benchmarks/corpus_fetch.py first, or name spec files", file=sys.stderr)
        return 2
    print(
        "| spec | operations | twins | links | spec's broken links | relative, as written | problems "
        "| twins MB | HTML MB | s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    totals: Counter[str] = Counter()
    count = refused = 0
    twin_mb = html_mb = 0.0
    for spec in specs:
        result = check_spec(spec)
        if "refused" in result:
            refused += 1
            print(f"| {result['spec']} | refused: {result['refused']} | | | | | | | | |")
            continue
        count += 1
        found: Counter[str] = result["found"]  # type: ignore[assignment]
        totals.update(found)
        twin_mb += result["twin_mb"]  # type: ignore[operator]
        html_mb += result["html_mb"]  # type: ignore[operator]
        problems = ", ".join(f"{rule} {found[rule]}" for rule in RULES if found[rule]) or "none"
        print(
            f"| {result['spec']} | {result['operations']:,} | {result['twins']:,} | {found['links']:,} | "
            f"{found[SPEC_BROKEN]:,} | {found[AS_WRITTEN]:,} | {problems} | {result['twin_mb']:.1f} | "
            f"{result['html_mb']:.1f} | {result['seconds']:.1f} |"
        )
        for rule, where in result["examples"].items():  # type: ignore[union-attr]
            print(f"|   e.g. {rule}: {where} | | | | | | | | | |")
    bad = sum(totals[rule] for rule in RULES)
    print()
    print(
        f"{count} specs read ({refused} refused), {totals['links']:,} links checked, "
        f"{totals[SPEC_BROKEN]:,} broken in the specs themselves, {totals[AS_WRITTEN]:,} relative ones left as "
        f"the specs wrote them, {bad} problems; "
        f"twins {twin_mb:.1f} MB for {html_mb:.1f} MB of HTML ({100 * twin_mb / max(html_mb, 1e-9):.0f}%)"
    )
    if args.check_targets:
        print("PASS" if bad == 0 else "FAIL: " + ", ".join(f"{r} {totals[r]}" for r in RULES if totals[r]))
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
