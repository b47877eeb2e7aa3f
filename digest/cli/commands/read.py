"""`digest read ITEM` prints a stored story's text (paged on a terminal); `digest open ITEM`
opens its page in the browser."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Annotated

import typer

from digest.cli import output
from digest.cli.boundary import errors
from digest.cli.commands.explain import one_item
from digest.cli.console import is_terminal
from digest.cli.options import DbOption, VerboseOption

ItemArgument = Annotated[str, typer.Argument(help="The item's id, its URL, or the start of its title.")]
NoPagerOption = Annotated[bool, typer.Option("--no-pager", help="Print straight to the terminal.")]


def read(
    item: ItemArgument, db: DbOption = None, no_pager: NoPagerOption = False, verbose: VerboseOption = False
) -> None:
    """Print one stored story: its headline, outlet, date, link and tags, then its text."""
    from digest.cli import pager  # noqa: PLC0415
    from digest.render import story  # noqa: PLC0415

    with errors(verbose):
        found = one_item(db, item)
        terminal = is_terminal(sys.stdout)
        text = story.render(found, shutil.get_terminal_size().columns if terminal else story.WIDTH)
        command = pager.pager_command(os.environ) if terminal and not no_pager else None
        if command is None or not pager.page(text, command):
            output.write_stdout(text)


def open_item(item: ItemArgument, db: DbOption = None, verbose: VerboseOption = False) -> None:
    """Open one stored story's page in the browser (its URL is printed when none opens)."""
    import webbrowser  # noqa: PLC0415

    from digest.urls import is_web_link  # noqa: PLC0415

    with errors(verbose):
        found = one_item(db, item)
        if not is_web_link(found.url):
            output.write_stdout("this story has no web address\n")
            return
        if not (is_terminal(sys.stdout) and webbrowser.open(found.url)):
            output.write_stdout(found.url + "\n")
