"""SQLite errors said once, as what a user can do about them: one `StoreError` sentence each."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from digest.errors import StoreError

# How long a statement waits for another program's write lock on the store before it gives up:
# long enough for a backup or a `sqlite3` shell's short write, short enough that a run's
# deadline still holds.
BUSY_SECONDS = 5.0

READ_ONLY_HINT = (
    "make it writable, or point --db at a writable place; show, feeds and explain can still read it"
)

P = ParamSpec("P")
R = TypeVar("R")


class _AtPath(Protocol):
    @property
    def path(self) -> Path: ...


S = TypeVar("S", bound=_AtPath)


def guarded(path: Path, doing: str, work: Callable[[], R]) -> R:
    """`work()`, its SQLite errors turned into one `StoreError` sentence."""
    try:
        return work()
    except sqlite3.Error as error:
        raise fault(path, error, doing) from None


def faults(doing: str) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """A store method whose SQLite errors become one `StoreError` sentence."""

    def decorate(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        @functools.wraps(method)
        def guarded(store: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(store, *args, **kwargs)
            except sqlite3.Error as error:
                raise fault(store.path, error, doing) from None

        return guarded

    return decorate


def error_name(error: sqlite3.Error) -> str:
    return str(getattr(error, "sqlite_errorname", "") or "")


def fault(path: Path, error: sqlite3.Error, doing: str) -> StoreError:
    """What a user can do about an SQLite error, said once; `doing` is open, read or write."""
    name, text = error_name(error), str(error)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return damaged(path, text, doing)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(
            f"{path}: another program holds the store's write lock (waited {BUSY_SECONDS:g} s)"
            f"{_what_changed(doing)}",
            hint=f"find it with `fuser {path}` and let it finish, then run again",
        )
    if name.startswith("SQLITE_READONLY") or (name.startswith("SQLITE_CANTOPEN") and not writable(path)):
        return StoreError(
            f"{path}: the store is read-only (its file, directory or mount){_what_changed(doing)}",
            hint=READ_ONLY_HINT,
        )
    if name == "SQLITE_FULL":
        return StoreError(
            f"{path}: no space left on the disk holding the store{_what_changed(doing)}",
            hint="free some space, then run again",
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError(f"{path}: cannot open the store ({text})")
    return StoreError(f"{path}: cannot {'write to' if doing == 'write' else 'read'} the store ({text})")


def damaged(path: Path, problem: str, doing: str) -> StoreError:
    problem = " ".join(problem.replace("*** in database main ***", "").split())[:200]
    return StoreError(
        f"{path}: the store is damaged ({problem}){_what_changed(doing)}",
        hint=f"see the damage with `sqlite3 {path} 'PRAGMA integrity_check'`; then restore a copy, "
        f"or move it aside (`mv {path} {path}.damaged`) and fetch again to start a new store",
    )


def _what_changed(doing: str) -> str:
    if doing == "write":
        return "; the batch being written was rolled back, what was stored before is kept"
    return "; nothing was changed"


def refuse_directory(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a store file", hint="point --db at a file")


def writable(path: Path) -> bool:
    """Whether this process may write the store: its directory (for the -wal and -shm files)
    and the file itself. access() answers for a read-only mount even as root."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
