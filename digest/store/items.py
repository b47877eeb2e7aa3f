"""The stories table: items, who carried them, their tags, and their tries at an article."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from digest.models import ArticleAttempt, FellBack, Item, Sighting, Tags, Window
from digest.store import rows
from digest.store.rows import ceil_second
from digest.store.schema import DUE_AGAIN, RETRY_SPACING
from digest.units import iso_utc
from digest.urls import WEB_PREFIXES

# A story known only by its feed's id (a `urn:` key) has no page to download again.
_HAS_PAGE = "(" + " OR ".join(f"url LIKE '{prefix}%'" for prefix in WEB_PREFIXES) + ")"
_FIRST_FEED = (
    "(SELECT feeds.url FROM item_feeds JOIN feeds ON feeds.id = item_feeds.feed_id "
    "WHERE item_feeds.item_id = items.id ORDER BY item_feeds.first_seen, feeds.id LIMIT 1) AS feed_url"
)
_FELL_BACK_COLUMNS = f"url, title, summary, text, published, {_FIRST_FEED}"
_ISSUED = "EXISTS (SELECT 1 FROM issue_items WHERE issue_items.url = items.url)"
_CHUNK = 500  # URLs a query asks about at once: well under SQLite's variable limit


def known_urls(db: sqlite3.Connection, urls: Iterable[str]) -> set[str]:
    wanted = list(urls)
    known: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        known.update(row["url"] for row in db.execute(f"SELECT url FROM items WHERE url IN ({marks})", chunk))
    return known


def fell_back(db: sqlite3.Connection, now: datetime, forced: Window | None) -> list[FellBack]:
    """Stories that kept their feed's text and are due for another try at their article;
    with `forced`, also every one published in that window, however often it was tried."""
    found = db.execute(
        f"SELECT {_FELL_BACK_COLUMNS} FROM items INDEXED BY items_to_fetch_again WHERE {DUE_AGAIN} "
        f"AND {_HAS_PAGE} AND (fetch_attempts = 0 OR last_fetch_attempt <= ?)",
        (iso_utc(now - RETRY_SPACING),),
    ).fetchall()
    if forced is not None:
        found += db.execute(
            f"SELECT {_FELL_BACK_COLUMNS} FROM items WHERE published >= ? AND published < ? "
            f"AND extracted = 0 AND {_HAS_PAGE}",
            (iso_utc(forced.start), iso_utc(ceil_second(forced.end))),
        ).fetchall()
    due = {str(row["url"]): row for row in found}
    return [
        FellBack(
            str(row["url"]), str(row["title"]), str(row["summary"]), str(row["text"]),
            rows.time(str(row["published"])), row["feed_url"],
        )
        for row in due.values()
    ]  # fmt: skip


def in_window(db: sqlite3.Connection, window: Window, *, sent: bool | None, policy_only: bool) -> list[Item]:
    """Every item published in the window, newest first, each with all its feeds, its text cut
    to its lead and without its evidence; `sent` and `policy_only` as `Store.items_in` says."""
    condition = "" if sent is None else f"AND {_ISSUED}" if sent else f"AND NOT {_ISSUED}"
    if policy_only:
        condition += " AND topics != '[]'"
    found = db.execute(
        f"""
        SELECT {rows.DIGEST_COLUMNS}, {rows.FEED_NAMES} FROM items
        WHERE published >= ? AND published < ? {condition}
        ORDER BY published DESC, id DESC
        """,
        (iso_utc(window.start), iso_utc(ceil_second(window.end))),
    )
    return [rows.item(row) for row in found]


def find(db: sqlite3.Connection, reference: str) -> list[Item]:
    """Items by id, by URL, or by a title prefix (case-insensitive); at most a few."""
    reference = reference.strip()
    for condition, value in (
        ("uid = ?", reference),
        ("url = ?", reference),
        ("title LIKE ? ESCAPE '\\' COLLATE NOCASE", _like_prefix(reference)),
    ):
        found = db.execute(
            f"SELECT {rows.listed(rows.ITEM_COLUMNS)}, {rows.FEED_NAMES} FROM items WHERE {condition} "
            "ORDER BY published DESC LIMIT 10",
            (value,),
        ).fetchall()
        if found:
            return [rows.item(row) for row in found]
    return []


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def texts_page(db: sqlite3.Connection, after: int, page: int) -> list[sqlite3.Row]:
    """Up to `page` items' (id, uid, title, summary, text) after row id `after`, in id order."""
    return db.execute(
        "SELECT id, uid, title, summary, text FROM items WHERE id > ? ORDER BY id LIMIT ?", (after, page)
    ).fetchall()


def texts(found: Iterable[sqlite3.Row]) -> Iterator[tuple[str, str, str, str]]:
    for row in found:
        yield str(row["uid"]), str(row["title"]), str(row["summary"]), str(row["text"])


def retag(db: sqlite3.Connection, tags: Sequence[tuple[str, Tags]]) -> None:
    db.executemany(
        f"UPDATE items SET {rows.assignments(rows.TAG_COLUMNS)} WHERE uid = :uid",
        [{**rows.tag_values(item_tags), "uid": uid} for uid, item_tags in tags],
    )


def insert(db: sqlite3.Connection, items: Sequence[Item], sightings: Sequence[Sighting]) -> None:
    """New items (a URL already stored keeps its row), then who carried them."""
    db.executemany(
        f"INSERT INTO items ({rows.listed(rows.ITEM_COLUMNS)}) "
        f"VALUES ({rows.placeholders(rows.ITEM_COLUMNS)}) ON CONFLICT (url) DO NOTHING",
        [rows.item_values(item) for item in items],
    )
    db.executemany(
        """
        INSERT INTO item_feeds (item_id, feed_id, guid, first_seen)
        SELECT items.id, feeds.id, ?, ? FROM items, feeds
        WHERE items.url = ? AND feeds.url = ?
        ON CONFLICT DO NOTHING
        """,
        [(s.guid, iso_utc(s.seen_at), s.item_url, s.feed_url) for s in sightings],
    )


_REFRESHED = ("summary", "text", "site_name", *rows.TAG_COLUMNS)


def refresh(db: sqlite3.Connection, items: Sequence[Item]) -> None:
    """Stored stories whose article came this time: its text and tags replace the feed's."""
    db.executemany(
        f"UPDATE items SET {rows.assignments(_REFRESHED)}, author = coalesce(author, :author), "
        "extracted = 1 WHERE url = :url",
        [
            {
                "summary": item.summary, "text": item.text, "site_name": item.site_name,
                **rows.tag_values(item.tags), "author": item.author, "url": item.url,
            }
            for item in items
        ],
    )  # fmt: skip


def record_attempts(db: sqlite3.Connection, attempts: Sequence[ArticleAttempt]) -> None:
    db.executemany(
        "UPDATE items SET fetch_failure = ?, last_fetch_attempt = ?, "
        "fetch_attempts = fetch_attempts + ? WHERE url = ?",
        [
            (attempt.failure and attempt.failure.value, iso_utc(attempt.at), int(attempt.again), attempt.url)
            for attempt in attempts
        ],
    )


def prune(db: sqlite3.Connection, before: datetime) -> int:
    """Delete the items whose date and first sighting are both older than `before`."""
    cutoff = iso_utc(before)
    return int(
        db.execute("DELETE FROM items WHERE published < ? AND first_seen < ?", (cutoff, cutoff)).rowcount
    )
