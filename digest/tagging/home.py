"""Where a story in traditional Chinese is written from, so that its "the police", "the
central bank" or "this city" mean that place's.

Hong Kong, Taiwan and Macau outlets write in traditional characters and name their own bodies
bare: 證監會 in a Hong Kong paper is the SFC, 央行 in a Taiwan paper is Taiwan's central bank,
本港 is Hong Kong. A story's home is read from the script and from words only one of the three
uses; a story in simplified characters has no home here (its bare bodies are the mainland's,
as the gazetteer already reads them)."""

from __future__ import annotations

import re
from collections import Counter

from digest.tagging.gazetteer import Body, Place
from digest.tagging.matcher import Layer, Pattern, fold, pattern_for

HOME = "@home"  # the code a home word stands for until the story's home is known

# Words, as matched (simplified), that only one of the three writes about itself.
_CUES = {
    "HK": (
        "香港", "本港", "港府", "港元", "港币", "港股", "港交所", "立法会", "金管局", "廉署", "廉政公署",
        "特首", "行政长官", "财政司", "数码港", "证监会", "警务处", "差饷", "强积金",
    ),
    "TW": (
        "台湾", "新台币", "台币", "金管会", "立法院", "立委", "行政院", "数位", "台北", "高雄", "台中",
        "县政府", "桃园", "新竹", "台南",
    ),
    "MO": ("澳门", "澳门元", "澳门币", "司警", "司法警察局", "澳门金管局", "博彩"),
}  # fmt: skip
# Bare names of bodies and places that mean the home's own; a body's kind gives its topic.
_HOME_WORDS = {
    "警方": "law-enforcement", "海关": "law-enforcement", "央行": "central-bank", "财政部": "government",
    "证监会": "regulator", "税务局": "tax-authority", "政府": "government", "特区政府": "government",
    "国税局": "tax-authority", "法院": "court",
}  # fmt: skip
_HOME_PLACES = ("本港", "本地", "国内", "本澳")
# Hong Kong by a short name any Chinese paper uses: "in Hong Kong", its exchange, its Cyberport.
_HONG_KONG = ("在港", "来港", "访港", "驻港", "港交所", "香港交易所", "数码港")

# Enough traditional-only characters to say the story is written in traditional script.
TRADITIONAL_MIN = 3
_CJK = re.compile("[\u4e00-\u9fff]")


def patterns() -> list[Pattern]:
    """Home words for the matcher: bodies and places whose code is the story's home."""
    found = [
        pattern_for(word, Layer.ENTITY, Body(HOME, word, kind), name=True)
        for word, kind in _HOME_WORDS.items()
    ]
    return found + [pattern_for(word, Layer.ENTITY, Place(HOME), name=True) for word in _HOME_PLACES]


def home_of(text: str) -> str | None:
    """HK, TW or MO when `text` is traditional Chinese from there; otherwise None."""
    if not _traditional(text):
        return None
    folded = fold(text)
    counts = Counter({code: sum(folded.count(cue) for cue in cues) for code, cues in _CUES.items()})
    [(best, most), *rest] = counts.most_common()
    if not most or (rest and rest[0][1] == most):
        return None
    return best


def _traditional(text: str) -> bool:
    """Whether the text holds traditional-only characters (those t2s changes)."""
    if not _CJK.search(text):
        return False
    folded = fold(text)
    changed = sum(
        1
        for original, simple in zip(text, folded, strict=False)
        if original != simple and _CJK.match(original)
    )
    return changed >= TRADITIONAL_MIN
