"""The digest as plain text wrapped at 78 columns: what a pipe and `| mail` get."""

from __future__ import annotations

from digest.models import Digest, Section, Story
from digest.plaintext import columns, one_line, wrap
from digest.render.common import (
    ATTENTION,
    at_a_glance,
    attention,
    buckets,
    byline,
    is_web_link,
    period,
    title,
    topics,
    trend,
)

WIDTH = 78
BAR = 40  # columns for the longest bar
# A sparkline in characters every mail client shows: more ink, more stories that day.
RAMP = " .:-=+*#%@"
SPARK_COLUMNS = 56  # a long window's days are summed into this many columns


def render(digest: Digest) -> str:
    lines = [digest.title.upper(), period(digest), ""]
    lines += [*_heading("At a glance"), *_wrap(at_a_glance(digest), "  "), ""]
    if digest.sections:
        lines += _heading("Policy stories by region") + _bars(digest) + [""]
        lines += _heading("Policy stories per day") + _sparkline(digest) + [""]
    if digest.region_trends or digest.topic_trends:
        lines += _heading("Trends against the previous period")
        lines += _wrap("Regions: " + "; ".join(trend(t) for t in digest.region_trends[:10]), "  ")
        lines += [*_wrap("Topics: " + "; ".join(trend(t) for t in digest.topic_trends), "  "), ""]
    for section in digest.sections:
        lines += _section(section)
    if digest.other:
        lines += _heading("Other headlines")
        for story in digest.other:
            first, *rest = _wrap(f"{title(story)} ({one_line(story.item.feed)})", "    ")
            lines += ["  - " + first.lstrip(), *rest, *_link(story, "    ")]
        lines += [""]
    if not digest.sections and not digest.other:
        lines += ["No stories in this window.", ""]
    if digest.attention:
        lines += _heading(ATTENTION)
        for feed in digest.attention:
            lines += _wrap(f"{one_line(feed.name)}: {attention(feed)}", "  ")
    return "\n".join(lines).rstrip() + "\n"


def _section(section: Section, depth: int = 0) -> list[str]:
    label = f"{one_line(section.name)} ({section.code})" if section.code else one_line(section.name)
    stories = f"{section.count} {'story' if section.count == 1 else 'stories'}"
    if depth == 0:
        lines = ["=" * WIDTH, f"{label.upper()} · {stories}", "=" * WIDTH]
    else:
        lines = [f"-- {label} · {stories}", ""]
    for story in section.stories:
        lines += _story(story)
    for place in section.places:
        lines += _section(place, depth + 1)
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
    rows = [(one_line(section.name), section.count) for section in digest.sections]
    label_width = min(24, max(columns(label) for label, _ in rows))
    most = max(count for _, count in rows)
    lines = []
    for name, count in rows:
        label = name if columns(name) <= label_width else name[: label_width - 1] + "…"
        bar = "#" * max(1, round(BAR * count / most))
        lines.append(f"  {label}{' ' * (label_width - columns(label))}  {bar} {count}")
    return lines


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
