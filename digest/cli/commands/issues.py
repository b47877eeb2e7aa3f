"""`digest issues`: the issues sent so far."""

from __future__ import annotations

from typing import Annotated

import typer

from digest.cli import output
from digest.cli.boundary import errors
from digest.cli.options import DbOption, IssuesFormat, VerboseOption
from digest.cli.places import open_store, stored


def list_issues(
    db: DbOption = None,
    fmt: Annotated[
        IssuesFormat | None, typer.Option("--format", help="Output format. [default: text]")
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """List the issues sent so far (digests printed with --new-only)."""
    with errors(verbose):
        from digest.render import issues as listing  # noqa: PLC0415

        path = stored(db)
        with open_store(path, read_only=True) as store:
            sent = store.issues()
        output.write_stdout(listing.as_json(sent) if fmt is IssuesFormat.JSON else listing.text(sent))
