"""Small wording shared by the renderers, so every format says the same thing the same way."""

from __future__ import annotations

from datetime import datetime, timedelta

from digest.models import Digest, FeedResult, Found, Item, Results, Section, Story, Trend
from digest.plaintext import one_line, plural, shorten

TITLE_CHARS = 200
PLACE_CHARS = 60
ARROWS = {"up": "▲", "down": "▼", "same": "="}


def period(digest: Digest) -> str:
    # The window is half-open: a window ending at midnight ends on the day before.
    start, end = digest.window.start, digest.window.end - timedelta(microseconds=1)
    return f"{day(start)} – {day(end)}"


def day(moment: datetime) -> str:
    """A date as the reader's clock has it (the system's time zone, or TZ)."""
    return f"{moment.astimezone():%d %b %Y}"


def date_of(moment: datetime) -> str:
    """ "2026-11-26" on the reader's clock, for the aligned tables of feeds, issues and the store."""
    return f"{moment.astimezone():%Y-%m-%d}"


def minute(moment: datetime) -> str:
    """ "2026-11-26 20:30" on the reader's clock, for the same tables."""
    return f"{date_of(moment)} {moment.astimezone():%H:%M}"


def at_a_glance(digest: Digest) -> str:
    glance = digest.glance
    line = f"{_count(glance.stories, 'story', 'stories')}, {glance.policy} about policy"
    line += f", in {_count(glance.regions, 'region', 'regions')}"
    line += f" · {_count(glance.feeds, 'feed', 'feeds')}"
    line += f", {glance.failed} failed" if glance.failed else ""
    line += f", {glance.not_fetched} not fetched yet" if glance.not_fetched else ""
    return line + (" (a fetch is running)" if glance.fetching else "")


def title(story: Story) -> str:
    return title_of(story.item)


def title_of(item: Item) -> str:
    return shorten(one_line(item.title), TITLE_CHARS)


def byline(story: Story) -> str:
    """Outlet and date, and the other outlets that carried the same story."""
    item = story.item
    parts = [one_line(item.feed or item.site_name or ""), day(item.published)]
    line = " · ".join(part for part in parts if part)
    return line + (f" · also: {', '.join(one_line(name) for name in story.also)}" if story.also else "")


def region_label(section: Section) -> str:
    """ "China (CN)"; the section of policy stories that name no region has no code."""
    name = one_line(section.name)
    return f"{name} ({one_line(section.code)})" if section.code else name


def story_count(count: int) -> str:
    return _count(count, "story", "stories")


def also_from(section: Section) -> str:
    """The heading of a region's other stories, under its policy ones."""
    return f"Also from {one_line(section.name)}"


def other_line(story: Story) -> str:
    """One line for a story in a short list: "Shenzhen: Exchange opens an office (Asia Ledger)"."""
    return f"{place_of(story)}{title(story)} ({one_line(story.item.feed)})"


def place_of(story: Story) -> str:
    """ "Shenzhen: ", the place inside its region a listed story happened in, or "" ."""
    return f"{shorten(one_line(story.place), PLACE_CHARS)}: " if story.place else ""


def more(count: int) -> str:
    return f"and {count:,} more"


def named_regions(regions: tuple[Section, ...]) -> str:
    """The regions with other news whose stories are not listed, in one line with their counts;
    "" when every region's stories are."""
    unlisted = [f"{one_line(r.name)} ({r.more_others:,})" for r in regions if not r.others]
    return f"More regions: {', '.join(unlisted)}" if unlisted else ""


def topics(story: Story) -> str:
    return ", ".join(story.item.tags.topics)


def trend(trend: Trend) -> str:
    """ "China 6 ▲ from 3", "Hong Kong 2 new", "Singapore 0 gone (2)"."""
    if trend.direction == "new":
        return f"{one_line(trend.label)} {trend.now} new"
    if trend.direction == "gone":
        return f"{one_line(trend.label)} 0 (was {trend.before})"
    return f"{one_line(trend.label)} {trend.now} {ARROWS[trend.direction]} from {trend.before}"


ATTENTION = "Feeds needing attention"


def attention(feed: FeedResult) -> str:
    """Why a feed is in the footer, and what to do about it, in one line."""
    if feed.moved_to:
        return f"moved permanently to {one_line(feed.moved_to)}; update its url in the feeds file"
    if feed.gone:
        return "gone (HTTP 410): the publisher removed it; remove it from the feeds file"
    since = f" since {day(feed.failing_since)}" if feed.failing_since else ""
    return f"failing for {feed.failures} runs in a row{since}: {one_line(feed.error or 'unknown error')}"


def _count(count: int, one: str, many: str) -> str:
    return plural(count, one, many)


def buckets(counts: list[int], columns: int) -> list[int]:
    """Day counts summed into at most `columns` buckets of whole days, for a sparkline."""
    size = -(-len(counts) // columns) if counts else 1  # ceiling division
    return [sum(counts[i : i + size]) for i in range(0, len(counts), size)]


TOP_STORIES = "Top stories"
# The bar chart shows the busiest regions and one bar for all the rest.
CHART_REGIONS = 10


def chart_rows(digest: Digest) -> list[tuple[str, int]]:
    """(region, policy stories) for the bar chart: the ten busiest, then "others" for the rest."""
    rows = [(one_line(section.name), section.count) for section in digest.sections]
    if len(rows) <= CHART_REGIONS + 1:
        return rows
    rest = rows[CHART_REGIONS:]
    return [*rows[:CHART_REGIONS], (f"{len(rest)} others", sum(count for _, count in rest))]


def lead_place(story: Story) -> str:
    """The region a top story is about: its primary one, else those it names."""
    tags = story.item.tags
    names = {region.code: region.name for region in tags.regions}
    if tags.primary_region in names:
        return one_line(names[tags.primary_region or ""])
    return one_line(", ".join(names.values()))


def found_line(found: Found) -> str:
    """ "Ledger Wire · 20 Nov 2026 · Hainan, Shenzhen": where and when a match is from."""
    item = found.item
    places = ", ".join(region.name for region in item.tags.regions)
    return " · ".join(part for part in (one_line(item.feed), day(item.published), one_line(places)) if part)


def results_heading(results: Results) -> str:
    shown = len(results.found)
    counted = f"{shown} of {results.total}" if shown < results.total else str(shown)
    return f"{counted} {'story' if results.total == 1 else 'stories'} matching {results.query!r}"
