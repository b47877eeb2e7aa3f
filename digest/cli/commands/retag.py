"""`digest retag`: tag every stored item again from its stored text."""

from __future__ import annotations

from typing import Annotated

import typer

from digest.cli.boundary import errors
from digest.cli.console import retag_progress, say
from digest.cli.options import LOCK_TIMEOUT, DbOption, FeedsOption, LockTimeoutOption, VerboseOption
from digest.cli.places import feed_list, open_store, run_lock, stored
from digest.plaintext import plural


def retag(
    feeds: FeedsOption = None,
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    verbose: VerboseOption = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
) -> None:
    """Tag every stored item again from its stored text (no network), e.g. after new [[regions]]."""
    with errors(verbose):
        from digest import pipeline  # noqa: PLC0415

        vocabulary = feed_list(feeds, quiet=True).vocabulary
        path = stored(db)
        with (
            run_lock(path, lock_timeout, verbose=verbose),
            open_store(path) as store,
            retag_progress(store.stats().items, quiet=quiet) as advance,
        ):
            retagged = pipeline.retag(store, vocabulary, advance)
        if not quiet:
            say(
                f"retagged {plural(retagged.items, 'item')}: {retagged.policy:,} about policy, "
                f"{retagged.regional:,} with a region"
            )
