"""SIGINT and SIGTERM stop a run promptly: finished work is kept, no traceback, 130 or 143."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, subprocess_env, write_feeds


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_and_keeps_what_was_finished(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], signum: int, code: int
) -> None:
    server.add_fixture_articles()
    server.routes["/articles/a7.html"].delay = 30  # a straggler keeps the run busy
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
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

    started = time.monotonic()
    run.send_signal(signum)
    out, err = run.communicate(timeout=15)

    assert run.returncode == code
    assert time.monotonic() - started < 10
    assert b"Traceback" not in err
    assert out == b""
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] >= 3


def test_sigterm_during_a_long_feed_parse_exits_at_once(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    # A big feed takes seconds to parse, and a parse cannot be interrupted: the run must not
    # wait for it on the way out.
    paragraph = "<p>The <b>council</b> met on <a href='/x'>Tuesday</a> about the <i>ledger</i> rules.</p>"
    long_read = (
        f"<item><title>Long read</title><description><![CDATA[{paragraph * 20_000}]]></description></item>"
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

    started = time.monotonic()
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=30)

    assert run.returncode == 143
    assert time.monotonic() - started < 1.5
    assert b"Traceback" not in err
