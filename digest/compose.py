"""Pick the window and the stories in it: a `Digest` value, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from digest.models import Digest, FeedResult, Filters, Item, Window

TITLE = "Crypto policy digest"


def window(now: datetime, *, days: int, since: datetime | None, until: datetime | None) -> Window:
    """`--since`/`--until` when given, else the last `days` days up to now."""
    end = until or now
    start = since or end - timedelta(days=days)
    return Window(start=start, end=end)


def compose(
    items: Iterable[Item],
    feeds: Sequence[FeedResult],
    window: Window,
    filters: Filters,
    now: datetime,
) -> Digest:
    chosen = [item for item in items if _wanted(item, filters)]
    chosen.sort(key=lambda item: (item.published, item.id), reverse=True)
    return Digest(title=TITLE, window=window, generated_at=now, items=tuple(chosen), feeds=tuple(feeds))


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
