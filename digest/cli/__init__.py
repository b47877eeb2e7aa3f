"""The command line: the Typer app, `--version`, and each command registered from its module.

The only Typer code in the package. Commands import their heavy modules (the pipeline, Rich,
the store) when they run, so that `digest --help` starts in a tenth of a second."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from digest import __version__
from digest.cli.boundary import quit_quietly_on_signals
from digest.cli.commands import (
    explain,
    feeds,
    fetch,
    init,
    issues,
    opml,
    prune,
    read,
    retag,
    search,
    send,
    show,
)

_ABOUT = "A biweekly digest of what governments do about blockchain and crypto, region by region."

app = typer.Typer(
    name="digest",
    help=_ABOUT,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def main() -> None:
    """The program: an interrupt outside a command's error boundary (while options are parsed,
    while the digest is written) ends it as quietly as one inside."""
    quit_quietly_on_signals()
    app()


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"digest {__version__}\n")
        raise typer.Exit()


@app.callback(help=_ABOUT)
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


# In the order the help lists them.
app.command("fetch")(fetch.fetch)
app.command("show")(show.show)
app.command("send")(send.send)
app.command("search")(search.search)
app.command("explain")(explain.explain)
app.command("read")(read.read)
app.command("open")(read.open_item)
app.command("feeds")(feeds.list_feeds)
app.command("issues")(issues.list_issues)
app.command("prune")(prune.prune)
app.command("init")(init.init)
app.command("retag")(retag.retag)
app.add_typer(opml.app, name="opml")
