"""The digest for a terminal: a header panel, a section per region, topic badges, clickable
titles (OSC 8, where the terminal has them), a bar chart by region and a sparkline by day."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from digest.chinese import simplified
from digest.models import Digest, Results, Section, Story
from digest.plaintext import one_line
from digest.render.common import (
    ATTENTION,
    TOP_STORIES,
    also_from,
    at_a_glance,
    attention,
    buckets,
    byline,
    chart_rows,
    found_line,
    lead_place,
    more,
    named_regions,
    period,
    place_of,
    region_label,
    results_heading,
    title,
    title_of,
    trend,
)
from digest.urls import is_web_link

SPARKS = " ▁▂▃▄▅▆▇█"


def render(digest: Digest) -> RenderableType:
    # Every string from a feed goes in as Text, never as markup, so "[red]" stays literal.
    parts: list[RenderableType] = [
        Panel(
            Text.assemble((digest.title, "bold"), "\n", (period(digest), "dim"), "\n", at_a_glance(digest)),
            expand=True,
        )
    ]
    if digest.top:
        parts.append(Rule(Text(TOP_STORIES, style="bold"), align="left"))
        for number, story in enumerate(digest.top, start=1):
            place = lead_place(story)
            meta = Text((f"{place} · " if place else "") + byline(story), style="dim")
            parts.append(
                Group(Text.assemble(f"{number}. ", _title(story, bold=True)), Padding(meta, (0, 0, 0, 3)))
            )
    if digest.sections:
        parts += [_charts(digest)]
    if digest.region_trends or digest.topic_trends:
        trends = "; ".join(trend(t) for t in (*digest.region_trends[:8], *digest.topic_trends))
        parts.append(Text.assemble(("Trends: ", "bold"), trends))
    for section in digest.sections:
        parts += _section(section)
    if digest.other_regions:
        parts.append(Rule(Text("Other news by region", style="bold"), align="left"))
        for region in (region for region in digest.other_regions if region.others):
            heading = Text.assemble((region_label(region), "bold"), (f"  {region.other_count}", "dim"))
            parts += [heading, *_listed(region.others, region.more_others, indent=2)]
        if rest := named_regions(digest.other_regions):
            parts.append(Text(rest, style="dim"))
    if digest.other:
        parts.append(Rule(Text("Other headlines", style="bold"), align="left"))
        parts += _listed(digest.other)
    if digest.attention:
        parts.append(Rule(Text(ATTENTION, style="bold"), align="left"))
    parts += [Text(f"{one_line(feed.name)}: {attention(feed)}", style="yellow") for feed in digest.attention]
    return Group(*parts)


def _charts(digest: Digest) -> RenderableType:
    bars = Table.grid(padding=(0, 1))
    bars.add_column(max_width=22, no_wrap=True, overflow="ellipsis")
    bars.add_column(ratio=1)
    counted = chart_rows(digest)
    most = max(count for _, count in counted)
    for name, count in counted:
        width = max(1, round(30 * count / most))
        bars.add_row(Text(name), Text("█" * width, style="cyan").append(f" {count}", style="bold"))
    counts = [count for _, count in digest.daily]
    columns = buckets(counts, 56)
    top = max(columns, default=0) or 1
    spark = "".join(SPARKS[0 if c == 0 else max(1, round(c / top * (len(SPARKS) - 1)))] for c in columns)
    daily = Text.assemble(
        ("Per day ", "bold"),
        (spark, "cyan"),
        (f"  {sum(counts)} in all, at most {max(counts, default=0)}", "dim"),
    )
    return Group(Text("Policy stories by region", style="bold"), bars, daily)


def _section(section: Section, depth: int = 0) -> list[RenderableType]:
    heading = Text.assemble((region_label(section), "bold"), (f"  {section.count}", "dim"))
    parts: list[RenderableType] = [
        Rule(heading, align="left") if depth == 0 else Text.assemble("  ", heading)
    ]
    for story in section.stories:
        # Padding, not leading spaces, so wrapped lines keep the indent.
        parts.append(Padding(_story(story), (0, 0, 0, 2 * (depth + 1))))
    for place in section.places:
        parts += _section(place, depth + 1)
    if section.others:
        also = Text.assemble((also_from(section), "bold"), (f"  {section.other_count}", "dim"))
        parts += [Text.assemble("  ", also), *_listed(section.others, section.more_others, indent=4)]
    return parts


def _listed(stories: tuple[Story, ...], left_out: int = 0, indent: int = 0) -> list[RenderableType]:
    """A short list of other stories, one line each, then how many were left out."""
    lines: list[RenderableType] = []
    for story in stories:
        line = Text.assemble(
            "• ", place_of(story), _title(story, bold=False), (f"  {one_line(story.item.feed)}", "dim")
        )
        lines.append(Padding(line, (0, 0, 0, indent)))
    if left_out:
        lines.append(Padding(Text(more(left_out), style="dim"), (0, 0, 0, indent + 2)))
    return lines


def _story(story: Story) -> RenderableType:
    meta = Text()
    for topic in story.item.tags.topics:
        meta.append(f" {topic} ", style="black on bright_cyan").append(" ")
    meta.append(byline(story), style="dim")
    body = Group(meta, Text(story.line)) if story.line else meta
    return Group(_title(story, bold=True), Padding(body, (0, 0, 0, 2)))


def _title(story: Story, *, bold: bool) -> Text:
    link = story.item.url if is_web_link(story.item.url) else None
    return Text(title(story), style=Style(link=link, bold=bold))


def results(found: Results) -> RenderableType:
    """Search results for a terminal: numbered, each title a link, the snippet under it with
    the query's words marked."""
    parts: list[RenderableType] = [Text(results_heading(found), style="bold"), Text("")]
    words = [simplified(word).lower() for word in found.words]
    for number, match in enumerate(found.found, start=1):
        item = match.item
        link = item.url if is_web_link(item.url) else None
        parts.append(Text.assemble(f"{number:>2}. ", (title_of(item), Style(link=link, bold=True))))
        meta = Text("    ")
        for topic in item.tags.topics:
            meta.append(f" {topic} ", style="black on bright_cyan").append(" ")
        meta.append(found_line(match), style="dim")
        parts += [meta, Padding(_marked(one_line(match.snippet), words), (0, 0, 1, 4))]
    return Group(*parts)


def _marked(snippet: str, words: list[str]) -> Text:
    text = Text(snippet)
    # Simplified, as the index reads it: one character for one, so the offsets are the snippet's.
    folded = simplified(snippet).lower()
    for word in words:
        start = folded.find(word)
        while word and start != -1:
            text.stylize("bold yellow", start, start + len(word))
            start = folded.find(word, start + len(word))
    return text
