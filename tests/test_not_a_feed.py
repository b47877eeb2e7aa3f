"""A document that is not a feed is an error with a sentence, even when the server says 200 and
feedparser does not call it "bozo"; a real feed with no items today is fine; JSON Feed is a feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, run_digest, write_feeds

from digest.parse import parse_feed

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example.com/feeds/policy.xml"
HOME_PAGE = (
    "<!DOCTYPE html>\n<html lang='en'><head><title>Ledger Desk</title></head>"
    "<body><h1>Ledger Desk</h1><p>Our latest reporting on payment rules.</p>"
    "<a href='/rules'>Rules</a></body></html>"
)
EMPTY_RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet wire</title></channel></rss>'
EMPTY_ATOM = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title></feed>'
JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Ledger Desk (JSON)",
    "items": [
        {
            "id": "ledger-1",
            "url": "https://ledger.example/2026/11/stablecoin-bill",
            "title": "Senate panel advances stablecoin bill",
            "content_html": "<p>The committee voted <b>12 to 9</b>.</p>",
            "date_published": "2026-11-24T09:30:00+01:00",
            "authors": [{"name": "Ana Ortiz"}],
            "tags": ["policy", "us"],
        },
        {
            "id": 2,
            "external_url": "https://other.example/tax-guidance",
            "content_text": "Tax office publishes guidance on staking income.",
            "date_modified": "2026-11-23T08:00:00Z",
        },
    ],
}


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (HOME_PAGE, "text/html; charset=utf-8", "not a feed: the server sent an HTML page"),
        (HOME_PAGE, "application/rss+xml", "not a feed: the server sent an HTML page"),
        ("<html><body><p>Hello</p></body></html>", "text/html", "not a feed: the server sent an HTML page"),
        ("", "application/rss+xml", "empty response"),
        (" \n\t\n ", "application/rss+xml", "empty response (only white space)"),
        (
            '{"status": "ok", "posts": []}',
            "application/json",
            "not a feed: a JSON document that is not a JSON Feed",
        ),
        ("[1, 2, 3]", "application/json", "not a feed: a JSON document that is not a JSON Feed"),
        (
            '{"version": "https://jsonfeed.org/version/1", "items": [',
            "application/feed+json",
            "not a feed: the JSON is not valid (line 1, column 57)",
        ),
        (
            "<?xml version='1.0'?><catalogue><book/></catalogue>",
            "application/xml",
            "not a feed: no RSS, Atom or JSON Feed document found",
        ),
        (
            "<rss version='2.0'><channel><title>Wire</tit></channel></rss>",
            "application/rss+xml",
            "not a feed: the XML is not well-formed (mismatched tag)",
        ),
        ("Service temporarily unavailable", "text/plain", "not a feed: the response is neither XML nor JSON"),
    ],
)
def test_a_document_that_is_not_a_feed_is_an_error_with_a_sentence(
    body: str, content_type: str, error: str
) -> None:
    parsed = parse_feed(body.encode(), url=FEED_URL, headers={"Content-Type": content_type}, now=NOW)

    assert parsed.entries == ()
    assert parsed.error == error


@pytest.mark.parametrize("body", [EMPTY_RSS, EMPTY_ATOM, json.dumps({**JSON_FEED, "items": []})])
def test_a_feed_with_no_items_today_is_no_error(body: str) -> None:
    parsed = parse_feed(body.encode(), url=FEED_URL, headers={}, now=NOW)

    assert parsed.entries == ()
    assert parsed.error is None
    assert parsed.title


def test_a_json_feed_gives_entries_like_any_feed() -> None:
    parsed = parse_feed(
        json.dumps(JSON_FEED).encode(),
        url=FEED_URL,
        headers={"Content-Type": "application/feed+json"},
        now=NOW,
    )

    assert parsed.error is None and parsed.problem is None
    assert parsed.title == "Ledger Desk (JSON)"
    bill, guidance = parsed.entries
    assert bill.url == "https://ledger.example/2026/11/stablecoin-bill"
    assert bill.title == "Senate panel advances stablecoin bill"
    assert bill.content == "The committee voted 12 to 9."
    assert bill.published == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    assert bill.author == "Ana Ortiz"
    assert bill.categories == ("policy", "us")
    assert bill.guid == "ledger-1"
    assert guidance.url == "https://other.example/tax-guidance"  # a link post: only external_url
    assert guidance.title == "Tax office publishes guidance on staking income."
    assert guidance.published == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_not_a_feed_is_one_warning_and_shown_by_digest_feeds(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Home page": server.add("/", HOME_PAGE, headers={"Content-Type": "text/html; charset=utf-8"}),
            "Blank": server.add("/blank.xml", "", headers={"Content-Type": "application/rss+xml"}),
            "Quiet": server.add("/quiet.xml", EMPTY_RSS, headers={"Content-Type": "application/rss+xml"}),
            "JSON": server.add(
                "/feed.json", json.dumps(JSON_FEED), headers={"Content-Type": "application/feed+json"}
            ),
        },
    )

    done = run_digest(
        ["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--format", "json", *WINDOW], env
    )

    assert done.returncode == 0, done.stderr
    warnings = done.stderr.decode().splitlines()
    assert len(warnings) == 2, warnings
    assert any(
        "'Home page'" in line and "not a feed: the server sent an HTML page" in line for line in warnings
    )
    assert any("'Blank'" in line and line.endswith("empty response") for line in warnings)
    status = {feed["name"]: (feed["status"], feed["error"]) for feed in json.loads(done.stdout)["feeds"]}
    assert status == {
        "Home page": ("error", "not a feed: the server sent an HTML page"),
        "Blank": ("error", "empty response"),
        "Quiet": ("ok", None),
        "JSON": ("ok", None),
    }
    health = run_digest(["feeds", "--feeds", str(feeds), "--format", "json"], env)
    shown = {feed["name"]: (feed["status"], feed["error"]) for feed in json.loads(health.stdout)["feeds"]}
    assert shown["Home page"] == ("error", "not a feed: the server sent an HTML page")
    assert shown["Blank"] == ("error", "empty response")
    assert shown["Quiet"][0] == "ok"
    text = run_digest(["feeds", "--feeds", str(feeds)], env).stdout.decode()
    assert "not a feed: the server sent an HTML page" in " ".join(text.split())
