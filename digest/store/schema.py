"""The schema: forward-only migrations, counted by the store's `PRAGMA user_version`.

Each migration is one SQL script, run once and in order, in its own transaction; a script is
never edited once released (a store that ran it keeps what it made), only followed by another."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from digest.errors import StoreError
from digest.store import search
from digest.store.faults import guarded

# A story that kept its feed's text for a passing reason is downloaded again at most this many
# times: at the next run, then a day apart, so the tries span at least two days.
RETRIES = 3
RETRY_SPACING = timedelta(days=1)
_RETRIED = "('download', 'skipped')"  # ArticleFailure.DOWNLOAD and .SKIPPED
# Which stories are due for another download: the partial index of migration 4 and the query
# that reads it (`items.fell_back`) must say it alike, or SQLite cannot use the index.
DUE_AGAIN = f"extracted = 0 AND fetch_failure IN {_RETRIED} AND fetch_attempts < {RETRIES}"

# Forward-only migrations; the store's `PRAGMA user_version` counts how many have run.
MIGRATIONS: tuple[str, ...] = (
    # 1: the feeds, their stories, and which feed carried which.
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
    CREATE INDEX items_to_fetch_again ON items (last_fetch_attempt) WHERE {DUE_AGAIN};
    """,
    # 5: full-text search over titles, summaries and article text (digest search).
    search.MIGRATION,
)

# The version a store is at once every migration has run.
LATEST = len(MIGRATIONS)


def version(connection: sqlite3.Connection, path: Path) -> int:
    """The store's schema version; a store from a newer digest is refused here, before any change."""
    found = int(guarded(path, "open", lambda: connection.execute("PRAGMA user_version").fetchone()[0]))
    if found > LATEST:
        raise StoreError(
            f"{path}: the store was written by a newer digest (schema {found})",
            hint="upgrade digest, or point --db at another file",
        )
    return found


def migrate(connection: sqlite3.Connection) -> None:
    """Run the migrations this store has not had yet, in order."""
    done = int(connection.execute("PRAGMA user_version").fetchone()[0])
    for number, script in enumerate(MIGRATIONS[done:], start=done + 1):
        # executescript commits first; the BEGIN inside makes each migration atomic.
        connection.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
