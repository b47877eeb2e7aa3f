"""Small wording shared by the renderers, so every format says the same thing the same way."""

from __future__ import annotations

from datetime import datetime, timedelta

from digest.models import Digest, FeedStatus, Item


def period(digest: Digest) -> str:
    # The window is half-open: a window ending at midnight ends on the day before.
    start, end = digest.window.start, digest.window.end - timedelta(microseconds=1)
    return f"{day(start)} – {day(end)}"


def day(moment: datetime) -> str:
    """A date as the reader's clock has it (the system's time zone, or TZ)."""
    return f"{moment.astimezone():%d %b %Y}"


def at_a_glance(digest: Digest) -> str:
    stories = len(digest.items)
    policy = sum(1 for item in digest.items if item.tags.policy)
    failed = sum(1 for feed in digest.feeds if feed.status is FeedStatus.ERROR)
    line = f"{stories} {_plural(stories, 'story', 'stories')}, {policy} about policy"
    line += f" · {len(digest.feeds)} {_plural(len(digest.feeds), 'feed', 'feeds')}"
    return line + (f", {failed} failed" if failed else "")


def byline(item: Item) -> str:
    """Feed, date, and the other outlets that carried the same story."""
    parts = [item.feed or item.site_name or "", day(item.published)]
    if item.tags.regions:
        parts.append(", ".join(region.name for region in item.tags.regions))
    if item.tags.topics:
        parts.append(", ".join(item.tags.topics))
    line = " · ".join(part for part in parts if part)
    others = [name for name in item.feeds if name != item.feed]
    return line + (f" (also: {', '.join(others)})" if others else "")


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many
