"""Feed text without what blog engines append to every summary, bylines without empty template
fields, and no made-up `urn:` key shown as the URL of an entry that has no link."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, run_digest, write_feeds

from digest.parse import parse_feed

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example.com/feeds/policy.xml"
LEDE = "The finance ministry opened a consultation on wallet rules."


def rss(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Wire</title>{items}</channel></rss>"
    ).encode()


def summary_of(description: str) -> str:
    body = rss(
        f"<item><title>Wallets</title><link>https://x.org/w</link><description>{description}</description></item>"
    )
    [entry] = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries
    return entry.summary


@pytest.mark.parametrize(
    ("description", "summary"),
    [
        (
            f"&lt;p&gt;{LEDE}&lt;/p&gt;&lt;p&gt;The post &lt;a href='https://x.org/w'&gt;Wallet rules: a "
            "consultation&lt;/a&gt; appeared first on &lt;a href='https://x.org'&gt;Ledger Desk&lt;/a&gt;.&lt;/p&gt;",
            LEDE,
        ),
        (
            f"{LEDE} &lt;a href='https://x.org/w'&gt;Continue reading &lt;span&gt;Wallets&lt;/span&gt; →&lt;/a&gt;",
            LEDE,
        ),
        (f"{LEDE} Read more »", LEDE),
        (f"{LEDE} [&amp;#8230;]", LEDE),
        (f"{LEDE} [...]", LEDE),
        (
            "The finance ministry opened a consultation on [&amp;hellip;]",
            "The finance ministry opened a consultation on…",
        ),
        (f"{LEDE} The entry Wallets was first posted on November 24, 2026 at 10:00 am.", LEDE),
        (f"{LEDE} (more…)", LEDE),
        (
            f"{LEDE} [&amp;#8230;]&lt;p&gt;The post Wallets appeared first on Ledger Desk.&lt;/p&gt;",
            LEDE,
        ),
        # The same in the languages the default feeds are written in.
        (
            "Die BaFin prüft die Regeln. Der Beitrag Regeln erschien zuerst auf Krypto Blog.",
            "Die BaFin prüft die Regeln.",
        ),
        ("L’AMF publie ses règles. Lire la suite »", "L’AMF publie ses règles."),
        ("央行发布数字人民币新规。 阅读全文 &gt;&gt;", "央行发布数字人民币新规。"),
        # Ordinary sentences that only resemble the boilerplate stay.
        (
            "Officials urged savers to read more about the risks.",
            "Officials urged savers to read more about the risks.",
        ),
        ("The post office will sell stamps as tokens.", "The post office will sell stamps as tokens."),
    ],
)
def test_summaries_lose_the_boilerplate_feeds_append(description: str, summary: str) -> None:
    assert summary_of(description) == summary


def test_the_feed_content_loses_it_too() -> None:
    content = f"<p>{LEDE}</p><p>Comments close on 1 March.</p><p>The post Wallets appeared first on Ledger Desk.</p>"
    body = rss(
        f"<item><title>Wallets</title><link>https://x.org/w</link><content:encoded><![CDATA[{content}]]></content:encoded></item>"
    )

    [entry] = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert entry.content == f"{LEDE}\n\nComments close on 1 March."


@pytest.mark.parametrize(
    ("creator", "author"),
    [("Staff Reporter · ·", "Staff Reporter"), (" | Ana Ortiz | ", "Ana Ortiz"), ("", None), (" · ", None)],
)
def test_bylines_lose_empty_template_fields(creator: str, author: str | None) -> None:
    body = rss(
        f"<item><title>Wallets</title><link>https://x.org/w</link><dc:creator>{creator}</dc:creator></item>"
    )

    [entry] = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert entry.author == author


def test_a_linkless_entry_shows_no_made_up_url_and_stores_clean_text(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    body = rss(
        "<item><title>Treasury consults on wallet rules</title>"
        f"<content:encoded><![CDATA[<p>{LEDE}</p><p>The post Wallets appeared first on Ledger Desk.</p>]]></content:encoded>"
        '<guid isPermaLink="false">wallets-2026-11</guid><dc:creator>Staff Reporter · ·</dc:creator>'
        "<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
    )
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {"Wire": server.add("/wire.xml", body, headers={"Content-Type": "application/rss+xml"})},
    )

    done = run_digest(["fetch", "-q", "--feeds", str(feeds), "--format", "json", *WINDOW], env)

    assert done.returncode == 0, done.stderr
    [item] = json.loads(done.stdout)["items"]
    assert item["url"] is None
    assert item["author"] == "Staff Reporter"
    assert item["summary"] == LEDE
    with sqlite3.connect(env["DIGEST_DB"]) as store:
        [(text,)] = store.execute("SELECT text FROM items").fetchall()
    assert text == LEDE
    shown = invoke(["show", "--feeds", str(feeds), "--format", "text", *WINDOW], env)
    assert shown.exit_code == 0
    assert "Treasury consults on wallet rules" in shown.stdout
    assert "urn:" not in shown.stdout
    explained = invoke(["explain", item["id"]], env)
    assert explained.exit_code == 0
    assert "Treasury consults on wallet rules" in explained.stdout
    assert "urn:" not in explained.stdout
