"""Crash safety: SIGKILL at any moment leaves a sound store that keeps every committed item,
and the next run completes the rest with no duplicates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, run_digest, subprocess_env, write_feeds

from digest.store import MIGRATIONS

STORIES = 40
TOPICS = ("stablecoin reserves", "exchange licences", "tokenised bonds", "wallet travel rules")


def serve_stories(server: FixtureServer) -> str:
    """A feed of STORIES slow-ish article pages, so a run stays mid-flight for a few seconds."""
    entries = []
    for n in range(STORIES):
        topic = TOPICS[n % len(TOPICS)]
        body = "".join(
            f"<p>Ministry {n} set out, in part {part}, how it will supervise {topic}: firms get "
            f"a register, a named compliance officer and a yearly audit, and the central bank keeps "
            f"the last word on anything that looks like money.</p>"
            for part in range(4)
        )
        page = f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>{body}"
        url = server.add(f"/stories/{n}.html", page + "</article></body></html>", delay=0.05 * (n % 8))
        entries.append(
            f"<item><title>Ministry {n} on {topic}</title><link>{url}</link><guid>story-{n}</guid>"
            f"<pubDate>Fri, 20 Nov 2026 08:{n:02d}:00 GMT</pubDate><description>Rules on {topic}."
            "</description></item>"
        )
    channel = f"<title>Ledger Watch</title><link>{server.base}/</link><description>Rules</description>"
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel>{channel}{''.join(entries)}</channel></rss>"
    # An ETag: validators saved too early would make the next run see a 304 and skip the rest.
    return server.add("/feed.xml", feed, headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})


def committed(db: Path) -> set[str] | None:
    """The URLs of the items committed so far, or None while the store is not yet migrated."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as store:
            if store.execute("PRAGMA user_version").fetchone() != (len(MIGRATIONS),):
                return None
            return {url for (url,) in store.execute("SELECT url FROM items")}
    except sqlite3.Error:
        return None


def poll(db: Path, until: Callable[[set[str]], bool]) -> set[str]:
    """The last readable snapshot, once `until` holds for it (or after 20 s)."""
    seen: set[str] = set()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen = committed(db) or seen
        if until(seen):
            break
        time.sleep(0.01)
    return seen


def as_a_batch_is_written(db: Path) -> set[str]:
    """The instant the first batch reaches the write-ahead log: often inside the write, else
    just after its commit (a kill cannot be aimed closer than that from outside)."""
    before = poll(db, lambda _: committed(db) is not None)
    wal = db.with_name(db.name + "-wal")
    size = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (wal.stat().st_size if wal.exists() else 0) <= size:
        pass
    return before


def starting_up(db: Path) -> set[str]:
    time.sleep(0.3)  # the interpreter is still importing; there is no store yet
    return set()


MOMENTS: dict[str, Callable[[Path, FixtureServer], set[str]]] = {
    "starting up": lambda db, _: starting_up(db),
    "creating the store": lambda db, _: poll(db, lambda _: db.exists()),
    "mid-extraction": lambda db, server: poll(db, lambda _: len(server.hits) > 12),
    "inside a batch write": lambda db, _: as_a_batch_is_written(db),
    "right after a batch commit": lambda db, _: poll(db, bool),
    "late, after a later commit": lambda db, _: poll(db, lambda seen: len(seen) > 25),
}


def alive_in_group(group: int) -> list[str]:
    """Processes of this process group still running (zombies are dead, merely unreaped)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError):
            continue
        if int(pgrp) == group and state != "Z":
            alive.append(stat.parent.name)
    return alive


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_killed_run_loses_nothing_committed_and_the_next_run_finishes_the_rest(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], moment: str
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Ledger Watch": serve_stories(server)})
    db = Path(env["DIGEST_DB"])
    args = ["fetch", "-q", "--feeds", str(feeds), "--lock-timeout", "1", *WINDOW]
    run = subprocess.Popen(
        [sys.executable, "-m", "digest", *args],
        env=subprocess_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group, killed whole as cron or systemd would
    )
    before = MOMENTS[moment](db, server)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=10)

    deadline = time.monotonic() + 5
    while alive_in_group(run.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive_in_group(run.pid), "extraction workers outlived the killed run"
    if db.exists():
        with sqlite3.connect(db) as store:
            assert store.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert before <= (committed(db) or set())
    else:
        assert not before

    for route in server.routes.values():
        route.delay = 0  # the rerun need not be slow
    done = run_digest(args, env, timeout=60)  # the dead run's lock must not hold it up

    assert done.returncode == 0, done.stderr.decode()
    with sqlite3.connect(db) as store:
        assert store.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        urls = [url for (url,) in store.execute("SELECT url FROM items")]
        assert store.execute("SELECT count(*) FROM item_feeds").fetchone() == (STORIES,)
        assert store.execute("SELECT count(*) FROM feeds").fetchone() == (1,)
        assert store.execute("SELECT count(*) FROM items WHERE NOT extracted").fetchone() == (0,)
    assert len(urls) == len(set(urls)) == STORIES
    assert before <= set(urls)
    assert {url.rsplit("/", 1)[1] for url in urls} == {f"{n}.html" for n in range(STORIES)}


def helpers_of(run: subprocess.Popen[bytes]) -> list[str]:
    """The run's helper processes still alive: its group (the fork server, the resource tracker
    and the workers) but the run itself."""
    return [pid for pid in alive_in_group(run.pid) if pid != str(run.pid)]


def ended_within(seconds: float, still_there: Callable[[], object]) -> bool:
    """Whether `still_there` turns falsy within a generous bound (a hang guard, not a speed test)."""
    give_up = time.monotonic() + seconds
    while still_there() and time.monotonic() < give_up:
        time.sleep(0.1)
    return not still_there()


def start_fetch(feeds: Path, env: dict[str, str], *, stdout: int) -> subprocess.Popen[bytes]:
    """A real `digest fetch` in a process group of its own, to find its helpers by."""
    return subprocess.Popen(
        [sys.executable, "-m", "digest", "fetch", "-q", "--feeds", str(feeds), *WINDOW],
        env=subprocess_env(env),
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_helpers_end_when_the_run_is_killed_alone(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Ledger Watch": serve_stories(server)})
    run = start_fetch(feeds, env, stdout=subprocess.DEVNULL)
    poll(Path(env["DIGEST_DB"]), lambda _: len(server.hits) > 12)  # the workers are extracting
    assert helpers_of(run), "no helper process to watch: the test no longer tests anything"

    run.kill()  # SIGKILL to the run's own process only: no clean-up of its own can run
    run.wait(timeout=10)

    assert ended_within(20, lambda: helpers_of(run)), f"orphans: {helpers_of(run)}"


def test_a_reader_of_the_digest_sees_its_end_when_the_run_is_killed(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    # `digest fetch | cat`: cat ends when every holder of the pipe's write end has let go.
    feeds = write_feeds(tmp_path / "feeds.toml", {"Ledger Watch": serve_stories(server)})
    run = start_fetch(feeds, env, stdout=subprocess.PIPE)
    assert run.stdout is not None
    reader = subprocess.Popen(["cat"], stdin=run.stdout, stdout=subprocess.PIPE)
    run.stdout.close()  # only the run and its helpers hold the write end now
    poll(Path(env["DIGEST_DB"]), lambda _: len(server.hits) > 12)

    run.kill()
    run.wait(timeout=10)

    assert ended_within(20, lambda: reader.poll() is None), "a helper of the killed run holds its stdout"
    assert reader.communicate(timeout=5)[0] == b""
