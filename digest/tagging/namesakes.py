"""Which of several places with one name a story means: Georgia the country or the state,
Mobile the Alabama city or the adjective."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from digest.tagging.gazetteer import Locality, Place, StateAbbreviation

if TYPE_CHECKING:
    from digest.tagging.matcher import Hit
    from digest.tagging.mentions import Mention
    from digest.tagging.sentences import Sentence

# What makes an everyday word a town: "Nice-based", "Mobile City Council", "Reading Borough
# Council", "Split's mayor"; "the city of Nice", "mayor of Reading".
_PLACE_AFTER = re.compile(
    r"(?:-based\b|['’]s\s+(?:mayor|city|council|port|municipal)"
    r"|\s+(?:City|Town|Borough|County|Municipal|Metropolitan|District|Port|Airport)\b"
    r"|\s+(?:city|town|borough|county|district|municipal)\s+(?:council|government|hall|officials|authorities)\b"
    r"|\s+(?:mayor|council|councillors|city\s+council|police\s+department)\b"
    # "Nice to host Riviera Web3 summit": a host is a place
    r"|\s+(?:(?:is\s+|will\s+)?(?:to\s+)?(?:host|hosts|hosted|hosting)|plays\s+host)\b)"
)
# An event named after its city happens there: "Paris Blockchain Week", "Dubai Fintech Summit",
# "the Lisbon crypto conference", 巴黎区块链周, 香港金融科技节.
_EVENT_AFTER = re.compile(
    r"(?:\s+(?:[Bb]lockchain|[Cc]rypto|[Bb]itcoin|[Ff]in[Tt]ech|[Ww]eb3?|[Tt]ech|[Dd]igital|[Mm]oney|DeFi"
    r"|NFT|[Tt]oken|[Dd]evelopers?['’]?|[Ss]tart-?up|[Ff]inance|[Ii]nnovation|[Ii]nternational|\d{4}))"
    r"{0,3}\s+(?:[Ww]eek|[Ss]ummit|[Cc]onference|[Ff]orum|[Ee]xpo|[Ff]estival|[Mm]eetup|[Hh]ackathon)\b"
    r"|(?:国际|区块链|金融科技|科技|数字|资产|加密|货币|比特币|创新|元宇宙|Web3|web3)*"
    r"(?:周(?![一二三四五六日末内])|峰会|大会|论坛|博览会|展览会|节(?!点)|黑客松)"
)
_PLACE_BEFORE = re.compile(
    r"\b(?:city|town|port|village|municipality|suburb|borough|mayor|district|county)\s+of\s+$", re.IGNORECASE
)
# A person's name or a bare district name counts after a preposition of place too: "in Warren".
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|near|outside|around)\s+$")
# "Elizabeth Warren", "Gary Gensler": a town that is a person's name, beside another name.
_NAME_AFTER = re.compile(r" [A-Z][a-z]+")
_NAME_BEFORE = re.compile(r"[A-Z][a-z]+ $")
# A capitalised word (not sentence-initial) right before a name: "Ingrid Salo".
_GIVEN_NAME_BEFORE = re.compile(r"[a-z,]\s(?P<name>[A-Z][a-z]+) $")
_PLACE_WORDS = frozenset({
    "North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central",
    "Greater", "Downtown", "Upper", "Lower", "New", "Old", "Port", "Lake", "Mount", "Saint", "San",
})  # fmt: skip
_SMALL_WORDS = frozenset({"In", "At", "Of", "The", "And", "For", "From", "To", "On", "By", "With", "Near"})


def plausible(hit: Hit, sentence: Sentence) -> bool:
    """Whether a name found in a sentence is a place at all there. Every curated name and
    every generated name that is no everyday word is; "Mobile", "Nice" or "Warren" is only
    in a place-like context: "Mobile, Ala.", "Nice-based", "the city of Reading"."""
    places = [m for m in hit.meanings if isinstance(m, Place)]
    if (town := _qualified_town(hit, sentence)) is not None:
        # "Mobile, Alabama": the state says which Mobile, and a town of one name holds it
        # already (as a mention of its own it would outweigh the town); of namesakes ("Reading,
        # Pa.") it stays, and the story's country settles them.
        return len({m.code for m in town.meanings if isinstance(m, Place)}) > 1
    if not places or any(isinstance(m, StateAbbreviation) for m in places):
        return not places  # "Ind." or "Mass." anywhere else is no state
    if not all(isinstance(m, Locality) for m in places):
        return True  # a curated name
    if hit.surface.isupper() and len(hit.surface) <= 5:
        return False  # "ANDE" is Paraguay's power utility, not Ande in Côte d'Ivoire
    guards = {m.guard for m in places if isinstance(m, Locality)}
    if "" in guards:
        return not (all(m.code.count("-") >= 2 for m in places) and _surname(hit, sentence))
    zone = sentence.zone_text
    if _PLACE_AFTER.match(zone, hit.end) or _PLACE_BEFORE.search(zone, max(0, hit.start - 20), hit.start):
        return True
    if event_named_after(hit, sentence):
        return True
    if _parent_follows(hit, sentence):
        return True
    if "word" in guards:
        return False
    if _beside_a_name(hit, zone):
        return False
    return bool(_PREPOSITION_BEFORE.search(zone, max(0, hit.start - 10), hit.start))


def event_named_after(hit: Hit, sentence: Sentence) -> bool:
    """ "Paris Blockchain Week", 巴黎区块链周: the event happens in the place it is named after."""
    return _EVENT_AFTER.match(sentence.zone_text, hit.end) is not None


def _surname(hit: Hit, sentence: Sentence) -> bool:
    """ "said Ingrid Salo": a town's name right after a capitalised word in mid-sentence is a
    person's surname. Headlines capitalise every word, so they are left alone."""
    if sentence.where == "title" or not hit.surface[:1].isupper():
        return False
    before = _GIVEN_NAME_BEFORE.search(sentence.zone_text, max(0, hit.start - 24), hit.start)
    return before is not None and before["name"] not in _SMALL_WORDS | _PLACE_WORDS


def _parent_follows(hit: Hit, sentence: Sentence) -> bool:
    """ "Mobile, Alabama", "Reading, Pa.", "Split, Croatia": the next name, after a comma,
    holds the town."""
    codes = [m.code for m in hit.meanings if isinstance(m, Place)]
    for other in sentence.entities:
        if other.start < hit.end:
            continue
        if sentence.zone_text[hit.end : other.start].strip() != ",":
            return False
        parents = [m.code for m in other.meanings if isinstance(m, Place)]
        return any(code.startswith(parent + "-") for code in codes for parent in parents)
    return False


def _qualified_town(hit: Hit, sentence: Sentence) -> Hit | None:
    """The town just before `hit`, after a comma, when `hit` is a place holding it."""
    previous = None
    for other in sentence.entities:
        if other.start >= hit.start:
            break
        previous = other
    if previous is None or sentence.zone_text[previous.end : hit.start].strip() != ",":
        return None
    parents = tuple(m.code + "-" for m in hit.meanings if isinstance(m, Place))
    if any(isinstance(m, Place) and m.code.startswith(parents) for m in previous.meanings):
        return previous
    return None


def _beside_a_name(hit: Hit, zone: str) -> bool:
    before = _NAME_BEFORE.search(zone, max(0, hit.start - 20), hit.start)
    if before and before.group().strip() not in _SMALL_WORDS:
        return True
    return bool(_NAME_AFTER.match(zone, hit.end))


def country_context(mentions: list[Mention]) -> dict[str, float]:
    """How much the unambiguous mentions point at each country, and at each region inside
    one (keyed by every prefix of their codes), to settle ambiguous ones."""
    context: defaultdict[str, float] = defaultdict(float)
    for mention in mentions:
        if len(mention.codes) == 1:
            for prefix in _prefixes(mention.codes[0]):
                context[prefix] += mention.score
    return context


def resolve(codes: tuple[str, ...], context: dict[str, float], *, subnational: bool) -> str:
    """Georgia is the country unless the story is about the US or speaks of a state senate;
    a city named both as itself and as its province is the city. Among places of one name
    the story's other places decide, its country first, then its province (深圳南山区 is
    Shenzhen's Nanshan, not Hegang's), then the larger town (the gazetteer lists it first)."""
    if len(codes) > 1:
        codes = tuple(c for c in codes if not any(other.startswith(c + "-") for other in codes))
    if len(codes) == 1:
        return codes[0]

    def support(code: str) -> tuple[float, ...]:  # a tie keeps the first, as listed
        found = [context.get(prefix, 0.0) for prefix in _prefixes(code)]
        return (*found, *[0.0] * (3 - len(found)))

    if subnational and (subdivisions := [code for code in codes if "-" in code]):
        return max(subdivisions, key=support)
    return max(codes, key=support)


def _prefixes(code: str) -> list[str]:
    """ "CN-GD-shenzhen" is in "CN" and "CN-GD" too."""
    parts = code.split("-")
    return ["-".join(parts[: depth + 1]) for depth in range(len(parts))]
