"""Region codes from what a user types: a code, a code plus a city slug, or a place's name.

The tagger's own gazetteer is the list of what is known, so `--region` accepts exactly the
places an item can be tagged with."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from digest.models import CustomRegion
from digest.tagging.gazetteer import Capital, Demonym, Place, build
from digest.tagging.matcher import ascii_fold
from digest.tagging.names import curated_names

# A city or zone below a known code: the contract's lowercase ASCII slug.
_SLUG = re.compile(r"[a-z0-9]+")
_CUTOFF = 0.6  # difflib's own default for a close match
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True, slots=True)
class _Index:
    codes: dict[str, str]  # casefolded code -> the code as the contract writes it
    names: dict[str, frozenset[str]]  # folded name -> the codes it names ("Georgia": two)
    display: dict[str, str]  # code -> its display name


def resolve_region(text: str, custom: tuple[CustomRegion, ...] = ()) -> tuple[str, ...]:
    """The codes `text` names: one for a known code (any case), a known code plus a slug, or
    a place's name ("china", "北京", "Hong Kong"); several when a name is ambiguous; none
    when nothing known matches."""
    wanted = " ".join(text.split())
    if code := _curated_codes(custom).get(wanted.casefold()):
        return (code,)  # the common case, known without building the gazetteer (a third of a second)
    index = _index(custom)
    if code := index.codes.get(wanted.casefold()):
        return (code,)
    if code := _with_slug(wanted, index):
        return (code,)
    return tuple(sorted(index.names.get(_fold(wanted), ())))


def closest_regions(text: str, custom: tuple[CustomRegion, ...] = (), limit: int = 5) -> list[str]:
    """The known regions nearest to `text` by code or by name, as "CN-BJ (Beijing)"."""
    index = _index(custom)
    matcher = difflib.SequenceMatcher(b=_fold(text))
    scored: dict[str, float] = {}
    for key, codes in (*((code, (known,)) for code, known in index.codes.items()), *index.names.items()):
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() >= _CUTOFF and matcher.quick_ratio() >= _CUTOFF:
            score = matcher.ratio()
            for code in codes:
                scored[code] = max(score, scored.get(code, 0.0))
    # Equally near, a country before a province before a city: the likelier thing to mean.
    ranked = sorted(
        (code for code, score in scored.items() if score >= _CUTOFF), key=lambda c: (-scored[c], len(c), c)
    )
    return [region_label(code, custom) for code in ranked[:limit]]


def region_label(code: str, custom: tuple[CustomRegion, ...] = ()) -> str:
    """ "CN-BJ (Beijing)": a code with the name it stands for."""
    return f"{code} ({_index(custom).display.get(code, code)})"


def _with_slug(text: str, index: _Index) -> str | None:
    """`cn-gd-Shenzhen` is `CN-GD-shenzhen`: a known subdivision's code, then a city slug
    (under a country, `cn-bx` is a mistyped province, not a city)."""
    head, dash, slug = text.rpartition("-")
    parent = index.codes.get(head.casefold()) if dash else None
    if parent is None or "-" not in parent or not slug.isascii() or not _SLUG.fullmatch(slug.lower()):
        return None
    return f"{parent}-{slug.lower()}"


def _fold(name: str) -> str:
    """How two spellings of one name compare: case, accents, curly quotes and spacing aside."""
    return " ".join(ascii_fold(name.translate(_QUOTES)).casefold().split())


@cache
def _curated_codes(custom: tuple[CustomRegion, ...]) -> dict[str, str]:
    """The codes of the curated places and the user's own regions, by casefolded code."""
    return {code.casefold(): code for code in (*curated_names(), *(region.code for region in custom))}


@cache
def _index(custom: tuple[CustomRegion, ...]) -> _Index:
    gazetteer = build(custom)
    names: defaultdict[str, set[str]] = defaultdict(set)
    capitals: dict[str, str] = {}
    for pattern in gazetteer.patterns:
        if isinstance(pattern.meaning, Place | Demonym):
            names[_fold(pattern.text)].add(pattern.meaning.code)
        elif isinstance(pattern.meaning, Capital):
            capitals[_fold(pattern.text)] = pattern.meaning.stands_for
    for name, code in capitals.items():  # "Brussels" is the EU, unless it is also a place's own name
        names.setdefault(name, {code})
    codes = {code.casefold(): code for code in gazetteer.names}
    return _Index(codes, {name: frozenset(found) for name, found in names.items()}, dict(gazetteer.names))
