"""When the page's text stands for the story and when the feed's own text does: decided against
the feed's text, not by a fixed length. A short brief is an article; a paywall, a consent or bot
wall, or the feed's teaser again, is not."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import WINDOW, FixtureServer, invoke, write_feeds

from digest.extract import better_than_feed, extract_article

# Written for these tests.
BRIEF = (
    "The central bank of Ruritania said on Tuesday it would publish draft rules for stablecoin "
    "issuers next month. Issuers would need a local licence and full reserves held at home. "
    "The consultation runs for six weeks; exchanges must report holdings by the end of March."
)
BRIEF_SUMMARY = "Ruritania's central bank will publish draft stablecoin rules next month."
TEASER = (
    "Two mid-sized exchanges in Freedonia are in early talks about a merger, according to people "
    "familiar with the matter. The combined platform would be the country's second largest by "
    "volume, and would need the approval of the securities commission, which has been wary of "
    "concentration in the market since the collapse of a local lender last spring, they said. "
    "Neither exchange would comment, and no terms have been agreed so far."
)
TEASER_SUMMARY = "Two mid-sized Freedonian exchanges are reported to be in early merger talks."
CHINESE_TEASER = (
    "据知情人士透露，两家中型数字资产交易平台正在就合并进行初步谈判，合并后的平台将成为国内第二大交易所，"
    "但需要获得证券监管部门的批准。监管部门自去年春天一家地方贷款机构倒闭以来，一直对市场集中度保持警惕，"
    "并表示将在审查中重点关注投资者保护、客户资产隔离以及反洗钱制度的落实情况，相关方面尚未发表评论。"
    "分析人士认为，此次合并若能完成，将有助于提升行业整体的合规水平和抗风险能力。"
)


def page(*paragraphs: str) -> str:
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return (
        "<html><head><title>Ledger news</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Ledger news</h1>{body}</article><footer>Ledger news</footer></body></html>"
    )


def fetch_one(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], html: str, summary: str, *, content: str = ""
) -> tuple[dict[str, object], str]:
    """Fetch a feed of one story linking to `html`; the item as printed and its stored text."""
    link = server.add("/news/story.html", html, headers={"Content-Type": "text/html; charset=utf-8"})
    encoded = f"<content:encoded>{escape(content)}</content:encoded>" if content else ""
    feed = server.add(
        "/feed.xml",
        f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Ledger news</title><link>{server.base}/</link><description>d</description>
<item><title>The story</title><link>{link}</link><guid>{link}</guid>
<pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate><description>{escape(summary)}</description>{encoded}</item>
</channel></rss>""",
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
    )
    feeds = write_feeds(tmp_path / "feeds.toml", {"Ledger news": feed})
    result = invoke(["fetch", "--feeds", str(feeds), "--format", "json", *WINDOW], env)
    assert result.exit_code == 0, result.stderr
    [item] = json.loads(result.stdout)["items"]
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        [(text,)] = db.execute("SELECT text FROM items").fetchall()
    return item, text


def test_a_short_brief_longer_than_its_summary_is_the_article(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    assert 250 < len(BRIEF) < 400  # a news flash, under the 400 columns once taken for a paywall

    item, text = fetch_one(server, tmp_path, env, page(BRIEF), BRIEF_SUMMARY)

    assert item["extracted"] is True
    assert BRIEF in text


@pytest.mark.parametrize(
    "wall",
    [
        "Subscribe to continue reading. Already a subscriber? Sign in.",
        "Il vous reste 80% de cet article à lire. Article réservé aux abonnés.",
        "Dieser Artikel ist nur für Abonnenten verfügbar. Jetzt abonnieren und weiterlesen.",
    ],
    ids=["english", "french", "german"],
)
def test_a_paywalled_teaser_falls_back_to_the_feed(
    wall: str, server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    item, text = fetch_one(server, tmp_path, env, page(TEASER, wall), TEASER_SUMMARY)

    assert item["extracted"] is False
    assert text == TEASER_SUMMARY


def test_a_chinese_paywall_falls_back_to_the_feed(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    summary = "两家中型交易平台据悉正在进行初步合并谈判。"

    item, text = fetch_one(
        server, tmp_path, env, page(CHINESE_TEASER, "本文为付费内容，订阅后阅读全文。"), summary
    )

    assert item["extracted"] is False
    assert text == summary


def test_the_feeds_teaser_again_falls_back_to_the_feed(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    """The page shows the teaser the feed already carries, and a line more: nothing new."""
    item, text = fetch_one(server, tmp_path, env, page(TEASER, "More on this story soon."), TEASER)

    assert item["extracted"] is False
    assert text == TEASER


def test_a_feed_carrying_more_than_the_page_shows_keeps_its_own_text(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    full = f"{TEASER} {BRIEF} {TEASER.replace('Freedonia', 'Sylvania')}"

    item, text = fetch_one(server, tmp_path, env, page(TEASER), TEASER_SUMMARY, content=full)

    assert item["extracted"] is False
    assert text == full


@pytest.mark.parametrize(
    "wall",
    [
        "Checking your browser before accessing ledger.example. This process is automatic.",
        "Please verify you are a human. Press & hold the button to confirm.",
        "We value your privacy. We and our partners use cookies to store and access information.",
        "订阅后阅读全文。开通会员即可畅享全部内容，已有账号请登录。",
        "この記事は有料会員限定です。続きを読むにはログインしてください。",
        # A search engine's consent dialog, as trafilatura gives it without its heading.
        "We rely on cookies and data to keep services running, measure outages and protect "
        "against abuse. If you agree, we also use them to tailor ads. Select Reject all or "
        "Accept all, or choose More options to decide for yourself.",
        "Nous et nos partenaires stockons des informations sur votre appareil. Tout accepter ou "
        "tout refuser : vous pouvez changer d'avis à tout moment.",
    ],
)
def test_walls_are_not_articles(wall: str) -> None:
    assert not better_than_feed(f"{wall} " * 3, "")


def test_a_long_story_is_an_article_whatever_its_footer_says() -> None:
    story = f"{TEASER}\n{BRIEF}\n" * 4 + "Subscribe to continue reading our newsletter."

    assert better_than_feed(story, TEASER_SUMMARY)


def test_a_few_words_are_no_article_even_without_a_feed_summary() -> None:
    assert extract_article(page("Loading the latest prices…").encode(), "http://127.0.0.1/a") is None
    assert extract_article(page(BRIEF).encode(), "http://127.0.0.1/b") is not None
