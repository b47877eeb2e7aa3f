"""Article HTML to main text and metadata with trafilatura; runs in worker processes."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing.context import BaseContext

from digest.decode import decode_page
from digest.models import Article
from digest.plaintext import clean_text, columns, one_line

# Below this, what trafilatura found is a paywall notice, a bot wall or a cookie banner, not
# the story; the feed's own summary is the better text then. Counted in columns, so a Chinese,
# Japanese or Korean character (two columns, about a word's worth) counts twice.
MIN_ARTICLE_COLUMNS = 400


# What the fork server loads once for every worker: trafilatura, and digest.work (a worker's
# task: extract, then tag) with the default vocabulary's tagger built (digest.work_ready).
WORKER_MODULES = ("digest.extract", "trafilatura", "digest.work", "digest.work_ready")


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


def extract_article(html: bytes, url: str, content_type: str | None = None) -> Article | None:
    """The main text of a news page, or None when there is no plausible article in it.

    `content_type` is the page's HTTP Content-Type: its charset decides how the page is read."""
    import trafilatura  # noqa: PLC0415 - heavy; only worker processes need it

    document = trafilatura.bare_extraction(
        parser_input(decode_page(html, content_type)),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
    )
    if document is None:
        return None
    text = clean_text(getattr(document, "text", None) or "")
    # Every character takes a column or two: the start of a long text settles it (measuring
    # all of it was a tenth of the extraction's time).
    if columns(text[:MIN_ARTICLE_COLUMNS]) < MIN_ARTICLE_COLUMNS:
        return None
    return Article(
        text=text,
        title=_field(document, "title"),
        author=_field(document, "author"),
        published=_date(_field(document, "date")),
        site_name=_field(document, "sitename"),
    )


def parser_input(page: str) -> str:
    """The decoded page as lxml takes it: text with an XML declaration naming an encoding is
    refused, and trafilatura would then re-read the page as bytes, in the charset it declares."""
    start = page.lstrip()
    if start.startswith("<?xml") and (end := start.find("?>")) != -1:
        return start[end + 2 :]
    return page


def _field(document: object, name: str) -> str | None:
    value = getattr(document, name, None)
    return one_line(str(value)) or None if value else None


def _date(text: str | None) -> datetime | None:
    """trafilatura gives the page's date as YYYY-MM-DD; midnight UTC is as precise as it gets."""
    try:
        return datetime.strptime(text or "", "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
