"""Which of several places with one name a story means: Georgia the country or the state,
Mobile the Alabama city or the adjective."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from digest.tagging.matcher import Hit
    from digest.tagging.mentions import Mention
    from digest.tagging.sentences import Sentence


def plausible(hit: Hit, sentence: Sentence) -> bool:
    """Whether a name found in a sentence is a place at all there (every curated name is)."""
    del hit, sentence
    return True


def country_context(mentions: list[Mention]) -> dict[str, float]:
    """How much the unambiguous mentions point at each country, to settle ambiguous ones."""
    context: defaultdict[str, float] = defaultdict(float)
    for mention in mentions:
        if len(mention.codes) == 1:
            context[mention.codes[0].split("-")[0]] += mention.score
    return context


def resolve(codes: tuple[str, ...], context: dict[str, float], *, subnational: bool) -> str:
    """Georgia is the country unless the story is about the US or speaks of a state senate;
    a city named both as itself and as its province is the city."""
    if len(codes) > 1:
        codes = tuple(c for c in codes if not any(other.startswith(c + "-") for other in codes))
    if len(codes) == 1:
        return codes[0]
    if subnational and (subdivisions := [code for code in codes if "-" in code]):
        return subdivisions[0]
    return max(codes, key=lambda code: context.get(code.split("-")[0], 0.0))
