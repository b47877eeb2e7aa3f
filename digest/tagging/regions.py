"""From the places a story names to the regions it is about, and its primary region."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from digest.models import Evidence
from digest.tagging import evidence as quotes
from digest.tagging import namesakes
from digest.tagging.home import HOME
from digest.tagging.mentions import Mention, Role
from digest.tagging.names import containing
from digest.tagging.weights import (
    ACTOR_BONUS,
    DEMONYM_ALONE,
    OTHER_STORY_BODY,
    OTHER_STORY_OPENING,
    PASSING,
    REGION_MIN,
    REGION_SHARE,
    TITLE_SUBJECT,
    WEIGHT,
)

HOME_BIAS = 1.0  # a home settles a tie between namesakes; any place the story names outweighs it
# In a policy story, how much a mention of each role counts; a company's seat not at all.
POLICY_ROLE = {
    Role.ACTOR: 1.0 + ACTOR_BONUS,
    Role.POLICY: 1.0,
    Role.SUBJECT: PASSING,
    Role.BASE: PASSING,
    Role.PARTY: 0.0,
}


@dataclass(frozen=True, slots=True)
class RegionChoice:
    """The regions a story is about, strongest first, and the one it is mainly about.

    Each mention of a place adds its score (see `mentions`) to the code it resolves to. A
    code's support is its score, plus its containing regions' scores when the code is helped
    by them: in any other story every code is, in a policy story a code whose own government
    acts in the headline, summary or lead ("the Cleburne County Quorum Court in Arkansas").
    A code is kept when its score reaches REGION_MIN and its support REGION_SHARE of the
    strongest support; of a code and one inside it only one is kept (the one with more support;
    on a tie the inner one). `primary` is the kept code with the most support, or None when
    there is none or when the next one has the same (a story about two places equally has no
    main one)."""

    codes: tuple[str, ...] = ()
    primary: str | None = None
    evidence: tuple[Evidence, ...] = ()


def choose(
    mentions: list[Mention], *, subnational: bool, policy: bool, home: str | None = None
) -> RegionChoice:
    """`home`: where a traditional-Chinese story is written from (see `home`), if known."""
    mentions = _at_home(mentions, home)
    if not policy:
        mentions = _capitals_as_cities(mentions)
    for mention in mentions:
        mention.score = _score(mention, policy=policy)
    # Every place weighs in on which of two namesakes is meant: "the SEC" of a Bangkok firm;
    # and a Hong Kong paper's bare 證監會 is Hong Kong's.
    context = namesakes.country_context([m for m in mentions if m.score > 0])
    if home:
        context[home] = context.get(home, 0.0) + HOME_BIAS
    if not policy:
        mentions = _where_it_happens(mentions)
    mentions = [m for m in mentions if m.score > 0]
    scores, evidence, acting = _tally(mentions, context, subnational=subnational)
    if not scores:
        return RegionChoice()
    # A place's mentions say where the places inside it are: "a Nice start-up in France" is
    # Nice's, "the Cleburne County Quorum Court in Arkansas" the county's, with the outer place
    # saying which one. In a policy story only a place whose own government acts in the
    # headline, summary or lead is helped so: a national regulator licensing "a Santiago
    # manager" is Chile's, and rules that "do not apply in the DIFC" are the UAE's.
    helped = acting if policy else set(scores)
    support = {
        code: score + (_outer(code, scores) if code in helped else 0.0) for code, score in scores.items()
    }
    best = max(support.values())
    kept = [c for c, s in scores.items() if s >= REGION_MIN and support[c] >= REGION_SHARE * best]
    kept = kept or [max(scores, key=lambda c: support[c])]
    # A code implies its parents, so never both: of a region and one inside it, the inner one
    # when helped, else the one the story says more about ("Kazakhstan's ministry" over a zone
    # it mentions in passing); on a tie the inner one.
    kept = [c for c in kept if not any(_outranks(one, c, support) for one in kept)]
    kept.sort(key=lambda c: -support[c])
    tied = len(kept) > 1 and support[kept[0]] == support[kept[1]]
    found = tuple(e for code in kept for e in quotes.best(evidence[code]))
    return RegionChoice(tuple(kept), None if tied else kept[0], found)


def _tally(
    mentions: list[Mention], context: dict[str, float], *, subnational: bool
) -> tuple[dict[str, float], dict[str, list[tuple[float, Evidence]]], set[str]]:
    """Each code's score and quotes, and the codes whose own government acts in the opening."""
    scores: defaultdict[str, float] = defaultdict(float)
    evidence: defaultdict[str, list[tuple[float, Evidence]]] = defaultdict(list)
    acting = set()
    # Once a story shows a capital as its own city government ("Beijing's municipal
    # government"), its other mentions ("Beijing unveils ...") are the city too.
    cities = {
        code for mention in mentions if mention.city is None and not mention.venue for code in mention.codes
    }
    for mention in mentions:
        if mention.city in cities:
            mention.codes = (mention.city,)
        code = namesakes.resolve(mention.codes, context, subnational=subnational)
        scores[code] += mention.score
        sentence = mention.sentence
        evidence[code].append((mention.score, Evidence(code, mention.surface, sentence.where, sentence.text)))
        if mention.role is Role.ACTOR and sentence.weight > WEIGHT["body"]:
            acting.add(code)
    return scores, evidence, acting


def _at_home(mentions: list[Mention], home: str | None) -> list[Mention]:
    """A home word ("the police", 本港) is the story's home, or nothing when it has none."""
    kept = []
    for mention in mentions:
        if HOME in mention.codes:
            mention.codes = (home,) if home else tuple(c for c in mention.codes if c != HOME)
        if mention.codes:
            kept.append(mention)
    return kept


def _capitals_as_cities(mentions: list[Mention]) -> list[Mention]:
    """A story that is not about policy is about where things happen: its capitals are
    cities ("Seoul exchange halts withdrawals" is Seoul's), unless one acts as a government
    in a policy sentence ("... as Beijing tightens its ban")."""
    for mention in mentions:
        if mention.city and mention.role is not Role.ACTOR:
            mention.codes, mention.city, mention.venue = (mention.city,), None, True
    return mentions


def _where_it_happens(mentions: list[Mention]) -> list[Mention]:
    """Where the story happens beats where its company is based, when said as prominently: "a
    Seychelles-registered venue opens a Hong Kong office" is Hong Kong's news, "a Singapore-based
    exchange suspends trading" with users in Malaysia in its first paragraph is Singapore's. A
    seat inside a place the story happens in still says where: "an exchange in Vietnam's Ho Chi
    Minh City"."""
    seat = max((m.score for m in mentions if m.role is Role.BASE), default=0.0)
    happening = {
        code
        for m in mentions
        if m.role is not Role.BASE and m.score >= max(REGION_MIN, seat)
        for code in m.codes
    }
    if not happening:  # the seat is named more prominently than any place things happen in
        return mentions
    return [m for m in mentions if m.role is not Role.BASE or any(_within(c, happening) for c in m.codes)]


def _within(code: str, regions: set[str]) -> bool:
    return any(code == region or _inside(code, region) for region in regions)


def _inside(code: str, region: str) -> bool:
    """Whether `code` is inside `region`: by its code ("CN-GD-shenzhen" is in "CN-GD"), or by
    the gazetteer's word for a zone's city (Qianhai is in Shenzhen)."""
    within = containing()
    while code:
        if code.startswith(region + "-") or code == region:
            return True
        code = within.get(code, "")
    return False


def _score(mention: Mention, *, policy: bool) -> float:
    """A policy story is about the places that act or are acted on; any other story about the
    places its headline, summary and lead name, and only then about its company's seat."""
    sentence = mention.sentence
    if policy:
        factor = POLICY_ROLE[mention.role]
        if mention.role is Role.SUBJECT and sentence.where == "title":
            factor = TITLE_SUBJECT
    elif mention.role is Role.PARTY:
        factor = 0.0
    elif sentence.weight >= WEIGHT["lead"]:
        factor = OTHER_STORY_OPENING
    else:  # later on, a "London-based" firm is a quoted analyst's, not the story's company
        factor = 0.0 if mention.role is Role.BASE else OTHER_STORY_BODY
    if mention.demonym_alone:
        factor *= DEMONYM_ALONE
    return factor * sentence.weight


def _outranks(one: str, other: str, support: dict[str, float]) -> bool:
    """Whether `one` displaces `other`, one of the two being inside the other."""
    if one != other and _inside(one, other):
        return support[one] >= support[other]
    if one != other and _inside(other, one):
        return support[one] > support[other]
    return False


def _outer(code: str, scores: dict[str, float]) -> float:
    """What the story says about the places holding `code`."""
    return sum(score for other, score in scores.items() if other != code and _inside(code, other))
