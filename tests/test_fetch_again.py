"""Stories that kept their feed's text for a passing reason (a failed download, --no-extract)
are downloaded again on later runs: at most 3 times over at least 2 days; a 404 never."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import FIXTURES, WINDOW, FixtureServer, Route, run_digest, write_feeds

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Flaky Wire</title><link>{base}/</link>
<description>One story on a server that has bad days.</description>
<item>
  <title>Beijing unveils three-year blockchain action plan backed by 5 billion yuan fund</title>
  <link>{base}/articles/story.html</link>
  <guid>{base}/articles/story.html</guid>
  <pubDate>Fri, 20 Nov 2026 08:15:00 GMT</pubDate>
  <description>The capital wants public-service use cases on permissioned ledgers.</description>
</item>
</channel></rss>
"""
PAGE = "/articles/story.html"


@pytest.fixture
def flaky(server: FixtureServer, tmp_path: Path) -> Path:
    url = server.add(
        "/flaky.xml", FEED.replace("{base}", server.base), headers={"Content-Type": "application/rss+xml"}
    )
    return write_feeds(tmp_path / "feeds.toml", {"Flaky": url})


def answer(server: FixtureServer, status: int) -> None:
    """The story's page: the article itself, or an error status."""
    if status == 200:
        body = (FIXTURES / "articles" / "a1.html").read_bytes()
        server.routes[PAGE] = Route(body, 200, {"Content-Type": "text/html; charset=utf-8"})
    else:
        server.routes[PAGE] = Route(b"try later", status, {"Content-Type": "text/plain"})


def fetch(feeds: Path, env: dict[str, str], *extra: str) -> tuple[bool, str]:
    """One run; whether the story now has its article, and the run summary (-v)."""
    done = run_digest(["fetch", "-v", "--format", "json", "--feeds", str(feeds), *WINDOW, *extra], env)
    assert done.returncode == 0, done.stderr
    (item,) = json.loads(done.stdout)["items"]
    return item["extracted"], done.stderr.decode()


def a_day_passes(env: dict[str, str]) -> None:
    """Move the story's last try back a day, as if the next run came a day later."""
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        db.execute("UPDATE items SET last_fetch_attempt = datetime(last_fetch_attempt, '-25 hours')")
    db.close()


def test_a_page_that_failed_with_a_503_is_downloaded_again_and_extracted(
    server: FixtureServer, flaky: Path, env: dict[str, str]
) -> None:
    answer(server, 503)
    extracted, _ = fetch(flaky, env)
    assert not extracted

    answer(server, 200)
    extracted, summary = fetch(flaky, env)

    assert extracted
    assert "1 that had kept it tried again, 1 extracted" in summary
    assert len(server.requests_for(PAGE)) >= 2


def test_a_story_fetched_with_no_extract_gets_its_article_on_a_later_run(
    server: FixtureServer, flaky: Path, env: dict[str, str]
) -> None:
    answer(server, 200)
    extracted, _ = fetch(flaky, env, "--no-extract")
    assert not extracted
    assert not server.requests_for(PAGE)

    extracted, _ = fetch(flaky, env)

    assert extracted


@pytest.mark.parametrize("status", [404, 410])
def test_a_page_that_is_not_there_is_not_tried_again(
    status: int, server: FixtureServer, flaky: Path, env: dict[str, str]
) -> None:
    answer(server, status)
    fetch(flaky, env)
    tries = len(server.requests_for(PAGE))

    a_day_passes(env)
    _, summary = fetch(flaky, env)

    assert len(server.requests_for(PAGE)) == tries
    assert "0 that had kept it tried again" in summary


def test_at_most_three_tries_again_over_two_days_then_left_alone_unless_forced(
    server: FixtureServer, flaky: Path, env: dict[str, str]
) -> None:
    answer(server, 503)
    fetch(flaky, env)  # the first try
    fetch(flaky, env)  # tried again at once: a 503 often passes within minutes
    downloaded = []
    for _ in range(4):
        a_day_passes(env)
        before = len(server.requests_for(PAGE))
        fetch(flaky, env)
        downloaded.append(len(server.requests_for(PAGE)) > before)

    # Then a day apart, twice more: three tries again over two days, then left alone.
    assert downloaded == [True, True, False, False]

    before = len(server.requests_for(PAGE))
    answer(server, 200)
    extracted, summary = fetch(flaky, env, "--re-extract")
    assert extracted
    assert len(server.requests_for(PAGE)) > before
    assert "1 that had kept it tried again, 1 extracted" in summary


def test_a_second_run_the_same_day_waits_for_the_spacing(
    server: FixtureServer, flaky: Path, env: dict[str, str]
) -> None:
    answer(server, 503)
    fetch(flaky, env)  # the first try
    fetch(flaky, env)  # tried again at once: a 503 often passes within minutes
    tries = len(server.requests_for(PAGE))

    _, summary = fetch(flaky, env)  # the same day: not yet

    assert len(server.requests_for(PAGE)) == tries
    assert "0 that had kept it tried again" in summary


def test_a_story_with_no_page_of_its_own_is_not_counted_as_tried_again(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    # Its only id is a guid that is no link: the story is its feed's text, nothing to download.
    only_guid = FEED.replace("{base}/articles/story.html</link>", "</link>").replace(
        "<guid>{base}/articles/story.html</guid>", '<guid isPermaLink="false">tag:wire,2026:story-1</guid>'
    )
    url = server.add(
        "/guid.xml", only_guid.replace("{base}", server.base), headers={"Content-Type": "application/rss+xml"}
    )
    feeds = write_feeds(tmp_path / "feeds.toml", {"Guid": url})
    fetch(feeds, env, "--no-extract")

    _, summary = fetch(feeds, env)

    assert "tried again" not in summary or "0 that had kept it tried again" in summary
    _, forced = fetch(feeds, env, "--re-extract")
    assert "tried again" not in forced or "0 that had kept it tried again" in forced
