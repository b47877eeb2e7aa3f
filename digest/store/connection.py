"""Opening the store's file: a writer checks it (schema, damage, write lock) and upgrades it
before anything changes it; a reader opens it read-only, so a read-only place will do."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from digest.errors import StoreError
from digest.store import schema, search
from digest.store.faults import BUSY_SECONDS, damaged, error_name, fault, guarded, refuse_directory, writable


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the store at `path`, autocommit, its rows read by column name."""
    refuse_directory(path)
    connection = _reader(path) if read_only else None
    # None for a reader too when the schema is older: only a writer can bring it up to date.
    connection = connection or _writer(path)
    connection.row_factory = sqlite3.Row
    return connection


def _writer(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    except OSError as error:
        raise StoreError(f"{path}: cannot open the store ({error.strerror or error})") from None
    except sqlite3.Error as error:
        raise fault(path, error, "open") from None
    search.define(connection)  # before the migrations: the index's triggers call it
    try:
        _prepare_for_writing(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


def _reader(path: Path) -> sqlite3.Connection | None:
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
                f"{path.absolute().as_uri()}?{query}", uri=True, timeout=BUSY_SECONDS, isolation_level=None
            )
            connection.execute("PRAGMA user_version").fetchone()
        except sqlite3.Error as error:
            if query == "mode=ro" and error_name(error).startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR")):
                _drop_stubs(stubs)
                continue
            raise fault(path, error, "open") from None
        try:
            version = schema.version(connection, path)
        except BaseException:
            connection.close()
            raise
        if version < schema.LATEST:
            connection.close()
            if writable(path):
                return None
            raise StoreError(
                f"{path}: the store is read-only and was written by an older digest "
                f"(schema {version}); it must be upgraded before this one can read it",
                hint="run `digest fetch` once where the store can be written",
            )
        return connection
    raise StoreError(
        f"{path}: cannot read the store: its directory is read-only and its -wal file holds "
        "changes not yet merged into it",
        hint="open it once where it can be written (e.g. `digest fetch`), or copy the files elsewhere",
    )


def _prepare_for_writing(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse a newer or damaged store before anything changes it, then set it up and
    upgrade its schema. The quick check reads every page once (measured in bench/)."""
    schema.version(connection, path)
    problems = guarded(
        path, "check", lambda: [row[0] for row in connection.execute("PRAGMA quick_check(20)")]
    )
    if damage := [problem for problem in problems if problem != "ok" and not _is_constraint(problem)]:
        raise damaged(path, damage[0], "open")

    def prepare() -> None:
        connection.execute("PRAGMA journal_mode = WAL")
        # NORMAL is safe in WAL mode against a killed process; only power loss can drop
        # the last commits, and never corrupts the file.
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        # Another program holding SQLite's write lock is found now, within the busy
        # timeout, rather than at the first batch of a run.
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        schema.migrate(connection)

    guarded(path, "open", prepare)


def _is_constraint(problem: str) -> bool:
    """quick_check also checks NOT NULL and CHECK constraints, with false alarms on WITHOUT
    ROWID tables in SQLite 3.40 (issue_items); those are not damage to the file."""
    return problem.startswith(("NULL value in", "CHECK constraint failed"))


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
