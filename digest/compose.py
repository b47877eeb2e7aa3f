"""Pick the window and shape the newsletter: stories grouped by region, trends, charts. No I/O.

A region's section tells its policy stories, then lists a few of its other stories ("also
from"); regions with other news only come after the policy sections. Trends, charts and the
glance's region count are about policy stories: the digest is a policy digest."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

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
from digest.same_story import SAME_STORY_DAYS, line_of, newest_first, same_stories
from digest.top_stories import top_stories

# Same-story detection is compose's to callers: its window and its two functions are named here too.
__all__ = [
    "ALSO_FROM", "OTHER_HEADLINES", "OTHER_REGIONS", "SAME_STORY_DAYS", "TITLE",
    "compose", "line_of", "needs_attention", "previous", "same_stories", "wanted", "window",
]  # fmt: skip

TITLE = "Crypto policy digest"
OTHER_HEADLINES = 15  # non-policy stories that name no region
# A region's other (non-policy) stories listed by title under its policy ones; the rest are
# counted ("and 4 more"), so that policy news stays what a section is mostly about.
ALSO_FROM = 5
# Regions with other news only, listed with their stories; the rest are named with a count.
OTHER_REGIONS = 10
# A feed is called out in the footer once it has failed this many runs over this many days in
# a row: one bad night is noise for a cron job, a dead feed for days is news to its reader.
FAILING_RUNS = 3
FAILING_DAYS = 2


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
    chosen = _chosen(items, filters)
    stories, repeats = _untold(chosen, sent)
    chosen = _without(chosen, repeats)
    policy = [story for story in stories if story.item.tags.policy]
    others = [story for story in stories if not story.item.tags.policy]
    earlier = [story for story in same_stories(_chosen(before, filters)) if story.item.tags.policy]
    region_names = _region_names(chosen, names or {})
    sections, other_regions = _sections(policy, [story for story in others if _home(story)], region_names)
    return Digest(
        title=TITLE,
        window=window,
        generated_at=now,
        items=tuple(chosen),
        feeds=tuple(feeds),
        glance=_glance(stories, policy, feeds, fetching=fetching),
        top=top_stories(sections),
        sections=sections,
        other=tuple(story for story in others if not _home(story))[:OTHER_HEADLINES],
        other_regions=other_regions,
        region_trends=_trends(_countries(policy), _countries(earlier), region_names),
        topic_trends=_trends(_topics(policy), _topics(earlier), {}),
        daily=_daily(policy, window),
        attention=tuple(feed for feed in feeds if needs_attention(feed, now)),
        repeats=tuple(repeats),
    )


def _chosen(items: Iterable[Item], filters: Filters) -> list[Item]:
    """The items the filters let through, newest first."""
    return sorted((item for item in items if wanted(item, filters)), key=newest_first)


def _untold(chosen: list[Item], sent: Iterable[Item]) -> tuple[list[Story], list[str]]:
    """The stories of `chosen` that no earlier issue told, and the URLs of the chosen items
    that are new reports of a story one did (`repeats`)."""
    sent_urls = {item.url for item in sent}
    stories: list[Story] = []
    repeats: list[str] = []
    for story in same_stories([*chosen, *sent]):
        if sent_urls.isdisjoint(story.urls):
            stories.append(story)
        else:
            repeats += [url for url in story.urls if url not in sent_urls]
    return stories, repeats


def _without(items: list[Item], urls: list[str]) -> list[Item]:
    if not urls:
        return items
    left_out = set(urls)
    return [item for item in items if item.url not in left_out]


def _glance(
    stories: list[Story], policy: list[Story], feeds: Sequence[FeedResult], *, fetching: bool
) -> Glance:
    return Glance(
        stories=len(stories),
        policy=len(policy),
        regions=len({_country(story) for story in policy if _country(story)}),
        feeds=len(feeds),
        failed=sum(1 for feed in feeds if feed.status is FeedStatus.ERROR),
        not_fetched=sum(1 for feed in feeds if feed.status is FeedStatus.NOT_FETCHED),
        fetching=fetching,
    )


def _countries(stories: list[Story]) -> Counter[str]:
    """Stories a country (those that name none are not counted)."""
    return Counter(_country(story) for story in stories if _country(story))


def _topics(stories: list[Story]) -> Counter[str]:
    return Counter(topic for story in stories for topic in story.item.tags.topics)


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
    return tuple(sorted(stories, key=lambda story: (-len(story.also), newest_first(story.item))))


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


def wanted(item: Item, filters: Filters) -> bool:
    """Whether the filters (--policy-only, --region, --topic) let `item` through."""
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
