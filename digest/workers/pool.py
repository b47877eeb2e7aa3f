"""The processes that extract and tag article pages: forked from a fork server, one page each at
a time over a pipe of its own, so a page past its time limit costs only its own worker."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import TypeAlias

from digest.models import Article, Tags, Vocabulary
from digest.workers.task import prepare, read_page

# What the fork server loads once for every worker: trafilatura, a worker's task (extract, then
# tag), this module (a worker's loop), and the preload (the default vocabulary's tagger built).
WORKER_MODULES = (
    "digest.extract",
    "trafilatura",
    "digest.workers.task",
    "digest.workers.pool",
    "digest.workers.preload",
)
# The parent decides when a run stops: a Ctrl-C (sent to the whole process group) or a `timeout`
# (which signals the group too) must not kill a worker halfway, nor make one print a traceback.
INTERRUPTS = frozenset({signal.SIGINT, signal.SIGTERM})
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

Reading: TypeAlias = tuple[Article, Tags] | None


@dataclass(frozen=True, slots=True)
class Page:
    """A downloaded article page, on its way to a worker."""

    html: bytes
    url: str
    title: str
    feed_summary: str
    content_type: str | None  # its charset is how the page is decoded
    feed_text: str  # what the story keeps if the page is no better


class WorkerError(Exception):
    """A page's worker failed: it raised, died, or could not be started."""


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    pages: Connection  # the parent's end of the worker's pipe


class Pool:
    """`size` worker processes; a page waits for an idle one, then has `limit` seconds of it."""

    def __init__(self, size: int, vocabulary: Vocabulary) -> None:
        start_fork_server()
        self._vocabulary = vocabulary
        self._context = _context()
        self._idle: asyncio.Queue[_Worker | None] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._stopped = False
        self._lock = threading.Lock()  # between a starting worker and stop()
        # Sending a page and waiting for its answer block: in threads of the pool's own (one per
        # worker, one to start workers), so the event loop's resolver threads are never short.
        self._threads = ThreadPoolExecutor(size + 1, thread_name_prefix="digest-pool")
        for _ in range(size):
            self._start_worker()

    async def read(self, page: Page, limit: float) -> Reading:
        """The page's article and tags, or None; TimeoutError when its extraction (not its wait
        for a worker) takes longer than `limit`, and its worker is replaced."""
        worker = await self._idle.get()
        if worker is None:  # no worker could be started: none will come for the others either
            self._idle.put_nowait(None)
            raise WorkerError("no extraction worker could be started")
        try:
            # Not wait_for: in Python 3.11 it can swallow a cancellation that comes as the page
            # is answered, and an interrupted run would go on.
            async with asyncio.timeout(limit):
                reading = await self._exchange(worker, page)
        except asyncio.CancelledError:
            self._retire(worker, replace=False)  # the run is stopping: no page will come
            raise
        except BaseException:
            # Timed out or broken: whatever the worker is doing, nobody will read it.
            self._retire(worker, replace=True)
            raise
        self._idle.put_nowait(worker)
        return reading

    def stop(self) -> None:
        """Kill every worker now: by the end of a run nothing waits for them any more, and a page
        halfway through must not hold the run open. Killing them also ends the pool's threads,
        blocked on their pipes."""
        with self._lock:
            self._stopped = True
            workers, self._workers = self._workers, set()
        for worker in workers:
            _kill(worker)
        self._threads.shutdown(wait=True, cancel_futures=True)

    async def _exchange(self, worker: _Worker, page: Page) -> Reading:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._threads, worker.pages.send, page)
            answer: Reading | WorkerError = await loop.run_in_executor(self._threads, worker.pages.recv)
        except (OSError, EOFError) as error:
            raise WorkerError(f"the extraction worker died ({error.__class__.__name__})") from None
        if isinstance(answer, WorkerError):
            raise answer
        return answer

    def _retire(self, worker: _Worker, *, replace: bool) -> None:
        with self._lock:
            self._workers.discard(worker)
        _kill(worker)
        if replace and not self._stopped:
            self._start_worker()

    def _start_worker(self) -> None:
        """Start a worker in a thread (the first waits a second for the fork server's imports);
        it joins the idle ones when it is ready."""
        loop = asyncio.get_running_loop()
        starting = loop.run_in_executor(self._threads, self._new_worker)
        starting.add_done_callback(self._ready)

    def _new_worker(self) -> _Worker | None:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=serve, args=(theirs, self._vocabulary), name="digest-worker", daemon=True
        )
        with self._lock:
            if self._stopped:
                return None
            process.start()
            worker = _Worker(process, ours)
            self._workers.add(worker)
        theirs.close()
        return worker

    def _ready(self, starting: asyncio.Future[_Worker | None]) -> None:
        if starting.cancelled():
            return
        if starting.exception() is not None:
            self._idle.put_nowait(None)
        elif (worker := starting.result()) is not None:
            self._idle.put_nowait(worker)


def start_fork_server() -> None:
    """Start the fork server now: it loads WORKER_MODULES (a second of CPU) in its own process
    while this one goes on, so the first worker starts at once.

    Started with Ctrl-C and SIGTERM blocked, a mask the server and every worker it forks
    inherit: they never see the interrupts the parent handles, not even while the server is
    still importing. Blocked rather than ignored here, so that one arriving meanwhile still
    reaches this process after."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver, resource_tracker  # noqa: PLC0415

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(WORKER_MODULES))
    # The tracker guards itself the same way, but unblocks the signals in this thread after:
    # started first, it is running already when the server starts, and leaves the mask alone.
    resource_tracker.ensure_running()
    unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)


def stand_apart(parent: int | None) -> None:
    """What a helper process does first: leave interrupts to the run's own process, die with
    its parent (even one killed by SIGKILL, which runs no clean-up), and never write to the
    run's stdout, which carries the digest alone and may be a pipe a reader waits to see end."""
    for interrupt in INTERRUPTS:
        signal.signal(interrupt, signal.SIG_IGN)
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(0)  # the parent died before the death signal was set
    nowhere = os.open(os.devnull, os.O_WRONLY)  # read from, never replaced: only opened
    os.dup2(nowhere, 1)
    os.close(nowhere)


def serve(pages: Connection, vocabulary: Vocabulary) -> None:
    """A worker's life: pages in, readings out, until the parent closes its end or kills it."""
    # Forked from the fork server, a worker has the preload's record of its parent; started by
    # the `spawn` method (no fork server), it has none.
    preload = sys.modules.get("digest.workers.preload")
    stand_apart(getattr(preload, "FORK_SERVER", None))
    prepare(vocabulary)
    while True:
        try:
            page: Page = pages.recv()
        except (EOFError, OSError):
            return
        answer: Reading | WorkerError
        try:
            answer = read_page(
                page.html,
                page.url,
                page.title,
                page.feed_summary,
                vocabulary,
                content_type=page.content_type,
                feed_text=page.feed_text,
            )
        except Exception as error:  # noqa: BLE001 - one page's failure is the parent's to report
            answer = WorkerError(f"{type(error).__name__}: {error}")
        try:
            pages.send(answer)
        except OSError:
            return


def _kill(worker: _Worker) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        worker.process.kill()  # SIGKILL: a worker ignores SIGTERM
        worker.process.join(5)
    # Its end of the pipe is left to the garbage collector: a pool thread may still be reading
    # it, and a closed descriptor's number could be reused under that thread.


def _context() -> ForkServerContext | SpawnContext:
    """Workers come from a fork server rather than a fork of this process: by now the event loop
    has resolver threads, and forking a threaded process can deadlock."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")
