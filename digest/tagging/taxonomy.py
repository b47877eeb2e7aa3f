"""The policy topics' phrases, actor words and "this is the city itself" cues, from data.

Which topics a policy story has. Three topics say how a government acts: `legislation` (a
legislature makes, amends or debates a law, or a government drafts one for it), `regulation`
(rules for a market are set or administered: licensing regimes, licences granted, guidance,
consultations, bans, local ordinances and moratoria) and `enforcement` (an authority acts
against named parties: charges, fines, seizures, raids, blocking, blacklists, a licence
revoked). Four say what it acts on: `cbdc`, `taxation`, `industrial-policy` (growing the
industry: zones, funds, subsidies, pilot zones, hub strategies) and `public-sector-adoption`
(the state itself using crypto or blockchain: records, payments taken or made, reserves).
A story has each topic its opening reports, and no other. Between two topics:

- legislation + regulation: a law whose content is a market's rules (a licensing regime, a
  VASP, stablecoin or market-structure act, a law handing a regulator powers) is both, passed,
  debated or drafted; a law on something else (legal status, a DAO law) is legislation alone.
  Licences granted under an existing act are regulation alone.
- legislation + taxation (or cbdc, public-sector-adoption): a tax, a CBDC or a state reserve
  changed through a legislature, a budget law or a draft law is both; a tax authority's own
  ruling, guidance or reporting rule is taxation alone.
- regulation + enforcement: acting on named parties (a warning list of unregistered platforms,
  blocking their sites, suspending one firm's licence or one token sale) is enforcement alone;
  regulation too only when the story also sets or restates the rules for everyone.
- regulation + taxation: tax reporting by platforms is taxation; regulation too only when a
  market regulator's rules are changed in the same story.
- regulation + industrial-policy: licensing is regulation, however a licence is welcomed; a
  pilot zone, a sandbox for tourists or a free zone is industrial-policy, and regulation too
  when the story sets who may operate there and on what terms.
- public-sector-adoption + taxation: a government accepting crypto for taxes and fees is
  adoption alone, the tax itself unchanged; a tax bureau's blockchain invoices are both.
- public-sector-adoption + enforcement: a court ordering seized coins sold, the proceeds to
  the treasury, is enforcement alone; a state keeping seized coins in a reserve is adoption.
- cbdc + public-sector-adoption: a CBDC's pilot or its promotion is cbdc alone; a public body
  paying or taking payment in it (fees, social insurance, benefits, salaries) is both.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digest.tagging.matcher import Layer, Pattern, pattern_for

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class TopicPhrase:
    topic: str
    strong: bool  # counts without a public actor in the sentence
    scale: float = 1.0  # a topic whose weak words turn up as background in most policy stories weighs less
    # An anchor this weak phrase needs beside it instead of any public actor: a "pilot" is a
    # CBDC's only next to a central bank, a "bill" is legislation only next to a legislature.
    needs: str = ""


@dataclass(frozen=True, slots=True)
class Anchor:
    """A word for one kind of public actor ("parliament" a legislature, "央行" a central bank),
    named like the body kinds of bodies.toml so that a body anchors the same phrases."""

    kind: str


@dataclass(frozen=True, slots=True)
class PolicyWord:
    """A word that says a government is acting ("pilot", "试点") but not on which topic: it
    counts towards policy next to a public actor, and towards no topic."""


@dataclass(frozen=True, slots=True)
class Actor:
    """A generic word for a public actor: "regulator", "ministry", "lawmakers", "政府"."""


@dataclass(frozen=True, slots=True)
class Municipal:
    """A cue that a capital's name means the city's own government: "municipal", "mayor"."""


@dataclass(frozen=True, slots=True)
class OtherStory:
    """A cue that the story is about a market, a company or a person, not a government."""

    even_with_actor: bool  # "Opinion:" stays opinion even when it is about regulators
    company: bool = False  # a company's own act: a headline that opens on one is the company's


@dataclass(frozen=True, slots=True)
class Subnational:
    """A cue that the story's states are US-style states: "state senate", "county"."""


@dataclass(frozen=True, slots=True)
class Neutral:
    """Chinese words that hold a shorter phrase but mean something else: 金融资产 holds 融资
    (a funding round), 资产业务 holds 产业 (industry). Being longer, they hide it."""


ACTOR = Actor()
MUNICIPAL = Municipal()
SUBNATIONAL = Subnational()
POLICY_WORD = PolicyWord()
NEUTRAL = Neutral()


def _data() -> dict[str, Any]:
    with (DATA / "topics.toml").open("rb") as handle:
        return tomllib.load(handle)


def acting_verbs() -> frozenset[str]:
    """Verbs that make the place before them its government acting."""
    return frozenset(_data()["acting"]["verbs"])


@functools.cache
def chinese_acting() -> re.Pattern[str]:
    """What follows a Chinese place's name when it is the government acting: "七里河区开展",
    "榆林市启动", "张掖甘州区推行" (a district the gazetteer does not know between them)."""
    verbs = "|".join(sorted(_data()["acting"]["zh_verbs"], key=len, reverse=True))
    return re.compile(f"(?:[\u4e00-\u9fff]{{0,4}}?(?:新区|自治州|市|区|县|州|省|旗|镇))?(?:{verbs})")


def build(extra: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> list[Pattern]:
    data = _data()
    patterns = [
        pattern_for(text, Layer.PHRASE, ACTOR, name=text[:1].isupper()) for text in data["actors"]["phrases"]
    ]
    patterns += [_phrase(text, MUNICIPAL) for text in data["municipal"]["phrases"]]
    patterns += [_phrase(text, SUBNATIONAL) for text in data["subnational"]["phrases"]]
    patterns += [_phrase(text, OtherStory(True)) for text in data["other_stories"]["always"]]
    patterns += [_phrase(text, OtherStory(False)) for text in data["other_stories"]["unless_actor"]]
    patterns += [_phrase(text, OtherStory(False, company=True)) for text in data["other_stories"]["company"]]
    patterns += [_phrase(text, POLICY_WORD) for text in data["policy_words"]["phrases"]]
    patterns += [_phrase(text, NEUTRAL) for text in data["neutral"]["phrases"]]
    for kind, phrases in data["anchors"].items():
        patterns += [_phrase(text, Anchor(kind)) for text in phrases]
    for topic, table in data["topics"].items():
        scale = float(table.get("scale", 1.0))
        patterns += [_phrase(text, TopicPhrase(topic, True, scale)) for text in table["strong"]]
        patterns += [_phrase(text, TopicPhrase(topic, False, scale)) for text in table["weak"]]
        for kind, phrases in table.get("anchored", {}).items():
            patterns += [_phrase(text, TopicPhrase(topic, False, scale, needs=kind)) for text in phrases]
    for topic, phrases in extra:
        # A user names a phrase because it matters: it counts on its own.
        patterns += [_phrase(text, TopicPhrase(topic, strong=True)) for text in phrases]
    return patterns


def _phrase(text: str, meaning: object) -> Pattern:
    return pattern_for(text, Layer.PHRASE, meaning, name=False)
