"""One fetch run: feeds downloaded, parsed, articles extracted and stored in batches."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import queue
import signal
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from digest.errors import FetchError, StoreError, Terminated
from digest.fetch import Fetcher, LinkGuard, PrivateAddressError
from digest.models import (
    DEFAULT_DEADLINE,
    Article,
    ArticleAttempt,
    ArticleFailure,
    Entry,
    Feed,
    FeedCheck,
    FeedResult,
    FeedStatus,
    FellBack,
    Item,
    RunReport,
    Sighting,
    Tags,
    Validators,
    Vocabulary,
    Window,
    item_id,
)
from digest.parse import parse_feed
from digest.plaintext import shorten
from digest.store import Store
from digest.tagging import Tagger
from digest.workers.pool import Page, Pool, start_fork_server
from digest.workers.task import summary_of

T = TypeVar("T")

BATCH_SIZE = 25
BATCH_SECONDS = 2.0
# trafilatura needs ~0.1 s for a typical page; a page that takes this long is pathological,
# and the story keeps its feed text rather than holding up the run.
EXTRACT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class RunOptions:
    timeout: float
    concurrency: int
    extract: bool = True
    user_agent: str | None = None
    deadline: float = DEFAULT_DEADLINE
    re_extract: Window | None = None  # download again every story of this window that fell back
    extract_seconds: float = EXTRACT_SECONDS  # one page's own extraction, not its wait for a worker


class Observer(Protocol):
    """What the CLI's progress display hears about; the pipeline itself never prints."""

    def feed_done(self, result: FeedResult) -> None: ...
    def article_started(self) -> None: ...
    def article_done(self, extracted: bool) -> None: ...


class _Silent:
    def feed_done(self, result: FeedResult) -> None:
        pass

    def article_started(self) -> None:
        pass

    def article_done(self, extracted: bool) -> None:
        pass


@dataclass
class _Batch:
    """Finished work waiting for its transaction: flushed by size, on a clock, and at the end."""

    store: Store
    items: list[Item] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)
    checks: list[FeedCheck] = field(default_factory=list)
    attempts: list[ArticleAttempt] = field(default_factory=list)
    refreshed: list[Item] = field(default_factory=list)
    # The store refused a write (damaged, full, locked by another program): the run stops, and
    # nothing more is tried against it.
    fault: StoreError | None = None

    def add(
        self,
        item: Item | None = None,
        sighting: Sighting | None = None,
        attempt: ArticleAttempt | None = None,
        *,
        refreshed: bool = False,
    ) -> None:
        """Queue finished work; an item's try at its article goes in the same batch as the item."""
        if item is not None:
            (self.refreshed if refreshed else self.items).append(item)
        if sighting is not None:
            self.sightings.append(sighting)
        if attempt is not None:
            self.attempts.append(attempt)
        if len(self.items) + len(self.refreshed) >= BATCH_SIZE:
            self.flush()

    def check(self, check: FeedCheck) -> None:
        self.checks.append(check)

    def flush(self) -> None:
        if self.fault is not None:  # a new one each time: re-raising one object grows its traceback
            raise StoreError(self.fault.message, hint=self.fault.hint) from None
        if self.items or self.sightings or self.checks or self.attempts or self.refreshed:
            try:
                self.store.save(self.items, self.sightings, self.checks, self.attempts, self.refreshed)
            except StoreError as error:
                self.fault = error
                raise
        self.items, self.sightings, self.checks, self.attempts, self.refreshed = [], [], [], [], []


def run(
    feeds: Sequence[Feed],
    store: Store,
    options: RunOptions,
    vocabulary: Vocabulary,
    observer: Observer | None = None,
) -> RunReport:
    return asyncio.run(_until_terminated(_Run(store, options, vocabulary, observer or _Silent()).all(feeds)))


RETAG_BATCH = 500  # items a transaction: an interrupted retag keeps what it finished


@dataclass(frozen=True, slots=True)
class Retagged:
    """What a retag did: the items tagged again, how many are about policy, how many have a region."""

    items: int = 0
    policy: int = 0
    regional: int = 0


def retag(store: Store, vocabulary: Vocabulary, advance: Callable[[int], None] | None = None) -> Retagged:
    """Tag every stored item again from its stored text (no network), a batch a transaction;
    `advance` hears how many items each committed batch held."""
    tagger = Tagger(vocabulary)
    count = policy = regional = 0
    batch: list[tuple[str, Tags]] = []
    for uid, title, summary, text in store.texts():
        tags = tagger.tag(title, summary, text)
        batch.append((uid, tags))
        count, policy, regional = count + 1, policy + tags.policy, regional + bool(tags.regions)
        if len(batch) >= RETAG_BATCH:
            store.retag(batch)
            if advance is not None:
                advance(len(batch))
            batch = []
    store.retag(batch)
    return Retagged(count, policy, regional)


async def _until_terminated(run: Coroutine[None, None, RunReport]) -> RunReport:
    """Run, but let SIGTERM cancel it the way asyncio lets Ctrl-C: at the next await, so that
    the run's own clean-up (commit what is finished, stop the workers) happens on the way out."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(run)
    terminated = False

    def terminate() -> None:
        nonlocal terminated
        terminated = True
        task.cancel()

    loop.add_signal_handler(signal.SIGTERM, terminate)
    try:
        return await task
    except asyncio.CancelledError:
        if terminated:
            raise Terminated from None
        raise
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


class _Run:
    def __init__(self, store: Store, options: RunOptions, vocabulary: Vocabulary, observer: Observer) -> None:
        self.store = store
        self.options = options
        self.vocabulary = vocabulary
        self.observer = observer
        self.batch = _Batch(store)
        self.now = datetime.now(UTC)
        # Stories already being fetched in this run, so a second feed carrying one waits for
        # it instead of downloading it again.
        self.in_flight: dict[str, asyncio.Future[None]] = {}
        self.pool: Pool | None = None
        self.workers = os.cpu_count() or 1
        self.beside = _BesideTheLoop()
        # Pages downloaded but not yet extracted wait in memory: bound how many there are.
        self.pages = asyncio.Semaphore(options.concurrency + 2 * self.workers)
        self.fetcher = Fetcher(
            timeout=options.timeout, concurrency=options.concurrency, user_agent=options.user_agent
        )
        self.extracted = 0
        self.not_extracted = 0
        self.downloaded: set[str] = set()  # feeds whose own download finished, whatever it said
        self.retried = 0  # stored stories that had kept their feed's text, downloaded again
        self.recovered = 0
        self.stored_for: Counter[str] = Counter()  # new items per feed URL, kept if it is abandoned
        self.refused: defaultdict[str, list[str]] = defaultdict(list)  # feed URL -> private links

    async def all(self, feeds: Sequence[Feed]) -> RunReport:
        if self.options.extract and any(feed.extract for feed in feeds):
            start_fork_server()
        try:
            async with self.fetcher:
                results, abandoned = await self._within_deadline(feeds)
        finally:
            # Finished work is kept whatever stopped the run (unless the store itself failed).
            if self.batch.fault is None:
                self.batch.flush()
            self.beside.stop()
            if self.pool is not None:
                self.pool.stop()
        return RunReport(
            tuple(results), self.extracted, self.not_extracted, abandoned, self.retried, self.recovered
        )

    async def _within_deadline(self, feeds: Sequence[Feed]) -> tuple[list[FeedResult], int]:
        """Every feed's result; feeds unfinished when the run's deadline passes are abandoned."""
        tasks = [asyncio.create_task(self.one_feed(feed)) for feed in feeds]
        if not tasks:
            return [], 0
        retrying = asyncio.create_task(self.fell_back_again(feeds))
        flusher = asyncio.create_task(self._flush_every(BATCH_SECONDS, [*tasks, retrying]))
        unfinished: set[asyncio.Task[Any]] = {*tasks, retrying}  # all of them, if interrupted
        try:
            # A feed's task raises only when the store failed: then the run stops at once.
            _, unfinished = await asyncio.wait(
                [*tasks, retrying], timeout=self.options.deadline, return_when=asyncio.FIRST_EXCEPTION
            )
        finally:
            # Past the deadline or interrupted, the feeds stop here, while the workers and the
            # thread beside the loop they may be waiting for are still there to answer them.
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
            flusher.cancel()
        # Every task's outcome is read first, so asyncio logs none of them at exit.
        ended_with = _store_fault([*tasks, retrying])
        if fault := self.batch.fault or ended_with:
            raise fault
        results = []
        for feed, task in zip(feeds, tasks, strict=True):
            if task in unfinished:
                kept = self.stored_for[feed.url]
                if feed.url in self.downloaded:
                    problem = (
                        f"abandoned unfinished when the run's deadline ({self.options.deadline:g} s) passed"
                    )
                    result = FeedResult(feed.name, feed.url, FeedStatus.ERROR, problem, kept)
                else:  # not a failure of the feed's: the run ran out of time before it answered
                    problem = f"the run's deadline ({self.options.deadline:g} s) passed before it answered"
                    result = FeedResult(feed.name, feed.url, FeedStatus.NOT_FETCHED, problem, kept)
                self.batch.check(FeedCheck(feed, result, datetime.now(UTC), None))
                results.append(result)
            else:
                results.append(task.result())
        return results, len(unfinished)

    def _tag(self, title: str, summary: str, body: str) -> Tags:
        return self.tagger.tag(title, summary, body)

    @functools.cached_property
    def tagger(self) -> Tagger:
        """Built beside the loop at the first story kept with its feed's text (a fraction of a
        second): a run where every page is extracted, or every feed answers 304, never needs it."""
        return Tagger(self.vocabulary)

    async def _flush_every(self, seconds: float, tasks: Sequence[asyncio.Task[Any]]) -> None:
        """Commit finished work on a clock too, so a slow straggler never holds back the rest;
        if the store refuses it, stop the feeds' work."""
        while True:
            await asyncio.sleep(seconds)
            try:
                self.batch.flush()
            except StoreError:
                for task in tasks:
                    task.cancel()
                return

    async def one_feed(self, feed: Feed) -> FeedResult:
        try:
            result, validators = await self._feed(feed)
        except StoreError:
            raise  # the store is unusable: not this feed's problem, and the run stops
        except FetchError as error:
            gone = error.status == 410
            problem = "gone (HTTP 410)" if gone else error.message
            result, validators = FeedResult(feed.name, feed.url, FeedStatus.ERROR, problem, gone=gone), None
        except Exception as error:  # noqa: BLE001 - one feed's bug must not stop the other feeds
            problem = f"internal error ({type(error).__name__}: {error})"
            result, validators = FeedResult(feed.name, feed.url, FeedStatus.ERROR, problem), None
        self.batch.check(FeedCheck(feed, result, datetime.now(UTC), validators))
        self.observer.feed_done(result)
        return result

    async def _feed(self, feed: Feed) -> tuple[FeedResult, Validators | None]:
        download = await self.fetcher.get_feed(feed.url, self.store.validators(feed.url))
        self.downloaded.add(feed.url)
        if download.not_modified:
            return (
                FeedResult(feed.name, feed.url, FeedStatus.NOT_MODIFIED, moved_to=download.moved_to),
                download.validators,
            )
        parsed = await self.beside.run(
            functools.partial(
                parse_feed, download.body, url=download.url, headers=download.headers, now=self.now
            )
        )
        if parsed.error:
            raise FetchError(parsed.error)
        warnings: tuple[str, ...] = ()
        if parsed.problem:
            warnings = (f"not well-formed ({shorten(parsed.problem, 160)}), used its entries anyway",)
        known = self.store.known_urls(entry.url for entry in parsed.entries)
        for entry in parsed.entries:
            if entry.url in known:
                self.batch.add(sighting=self._sighting(entry, feed))
        fresh = [entry for entry in parsed.entries if entry.url not in known]
        if fresh and feed.extract and self.options.extract:
            self._start_extraction()
        # A feed the user put on a private network (an intranet, a test server) may link within it.
        guard = await self.fetcher.guard_for(feed.url)
        outcomes = await asyncio.gather(*(self.one_entry(entry, feed, guard) for entry in fresh))
        if refused := self.refused.get(feed.url):
            warnings += (
                f"{len(refused)} article links lead to private addresses and were not fetched "
                f"(first: {refused[0]}); their stories keep the feed's text",
            )
        if download.moved_to:
            warnings += (f"moved permanently to {download.moved_to}; update its url in the feeds file",)
        result = FeedResult(
            feed.name, feed.url, FeedStatus.OK, None, sum(outcomes), warnings, moved_to=download.moved_to
        )
        return result, download.validators

    async def one_entry(self, entry: Entry, feed: Feed, guard: LinkGuard) -> bool:
        """Store one new entry; True if this feed was the first to bring it."""
        sighting = self._sighting(entry, feed)
        if (pending := self.in_flight.get(entry.url)) is not None:
            await pending
            self.batch.add(sighting=sighting)
            return False
        done = asyncio.get_running_loop().create_future()
        self.in_flight[entry.url] = done
        try:
            wanted = feed.extract and self.options.extract
            # A story of a feed that extracts, fetched with --no-extract, is tried again later.
            read, failure = await self._article(entry, feed, guard) if wanted else (None, _skipped(feed))
            attempt = ArticleAttempt(entry.url, failure, datetime.now(UTC)) if failure else None
            if read is None:  # the feed's own text, tagged in this process
                body = entry.content or entry.summary
                read_tags = await self.beside.run(
                    functools.partial(self._tag, entry.title, summary_of(entry.summary, body), body)
                )
                self.batch.add(_item(entry, feed, None, read_tags, self.now), sighting, attempt)
            else:
                self.batch.add(_item(entry, feed, *read, self.now), sighting)
            self.stored_for[feed.url] += 1
        finally:
            done.set_result(None)
        return True

    async def _article(
        self, entry: Entry, feed: Feed, guard: LinkGuard
    ) -> tuple[tuple[Article, Tags] | None, ArticleFailure | None]:
        """The entry's article page, extracted and tagged in a worker, or None to keep the
        feed's text; and when it is None, why."""
        if not entry.url.startswith(("http://", "https://")):
            return None, None  # no page to download: not a fall-back
        self.observer.article_started()
        read = None
        failure: ArticleFailure | None = ArticleFailure.UNREADABLE
        try:
            async with contextlib.AsyncExitStack() as held:
                # A page waits for its host's turn before it takes a place among the pages in
                # memory: pages queued behind one busy host would otherwise hold every place,
                # and the other hosts' downloads would wait for nothing.
                async with self.fetcher.turn(entry.url, feed=feed.url) as turn:
                    await held.enter_async_context(self.pages)
                    page = await self.fetcher.get_page(entry.url, guard=guard, turn=turn)
                kind = page.headers.get("content-type", "")
                if _is_html(kind):
                    read = await self._read(page.body, page.url, kind, entry)
        except PrivateAddressError:
            self.refused[feed.url].append(entry.url)
            failure = ArticleFailure.REFUSED
        except FetchError as error:
            failure = _failure_of(error)
        except Exception:  # noqa: BLE001 - a page that fails to download or extract keeps its feed text
            read = None
        if read is None:
            self.not_extracted += 1
        else:
            self.extracted += 1
            failure = None
        self.observer.article_done(read is not None)
        return read, failure

    async def fell_back_again(self, feeds: Sequence[Feed]) -> None:
        """Stored stories that kept their feed's text for a passing reason (a failed download,
        --no-extract), downloaded again; with --re-extract, every such story of the window."""
        if not self.options.extract:
            return
        extracting = {feed.url: feed for feed in feeds if feed.extract}
        due = [
            (stored, extracting[stored.feed_url])
            for stored in self.store.fell_back(datetime.now(UTC), self.options.re_extract)
            if stored.feed_url in extracting
        ]
        if due:
            self._start_extraction()
            await asyncio.gather(*(self._again(stored, feed) for stored, feed in due))

    async def _again(self, stored: FellBack, feed: Feed) -> None:
        entry = Entry(stored.url, stored.title, stored.summary, stored.text, stored.published)
        guard = await self.fetcher.guard_for(feed.url)
        read, failure = await self._article(entry, feed, guard)
        self.retried += 1
        attempt = ArticleAttempt(stored.url, failure, datetime.now(UTC), again=True)
        if read is None:
            self.batch.add(attempt=attempt)
        else:
            self.recovered += 1
            self.batch.add(_item(entry, feed, *read, self.now), attempt=attempt, refreshed=True)

    def _start_extraction(self) -> Pool:
        """The worker pool, started once, as soon as a feed has new stories to download: its
        workers start (a second or so, while the fork server imports trafilatura) as the first
        pages are still downloading."""
        if self.pool is None:
            self.pool = Pool(self.workers, self.vocabulary)
        return self.pool

    async def _read(self, html: bytes, url: str, kind: str, entry: Entry) -> tuple[Article, Tags] | None:
        """`kind` is the page's Content-Type: its charset is how the page is decoded."""
        page = Page(html, url, entry.title, entry.summary, kind, entry.content or entry.summary)
        return await self._start_extraction().read(page, self.options.extract_seconds)

    def _sighting(self, entry: Entry, feed: Feed) -> Sighting:
        return Sighting(entry.url, feed.url, feed.name, entry.guid, self.now)


class _BesideTheLoop:
    """One daemon thread for the CPU work that stays in the run's own process: parsing feeds,
    and tagging the stories that keep their feed's text.

    Not for parallelism (it is pure Python and holds the GIL) but for the event loop: a run's
    feeds arrive together, and on the loop this work would hold back every page download for a
    second or more while the workers wait; beside it, the GIL switches between the two every
    5 ms. A daemon, so that an interrupted run exits without waiting for a big feed's parse."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        threading.Thread(target=self._work, name="digest-beside-the-loop", daemon=True).start()

    async def run(self, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()

        def job() -> None:
            settle: Callable[[], None]
            try:
                settle = functools.partial(_succeed, done, work())
            except BaseException as error:  # noqa: BLE001 - handed to the awaiting task
                settle = functools.partial(_fail, done, error)
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
                loop.call_soon_threadsafe(settle)

        self._jobs.put(job)
        return await done

    def stop(self) -> None:
        self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()


def _skipped(feed: Feed) -> ArticleFailure | None:
    return ArticleFailure.SKIPPED if feed.extract else None


def _failure_of(error: FetchError) -> ArticleFailure:
    """A 404 or 410 will not change; other refusals are the server's choice; the rest (time-outs,
    5xx, 408, 429, connection errors) may pass."""
    if error.status in {404, 410}:
        return ArticleFailure.GONE
    if error.status is not None and 400 <= error.status < 500 and error.status not in {408, 425, 429}:
        return ArticleFailure.REFUSED
    return ArticleFailure.DOWNLOAD


def _store_fault(tasks: Sequence[asyncio.Task[Any]]) -> StoreError | None:
    """The store's failure, if a task ended with one. Every task's outcome is read, since once
    the store has failed several may end with it, and asyncio would log each one not read."""
    errors = [task.exception() for task in tasks if task.done() and not task.cancelled()]
    return next((error for error in errors if isinstance(error, StoreError)), None)


def _succeed(done: asyncio.Future[T], result: T) -> None:
    if not done.cancelled():
        done.set_result(result)


def _fail(done: asyncio.Future[T], error: BaseException) -> None:
    if not done.cancelled():
        done.set_exception(error)


def _is_html(content_type: str) -> bool:
    return not content_type or "html" in content_type.lower()


def _item(entry: Entry, feed: Feed, article: Article | None, tags: Tags, now: datetime) -> Item:
    body = article.text if article else entry.content or entry.summary
    summary = summary_of(entry.summary, body)
    return Item(
        id=item_id(entry.url),
        url=entry.url,
        title=entry.title,
        summary=summary,
        text=body,
        feed=feed.name,
        feeds=(feed.name,),
        # A feed without dates: the page's own date, else when we first saw the story.
        published=min(entry.published or (article and article.published) or now, now),
        extracted=article is not None,
        tags=tags,
        author=entry.author or (article.author if article else None),
        categories=entry.categories,
        site_name=article.site_name if article else None,
    )
