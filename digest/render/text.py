"""The digest as plain text wrapped at 78 columns: what a pipe and `| mail` get."""

from __future__ import annotations

from digest.models import Digest, Results, Section, Story
from digest.plaintext import one_line, table, wrap
from digest.render.common import (
    ATTENTION,
    TOP_STORIES,
    also_from,
    at_a_glance,
    attention,
    buckets,
    byline,
    chart_rows,
    day,
    found_line,
    lead_place,
    more,
    named_regions,
    other_line,
    period,
    region_label,
    results_heading,
    story_count,
    title,
    title_of,
    topics,
    trend,
)
from digest.urls import is_web_link

WIDTH = 78
BAR = 40  # columns for the longest bar
LABEL_COLUMNS = 24  # a longer region name is cut
# A sparkline in characters every mail client shows: more ink, more stories that day.
RAMP = " .:-=+*#%@"
SPARK_COLUMNS = 56  # a long window's days are summed into this many columns


def render(digest: Digest) -> str:
    lines = [digest.title.upper(), period(digest), ""]
    lines += [*_heading("At a glance"), *_wrap(at_a_glance(digest), "  "), ""]
    if digest.top:
        lines += _heading(TOP_STORIES) + _top(digest.top)
    if digest.sections:
        lines += _heading("Policy stories by region") + _bars(digest) + [""]
        lines += _heading("Policy stories per day") + _sparkline(digest) + [""]
    if digest.region_trends or digest.topic_trends:
        lines += _heading("Trends against the previous period")
        lines += _wrap("Regions: " + "; ".join(trend(t) for t in digest.region_trends[:10]), "  ")
        lines += [*_wrap("Topics: " + "; ".join(trend(t) for t in digest.topic_trends), "  "), ""]
    for section in digest.sections:
        lines += _section(section)
    if digest.other_regions:
        lines += _other_regions(digest.other_regions)
    if digest.other:
        lines += [*_heading("Other headlines"), *_others(digest.other), ""]
    if not digest.sections and not digest.other and not digest.other_regions:
        lines += ["No stories in this window.", ""]
    if digest.attention:
        lines += _heading(ATTENTION)
        for feed in digest.attention:
            lines += _wrap(f"{one_line(feed.name)}: {attention(feed)}", "  ")
    return "\n".join(lines).rstrip() + "\n"


def _section(section: Section, depth: int = 0) -> list[str]:
    label, stories = region_label(section), story_count(section.count)
    if depth == 0:
        lines = ["=" * WIDTH, *_wrap(f"{label.upper()} · {stories}"), "=" * WIDTH]
    else:
        lines = [*_wrap(f"-- {label} · {stories}"), ""]
    for story in section.stories:
        lines += _story(story)
    for place in section.places:
        lines += _section(place, depth + 1)
    if section.others:
        lines += _wrap(f"-- {also_from(section)} · {story_count(section.other_count)}")
        lines += [*_listed(section), ""]
    return lines


def _other_regions(regions: tuple[Section, ...]) -> list[str]:
    """Regions with other news only: a short list each, then the rest named in one line."""
    lines = _heading("Other news by region")
    for region in (region for region in regions if region.others):
        lines += _wrap(f"-- {region_label(region)} · {story_count(region.other_count)}")
        lines += [*_listed(region), ""]
    if rest := named_regions(regions):
        lines += [*_wrap(rest), ""]
    return lines


def _listed(section: Section) -> list[str]:
    lines = _others(section.others)
    return [*lines, "  " + more(section.more_others)] if section.more_others else lines


def _others(stories: tuple[Story, ...]) -> list[str]:
    """One entry a story: its headline and outlet, and its link below."""
    lines = []
    for story in stories:
        first, *rest = _wrap(other_line(story), "    ")
        lines += ["  - " + first.lstrip(), *rest, *_link(story, "    ")]
    return lines


def _top(stories: tuple[Story, ...]) -> list[str]:
    lines = []
    for number, story in enumerate(stories, start=1):
        first, *rest = _wrap(f"{number}. {title(story)}", "     ")
        place = lead_place(story)
        lines += [
            "  " + first.lstrip(),
            *rest,
            *_wrap((f"{place} · " if place else "") + byline(story), "     "),
        ]
        lines += [*_link(story, "     "), ""]
    return lines


def _story(story: Story) -> list[str]:
    lines = _wrap(title(story))
    meta = byline(story) + (f" · {topics(story)}" if story.item.tags.topics else "")
    lines += _wrap(meta, "  ")
    if story.line:
        lines += _wrap(story.line, "  ")
    return [*lines, *_link(story, "  "), ""]


def _link(story: Story, indent: str) -> list[str]:
    # A linkless entry is stored under a made-up urn: key, which is no address to show.
    return [indent + story.item.url] if is_web_link(story.item.url) else []


def _bars(digest: Digest) -> list[str]:
    counted = chart_rows(digest)
    most = max(count for _, count in counted)
    rows = [(name, "#" * max(1, round(BAR * count / most)) + f" {count}") for name, count in counted]
    return ["  " + line for line in table(rows, widest=(LABEL_COLUMNS,))]


def _sparkline(digest: Digest) -> list[str]:
    counts = [count for _, count in digest.daily]
    if not counts:
        return []
    columns = buckets(counts, SPARK_COLUMNS)
    most = max(columns) or 1
    line = "".join(RAMP[0 if c == 0 else max(1, round(c / most * (len(RAMP) - 1)))] for c in columns)
    first, last = digest.daily[0][0], digest.daily[-1][0]
    return [
        f"  {first:%d %b} |{line}| {last:%d %b}",
        f"  {sum(counts)} policy {'story' if sum(counts) == 1 else 'stories'}, at most {max(counts)} a day",
    ]


def _heading(text: str) -> list[str]:
    return [text.upper(), "-" * len(text)]


def _wrap(text: str, indent: str = "") -> list[str]:
    # Long URLs stay whole (a broken URL is worse than a long line); Chinese wraps anywhere.
    return wrap(text, WIDTH, indent)


def results(found: Results) -> str:
    """Search results, numbered, each with where it matched."""
    lines = [one_line(results_heading(found)), f"{day(found.window.start)} – {day(found.window.end)}", ""]
    for number, match in enumerate(found.found, start=1):
        lines += _wrap(f"{number}. {title_of(match.item)}", "")
        lines += _wrap(found_line(match), "   ")
        lines += _wrap(one_line(match.snippet), "   ")
        if is_web_link(match.item.url):
            lines.append(f"   {match.item.url}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
