"""SIGINT and SIGTERM stop a run promptly: finished work is kept, no traceback, 130 or 143."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, subprocess_env, write_feeds
from test_crash import alive_in_group


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_and_keeps_what_was_finished(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], signum: int, code: int
) -> None:
    server.add_fixture_articles()
    server.routes["/articles/a7.html"].delay = 300  # a straggler keeps the run busy
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")},
        settings="timeout = 280",  # a run that waited for the straggler would take this long
    )
    run = subprocess.Popen(
        [sys.executable, "-m", "digest", "fetch", "-q", "--feeds", str(feeds), *WINDOW],
        env=subprocess_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stored = 0
    deadline = time.monotonic() + 20
    while stored < 3 and time.monotonic() < deadline:  # the other three articles are in
        time.sleep(0.2)
        try:
            with sqlite3.connect(env["DIGEST_DB"]) as db:
                stored = db.execute("SELECT count(*) FROM items").fetchone()[0]
        except sqlite3.Error:
            continue

    run.send_signal(signum)
    out, err = run.communicate(timeout=60)  # a hang guard: waiting for the straggler is 280 s

    assert run.returncode == code
    assert b"Traceback" not in err
    assert out == b""
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] >= 3


def test_sigterm_during_a_long_feed_parse_exits_at_once(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    # A big feed takes long to parse (measured: 28 s for 9 MB on an idle machine, so about a
    # minute for this one), and a parse cannot be interrupted: the run must not wait for it.
    paragraph = "<p>The <b>council</b> met on <a href='/x'>Tuesday</a> about the <i>ledger</i> rules.</p>"
    long_read = (
        f"<item><title>Long read</title><description><![CDATA[{paragraph * 200_000}]]></description></item>"
    )
    big = server.add("/big.xml", f'<rss version="2.0"><channel><title>B</title>{long_read}</channel></rss>')
    feeds = write_feeds(tmp_path / "feeds.toml", {"Big": big})
    run = subprocess.Popen(
        [sys.executable, "-m", "digest", "fetch", "-q", "--no-extract", "--feeds", str(feeds), *WINDOW],
        env=subprocess_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while not server.requests_for("/big.xml") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the parse is under way (it takes seconds)

    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=20)  # a hang guard, a third of the parse's time

    assert run.returncode == 143
    assert err.decode() == INTERRUPTED.decode()


INTERRUPTED = b"interrupted; finished work is stored\n"
PAGES = 14


def serve_a_slow_fetch(server: FixtureServer) -> str:
    """A feed of PAGES article pages that answer one after another over several seconds, so a run
    is downloading, extracting and storing at once for a while."""
    entries = []
    for n in range(PAGES):
        body = "".join(
            f"<p>Regulator {n} said, in part {part}, that exchanges must keep client money apart, "
            f"report large transfers and publish their reserves every month from next spring.</p>"
            for part in range(12)
        )
        page = f"<html><head><title>Rules {n}</title></head><body><article><h1>Rules {n}</h1>{body}"
        url = server.add(f"/slow/{n}.html", page + "</article></body></html>", delay=0.4 * n)
        entries.append(
            f"<item><title>Regulator {n} on reserves</title><link>{url}</link><guid>slow-{n}</guid>"
            f"<pubDate>Fri, 20 Nov 2026 09:{n:02d}:00 GMT</pubDate><description>Reserves.</description></item>"
        )
    channel = f"<title>Slow Wire</title><link>{server.base}/</link><description>Rules</description>"
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel>{channel}{''.join(entries)}</channel></rss>"
    return server.add("/slow.xml", feed, headers={"Content-Type": "application/rss+xml"}, delay=0.3)


def pages_requested(server: FixtureServer) -> int:
    return sum(hit.path.startswith("/slow/") for hit in server.hits)


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as store:
            return int(store.execute("SELECT count(*) FROM items").fetchone()[0])
    except sqlite3.Error:
        return 0


def importing(pid: int) -> bool:
    """The program's own imports are under way: `math`, which the interpreter's start-up does
    not load and digest.cli does, is mapped in (the interpreter's own start-up is out of reach)."""
    try:
        return "/math." in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def wait_until(holds: Callable[[], bool], bound: float = 30) -> None:
    """Poll until `holds` (the moment to act); the bound only keeps a broken run from hanging."""
    give_up = time.monotonic() + bound
    while not holds() and time.monotonic() < give_up:
        time.sleep(0.01)


# Moments over a run, each named by what has happened by then (counted, not timed): the
# interpreter starting, the store being created, the feed downloaded, pages coming in while the
# workers start and extract, batches being committed.
MOMENTS: dict[str, Callable[[int, FixtureServer, Path], bool]] = {
    "importing": lambda pid, server, db: importing(pid),
    "opening the store": lambda pid, server, db: db.exists(),
    "the feed requested": lambda pid, server, db: bool(server.requests_for("/slow.xml")),
    "the first page requested": lambda pid, server, db: pages_requested(server) >= 1,
    "workers starting": lambda pid, server, db: pages_requested(server) >= 3,
    "extracting": lambda pid, server, db: pages_requested(server) >= 6,
    "the first story stored": lambda pid, server, db: stored(db) >= 1,
    "more stories stored": lambda pid, server, db: stored(db) >= 3,
    "late pages downloading": lambda pid, server, db: pages_requested(server) >= PAGES,
    "the last pages due": lambda pid, server, db: stored(db) >= PAGES - 4,
}


def start_a_run(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], *command: str
) -> subprocess.Popen[bytes]:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Slow Wire": serve_a_slow_fetch(server)})
    return subprocess.Popen(
        [*command, sys.executable, "-m", "digest", "fetch", "--feeds", str(feeds), *WINDOW],
        env=subprocess_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a group of its own, signalled whole as a terminal does
    )


def group_ended(group: int, bound: float = 20) -> bool:
    give_up = time.monotonic() + bound
    while alive_in_group(group) and time.monotonic() < give_up:
        time.sleep(0.05)
    return not alive_in_group(group)


@pytest.mark.parametrize("moment", MOMENTS)
def test_ctrl_c_at_any_moment_prints_one_line_and_nothing_else(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], moment: str
) -> None:
    run = start_a_run(server, tmp_path, env)
    wait_until(lambda: MOMENTS[moment](run.pid, server, Path(env["DIGEST_DB"])))

    os.killpg(run.pid, signal.SIGINT)  # as Ctrl-C in a terminal: every process of the group
    out, err = run.communicate(timeout=60)  # ends when every holder of the pipes has let go

    assert (run.returncode, err.decode(), out) == (130, INTERRUPTED.decode(), b"")
    assert group_ended(run.pid), "a worker, the fork server or the resource tracker lived on"
    assert stored(Path(env["DIGEST_DB"])) < PAGES  # the run was cut short, not finished


def test_sigterm_to_the_group_mid_extraction_prints_one_line_and_nothing_else(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    run = start_a_run(server, tmp_path, env)
    wait_until(lambda: stored(Path(env["DIGEST_DB"])) >= 1)

    os.killpg(run.pid, signal.SIGTERM)
    out, err = run.communicate(timeout=60)

    assert (run.returncode, err.decode(), out) == (143, INTERRUPTED.decode(), b"")
    assert group_ended(run.pid)


def test_timeout_ends_a_slow_fetch_with_one_line(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    # `timeout` signals the run and then its whole process group, as cron wrappers do.
    run = start_a_run(server, tmp_path, env, "timeout", "--preserve-status", "3")
    out, err = run.communicate(timeout=60)

    assert (run.returncode, err.decode(), out) == (143, INTERRUPTED.decode(), b"")
    assert group_ended(run.pid)


def final_screen(stream: bytes) -> list[str]:
    """The lines a terminal shows after `stream`: enough of one for Rich's live display (carriage
    return, new line, cursor up, erase line; colours dropped)."""
    lines, row = [""], 0
    text = re.sub(r"\x1b\[[0-9;?]*[mhl]", "", stream.decode(errors="replace"))
    for piece in re.findall(r"\x1b\[\d*[AK]|\r|\n|[^\x1b\r\n]+", text):
        if piece == "\n":
            row += 1
            lines += [""] * (row + 1 - len(lines))
        elif piece.endswith("A"):
            row = max(0, row - int(piece[2:-1] or 1))
        elif piece.endswith("K"):
            lines[row] = ""
        elif piece != "\r":  # a carriage return alone: what follows erases or overwrites
            lines[row] += piece
    return [line for line in lines if line.strip()]


def test_ctrl_c_leaves_no_progress_bar_on_the_terminal(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Slow Wire": serve_a_slow_fetch(server)})
    terminal, stderr_end = pty.openpty()  # stderr is a terminal: the progress bars are drawn
    run = subprocess.Popen(
        [sys.executable, "-m", "digest", "fetch", "--feeds", str(feeds), *WINDOW],
        env=subprocess_env(env) | {"TERM": "xterm", "COLUMNS": "80"},
        stdout=subprocess.PIPE,
        stderr=stderr_end,
        start_new_session=True,
    )
    os.close(stderr_end)
    wait_until(lambda: stored(Path(env["DIGEST_DB"])) >= 2)  # the bars are up and moving

    os.killpg(run.pid, signal.SIGINT)
    run.wait(timeout=60)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once every writer has closed the terminal
        while chunk := os.read(terminal, 65536):
            shown += chunk
    os.close(terminal)

    assert run.returncode == 130
    assert "articles" in shown.decode(errors="replace")  # a bar was drawn ...
    assert final_screen(shown) == [INTERRUPTED.decode().strip()]  # ... and is gone
