"""The `Store`: one SQLite file in WAL mode; what a run writes and what a digest reads."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType

from digest.models import (
    ArticleAttempt,
    Digest,
    Feed,
    FeedCheck,
    FeedHealth,
    FeedResult,
    FellBack,
    Issue,
    Item,
    Sighting,
    StoreStats,
    Tags,
    Validators,
    Window,
)
from digest.store import archive, connection, search
from digest.store import feeds as _feeds
from digest.store import items as _items
from digest.store.faults import fault, faults
from digest.store.rows import time_or_none


class Store:
    """One SQLite file in WAL mode; every write is one short transaction."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db = db
        self.path = path

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Store:
        """The store at `path`: for a writer, checked (schema, damage, write lock) before
        anything changes it; for a reader, opened read-only so a read-only place will do."""
        return cls(connection.connect(path, read_only=read_only), path)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
        if isinstance(error, sqlite3.Error):
            # Any query inside the `with` that SQLite refused: one sentence, no traceback.
            raise fault(self.path, error, "read") from None

    def close(self) -> None:
        self._db.close()

    # -- reading -------------------------------------------------------------------------

    @faults("read")
    def validators(self, feed_url: str) -> Validators:
        return _feeds.validators(self._db, feed_url)

    @faults("read")
    def known_urls(self, urls: Iterable[str]) -> set[str]:
        return _items.known_urls(self._db, urls)

    @faults("read")
    def fell_back(self, now: datetime, forced: Window | None = None) -> list[FellBack]:
        """Stories that kept their feed's text and are due for another try at their article;
        with `forced`, also every one published in that window, however often it was tried."""
        return _items.fell_back(self._db, now, forced)

    @faults("read")
    def items_in(self, window: Window, *, sent: bool | None = None, policy_only: bool = False) -> list[Item]:
        """Every item published in the window, newest first, each with all its feeds; with
        `sent` False only those no issue included yet, with True only those one did; with
        `policy_only`, only items with a topic.

        For a digest: each item's text is only its first `TEXT_LEAD_CHARS` characters, and
        its evidence is left out (`find_items` gives whole items)."""
        return _items.in_window(self._db, window, sent=sent, policy_only=policy_only)

    @faults("read")
    def find_items(self, reference: str) -> list[Item]:
        """Items by id, by URL, or by a title prefix (case-insensitive); at most a few."""
        return _items.find(self._db, reference)

    def texts(self, page: int = 500) -> Iterator[tuple[str, str, str, str]]:
        """(id, title, summary, text) of every stored item, for re-tagging without the network.

        Read `page` items at a time, so a store of any size re-tags in little memory, and the
        caller may write tags between pages (each page is its own query, after the last id)."""
        last = 0
        while True:
            try:
                found = _items.texts_page(self._db, last, page)
            except sqlite3.Error as error:
                raise fault(self.path, error, "read") from None
            if not found:
                return
            last = found[-1]["id"]
            yield from _items.texts(found)

    @faults("read")
    def matches(self, wanted: search.Query, window: Window) -> list[tuple[Item, float]]:
        """Stories in the window that match a search, best first, with their bm25 rank (lower
        is better); each item's text is cut as for a digest."""
        return search.matches(self._db, wanted, window)

    @faults("read")
    def snippets(self, items: Sequence[Item], wanted: search.Query) -> list[str]:
        """Where each item matched: a stretch of its whole text, title or summary."""
        return search.snippets(self._db, items, wanted)

    @faults("read")
    def feed_results(self, feeds: Sequence[Feed]) -> list[FeedResult]:
        """Each configured feed as its last run left it (never checked: an error saying so)."""
        return _feeds.results(self._db, feeds)

    @faults("read")
    def feed_health(self, feeds: Sequence[Feed], window: Window) -> list[FeedHealth]:
        """Each configured feed's last attempt and success, status, failures in a row, and
        how many stored items it carried, in all and in the window."""
        return _feeds.health(self._db, feeds, window)

    @faults("read")
    def stats(self) -> StoreStats:
        row = self._db.execute(
            "SELECT count(*) AS items, coalesce(sum(length(CAST(text AS BLOB))), 0) AS text_bytes, "
            "min(published) AS oldest, max(published) AS newest FROM items"
        ).fetchone()
        issues = self._db.execute("SELECT count(*) FROM issues").fetchone()[0]
        size = sum(
            path.stat().st_size
            for path in (self.path, self.path.with_name(self.path.name + "-wal"))
            if path.exists()
        )
        return StoreStats(
            size,
            row["items"],
            row["text_bytes"],
            issues,
            time_or_none(row["oldest"]),
            time_or_none(row["newest"]),
        )

    @faults("read")
    def next_issue(self) -> int:
        return archive.next_number(self._db)

    @faults("read")
    def issues(self) -> list[Issue]:
        return archive.issues(self._db)

    @faults("read")
    def last_issue(self) -> Issue | None:
        return archive.last(self._db)

    @faults("read")
    def issue(self, number: int) -> Digest | None:
        """An issue's digest exactly as it was composed when it was sent."""
        return archive.digest(self._db, number)

    # -- writing -------------------------------------------------------------------------

    @faults("write")
    def save(
        self,
        items: Sequence[Item] = (),
        sightings: Sequence[Sighting] = (),
        checks: Sequence[FeedCheck] = (),
        attempts: Sequence[ArticleAttempt] = (),
        refreshed: Sequence[Item] = (),
    ) -> None:
        """Write one batch in one transaction: items, then who carried them, then feed state;
        `refreshed` are stored items whose article came this time, `attempts` the tries at
        articles (a new item's first try, a stored item's try again).

        A feed's validators are only ever saved in the batch that holds the last of its items
        or later, so a crash can never leave a 304 hiding items that were not stored."""
        with self._transaction():
            for check in checks:
                _feeds.ensure(self._db, check.feed)
            for sighting in sightings:
                _feeds.ensure_seen(self._db, sighting.feed_url, sighting.feed_name)
            _items.insert(self._db, items, sightings)
            for check in checks:
                _feeds.record_check(self._db, check)
            _items.refresh(self._db, refreshed)
            _items.record_attempts(self._db, attempts)

    @faults("write")
    def retag(self, tags: Sequence[tuple[str, Tags]]) -> None:
        """Replace the tags of these items (by id), in one transaction."""
        with self._transaction():
            _items.retag(self._db, tags)

    @faults("write")
    def prune(self, before: datetime) -> int:
        """Remove the items older than `before`, their text and who carried them, then give the
        space back to the file system. Returns how many items went.

        An item goes when both its date and its first sighting are that old, so a story a feed
        brings late is kept a full term. Issues keep their record of what they sent (by URL), so
        a pruned story that comes back is not sent again."""
        with self._transaction():
            removed = _items.prune(self._db, before)
        if removed:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    @faults("write")
    def record_issue(self, digest: Digest, fmt: str, sent_at: datetime, urls: Iterable[str]) -> None:
        """Keep a sent digest as issue `digest.issue`, and the URLs of the items it included."""
        if digest.issue is None:
            raise ValueError("only a numbered digest is an issue")
        with self._transaction():
            archive.record(self._db, digest, fmt, sent_at, urls)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (the connection is autocommit).

        Everything from BEGIN on is inside the `try`: an exception a signal raises just after
        BEGIN must not leave the transaction open."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
