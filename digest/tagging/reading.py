"""Read each sentence for policy: public actors, topic phrases, cues that the story is about
a market, a company or a person; and note the places it names.

A weak phrase counts beside a public actor, an anchored one only beside its kind of actor. A
story whose headline, summary and opening say nothing of government is not about it: its
body's policy words count for little. Which topics a policy story has leans on its opening:
body sentences weigh half."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from digest.tagging.gazetteer import Body, Capital, Place
from digest.tagging.matcher import Hit, fold
from digest.tagging.mentions import Mention, place_acts, place_mentions
from digest.tagging.sentences import Sentence
from digest.tagging.taxonomy import (
    ACTOR,
    MUNICIPAL,
    POLICY_WORD,
    SUBNATIONAL,
    Anchor,
    OtherStory,
    TopicPhrase,
    chinese_acting,
)
from digest.tagging.weights import (
    OTHER_STORY_ALWAYS_DAMPING,
    OTHER_STORY_DAMPING,
    SILENT_HEAD,
    STRONG_PHRASE,
    TOPIC_BODY,
    TOPIC_MIN,
    TOPIC_SHARE,
    WEAK_PHRASE,
    WEIGHT,
)


@dataclass
class Reading:
    """Everything the sentences said, before the item-level decisions."""

    topic_scores: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    topic_evidence: defaultdict[str, list[tuple[float, str, Sentence]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # What the laws in the opening are about: topics named in a headline, summary or lead
    # sentence beside a legislation phrase ("passes virtual asset service providers bill").
    law_content: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    policy_score: float = 0.0
    head_speaks: bool = False  # the headline, summary or opening paragraph reads as policy
    subnational: bool = False  # the story speaks of a state senate, a county ...: a US-style state
    damping: float = 1.0  # less when the headline or summary reads like market, company or people news
    # The headline says a company, a market or a person acts before any public actor does
    # ("Exchange Vistula moves headquarters ... ahead of MiCA licence bid", "链信科技中标 ... 项目"):
    # the story is theirs, and even strong phrases count only where a public actor is named.
    company_headline: bool = False
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class _Signals:
    """What one sentence holds: a public actor? which topic phrases? cues about the story?"""

    has_actor: bool = False
    # The generic actor words, and where the first starts: a word is not its own actor ("监管" is
    # a regulator and the word regulation; "监管清晰的市场" in a company's quote has no regulator).
    actor_words: int = 0
    first_actor_word: int = -1
    named_actor: bool = False  # a body, an institution or a place acting: an actor of its own
    anchors: set[str] = field(default_factory=set)  # kinds of actor: "legislature", "central-bank"
    policy_word: bool = False
    municipal: bool = False  # the capital named here is the city itself
    subnational: bool = False
    cues: list[OtherStory] = field(default_factory=list)
    first_cue: int = -1  # where the first of them that is a company's own act starts
    first_actor: int = -1  # ... and where the first public actor does
    topic_hits: list[tuple[TopicPhrase, Hit]] = field(default_factory=list)
    acting: list[Hit] = field(default_factory=list)  # places acting as their governments


def _signals(sentence: Sentence, verbs: frozenset[str]) -> _Signals:
    signals = _Signals()
    for hit in sentence.phrases:
        for meaning in hit.meanings:
            _note_phrase(signals, meaning, hit)
    for hit in sentence.entities:
        _note_entity(signals, hit, sentence, verbs)
    return signals


def _note_phrase(signals: _Signals, meaning: object, hit: Hit) -> None:
    if meaning is ACTOR:
        signals.has_actor = True
        signals.actor_words += 1
        if signals.first_actor_word < 0:
            signals.first_actor_word = hit.start
        _actor_at(signals, hit)
    elif meaning is MUNICIPAL:
        signals.municipal = True
    elif meaning is SUBNATIONAL:
        signals.subnational = True
    elif meaning is POLICY_WORD:
        signals.policy_word = True
    elif type(meaning) is TopicPhrase:
        signals.topic_hits.append((meaning, hit))
    elif type(meaning) is Anchor:
        signals.anchors.add(meaning.kind)
    elif type(meaning) is OtherStory:
        signals.cues.append(meaning)
        if meaning.company and (signals.first_cue < 0 or hit.start < signals.first_cue):
            signals.first_cue = hit.start


def _actor_at(signals: _Signals, hit: Hit) -> None:
    if signals.first_actor < 0 or hit.start < signals.first_actor:
        signals.first_actor = hit.start


def _note_entity(signals: _Signals, hit: Hit, sentence: Sentence, verbs: frozenset[str]) -> None:
    for meaning in hit.meanings:
        if type(meaning) is Body:
            signals.has_actor = signals.named_actor = True
            _actor_at(signals, hit)
            signals.anchors.add(meaning.kind)
            if (implied := _BODY_TOPICS.get(meaning.kind)) is not None:
                signals.topic_hits.append((implied, hit))
    if (institution := _INSTITUTION.search(hit.surface)) is not None:
        signals.has_actor = signals.named_actor = True
        _actor_at(signals, hit)
        if institution["legislature"]:
            signals.anchors.add("legislature")
    if place_acts(hit, sentence, verbs) or _acts_in_chinese(hit, sentence):
        signals.acting.append(hit)
        signals.has_actor = signals.named_actor = True
        _actor_at(signals, hit)


def _acts_in_chinese(hit: Hit, sentence: Sentence) -> bool:
    """ "榆林市开展排查": a Chinese place's name followed by a governing verb is its government."""
    if not ("\u4e00" <= hit.surface[:1] <= "\u9fff"):
        return False
    if not any(isinstance(meaning, Place | Capital) for meaning in hit.meanings):
        return False
    if fold(sentence.zone_text[max(0, hit.start - 1) : hit.start]) in _WHERE_BEFORE:
        return False  # "在杭州推出": launched in Hangzhou, by someone else
    return chinese_acting().match(fold(sentence.zone_text[hit.end : hit.end + 10])) is not None


def read(sentence: Sentence, reading: Reading, verbs: frozenset[str]) -> None:
    """Score one sentence's policy signal, and note the regions it names."""
    signals = _signals(sentence, verbs)
    reading.subnational |= signals.subnational
    _weigh_cues(signals, sentence, reading)
    strongest = WEAK_PHRASE if signals.policy_word and signals.has_actor else 0.0
    if signals.topic_hits:
        strongest = max(strongest, _score_topics(signals, sentence, reading))
    if sentence.weight > WEIGHT["body"]:  # the headline, the summary or the opening paragraph
        reading.head_speaks |= strongest > 0
    elif not reading.head_speaks:
        # A story whose opening says nothing of government is not about it: policy words
        # further down are background, or the page's related-story lists.
        strongest *= SILENT_HEAD
    reading.policy_score += strongest * sentence.weight
    reading.mentions += place_mentions(sentence, signals.acting, signals.municipal, strongest)


def _weigh_cues(signals: _Signals, sentence: Sentence, reading: Reading) -> None:
    """A headline or summary that reads like market, company or people news damps the story."""
    if not signals.cues or sentence.where not in ("title", "summary"):
        return
    if sentence.where == "title" and signals.first_cue >= 0:
        reading.company_headline = signals.first_actor < 0 or signals.first_cue < signals.first_actor
        if reading.company_headline:
            reading.damping = min(reading.damping, OTHER_STORY_DAMPING)
    for cue in signals.cues:
        if cue.even_with_actor:
            reading.damping = min(reading.damping, OTHER_STORY_ALWAYS_DAMPING)
        elif not signals.has_actor:
            reading.damping = min(reading.damping, OTHER_STORY_DAMPING)


def _score_topics(signals: _Signals, sentence: Sentence, reading: Reading) -> float:
    """Add the sentence's topic phrases to their topics; the strongest phrase's value."""
    strongest = 0.0
    weight = sentence.weight
    counted: list[tuple[str, float]] = []
    for phrase, hit in signals.topic_hits:
        if phrase.strong and not reading.company_headline:
            value = STRONG_PHRASE
        else:
            value = WEAK_PHRASE if _anchored(phrase, hit, signals) else 0.0
        if value:
            strongest = max(strongest, value)
            # background words weigh less for their topic, a strong phrase is never background;
            # and the opening says what the story is about better than the body does
            topical = value if phrase.strong else value * phrase.scale
            if weight <= WEIGHT["body"]:
                topical *= TOPIC_BODY
            reading.topic_scores[phrase.topic] += topical * weight
            reading.topic_evidence[phrase.topic].append((value * weight, hit.surface, sentence))
            counted.append((phrase.topic, topical * weight))
    if weight > WEIGHT["body"] and any(topic == "legislation" for topic, _ in counted):
        for topic, score in counted:
            reading.law_content[topic] += score
    return strongest


_WHERE_BEFORE = frozenset("在于到赴从自")

# A place named with its own institution ("Georgia Senate", "Texas governor") is one name to
# the gazetteer; the institution in it is still an actor, and a legislature an anchor.
_INSTITUTION = re.compile(
    r"\b(?:(?P<legislature>Senate|House|House of Representatives|Legislature|Assembly)"
    r"|[Gg]overnor|Government|Treasurer)$"
)


def _anchored(phrase: TopicPhrase, hit: Hit, signals: _Signals) -> bool:
    """A weak phrase counts beside a public actor other than itself, or beside the one kind of
    actor it needs."""
    if phrase.needs:
        return phrase.needs in signals.anchors
    if signals.named_actor or signals.actor_words > 1:
        return True
    if signals.first_actor_word != hit.start:
        return signals.actor_words == 1
    # "lawmakers back ...": an institution's own word is its actor
    return any(type(meaning) is Anchor for meaning in hit.meanings)


# A body's kind says what its actions are about: a tax authority acting is taxation.
_BODY_TOPICS = {
    "tax-authority": TopicPhrase("taxation", strong=False),
    "law-enforcement": TopicPhrase("enforcement", strong=False),
    "legislature": TopicPhrase("legislation", strong=False),
}


def topics(reading: Reading) -> tuple[str, ...]:
    """The topics that carry enough of the story; none when only topic-less policy words spoke."""
    scores = reading.topic_scores
    if not scores:
        return ()
    best = max(scores.values())
    chosen = [t for t, s in scores.items() if s >= TOPIC_MIN and s >= TOPIC_SHARE * best]
    if "legislation" in chosen:
        # A law's content is a topic of its own, however much the law-making outweighs it: a
        # licensing act is regulation too, a tax law taxation, a reserve bill public-sector
        # adoption (taxonomy.py's rules).
        chosen += [t for t, s in reading.law_content.items() if s >= TOPIC_MIN and t not in chosen]
    return tuple(sorted(chosen or [max(scores, key=lambda t: scores[t])], key=lambda t: -scores[t]))
