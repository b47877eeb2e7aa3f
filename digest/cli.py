"""The command line: options to settings, run the pipeline, pick a renderer, map errors to exits."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import math
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO, TypeVar

import typer

from digest import __version__
from digest.errors import INTERRUPTED, ConfigError, DigestError, Terminated
from digest.plaintext import one_line, plural, redact_url, redact_urls, shorten

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from digest.models import (
        CustomRegion,
        Digest,
        Feed,
        FeedHealth,
        FeedList,
        FeedResult,
        Filters,
        Item,
        Mail,
        RunReport,
        Tags,
        Window,
    )  # fmt: skip
    from digest.pipeline import Observer
    from digest.store import Store
    from digest.tagging import Tagger


# A feed as `digest feeds` or a digest shows it.
_Shown = TypeVar("_Shown", "FeedResult", "FeedHealth")


class Exit(IntEnum):
    OK = 0
    FAILURE = 1  # nothing could be produced
    USAGE = 2  # bad option or feeds file
    INTERRUPTED = 130  # SIGINT, Ctrl-C
    TERMINATED = 143  # SIGTERM, as from a service manager or `timeout`


# SQLite's largest integer; checked by hand, since a `max=` would print it in the help.
_LARGEST_ISSUE = 2**63 - 1


class Format(StrEnum):
    RICH = "rich"
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    EMAIL = "email"


class ListFormat(StrEnum):
    """What `digest feeds` can print."""

    RICH = "rich"
    TEXT = "text"
    JSON = "json"


class IssuesFormat(StrEnum):
    """What `digest issues` can print."""

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


@functools.cache
def stderr() -> Console:
    """Progress, warnings and errors: made at the first word, since importing Rich takes a
    tenth of a second that a quiet `show` need not pay."""
    from rich.console import Console  # noqa: PLC0415

    return Console(stderr=True, highlight=False, soft_wrap=True)


def main() -> None:
    """The program: an interrupt outside a command's error boundary (while options are parsed,
    while the digest is written) ends it as quietly as one inside."""
    signal.signal(signal.SIGINT, _quit_quietly)
    signal.signal(signal.SIGTERM, _quit_quietly)
    app()


def _quit_quietly(signum: int, frame: object) -> None:
    for interrupt in (signal.SIGINT, signal.SIGTERM):
        signal.signal(interrupt, signal.SIG_IGN)  # one line, however many signals follow
    sys.stderr.write(INTERRUPTED + "\n")
    # An exception, not os._exit: files being written are cleaned up on the way out.
    raise SystemExit(Exit.INTERRUPTED if signum == signal.SIGINT else Exit.TERMINATED)


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
    Path | None,
    typer.Option(
        "--feeds",
        help="The feeds file (TOML). [default: $DIGEST_FEEDS, else ./feeds.toml, else feeds.toml in "
        "the user config dir, else the bundled starter list]",
        show_default=False,
    ),
]
DbOption = Annotated[
    Path | None, typer.Option("--db", envvar="DIGEST_DB", help="The SQLite store.", show_default=False)
]
DaysOption = Annotated[
    int | None,
    typer.Option("--days", min=1, max=36500, help="The window: the last N days up to now. [default: 14]"),
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
    list[str] | None,
    typer.Option(
        "--region",
        help="Only items in this region or inside it (repeatable): a code (CN, cn-bj, CN-GD-shenzhen) "
        'or a name ("Hong Kong", 北京).',
    ),
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Tracebacks on errors.")]
LockTimeoutOption = Annotated[
    float,
    typer.Option(
        "--lock-timeout",
        min=0,
        show_default=False,
        help="Seconds to wait for another run to finish. [default: 60]",
    ),
]
FromOption = Annotated[str | None, typer.Option("--from", help="The email's From (else [email] from).")]
ToOption = Annotated[str | None, typer.Option("--to", help="The email's To (else [email] to).")]
NewOnlyOption = Annotated[
    bool,
    typer.Option(
        "--new-only",
        help="Only items no earlier issue included; the digest becomes the next numbered issue "
        "once it is fully written.",
    ),
]
TopicOption = Annotated[
    list[str] | None, typer.Option("--topic", help="Only items with this topic (repeatable).")
]


@dataclass(frozen=True, slots=True)
class _View:
    """The options that say which digest to print and how, resolved once at the edge."""

    days: int
    since: datetime | None
    until: datetime | None
    filters: Filters
    format: Format
    explicit_format: bool
    output: Path | None
    mail: Mail

    def window(self) -> Window:
        """The window as of now: `fetch` asks after its run, so what it stored is inside."""
        from digest import compose  # noqa: PLC0415

        return compose.window(datetime.now(UTC), days=self.days, since=self.since, until=self.until)


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
    mail: Mail,
    custom_regions: tuple[CustomRegion, ...] = (),
) -> _View:
    from digest.models import TOPICS, Filters  # noqa: PLC0415

    for name in topics or ():
        if name not in TOPICS:
            raise typer.BadParameter(f"{name!r} is not one of {', '.join(TOPICS)}", param_hint="--topic")
    wanted_regions = _regions(regions or (), custom_regions)
    start = _moment(since, "--since") if since else None
    end = _moment(until, "--until", end_of_day=True) if until else None
    if start and start >= (end or datetime.now(UTC)):
        raise typer.BadParameter("the window must start before it ends", param_hint="--since")
    chosen = fmt or (Format.RICH if _is_terminal(sys.stdout) and output is None else Format.TEXT)
    view = _View(
        days=days,
        since=start,
        until=end,
        filters=Filters(policy_only=policy_only, regions=wanted_regions, topics=tuple(topics or ())),
        format=chosen,
        explicit_format=fmt is not None,
        output=output,
        mail=mail,
    )
    try:
        view.window()
    except OverflowError:
        raise typer.BadParameter(f"{days} days reach before the year 1", param_hint="--days") from None
    return view


def _regions(wanted: Sequence[str], custom: tuple[CustomRegion, ...]) -> tuple[str, ...]:
    """Each `--region` as a code: a code in any case, a code plus a city slug, or a name."""
    if not wanted:
        return ()
    from digest.tagging.lookup import closest_regions, region_label, resolve_region  # noqa: PLC0415

    codes: list[str] = []
    for text in wanted:
        shown = repr(shorten(one_line(text), 60))
        found = resolve_region(text, custom)
        if len(found) > 1:
            choices = " or ".join(region_label(code, custom) for code in found)
            raise typer.BadParameter(f"{shown} could be {choices}; give the code", param_hint="--region")
        if not found:
            closest = closest_regions(text, custom)
            known = f"; the closest known: {', '.join(closest)}" if closest else ""
            raise typer.BadParameter(
                f"{shown} is not a known region code or name{known}", param_hint="--region"
            )
        codes.append(found[0])
    return tuple(codes)


def _moment(text: str, option: str, *, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is local time, as a person means it."""
    try:
        moment = datetime.fromisoformat(text.strip())
        if len(text.strip()) <= 10 and end_of_day:  # a date: the window includes that whole day
            moment = datetime.combine(moment.date() + timedelta(days=1), time())
        if moment.tzinfo is None:
            moment = moment.astimezone()
        return moment.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        raise typer.BadParameter(
            f"{text!r} is not an ISO 8601 date or date-time this tool can use", param_hint=option
        ) from None


def _days(text: str, option: str) -> int:
    """An age in whole days: 180, 180d, or 26w."""
    days = _quantity(text, option, {"d": 1, "w": 7}, 36500, "an age like 180d or 26w")
    if not days.is_integer():
        raise typer.BadParameter(f"{text!r} is not a whole number of days", param_hint=option)
    return int(days)


def _seconds(text: str, option: str) -> float:
    """A duration: plain seconds, or a number with s, m or h."""
    return _quantity(text, option, {"s": 1, "m": 60, "h": 3600}, 86400, "a duration like 600, 90s, 10m or 1h")


def _extraction_limit(default: float) -> float:
    """How long one page may take to extract: $DIGEST_EXTRACT_SECONDS, a knob for a slow machine
    (and for tests, which need a pathological page without waiting half a minute for it)."""
    limit = os.environ.get("DIGEST_EXTRACT_SECONDS")
    return _seconds(limit, "$DIGEST_EXTRACT_SECONDS") if limit else default


def _quantity(text: str, option: str, units: dict[str, int], largest: float, example: str) -> float:
    """A positive number up to `largest`, with an optional unit letter (none: the unit of 1)."""
    text = text.strip().lower()
    scale = units.get(text[-1:], 0) if text else 0
    try:
        value = float(text[:-1] if scale else text) * (scale or 1)
    except ValueError:
        value = math.nan
    if not 0 < value <= largest:  # NaN fails this too
        raise typer.BadParameter(f"{text!r} is not {example}", param_hint=option)
    return value


def _is_terminal(stream: TextIO | None) -> bool:
    return stream is not None and stream.isatty()


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
    sender: FromOption = None,
    to: ToOption = None,
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
    lock_timeout: LockTimeoutOption = 60.0,
    new_only: NewOnlyOption = False,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="Time allowed for the whole run, e.g. 600, 90s, 10m, 1h; then unfinished work is "
            "abandoned and the digest printed. [default: 10m]",
        ),
    ] = None,
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
            mail=_mail(feed_list, sender, to),
            custom_regions=feed_list.vocabulary.regions,
        )
        options = pipeline.RunOptions(
            timeout=timeout or settings.timeout,
            concurrency=concurrency or settings.concurrency,
            extract=not no_extract,
            user_agent=settings.user_agent,
            deadline=_seconds(deadline, "--deadline") if deadline else settings.deadline,
            re_extract=view.window() if re_extract else None,
            extract_seconds=_extraction_limit(pipeline.EXTRACT_SECONDS),
        )
        with _run_lock(db, lock_timeout, verbose=verbose), _open_store(db) as store:
            with _progress(len(feed_list.feeds), quiet=quiet) as observer:
                report = pipeline.run(feed_list.feeds, store, options, feed_list.vocabulary, observer)
            _warn_about(report, verbose=verbose)
            if report.all_failed:
                _fail(_all_failed_message(report), Exit.FAILURE)
            if settings.keep_days is not None:
                store.prune(datetime.now(UTC) - timedelta(days=settings.keep_days))
            digest = _digest(store, view, feed_list.feeds, new_only=new_only)
            if new_only:
                _send(store, digest, view)
                return
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
    sender: FromOption = None,
    to: ToOption = None,
    new_only: NewOnlyOption = False,
    issue: Annotated[
        int | None,
        typer.Option(
            "--issue",
            min=1,
            help="Print issue N again, exactly as it was sent (see `digest issues`).",
        ),
    ] = None,
    lock_timeout: LockTimeoutOption = 60.0,
    verbose: VerboseOption = False,
) -> None:
    """Print the digest for the window from what is stored (no network)."""
    with _errors(verbose):
        if issue is not None and issue > _LARGEST_ISSUE:
            raise typer.BadParameter(f"no issue has a number past {_LARGEST_ISSUE}", param_hint="--issue")
        if issue is not None and new_only:
            raise typer.BadParameter(
                "--issue prints a past issue; --new-only makes a new one", param_hint="--issue"
            )
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
            mail=_mail(feed_list, sender, to),
            custom_regions=feed_list.vocabulary.regions,
        )
        path = _stored(db)
        if issue is not None:
            _emit(_past_issue(path, issue), view)
        elif new_only:  # it records an issue: one writer at a time, so no two runs send one story
            with _run_lock(path, lock_timeout, verbose=verbose), _open_store(path) as store:
                _send(store, _digest(store, view, feed_list.feeds, new_only=True), view)
        else:
            with _open_store(path, read_only=True) as store:
                digest = _digest(store, view, feed_list.feeds)
            _emit(digest, view)


@app.command()
def explain(
    item: Annotated[str, typer.Argument(help="The item's id, its URL, or the start of its title.")],
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Show one stored item with its tags and the evidence for each."""
    with _errors(verbose):
        from digest.render import explain as explained  # noqa: PLC0415

        path = _stored(db)
        shown = repr(shorten(one_line(item), 80))
        with _open_store(path, read_only=True) as store:
            found = _find_items(store, item)
        if not found:
            _fail(f"no stored item matches {shown} (by id, URL or title start)", Exit.FAILURE)
        if len(found) > 1:
            choices = "; ".join(f"{match.id} {shorten(one_line(match.title), 50)}" for match in found[:5])
            _fail(f"{len(found)} items match {shown}; give one of their ids: {choices}", Exit.FAILURE)
        _write_stdout(explained.render(found[0]))


# Longer than any stored id, URL or title worth typing; SQLite refuses LIKE patterns past
# 50,000 bytes, and a 50,000-character argument is a paste gone wrong, not a reference.
_LONGEST_REFERENCE = 10_000


def _find_items(store: Store, reference: str) -> list[Item]:
    """Items by id, URL or title start; a URL as the feed gave it (tracking parameters, an
    upper-case host) is found by the canonical form the store keeps."""
    if len(reference) > _LONGEST_REFERENCE:
        return []
    if found := store.find_items(reference):
        return found
    from digest.parse import canonical_url  # noqa: PLC0415

    canonical = canonical_url(reference.strip()) if "://" in reference else None
    return store.find_items(canonical) if canonical and canonical != reference.strip() else []


@app.command("feeds")
def feeds_command(
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
    with _errors(verbose):
        from digest import compose, models  # noqa: PLC0415
        from digest.render import feeds as health  # noqa: PLC0415

        if stats:
            path = _stored(db)
            with _open_store(path, read_only=True) as store:
                figures = store.stats()
            as_json = fmt is ListFormat.JSON
            _write_stdout((health.stats_json if as_json else health.stats_text)(str(path), figures))
            return
        feed_list = _feed_list(feeds, quiet=True)
        window = compose.window(
            datetime.now(UTC), days=days or feed_list.settings.days, since=None, until=None
        )
        path = _db_path(db)
        if path.exists():
            with _open_store(path, read_only=True) as store:
                known = store.feed_health(feed_list.feeds, window)
        else:  # before the first fetch: the feeds file alone, every feed not fetched yet
            known = [models.FeedHealth.never_fetched(feed.name, feed.url) for feed in feed_list.feeds]
        report = [_redacted(feed) for feed in known]
        chosen = fmt or (ListFormat.RICH if _is_terminal(sys.stdout) else ListFormat.TEXT)
        if chosen is ListFormat.JSON:
            _write_stdout(health.as_json(report))
        elif chosen is ListFormat.RICH:
            from rich.console import Console  # noqa: PLC0415

            Console(highlight=False).print(health.rich(report))
        else:
            _write_stdout(health.text(report))


@app.command("issues")
def issues_command(
    db: DbOption = None,
    fmt: Annotated[
        IssuesFormat | None, typer.Option("--format", help="Output format. [default: text]")
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """List the issues sent so far (digests printed with --new-only)."""
    with _errors(verbose):
        from digest.render import issues as listing  # noqa: PLC0415

        path = _stored(db)
        with _open_store(path, read_only=True) as store:
            sent = store.issues()
        if fmt is IssuesFormat.JSON:
            _write_stdout(listing.as_json(sent))
        else:
            _write_stdout(listing.text(sent))


@app.command()
def prune(
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than", help="Remove items older than this, e.g. 180d or 26w. [default: keep_days]"
        ),
    ] = None,
    feeds: FeedsOption = None,
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    lock_timeout: LockTimeoutOption = 60.0,
    verbose: VerboseOption = False,
) -> None:
    """Remove old items and their text from the store, then reclaim the space."""
    with _errors(verbose):
        from digest.render.feeds import megabytes  # noqa: PLC0415

        if older_than is not None:
            days = _days(older_than, "--older-than")
        elif (kept := _feed_list(feeds, quiet=True).settings.keep_days) is not None:
            days = kept
        else:
            raise typer.BadParameter(
                "say how old, e.g. 180d, or set keep_days in [settings]", param_hint="--older-than"
            )
        path = _stored(db)
        with _run_lock(path, lock_timeout, verbose=verbose), _open_store(path) as store:
            before = store.stats()
            removed = store.prune(datetime.now(UTC) - timedelta(days=days))
            after = store.stats()
        if not quiet:
            stderr().print(
                f"removed {plural(removed, 'item')} older than {plural(days, 'day')}; store "
                f"{megabytes(before.bytes)} -> {megabytes(after.bytes)}, {plural(after.items, 'item')}, "
                f"{after.bytes_per_item:,} bytes per item",
                markup=False,
            )


@app.command()
def init(
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing feeds file.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """Write the starter feeds file to the user config dir, to edit and make your own."""
    with _errors(verbose):
        import platformdirs  # noqa: PLC0415

        from digest import config  # noqa: PLC0415

        target = Path(platformdirs.user_config_dir("digest")) / "feeds.toml"
        if target.exists() and not force:
            _fail(f"{target} already exists; pass --force to overwrite it", Exit.USAGE)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_file(target, config.bundled_feeds().read_text(encoding="utf-8"), "the feeds file")
        except OSError as error:
            raise DigestError(f"{target}: cannot write the feeds file ({error.strerror or error})") from None
        stderr().print(f"wrote {target}", markup=False)


@app.command()
def retag(
    feeds: FeedsOption = None,
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    verbose: VerboseOption = False,
    lock_timeout: LockTimeoutOption = 60.0,
) -> None:
    """Tag every stored item again from its stored text (no network), e.g. after new [[regions]]."""
    with _errors(verbose):
        from digest.tagging import Tagger  # noqa: PLC0415

        feed_list = _feed_list(feeds, quiet=True)
        path = _stored(db)
        tagger = Tagger(feed_list.vocabulary)
        with (
            _run_lock(path, lock_timeout, verbose=verbose),
            _open_store(path) as store,
            _retag_progress(store.stats().items, quiet=quiet) as advance,
        ):
            count, policy, regional = _retag_all(store, tagger, advance)
        if not quiet:
            said = f"retagged {plural(count, 'item')}: {policy:,} about policy, {regional:,} with a region"
            stderr().print(said, markup=False)


RETAG_BATCH = 500  # items a transaction: an interrupted retag keeps what it finished


def _retag_all(store: Store, tagger: Tagger, advance: Callable[[int], None]) -> tuple[int, int, int]:
    """Tag every stored item again; how many, how many about policy, how many with a region."""
    count = policy = regional = 0
    batch: list[tuple[str, Tags]] = []
    for uid, title, summary, text in store.texts():
        tags = tagger.tag(title, summary, text)
        batch.append((uid, tags))
        count, policy, regional = count + 1, policy + tags.policy, regional + bool(tags.regions)
        if len(batch) >= RETAG_BATCH:
            store.retag(batch)
            advance(len(batch))
            batch = []
    store.retag(batch)
    return count, policy, regional


@contextlib.contextmanager
def _retag_progress(items: int, *, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A bar on stderr when it is a terminal (a big store takes a while); else nothing."""
    if quiet or not stderr().is_terminal:
        yield lambda done: None
        return
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(console=stderr(), transient=True) as progress:
        task = progress.add_task("re-tagging", total=items)
        yield functools.partial(progress.advance, task)


opml_app = typer.Typer(
    help="Feeds to and from OPML 2.0, the subscription list feed readers share.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(opml_app, name="opml")


@opml_app.command("import")
def opml_import(
    source: Annotated[Path, typer.Argument(help="The OPML file to read.", show_default=False)],
    feeds: Annotated[
        Path | None,
        typer.Option("--feeds", help="The feeds file to add to. [default: the one fetch would read]"),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Add the feeds of an OPML file to the feeds file; feeds already there are skipped."""
    with _errors(verbose):
        import platformdirs  # noqa: PLC0415

        from digest import config, opml  # noqa: PLC0415

        data = config.read_bytes(source, "OPML file")
        incoming, unusable = opml.read_opml(data, str(source))
        user_dir = Path(platformdirs.user_config_dir("digest"))
        target, bundled = config.locate(feeds, user_dir)
        if bundled:  # the starter list is not the user's to edit: start their own file
            target = user_dir / "feeds.toml"
        text = _OPML_HEADER
        existing: Sequence[Feed] = ()
        if target.exists():
            text = _read_text(target)
            # A file with no [[feeds]] yet (only comments, say) is a fine place to start.
            existing = config.parse(text, target).feeds if _lists_feeds(text) else ()
        added, duplicates = opml.merge(existing, incoming)
        if added:
            updated = opml.append_feeds(text, added, str(target))
            config.parse(updated, target)  # every rule of the feeds file holds before it is written
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_file(target, updated, "the feeds file")
        for skipped in (*unusable, *duplicates):
            where = f"{one_line(skipped.name)!r} ({one_line(redact_url(skipped.url))})"
            stderr().print(f"skipped {where}: {one_line(skipped.reason)}", markup=False)
        stderr().print(
            f"added {plural(len(added), 'feed')} to {one_line(str(target))}; "
            f"skipped {len(unusable) + len(duplicates):,}",
            markup=False,
        )


@opml_app.command("export")
def opml_export(
    feeds: FeedsOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the OPML document to this file instead of stdout."),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Print the feeds file's feeds as an OPML 2.0 document."""
    with _errors(verbose):
        from digest import opml  # noqa: PLC0415

        document = opml.write_opml(_feed_list(feeds, quiet=True).feeds, "digest feeds")
        if output is not None:
            _write_file(output, document, "the OPML list")
        else:
            _write_stdout(document)


_OPML_HEADER = "# Feeds for `digest`, imported from OPML. Each [[feeds]] has a unique name and url.\n"


def _lists_feeds(text: str) -> bool:
    import tomllib  # noqa: PLC0415

    try:
        return "feeds" in tomllib.loads(text.removeprefix("\ufeff"))
    except (tomllib.TOMLDecodeError, RecursionError):
        return True  # let the feeds file's own check say what is wrong, and where


def _read_text(path: Path) -> str:
    from digest import config  # noqa: PLC0415

    return config.read_text(path)


# -- the edges: files, store, streams ----------------------------------------------------------


def _mail(feed_list: FeedList, sender: str | None, to: str | None) -> Mail:
    from digest.models import Mail  # noqa: PLC0415

    configured = feed_list.mail
    return Mail(sender or configured.sender, to or configured.to, configured.subject)


def _feed_list(explicit: Path | None, *, quiet: bool) -> FeedList:
    import platformdirs  # noqa: PLC0415

    from digest import config  # noqa: PLC0415

    path, bundled = config.locate(explicit, Path(platformdirs.user_config_dir("digest")))
    feed_list = config.load(path, bundled=bundled)
    if bundled and not quiet:
        stderr().print(
            "hint: using the bundled feeds list; create ./feeds.toml or pass --feeds to choose your own",
            markup=False,
        )
    return feed_list


def _db_path(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_data_dir("digest")) / "digest.sqlite3"


def _stored(db: Path | None) -> Path:
    """The store for commands that only read it: one that does not exist yet is an error."""
    path = _db_path(db)
    if not path.exists():
        _fail(f"no store at {path} yet; run `digest fetch` first", Exit.FAILURE)
    return path


def _run_lock(db: Path | None, timeout: float, *, verbose: bool) -> contextlib.AbstractContextManager[None]:
    from digest.store import run_lock  # noqa: PLC0415

    def say_waiting(holder: str) -> None:
        # A cron job's log need not hear it; a person at a terminal wonders why nothing moves.
        if verbose or stderr().is_terminal:
            stderr().print(
                f"waiting for the run in process {one_line(holder)} (up to {timeout:g} s)", markup=False
            )

    return run_lock(_db_path(db), timeout, say_waiting)


@contextlib.contextmanager
def _open_store(db: Path | None, *, read_only: bool = False) -> Iterator[Store]:
    """The store; commands that only read it open it read-only, so a read-only place will do."""
    from digest.store import Store  # noqa: PLC0415

    with Store.open(_db_path(db), read_only=read_only) as store:
        yield store


def _digest(store: Store, view: _View, feeds: Sequence[Feed], *, new_only: bool = False) -> Digest:
    """The digest of the window from the store; each feed as its last run left it."""
    from digest import compose  # noqa: PLC0415
    from digest.models import Window  # noqa: PLC0415
    from digest.tagging import region_names  # noqa: PLC0415

    window = view.window()
    sent: list[Item] = []
    if new_only:
        window = _since_last_issue(store, view, window)
        items = store.items_in(window, sent=False)
        # What earlier issues told lately, so another outlet's later report of it is no news.
        told = Window(window.start - timedelta(days=compose.SAME_STORY_DAYS), window.end)
        sent = store.items_in(told, sent=True)
    else:
        items = store.items_in(window)
    before = store.items_in(compose.previous(window), policy_only=True)  # the trends count policy stories
    codes = {r.code.split("-")[0] for item in (*items, *before) for r in item.tags.regions}
    codes |= {item.tags.primary_region for item in items if item.tags.primary_region}
    now = datetime.now(UTC)
    results = [_redacted(result) for result in store.feed_results(feeds)]
    return compose.compose(
        items, results, window, view.filters, now, before=before, names=region_names(codes), sent=sent,
        fetching=_fetch_running(store),
    )  # fmt: skip


def _fetch_running(store: Store) -> bool:
    """Whether another process's fetch holds the store (this process's own run is over by now)."""
    from digest.store import run_in_progress  # noqa: PLC0415

    return run_in_progress(store.path)


def _redacted(feed: _Shown) -> _Shown:
    """A feed as people get to see it: its URL as configured carries any credentials the
    request needs (`https://user:pass@host/`, `?token=`); what is shown carries none, and its
    error (server text: a reason phrase, a redirect target) is cleaned like feed text."""
    return dataclasses.replace(
        feed,
        url=redact_url(feed.url),
        error=_shown_error(feed.error) if feed.error else feed.error,
        moved_to=redact_url(feed.moved_to) if feed.moved_to else feed.moved_to,
    )


def _since_last_issue(store: Store, view: _View, window: Window) -> Window:
    """A new issue reaches back to where the last one ended, if that is before the usual window
    (a missed fortnight, a failed send), so that no story falls between two issues."""
    last = store.last_issue()
    if view.since is not None or last is None or last.window.end >= window.start:
        return window
    return dataclasses.replace(window, start=last.window.end)


def _emit(digest: Digest, view: _View, *, must_finish: bool = False) -> None:
    text = _rendered(digest, view)
    if view.output is not None:
        _write_file(view.output, text)
    else:
        _write_stdout(text, must_finish=must_finish)


def _send(store: Store, digest: Digest, view: _View) -> None:
    """Print the digest as the next numbered issue, and record it only once it is fully written:
    a broken pipe or a failed write sends nothing, so those stories stay new for the next one."""
    number = store.next_issue()
    issue = dataclasses.replace(digest, issue=number, title=f"{digest.title} · issue {number}")
    _emit(issue, view, must_finish=True)
    # JSON carries every item; the newsletter layouts tell fewer (other headlines are capped),
    # and what they leave out stays new for the next issue.
    told = [item.url for item in issue.items] if view.format is Format.JSON else issue.told()
    store.record_issue(issue, view.format.value, datetime.now(UTC), [*told, *issue.repeats])


def _past_issue(path: Path, number: int) -> Digest:
    with _open_store(path, read_only=True) as store:
        digest = store.issue(number)
        last = store.next_issue() - 1
    if digest is None:
        known = f"issues are 1 to {last}" if last else "no issue was sent yet"
        _fail(f"no issue {number}: {known} (see `digest issues`)", Exit.FAILURE)
    return digest


def _write_stdout(text: str, *, must_finish: bool = False) -> None:
    from digest import output  # noqa: PLC0415

    try:
        output.write_stdout(text)
    except BrokenPipeError:
        if must_finish:
            raise DigestError(
                "the reader closed the pipe before the digest was fully written; no issue was recorded"
            ) from None
        # The reader (`head`, a closed pager) went away: not an error worth a traceback.
        raise typer.Exit(Exit.OK) from None


def _rendered(digest: Digest, view: _View) -> str:
    if view.format is Format.JSON:
        from digest.render import json  # noqa: PLC0415

        return json.render(digest)
    if view.format is Format.MARKDOWN:
        from digest.render import markdown  # noqa: PLC0415

        return markdown.render(digest)
    if view.format is Format.HTML:
        from digest.render import html  # noqa: PLC0415

        return html.render(digest)
    if view.format is Format.EMAIL:
        from digest.render import email, html, text  # noqa: PLC0415

        mail = view.mail
        try:
            return email.render(
                digest, text=text.render(digest), html=html.render(digest), sender=mail.sender, to=mail.to,
                subject=mail.subject,
            )  # fmt: skip
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--from/--to") from None
    if view.format is Format.RICH:
        from rich.console import Console  # noqa: PLC0415

        from digest.render import rich  # noqa: PLC0415

        to_terminal = view.output is None and _is_terminal(sys.stdout)
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


def _write_file(path: Path, text: str, what: str = "the digest") -> None:
    from digest import output  # noqa: PLC0415

    output.write_path(path, text, what=what)


# Past this many failures with one cause, the rest are counted, not listed: 5,000 feeds
# behind one dead proxy are one problem, not 5,000 lines.
_LISTED_PER_CAUSE = 3
# What a feed's error starts with when the network, not the feed, is at fault.
_UNREACHABLE = ("could not resolve host", "connection refused", "could not connect")


def _warn_about(report: RunReport, *, verbose: bool) -> None:
    from digest.models import FeedStatus  # noqa: PLC0415

    if report.abandoned:
        untried = sum(1 for feed in report.feeds if feed.status is FeedStatus.NOT_FETCHED)
        among = f" ({untried:,} not fetched: no answer yet)" if untried else ""
        stderr().print(
            f"warning: the run's deadline passed; {plural(report.abandoned, 'unfinished feed')} "
            f"abandoned{among}, and the digest holds what was finished",
            markup=False,
        )
    unlisted: dict[str, int] = {}
    for feed in report.feeds:
        where = f"feed {one_line(feed.name)!r} ({one_line(redact_url(feed.url))})"
        if feed.status is FeedStatus.ERROR:
            cause = _cause(feed.error)
            seen = unlisted.get(cause, -_LISTED_PER_CAUSE)
            unlisted[cause] = seen + 1
            if verbose or seen < 0:
                stderr().print(f"warning: {where}: {_shown_error(feed.error)}", markup=False)
        for warning in feed.warnings:
            stderr().print(f"warning: {where}: {_shown_error(warning)}", markup=False)
    for cause, count in unlisted.items():
        if count > 0 and not verbose:
            fault = "unreachable" if cause.startswith(_UNREACHABLE) else "failed"
            stderr().print(f"warning: {plural(count, 'more feed')} {fault}: {cause}", markup=False)
    if verbose:
        stderr().print(
            f"{plural(len(report.feeds), 'feed')}, {plural(report.new_items, 'new item')}, "
            f"{plural(report.articles_extracted, 'article')} extracted, "
            f"{report.articles_not_extracted:,} kept the feed's text; "
            f"{report.articles_retried:,} that had kept it tried again, "
            f"{report.articles_recovered:,} extracted",
            markup=False,
        )


def _cause(error: str | None) -> str:
    """What failures have in common: "could not connect", without each host's own detail."""
    return _shown_error(error).split(" (", 1)[0]


def _shown_error(error: str | None) -> str:
    """A feed's error as a message may show it: one line, server text cleaned, no credentials."""
    return one_line(redact_urls(error or "unknown error"))


def _all_failed_message(report: RunReport) -> str:
    causes = {_cause(feed.error) for feed in report.feeds}
    if all(cause.startswith(_UNREACHABLE) for cause in causes):
        return f"every feed failed; the network looks unreachable ({', '.join(sorted(causes))})"
    return "every feed failed; nothing was fetched"


@contextlib.contextmanager
def _progress(feeds: int, *, quiet: bool) -> Iterator[Observer | None]:
    if quiet or not stderr().is_terminal:
        yield None
        return
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(console=stderr(), transient=True) as progress:
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


def _on_sigterm(signum: int, frame: object) -> None:
    # Outside a fetch's event loop (which handles SIGTERM itself), as an exception, so that
    # finished work is committed on the way out.
    raise Terminated


@contextlib.contextmanager
def _errors(verbose: bool) -> Iterator[None]:
    """The one place where errors become a line on stderr and an exit code."""
    # Inside, interrupts are exceptions (asyncio turns Ctrl-C into a cancelled run), so that
    # finished work is committed on the way out.
    outside = signal.signal(signal.SIGINT, signal.default_int_handler), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    except ConfigError as error:
        _report(error, verbose)
        raise typer.Exit(Exit.USAGE) from None
    except DigestError as error:
        _report(error, verbose)
        raise typer.Exit(Exit.FAILURE) from None
    except KeyboardInterrupt:
        stderr().print(INTERRUPTED, markup=False)
        raise typer.Exit(Exit.INTERRUPTED) from None
    except Terminated:
        stderr().print(INTERRUPTED, markup=False)
        raise typer.Exit(Exit.TERMINATED) from None
    finally:
        signal.signal(signal.SIGINT, outside[0])
        signal.signal(signal.SIGTERM, outside[1])


def _report(error: DigestError, verbose: bool) -> None:
    if verbose:
        stderr().print_exception()
    stderr().print(f"error: {one_line(error.message)}", markup=False)
    if error.hint:
        stderr().print(f"hint: {one_line(error.hint)}", markup=False)


def _fail(message: str, code: Exit) -> NoReturn:
    stderr().print(f"error: {one_line(message)}", markup=False)
    raise typer.Exit(code)
