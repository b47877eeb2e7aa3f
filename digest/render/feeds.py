"""`digest feeds`: each feed's health, as plain text, JSON, or a Rich table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text

from digest.models import FeedHealth, StoreStats
from digest.plaintext import one_line, table
from digest.render.common import date_of, minute
from digest.units import iso_utc

# Re-exported (the alias is what mypy --strict reads as one) until cli's prune asks digest.units.
from digest.units import megabytes as megabytes  # noqa: PLC0414

COLUMNS = ("feed", "last attempt", "last success", "status", "failures", "stored", "in window")


def rows(feeds: Sequence[FeedHealth]) -> list[tuple[str, ...]]:
    return [
        (
            one_line(feed.name),
            _when(feed.last_attempt),
            _when(feed.last_success),
            _status(feed),
            str(feed.failures),
            str(feed.stored),
            str(feed.in_window),
        )
        for feed in feeds
    ]


def text(feeds: Sequence[FeedHealth]) -> str:
    """Aligned columns, one feed a line; the error, if any, on the next line."""
    return "\n".join(table([COLUMNS, *rows(feeds)])) + "\n"


def rich(feeds: Sequence[FeedHealth]) -> Table:
    table = Table(*COLUMNS, header_style="bold")
    for feed, row in zip(feeds, rows(feeds), strict=True):
        style = (
            "red" if feed.status == "error" else "green" if feed.status in {"ok", "not_modified"} else "dim"
        )
        table.add_row(
            *(Text(cell) for cell in row[:3]), Text(row[3], style=style), *(Text(c) for c in row[4:])
        )
    return table


def as_json(feeds: Sequence[FeedHealth]) -> str:
    return json.dumps({"feeds": [_record(feed) for feed in feeds]}, ensure_ascii=False, indent=2) + "\n"


def _record(feed: FeedHealth) -> dict[str, Any]:
    return {
        "name": feed.name,
        "url": feed.url,
        "last_attempt": _iso(feed.last_attempt),
        "last_success": _iso(feed.last_success),
        "status": feed.status,
        "error": feed.error,
        "consecutive_failures": feed.failures,
        "failing_since": _iso(feed.failing_since),
        "moved_to": feed.moved_to,
        "items_stored": feed.stored,
        "items_in_window": feed.in_window,
    }


def _status(feed: FeedHealth) -> str:
    if feed.status is None:
        return "never fetched"
    if feed.status == "error":
        return f"error: {one_line(feed.error or '')}"
    if feed.status == "not_fetched":
        return f"not fetched: {one_line(feed.error or 'not yet')}"
    status = feed.status.replace("_", " ")
    return f"{status}, moved to {one_line(feed.moved_to)}" if feed.moved_to else status


def _when(moment: datetime | None) -> str:
    return minute(moment) if moment else "-"


def _iso(moment: datetime | None) -> str | None:
    return iso_utc(moment) if moment else None


def stats_text(path: str, stats: StoreStats) -> str:
    span = ""
    if stats.oldest and stats.newest:
        span = f", published {date_of(stats.oldest)} to {date_of(stats.newest)}"
    return (
        f"store   {path}\n"
        f"size    {megabytes(stats.bytes)} ({stats.bytes_per_item:,} bytes per item)\n"
        f"items   {stats.items:,} ({megabytes(stats.text_bytes)} of article text){span}\n"
        f"issues  {stats.issues:,}\n"
    )


def stats_json(path: str, stats: StoreStats) -> str:
    record = {
        "store": path,
        "bytes": stats.bytes,
        "items": stats.items,
        "bytes_per_item": stats.bytes_per_item,
        "text_bytes": stats.text_bytes,
        "issues": stats.issues,
        "oldest": _iso(stats.oldest),
        "newest": _iso(stats.newest),
    }
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
