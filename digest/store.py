"""The SQLite store: schema and migrations, idempotent batch writes, window queries."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import errno
import fcntl
import functools
import json
import os
import sqlite3
import time
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

from digest.errors import LockError, StoreError
from digest.models import (
    ArticleAttempt,
    Digest,
    Evidence,
    Feed,
    FeedCheck,
    FeedHealth,
    FeedResult,
    FeedStatus,
    FellBack,
    Issue,
    Item,
    Region,
    Sighting,
    StoreStats,
    Tags,
    Validators,
    Window,
)

# A story that kept its feed's text for a passing reason is downloaded again at most this many
# times: at the next run, then a day apart, so the tries span at least two days.
RETRIES = 3
RETRY_SPACING = timedelta(days=1)
_RETRIED = "('download', 'skipped')"  # ArticleFailure.DOWNLOAD and .SKIPPED
# A story known only by its feed's id (a `urn:` key) has no page to download again.
_HAS_PAGE = "(url LIKE 'http://%' OR url LIKE 'https://%')"
_DUE_AGAIN = f"extracted = 0 AND fetch_failure IN {_RETRIED} AND fetch_attempts < {RETRIES}"

# Forward-only migrations; the store's `PRAGMA user_version` counts how many have run.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_attempt TEXT,
        last_success TEXT,
        last_status TEXT,
        last_error TEXT,
        last_new_items INTEGER NOT NULL DEFAULT 0,
        consecutive_failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT,
        categories TEXT NOT NULL DEFAULT '[]',
        site_name TEXT,
        published TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        extracted INTEGER NOT NULL,
        topics TEXT NOT NULL DEFAULT '[]',
        regions TEXT NOT NULL DEFAULT '[]',
        primary_region TEXT
    );
    CREATE INDEX items_by_published ON items (published);
    CREATE TABLE item_feeds (
        item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        guid TEXT,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (item_id, feed_id)
    ) WITHOUT ROWID;
    """,
    # 2: the tagger's evidence, kept so `digest explain` needs no re-tagging.
    """
    ALTER TABLE items ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
    """,
    # 3: feed health for the digest's footer, and the issues sent (since-last-issue).
    """
    ALTER TABLE feeds ADD COLUMN failing_since TEXT;
    ALTER TABLE feeds ADD COLUMN moved_to TEXT;
    ALTER TABLE feeds ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE issues (
        number INTEGER PRIMARY KEY,
        sent_at TEXT NOT NULL,
        window_start TEXT NOT NULL,
        window_end TEXT NOT NULL,
        format TEXT NOT NULL,
        items INTEGER NOT NULL,
        digest TEXT NOT NULL
    );
    CREATE TABLE issue_items (
        issue INTEGER NOT NULL REFERENCES issues (number) ON DELETE CASCADE,
        url TEXT NOT NULL,
        PRIMARY KEY (url, issue)
    ) WITHOUT ROWID;
    """,
    # 4: stories that kept their feed's text are tried again (why, how often, when last).
    f"""
    ALTER TABLE items ADD COLUMN fetch_failure TEXT;
    ALTER TABLE items ADD COLUMN fetch_attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE items ADD COLUMN last_fetch_attempt TEXT;
    CREATE INDEX items_to_fetch_again ON items (last_fetch_attempt) WHERE {_DUE_AGAIN};
    """,
)

_ITEM_COLUMNS = (
    "uid, url, title, summary, text, author, categories, site_name, published, first_seen, "
    "extracted, topics, regions, primary_region, evidence"
)
# What a digest needs of an item: its text only as far as a line of context reaches, and not
# the tagger's evidence. Loading every full article made `show` over 10,000 items slow.
TEXT_LEAD_CHARS = 1000
_DIGEST_COLUMNS = (
    f"uid, url, title, summary, substr(text, 1, {TEXT_LEAD_CHARS}), author, categories, site_name, "
    "published, first_seen, extracted, topics, regions, primary_region, '[]'"
)
_FEED_NAMES = """
    (SELECT json_group_array(name) FROM (
        SELECT feeds.name FROM item_feeds JOIN feeds ON feeds.id = item_feeds.feed_id
        WHERE item_feeds.item_id = items.id ORDER BY item_feeds.first_seen, feeds.id))
"""


def _iso(moment: datetime) -> str:
    # One fixed format in UTC, so that text order is time order in SQL.
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _ceil_second(moment: datetime) -> datetime:
    """Times are stored to the second: a window ending at 12:00:00.4 includes 12:00:00."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _time_or_none(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# How long a statement waits for another program's write lock on the store before it gives up:
# long enough for a backup or a `sqlite3` shell's short write, short enough that a run's
# deadline still holds.
BUSY_SECONDS = 5.0

P = ParamSpec("P")
R = TypeVar("R")


def _guarded(path: Path, doing: str, work: Callable[[], R]) -> R:
    try:
        return work()
    except sqlite3.Error as error:
        raise _fault(path, error, doing) from None


def _faults(doing: str) -> Callable[[Callable[Concatenate[Store, P], R]], Callable[Concatenate[Store, P], R]]:
    """A store method whose SQLite errors become one `StoreError` sentence."""

    def decorate(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
        @functools.wraps(method)
        def guarded(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(store, *args, **kwargs)
            except sqlite3.Error as error:
                raise _fault(store.path, error, doing) from None

        return guarded

    return decorate


def _error_name(error: sqlite3.Error) -> str:
    return str(getattr(error, "sqlite_errorname", "") or "")


def _fault(path: Path, error: sqlite3.Error, doing: str) -> StoreError:
    """What a user can do about an SQLite error, said once; `doing` is open, read or write."""
    name, text = _error_name(error), str(error)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return _damaged(path, text, doing)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(
            f"{path}: another program holds the store's write lock (waited {BUSY_SECONDS:g} s)"
            f"{_what_changed(doing)}",
            hint=f"find it with `fuser {path}` and let it finish, then run again",
        )
    if name.startswith("SQLITE_READONLY") or (name.startswith("SQLITE_CANTOPEN") and not _writable(path)):
        return StoreError(
            f"{path}: the store is read-only (its file, directory or mount){_what_changed(doing)}",
            hint=_READ_ONLY_HINT,
        )
    if name == "SQLITE_FULL":
        return _disk_full(path, doing)
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError(f"{path}: cannot open the store ({text})")
    return StoreError(f"{path}: cannot {'write to' if doing == 'write' else 'read'} the store ({text})")


_READ_ONLY_HINT = (
    "make it writable, or point --db at a writable place; show, feeds and explain can still read it"
)


def _damaged(path: Path, problem: str, doing: str) -> StoreError:
    problem = " ".join(problem.replace("*** in database main ***", "").split())[:200]
    return StoreError(
        f"{path}: the store is damaged ({problem}){_what_changed(doing)}",
        hint=f"see the damage with `sqlite3 {path} 'PRAGMA integrity_check'`; then restore a copy, "
        f"or move it aside (`mv {path} {path}.damaged`) and fetch again to start a new store",
    )


def _disk_full(path: Path, doing: str) -> StoreError:
    return StoreError(
        f"{path}: no space left on the disk holding the store{_what_changed(doing)}",
        hint="free some space, then run again",
    )


def _what_changed(doing: str) -> str:
    if doing == "write":
        return "; the batch being written was rolled back, what was stored before is kept"
    return "; nothing was changed"


def _is_constraint(problem: str) -> bool:
    """quick_check also checks NOT NULL and CHECK constraints, with false alarms on WITHOUT
    ROWID tables in SQLite 3.40 (issue_items); those are not damage to the file."""
    return problem.startswith(("NULL value in", "CHECK constraint failed"))


def _refuse_directory(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a store file", hint="point --db at a file")


def _writable(path: Path) -> bool:
    """Whether this process may write the store: its directory (for the -wal and -shm files)
    and the file itself. access() answers for a read-only mount even as root."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _drop_stubs(stubs: dict[Path, bool]) -> None:
    """A full disk leaves the -shm and -wal files this reader began: a few bytes of a -shm (a
    real one is at least 32 KiB) and an empty -wal, nobody else's, since they were not there."""
    for stub, was_there in stubs.items():
        with contextlib.suppress(OSError):
            if not was_there and stub.stat().st_size < (32768 if stub.name.endswith("-shm") else 1):
                stub.unlink()


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


class Store:
    """One SQLite file in WAL mode; every write is one short transaction."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Store:
        """The store at `path`: for a writer, checked (schema, damage, write lock) before
        anything changes it; for a reader, opened read-only so a read-only place will do."""
        _refuse_directory(path)
        if read_only:
            store = cls._open_reader(path)
            if store is not None:
                return store
            # An older schema: only a writer can bring it up to date.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        except OSError as error:
            raise StoreError(f"{path}: cannot open the store ({error.strerror or error})") from None
        except sqlite3.Error as error:
            raise _fault(path, error, "open") from None
        store = cls(connection, path)
        try:
            store._prepare_for_writing()
        except BaseException:
            connection.close()
            raise
        return store

    @classmethod
    def _open_reader(cls, path: Path) -> Store | None:
        """The store opened read-only, or None when its schema needs a writer to upgrade it.

        A WAL store needs its `-shm` file beside it; where that cannot be created (a read-only
        directory or mount, or a full disk) and no `-wal` holds unmerged commits, the file is
        read as immutable."""
        companions = (path.with_name(path.name + end) for end in ("-shm", "-wal"))
        stubs = {companion: companion.exists() for companion in companions}
        for query in ("mode=ro", "immutable=1"):
            if query == "immutable=1" and _has_wal(path):
                break
            try:
                connection = sqlite3.connect(
                    f"{path.absolute().as_uri()}?{query}",
                    uri=True,
                    timeout=BUSY_SECONDS,
                    isolation_level=None,
                )
                connection.execute("PRAGMA user_version").fetchone()
            except sqlite3.Error as error:
                if query == "mode=ro" and _error_name(error).startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR")):
                    _drop_stubs(stubs)
                    continue
                raise _fault(path, error, "open") from None
            store = cls(connection, path)
            try:
                version = store._schema_version()
            except BaseException:
                connection.close()
                raise
            if version < len(MIGRATIONS):
                connection.close()
                if _writable(path):
                    return None
                raise StoreError(
                    f"{path}: the store is read-only and was written by an older digest "
                    f"(schema {version}); it must be upgraded before this one can read it",
                    hint="run `digest fetch` once where the store can be written",
                )
            return store
        raise StoreError(
            f"{path}: cannot read the store: its directory is read-only and its -wal file holds "
            "changes not yet merged into it",
            hint="open it once where it can be written (e.g. `digest fetch`), or copy the files elsewhere",
        )

    def _prepare_for_writing(self) -> None:
        """Refuse a newer or damaged store before anything changes it, then set it up and
        upgrade its schema. The quick check reads every page once (measured in bench/)."""
        self._schema_version()
        problems = _guarded(
            self.path, "check", lambda: [row[0] for row in self._db.execute("PRAGMA quick_check(20)")]
        )
        if damage := [problem for problem in problems if problem != "ok" and not _is_constraint(problem)]:
            raise _damaged(self.path, damage[0], "open")

        def prepare() -> None:
            self._db.execute("PRAGMA journal_mode = WAL")
            # NORMAL is safe in WAL mode against a killed process; only power loss can drop
            # the last commits, and never corrupts the file.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            # Another program holding SQLite's write lock is found now, within the busy
            # timeout, rather than at the first batch of a run.
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("ROLLBACK")
            self._migrate()

        _guarded(self.path, "open", prepare)

    def _schema_version(self) -> int:
        """The schema's version; a store from a newer digest is refused here, before any change."""
        version = int(
            _guarded(self.path, "open", lambda: self._db.execute("PRAGMA user_version").fetchone()[0])
        )
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: the store was written by a newer digest (schema {version})",
                hint="upgrade digest, or point --db at another file",
            )
        return version

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
        if isinstance(error, sqlite3.Error):
            # Any query inside the `with` that SQLite refused: one sentence, no traceback.
            raise _fault(self.path, error, "read") from None

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first; the BEGIN inside makes each migration atomic.
            self._db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    # -- reading -------------------------------------------------------------------------

    @_faults("read")
    def validators(self, feed_url: str) -> Validators:
        row = self._db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (feed_url,)).fetchone()
        return Validators(*row) if row else Validators()

    @_faults("read")
    def known_urls(self, urls: Iterable[str]) -> set[str]:
        wanted = list(urls)
        known: set[str] = set()
        for start in range(0, len(wanted), 500):  # stay under SQLite's variable limit
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT url FROM items WHERE url IN ({marks})", chunk)
            known.update(url for (url,) in rows)
        return known

    @_faults("read")
    def fell_back(self, now: datetime, forced: Window | None = None) -> list[FellBack]:
        """Stories that kept their feed's text and are due for another try at their article;
        with `forced`, also every one published in that window, however often it was tried."""
        first_feed = (
            "(SELECT feeds.url FROM item_feeds JOIN feeds ON feeds.id = item_feeds.feed_id "
            "WHERE item_feeds.item_id = items.id ORDER BY item_feeds.first_seen, feeds.id LIMIT 1)"
        )
        columns = f"url, title, summary, text, published, {first_feed}"
        rows = self._db.execute(
            f"SELECT {columns} FROM items INDEXED BY items_to_fetch_again WHERE {_DUE_AGAIN} "
            f"AND {_HAS_PAGE} AND (fetch_attempts = 0 OR last_fetch_attempt <= ?)",
            (_iso(now - RETRY_SPACING),),
        ).fetchall()
        if forced is not None:
            rows += self._db.execute(
                f"SELECT {columns} FROM items WHERE published >= ? AND published < ? AND extracted = 0 "
                f"AND {_HAS_PAGE}",
                (_iso(forced.start), _iso(_ceil_second(forced.end))),
            ).fetchall()
        due = {str(row[0]): row for row in rows}
        return [
            FellBack(str(url), str(title), str(summary), str(text), _time(str(published)), feed_url)
            for url, title, summary, text, published, feed_url in due.values()
        ]

    @_faults("read")
    def items_in(self, window: Window, *, sent: bool | None = None, policy_only: bool = False) -> list[Item]:
        """Every item published in the window, newest first, each with all its feeds; with
        `sent` False only those no issue included yet, with True only those one did; with
        `policy_only`, only items with a topic.

        For a digest: each item's text is only its first `TEXT_LEAD_CHARS` characters, and
        its evidence is left out (`find_items` gives whole items)."""
        issued = "EXISTS (SELECT 1 FROM issue_items WHERE issue_items.url = items.url)"
        condition = "" if sent is None else f"AND {issued}" if sent else f"AND NOT {issued}"
        if policy_only:
            condition += " AND topics != '[]'"
        rows = self._db.execute(
            f"""
            SELECT {_DIGEST_COLUMNS}, {_FEED_NAMES} FROM items
            WHERE published >= ? AND published < ? {condition}
            ORDER BY published DESC, id DESC
            """,
            (_iso(window.start), _iso(_ceil_second(window.end))),
        )
        return [_item(row) for row in rows]

    @_faults("read")
    def find_items(self, reference: str) -> list[Item]:
        """Items by id, by URL, or by a title prefix (case-insensitive); at most a few."""
        reference = reference.strip()
        for condition, value in (
            ("uid = ?", reference),
            ("url = ?", reference),
            ("title LIKE ? ESCAPE '\\' COLLATE NOCASE", _like_prefix(reference)),
        ):
            rows = self._db.execute(
                f"SELECT {_ITEM_COLUMNS}, {_FEED_NAMES} FROM items WHERE {condition} "
                "ORDER BY published DESC LIMIT 10",
                (value,),
            ).fetchall()
            if rows:
                return [_item(row) for row in rows]
        return []

    def texts(self, page: int = 500) -> Iterator[tuple[str, str, str, str]]:
        """(id, title, summary, text) of every stored item, for re-tagging without the network.

        Read `page` items at a time, so a store of any size re-tags in little memory, and the
        caller may write tags between pages (each page is its own query, after the last id)."""
        last = 0
        while True:
            try:
                rows = self._db.execute(
                    "SELECT id, uid, title, summary, text FROM items WHERE id > ? ORDER BY id LIMIT ?",
                    (last, page),
                ).fetchall()
            except sqlite3.Error as error:
                raise _fault(self.path, error, "read") from None
            if not rows:
                return
            last = rows[-1][0]
            for _, uid, title, summary, text in rows:
                yield str(uid), str(title), str(summary), str(text)

    def retag(self, tags: Sequence[tuple[str, Tags]]) -> None:
        """Replace the tags of these items (by id), in one transaction."""
        try:
            with self._transaction():
                self._db.executemany(
                    "UPDATE items SET topics = ?, regions = ?, primary_region = ?, evidence = ? "
                    "WHERE uid = ?",
                    [(*_tag_columns(item_tags), uid) for uid, item_tags in tags],
                )
        except sqlite3.Error as error:
            raise _fault(self.path, error, "write") from None

    @_faults("read")
    def feed_results(self, feeds: Sequence[Feed]) -> list[FeedResult]:
        """Each configured feed as its last run left it (never checked: an error saying so)."""
        results = []
        for feed in feeds:
            row = self._db.execute(
                "SELECT last_status, last_error, last_new_items, moved_to, gone, consecutive_failures, "
                "failing_since FROM feeds WHERE url = ?",
                (feed.url,),
            ).fetchone()
            if row is None or row[0] is None:
                results.append(FeedResult(feed.name, feed.url, FeedStatus.NOT_FETCHED, "not fetched yet"))
                continue
            status, error, new_items, moved_to, gone, failures, since = row
            results.append(
                FeedResult(
                    feed.name, feed.url, FeedStatus(status), error, new_items, moved_to=moved_to,
                    gone=bool(gone), failures=failures, failing_since=_time_or_none(since),
                )
            )  # fmt: skip
        return results

    @_faults("read")
    def feed_health(self, feeds: Sequence[Feed], window: Window) -> list[FeedHealth]:
        """Each configured feed's last attempt and success, status, failures in a row, and
        how many stored items it carried, in all and in the window."""
        health = []
        for feed in feeds:
            row = self._db.execute(
                """
                SELECT last_attempt, last_success, last_status, last_error, consecutive_failures,
                       moved_to, failing_since,
                       (SELECT count(*) FROM item_feeds WHERE feed_id = feeds.id),
                       (SELECT count(*) FROM item_feeds JOIN items ON items.id = item_feeds.item_id
                        WHERE feed_id = feeds.id AND items.published >= ? AND items.published < ?)
                FROM feeds WHERE url = ?
                """,
                (_iso(window.start), _iso(_ceil_second(window.end)), feed.url),
            ).fetchone()
            if row is None:
                health.append(FeedHealth.never_fetched(feed.name, feed.url))
                continue
            attempt, success, status, error, failures, moved_to, since, stored, in_window = row
            health.append(
                FeedHealth(
                    feed.name, feed.url, _time_or_none(attempt),
                    _time_or_none(success), status, error, failures, stored, in_window,
                    moved_to, _time_or_none(since),
                )
            )  # fmt: skip
        return health

    @_faults("read")
    def stats(self) -> StoreStats:
        items, text_bytes, oldest, newest = self._db.execute(
            "SELECT count(*), coalesce(sum(length(CAST(text AS BLOB))), 0), min(published), max(published) "
            "FROM items"
        ).fetchone()
        issues = self._db.execute("SELECT count(*) FROM issues").fetchone()[0]
        size = sum(
            path.stat().st_size
            for path in (self.path, self.path.with_name(self.path.name + "-wal"))
            if path.exists()
        )
        return StoreStats(
            size,
            items,
            text_bytes,
            issues,
            _time_or_none(oldest),
            _time_or_none(newest),
        )

    @_faults("read")
    def next_issue(self) -> int:
        return int(self._db.execute("SELECT coalesce(max(number), 0) + 1 FROM issues").fetchone()[0])

    @_faults("read")
    def issues(self) -> list[Issue]:
        return [
            _issue(row) for row in self._db.execute(f"SELECT {_ISSUE_COLUMNS} FROM issues ORDER BY number")
        ]

    @_faults("read")
    def last_issue(self) -> Issue | None:
        row = self._db.execute(f"SELECT {_ISSUE_COLUMNS} FROM issues ORDER BY number DESC LIMIT 1").fetchone()
        return _issue(row) if row else None

    @_faults("read")
    def issue(self, number: int) -> Digest | None:
        """An issue's digest exactly as it was composed when it was sent."""
        row = self._db.execute("SELECT digest FROM issues WHERE number = ?", (number,)).fetchone()
        return _rebuilt(Digest, json.loads(row[0])) if row else None

    # -- writing -------------------------------------------------------------------------

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
        try:
            with self._transaction():
                for check in checks:
                    self._ensure_feed(check.feed)
                for sighting in sightings:
                    self._db.execute(
                        "INSERT INTO feeds (url, name) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
                        (sighting.feed_url, sighting.feed_name),
                    )
                self._db.executemany(
                    f"INSERT INTO items ({_ITEM_COLUMNS}) VALUES ({','.join('?' * 15)}) "
                    "ON CONFLICT (url) DO NOTHING",
                    [_item_row(item) for item in items],
                )
                self._db.executemany(
                    """
                    INSERT INTO item_feeds (item_id, feed_id, guid, first_seen)
                    SELECT items.id, feeds.id, ?, ? FROM items, feeds
                    WHERE items.url = ? AND feeds.url = ?
                    ON CONFLICT DO NOTHING
                    """,
                    [(s.guid, _iso(s.seen_at), s.item_url, s.feed_url) for s in sightings],
                )
                for check in checks:
                    self._record_check(check)
                self._refresh(refreshed)
                self._record_attempts(attempts)
        except sqlite3.Error as error:
            raise _fault(self.path, error, "write") from None

    def prune(self, before: datetime) -> int:
        """Remove the items older than `before`, their text and who carried them, then give the
        space back to the file system. Returns how many items went.

        An item goes when both its date and its first sighting are that old, so a story a feed
        brings late is kept a full term. Issues keep their record of what they sent (by URL), so
        a pruned story that comes back is not sent again."""
        cutoff = _iso(before)
        try:
            with self._transaction():
                removed = self._db.execute(
                    "DELETE FROM items WHERE published < ? AND first_seen < ?", (cutoff, cutoff)
                ).rowcount
            if removed:
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as error:
            raise _fault(self.path, error, "write") from None
        return int(removed)

    def record_issue(self, digest: Digest, fmt: str, sent_at: datetime, urls: Iterable[str]) -> None:
        """Keep a sent digest as issue `digest.issue`, and the URLs of the items it included."""
        if digest.issue is None:
            raise ValueError("only a numbered digest is an issue")
        archived = json.dumps(_plain(digest), ensure_ascii=False, separators=(",", ":"))
        urls = list(dict.fromkeys(urls))
        try:
            with self._transaction():
                self._db.execute(
                    "INSERT INTO issues (number, sent_at, window_start, window_end, format, items, digest) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        digest.issue, _iso(sent_at), _iso(digest.window.start), _iso(digest.window.end),
                        fmt, len(urls) - len(digest.repeats), archived,
                    ),
                )  # fmt: skip
                self._db.executemany(
                    "INSERT OR IGNORE INTO issue_items (issue, url) VALUES (?, ?)",
                    [(digest.issue, url) for url in urls],
                )
        except sqlite3.Error as error:
            raise _fault(self.path, error, "write") from None

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

    def _refresh(self, items: Sequence[Item]) -> None:
        """Stored stories whose article came this time: its text and tags replace the feed's."""
        self._db.executemany(
            "UPDATE items SET summary = ?, text = ?, author = coalesce(author, ?), site_name = ?, "
            "extracted = 1, topics = ?, regions = ?, primary_region = ?, evidence = ? WHERE url = ?",
            [
                (item.summary, item.text, item.author, item.site_name, *_tag_columns(item.tags), item.url)
                for item in items
            ],
        )

    def _record_attempts(self, attempts: Sequence[ArticleAttempt]) -> None:
        self._db.executemany(
            "UPDATE items SET fetch_failure = ?, last_fetch_attempt = ?, "
            "fetch_attempts = fetch_attempts + ? WHERE url = ?",
            [
                (attempt.failure and attempt.failure.value, _iso(attempt.at), int(attempt.again), attempt.url)
                for attempt in attempts
            ],
        )

    def _ensure_feed(self, feed: Feed) -> None:
        self._db.execute(
            "INSERT INTO feeds (url, name) VALUES (?, ?) "
            "ON CONFLICT (url) DO UPDATE SET name = excluded.name",
            (feed.url, feed.name),
        )

    def _record_check(self, check: FeedCheck) -> None:
        result = check.result
        if result.status is FeedStatus.NOT_FETCHED:
            # The run never heard from it: its health (last success, failures) stays as it was.
            self._db.execute(
                "UPDATE feeds SET last_status = ?, last_error = ?, last_new_items = ? WHERE url = ?",
                (result.status.value, result.error, result.new_items, check.feed.url),
            )
            return
        failed = result.status is FeedStatus.ERROR
        when = _iso(check.checked_at)
        self._db.execute(
            """
            UPDATE feeds SET
                last_attempt = :when,
                last_success = CASE WHEN :failed THEN last_success ELSE :when END,
                last_status = :status, last_error = :error, last_new_items = :new_items,
                consecutive_failures = CASE WHEN :failed THEN consecutive_failures + 1 ELSE 0 END,
                failing_since = CASE WHEN :failed THEN coalesce(failing_since, :when) END,
                moved_to = :moved_to, gone = :gone
            WHERE url = :url
            """,
            {
                "when": when, "failed": failed, "status": result.status.value, "error": result.error,
                "new_items": result.new_items, "moved_to": result.moved_to, "gone": result.gone,
                "url": check.feed.url,
            },
        )  # fmt: skip
        if check.validators is not None:
            self._db.execute(
                "UPDATE feeds SET etag = ?, last_modified = ? WHERE url = ?",
                (check.validators.etag, check.validators.last_modified, check.feed.url),
            )


# The run locks this process holds, so that its own run does not count as another one.
_HELD: set[Path] = set()


@contextlib.contextmanager
def run_lock(db: Path, timeout: float, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """One writing run at a time per store: an exclusive lock on a file beside the database.
    `on_wait` hears the holder's pid once, when this run starts waiting for it.

    flock belongs to the open file, so the kernel drops it when its process dies: a lock left
    by a killed run never blocks the next one. The pid inside only names the holder. The file
    is written unbuffered, so a full disk fails the write itself, once, and not its close."""
    _refuse_directory(db)
    path = db.with_name(db.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise _lock_fault(path, error, "open") from None
    try:
        _take(lock, timeout, on_wait)
        try:
            os.ftruncate(lock, 0)
            os.pwrite(lock, str(os.getpid()).encode(), 0)
        except OSError as error:
            raise _lock_fault(path, error, "write") from None
        _HELD.add(path)
        try:
            yield
        finally:
            _HELD.discard(path)
            with contextlib.suppress(OSError):  # emptying a file needs no space
                os.ftruncate(lock, 0)
            fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        os.close(lock)


def run_in_progress(db: Path) -> bool:
    """Whether a writing run holds the store's lock now. Read-only, so it works on a read-only
    mount: a shared lock cannot be had while a run holds the exclusive one."""
    path = db.with_name(db.name + ".lock")
    if path in _HELD:
        return False  # this process's own run: its digest is printed after the fetch
    try:
        lock = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    else:
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False
    finally:
        os.close(lock)


def _take(lock: int, timeout: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(lock, 32, 0).decode("ascii", "replace").strip() or "unknown"
            if on_wait is not None:
                on_wait(holder)
                on_wait = None
            if time.monotonic() >= deadline:
                raise LockError(
                    f"another digest run holds the lock (pid {holder})",
                    hint=f"wait for it, or raise --lock-timeout (waited {timeout:g} s)",
                ) from None
            time.sleep(0.1)
        else:
            return


def _lock_fault(path: Path, error: OSError, doing: str) -> StoreError:
    if error.errno == errno.ENOSPC:
        return StoreError(
            f"{path}: no space left on the disk holding the store; nothing was changed",
            hint="free some space, then run again",
        )
    if error.errno in {errno.EROFS, errno.EACCES, errno.EPERM}:
        return StoreError(
            f"{path.parent}: the store's directory is read-only, so no run can write to it; "
            "nothing was changed",
            hint=_READ_ONLY_HINT,
        )
    return StoreError(f"{path}: cannot {doing} the run lock ({error.strerror or error})")


def _plain(value: object) -> object:
    """A model value as JSON-ready data, for the issue archive."""
    if isinstance(value, Item):
        # Renderers never show an item's full text, and it is most of an item's size.
        value = dataclasses.replace(value, text="")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(element) for element in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rebuilt(kind: Any, data: Any) -> Any:
    """The model value of type `kind` that `_plain` turned into `data`."""
    if data is None:
        return None
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin is types.UnionType or origin is typing.Union:
        return _rebuilt(next(a for a in arguments if a is not type(None)), data)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_rebuilt(arguments[0], element) for element in data)
        return tuple(_rebuilt(a, element) for a, element in zip(arguments, data, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _rebuilt(hints[name], value) for name, value in data.items() if name in hints})
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    return data


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


_ISSUE_COLUMNS = "number, sent_at, window_start, window_end, format, items"


def _issue(row: tuple[Any, ...]) -> Issue:
    number, sent, start, end, fmt, items = row
    return Issue(number, _time(sent), Window(_time(start), _time(end)), fmt, items)


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _tag_columns(tags: Tags) -> tuple[str, str, str | None, str]:
    return (
        json.dumps(list(tags.topics)),
        json.dumps([_fields(region) for region in tags.regions], ensure_ascii=False),
        tags.primary_region,
        json.dumps([_fields(evidence) for evidence in tags.evidence], ensure_ascii=False),
    )


def _fields(value: Region | Evidence) -> list[object]:
    """A region or a quote as the list of its fields in order, as the store keeps them: a field
    the tagger adds at the end is kept, and rows written before it read back with its default."""
    return [getattr(value, field.name) for field in dataclasses.fields(value)]


def _item_row(item: Item) -> tuple[object, ...]:
    return (
        item.id,
        item.url,
        item.title,
        item.summary,
        item.text,
        item.author,
        json.dumps(list(item.categories), ensure_ascii=False),
        item.site_name,
        _iso(item.published),
        _iso(datetime.now(UTC)),
        int(item.extracted),
        *_tag_columns(item.tags),
    )


def _item(row: sqlite3.Row | tuple[object, ...]) -> Item:
    (
        uid,
        url,
        title,
        summary,
        text,
        author,
        categories,
        site_name,
        published,
        _first_seen,
        extracted,
        topics,
        regions,
        primary_region,
        evidence,
        feeds,
    ) = row
    feed_names = _strings(str(feeds)) if feeds else ()
    return Item(
        id=str(uid),
        url=str(url),
        title=str(title),
        summary=str(summary),
        text=str(text),
        feed=feed_names[0] if feed_names else "",
        feeds=feed_names,
        published=_time(str(published)),
        extracted=bool(extracted),
        tags=Tags(
            topics=_strings(str(topics)),
            regions=_regions(str(regions)),
            primary_region=str(primary_region) if primary_region else None,
            evidence=tuple(Evidence(*fields) for fields in json.loads(str(evidence))),
        ),
        author=str(author) if author else None,
        categories=_strings(str(categories)),
        site_name=str(site_name) if site_name else None,
    )


# Topic, region, category and feed lists repeat from item to item: parse each distinct one once.
@functools.lru_cache(maxsize=4096)
def _strings(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


@functools.lru_cache(maxsize=4096)
def _regions(text: str) -> tuple[Region, ...]:
    return tuple(Region(*fields) for fields in json.loads(text))
