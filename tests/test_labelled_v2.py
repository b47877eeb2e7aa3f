"""Every story of the v2 labelled set (tests/labelled/v2/) keeps to the set's rules.

The rules are the contract's ("Which regions an item has") and the set's README: a label
that breaks them would teach the tagger, or score it against, something the contract denies."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pycountry
import pytest

from digest.models import TOPICS

V2 = Path(__file__).parent / "labelled" / "v2"
KEYS = {
    "id", "lang", "script", "form", "register", "title", "summary", "body", "policy", "topics",
    "regions", "primary_region", "kind",
}  # fmt: skip
SLUG = re.compile(r"[a-z0-9]+")
WORDS = {"en": (300, 900), "zh": (450, 1800)}  # Chinese by characters: 300-900 words' worth


def stories() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(V2.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                found.append((f"{path.name}:{number}", json.loads(line)))
    return found


def region_problem(code: str) -> str | None:
    """Why `code` is not a contract region code, or None when it is one."""
    country, _, rest = code.partition("-")
    if country != "EU" and pycountry.countries.get(alpha_2=country) is None:
        return f"{country} is no ISO 3166-1 country"
    if not rest:
        return None
    subdivision, _, slug = rest.partition("-")
    known = pycountry.subdivisions.get(code=f"{country}-{subdivision}")
    if known is None:
        return f"{country}-{subdivision} is no ISO 3166-2 subdivision"
    if slug and not SLUG.fullmatch(slug):
        return f"the slug {slug!r} is not lowercase ASCII letters and digits"
    return None


def length(story: dict[str, Any]) -> int:
    body = story["body"]
    return len(body.split()) if story["lang"] == "en" else len(re.sub(r"\s", "", body))


def problems(story: dict[str, Any]) -> list[str]:
    found = []
    if set(story) != KEYS:
        return [f"keys {sorted(set(story) ^ KEYS)} missing or extra"]
    if story["lang"] not in WORDS:
        found.append(f"lang {story['lang']!r}")
    if (story["script"] in {"hans", "hant"}) != (story["lang"] == "zh") or (
        story["lang"] != "zh" and story["script"] is not None
    ):
        found.append(f"script {story['script']!r} for lang {story['lang']!r}")
    if not (story["title"].strip() and story["summary"].strip()):
        found.append("an empty title or summary")
    if unknown := set(story["topics"]) - set(TOPICS):
        found.append(f"topics {sorted(unknown)} are not the contract's")
    if story["policy"] != bool(story["topics"]):
        found.append("a policy story has at least one topic, any other none")
    found += [f"region {problem}" for code in story["regions"] if (problem := region_problem(code))]
    if len(set(story["regions"])) != len(story["regions"]):
        found.append("a region twice")
    if story["primary_region"] is not None and story["primary_region"] not in story["regions"]:
        found.append("the primary region is not one of its regions")
    if story["form"] == "article":
        low, high = WORDS.get(story["lang"], (0, 0))
        if not low <= length(story) <= high:
            found.append(f"an article of {length(story)} (wanted {low}-{high})")
    elif story["form"] != "summary" or story["body"]:
        found.append("form is summary (with an empty body) or article")
    return found


@pytest.mark.parametrize(
    ("where", "story"),
    stories() or [pytest.param("-", {}, marks=pytest.mark.skip(reason="no v2 stories yet"))],
)
def test_each_story_keeps_to_the_rules(where: str, story: dict[str, Any]) -> None:
    assert problems(story) == [], where


def test_ids_are_unique_across_every_set() -> None:
    v1 = [
        json.loads(line)["id"]
        for path in (Path(__file__).parent / "labelled").glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    ids = v1 + [story["id"] for _, story in stories()]
    assert len(ids) == len(set(ids))


def test_the_rules_catch_what_they_should() -> None:
    """The checks above can fail: each broken label is caught."""
    good = {
        "id": "x-1", "lang": "en", "script": None, "form": "summary", "register": "wire",
        "title": "Wyoming passes a DAO bill", "summary": "The legislature voted.", "body": "",
        "policy": True, "topics": ["legislation"], "regions": ["US-WY"], "primary_region": "US-WY",
        "kind": "state-law",
    }  # fmt: skip
    assert problems(good) == []
    broken = [
        {"regions": ["XX"], "primary_region": None},
        {"regions": ["US-ZZ"], "primary_region": None},
        {"regions": ["CN-GD-Shenzhen"], "primary_region": None},
        {"topics": []},
        {"topics": ["mining"]},
        {"primary_region": "CN"},
        {"script": "hans"},
        {"form": "article"},
        {"lang": "fr"},
    ]
    for change in broken:
        assert problems(good | change), change
