"""The command line: options to settings, run the pipeline, pick a renderer, map errors to exits."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from digest import __version__
from digest.errors import ConfigError, DigestError

if TYPE_CHECKING:
    from rich.progress import Progress

    from digest.models import Digest, FeedList, FeedResult, Filters, RunReport, Window
    from digest.pipeline import Observer
    from digest.store import Store


class Exit(IntEnum):
    OK = 0
    FAILURE = 1  # nothing could be produced
    USAGE = 2  # bad option or feeds file
    INTERRUPTED = 130


class Format(StrEnum):
    RICH = "rich"
    TEXT = "text"
    JSON = "json"


app = typer.Typer(
    name="digest",
    help="A biweekly digest of what governments do about blockchain and crypto, region by region.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def main() -> None:
    app()


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"digest {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """A biweekly digest of what governments do about blockchain and crypto, region by region."""


# -- shared options ----------------------------------------------------------------------------

FeedsOption = Annotated[
    Path | None, typer.Option("--feeds", help="The feeds file (TOML).", show_default=False)
]
DbOption = Annotated[
    Path | None, typer.Option("--db", envvar="DIGEST_DB", help="The SQLite store.", show_default=False)
]
DaysOption = Annotated[
    int | None, typer.Option("--days", min=1, help="The window: the last N days up to now. [default: 14]")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Window start (ISO 8601 date or date-time).")
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", help="Window end (ISO 8601 date or date-time; a date includes that day)."),
]
FormatOption = Annotated[
    Format | None,
    typer.Option("--format", help="Output format. [default: rich on a terminal, text otherwise]"),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the digest to this file instead of stdout.")
]
PolicyOption = Annotated[bool, typer.Option("--policy-only", help="Only items tagged as policy.")]
RegionOption = Annotated[
    list[str] | None, typer.Option("--region", help="Only items in this region or inside it (repeatable).")
]
TopicOption = Annotated[
    list[str] | None, typer.Option("--topic", help="Only items with this topic (repeatable).")
]


@dataclass(frozen=True, slots=True)
class _View:
    """The options that say which digest to print and how, resolved once at the edge."""

    window: Window
    filters: Filters
    format: Format
    explicit_format: bool
    output: Path | None


def _view(
    *,
    days: int,
    since: str | None,
    until: str | None,
    fmt: Format | None,
    output: Path | None,
    policy_only: bool,
    regions: list[str] | None,
    topics: list[str] | None,
) -> _View:
    from digest import compose  # noqa: PLC0415
    from digest.models import Filters  # noqa: PLC0415

    now = datetime.now(UTC)
    start = _moment(since, "--since") if since else None
    end = _moment(until, "--until", end_of_day=True) if until else None
    if start and end and start >= end:
        raise typer.BadParameter("--since must be before --until")
    chosen = fmt or (Format.RICH if sys.stdout.isatty() and output is None else Format.TEXT)
    return _View(
        window=compose.window(now, days=days, since=start, until=end),
        filters=Filters(policy_only=policy_only, regions=tuple(regions or ()), topics=tuple(topics or ())),
        format=chosen,
        explicit_format=fmt is not None,
        output=output,
    )


def _moment(text: str, option: str, *, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is local time, as a person means it."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO 8601 date or date-time", param_hint=option
        ) from None
    date_only = len(text.strip()) <= 10
    if date_only and end_of_day:
        moment = datetime.combine(moment.date() + timedelta(days=1), time())
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)


# -- commands ----------------------------------------------------------------------------------


@app.command()
def fetch(
    feeds: FeedsOption = None,
    db: DbOption = None,
    days: DaysOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    policy_only: PolicyOption = False,
    region: RegionOption = None,
    topic: TopicOption = None,
    no_extract: Annotated[
        bool, typer.Option("--no-extract", help="Use the feeds' own text; download no article pages.")
    ] = False,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, max=256, help="Requests at once. [default: 16]")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0.1, help="Seconds allowed per request. [default: 20]")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress display; only warnings and errors.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="More detail on stderr, tracebacks on errors.")
    ] = False,
) -> None:
    """Fetch every feed, extract and store new articles, then print the digest."""
    with _errors(verbose):
        from digest import pipeline  # noqa: PLC0415 - heavy imports only for the commands that need them

        feed_list = _feed_list(feeds, quiet=quiet)
        settings = feed_list.settings
        view = _view(
            days=days or settings.days,
            since=since,
            until=until,
            fmt=fmt,
            output=output,
            policy_only=policy_only,
            regions=region,
            topics=topic,
        )
        options = pipeline.RunOptions(
            timeout=timeout or settings.timeout,
            concurrency=concurrency or settings.concurrency,
            extract=not no_extract,
            user_agent=settings.user_agent,
        )
        with _open_store(db) as store:
            with _progress(len(feed_list.feeds), quiet=quiet) as observer:
                report = pipeline.run(feed_list.feeds, store, options, observer)
            _warn_about(report, verbose=verbose)
            if report.all_failed:
                _fail("every feed failed; nothing was fetched", Exit.FAILURE)
            digest = _digest(store, view, report.feeds)
        _emit(digest, view)


@app.command()
def show(
    feeds: FeedsOption = None,
    db: DbOption = None,
    days: DaysOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    policy_only: PolicyOption = False,
    region: RegionOption = None,
    topic: TopicOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Tracebacks on errors.")] = False,
) -> None:
    """Print the digest for the window from what is stored (no network)."""
    with _errors(verbose):
        feed_list = _feed_list(feeds, quiet=True)
        view = _view(
            days=days or feed_list.settings.days,
            since=since,
            until=until,
            fmt=fmt,
            output=output,
            policy_only=policy_only,
            regions=region,
            topics=topic,
        )
        path = _db_path(db)
        if not path.exists():
            _fail(f"no store at {path} yet; run `digest fetch` first", Exit.FAILURE)
        with _open_store(path) as store:
            digest = _digest(store, view, store.feed_results(feed_list.feeds))
        _emit(digest, view)


# -- the edges: files, store, streams ----------------------------------------------------------


def _feed_list(explicit: Path | None, *, quiet: bool) -> FeedList:
    import platformdirs  # noqa: PLC0415

    from digest import config  # noqa: PLC0415

    path, bundled = config.locate(explicit, Path(platformdirs.user_config_dir("digest")))
    feed_list = config.load(path, bundled=bundled)
    if bundled and not quiet:
        stderr.print(
            "hint: using the bundled feeds list; create ./feeds.toml or pass --feeds to choose your own",
            markup=False,
        )
    return feed_list


def _db_path(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_data_dir("digest")) / "digest.sqlite3"


@contextlib.contextmanager
def _open_store(db: Path | None) -> Iterator[Store]:
    from digest.store import Store  # noqa: PLC0415

    with Store.open(_db_path(db)) as store:
        yield store


def _digest(store: Store, view: _View, feeds: Sequence[FeedResult]) -> Digest:
    from digest import compose  # noqa: PLC0415

    now = datetime.now(UTC)
    return compose.compose(store.items_in(view.window), feeds, view.window, view.filters, now)


def _emit(digest: Digest, view: _View) -> None:
    text = _rendered(digest, view)
    if view.output is not None:
        _write_atomically(view.output, text)
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`head`, a closed mailer) went away: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(Exit.OK) from None


def _rendered(digest: Digest, view: _View) -> str:
    if view.format is Format.JSON:
        from digest.render import json  # noqa: PLC0415

        return json.render(digest)
    if view.format is Format.RICH:
        from digest.render import rich  # noqa: PLC0415

        to_terminal = view.output is None and sys.stdout.isatty()
        buffer = io.StringIO()
        console = Console(
            file=buffer,
            force_terminal=to_terminal or view.explicit_format,
            width=Console().width if to_terminal else 100,
            highlight=False,
        )
        console.print(rich.render(digest))
        return buffer.getvalue()
    from digest.render import text  # noqa: PLC0415

    return text.render(digest)


def _write_atomically(path: Path, text: str) -> None:
    """Readers of `path` see the old digest or the new one, never half of one."""
    directory = path.parent if str(path.parent) else Path()
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, prefix=f".{path.name}.", delete=False
        ) as handle:
            handle.write(text)
        Path(handle.name).replace(path)
    except OSError as error:
        with contextlib.suppress(OSError, UnboundLocalError):
            Path(handle.name).unlink()
        raise DigestError(f"{path}: cannot write the digest ({error.strerror or error})") from None


def _warn_about(report: RunReport, *, verbose: bool) -> None:
    from digest.models import FeedStatus  # noqa: PLC0415

    for feed in report.feeds:
        where = f"feed {feed.name!r} ({feed.url})"
        if feed.status is FeedStatus.ERROR:
            stderr.print(f"warning: {where}: {feed.error}", markup=False)
        for warning in feed.warnings:
            stderr.print(f"warning: {where}: {warning}", markup=False)
    if verbose:
        stderr.print(
            f"{len(report.feeds)} feeds, {report.new_items} new items, "
            f"{report.articles_extracted} articles extracted, "
            f"{report.articles_not_extracted} kept the feed's text",
            markup=False,
        )


@contextlib.contextmanager
def _progress(feeds: int, *, quiet: bool) -> Iterator[Observer | None]:
    if quiet or not stderr.is_terminal:
        yield None
        return
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(console=stderr, transient=True) as progress:
        yield _ProgressDisplay(progress, feeds)


class _ProgressDisplay:
    """Feeds fetched and articles extracted, as two bars on stderr."""

    def __init__(self, progress: Progress, feeds: int) -> None:
        self._progress = progress
        self._feeds = progress.add_task("feeds", total=feeds)
        self._articles = progress.add_task("articles", total=0)
        self._articles_total = 0

    def feed_done(self, result: FeedResult) -> None:
        self._progress.advance(self._feeds)

    def article_started(self) -> None:
        self._articles_total += 1
        self._progress.update(self._articles, total=self._articles_total)

    def article_done(self, extracted: bool) -> None:
        self._progress.advance(self._articles)


@contextlib.contextmanager
def _errors(verbose: bool) -> Iterator[None]:
    """The one place where errors become a line on stderr and an exit code."""
    try:
        yield
    except ConfigError as error:
        _report(error, verbose)
        raise typer.Exit(Exit.USAGE) from None
    except DigestError as error:
        _report(error, verbose)
        raise typer.Exit(Exit.FAILURE) from None
    except KeyboardInterrupt:
        stderr.print("interrupted", markup=False)
        raise typer.Exit(Exit.INTERRUPTED) from None


def _report(error: DigestError, verbose: bool) -> None:
    if verbose:
        stderr.print_exception()
    stderr.print(f"error: {error.message}", markup=False)
    if error.hint:
        stderr.print(f"hint: {error.hint}", markup=False)


def _fail(message: str, code: Exit) -> NoReturn:
    stderr.print(f"error: {message}", markup=False)
    raise typer.Exit(code)
