"""The stderr console: progress bars while a run works, its warnings, and every line said to a
person; the digest itself never goes here."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO

from digest.plaintext import one_line, plural, redact_url

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from digest.models import FeedResult, RunReport
    from digest.pipeline import Observer

# Past this many failures with one cause, the rest are counted, not listed: 5,000 feeds
# behind one dead proxy are one problem, not 5,000 lines.
_LISTED_PER_CAUSE = 3
# What a feed's error starts with when the network, not the feed, is at fault.
_UNREACHABLE = ("could not resolve host", "connection refused", "could not connect")


@functools.cache
def stderr() -> Console:
    """Progress, warnings and errors: made at the first word, since importing Rich takes a
    tenth of a second that a quiet `show` need not pay."""
    from rich.console import Console  # noqa: PLC0415

    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(line: str) -> None:
    """One line on stderr, as plain text: what it quotes (a feed's name, a path) is not markup."""
    stderr().print(line, markup=False)


def is_terminal(stream: TextIO | None) -> bool:
    return stream is not None and stream.isatty()


def warn_about(report: RunReport, *, verbose: bool) -> None:
    """A run's warnings: a deadline that passed, each failed feed (or a count per cause)."""
    from digest.models import FeedStatus  # noqa: PLC0415
    from digest.newsletter import shown_error  # noqa: PLC0415

    if report.abandoned:
        untried = sum(1 for feed in report.feeds if feed.status is FeedStatus.NOT_FETCHED)
        among = f" ({untried:,} not fetched: no answer yet)" if untried else ""
        say(
            f"warning: the run's deadline passed; {plural(report.abandoned, 'unfinished feed')} "
            f"abandoned{among}, and the digest holds what was finished"
        )
    unlisted: dict[str, int] = {}
    for feed in report.feeds:
        where = f"feed {one_line(feed.name)!r} ({one_line(redact_url(feed.url))})"
        if feed.status is FeedStatus.ERROR:
            cause = _cause(feed.error)
            seen = unlisted.get(cause, -_LISTED_PER_CAUSE)
            unlisted[cause] = seen + 1
            if verbose or seen < 0:
                say(f"warning: {where}: {shown_error(feed.error)}")
        for warning in feed.warnings:
            say(f"warning: {where}: {shown_error(warning)}")
    for cause, count in unlisted.items():
        if count > 0 and not verbose:
            fault = "unreachable" if cause.startswith(_UNREACHABLE) else "failed"
            say(f"warning: {plural(count, 'more feed')} {fault}: {cause}")
    if verbose:
        say(
            f"{plural(len(report.feeds), 'feed')}, {plural(report.new_items, 'new item')}, "
            f"{plural(report.articles_extracted, 'article')} extracted, "
            f"{report.articles_not_extracted:,} kept the feed's text; "
            f"{report.articles_retried:,} that had kept it tried again, "
            f"{report.articles_recovered:,} extracted"
        )


def all_failed_message(report: RunReport) -> str:
    """Why a run produced nothing, naming the network when every cause is an unreachable host."""
    causes = {_cause(feed.error) for feed in report.feeds}
    if all(cause.startswith(_UNREACHABLE) for cause in causes):
        return f"every feed failed; the network looks unreachable ({', '.join(sorted(causes))})"
    return "every feed failed; nothing was fetched"


def _cause(error: str | None) -> str:
    """What failures have in common: "could not connect", without each host's own detail."""
    from digest.newsletter import shown_error  # noqa: PLC0415

    return shown_error(error).split(" (", 1)[0]


@contextlib.contextmanager
def fetch_progress(feeds: int, *, quiet: bool) -> Iterator[Observer | None]:
    """Feeds fetched and articles extracted as bars, when stderr is a terminal and not quiet."""
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


@contextlib.contextmanager
def retag_progress(items: int, *, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A bar on stderr when it is a terminal (a big store takes a while); else nothing."""
    if quiet or not stderr().is_terminal:
        yield lambda done: None
        return
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(console=stderr(), transient=True) as progress:
        task = progress.add_task("re-tagging", total=items)
        yield functools.partial(progress.advance, task)
