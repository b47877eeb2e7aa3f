"""`digest fetch`: fetch every feed, extract and store new articles, then print the digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from digest.cli import output
from digest.cli.boundary import Exit, errors, fail
from digest.cli.commands.show import digest_for, send
from digest.cli.console import all_failed_message, fetch_progress, warn_about
from digest.cli.options import (
    LOCK_TIMEOUT,
    ConcurrencyOption,
    DigestOptions,
    LockTimeoutOption,
    NewOnlyOption,
    TimeoutOption,
    duration,
    extraction_limit,
    with_digest_options,
)
from digest.cli.places import feed_list, open_store, run_lock
from digest.models import DEFAULT_DEADLINE


@with_digest_options
def fetch(
    chosen: DigestOptions,
    no_extract: Annotated[
        bool, typer.Option("--no-extract", help="Use the feeds' own text; download no article pages.")
    ] = False,
    re_extract: Annotated[
        bool,
        typer.Option(
            "--re-extract",
            help="Download again every story of the window that kept its feed's text, however "
            "often it was tried (else a failed download is tried again at most 3 times over 2 days).",
        ),
    ] = False,
    concurrency: ConcurrencyOption = None,
    timeout: TimeoutOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress display; only warnings and errors.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="More detail on stderr, tracebacks on errors.")
    ] = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    new_only: NewOnlyOption = False,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="Time allowed for the whole run, e.g. 600, 90s, 10m, 1h; then unfinished work is "
            f"abandoned and the digest printed. [default: {DEFAULT_DEADLINE / 60:g}m]",
        ),
    ] = None,
) -> None:
    """Fetch every feed, extract and store new articles, then print the digest."""
    with errors(verbose):
        from digest import pipeline  # noqa: PLC0415 - heavy imports only for the commands that need them

        feeds = feed_list(chosen.feeds, quiet=quiet)
        settings = feeds.settings
        view = chosen.view(feeds)
        options = pipeline.RunOptions(
            timeout=timeout or settings.timeout,
            concurrency=concurrency or settings.concurrency,
            extract=not no_extract,
            user_agent=settings.user_agent,
            deadline=duration(deadline, "--deadline") if deadline else settings.deadline,
            re_extract=view.window() if re_extract else None,
            extract_seconds=extraction_limit(pipeline.EXTRACT_SECONDS),
        )
        with run_lock(chosen.db, lock_timeout, verbose=verbose), open_store(chosen.db) as store:
            with fetch_progress(len(feeds.feeds), quiet=quiet) as observer:
                report = pipeline.run(feeds.feeds, store, options, feeds.vocabulary, observer)
            warn_about(report, verbose=verbose)
            if report.all_failed:
                fail(all_failed_message(report), Exit.FAILURE)
            if settings.keep_days is not None:
                store.prune(datetime.now(UTC) - timedelta(days=settings.keep_days))
            digest = digest_for(store, view, feeds.feeds, new_only=new_only)
            if new_only:
                send(store, digest, view)
                return
        output.emit(digest, view)
