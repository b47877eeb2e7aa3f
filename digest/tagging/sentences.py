"""A story cut into weighted sentences, each with the names and phrases found in it."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from digest.tagging import boilerplate
from digest.tagging.matcher import Hit, Matcher
from digest.tagging.weights import WEIGHT

# A sentence ends at . ! ? followed by a space (or at their Chinese forms, or a line break),
# but not after an abbreviation: "U.S. regulators", "Mr. Lee", "J. Smith", "Reading, Pa. council".
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|[。！？；]|\n+")
_ABBREVIATIONS = frozenset({
    "U.S", "U.K", "U.N", "E.U", "Mr", "Mrs", "Ms", "Dr", "Prof", "Inc", "Corp", "Co", "Ltd", "Jr",
    "Sr", "St", "No", "vs", "Gov", "Sen", "Rep", "Gen", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
    "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "e.g", "i.e", "approx",
    # a US state after its town, as AP abbreviates it: "Reading, Pa. Mayor Eddie Moran"
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Ky", "La",
    "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "N.H", "N.J", "N.M", "N.Y",
    "N.C", "N.D", "Okla", "Ore", "Pa", "R.I", "S.C", "S.D", "Tenn", "Vt", "Va", "Wash", "W.Va", "Wis",
    "Wyo",
})  # fmt: skip


# A sentence starts with a capital: after "Mobile, Ala. officials" or "approx. five" it goes on.
_LOWER_CASE_NEXT = re.compile(r"[ \t]+[a-z]")


@dataclass(frozen=True, slots=True)
class Sentence:
    where: str  # title, summary or body
    weight: float
    entities: list[Hit]
    phrases: list[Hit]
    zone_text: str  # the whole title, summary or body, to look around a hit
    start: int  # the sentence's span in zone_text
    end: int

    @property
    def text(self) -> str:  # only evidence needs it: cut it out then
        return self.zone_text[self.start : self.end].strip()


def sentences(matcher: Matcher, title: str, summary: str, body: str) -> Iterator[Sentence]:
    """The sentences of a story that hold a name or a phrase, with what each holds.

    Only the story is read: the page's furniture (menus, bylines, related stories, bios,
    newsletter blurbs, captions, datelines, time stamps) is blanked out first, and a sentence
    still quotes the text as written."""
    zones = [
        ("title", title, boilerplate.without_stamps(title), WEIGHT["title"]),
        ("summary", summary, boilerplate.without_stamps(summary), WEIGHT["summary"]),
        *_body_zones(body, title),
    ]
    for where, text, story, weight in zones:
        if not story.strip():
            continue
        entities, phrases = matcher.find(story)
        if not entities and not phrases:
            continue
        ends = sentence_ends(text)
        by_sentence: defaultdict[int, tuple[list[Hit], list[Hit]]] = defaultdict(lambda: ([], []))
        for hit in entities:
            by_sentence[bisect_right(ends, hit.start)][0].append(hit)
        for hit in phrases:
            by_sentence[bisect_right(ends, hit.start)][1].append(hit)
        # Only sentences with something in them are read; the rest cannot change a score.
        for index in sorted(by_sentence):  # every hit starts before the last end
            start, end = ends[index - 1] if index else 0, ends[index]
            sentence_entities, sentence_phrases = by_sentence[index]
            yield Sentence(where, weight, sentence_entities, sentence_phrases, text, start, end)


def _body_zones(body: str, title: str) -> list[tuple[str, str, str, float]]:
    """The body as its lead (the first story paragraph, which weighs more) and the rest, each
    as the text written and the same text with its furniture blanked. What comes before the
    lead (a kicker, a subhead) is read as the rest is."""
    story = boilerplate.story_text(body, title)
    start, end = boilerplate.lead_span(body, story)
    zones = [("body", body[start:end], story[start:end], WEIGHT["lead"])]
    if story[:start].strip():
        zones.append(("body", body[:start], story[:start], WEIGHT["body"]))
    zones.append(("body", body[end:], story[end:], WEIGHT["body"]))
    return zones


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of `text` ends (the last one at the end of the text)."""
    ends = [
        end.end()
        for end in _SENTENCE_END.finditer(text)
        if end.group()[0] != "."
        or not (_abbreviation_before(text, end.start()) or _LOWER_CASE_NEXT.match(text, end.end()))
    ]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    return ends


def _abbreviation_before(text: str, dot: int) -> bool:
    word = text[max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot)) + 1 : dot]
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isupper())
