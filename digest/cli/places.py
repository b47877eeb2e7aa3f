"""Where the commands read and write: the feeds file `--feeds` names (or the contract's search
for one), the store `--db` names (or the user data dir's), and the run lock beside it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from digest.cli.boundary import Exit, fail
from digest.cli.console import say, stderr
from digest.plaintext import one_line

if TYPE_CHECKING:
    from digest.models import FeedList
    from digest.store import Store


def user_config_dir() -> Path:
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_config_dir("digest"))


def feed_list(explicit: Path | None, *, quiet: bool) -> FeedList:
    """The feeds file in use, read and checked; a hint when it is the bundled starter list."""
    from digest import config  # noqa: PLC0415

    path, bundled = config.locate(explicit, user_config_dir())
    feeds = config.load(path, bundled=bundled)
    if bundled and not quiet:
        say("hint: using the bundled feeds list; create ./feeds.toml or pass --feeds to choose your own")
    return feeds


def db_path(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_data_dir("digest")) / "digest.sqlite3"


def stored(db: Path | None) -> Path:
    """The store for commands that only read it: one that does not exist yet is an error."""
    path = db_path(db)
    if not path.exists():
        fail(f"no store at {path} yet; run `digest fetch` first", Exit.FAILURE)
    return path


def run_lock(db: Path | None, timeout: float, *, verbose: bool) -> contextlib.AbstractContextManager[None]:
    """The lock one writer at a time holds, waiting up to `timeout` seconds for it."""
    from digest.store import run_lock  # noqa: PLC0415

    def say_waiting(holder: str) -> None:
        # A cron job's log need not hear it; a person at a terminal wonders why nothing moves.
        if verbose or stderr().is_terminal:
            say(f"waiting for the run in process {one_line(holder)} (up to {timeout:g} s)")

    return run_lock(db_path(db), timeout, say_waiting)


@contextlib.contextmanager
def open_store(db: Path | None, *, read_only: bool = False) -> Iterator[Store]:
    """The store; commands that only read it open it read-only, so a read-only place will do."""
    from digest.store import Store  # noqa: PLC0415

    with Store.open(db_path(db), read_only=read_only) as store:
        yield store
