"""Find every known name and phrase in a text in one pass, on word boundaries."""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate
from typing import NamedTuple

from digest.chinese import CJK_RUN, HAS_CJK, simplified

# Curly apostrophes and dashes become plain ones, one character for one, so offsets still
# line up with the original text.
_FOLD = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("‐", "-"), ("‑", "-"), ("–", "-"))
# A word: Latin letters (with accents) and digits. Chinese has words of its own; keys come
# in Latin or Chinese script only, so other scripts need not be split at all.
_LATIN_WORD = re.compile("([a-z0-9\u00c0-\u024f]+)")
_NOT_WORD = re.compile("[^a-z0-9\u00c0-\u024f\n]+")


class Layer(Enum):
    """Entities (places, bodies, masked organisations) and phrases are resolved separately:
    "Central Bank of Nigeria" is one entity and also holds the actor phrase "central bank"."""

    ENTITY = 1
    PHRASE = 2


class Pattern(NamedTuple):
    """A name or phrase to find. A named tuple: the gazetteer has tens of thousands."""

    text: str  # as written in the data
    layer: Layer
    meaning: object  # what a match stands for; the tagger knows the kinds
    exact_case: bool = False  # acronyms: "SEC" but not "sec"
    proper: bool = False  # names: "Georgia" but not "georgia"


class Hit(NamedTuple):
    """A name or phrase found in a text. A named tuple, not a frozen dataclass: a story has
    hundreds of them, and a frozen dataclass costs several times more to build."""

    start: int
    end: int
    surface: str  # the text as it appears
    meanings: tuple[object, ...]  # several when a name is ambiguous ("Georgia")


def pattern_for(text: str, layer: Layer, meaning: object, *, name: bool) -> Pattern:
    """Names keep their case rules: acronyms exactly as written, other names capitalised."""
    rest = text[1:]
    acronym = name and rest != rest.lower()  # a capital after the first letter: "SEC", "e-CNY"
    proper = name and not acronym and text[:1].isupper()  # "eurozone" is written lower-case
    return Pattern(text, layer, meaning, acronym, proper)


class Matcher:
    """All patterns indexed once; `find` is then linear in the text.

    Latin text is matched word by word: text and keys are folded the same way (lower case,
    every non-word character a space), and each key is filed under its first word, so a text
    word that starts no key costs one dictionary miss; "US" is never found inside "bonus".
    Chinese has no spaces between words, so keys holding Chinese characters are filed under
    their first character and tried at every position of a text that has any."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        with no_collection():
            self._index(list(patterns))

    def _index(self, patterns: list[Pattern]) -> None:
        by_key, lower_case = _grouped(patterns)
        self._by_key = by_key
        # Only the index is built here; each key's entry is built when a text first holds it:
        # most of the gazetteer's towns are never named in a run.
        self._entries: dict[str, _Entry] = {}
        self._one_word: set[str] = set()
        self._by_two_words: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        self._one_char: set[str] = set()
        self._by_two_chars: dict[str, list[str]] = {}
        # A text word starts a name only capitalised, unless some name or phrase it starts is
        # written lower-case too: "police", "most" and "of" start only towns' names.
        self._first_any: set[str] = set()
        first_capital: set[str] = set()
        has_cjk = HAS_CJK.search
        for key in by_key:
            if key.isascii() or not has_cjk(key):
                first = key.split(" ", 1)[0]
                (self._first_any if key in lower_case else first_capital).add(first)
                if first == key:
                    self._one_word.add(key)
                else:
                    words = tuple(key.split(" "))
                    self._by_two_words.setdefault(words[:2], []).append(words)  # type: ignore[arg-type]
            elif not HAS_CJK.match(key):
                continue  # "e-cny试点": its Latin start is a key of its own already
            elif len(key) == 1:
                self._one_char.add(key)
            else:
                self._by_two_chars.setdefault(key[:2], []).append(key)
        self._first_capital = first_capital - self._first_any
        self._first_words = self._first_any | first_capital
        for by_words in self._by_two_words.values():
            by_words.sort(key=len, reverse=True)
        for by_chars in self._by_two_chars.values():
            by_chars.sort(key=len, reverse=True)

    def _entry(self, key: str) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            group = self._by_key[key]
            entry = _Entry(
                _Group(tuple(p for p in group if p.layer is Layer.ENTITY)),
                _Group(tuple(p for p in group if p.layer is Layer.PHRASE)),
            )
            self._entries[key] = entry
        return entry

    def find(self, text: str) -> tuple[list[Hit], list[Hit]]:
        """Entity hits and phrase hits, each longest-leftmost and non-overlapping."""
        folded = fold(text)
        if len(folded) != len(text):  # a rare character that lower-cases to two
            folded = "".join(c if len(c) == 1 else t for c, t in zip(fold_chars(text), text, strict=True))
        spans = self._latin(folded, text)
        if (self._one_char or self._by_two_chars) and HAS_CJK.search(folded):
            spans += self._chinese(folded)
        entities: list[Hit] = []
        phrases: list[Hit] = []
        for start, end, key in spans:
            entry = self._entry(key)
            surface = text[start:end]
            if entry.entities.meanings and (meanings := entry.entities.fitting(surface)):
                entities.append(Hit(start, end, surface, meanings))
            if entry.phrases.meanings and (meanings := entry.phrases.fitting(surface)):
                phrases.append(Hit(start, end, surface, meanings))
        entities = _longest_first(entities)
        return entities, _outside(_longest_first(phrases), entities)

    def _latin(self, folded: str, text: str) -> list[tuple[int, int, str]]:
        # Splitting on words keeps the separators too, so running lengths give every word's
        # offset without a Python step per word.
        parts = _LATIN_WORD.split(folded)
        words = parts[1::2]
        starts = list(accumulate(map(len, parts), initial=0))[1::2]
        first_words, first_capital = self._first_words, self._first_capital
        candidates = [index for index, word in enumerate(words) if word in first_words]
        if not candidates:
            return []
        one_word, by_two_words = self._one_word, self._by_two_words
        last_index = len(words) - 1
        found = []
        for index in candidates:
            word = words[index]
            if word in first_capital and not text[starts[index]].isupper():
                continue  # "police", "most": the towns' names are written capitalised
            if word in one_word:
                found.append((starts[index], starts[index] + len(word), word))
            if index < last_index:
                for key in by_two_words.get((word, words[index + 1]), ()):
                    last = index + len(key) - 1
                    if last <= last_index and (len(key) == 2 or tuple(words[index : last + 1]) == key):
                        found.append((starts[index], starts[last] + len(words[last]), " ".join(key)))
        return found

    def _chinese(self, folded: str) -> list[tuple[int, int, str]]:
        one_char, by_two_chars = self._one_char, self._by_two_chars
        found = []
        for run in CJK_RUN.finditer(folded):
            for start in range(run.start(), run.end()):
                if (char := folded[start]) in one_char:
                    found.append((start, start + 1, char))
                for key in by_two_chars.get(folded[start : start + 2], ()):
                    if len(key) == 2 or folded.startswith(key, start):
                        found.append((start, start + len(key), key))
        return found


def _grouped(patterns: list[Pattern]) -> tuple[dict[str, list[Pattern]], set[str]]:
    """The patterns by key, and the keys some pattern of which matches a lower-case word."""
    by_key: dict[str, list[Pattern]] = {}
    lower_case: set[str] = set()
    for key, pattern in zip(_keys([p.text for p in patterns]), patterns, strict=True):
        if (group := by_key.get(key)) is None:
            by_key[key] = [pattern]
        else:
            group.append(pattern)
        if not (pattern.proper or (pattern.exact_case and pattern.text[:1].isupper())):
            lower_case.add(key)
    by_key.pop("", None)
    return by_key, lower_case


def _keys(texts: list[str]) -> list[str]:
    """Each text's key, all folded at once (one pass over tens of thousands of names): Latin
    keys are the words joined by single spaces, keys with Chinese the folded text itself."""
    texts = [text.replace("\n", " ") for text in texts] if any("\n" in t for t in texts) else texts
    # Chinese is read as simplified one character at a time, slowly: fold only the texts with any.
    chinese = {index for index, text in enumerate(texts) if not text.isascii() and HAS_CJK.search(text)}
    folded = _fold_latin("\n".join(texts)).split("\n")
    for index in chinese:
        folded[index] = fold(texts[index])
    latin = _NOT_WORD.sub(" ", "\n".join(folded)).split("\n")
    return [folded[index] if index in chinese else words.strip() for index, words in enumerate(latin)]


class _Group:
    """The patterns of one key in one layer; most need no case check, so skip it for them."""

    __slots__ = ("_checked", "meanings")

    def __init__(self, patterns: tuple[Pattern, ...]) -> None:
        self.meanings = tuple(p.meaning for p in patterns)
        self._checked = patterns if any(p.exact_case or p.proper for p in patterns) else None

    def fitting(self, surface: str) -> tuple[object, ...]:
        if self._checked is None:
            return self.meanings
        return tuple(p.meaning for p in self._checked if _case_fits(p, surface))


@dataclass(frozen=True, slots=True)
class _Entry:
    entities: _Group
    phrases: _Group


@contextmanager
def no_collection() -> Iterator[None]:
    """Building the gazetteer makes half a million objects that live as long as the process:
    the cyclic collector's passes over them would add two thirds to the build."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fold_latin(text: str) -> str:
    for fancy, plain in _FOLD:
        if fancy in text:
            text = text.replace(fancy, plain)
    return text.lower()


def fold(text: str) -> str:
    """Text as patterns are matched: plain quotes and dashes, lower case, and traditional
    Chinese read as simplified, one character for one so every offset stays the original's."""
    for fancy, plain in _FOLD:
        if fancy in text:
            text = text.replace(fancy, plain)
    text = text.lower()
    return simplified(text)


def fold_chars(text: str) -> list[str]:
    return [fold(c) for c in text]


def _case_fits(pattern: Pattern, surface: str) -> bool:
    if pattern.exact_case:
        return surface == pattern.text or (surface == pattern.text.upper() and len(surface) > 4)
    if pattern.proper:
        return surface[:1].isupper() or not surface[:1].isalpha()
    return True


def _outside(phrases: list[Hit], entities: list[Hit]) -> list[Hit]:
    """The words of a name are not phrases: "Reserve" in "Federal Reserve" is no reserve."""
    kept: list[Hit] = []
    names = iter(entities)
    name = next(names, None)
    for phrase in phrases:  # both are sorted by start and do not overlap within themselves
        while name is not None and name.end <= phrase.start:
            name = next(names, None)
        if name is None or not (name.start <= phrase.start and phrase.end <= name.end):
            kept.append(phrase)
    return kept


def _longest_first(hits: Sequence[Hit]) -> list[Hit]:
    chosen: list[Hit] = []
    taken_until = -1
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if hit.start >= taken_until:
            chosen.append(hit)
            taken_until = hit.end
    return chosen


def ascii_fold(text: str) -> str:
    """ "Mahārāshtra" to "Maharashtra": how English news writes names ISO spells with marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
