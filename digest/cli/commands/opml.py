"""`digest opml import` and `digest opml export`: feeds to and from OPML 2.0."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from digest.cli import output
from digest.cli.boundary import errors
from digest.cli.console import say
from digest.cli.options import FeedsOption, VerboseOption
from digest.cli.places import feed_list, user_config_dir
from digest.plaintext import one_line, plural, redact_url

app = typer.Typer(
    help="Feeds to and from OPML 2.0, the subscription list feed readers share.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("import")
def import_opml(
    source: Annotated[Path, typer.Argument(help="The OPML file to read.", show_default=False)],
    feeds: Annotated[
        Path | None,
        typer.Option("--feeds", help="The feeds file to add to. [default: the one fetch would read]"),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Add the feeds of an OPML file to the feeds file; feeds already there are skipped."""
    with errors(verbose):
        from digest import config, opml  # noqa: PLC0415

        incoming, unusable = opml.read_opml(config.read_bytes(source, "OPML file"), str(source))
        target, bundled = config.locate(feeds, user_config_dir())
        if bundled:  # the starter list is not the user's to edit: start their own file
            target = user_config_dir() / "feeds.toml"
        existing = config.read_text(target) if target.exists() else None
        report = opml.import_feeds(incoming, unusable, existing, target)
        if report.text is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            output.write_path(target, report.text, what="the feeds file")
        for skipped in report.skipped:
            where = f"{one_line(skipped.name)!r} ({one_line(redact_url(skipped.url))})"
            say(f"skipped {where}: {one_line(skipped.reason)}")
        say(
            f"added {plural(len(report.added), 'feed')} to {one_line(str(target))}; "
            f"skipped {len(report.skipped):,}"
        )


@app.command("export")
def export_opml(
    feeds: FeedsOption = None,
    output_path: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the OPML document to this file instead of stdout."),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Print the feeds file's feeds as an OPML 2.0 document."""
    with errors(verbose):
        from digest import opml  # noqa: PLC0415

        document = opml.write_opml(feed_list(feeds, quiet=True).feeds, "digest feeds")
        if output_path is not None:
            output.write_path(output_path, document, what="the OPML list")
        else:
            output.write_stdout(document)
