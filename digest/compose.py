"""Pick the window and shape the newsletter: stories grouped by region, trends, charts. No I/O.

A region's section tells its policy stories, then lists a few of its other stories ("also
from"); regions with other news only come after the policy sections. Trends, charts and the
glance's region count are about policy stories: the digest is a policy digest."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz, utils

from digest.models import (
    Digest,
    FeedResult,
    FeedStatus,
    Filters,
    Glance,
    Item,
    Section,
    Story,
    Trend,
    Window,
)
from digest.plaintext import one_line, shorten

TITLE = "Crypto policy digest"
OTHER_HEADLINES = 15  # non-policy stories that name no region
# A region's other (non-policy) stories listed by title under its policy ones; the rest are
# counted ("and 4 more"), so that policy news stays what a section is mostly about.
ALSO_FROM = 5
# Regions with other news only, listed with their stories; the rest are named with a count.
OTHER_REGIONS = 10
LINE_CHARS = 200
# Two outlets' items are one story when they came out within this many days of each other and
# their headlines (or leads) share this much, by token-set similarity out of 100: measured on
# rewritten headlines of the same event ("SEC sues X" / "X sued by SEC over ...") against
# different events on one subject.
SAME_STORY_DAYS = 3
# A feed is called out in the footer once it has failed this many runs over this many days in
# a row: one bad night is noise for a cron job, a dead feed for days is news to its reader.
FAILING_RUNS = 3
FAILING_DAYS = 2
SAME_STORY_TITLES = 80
SAME_STORY_LEADS = 90  # a lead this close counts only with headlines at least half alike
SAME_STORY_LEAD_TITLES = 50


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Words headlines capitalise that name nobody.
_HEADLINE_WORDS = frozenset(
    {"the", "a", "an", "of", "in", "on", "to", "for", "and", "as", "at", "by", "with"}
)


def window(now: datetime, *, days: int, since: datetime | None, until: datetime | None) -> Window:
    """`--since`/`--until` when given, else the last `days` days up to now."""
    end = until or now
    start = since or end - timedelta(days=days)
    return Window(start=start, end=end)


def previous(window: Window) -> Window:
    """The window of the same length just before, for trends."""
    return Window(window.start - (window.end - window.start), window.start)


def compose(
    items: Iterable[Item],
    feeds: Sequence[FeedResult],
    window: Window,
    filters: Filters,
    now: datetime,
    *,
    before: Iterable[Item] = (),
    names: Mapping[str, str] | None = None,
    sent: Iterable[Item] = (),
    fetching: bool = False,
) -> Digest:
    """The digest of `items`. `sent` are reports earlier issues told: a new report of one of
    their stories (another outlet's, a day later) is left out and listed in `repeats`.
    `fetching`: a fetch is running, so feeds not fetched yet may be on their way."""
    chosen = sorted((item for item in items if _wanted(item, filters)), key=_newest_first)
    sent_urls = {item.url for item in sent}
    stories, repeats = [], []
    for story in same_stories([*chosen, *sent]):
        if sent_urls.isdisjoint(story.urls):
            stories.append(story)
        else:
            repeats += [url for url in story.urls if url not in sent_urls]
    if repeats:
        chosen = [item for item in chosen if item.url not in set(repeats)]
    policy = [story for story in stories if story.item.tags.policy]
    others = [story for story in stories if not story.item.tags.policy]
    earlier = same_stories(sorted((item for item in before if _wanted(item, filters)), key=_newest_first))
    region_names = _region_names(chosen, names or {})
    sections, other_regions = _sections(policy, [story for story in others if _home(story)], region_names)
    return Digest(
        title=TITLE,
        window=window,
        generated_at=now,
        items=tuple(chosen),
        feeds=tuple(feeds),
        glance=Glance(
            stories=len(stories),
            policy=len(policy),
            regions=len({_country(story) for story in policy if _country(story)}),
            feeds=len(feeds),
            failed=sum(1 for feed in feeds if feed.status is FeedStatus.ERROR),
            not_fetched=sum(1 for feed in feeds if feed.status is FeedStatus.NOT_FETCHED),
            fetching=fetching,
        ),
        sections=sections,
        other=tuple(story for story in others if not _home(story))[:OTHER_HEADLINES],
        other_regions=other_regions,
        region_trends=_trends(
            Counter(_country(s) for s in policy if _country(s)),
            Counter(_country(s) for s in earlier if s.item.tags.policy and _country(s)),
            region_names,
        ),
        topic_trends=_trends(
            Counter(topic for s in policy for topic in s.item.tags.topics),
            Counter(topic for s in earlier if s.item.tags.policy for topic in s.item.tags.topics),
            {},
        ),
        daily=_daily(policy, window),
        attention=tuple(feed for feed in feeds if needs_attention(feed, now)),
        repeats=tuple(repeats),
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
    stories.sort(key=lambda story: _newest_first(story.item))
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


def _sections(
    policy: list[Story], others: list[Story], names: Mapping[str, str]
) -> tuple[tuple[Section, ...], tuple[Section, ...]]:
    """Countries by their number of policy stories; inside each, the country's own stories, then
    each province, state, city or zone's, then the first of its other stories. Second, the
    countries with other stories only, by their number of them."""
    by_country: defaultdict[str, defaultdict[str, list[Story]]] = defaultdict(lambda: defaultdict(list))
    for story in policy:
        code = _home(story)
        by_country[_country(story)][code].append(story)
    others_by_country = _others_by_country(others, names)
    sections = []
    for country, by_code in by_country.items():
        places = tuple(
            Section(code, names.get(code, code), _ranked(stories))
            for code, stories in sorted(by_code.items(), key=lambda pair: (-len(pair[1]), pair[0]))
            if code != country
        )
        own = _ranked(by_code.get(country, []))
        listed = _first(others_by_country.pop(country, [])) if country else ((), 0)
        name = names.get(country, country) if country else "No region named"
        sections.append(Section(country, name, own, places, *listed))
    sections.sort(key=lambda section: (section.code == "", -section.count, section.name))
    rest = [
        Section(country, names.get(country, country), (), (), *_first(stories))
        for country, stories in others_by_country.items()
    ]
    rest.sort(key=lambda section: (-section.other_count, section.name))
    # Past the first few, a region is only named with its count: nothing of it is told.
    rest[OTHER_REGIONS:] = [replace(s, others=(), more_others=s.other_count) for s in rest[OTHER_REGIONS:]]
    return tuple(sections), tuple(rest)


def _first(others: list[Story]) -> tuple[tuple[Story, ...], int]:
    """A region's first ALSO_FROM other stories, ranked, and how many more there are."""
    ranked = _ranked(others)
    return ranked[:ALSO_FROM], len(ranked) - min(len(ranked), ALSO_FROM)


def _others_by_country(others: list[Story], names: Mapping[str, str]) -> dict[str, list[Story]]:
    """Non-policy stories by country, each marked with the place inside it, unless that is
    the country itself or its headline names the place already ("Dubai's summit draws ...")."""
    by_country: defaultdict[str, list[Story]] = defaultdict(list)
    for story in others:
        code, country = _home(story), _country(story)
        place = names.get(code, code) if code != country else ""
        if place.casefold() in story.item.title.casefold():
            place = ""
        # Built, not `replace`d: a big window has thousands, and replace is slow.
        by_country[country].append(Story(story.item, story.line, story.also, story.urls, place))
    return by_country


def _ranked(stories: list[Story]) -> tuple[Story, ...]:
    """More outlets first (a story many carried matters more), then the newest."""
    return tuple(sorted(stories, key=lambda story: (-len(story.also), _newest_first(story.item))))


def _trends(now: Counter[str], before: Counter[str], names: Mapping[str, str]) -> tuple[Trend, ...]:
    trends = [Trend(key, names.get(key, key), now[key], before[key]) for key in now.keys() | before.keys()]
    trends.sort(key=lambda trend: (-trend.now, -(trend.now - trend.before), trend.key))
    return tuple(trends)


def _daily(policy: list[Story], window: Window) -> tuple[tuple[date, int], ...]:
    counts = Counter(story.item.published.astimezone().date() for story in policy)
    first, last = (
        window.start.astimezone().date(),
        (window.end - timedelta(microseconds=1)).astimezone().date(),
    )
    days = (last - first).days + 1
    if days > 366:  # a sparkline of years says nothing; keep the last year
        first = last - timedelta(days=365)
        days = 366
    return tuple((first + timedelta(days=n), counts[first + timedelta(days=n)]) for n in range(days))


def _region_names(items: Iterable[Item], names: Mapping[str, str]) -> dict[str, str]:
    known = dict(names)
    for item in items:
        for region in item.tags.regions:
            if known.get(region.code, region.code) == region.code:  # a name beats a bare code
                known[region.code] = region.name
    return known


def _home(story: Story) -> str:
    """The region a story is filed under: its primary region; without one (two weigh the same),
    the country all its regions are in, when they share one ("CN-BJ" and "CN-SH": "CN"); else ""."""
    tags = story.item.tags
    if tags.primary_region:
        return tags.primary_region
    countries = {region.code.split("-")[0] for region in tags.regions}
    return countries.pop() if len(countries) == 1 else ""


def _country(story: Story) -> str:
    return _home(story).split("-")[0]


def _newest_first(item: Item) -> tuple[float, str]:
    return (-item.published.timestamp(), item.id)


def needs_attention(feed: FeedResult, now: datetime) -> bool:
    """Gone and moved feeds at once; a failing one only when it has failed for days."""
    if feed.gone or feed.moved_to:
        return True
    return (
        feed.status is FeedStatus.ERROR
        and feed.failures >= FAILING_RUNS
        and feed.failing_since is not None
        and now - feed.failing_since >= timedelta(days=FAILING_DAYS)
    )


def _wanted(item: Item, filters: Filters) -> bool:
    tags = item.tags
    if filters.policy_only and not tags.policy:
        return False
    if filters.topics and not set(filters.topics) & set(tags.topics):
        return False
    if filters.regions:
        codes = [region.code for region in tags.regions]
        return any(_within(code, wanted) for code in codes for wanted in filters.regions)
    return True


def _within(code: str, region: str) -> bool:
    """`CN-GD-shenzhen` is within `CN-GD` and `CN`; codes compare case-insensitively."""
    code, region = code.casefold(), region.casefold()
    return code == region or code.startswith(region + "-")
