"""The run lock: one writing run at a time per store, by an exclusive lock on a file beside it."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from digest.errors import LockError, StoreError
from digest.store.faults import READ_ONLY_HINT, refuse_directory

# The run locks this process holds, so that its own run does not count as another one.
_HELD: set[Path] = set()


@contextlib.contextmanager
def run_lock(db: Path, timeout: float, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """One writing run at a time per store: an exclusive lock on a file beside the database.
    `on_wait` hears the holder's pid once, when this run starts waiting for it.

    flock belongs to the open file, so the kernel drops it when its process dies: a lock left
    by a killed run never blocks the next one. The pid inside only names the holder. The file
    is written unbuffered, so a full disk fails the write itself, once, and not its close."""
    refuse_directory(db)
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
            hint=READ_ONLY_HINT,
        )
    return StoreError(f"{path}: cannot {doing} the run lock ({error.strerror or error})")
