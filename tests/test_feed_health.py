"""A dead feed is never buried: gone and moved feeds are named at once, failing ones after days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import WINDOW, FixtureServer, run_digest, write_feeds

from digest.models import Feed, FeedCheck, FeedResult, FeedStatus
from digest.store import Store


def test_a_feed_answering_410_is_reported_gone_in_the_first_digest(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml"),
            "Closed": server.add("/closed.xml", status=410),
        },
    )

    done = run_digest(
        ["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--format", "text", *WINDOW], env
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().count("\n") == 1  # one line: the gone feed
    assert "'Closed'" in done.stderr.decode() and "gone (HTTP 410)" in done.stderr.decode()
    footer = done.stdout.decode().split("FEEDS NEEDING ATTENTION")[1]
    assert "Closed: gone (HTTP 410): the publisher removed it; remove it from the feeds file" in " ".join(
        footer.split()
    )


def test_a_permanent_redirect_is_reported_with_the_new_url(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    new_url = server.add_fixture_feed("/new/rss.xml", "rss2.xml")
    old_url = server.add("/old/rss.xml", status=301, headers={"Location": "/new/rss.xml"})
    temporary = server.add("/promo/rss.xml", status=302, headers={"Location": "/new/rss.xml"})
    feeds = write_feeds(tmp_path / "feeds.toml", {"Moved": old_url, "Campaign": temporary})

    done = run_digest(
        ["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--format", "json", *WINDOW], env
    )

    assert done.returncode == 0, done.stderr
    warning = done.stderr.decode().strip()
    assert warning == (
        f"warning: feed 'Moved' ({old_url}): moved permanently to {new_url}; update its url in the feeds file"
    )
    status = {feed["name"]: feed for feed in json.loads(done.stdout)["feeds"]}
    assert status["Moved"]["moved_to"] == new_url
    assert status["Moved"]["needs_attention"] is True
    assert status["Campaign"]["moved_to"] is None  # a 302 is temporary: keep the configured URL
    health = run_digest(["feeds", "--feeds", str(feeds), "--format", "json"], env)
    assert {feed["name"]: feed["moved_to"] for feed in json.loads(health.stdout)["feeds"]} == {
        "Moved": new_url,
        "Campaign": None,
    }


def test_a_transient_failure_is_one_line_on_stderr_and_stays_out_of_the_digest(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml"),
            "Flaky": server.add("/flaky.xml", status=404),
        },
    )

    for run in range(3):
        done = run_digest(
            ["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--format", "text", *WINDOW], env
        )
        assert done.returncode == 0
        assert done.stderr.decode().splitlines() == [
            f"warning: feed 'Flaky' ({server.base}/flaky.xml): HTTP 404 Not Found"
        ], run
        # Three failed runs, but all within minutes: not yet a dead feed.
        assert "NEEDING ATTENTION" not in done.stdout.decode()

    health = json.loads(run_digest(["feeds", "--feeds", str(feeds), "--format", "json"], env).stdout)
    flaky = next(feed for feed in health["feeds"] if feed["name"] == "Flaky")
    assert flaky["consecutive_failures"] == 3
    assert flaky["failing_since"] is not None


def test_the_store_counts_failures_in_a_row_and_since_when(tmp_path: Path) -> None:
    feed = Feed("Flaky", "https://flaky.example/rss")
    now = datetime(2026, 11, 26, 6, tzinfo=UTC)
    failed = FeedResult(feed.name, feed.url, FeedStatus.ERROR, "HTTP 503 Service Unavailable")

    with Store.open(tmp_path / "store.sqlite3") as store:
        for days_ago in (3, 2, 0):
            store.save(checks=[FeedCheck(feed, failed, now - timedelta(days=days_ago))])
        (result,) = store.feed_results([feed])
        assert (result.failures, result.failing_since) == (3, now - timedelta(days=3))

        recovered = FeedResult(feed.name, feed.url, FeedStatus.OK)
        store.save(checks=[FeedCheck(feed, recovered, now)])
        (result,) = store.feed_results([feed])
        assert (result.failures, result.failing_since) == (0, None)
