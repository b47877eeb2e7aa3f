"""The tagger's weights and thresholds: the one place they live.

Chosen on the tuning four-fifths of tests/labelled (never the held-out fifth), by reading the
misses `python tests/labelled/score.py` lists: a headline counts three times a body sentence,
the summary or first paragraph about twice, and one policy sentence in the body alone is not
enough to call a story policy."""

from __future__ import annotations

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
# Policy words in the body of a story whose headline, summary and opening said none count
# this much: they are background, or a related-story list.
SILENT_HEAD = 0.25
TOPIC_BODY = 0.5  # a body sentence's topic words, against the opening's: which topic, not whether
TOPIC_MIN = 2.0  # a topic's own score needed ...
TOPIC_SHARE = 0.6  # ... and at least this share of the strongest topic's
ACTOR_BONUS = 0.5  # a region named as the actor itself ("VARA fined ...") counts more
PASSING = 0.15  # a region in a sentence with no policy in it: a passing mention
TITLE_SUBJECT = 0.6  # but a region in the headline is the story's subject even so
REGION_MIN = 1.5  # a region's score needed ...
REGION_SHARE = 0.5  # ... and at least this share of the strongest region's
# Any other story happens where its headline, summary and first paragraph say; the rest of
# the body names places in passing.
OTHER_STORY_OPENING = 1.0
OTHER_STORY_BODY = 0.3
