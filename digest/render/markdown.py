"""The digest as CommonMark: a heading per region, links, the charts as small tables."""

from __future__ import annotations

import re

from digest.models import Digest, Section, Story
from digest.plaintext import one_line
from digest.render.common import (
    ATTENTION,
    at_a_glance,
    attention,
    byline,
    is_web_link,
    period,
    title,
    topics,
    trend,
)

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
    if digest.sections:
        lines += ["## Policy stories by region", "", "| Region | Stories | |", "|---|---:|---|"]
        most = max(section.count for section in digest.sections)
        for section in digest.sections:
            bar = "█" * max(1, round(BAR * section.count / most))
            lines.append(f"| {_escape(one_line(section.name))} | {section.count} | {bar} |")
        lines += ["", "## Policy stories per day", "", "| Day | Stories |", "|---|---:|"]
        lines += [f"| {day:%d %b} | {count} |" for day, count in digest.daily]
        lines += [""]
    if digest.region_trends or digest.topic_trends:
        lines += ["## Trends against the previous period", ""]
        lines += [f"- {_escape(trend(t))}" for t in (*digest.region_trends[:10], *digest.topic_trends)]
        lines += [""]
    for section in digest.sections:
        lines += _section(section, level=2)
    if digest.other:
        lines += ["## Other headlines", ""]
        lines += [f"- {_link(story)} ({_escape(one_line(story.item.feed))})" for story in digest.other]
        lines += [""]
    if digest.attention:
        lines += [f"## {ATTENTION}", ""]
        lines += [f"- {_escape(one_line(f.name))}: {_escape(attention(f))}" for f in digest.attention]
    return "\n".join(lines).rstrip() + "\n"


def _section(section: Section, level: int) -> list[str]:
    label = f"{one_line(section.name)} ({section.code})" if section.code else one_line(section.name)
    lines = [f"{'#' * level} {_escape(label)}", ""]
    for story in section.stories:
        lines += _story(story)
    for place in section.places:
        lines += _section(place, level + 1)
    return lines


def _story(story: Story) -> list[str]:
    meta = byline(story) + (f" · {topics(story)}" if story.item.tags.topics else "")
    lines = [f"- **{_link(story)}**  ", f"  {_escape(meta)}"]
    if story.line:
        lines[-1] += "  "
        lines.append(f"  {_escape(story.line)}")
    return [*lines, ""]


def _link(story: Story) -> str:
    text = _escape(title(story))
    url = story.item.url
    if not is_web_link(url):
        return text
    # An angle-bracket destination may hold parentheses; it may not hold <, > or spaces.
    safe = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"[{text}](<{safe}>)"


def _escape(text: str) -> str:
    escaped = _PUNCTUATION.sub(r"\\\1", one_line(text)).translate(_ENTITIES)
    # At the start of a line, "=", "-", "+" or "1." would make a heading or a list.
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)
