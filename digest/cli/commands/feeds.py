"""`digest feeds`: the configured feeds with their health, or the store's figures."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from digest.cli import output
from digest.cli.boundary import errors
from digest.cli.console import is_terminal
from digest.cli.options import DaysOption, DbOption, FeedsOption, ListFormat, VerboseOption
from digest.cli.places import db_path, feed_list, open_store, stored


def list_feeds(
    feeds: FeedsOption = None,
    db: DbOption = None,
    days: DaysOption = None,
    fmt: Annotated[
        ListFormat | None,
        typer.Option("--format", help="Output format. [default: rich on a terminal, text otherwise]"),
    ] = None,
    stats: Annotated[
        bool, typer.Option("--stats", help="The store's size, items, bytes per item, instead.")
    ] = False,
    verbose: VerboseOption = False,
) -> None:
    """List the configured feeds with their health: last attempt and success, status, items."""
    with errors(verbose):
        from digest import compose, models  # noqa: PLC0415
        from digest.newsletter import redacted  # noqa: PLC0415
        from digest.render import feeds as health  # noqa: PLC0415

        if stats:
            path = stored(db)
            with open_store(path, read_only=True) as store:
                figures = store.stats()
            as_json = fmt is ListFormat.JSON
            output.write_stdout((health.stats_json if as_json else health.stats_text)(str(path), figures))
            return
        configured = feed_list(feeds, quiet=True)
        window = compose.window(
            datetime.now(UTC), days=days or configured.settings.days, since=None, until=None
        )
        path = db_path(db)
        if path.exists():
            with open_store(path, read_only=True) as store:
                known = store.feed_health(configured.feeds, window)
        else:  # before the first fetch: the feeds file alone, every feed not fetched yet
            known = [models.FeedHealth.never_fetched(feed.name, feed.url) for feed in configured.feeds]
        report = [redacted(feed) for feed in known]
        chosen = fmt or (ListFormat.RICH if is_terminal(sys.stdout) else ListFormat.TEXT)
        if chosen is ListFormat.JSON:
            output.write_stdout(health.as_json(report))
        elif chosen is ListFormat.RICH:
            from rich.console import Console  # noqa: PLC0415

            Console(highlight=False).print(health.rich(report))
        else:
            output.write_stdout(health.text(report))
