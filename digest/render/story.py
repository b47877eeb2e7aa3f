"""One stored story to read in a terminal, for `digest read`: its headline, outlet, date, link
and tags, then its text in paragraphs wrapped to the width (by columns, so Chinese fits too)."""

from __future__ import annotations

from digest.models import Item
from digest.plaintext import clean_text, one_line, wrap
from digest.render.common import day
from digest.urls import is_web_link

WIDTH = 78
NO_TEXT = (
    "(no article text was stored: the page could not be fetched or extracted; the feed's summary is above)"
)


def render(item: Item, width: int = WIDTH) -> str:
    width = max(40, min(width, 100))  # past 100 columns prose gets hard to follow
    outlets = one_line(", ".join(item.feeds) or item.feed)
    lines = wrap(one_line(item.title), width)
    lines.append(
        f"{outlets} · {day(item.published)}" + (f" · {one_line(item.author)}" if item.author else "")
    )
    if is_web_link(item.url):
        lines.append(item.url)
    lines.append(_tags(item))
    lines.append("")
    summary = one_line(item.summary)
    text = clean_text(item.text)
    if summary and not text.startswith(summary[:80]):
        lines += [*wrap(summary, width), ""]
    for paragraph in text.split("\n\n") if text else [NO_TEXT]:
        lines += [*wrap(one_line(paragraph), width), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _tags(item: Item) -> str:
    tags = item.tags
    regions = ", ".join(f"{one_line(region.name)} ({region.code})" for region in tags.regions) or "no region"
    if not tags.policy:
        return f"not policy · {regions}"
    return f"policy: {', '.join(tags.topics)} · {regions}"
