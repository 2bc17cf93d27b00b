"""Which model, or which ``oneOf``/``anyOf`` variant, of one version is which in the
other: models renamed with every ``$ref`` updated, variants paired by what names them
rather than by their place in the list. Used by :mod:`.compare`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..load.spec import escape_segment, parse_fragment
from .values import SCHEMAS_PREFIX, canonical, deref, enum_values, model_name, show_value


def model_renames(b_all: Mapping[str, Any], h_all: Mapping[str, Any]) -> dict[str, str]:
    """Models whose name alone changed: new name -> old name. Their content is the same
    but for references to themselves and to other renamed models: found round by round
    from the models that refer to none, then, for models that refer to each other, with
    every reference to a model gone or new made anonymous. The operations that used one
    by its old name compare its content where they use it, and find nothing."""
    b_text = {str(n): canonical(b_all[n]) for n in b_all if n not in h_all}
    h_text = {str(n): canonical(h_all[n]) for n in h_all if n not in b_all}
    out: dict[str, str] = {}
    loose = False
    while b_text and h_text:
        new_name = {old: new for new, old in out.items()}
        b_loose, h_loose = (set(b_text), set(h_text)) if loose else (set(), set())
        prints = {_fingerprint(text, name, new_name, b_loose): name for name, text in b_text.items()}
        found = {}
        for name, text in h_text.items():
            old = prints.pop(_fingerprint(text, name, {}, h_loose), None)
            if old is not None:
                found[name] = old
        if not found:
            if loose:
                break
            loose = True
            continue
        out.update(found)
        for new, old in found.items():
            del b_text[old], h_text[new]
    return out


_MODEL_REF = re.compile(r'"#/components/schemas/([^"/]*)"')


def _fingerprint(text: str, name: str, new_name: Mapping[str, str], anonymous: set[str]) -> str:
    """``text`` (a model's canonical JSON) with references to itself and to the models
    in ``anonymous`` made anonymous, and those to renamed models written with their new
    names."""

    def rename(match: re.Match[str]) -> str:
        ref = parse_fragment("#/" + match.group(1))[0]
        if ref == name:
            return '"#self"'
        if ref in anonymous:
            return '"#renamed"'
        new = new_name.get(ref)
        return match.group(0) if new is None else json.dumps(SCHEMAS_PREFIX + escape_segment(new))

    return _MODEL_REF.sub(rename, text)


def pair_variants(
    base: Mapping[str, Any], bv: list[Any], head: Mapping[str, Any], hv: list[Any], new_names: Mapping[str, str]
) -> Iterator[tuple[int | None, int | None, str]]:
    """The oneOf/anyOf variants of both versions, paired: (base index, head index,
    label), an index None for a variant added or removed. Variants are matched by what
    names them (a model, the models of an allOf, a title, a property with one value),
    then by equal content, then in order (a ``$ref`` replaced by its content is the same
    variant): a variant inserted in the middle does not shift the others."""
    b_labels = [_variant_label(base, v, new_names) for v in bv]
    h_labels = [_variant_label(head, v, {}) for v in hv]
    b_keys = {label: i for i, label in enumerate(b_labels) if label and b_labels.count(label) == 1}
    h_keys = {label: i for i, label in enumerate(h_labels) if label and h_labels.count(label) == 1}
    pairs: dict[int, int] = {b_keys[label]: i for label, i in h_keys.items() if label in b_keys}
    b_rest = [i for i in range(len(bv)) if i not in pairs and b_labels[i] not in h_keys]
    h_used = set(pairs.values())
    h_rest = [i for i in range(len(hv)) if i not in h_used and h_labels[i] not in b_keys]
    b_canon = {i: canonical(bv[i]) for i in b_rest}
    for hi in list(h_rest):
        text = canonical(hv[hi])
        bi = next((i for i in b_rest if b_canon[i] == text), None)
        if bi is not None:
            pairs[bi] = hi
            b_rest.remove(bi)
            h_rest.remove(hi)
    b_tags, h_tags = [_variant_tag(base, v) for v in bv], [_variant_tag(head, v) for v in hv]

    def alike(bi: int, hi: int) -> bool:  # two variants named differently stay apart
        return not (b_labels[bi] and h_labels[hi]) or (b_tags[bi] is not None and b_tags[bi] == h_tags[hi])

    for bi in b_rest:
        partner = next((i for i in h_rest if alike(bi, i)), None)
        if partner is not None:
            pairs[bi] = partner
            h_rest.remove(partner)
    h_paired = set(pairs.values())
    for hi in range(len(hv)):
        if hi not in h_paired:
            yield None, hi, h_labels[hi] or f"variant {hi + 1}"
    for bi in range(len(bv)):
        if bi not in pairs:
            yield bi, None, b_labels[bi] or f"variant {bi + 1}"
        else:
            yield bi, pairs[bi], h_labels[pairs[bi]] or f"variant {pairs[bi] + 1}"


def _variant_label(doc: Mapping[str, Any], variant: Any, new_names: Mapping[str, str]) -> str | None:
    name = model_name(variant)
    if name:
        return new_names.get(name, name)
    if not isinstance(variant, dict):
        return None
    parts = variant.get("allOf")
    names = [new_names.get(n, n) for n in map(model_name, parts) if n] if isinstance(parts, list) else []
    return " + ".join(names) if names else _variant_tag(doc, variant)


def _variant_tag(doc: Mapping[str, Any], variant: Any) -> str | None:
    """What tells a variant apart by its content: a title, or a property with one value."""
    variant, _ = deref(doc, variant, ())
    if not isinstance(variant, dict):
        return None
    if isinstance(variant.get("title"), str):
        return str(variant["title"])
    props = variant.get("properties")
    for prop, schema in props.items() if isinstance(props, dict) else ():
        resolved, _ = deref(doc, schema, ())
        values = enum_values(resolved) if isinstance(resolved, dict) else None
        if values is not None and len(values) == 1:
            return f"{prop} {show_value(values[0])}"
    return None
