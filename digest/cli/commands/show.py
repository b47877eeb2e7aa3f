"""`digest show`: the digest for the window from what is stored (no network)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from digest import newsletter
from digest.cli import output
from digest.cli.boundary import Exit, errors, fail
from digest.cli.options import (
    LARGEST_ISSUE,
    LOCK_TIMEOUT,
    DigestOptions,
    LockTimeoutOption,
    NewOnlyOption,
    VerboseOption,
    View,
    with_digest_options,
)
from digest.cli.places import feed_list, open_store, run_lock, stored

if TYPE_CHECKING:
    from digest.models import Digest, Feed
    from digest.store import Store


@with_digest_options
def show(
    chosen: DigestOptions,
    new_only: NewOnlyOption = False,
    issue: Annotated[
        int | None,
        typer.Option(
            "--issue",
            min=1,
            help="Print issue N again, exactly as it was sent (see `digest issues`).",
        ),
    ] = None,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    verbose: VerboseOption = False,
) -> None:
    """Print the digest for the window from what is stored (no network)."""
    with errors(verbose):
        if issue is not None and issue > LARGEST_ISSUE:
            raise typer.BadParameter(f"no issue has a number past {LARGEST_ISSUE}", param_hint="--issue")
        if issue is not None and new_only:
            raise typer.BadParameter(
                "--issue prints a past issue; --new-only makes a new one", param_hint="--issue"
            )
        feeds = feed_list(chosen.feeds, quiet=True)
        view = chosen.view(feeds)
        path = stored(chosen.db)
        if issue is not None:
            with open_store(path, read_only=True) as store:
                past = newsletter.past_issue(store, issue)
                missing = newsletter.no_such_issue(store, issue) if past is None else ""
            if past is None:
                fail(missing, Exit.FAILURE)
            output.emit(past, view)
        elif new_only:  # it records an issue: one writer at a time, so no two runs send one story
            with run_lock(path, lock_timeout, verbose=verbose), open_store(path) as store:
                send(store, digest_for(store, view, feeds.feeds, new_only=True), view)
        else:
            with open_store(path, read_only=True) as store:
                digest = digest_for(store, view, feeds.feeds)
            output.emit(digest, view)


def digest_for(store: Store, view: View, feeds: Sequence[Feed], *, new_only: bool = False) -> Digest:
    """The digest the options ask for; a new issue's window reaches back to the last issue's
    end, unless `--since` said where it starts."""
    window = view.window()
    if new_only and view.since is None:
        window = newsletter.since_last_issue(store, window)
    return newsletter.digest(store, window, view.filters, feeds, new_only=new_only)


def send(store: Store, digest: Digest, view: View) -> None:
    """Print the digest as the next numbered issue, and record it only once it is fully written:
    a broken pipe or a failed write sends nothing, so those stories stay new for the next one."""
    issue = newsletter.numbered(store, digest)
    output.emit(issue, view, must_finish=True)
    newsletter.record(store, issue, view.format.value)
