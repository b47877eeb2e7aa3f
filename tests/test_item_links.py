"""Which URL is an entry's article: a guid marked isPermaLink="false" never is; FeedBurner's
origLink and a direct link win over a FeedBurner redirect, so both copies are one story."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from conftest import WINDOW, FixtureServer, run_digest, write_feeds

from digest.parse import parse_feed

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example.com/feeds/policy.xml"
FEEDBURNER = 'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"'


def rss(items: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {FEEDBURNER}><channel>'
        f"<title>Wire</title>{items}</channel></rss>"
    ).encode()


def test_a_guid_that_is_no_permalink_is_never_the_article_url() -> None:
    body = rss(
        "<item><title>Treasury consults on wallets</title>"
        "<description>The consultation runs for twelve weeks.</description>"
        '<guid isPermaLink="false">https://news.example.com/?p=4411</guid></item>'
    )

    [entry] = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert entry.url.startswith("urn:digest:")
    assert entry.guid == "https://news.example.com/?p=4411"
    assert entry.summary == "The consultation runs for twelve weeks."


def test_a_guid_that_is_a_permalink_is_the_article_url() -> None:
    body = rss("<item><title>Bank sets rules</title><guid>https://news.example.com/2026/rules</guid></item>")

    [entry] = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert entry.url == "https://news.example.com/2026/rules"


def test_feedburner_orig_link_is_preferred_to_the_redirect() -> None:
    body = rss(
        "<item><title>Regulator fines exchange</title>"
        "<link>http://feedproxy.google.com/~r/ledgerdesk/~3/Xy12AbC/</link>"
        "<feedburner:origLink>https://ledger.example/2026/11/fine?utm_source=feedburner</feedburner:origLink>"
        "</item>"
    )

    [entry] = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert entry.url == "https://ledger.example/2026/11/fine"


def test_an_atom_alternate_link_is_preferred_to_a_feedproxy_one() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>
      <entry><title>Parliament passes token law</title><id>tag:ledger.example,2026:77</id>
        <link rel="alternate" type="text/html" href="https://ledger.example/2026/11/token-law"/>
        <link rel="alternate" type="text/html" href="http://feedproxy.google.com/~r/ledger/~3/QQ9/"/>
        <updated>2026-11-24T10:00:00Z</updated></entry>
      <entry><title>Only through the proxy</title><id>tag:ledger.example,2026:78</id>
        <link rel="alternate" href="http://feeds.feedburner.com/~r/ledger/~3/QQ10/"/>
        <updated>2026-11-24T11:00:00Z</updated></entry>
    </feed>"""

    law, proxied = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert law.url == "https://ledger.example/2026/11/token-law"
    assert proxied.url == "http://feeds.feedburner.com/~r/ledger/~3/QQ10/"  # nothing better to go on


def test_an_rss_1_item_without_a_link_is_found_by_its_rdf_about() -> None:
    body = b"""<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <channel rdf:about="https://ledger.example/rss"><title>Ledger</title></channel>
      <item rdf:about="https://ledger.example/2026/11/sandbox"><title>Sandbox opens</title></item>
    </rdf:RDF>"""

    [entry] = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert entry.url == "https://ledger.example/2026/11/sandbox"


def test_an_entry_with_only_a_guid_keeps_the_feed_text_and_is_not_fetched(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    page = server.add(
        "/2026/11/wallet-rules.html",
        "<html><body><article><p>"
        + "A page that must not be downloaded. " * 40
        + "</p></article></body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    body = rss(
        "<item><title>Treasury consults on wallet rules</title>"
        "<description>The finance ministry opened a consultation on wallet rules.</description>"
        f'<guid isPermaLink="false">{page}</guid>'
        "<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
    )
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {"Wire": server.add("/wire.xml", body, headers={"Content-Type": "application/rss+xml"})},
    )

    done = run_digest(["fetch", "-q", "--feeds", str(feeds), "--format", "json", *WINDOW], env)

    assert done.returncode == 0, done.stderr
    [item] = json.loads(done.stdout)["items"]
    assert item["title"] == "Treasury consults on wallet rules"
    assert item["summary"] == "The finance ministry opened a consultation on wallet rules."
    assert item["extracted"] is False
    assert server.requests_for("/2026/11/wallet-rules.html") == []


def test_a_story_through_feedburner_and_directly_is_one_story(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    story = "https://ledger.example/2026/11/exchange-licence"
    direct = rss(
        f"<item><title>Exchange wins licence</title><link>{story}</link>"
        "<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
    )
    proxied = rss(
        "<item><title>Exchange wins licence</title>"
        "<link>http://feedproxy.google.com/~r/ledger/~3/Lic3/</link>"
        f"<feedburner:origLink>{story}</feedburner:origLink>"
        "<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
    )
    rss_type = {"Content-Type": "application/rss+xml"}
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Ledger": server.add("/direct.xml", direct, headers=rss_type),
            "Ledger via FeedBurner": server.add("/burned.xml", proxied, headers=rss_type),
        },
    )

    done = run_digest(
        ["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--format", "json", *WINDOW], env
    )

    assert done.returncode == 0, done.stderr
    [item] = json.loads(done.stdout)["items"]
    assert item["url"] == story
    assert sorted(item["feeds"]) == ["Ledger", "Ledger via FeedBurner"]
