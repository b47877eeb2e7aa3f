"""`digest init`: write the starter feeds file to the user config dir."""

from __future__ import annotations

from typing import Annotated

import typer

from digest.cli import output
from digest.cli.boundary import Exit, errors, fail
from digest.cli.console import say
from digest.cli.options import VerboseOption
from digest.cli.places import user_config_dir
from digest.errors import DigestError


def init(
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing feeds file.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """Write the starter feeds file to the user config dir, to edit and make your own."""
    with errors(verbose):
        from digest import config  # noqa: PLC0415

        target = user_config_dir() / "feeds.toml"
        if target.exists() and not force:
            fail(f"{target} already exists; pass --force to overwrite it", Exit.USAGE)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            output.write_path(
                target, config.bundled_feeds().read_text(encoding="utf-8"), what="the feeds file"
            )
        except OSError as error:
            raise DigestError(f"{target}: cannot write the feeds file ({error.strerror or error})") from None
        say(f"wrote {target}")
