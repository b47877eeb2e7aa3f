"""A feed not fetched yet is not a failed feed: one just added, one a running first fetch has
not reached, one the run's deadline left without an answer."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import WINDOW, FixtureServer, run_digest, write_feeds
from test_lock import hold_lock

from digest.store import Store


def glance(feeds: Path, env: dict[str, str]) -> str:
    done = run_digest(["show", "--feeds", str(feeds), "--format", "text", *WINDOW], env)
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.decode().split())
    return text[text.lower().index("at a glance") :][:160]


def test_a_feed_just_added_is_not_fetched_yet_not_failed(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    wire = server.add_fixture_feed("/rss2.xml", "rss2.xml")
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": wire})
    assert run_digest(["fetch", "--no-extract", "-q", "--feeds", str(feeds), *WINDOW], env).returncode == 0
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": wire, "Newcomer": server.add("/new.xml", "")})

    line = glance(feeds, env)

    assert "2 feeds, 1 not fetched yet" in line
    assert "failed" not in line
    shown = run_digest(["show", "--feeds", str(feeds), "--format", "json", *WINDOW], env)
    status = {feed["name"]: (feed["status"], feed["fetched"]) for feed in json.loads(shown.stdout)["feeds"]}
    # Within the contract's three statuses; the extra key tells "not fetched yet" apart.
    assert status == {"Wire": ("ok", True), "Newcomer": ("error", False)}
    health = run_digest(["feeds", "--feeds", str(feeds), "--format", "text"], env).stdout.decode()
    assert "never fetched" in health
    assert "error" not in health


def test_show_during_a_running_first_fetch_says_a_fetch_is_running(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    names = ("Wire", "Ledger", "Chain", "Bureau")
    feeds = write_feeds(tmp_path / "feeds.toml", {name: server.add(f"/{name}.xml", "") for name in names})
    Store.open(Path(env["DIGEST_DB"])).close()  # the first run has made the store, and goes on
    holder = hold_lock(env["DIGEST_DB"])
    try:
        line = glance(feeds, env)
    finally:
        holder.kill()
        holder.wait()

    assert "4 feeds, 4 not fetched yet (a fetch is running)" in line
    assert "failed" not in line
    assert "a fetch is running" not in glance(feeds, env)  # once it is over


def test_feeds_before_the_first_fetch_lists_every_feed_as_never_fetched(
    tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(
        tmp_path / "feeds.toml", {"Wire": "http://127.0.0.1:9/a.xml", "Ledger": "http://127.0.0.1:9/b.xml"}
    )

    listed = run_digest(["feeds", "--feeds", str(feeds), "--format", "text"], env)

    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.decode().splitlines() if "never fetched" in line]
    assert len(lines) == 2
    assert not Path(env["DIGEST_DB"]).exists()  # listing made no store
