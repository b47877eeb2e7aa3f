"""The digest as CommonMark: a heading per region, links, the charts as small tables."""

from __future__ import annotations

import re

from digest.models import Digest, Results, Section, Story
from digest.plaintext import one_line
from digest.render.common import (
    ATTENTION,
    TOP_STORIES,
    also_from,
    at_a_glance,
    attention,
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
    topics,
    trend,
)
from digest.urls import is_web_link

# The characters that could turn feed text into emphasis, links, images, code or tables;
# CommonMark lets any of them be backslash-escaped.
_PUNCTUATION = re.compile(r"([\\`*_\[\]|#!~])")
# Raw HTML and entities: original Markdown (and dialects built on it) takes no backslash
# before `<` or `&`, but every dialect reads an entity as the character it names.
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LINE_START = re.compile(r"^(?:([-+=])|(\d+)([.)]))")
BAR = 20


def render(digest: Digest) -> str:
    lines = [f"# {_escape(digest.title)}", "", f"*{_escape(period(digest))}*", ""]
    lines += ["## At a glance", "", _escape(at_a_glance(digest)), ""]
    if digest.top:
        lines += [f"## {TOP_STORIES}", ""]
        for number, story in enumerate(digest.top, start=1):
            place = lead_place(story)
            lines += [
                f"{number}. {_link(story)}  ",
                f"   *{_escape((place + ' · ' if place else '') + byline(story))}*",
            ]
        lines += [""]
    if digest.sections:
        lines += ["## Policy stories by region", "", "| Region | Stories | |", "|---|---:|---|"]
        counted = chart_rows(digest)
        most = max(count for _, count in counted)
        for name, count in counted:
            lines.append(f"| {_escape(name)} | {count} | {'█' * max(1, round(BAR * count / most))} |")
        lines += ["", "## Policy stories per day", "", "| Day | Stories |", "|---|---:|"]
        lines += [f"| {day:%d %b} | {count} |" for day, count in digest.daily]
        lines += [""]
    if digest.region_trends or digest.topic_trends:
        lines += ["## Trends against the previous period", ""]
        lines += [f"- {_escape(trend(t))}" for t in (*digest.region_trends[:10], *digest.topic_trends)]
        lines += [""]
    for section in digest.sections:
        lines += _section(section, level=2)
    if digest.other_regions:
        lines += ["## Other news by region", ""]
        for region in (region for region in digest.other_regions if region.others):
            lines += [f"### {_escape(region_label(region))}", "", *_listed(region)]
        if rest := named_regions(digest.other_regions):
            lines += [_escape(rest), ""]
    if digest.other:
        lines += ["## Other headlines", "", *_listed(Section("", "", (), others=digest.other))]
    if digest.attention:
        lines += [f"## {ATTENTION}", ""]
        lines += [f"- {_escape(one_line(f.name))}: {_escape(attention(f))}" for f in digest.attention]
    return "\n".join(lines).rstrip() + "\n"


def _section(section: Section, level: int) -> list[str]:
    lines = [f"{'#' * level} {_escape(region_label(section))}", ""]
    for story in section.stories:
        lines += _story(story)
    for place in section.places:
        lines += _section(place, level + 1)
    if section.others:
        # A heading beside the places', so the list is the region's, not its last place's.
        lines += [f"{'#' * (level + 1)} {_escape(also_from(section))}", "", *_listed(section)]
    return lines


def _listed(section: Section) -> list[str]:
    """A short list of other stories: "place: headline (outlet)", then how many were left out."""
    lines = [
        f"- {_escape(place_of(story)) + ' ' if story.place else ''}{_link(story)}"
        f" ({_escape(one_line(story.item.feed))})"
        for story in section.others
    ]
    return [*lines, "", *([_escape(more(section.more_others)), ""] if section.more_others else [])]


def _story(story: Story) -> list[str]:
    meta = byline(story) + (f" · {topics(story)}" if story.item.tags.topics else "")
    lines = [f"- **{_link(story)}**  ", f"  {_escape(meta)}"]
    if story.line:
        lines[-1] += "  "
        lines.append(f"  {_escape(story.line)}")
    return [*lines, ""]


def _link(story: Story) -> str:
    return _linked(title(story), story.item.url)


def _linked(headline: str, url: str) -> str:
    text = _escape(headline)
    if not is_web_link(url):
        return text
    # An angle-bracket destination may hold parentheses; it may not hold <, > or spaces.
    safe = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"[{text}](<{safe}>)"


def _escape(text: str) -> str:
    escaped = _PUNCTUATION.sub(r"\\\1", one_line(text)).translate(_ENTITIES)
    # At the start of a line, "=", "-", "+" or "1." would make a heading or a list.
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)


def results(found: Results) -> str:
    """Search results as a numbered list, each linked, with where it matched."""
    lines = [f"# {_escape(results_heading(found))}", ""]
    for number, match in enumerate(found.found, start=1):
        lines += [
            f"{number}. {_linked(title_of(match.item), match.item.url)}  ",
            f"   *{_escape(found_line(match))}*  ",
            f"   {_escape(match.snippet)}",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"
