"""`digest prune`: remove old items and their text from the store, then reclaim the space."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from digest.cli.boundary import errors
from digest.cli.console import say
from digest.cli.options import (
    LOCK_TIMEOUT,
    DbOption,
    FeedsOption,
    LockTimeoutOption,
    VerboseOption,
    age_in_days,
)
from digest.cli.places import feed_list, open_store, run_lock, stored
from digest.plaintext import plural


def prune(
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than", help="Remove items older than this, e.g. 180d or 26w. [default: keep_days]"
        ),
    ] = None,
    feeds: FeedsOption = None,
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    verbose: VerboseOption = False,
) -> None:
    """Remove old items and their text from the store, then reclaim the space."""
    with errors(verbose):
        from digest.units import megabytes  # noqa: PLC0415

        if older_than is not None:
            days = age_in_days(older_than, "--older-than")
        elif (kept := feed_list(feeds, quiet=True).settings.keep_days) is not None:
            days = kept
        else:
            raise typer.BadParameter(
                "say how old, e.g. 180d, or set keep_days in [settings]", param_hint="--older-than"
            )
        path = stored(db)
        with run_lock(path, lock_timeout, verbose=verbose), open_store(path) as store:
            before = store.stats()
            removed = store.prune(datetime.now(UTC) - timedelta(days=days))
            after = store.stats()
        if not quiet:
            say(
                f"removed {plural(removed, 'item')} older than {plural(days, 'day')}; store "
                f"{megabytes(before.bytes)} -> {megabytes(after.bytes)}, {plural(after.items, 'item')}, "
                f"{after.bytes_per_item:,} bytes per item"
            )
