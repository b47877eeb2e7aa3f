"""Same-story detection: items from several outlets that report one event, told once.

Two reports are one story when they came out within `SAME_STORY_DAYS` of each other, name the
same parties, file under the same primary region, and their headlines (or leads) read alike."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz, utils

from digest.models import Item, Story
from digest.plaintext import one_line, shorten

LINE_CHARS = 200
# Two outlets' items are one story when they came out within this many days of each other and
# their headlines (or leads) share this much, by token-set similarity out of 100: measured on
# rewritten headlines of the same event ("SEC sues X" / "X sued by SEC over ...") against
# different events on one subject.
SAME_STORY_DAYS = 3
SAME_STORY_TITLES = 80
SAME_STORY_LEADS = 90  # a lead this close counts only with headlines at least half alike
SAME_STORY_LEAD_TITLES = 50

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Words headlines capitalise that name nobody.
_HEADLINE_WORDS = frozenset(
    {"the", "a", "an", "of", "in", "on", "to", "for", "and", "as", "at", "by", "with"}
)


@dataclass(slots=True)
class _Report:
    """Items found to report one event, earliest first, with what the next item is compared to."""

    number: int  # reports are numbered in time order
    items: list[Item]
    title: str
    lead: str
    names: frozenset[str]
    outlets: set[str]


@dataclass(slots=True)
class _Recent:
    """One region's reports, each filed under the names in its headline, in time order.

    Two reports of one event name the same parties (one headline's names are a subset of the
    other's), so an item is compared only with reports filed under one of its names: a few
    among the thousands of a big window."""

    by_name: defaultdict[str, list[_Report]] = field(default_factory=lambda: defaultdict(list))
    nameless: list[_Report] = field(default_factory=list)
    every: list[_Report] = field(default_factory=list)

    def add(self, report: _Report) -> None:
        self.every.append(report)
        for name in report.names or ():
            self.by_name[name].append(report)
        if not report.names:
            self.nameless.append(report)

    def candidates(self, names: frozenset[str], since: datetime) -> list[_Report]:
        """Reports begun since `since` that could tell the same event, latest first."""
        shelves = [self.by_name.get(name, []) for name in names] + [self.nameless] if names else [self.every]
        found: dict[int, _Report] = {}
        for shelf in shelves:
            for report in reversed(shelf):
                if report.items[0].published < since:
                    break  # shelves are in time order: none further back can match
                found[report.number] = report
        return [found[number] for number in sorted(found, reverse=True)]


def same_stories(items: Sequence[Item]) -> list[Story]:
    """Items about the same event from several outlets, told once with "also: ...".

    `items` come newest first; each story is told by its earliest report."""
    reports: list[_Report] = []
    # Alike headlines about different places are different events (a reserve bill in Texas is
    # not New Hampshire's), so only reports with one primary region are ever compared.
    by_region: defaultdict[str | None, _Recent] = defaultdict(_Recent)
    for item in sorted(items, key=lambda item: item.published):
        title, lead = utils.default_process(item.title), utils.default_process(item.summary[:300])
        names = frozenset(_names(item.title))
        recent = by_region[item.tags.primary_region]
        since = item.published - timedelta(days=SAME_STORY_DAYS)
        match = _earlier_report(item, title, lead, names, recent.candidates(names, since))
        if match is None:
            report = _Report(len(reports), [item], title, lead, names, _outlets(item))
            reports.append(report)
            recent.add(report)
        else:
            match.items.append(item)
            match.outlets |= _outlets(item)
    stories = [_story(report.items) for report in reports]
    stories.sort(key=lambda story: newest_first(story.item))
    return stories


def _earlier_report(
    item: Item, title: str, lead: str, names: frozenset[str], candidates: list[_Report]
) -> _Report | None:
    """The latest of the candidate reports that tells the same event, if one does."""
    for report in candidates:
        # One outlet does not run one story twice: its items with one boilerplate summary are
        # different stories. Names come next: cheaper than comparing words.
        if _outlets(item) & report.outlets or not _same_names(names, report.names):
            continue
        if _same(title, lead, report.title, report.lead):
            return report
    return None


def _same_names(names: frozenset[str], other_names: frozenset[str]) -> bool:
    """Alike headlines about different parties are different events: "SEC sues Coinbase" is
    not "SEC sues Binance"."""
    return not (names - other_names and other_names - names)


def _names(title: str) -> set[str]:
    """The capitalised words of a headline: its people, firms and places (and perhaps its first
    word, which a different event's headline would not share by chance)."""
    words = _WORD.findall(title)
    return {word.casefold() for word in words if word[:1].isupper()} - _HEADLINE_WORDS


def _same(title: str, lead: str, other_title: str, other_lead: str) -> bool:
    """Alike headlines, or leads nearly the same under headlines at least half alike."""
    titles = fuzz.token_set_ratio(title, other_title, score_cutoff=SAME_STORY_LEAD_TITLES) if title else 0.0
    if titles >= SAME_STORY_TITLES:
        return True
    if titles < SAME_STORY_LEAD_TITLES or len(lead) <= 60 or len(other_lead) <= 60:
        return False
    return fuzz.token_set_ratio(lead, other_lead, score_cutoff=SAME_STORY_LEADS) >= SAME_STORY_LEADS


def _outlets(item: Item) -> set[str]:
    return set(item.feeds or (item.feed,))


def _story(group: list[Item]) -> Story:
    first = group[0]
    outlets = [name for item in group for name in (item.feeds or (item.feed,))]
    also = tuple(dict.fromkeys(name for name in outlets if name and name != first.feed))
    return Story(item=first, line=line_of(first), also=also, urls=tuple(item.url for item in group))


def line_of(item: Item) -> str:
    """One line of context: the feed's summary, else the article's lead, cut at a sentence."""
    text = one_line(item.summary) or one_line(item.text.split("\n\n", 1)[0])
    return shorten(text, LINE_CHARS)


def newest_first(item: Item) -> tuple[float, str]:
    """The order stories are told in: the newest first, ties by id so the order is stable."""
    return (-item.published.timestamp(), item.id)
