"""The newsletter's lead: the window's most significant policy stories, by a rule a reader can
check.

1. More outlets first: a story that several feeds carried is one the field thought mattered.
2. Then the reach of its region: a union's or a country's policy (`EU`, `CN`) before a
   province's or state's (`CN-HI`, `US-WY`), before a city's or zone's (`CN-GD-shenzhen`); a
   story that names no jurisdiction comes last.
3. Then the newer first, then the title, so that the order never depends on the store's.

At least three and at most five stories: five when that many were carried by more than one
outlet, else as many of those as there are but never fewer than three. A window with fewer than
three policy stories has no lead: its region sections already say everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from digest.models import Section, Story

FEWEST = 3
MOST = 5


def top_stories(sections: Iterable[Section]) -> tuple[Story, ...]:
    """The lead of a digest whose policy stories are in `sections` (places included)."""
    stories = _unique(_policy_stories(sections))
    if len(stories) < FEWEST:
        return ()
    ranked = sorted(stories, key=_significance)
    carried_widely = sum(1 for story in stories if story.also)
    return tuple(ranked[: min(MOST, max(FEWEST, carried_widely))])


def reach(code: str) -> int:
    """How far a region's policy reaches: 3 a union or country, 2 a first-level subdivision,
    1 a city or zone below it, 0 no region."""
    if not code:
        return 0
    return max(1, 3 - code.count("-"))


def _significance(story: Story) -> tuple[int, int, float, str]:
    published: datetime = story.item.published
    return (-(1 + len(story.also)), -_reach_of(story), -published.timestamp(), story.item.title)


def _reach_of(story: Story) -> int:
    """Its primary region's reach; with no primary (two regions weigh the same), the widest."""
    tags = story.item.tags
    if tags.primary_region:
        return reach(tags.primary_region)
    return max((reach(region.code) for region in tags.regions), default=0)


def _policy_stories(sections: Iterable[Section]) -> Iterable[Story]:
    for section in sections:
        yield from section.stories
        yield from _policy_stories(section.places)


def _unique(stories: Iterable[Story]) -> list[Story]:
    """Each story once: one with two regions is listed in both sections."""
    seen: dict[str, Story] = {}
    for story in stories:
        seen.setdefault(story.item.id, story)
    return list(seen.values())
