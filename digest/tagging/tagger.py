"""Decide whether an item reports government policy, on which topics, for which regions."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from digest.models import Evidence, Region, Tags, Vocabulary
from digest.tagging import gazetteer, taxonomy
from digest.tagging.gazetteer import Body, Capital, Demonym, Gazetteer, Mask, Place
from digest.tagging.matcher import Hit, Matcher
from digest.tagging.taxonomy import ACTOR, MUNICIPAL, SUBNATIONAL, OtherStory, TopicPhrase

# -- weights and thresholds: the one place they live -------------------------------------------
# Chosen on the tuning four-fifths of tests/labelled (never the held-out fifth), by reading the
# misses `python tests/labelled/score.py` lists: a headline counts three times a body sentence,
# the summary or first paragraph about twice, and one policy sentence in the body alone is not
# enough to call a story policy.
WEIGHT = {"title": 3.0, "summary": 2.0, "lead": 1.5, "body": 1.0}
STRONG_PHRASE = 1.0  # "central bank digital currency": policy on its own
WEAK_PHRASE = 0.7  # "licence" next to a public actor
POLICY_MIN = 2.0  # the story's policy score (weighted sentences) needed to call it policy
POLICY_MIN_SHORT = 1.4  # ... when a feed gave only a headline and a summary, and no article
DEMONYM_ALONE = 0.3  # "Chinese tycoon" places a person; "Chinese regulators" places a policy
# A headline about a price, a raise, a hack or a hire: policy words in it weigh less.
OTHER_STORY_DAMPING = 0.5
# Opinion, people and DAO stories talk about regulators at length without any acting.
OTHER_STORY_ALWAYS_DAMPING = 0.25
TOPIC_MIN = 2.0  # a topic's own score needed ...
TOPIC_SHARE = 0.6  # ... and at least this share of the strongest topic's
ACTOR_BONUS = 0.5  # a region named as the actor itself ("VARA fined ...") counts more
PASSING = 0.15  # a region in a sentence with no policy in it: a passing mention
TITLE_SUBJECT = 0.6  # but a region in the headline is the story's subject even so
REGION_MIN = 1.5  # a region's score needed ...
REGION_SHARE = 0.5  # ... and at least this share of the strongest region's
EVIDENCE_PER_TAG = 3

# A sentence ends at . ! ? followed by a space (or at their Chinese forms, or a line break),
# but not after an abbreviation: "U.S. regulators", "Mr. Lee", "J. Smith".
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|[。！？；]|\n+")
_ABBREVIATIONS = frozenset({
    "U.S", "U.K", "U.N", "E.U", "Mr", "Mrs", "Ms", "Dr", "Prof", "Inc", "Corp", "Co", "Ltd", "Jr",
    "Sr", "St", "No", "vs", "Gov", "Sen", "Rep", "Gen", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
    "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "e.g", "i.e", "approx",
})  # fmt: skip
_BUSINESS_AFTER = re.compile(
    r"(?:-|\s)(?:based|headquartered|listed|registered|incorporated|born|founded|focused|owned|backed"
    r"|linked|controlled)\b"
    r"|(?:某|一家)?(?:公司|企业|初创|科技公司)"
)
_BUSINESS_BEFORE = re.compile(
    r"(?:\b(?:based|headquartered|incorporated|registered|founded|offices?|listed|relocated|moved)"
    r"\s+(?:in|to)\s+(?:the\s+)?|总部位于|注册于|总部设在)$"
)
_NEXT_WORD = re.compile(
    r"(?P<possessive>['’]s\b)|\s+(?:has\s+|have\s+|will\s+|to\s+|is\s+set\s+to\s+)?(?P<word>[A-Za-z]+)"
)
_POSSESSIVE_GAP = re.compile(r"(?:['’]s?)?\s+")
_STATE_NEAR = re.compile(r"^\s*(?:state|State)\b|\bstate of\s*$", re.I)


@dataclass(frozen=True, slots=True)
class _Sentence:
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


@dataclass
class _Mention:
    codes: tuple[str, ...]  # several while ambiguous
    score: float
    surface: str
    sentence: _Sentence
    city: str | None = None  # a capital taken for its government, which may yet be the city


@dataclass
class _Reading:
    """Everything the sentences said, before the item-level decisions."""

    topic_scores: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    topic_evidence: defaultdict[str, list[tuple[float, str, _Sentence]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    policy_score: float = 0.0
    subnational: bool = False  # the story speaks of a state senate, a county ...: a US-style state
    damping: float = 1.0  # less when the headline or summary reads like market, company or people news
    mentions: list[_Mention] = field(default_factory=list)


class Tagger:
    """Built once per process (the gazetteer and the automaton); `tag` is then pure and fast."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        vocabulary = vocabulary or Vocabulary()
        self.gazetteer: Gazetteer = gazetteer.build(vocabulary.regions)
        self.matcher = Matcher([*self.gazetteer.patterns, *taxonomy.build(vocabulary.topic_phrases)])
        self.verbs = taxonomy.acting_verbs()

    def tag(self, title: str, summary: str, body: str) -> Tags:
        reading = _Reading()
        for sentence in self._sentences(title, summary, body):
            _read(sentence, reading, self.verbs)
        score = reading.policy_score * reading.damping
        if score < (POLICY_MIN if body.strip() else POLICY_MIN_SHORT):
            return Tags()
        topics = _topics(reading)
        regions, primary, region_evidence = self._regions(reading)
        evidence = [
            e
            for topic in topics
            for _, e in _best(
                [
                    (score, Evidence(topic, surface, s.where, s.text))
                    for score, surface, s in reading.topic_evidence[topic]
                ]
            )
        ]
        return Tags(
            topics=topics,
            regions=tuple(Region(code, self.gazetteer.name_of(code)) for code in regions),
            primary_region=primary,
            evidence=tuple(evidence + region_evidence),
        )

    def _sentences(self, title: str, summary: str, body: str) -> Iterator[_Sentence]:
        zones = [("title", title, WEIGHT["title"]), ("summary", summary, WEIGHT["summary"])]
        lead, _, rest = body.strip().partition("\n\n")
        zones += [("body", lead, WEIGHT["lead"]), ("body", rest, WEIGHT["body"])]
        for where, text, weight in zones:
            if not text.strip():
                continue
            entities, phrases = self.matcher.find(text)
            if not entities and not phrases:
                continue
            ends = _sentence_ends(text)
            by_sentence: defaultdict[int, tuple[list[Hit], list[Hit]]] = defaultdict(lambda: ([], []))
            for hit in entities:
                by_sentence[bisect_right(ends, hit.start)][0].append(hit)
            for hit in phrases:
                by_sentence[bisect_right(ends, hit.start)][1].append(hit)
            # Only sentences with something in them are read; the rest cannot change a score.
            for index in sorted(by_sentence):  # every hit starts before the last end
                start, end = ends[index - 1] if index else 0, ends[index]
                sentence_entities, sentence_phrases = by_sentence[index]
                yield _Sentence(where, weight, sentence_entities, sentence_phrases, text, start, end)

    def _regions(self, reading: _Reading) -> tuple[tuple[str, ...], str | None, list[Evidence]]:
        scores: defaultdict[str, float] = defaultdict(float)
        evidence: defaultdict[str, list[tuple[float, Evidence]]] = defaultdict(list)
        context = _country_context(reading.mentions)
        # Once a story shows a capital as its own city government ("Beijing's municipal
        # government"), its other mentions ("Beijing unveils ...") are the city too.
        cities = {code for mention in reading.mentions if mention.city is None for code in mention.codes}
        for mention in reading.mentions:
            if mention.city in cities:
                mention.codes = (mention.city,)
            code = _resolve(mention.codes, context, subnational=reading.subnational)
            scores[code] += mention.score
            sentence = mention.sentence
            evidence[code].append(
                (mention.score, Evidence(code, mention.surface, sentence.where, sentence.text))
            )
        if not scores:
            return (), None, []
        best = max(scores.values())
        kept = [c for c, s in scores.items() if s >= REGION_MIN and s >= REGION_SHARE * best]
        kept = kept or [max(scores, key=lambda c: scores[c])]
        # A code implies its parents, so never both: of a region and one inside it, the one
        # the story says more about ("Kazakhstan's ministry" over a zone it mentions in passing).
        # On a tie the more specific one wins.
        kept = [c for c in kept if not any(_outranks(other, c, scores) for other in kept)]
        kept.sort(key=lambda c: -scores[c])
        found = [e for code in kept for _, e in _best(evidence[code])]
        return tuple(kept), kept[0], found


def _outranks(one: str, other: str, scores: dict[str, float]) -> bool:
    """Whether `one` displaces `other`, one of the two being inside the other."""
    if one.startswith(other + "-"):
        return scores[one] >= scores[other]
    if other.startswith(one + "-"):
        return scores[one] > scores[other]
    return False


def _sentence_ends(text: str) -> list[int]:
    """Where each sentence of `text` ends (the last one at the end of the text)."""
    ends = [
        end.end()
        for end in _SENTENCE_END.finditer(text)
        if end.group()[0] != "." or not _abbreviation_before(text, end.start())
    ]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    return ends


def _abbreviation_before(text: str, dot: int) -> bool:
    word = text[max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot)) + 1 : dot]
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


@dataclass
class _Signals:
    """What one sentence holds: a public actor? which topic phrases? cues about the story?"""

    has_actor: bool = False
    municipal: bool = False  # the capital named here is the city itself
    subnational: bool = False
    cues: list[OtherStory] = field(default_factory=list)
    topic_hits: list[tuple[TopicPhrase, Hit]] = field(default_factory=list)
    acting: list[Hit] = field(default_factory=list)  # places acting as their governments


def _signals(sentence: _Sentence, verbs: frozenset[str]) -> _Signals:
    signals = _Signals()
    for hit in sentence.phrases:
        for meaning in hit.meanings:
            if meaning is ACTOR:
                signals.has_actor = True
            elif meaning is MUNICIPAL:
                signals.municipal = True
            elif meaning is SUBNATIONAL:
                signals.subnational = True
            elif type(meaning) is TopicPhrase:
                signals.topic_hits.append((meaning, hit))
            elif type(meaning) is OtherStory:
                signals.cues.append(meaning)
    for hit in sentence.entities:
        for meaning in hit.meanings:
            if type(meaning) is Body:
                signals.has_actor = True
                if (implied := _BODY_TOPICS.get(meaning.kind)) is not None:
                    signals.topic_hits.append((implied, hit))
        if _place_acts(hit, sentence, verbs):
            signals.acting.append(hit)
            signals.has_actor = True
    return signals


def _read(sentence: _Sentence, reading: _Reading, verbs: frozenset[str]) -> None:
    """Score one sentence's policy signal, and note the regions it names."""
    signals = _signals(sentence, verbs)
    reading.subnational |= signals.subnational
    if signals.cues and sentence.where in ("title", "summary"):
        for cue in signals.cues:
            if cue.even_with_actor:
                reading.damping = min(reading.damping, OTHER_STORY_ALWAYS_DAMPING)
            elif not signals.has_actor:
                reading.damping = min(reading.damping, OTHER_STORY_DAMPING)
    strongest = 0.0
    weight = sentence.weight
    for phrase, hit in signals.topic_hits:
        value = STRONG_PHRASE if phrase.strong else (WEAK_PHRASE if signals.has_actor else 0.0)
        if value:
            strongest = max(strongest, value)
            reading.topic_scores[phrase.topic] += value * phrase.scale * weight
            reading.topic_evidence[phrase.topic].append((value * weight, hit.surface, sentence))
    reading.policy_score += strongest * weight
    _note_regions(sentence, reading, signals, strongest)


def _note_regions(sentence: _Sentence, reading: _Reading, signals: _Signals, strongest: float) -> None:
    previous: Hit | None = None
    for hit in sentence.entities:
        codes = _owned(hit, previous, sentence) or _codes(hit, sentence, signals.municipal)
        previous = hit
        if not codes or _business_location(hit, sentence) or _person(hit, sentence):
            continue
        if strongest:
            is_actor = hit in signals.acting or any(type(m) is Body for m in hit.meanings)
            factor = 1.0 + (ACTOR_BONUS if is_actor else 0.0)
        else:
            factor = TITLE_SUBJECT if sentence.where == "title" else PASSING
        if all(type(m) is Demonym for m in hit.meanings) and not _actor_follows(hit, sentence):
            factor *= DEMONYM_ALONE
        reading.mentions.append(
            _Mention(codes, factor * sentence.weight, hit.surface, sentence, _city_if_capital(hit, codes))
        )


# A body's kind says what its actions are about: a tax authority acting is taxation.
_BODY_TOPICS = {
    "tax-authority": TopicPhrase("taxation", strong=False),
    "law-enforcement": TopicPhrase("enforcement", strong=False),
    "legislature": TopicPhrase("legislation", strong=False),
}


def _owned(hit: Hit, previous: Hit | None, sentence: _Sentence) -> tuple[str, ...]:
    """ "The Philippines' Securities and Exchange Commission" is the Philippines' body, whatever
    country the bare name would otherwise point to."""
    if previous is None or not any(isinstance(m, Body) for m in hit.meanings):
        return ()
    if not _POSSESSIVE_GAP.fullmatch(sentence.zone_text, previous.end, hit.start):
        return ()
    owners = [m.code for m in previous.meanings if isinstance(m, Place | Demonym)]
    return (owners[0],) if owners else ()


def _codes(hit: Hit, sentence: _Sentence, municipal: bool) -> tuple[str, ...]:
    if any(isinstance(meaning, Mask) for meaning in hit.meanings):
        return ()
    capitals = [meaning for meaning in hit.meanings if isinstance(meaning, Capital)]
    if capitals:  # the capital's rules decide between the government, the city and a state
        return (_capital_sense(capitals[0], hit, sentence, municipal),)
    codes = [m.code for m in hit.meanings if isinstance(m, Place | Body | Demonym)]
    return tuple(dict.fromkeys(codes))


def _city_if_capital(hit: Hit, codes: tuple[str, ...]) -> str | None:
    """The city a capital's mention could still turn out to mean, if it was read as the nation."""
    for meaning in hit.meanings:
        if isinstance(meaning, Capital) and meaning.city and codes == (meaning.stands_for,):
            return meaning.city
    return None


def _capital_sense(capital: Capital, hit: Hit, sentence: _Sentence, municipal: bool) -> str:
    """ "Beijing tightens its ban" is China; "Beijing's municipal government" is the city."""
    if municipal and capital.city:
        return capital.city
    zone, start, end = sentence.zone_text, hit.start, hit.end
    if capital.state and (
        _STATE_NEAR.search(zone[end : end + 12]) or _STATE_NEAR.search(zone[max(0, start - 12) : start])
    ):
        return capital.state
    return capital.stands_for


def _place_acts(hit: Hit, sentence: _Sentence, verbs: frozenset[str]) -> bool:
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


def _actor_follows(hit: Hit, sentence: _Sentence) -> bool:
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


def _person(hit: Hit, sentence: _Sentence) -> bool:
    return hit.surface in _GIVEN_NAMES and bool(_NEXT_NAME.match(sentence.zone_text, hit.end))


def _business_location(hit: Hit, sentence: _Sentence) -> bool:
    """ "A Dubai-based exchange" places a company, not a policy."""
    zone = sentence.zone_text
    if _BUSINESS_AFTER.match(zone, hit.end):
        return True
    return bool(_BUSINESS_BEFORE.search(zone[max(0, hit.start - 40) : hit.start]))


def _country_context(mentions: list[_Mention]) -> dict[str, float]:
    """How much the unambiguous mentions point at each country, to settle ambiguous ones."""
    context: defaultdict[str, float] = defaultdict(float)
    for mention in mentions:
        if len(mention.codes) == 1:
            context[mention.codes[0].split("-")[0]] += mention.score
    return context


def _resolve(codes: tuple[str, ...], context: dict[str, float], *, subnational: bool) -> str:
    """Georgia is the country unless the story is about the US or speaks of a state senate;
    a city named both as itself and as its province is the city."""
    if len(codes) > 1:
        codes = tuple(c for c in codes if not any(other.startswith(c + "-") for other in codes))
    if len(codes) == 1:
        return codes[0]
    if subnational and (subdivisions := [code for code in codes if "-" in code]):
        return subdivisions[0]
    return max(codes, key=lambda code: context.get(code.split("-")[0], 0.0))


def _topics(reading: _Reading) -> tuple[str, ...]:
    scores = reading.topic_scores
    best = max(scores.values())
    chosen = [t for t, s in scores.items() if s >= TOPIC_MIN and s >= TOPIC_SHARE * best]
    return tuple(sorted(chosen or [max(scores, key=lambda t: scores[t])], key=lambda t: -scores[t]))


def _best(scored: list[tuple[float, Evidence]]) -> list[tuple[float, Evidence]]:
    unique: dict[tuple[str, str], tuple[float, Evidence]] = {}
    for score, evidence in sorted(scored, key=lambda pair: -pair[0]):
        unique.setdefault((evidence.phrase.lower(), evidence.sentence), (score, evidence))
    return list(unique.values())[:EVIDENCE_PER_TAG]
