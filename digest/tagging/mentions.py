"""How a place's name in a sentence counts: as the actor, the subject, a company's base, a
person's name, or in passing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from digest.tagging import namesakes
from digest.tagging.gazetteer import Body, Capital, Demonym, Mask, Place
from digest.tagging.matcher import Hit
from digest.tagging.sentences import Sentence
from digest.tagging.taxonomy import ACTOR

_BUSINESS_AFTER = re.compile(
    r"(?:-|\s)(?:based|headquartered|listed|registered|incorporated|born|founded|focused|owned|backed"
    r"|linked|controlled)\b"
    # "a Milan fintech", "the US exchange", "a Singapore bank": the place is a company's seat
    r"|\s(?:(?:crypto|bitcoin|web3|blockchain|digital[- ]asset|payments?|stablecoin|wallet|mining"
    r"|software)\s)?"
    r"(?:exchanges?|fintechs?|start-?ups?|firms?|companies|company|miners?|lenders?|banks?|brokers?"
    r"|brokerages?|venues?|operators?|issuers?|developers?|asset managers?|fund managers?|investors?"
    r"|group|groups|house|houses)\b"
    r"|(?:某|一家)?(?:公司|企业|初创|科技公司|集团|交易所|矿企|基金|银行|投资者|资本)"
)
_BUSINESS_BEFORE = re.compile(
    r"(?:\b(?:based|headquartered|incorporated|registered|founded|offices?|listed|relocated|moved)"
    r"\s+(?:in|to)\s+(?:the\s+)?|总部位于|注册于|总部设在)$"
)
_NEXT_WORD = re.compile(
    r"(?P<possessive>['’]s\b)|\s+(?:has\s+|have\s+|will\s+|to\s+|is\s+set\s+to\s+)?(?P<word>[A-Za-z]+)"
)
# "late New York trading", "the Asian session": a market session, not a place the story is
# about. (A place named for its clock, "Beijing time", is blanked with the boilerplate.)
_MARKET_SESSION = re.compile(
    r"\s+(?:trading|session|hours|morning|afternoon|evening|close|open|markets? hours)\b"
    r"|(?:时段|早盘|午盘|尾盘|盘中|交易时段)"
)
# "The Philippines' SEC", "Nigeria SEC", 美国政府: a body right after a place is that place's.
_POSSESSIVE_GAP = re.compile(r"(?:['’]s?)?\s+|的?")
_CITY_AFTER = re.compile(r"\s+[Cc]ity\b|市")
_STATE_NEAR = re.compile(r"^\s*(?:state|State)\b|\bstate of\s*$", re.I)


class Role(Enum):
    """How a sentence names a place; the region choice weighs each role."""

    ACTOR = "actor"  # a public body, or a place acting as its government, in a policy sentence
    POLICY = "policy"  # named in a sentence about policy
    SUBJECT = "subject"  # named in a sentence with no policy in it
    BASE = "base"  # a company's seat: "Tokyo-based", "headquartered in Zug"
    PARTY = "party"  # another company's seat in the same sentence: "... signs deal with Singapore bank"


@dataclass
class Mention:
    codes: tuple[str, ...]  # several while ambiguous
    role: Role
    surface: str
    sentence: Sentence
    city: str | None = None  # a capital taken for its government, which may yet be the city
    # A capital read as the city only because a company is based or something happens there
    # ("Tokyo-based", "Paris Blockchain Week"): it says nothing of what the story's other
    # mentions of the capital mean.
    venue: bool = False
    score: float = 0.0  # set by the region choice, which weighs the roles
    # "Chinese investors" places people, "Chinese regulators" a policy: a demonym alone weighs less
    demonym_alone: bool = False


def place_mentions(sentence: Sentence, acting: list[Hit], municipal: bool, strongest: float) -> list[Mention]:
    """The regions one sentence names, each with the role the sentence gives it."""
    mentions: list[Mention] = []
    previous: Hit | None = None
    for hit in sentence.entities:
        # A capital is the city where a company is based or an event happens, else its government.
        venue = any(type(m) is Capital for m in hit.meanings) and _venue(hit, sentence)
        codes = _owned(hit, previous, sentence) or _codes(hit, sentence, municipal, venue=venue)
        previous = hit
        if not codes or not namesakes.plausible(hit, sentence) or _person(hit, sentence):
            continue
        if _MARKET_SESSION.match(sentence.zone_text, hit.end):
            continue
        if _business_location(hit, sentence):
            # The sentence's first company is its subject; a later one is a buyer or a partner.
            role = Role.PARTY if any(m.role is Role.BASE for m in mentions) else Role.BASE
        elif not strongest:
            role = Role.SUBJECT
        elif hit in acting or any(type(m) is Body for m in hit.meanings) or _actor_follows(hit, sentence):
            # "Cleburne County Quorum Court", "Sarawak state government": the place's own body
            role = Role.ACTOR
        else:
            role = Role.POLICY
        alone = all(type(m) is Demonym for m in hit.meanings) and not _actor_follows(hit, sentence)
        city = _city_if_capital(hit, codes)
        mentions.append(Mention(codes, role, hit.surface, sentence, city, venue, demonym_alone=alone))
    return mentions


def _owned(hit: Hit, previous: Hit | None, sentence: Sentence) -> tuple[str, ...]:
    """ "The Philippines' Securities and Exchange Commission" is the Philippines' body, whatever
    country the bare name would otherwise point to."""
    if previous is None or not any(isinstance(m, Body) for m in hit.meanings):
        return ()
    if not _POSSESSIVE_GAP.fullmatch(sentence.zone_text, previous.end, hit.start):
        return ()
    owners = [m.code for m in previous.meanings if isinstance(m, Place | Demonym)]
    return (owners[0],) if owners else ()


def _codes(hit: Hit, sentence: Sentence, municipal: bool, *, venue: bool) -> tuple[str, ...]:
    if any(isinstance(meaning, Mask) for meaning in hit.meanings):
        return ()
    capitals = [meaning for meaning in hit.meanings if isinstance(meaning, Capital)]
    if capitals:  # the capital's rules decide between the government, the city and a state
        return (_capital_sense(capitals[0], hit, sentence, municipal or venue),)
    codes = [m.code for m in hit.meanings if isinstance(m, Place | Body | Demonym)]
    return tuple(dict.fromkeys(codes))


def _city_if_capital(hit: Hit, codes: tuple[str, ...]) -> str | None:
    """The city a capital's mention could still turn out to mean, if it was read as the nation."""
    for meaning in hit.meanings:
        if isinstance(meaning, Capital) and meaning.city and codes == (meaning.stands_for,):
            return meaning.city
    return None


def _capital_sense(capital: Capital, hit: Hit, sentence: Sentence, city: bool) -> str:
    """ "Beijing tightens its ban" is China; "Beijing's municipal government" is the city, and
    so is a capital where a company is based or an event happens ("a Tokyo-based exchange",
    "Paris Blockchain Week"): `city`."""
    zone, start, end = sentence.zone_text, hit.start, hit.end
    if capital.city and (city or _CITY_AFTER.match(zone, end)):  # "Rio de Janeiro city invests"
        return capital.city
    if capital.state and (
        _STATE_NEAR.search(zone[end : end + 12]) or _STATE_NEAR.search(zone[max(0, start - 12) : start])
    ):
        return capital.state
    return capital.stands_for


def place_acts(hit: Hit, sentence: Sentence, verbs: frozenset[str]) -> bool:
    """A place followed by a governing verb is its government acting ("Zug lets taxpayers",
    "Beijing tightens"); a capital's possessive is too ("Beijing's crackdown")."""
    if not any(isinstance(meaning, Place | Capital) for meaning in hit.meanings):
        return False
    after = _NEXT_WORD.match(sentence.zone_text, hit.end)
    if after is None:
        return False
    capital = any(isinstance(meaning, Capital) for meaning in hit.meanings)
    if after["possessive"]:
        return capital
    word = after["word"] or ""
    # A headline that opens on a capital and a verb is its government acting, whatever the
    # verb: "Bangkok blinks on tourist crypto cards".
    headline_verb = capital and sentence.where == "title" and hit.start == 0 and word.endswith("s")
    return headline_verb or word.lower() in verbs


def _actor_follows(hit: Hit, sentence: Sentence) -> bool:
    """ "Chinese regulators", "the Kazakh energy ministry": the demonym is the actor's."""
    return any(ACTOR in phrase.meanings and 0 <= phrase.start - hit.end <= 16 for phrase in sentence.phrases)


# Places that are also given names: "Victoria Chen" and "Georgia Smith" are people.
_GIVEN_NAMES = frozenset({
    "Victoria", "Virginia", "Georgia", "Jordan", "Chad", "Paris", "Florence", "Austin", "Sydney",
    "Carolina", "Dakota", "Kent", "Israel", "Lincoln", "Montana", "Nevada", "Madison", "Savannah",
    "Phoenix", "Devon", "Chelsea", "Orlando", "Houston", "Dallas", "Denver", "Regina", "Adelaide",
    "Santiago", "Valencia", "Lorraine", "Indiana", "Tennessee", "Cyprus", "Kenya", "Jamaica",
})  # fmt: skip
_NEXT_NAME = re.compile(r" (?!(?:State|City|County|Senate|House|Republic|Government|Police)\b)[A-Z][a-z]+")


def _person(hit: Hit, sentence: Sentence) -> bool:
    """ "Paris Hilton" is a person, "Paris Blockchain Week" a place's event."""
    return (
        hit.surface in _GIVEN_NAMES
        and bool(_NEXT_NAME.match(sentence.zone_text, hit.end))
        and not namesakes.event_named_after(hit, sentence)
    )


def _venue(hit: Hit, sentence: Sentence) -> bool:
    return _business_location(hit, sentence) or namesakes.event_named_after(hit, sentence)


def _business_location(hit: Hit, sentence: Sentence) -> bool:
    """ "A Dubai-based exchange" places a company, not a policy."""
    zone = sentence.zone_text
    if _BUSINESS_AFTER.match(zone, hit.end):
        return True
    return bool(_BUSINESS_BEFORE.search(zone[max(0, hit.start - 40) : hit.start]))
