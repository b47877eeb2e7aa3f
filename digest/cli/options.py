"""The command line's options: each defined once, and read once into typed values (a window's
dates, a duration, an age, which digest to print and how) before any command runs."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from digest.cli.console import is_terminal
from digest.models import DEFAULT_CONCURRENCY, DEFAULT_DAYS, DEFAULT_TIMEOUT, MAX_DAYS
from digest.plaintext import one_line, shorten

if TYPE_CHECKING:
    from digest.models import CustomRegion, FeedList, Filters, Mail, Window

# Seconds a run waits for another to let go of the store.
LOCK_TIMEOUT = 60.0
# SQLite's largest integer; checked by hand, since a `max=` would print it in the help.
LARGEST_ISSUE = 2**63 - 1


class Format(StrEnum):
    RICH = "rich"
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    EMAIL = "email"
    ATOM = "atom"


class ListFormat(StrEnum):
    """What `digest feeds` can print."""

    RICH = "rich"
    TEXT = "text"
    JSON = "json"


class IssuesFormat(StrEnum):
    """What `digest issues` can print."""

    TEXT = "text"
    JSON = "json"


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
    typer.Option(
        "--days",
        min=1,
        max=MAX_DAYS,
        help=f"The window: the last N days up to now. [default: {DEFAULT_DAYS}]",
    ),
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
TopicOption = Annotated[
    list[str] | None, typer.Option("--topic", help="Only items with this topic (repeatable).")
]
FromOption = Annotated[str | None, typer.Option("--from", help="The email's From (else [email] from).")]
ToOption = Annotated[str | None, typer.Option("--to", help="The email's To (else [email] to).")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Tracebacks on errors.")]
LockTimeoutOption = Annotated[
    float,
    typer.Option(
        "--lock-timeout",
        min=0,
        show_default=False,
        help=f"Seconds to wait for another run to finish. [default: {LOCK_TIMEOUT:g}]",
    ),
]
NewOnlyOption = Annotated[
    bool,
    typer.Option(
        "--new-only",
        help="Only items no earlier issue included; the digest becomes the next numbered issue "
        "once it is fully written.",
    ),
]
ConcurrencyOption = Annotated[
    int | None,
    typer.Option("--concurrency", min=1, max=256, help=f"Requests at once. [default: {DEFAULT_CONCURRENCY}]"),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option("--timeout", min=0.1, help=f"Seconds allowed per request. [default: {DEFAULT_TIMEOUT:g}]"),
]


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """The options `fetch` and `show` share, as given: which feeds and store, which digest."""

    feeds: Path | None
    db: Path | None
    days: int | None
    since: str | None
    until: str | None
    format: Format | None
    output: Path | None
    policy_only: bool
    regions: list[str] | None
    topics: list[str] | None
    sender: str | None
    to: str | None

    def view(self, feed_list: FeedList) -> View:
        """Which digest to print and how, checked against the feeds file's settings."""
        return _view(self, feed_list)


def _digest_options(
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
) -> DigestOptions:
    """The shared options, in the order the help lists them (before each command's own)."""
    return DigestOptions(feeds, db, days, since, until, fmt, output, policy_only, region, topic, sender, to)


def with_digest_options(command: Callable[..., None]) -> Callable[..., None]:
    """A command that takes the shared options as one `DigestOptions`, its own after them.

    Typer reads a command's options from its signature, so the one given to Typer is the
    shared options' followed by the command's own."""
    shared = inspect.signature(_digest_options, eval_str=True).parameters
    own = list(inspect.signature(command, eval_str=True).parameters.values())[1:]

    @functools.wraps(command)
    def with_options(**given: Any) -> None:
        command(_digest_options(**{name: given.pop(name) for name in shared}), **given)

    parameters = [*shared.values(), *own]
    with_options.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    with_options.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
    del with_options.__wrapped__  # Typer must read the signature above, not the command's
    return with_options


@dataclass(frozen=True, slots=True)
class View:
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


def _view(given: DigestOptions, feed_list: FeedList) -> View:
    from digest.models import TOPICS, Filters  # noqa: PLC0415

    for name in given.topics or ():
        if name not in TOPICS:
            raise typer.BadParameter(f"{name!r} is not one of {', '.join(TOPICS)}", param_hint="--topic")
    wanted_regions = _regions(given.regions or (), feed_list.vocabulary.regions)
    start = moment(given.since, "--since") if given.since else None
    end = moment(given.until, "--until", end_of_day=True) if given.until else None
    if start and start >= (end or datetime.now(UTC)):
        raise typer.BadParameter("the window must start before it ends", param_hint="--since")
    fmt, output = given.format, given.output
    chosen = fmt or (Format.RICH if is_terminal(sys.stdout) and output is None else Format.TEXT)
    days = given.days or feed_list.settings.days
    view = View(
        days=days,
        since=start,
        until=end,
        filters=Filters(
            policy_only=given.policy_only, regions=wanted_regions, topics=tuple(given.topics or ())
        ),
        format=chosen,
        explicit_format=fmt is not None,
        output=output,
        mail=mail_for(feed_list, given.sender, given.to),
    )
    try:
        view.window()
    except OverflowError:
        raise typer.BadParameter(f"{days} days reach before the year 1", param_hint="--days") from None
    return view


def mail_for(feed_list: FeedList, sender: str | None, to: str | None) -> Mail:
    """The email's addresses: the options', else the feeds file's [email] table's."""
    configured = feed_list.mail
    return dataclasses.replace(configured, sender=sender or configured.sender, to=to or configured.to)


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


def moment(text: str, option: str, *, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is local time, as a person means it."""
    try:
        given = datetime.fromisoformat(text.strip())
        if len(text.strip()) <= 10 and end_of_day:  # a date: the window includes that whole day
            given = datetime.combine(given.date() + timedelta(days=1), time())
        if given.tzinfo is None:
            given = given.astimezone()
        return given.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        raise typer.BadParameter(
            f"{text!r} is not an ISO 8601 date or date-time this tool can use", param_hint=option
        ) from None


def age_in_days(text: str, option: str) -> int:
    """An age in whole days: 180, 180d, or 26w."""
    count = _quantity(text, option, {"d": 1, "w": 7}, MAX_DAYS, "an age like 180d or 26w")
    if not count.is_integer():
        raise typer.BadParameter(f"{text!r} is not a whole number of days", param_hint=option)
    return int(count)


def duration(text: str, option: str) -> float:
    """A duration: plain seconds, or a number with s, m or h."""
    return _quantity(text, option, {"s": 1, "m": 60, "h": 3600}, 86400, "a duration like 600, 90s, 10m or 1h")


def extraction_limit(default: float) -> float:
    """How long one page may take to extract: $DIGEST_EXTRACT_SECONDS, a knob for a slow machine
    (and for tests, which need a pathological page without waiting half a minute for it)."""
    limit = os.environ.get("DIGEST_EXTRACT_SECONDS")
    return duration(limit, "$DIGEST_EXTRACT_SECONDS") if limit else default


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
