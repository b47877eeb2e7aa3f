"""A whole-run deadline: no mix of slow servers makes a run hang; what finished is printed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, run_digest, write_feeds


def test_the_deadline_abandons_slow_work_and_prints_what_finished(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    server.add_fixture_articles()
    server.routes["/articles/a7.html"].delay = 60  # an article page that never comes in time
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml"),
            "Stalled": server.add_fixture_feed("/atom.xml", "atom.xml", delay=60),
        },
        settings="timeout = 120",  # the per-request limit alone would let this run hang
    )

    started = time.monotonic()
    done = run_digest(
        ["fetch", "-q", "--feeds", str(feeds), "--deadline", "4s", "--format", "json", *WINDOW], env
    )
    took = time.monotonic() - started

    assert done.returncode == 0, done.stderr
    assert took < 20
    digest = json.loads(done.stdout)
    status = {feed["name"]: feed for feed in digest["feeds"]}
    # The stalled feed never answered: not fetched, which is not a failure of the feed's; the
    # Wire answered and its slow article was abandoned.
    assert status["Stalled"]["status"] == "not_fetched"
    assert "deadline" in status["Stalled"]["error"]
    assert status["Wire"]["status"] == "error"
    assert "abandoned unfinished" in status["Wire"]["error"]
    assert len(digest["items"]) >= 3  # the Wire's other articles were finished and kept
    warnings = done.stderr.decode().splitlines()
    assert any("deadline passed" in line for line in warnings)
    assert b"Traceback" not in done.stderr

    again = run_digest(["show", "--feeds", str(feeds), "--format", "json", *WINDOW], env)
    assert len(json.loads(again.stdout)["items"]) == len(digest["items"])
    health = run_digest(["feeds", "--feeds", str(feeds), "--format", "text"], env).stdout.decode()
    assert "not fetched: the run's deadline (4 s) passed before it answered" in health
    shown = run_digest(["show", "--feeds", str(feeds), "--format", "text", *WINDOW], env).stdout.decode()
    assert "2 feeds, 1 failed, 1 not fetched yet" in " ".join(shown.split())


@pytest.mark.parametrize("value", ["0", "-5", "soon", "10x", "nan"])
def test_a_bad_deadline_is_a_usage_error(value: str, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": "http://127.0.0.1:9/feed"})

    done = run_digest(["fetch", "--feeds", str(feeds), "--deadline", value], env)

    assert done.returncode == 2
    assert b"--deadline" in done.stderr
