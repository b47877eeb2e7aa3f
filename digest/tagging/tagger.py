"""Decide whether an item reports government policy, on which topics, for which regions."""

from __future__ import annotations

from digest.models import Evidence, Region, Tags, Vocabulary
from digest.tagging import evidence as quotes
from digest.tagging import gazetteer, regions, taxonomy
from digest.tagging.gazetteer import Gazetteer
from digest.tagging.matcher import Matcher
from digest.tagging.reading import Reading, read, topics
from digest.tagging.sentences import sentences
from digest.tagging.weights import POLICY_MIN, POLICY_MIN_SHORT


class Tagger:
    """Built once per process (the gazetteer and the automaton); `tag` is then pure and fast."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        vocabulary = vocabulary or Vocabulary()
        self.gazetteer: Gazetteer = gazetteer.build(vocabulary.regions)
        self.matcher = Matcher([*self.gazetteer.patterns, *taxonomy.build(vocabulary.topic_phrases)])
        self.verbs = taxonomy.acting_verbs()

    def tag(self, title: str, summary: str, body: str) -> Tags:
        reading = Reading()
        for sentence in sentences(self.matcher, title, summary, body):
            read(sentence, reading, self.verbs)
        score = reading.policy_score * reading.damping
        policy = score >= (POLICY_MIN if body.strip() else POLICY_MIN_SHORT)
        chosen = topics(reading) if policy else ()
        where = regions.choose(reading.mentions, subnational=reading.subnational, policy=policy)
        evidence = [
            e
            for topic in chosen
            for e in quotes.best(
                [
                    (score, Evidence(topic, surface, s.where, s.text))
                    for score, surface, s in reading.topic_evidence[topic]
                ]
            )
        ]
        return Tags(
            topics=chosen,
            regions=tuple(Region(code, self.gazetteer.name_of(code)) for code in where.codes),
            primary_region=where.primary,
            evidence=(*evidence, *where.evidence),
        )
