"""Rows to model values and back: an item and its tags, an issue, and times as the store keeps
them. Rows are read by column name; statements take their columns and placeholders from here."""

from __future__ import annotations

import dataclasses
import functools
import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from digest.models import Evidence, Issue, Item, Region, Tags, Window
from digest.units import iso_utc

# An item's columns, in the order the first migration made most of them.
ITEM_COLUMNS = (
    "uid", "url", "title", "summary", "text", "author", "categories", "site_name", "published",
    "first_seen", "extracted", "topics", "regions", "primary_region", "evidence",
)  # fmt: skip
TAG_COLUMNS = ("topics", "regions", "primary_region", "evidence")
# What a digest needs of an item: its text only as far as a line of context reaches, and not
# the tagger's evidence. Loading every full article made `show` over 10,000 items slow.
TEXT_LEAD_CHARS = 1000
_DIGEST_READS = {"text": f"substr(text, 1, {TEXT_LEAD_CHARS}) AS text", "evidence": "'[]' AS evidence"}
# The names of the feeds that carried an item, the first to carry it first.
FEED_NAMES = """
    (SELECT json_group_array(name) FROM (
        SELECT feeds.name FROM item_feeds JOIN feeds ON feeds.id = item_feeds.feed_id
        WHERE item_feeds.item_id = items.id ORDER BY item_feeds.first_seen, feeds.id)) AS feeds
"""
ISSUE_COLUMNS = ("number", "sent_at", "window_start", "window_end", "format", "items")


def listed(columns: Sequence[str]) -> str:
    """ "uid, url, ...": the columns of a SELECT or an INSERT."""
    return ", ".join(columns)


def placeholders(columns: Sequence[str]) -> str:
    """ ":uid, :url, ...": one named placeholder a column, so values go by name, not position."""
    return ", ".join(f":{column}" for column in columns)


def assignments(columns: Sequence[str]) -> str:
    """ "topics = :topics, ...": an UPDATE's SET list."""
    return ", ".join(f"{column} = :{column}" for column in columns)


DIGEST_COLUMNS = listed([_DIGEST_READS.get(column, column) for column in ITEM_COLUMNS])


def ceil_second(moment: datetime) -> datetime:
    """Times are stored to the second: a window ending at 12:00:00.4 includes 12:00:00."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def time_or_none(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def item_values(item: Item) -> dict[str, object]:
    """A new item's row, by column."""
    return {
        "uid": item.id,
        "url": item.url,
        "title": item.title,
        "summary": item.summary,
        "text": item.text,
        "author": item.author,
        "categories": json.dumps(list(item.categories), ensure_ascii=False),
        "site_name": item.site_name,
        "published": iso_utc(item.published),
        "first_seen": iso_utc(datetime.now(UTC)),
        "extracted": int(item.extracted),
        **tag_values(item.tags),
    }


def tag_values(tags: Tags) -> dict[str, str | None]:
    """An item's tags as its tag columns hold them: JSON lists, and the primary region's code."""
    return {
        "topics": json.dumps(list(tags.topics)),
        "regions": json.dumps([_fields(region) for region in tags.regions], ensure_ascii=False),
        "primary_region": tags.primary_region,
        "evidence": json.dumps([_fields(evidence) for evidence in tags.evidence], ensure_ascii=False),
    }


def _fields(value: Region | Evidence) -> list[object]:
    """A region or a quote as the list of its fields in order, as the store keeps them: a field
    the tagger adds at the end is kept, and rows written before it read back with its default."""
    return [getattr(value, field.name) for field in dataclasses.fields(value)]


def item(row: sqlite3.Row) -> Item:
    """The item of a row of `ITEM_COLUMNS` (or `DIGEST_COLUMNS`) and `FEED_NAMES`."""
    feed_names = _strings(str(row["feeds"])) if row["feeds"] else ()
    return Item(
        id=str(row["uid"]),
        url=str(row["url"]),
        title=str(row["title"]),
        summary=str(row["summary"]),
        text=str(row["text"]),
        feed=feed_names[0] if feed_names else "",
        feeds=feed_names,
        published=time(str(row["published"])),
        extracted=bool(row["extracted"]),
        tags=Tags(
            topics=_strings(str(row["topics"])),
            regions=_regions(str(row["regions"])),
            primary_region=str(row["primary_region"]) if row["primary_region"] else None,
            evidence=tuple(Evidence(*fields) for fields in json.loads(str(row["evidence"]))),
        ),
        author=str(row["author"]) if row["author"] else None,
        categories=_strings(str(row["categories"])),
        site_name=str(row["site_name"]) if row["site_name"] else None,
    )


def issue(row: sqlite3.Row) -> Issue:
    """The issue of a row of `ISSUE_COLUMNS`."""
    window = Window(time(row["window_start"]), time(row["window_end"]))
    return Issue(row["number"], time(row["sent_at"]), window, row["format"], row["items"])


# Topic, region, category and feed lists repeat from item to item: parse each distinct one once.
@functools.lru_cache(maxsize=4096)
def _strings(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


@functools.lru_cache(maxsize=4096)
def _regions(text: str) -> tuple[Region, ...]:
    return tuple(Region(*fields) for fields in json.loads(text))
