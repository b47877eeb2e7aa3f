"""One writing run at a time: a second fetch waits for the lock, then gives up clearly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import WINDOW, FixtureServer, run_digest, write_feeds

HOLD_LOCK = """
import sys, time
from pathlib import Path
from digest.store import run_lock
with run_lock(Path(sys.argv[1]), timeout=5):
    print("locked", flush=True)
    time.sleep(60)
"""


def hold_lock(db: str) -> subprocess.Popen[str]:
    """Another process, holding the store's run lock until it is killed."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, db], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_run_waits_then_exits_1_naming_the_holder(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    holder = hold_lock(env["DIGEST_DB"])
    try:
        started = time.monotonic()
        done = run_digest(
            ["fetch", "--no-extract", "--feeds", str(feeds), "--lock-timeout", "1", *WINDOW], env
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()

    assert done.returncode == 1
    assert done.stdout == b""
    assert f"error: another digest run holds the lock (pid {holder.pid})" in done.stderr.decode()
    assert waited >= 1
    assert not server.hits  # nothing was fetched while another run held the store


def test_a_lock_left_by_a_killed_run_does_not_block(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    holder = hold_lock(env["DIGEST_DB"])
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()

    done = run_digest(["fetch", "--no-extract", "--feeds", str(feeds), "--lock-timeout", "1", *WINDOW], env)

    assert done.returncode == 0, done.stderr


def test_show_reads_while_a_run_holds_the_lock(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    assert run_digest(["fetch", "--no-extract", "-q", "--feeds", str(feeds), *WINDOW], env).returncode == 0
    holder = hold_lock(env["DIGEST_DB"])
    try:
        done = run_digest(["show", "--feeds", str(feeds), *WINDOW], env, timeout=20)
    finally:
        holder.kill()
        holder.wait()

    assert done.returncode == 0
    assert b"CRYPTO POLICY DIGEST" in done.stdout
