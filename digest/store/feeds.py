"""The feeds table: each feed's validators and health, as the last run that checked it left them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from digest.models import Feed, FeedCheck, FeedHealth, FeedResult, FeedStatus, Validators, Window
from digest.store.rows import ceil_second, time_or_none
from digest.units import iso_utc

_HEALTH = """
    SELECT last_attempt, last_success, last_status, last_error, consecutive_failures,
           moved_to, failing_since,
           (SELECT count(*) FROM item_feeds WHERE feed_id = feeds.id) AS stored,
           (SELECT count(*) FROM item_feeds JOIN items ON items.id = item_feeds.item_id
            WHERE feed_id = feeds.id AND items.published >= ? AND items.published < ?) AS in_window
    FROM feeds WHERE url = ?
"""
_CHECKED = """
    UPDATE feeds SET
        last_attempt = :when,
        last_success = CASE WHEN :failed THEN last_success ELSE :when END,
        last_status = :status, last_error = :error, last_new_items = :new_items,
        consecutive_failures = CASE WHEN :failed THEN consecutive_failures + 1 ELSE 0 END,
        failing_since = CASE WHEN :failed THEN coalesce(failing_since, :when) END,
        moved_to = :moved_to, gone = :gone
    WHERE url = :url
"""


def validators(db: sqlite3.Connection, feed_url: str) -> Validators:
    row = db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (feed_url,)).fetchone()
    return Validators(row["etag"], row["last_modified"]) if row else Validators()


def results(db: sqlite3.Connection, feeds: Sequence[Feed]) -> list[FeedResult]:
    """Each configured feed as its last run left it (never checked: an error saying so)."""
    found = []
    for feed in feeds:
        row = db.execute(
            "SELECT last_status, last_error, last_new_items, moved_to, gone, consecutive_failures, "
            "failing_since FROM feeds WHERE url = ?",
            (feed.url,),
        ).fetchone()
        if row is None or row["last_status"] is None:
            found.append(FeedResult(feed.name, feed.url, FeedStatus.NOT_FETCHED, "not fetched yet"))
            continue
        found.append(
            FeedResult(
                feed.name, feed.url, FeedStatus(row["last_status"]), row["last_error"], row["last_new_items"],
                moved_to=row["moved_to"], gone=bool(row["gone"]), failures=row["consecutive_failures"],
                failing_since=time_or_none(row["failing_since"]),
            )
        )  # fmt: skip
    return found


def health(db: sqlite3.Connection, feeds: Sequence[Feed], window: Window) -> list[FeedHealth]:
    """Each configured feed's last attempt and success, status, failures in a row, and
    how many stored items it carried, in all and in the window."""
    found = []
    for feed in feeds:
        row = db.execute(
            _HEALTH, (iso_utc(window.start), iso_utc(ceil_second(window.end)), feed.url)
        ).fetchone()
        if row is None:
            found.append(FeedHealth.never_fetched(feed.name, feed.url))
            continue
        found.append(
            FeedHealth(
                feed.name, feed.url, time_or_none(row["last_attempt"]), time_or_none(row["last_success"]),
                row["last_status"], row["last_error"], row["consecutive_failures"], row["stored"],
                row["in_window"], row["moved_to"], time_or_none(row["failing_since"]),
            )
        )  # fmt: skip
    return found


def ensure(db: sqlite3.Connection, feed: Feed) -> None:
    """The feed's row, its name as the feeds file has it now."""
    db.execute(
        "INSERT INTO feeds (url, name) VALUES (?, ?) ON CONFLICT (url) DO UPDATE SET name = excluded.name",
        (feed.url, feed.name),
    )


def ensure_seen(db: sqlite3.Connection, url: str, name: str) -> None:
    """A row for a feed that carried a story, keeping the name it has if it has one."""
    db.execute("INSERT INTO feeds (url, name) VALUES (?, ?) ON CONFLICT (url) DO NOTHING", (url, name))


def record_check(db: sqlite3.Connection, check: FeedCheck) -> None:
    result = check.result
    if result.status is FeedStatus.NOT_FETCHED:
        # The run never heard from it: its health (last success, failures) stays as it was.
        db.execute(
            "UPDATE feeds SET last_status = ?, last_error = ?, last_new_items = ? WHERE url = ?",
            (result.status.value, result.error, result.new_items, check.feed.url),
        )
        return
    db.execute(
        _CHECKED,
        {
            "when": iso_utc(check.checked_at), "failed": result.status is FeedStatus.ERROR,
            "status": result.status.value, "error": result.error, "new_items": result.new_items,
            "moved_to": result.moved_to, "gone": result.gone, "url": check.feed.url,
        },
    )  # fmt: skip
    if check.validators is not None:
        db.execute(
            "UPDATE feeds SET etag = ?, last_modified = ? WHERE url = ?",
            (check.validators.etag, check.validators.last_modified, check.feed.url),
        )
