"""The process pool that extracts and tags article pages, its workers forked from a fork server."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

# What the fork server loads once for every worker: trafilatura, and a worker's task (extract,
# then tag) with the default vocabulary's tagger built (the preload).
WORKER_MODULES = ("digest.extract", "trafilatura", "digest.workers.task", "digest.workers.preload")


def start_fork_server() -> None:
    """Start the fork server now: it loads WORKER_MODULES (a second of CPU) in its own process
    while this one goes on, so the first worker starts at once. It costs the caller nothing to
    wait for, and it ends with the process that started it."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver  # noqa: PLC0415

        multiprocessing.get_context("forkserver").set_forkserver_preload(list(WORKER_MODULES))
        forkserver.ensure_running()


def start_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool sized to the cores: extraction is CPU-bound and holds the GIL.

    Workers come from a fork server rather than a fork of this process: by now the event loop
    has resolver threads, and forking a threaded process can deadlock. The server loads
    WORKER_MODULES once, so every worker starts with them loaded."""
    context: BaseContext
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload(list(WORKER_MODULES))
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=context)


def warm_up(
    pool: ProcessPoolExecutor, workers: int, task: Callable[..., object] = os.getpid, *arguments: object
) -> None:
    """Start every worker now, each running `task` once (building what its pages will need)."""
    for started in [pool.submit(task, *arguments) for _ in range(workers)]:
        started.result()


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the pool now: queued pages are dropped and extractions still running are killed.

    By the end of a run nothing waits for them any more (they outlived their time limit, or the
    run was cut short), and one pathological page must not hold the process open. Waiting for
    the manager thread afterwards keeps the interpreter's exit free of tracebacks."""
    # The executor offers no public way to stop a running task before Python 3.14.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=True)
