"""A made-up news world for the benchmarks: outlets, their RSS feeds and article pages, served
over HTTP on loopback addresses with injected latency.

Every headline, sentence, name and company here is written by the generator from the word
lists below; none is a real article. Pages are built like real news pages (~60 KB: navigation,
ticker, sidebars, related links, comments, inline styles and scripts around ~1,000 words of
story), because extraction cost depends on the whole page, not on the story alone.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import html
import random
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType

# -- word lists --------------------------------------------------------------------------------

# (how a story names the body, its short form, the place whose body it is)
BODIES = [
    ("the Monetary Authority of Singapore", "MAS", "Singapore"),
    ("Hong Kong's Securities and Futures Commission", "SFC", "Hong Kong"),
    ("the Securities and Exchange Commission", "SEC", "the United States"),
    ("the Financial Conduct Authority", "FCA", "the United Kingdom"),
    ("Germany's financial supervisor BaFin", "BaFin", "Germany"),
    ("Dubai's Virtual Assets Regulatory Authority", "VARA", "Dubai"),
    ("the People's Bank of China", "PBOC", "China"),
    ("the Reserve Bank of India", "RBI", "India"),
    ("the Bank of Korea", "BOK", "South Korea"),
    ("Japan's Financial Services Agency", "FSA", "Japan"),
    ("Brazil's central bank", "BCB", "Brazil"),
    ("the European Central Bank", "ECB", "the euro area"),
    ("the Swiss Financial Market Supervisory Authority", "FINMA", "Switzerland"),
    ("the Australian Securities and Investments Commission", "ASIC", "Australia"),
    ("the Central Bank of Nigeria", "CBN", "Nigeria"),
    ("Thailand's Securities and Exchange Commission", "Thai SEC", "Thailand"),
    ("the Wyoming legislature", "Wyoming lawmakers", "Wyoming"),
    ("the Beijing municipal government", "Beijing", "Beijing"),
    ("the Shenzhen government", "Shenzhen", "Shenzhen"),
    ("the Hainan provincial government", "Hainan", "Hainan"),
    ("the Central Bank of the UAE", "UAE central bank", "the UAE"),
    ("El Salvador's finance ministry", "El Salvador", "El Salvador"),
    ("the Bank of Canada", "Bank of Canada", "Canada"),
    ("Argentina's securities regulator", "CNV", "Argentina"),
]
# (what the body will do, as a story says it; the same as a headline says it)
ACTIONS = [
    ("publish draft rules for stablecoin issuers", "draft stablecoin rules"),
    ("open a consultation on licences for crypto exchanges", "exchange licensing consultation"),
    ("expand its digital currency pilot to four more cities", "wider digital currency pilot"),
    ("require exchanges to report customer gains to the tax office", "crypto tax reporting rules"),
    ("set up a fund of 5 billion yuan to back blockchain start-ups", "blockchain industry fund"),
    ("ban the sale of crypto derivatives to retail customers", "retail derivatives ban"),
    ("tighten custody rules after a string of exchange failures", "tighter custody rules"),
    ("let pension funds hold spot bitcoin products", "pension fund crypto access"),
    ("test tokenised government bonds with three local banks", "tokenised bond trial"),
    ("accept stablecoins for some public fees", "stablecoin payments for public fees"),
    ("cap how much a retail customer may stake", "staking limits"),
    ("bring decentralised finance platforms under its anti-money-laundering rules", "DeFi AML rules"),
    ("set a deadline for unlicensed exchanges to leave the market", "exit deadline for unlicensed exchanges"),
    ("publish a three-year action plan for blockchain in public services", "blockchain action plan"),
    ("issue its first licences to crypto brokers", "first crypto broker licences"),
    ("delay its stablecoin law by a year", "stablecoin law delay"),
    ("create a sandbox for tokenised deposits", "tokenised deposit sandbox"),
    ("tax crypto income at a flat 15 percent", "flat crypto income tax"),
]
HEADLINE_VERBS = [
    "unveils",
    "proposes",
    "finalises",
    "weighs",
    "approves",
    "announces",
    "confirms",
    "outlines",
]
TAILS = ["", "", " after consultation", " amid market slump", " as deadline nears", " in policy shift"]
VIOLATIONS = [
    "failing to verify customers",
    "misleading marketing",
    "weak sanctions screening",
    "running an unlicensed lending scheme",
    "late suspicious-transaction reports",
]
COINS = ["Bitcoin", "Ether", "Solana", "XRP", "Cardano", "Dogecoin", "Avalanche", "Polkadot", "Litecoin"]
COMPANY_HEADS = ["Nova", "Blue", "Quartz", "Harbor", "Summit", "Lumen", "Kestrel", "Orbit", "Cedar", "Atlas"]
COMPANY_TAILS = ["Ledger", "Exchange", "Pay", "Custody", "Chain Labs", "Markets", "Wallet", "Capital"]
FIRST_NAMES = ["Mara", "Tomas", "Li Wei", "Aisha", "Daniel", "Keiko", "Rafael", "Priya", "Jonas", "Chen"]
LAST_NAMES = ["Okafor", "Lindqvist", "Zhang", "Haddad", "Moreau", "Tanaka", "Silva", "Rao", "Weber", "Park"]
ROLES = ["chief executive", "head of policy", "general counsel", "a partner", "a research analyst"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
REASONS = [
    "traders priced in a rate cut",
    "outflows from exchange-traded funds slowed",
    "a large holder moved coins to an exchange",
    "funding rates turned negative",
    "volumes thinned ahead of a holiday",
]
PRODUCTS = ["a staking service", "a tokenised money-market fund", "a payments card", "a custody app"]
QUOTES = [
    "Clear rules are what the industry has asked for, and this is a step in that direction",
    "The details matter more than the headline, and we have not seen them yet",
    "Smaller firms will find the capital requirements hard to meet",
    "This brings the market closer to the way banks are supervised",
    "We expect most licensed firms to be ready well before the deadline",
]
MARKET_QUOTES = [
    "Liquidity is thin, so moves like this overshoot in both directions",
    "Our customers bought the dip, which is not what they did a year ago",
    "The funding round lets us hire the engineers we need for the next product",
    "Volumes tell you more than prices at this point in the cycle",
]
BACKGROUND = [
    "The move follows a public consultation that drew more than 300 responses from firms and banks.",
    "Officials have said for months that they want rules in place before the end of the year.",
    "Several exchanges paused new sign-ups in the region while the rules were being drafted.",
    "Lawyers said the text leaves open how existing customers will be treated.",
    "Industry groups had lobbied for a longer transition period.",
    "The proposal would take effect six months after it is published in the official gazette.",
    "A similar framework was adopted by two neighbouring markets last year.",
]
MARKET = [
    "{coin} {moved} {pct}% to trade near ${price:,} in {session} trading, as {reason}.",
    "Shares of listed miners {moved} about {pct}% in the same session.",
    "Trading volume on the largest exchanges was {pct}% {updown} than a week earlier.",
]
COMPANY = [
    "{company}, a {place}-based start-up, raised ${amount} million in a round led by two venture firms.",
    "{company} said it had applied for a licence and expected an answer within {months} months.",
    "{company} launched {product} for customers in {place} last month.",
    "{company} said it would move part of its staff to {place} to be closer to regulators.",
]
COMMENTS = [
    "Good summary, though the part about custody deserves its own piece.",
    "Rules like these always end up favouring the biggest players.",
    "Would love to see how this compares with what other regulators have done.",
    "About time. The last two years were the wild west.",
    "The deadline looks tight for smaller exchanges.",
    "Does anyone know whether this applies to existing customers?",
]
SECTIONS = ["Markets", "Policy", "Regulation", "Technology", "Business", "Opinion", "Asia", "Europe"]


@dataclass(frozen=True, slots=True)
class Story:
    """One article as its outlet publishes it."""

    slug: str
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    published: datetime
    author: str
    section: str


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    host: str  # a loopback address of its own, so per-host limits apply as on the internet
    stories: tuple[Story, ...]
    port: int = 0

    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def feed_url(self) -> str:
        return f"{self.base()}/feed.xml"

    def page_url(self, story: Story) -> str:
        return f"{self.base()}/news/{story.slug}.html"


# -- stories -----------------------------------------------------------------------------------


def write_story(rng: random.Random, published: datetime, number: int, words: int = 1000) -> Story:
    """A headline, a one-sentence summary and about `words` words of story; three in five about
    policy, the rest markets and companies, as in a crypto news feed."""
    company = _company(rng)
    kind = rng.random()
    if kind < 0.45:
        body, short, place = rng.choice(BODIES)
        action, headline = rng.choice(ACTIONS)
        title = f"{short} {rng.choice(HEADLINE_VERBS)} {headline}{rng.choice(TAILS)}"
        summary = f"{_capital(body)} said on {rng.choice(WEEKDAYS)} it would {action}."
    elif kind < 0.6:
        body, short, place = rng.choice(BODIES)
        violation = rng.choice(VIOLATIONS)
        amount = rng.randint(2, 90)
        title = f"{short} fines {company} ${amount} million over {violation}"
        summary = f"{_capital(body)} fined {company} ${amount} million for {violation}."
    elif kind < 0.8:
        coin, place = rng.choice(COINS), rng.choice(BODIES)[2]
        pct = rng.randint(2, 12)
        moved = rng.choice(["rises", "slips", "jumps", "falls"])
        title = f"{coin} {moved} {pct}% as {rng.choice(REASONS)}"
        summary = f"{coin} {moved} {pct}% in a session where {rng.choice(REASONS)}."
    else:
        place = rng.choice(BODIES)[2]
        amount = rng.randint(3, 120)
        title = f"{company} raises ${amount} million to expand in {place.removeprefix('the ')}"
        summary = f"{company}, a {rng.choice(COMPANY_TAILS).lower()} firm, raised ${amount} million."
    policy = kind < 0.6
    paragraphs = [summary, *_paragraphs(rng, place, company, words - len(summary.split()), policy=policy)]
    slug = f"{number:05d}-{_slug(' '.join(title.split()[:8]))}"
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return Story(slug, title, summary, tuple(paragraphs), published, author, rng.choice(SECTIONS))


def _paragraphs(rng: random.Random, place: str, company: str, words: int, *, policy: bool) -> list[str]:
    paragraphs: list[str] = []
    while words > 0:
        sentences = [_sentence(rng, place, company, policy=policy) for _ in range(rng.randint(3, 5))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words -= len(paragraph.split())
    return paragraphs


def _sentence(rng: random.Random, place: str, company: str, *, policy: bool) -> str:
    """A policy story mixes rule-making with market colour; a market or company story has no
    regulator in it."""
    roll = rng.random() if policy else 0.3 + 0.7 * rng.random()
    if roll < 0.3:
        body, _, _ = rng.choice(BODIES)
        return f"{_capital(body)} said on {rng.choice(WEEKDAYS)} it would {rng.choice(ACTIONS)[0]}."
    if roll < 0.45:
        who = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        quote = rng.choice(QUOTES if policy else MARKET_QUOTES)
        return f"“{quote},” said {who}, {rng.choice(ROLES)} at {_company(rng)}."
    if roll < 0.65 and policy:
        return rng.choice(BACKGROUND)
    if roll < 0.85:
        return rng.choice(MARKET).format(
            coin=rng.choice(COINS),
            moved=rng.choice(["rose", "fell", "slipped", "climbed"]),
            pct=rng.randint(1, 14),
            price=rng.randint(20, 120) * 1000,
            session=rng.choice(["Asian", "European", "New York", "late"]),
            reason=rng.choice(REASONS),
            updown=rng.choice(["higher", "lower"]),
        )
    return rng.choice(COMPANY).format(
        company=rng.choice([company, _company(rng)]),
        place=place.removeprefix("the "),
        amount=rng.randint(3, 120),
        months=rng.randint(2, 9),
        product=rng.choice(PRODUCTS),
    )


def _company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_HEADS)}{rng.choice(COMPANY_TAILS)}"


def _slug(text: str) -> str:
    return "-".join("".join(c for c in word.lower() if c.isalnum()) for word in text.split())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def make_outlets(feeds: int, articles: int, *, now: datetime, seed: int = 20261126) -> list[Outlet]:
    """`feeds` outlets on 127.0.0.2, 127.0.0.3 ..., each with `articles` stories of the last
    two weeks, newest first."""
    rng = random.Random(seed)
    outlets = []
    for index in range(feeds):
        stories = [
            write_story(rng, now - timedelta(minutes=rng.randint(30, 13 * 24 * 60)), index * 1000 + n)
            for n in range(articles)
        ]
        stories.sort(key=lambda story: story.published, reverse=True)
        name = (
            f"{rng.choice(COMPANY_HEADS)} {rng.choice(['Times', 'Wire', 'Daily', 'Post', 'Report'])} {index}"
        )
        outlets.append(Outlet(name, f"127.0.0.{2 + index}", tuple(stories)))
    return outlets


# -- documents ---------------------------------------------------------------------------------


def feed_document(outlet: Outlet) -> bytes:
    """The outlet's RSS 2.0 feed: every story with its link, date, summary and category."""
    items = "".join(
        f"""
    <item>
      <title>{html.escape(story.title)}</title>
      <link>{outlet.page_url(story)}</link>
      <guid isPermaLink="false">{outlet.host}-{story.slug}</guid>
      <pubDate>{email.utils.format_datetime(story.published)}</pubDate>
      <dc:creator>{html.escape(story.author)}</dc:creator>
      <category>{story.section}</category>
      <description>{html.escape(story.summary)}</description>
    </item>"""
        for story in outlet.stories
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{html.escape(outlet.name)}</title>
    <link>{outlet.base()}/</link>
    <description>Crypto and policy news from {html.escape(outlet.name)}</description>
    <language>en</language>{items}
  </channel>
</rss>
""".encode()


def page_document(outlet: Outlet, story: Story, rng: random.Random) -> bytes:
    """A news page as sites build them: the story is a seventh of the bytes."""
    escape = html.escape
    others = [other for other in outlet.stories if other is not story]
    related = rng.sample(others, min(8, len(others)))
    parts = [
        _head(outlet, story, rng),
        "<body class='article-template single-post has-ticker'>",
        _header(outlet, rng),
        "<main id='main' class='site-main'><div class='container'><div class='row'>",
        "<article class='post col-8' itemscope itemtype='https://schema.org/NewsArticle'>",
        f"<nav class='breadcrumbs'><a href='/'>Home</a> › <a href='/section/{story.section.lower()}'>"
        f"{story.section}</a></nav>",
        f"<header class='entry-header'><h1 class='entry-title' itemprop='headline'>{escape(story.title)}"
        f"</h1><p class='entry-meta'>By <a rel='author' href='/author/{_slug(story.author)}'>"
        f"{escape(story.author)}</a> · <time datetime='{story.published.isoformat()}'>"
        f"{story.published:%d %b %Y %H:%M} UTC</time></p>{_share(rng)}</header>",
        "<div class='entry-content' itemprop='articleBody'>",
    ]
    for number, paragraph in enumerate(story.paragraphs):
        parts.append(f"<p>{escape(paragraph)}</p>")
        if number % 3 == 2:
            parts.append(_ad_slot(rng, "in-article"))
        if number == 3:
            parts.append(_figure(rng))
        if number == 6:
            parts.append(_inline_related(outlet, related[:3]))
        if number == 9:
            parts.append(_newsletter("inline"))
    parts += [
        "</div>",
        f"<footer class='entry-footer'><ul class='tags'>{_tag_links(rng)}</ul></footer>",
        _related(outlet, related),
        _comments(rng),
        "</article>",
        _sidebar(outlet, others, rng),
        "</div></div></main>",
        _footer(outlet, rng),
        _tail_scripts(rng),
        "</body></html>",
    ]
    return "\n".join(parts).encode()


def _head(outlet: Outlet, story: Story, rng: random.Random) -> str:
    escape = html.escape
    css = "\n".join(
        f".c-{rng.choice(['card', 'nav', 'ticker', 'hero', 'promo', 'grid', 'menu'])}__"
        f"{rng.choice(['item', 'title', 'link', 'icon', 'body', 'meta'])}--{n}"
        f"{{margin:{rng.randint(0, 24)}px {rng.randint(0, 24)}px;padding:{rng.randint(0, 16)}px;"
        f"color:#{rng.randrange(0x1000000):06x};font-size:{rng.randint(11, 22)}px;"
        f"line-height:1.{rng.randint(2, 8)};display:{rng.choice(['flex', 'block', 'grid'])}}}"
        for n in range(30)
    )
    meta = "".join(
        f"<meta property='og:{key}' content='{escape(value)}'>"
        for key, value in (
            ("title", story.title),
            ("description", story.summary),
            ("type", "article"),
            ("url", outlet.page_url(story)),
            ("site_name", outlet.name),
        )
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(story.title)} | {escape(outlet.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(story.summary)}">
<meta name="author" content="{escape(story.author)}">
<meta property="article:published_time" content="{story.published.isoformat()}">
<meta property="article:section" content="{story.section}">
{meta}
<link rel="canonical" href="{outlet.page_url(story)}">
<link rel="stylesheet" href="/assets/main.{rng.randrange(16**8):08x}.css">
<link rel="preload" as="font" href="/assets/inter.woff2" crossorigin>
<style>{css}</style>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"{escape(story.title)}","datePublished":"{story.published.isoformat()}",
"author":{{"@type":"Person","name":"{escape(story.author)}"}},
"publisher":{{"@type":"Organization","name":"{escape(outlet.name)}"}}}}</script>
{_analytics(rng)}
</head>"""


def _analytics(rng: random.Random) -> str:
    lines = [
        f"  window.__cfg_{n} = {{id: '{rng.randrange(16**12):012x}', slot: '/{rng.randint(1000, 9999)}/"
        f"{rng.choice(SECTIONS).lower()}', sizes: [[300, 250], [728, 90]], lazy: {str(n % 2 == 0).lower()}}};"
        for n in range(14)
    ]
    return "<script>\nwindow.dataLayer = window.dataLayer || [];\n" + "\n".join(lines) + "\n</script>"


def _header(outlet: Outlet, rng: random.Random) -> str:
    menus = []
    for section in SECTIONS:
        links = "".join(
            f"<li class='menu-item'><a class='c-menu__link' href='/section/{section.lower()}/{n}'>"
            f"<span class='c-menu__icon'><svg width='12' height='12'><path d='M0 0h{n}v12z'/></svg></span>"
            f"<span class='c-menu__label'>{section} {word}</span></a></li>"
            for n, word in enumerate(rng.sample(["News", "Analysis", "Explainers", "Data", "Video",
                                                  "Podcasts", "Events", "Research", "Guides", "Prices",
                                                  "Newsletters", "People", "Markets"], 7))
        )  # fmt: skip
        menus.append(
            f"<li class='menu-item has-children'><a href='/section/{section.lower()}'>{section}</a>"
            f"<ul class='sub-menu'>{links}</ul></li>"
        )
    ticker = "".join(
        f"<li class='ticker__item'><span class='ticker__symbol'>{coin[:3].upper()}</span>"
        f"<span class='ticker__price'>${rng.randint(1, 99000):,}</span>"
        f"<span class='ticker__change {rng.choice(['up', 'down'])}'>{rng.uniform(0, 9):.2f}%</span></li>"
        for coin in COINS
    )
    return (
        "<header id='masthead' class='site-header'><div class='top-bar'><div class='container'>"
        f"<ul class='ticker'>{ticker}</ul></div></div>"
        f"<div class='container'><a class='logo' href='/'><svg viewBox='0 0 120 24' aria-label="
        f"'{html.escape(outlet.name)}'><path d='M0 0h24v24H0z M30 4h8v16h-8z M44 4h10v4H44z'/></svg></a>"
        f"<nav class='main-navigation' aria-label='Main'><ul class='menu'>{''.join(menus)}</ul></nav>"
        "<form class='search' action='/search'><input type='search' name='q' placeholder='Search'>"
        "<button type='submit'>Search</button></form>"
        "<a class='btn btn-subscribe' href='/subscribe'>Subscribe</a></div></header>"
    )


def _share(rng: random.Random) -> str:
    icons = "".join(
        f"<li><a class='share share--{name}' href='https://share.example/{name}?u={rng.randrange(10**9)}'>"
        f"<svg width='20' height='20' viewBox='0 0 20 20'><path d='M{rng.randint(1, 9)} 2l8 8-8 8z'/>"
        f"</svg><span class='sr-only'>Share on {name}</span></a></li>"
        for name in ("x", "facebook", "linkedin", "telegram", "reddit", "email")
    )
    return f"<ul class='share-buttons'>{icons}</ul>"


def _ad_slot(rng: random.Random, where: str) -> str:
    return (
        f"<div class='ad-container ad-container--{where}'><div class='ad-label'><span>Advertisement"
        f"</span></div><div class='ad-slot' id='div-gpt-ad-{rng.randrange(10**13)}' data-sizes='300x250'>"
        "<div class='ad-placeholder'><span class='spinner'></span></div></div></div>"
    )


def _figure(rng: random.Random) -> str:
    return (
        f"<figure class='wp-block-image'><img src='/media/{rng.randrange(16**10):010x}.jpg' "
        "width='1200' height='675' alt='An illustration of coins and a city skyline' loading='lazy'>"
        "<figcaption>Illustration: the outlet's graphics desk</figcaption></figure>"
    )


def _inline_related(outlet: Outlet, stories: list[Story]) -> str:
    links = "".join(
        f"<li><a href='{outlet.page_url(story)}'>{html.escape(story.title)}</a></li>" for story in stories
    )
    return f"<aside class='inline-related'><h4>Read more</h4><ul>{links}</ul></aside>"


def _newsletter(where: str) -> str:
    return (
        f"<div class='newsletter newsletter--{where}'><h3>The policy brief</h3><p>What regulators did "
        "this week, in your inbox every Friday.</p><form action='/newsletter' method='post'><input "
        "type='email' name='email' placeholder='you@example.org'><button>Sign up</button></form></div>"
    )


def _tag_links(rng: random.Random) -> str:
    words = ["Regulation", "Stablecoins", "Exchanges", "CBDC", "Bitcoin", "Tax", "Asia", "DeFi"]
    return "".join(f"<li><a href='/tag/{w.lower()}' rel='tag'>{w}</a></li>" for w in rng.sample(words, 5))


def _card(outlet: Outlet, story: Story, rng: random.Random) -> str:
    return (
        f"<div class='c-card'><a class='c-card__image' href='{outlet.page_url(story)}'><img src='/media/"
        f"{rng.randrange(16**10):010x}-400x225.jpg' width='400' height='225' alt='' loading='lazy'></a>"
        f"<div class='c-card__body'><span class='c-card__section'>{story.section}</span>"
        f"<h3 class='c-card__title'><a href='{outlet.page_url(story)}'>{html.escape(story.title)}</a></h3>"
        f"<p class='c-card__excerpt'>{html.escape(story.summary)}</p>"
        f"<span class='c-card__meta'>{html.escape(story.author)} · {story.published:%d %b}</span></div></div>"
    )


def _related(outlet: Outlet, stories: list[Story]) -> str:
    rng = random.Random(len(stories))
    cards = "".join(_card(outlet, story, rng) for story in stories)
    return (
        f"<section class='related-posts'><h2>Related stories</h2><div class='c-grid'>{cards}</div></section>"
    )


def _comments(rng: random.Random) -> str:
    comments = "".join(
        f"<li class='comment' id='comment-{rng.randrange(10**6)}'><div class='comment-author'>"
        f"<img class='avatar' src='/avatar/{n}.png' width='32' height='32' alt=''>"
        f"<b>{rng.choice(FIRST_NAMES).split()[0].lower()}{rng.randint(1, 999)}</b> "
        f"<time>{rng.randint(1, 23)} hours ago</time></div><div class='comment-content'>"
        f"<p>{rng.choice(COMMENTS)}</p></div><div class='comment-actions'><a class='reply' href='#respond'>"
        f"Reply</a><button class='like'><svg width='14' height='14'><path d='M1 1h12v12z'/></svg>"
        f"<span>{rng.randint(0, 80)}</span></button></div><ol class='children'><li class='comment'>"
        f"<div class='comment-author'><b>{rng.choice(LAST_NAMES).lower()}</b></div><div "
        f"class='comment-content'><p>{rng.choice(COMMENTS)}</p></div></li></ol></li>"
        for n in range(rng.randint(4, 9))
    )
    return (
        f"<section id='comments' class='comments-area'><h2>Comments</h2><ol class='comment-list'>"
        f"{comments}</ol><div id='respond'><textarea name='comment'></textarea></div></section>"
    )


def _sidebar(outlet: Outlet, stories: list[Story], rng: random.Random) -> str:
    def listing(title: str, chosen: list[Story]) -> str:
        links = "".join(
            f"<li class='widget__item'><div class='widget__thumb'><a href='{outlet.page_url(story)}'><img "
            f"src='/media/{story.slug}-120x80.jpg' width='120' height='80' alt=''></a></div><div "
            f"class='widget__text'><span class='rank'>{n + 1}</span><a href='{outlet.page_url(story)}'>"
            f"{html.escape(story.title)}</a><div class='widget__meta'><span class='widget__section'>"
            f"{story.section}</span><time>{story.published:%d %b}</time></div></div></li>"
            for n, story in enumerate(chosen)
        )
        return f"<section class='widget'><h3 class='widget-title'>{title}</h3><ol>{links}</ol></section>"

    count = min(7, len(stories))
    ads = "".join(
        f"<div class='ad-slot' id='div-gpt-ad-{rng.randrange(10**13)}' data-sizes='300x250'></div>"
        for _ in range(3)
    )
    return (
        f"<aside id='secondary' class='widget-area col-4'>{ads[: len(ads) // 3]}"
        f"{listing('Most read', rng.sample(stories, count))}{ads[len(ads) // 3 :]}"
        f"{listing('Latest', stories[:count])}{_newsletter('sidebar')}"
        f"{listing('Editor’s picks', rng.sample(stories, count // 2))}</aside>"
    )


def _footer(outlet: Outlet, rng: random.Random) -> str:
    columns = "".join(
        f"<div class='footer-col'><h4>{heading}</h4><ul>"
        + "".join(
            f"<li class='footer-item'><a href='/{heading.lower()}/{n}'><span>{heading} link {n}</span>"
            "</a></li>"
            for n in range(10)
        )
        + "</ul></div>"
        for heading in ("About", "Sections", "Data", "Events", "Legal")
    )
    social = "".join(
        f"<a class='social social--{name}' href='https://social.example/{name}'><svg width='24' "
        f"height='24'><circle cx='12' cy='12' r='{rng.randint(8, 11)}'/></svg></a>"
        for name in ("x", "youtube", "linkedin", "telegram", "rss")
    )
    return (
        f"<footer id='colophon' class='site-footer'><div class='container'>{columns}"
        f"<div class='social-links'>{social}</div><p class='copyright'>© 2026 "
        f"{html.escape(outlet.name)}. All rights reserved. Nothing here is investment advice.</p>"
        "<div class='cookie-banner' role='dialog'><p>We use cookies to measure our audience.</p>"
        "<button>Accept</button><button>Settings</button></div></div></footer>"
    )


def _tail_scripts(rng: random.Random) -> str:
    blocks = "".join(
        f"<script async src='https://cdn.example/{name}.{rng.randrange(16**8):08x}.js'></script>"
        for name in ("vendor", "app", "ads", "consent", "comments", "analytics")
    )
    inline = "\n".join(
        f"  document.querySelectorAll('.c-card__link--{n}').forEach(function (el) {{ el.addEventListener("
        f"'click', function () {{ window.dataLayer.push({{event: 'card_{n}', pos: {rng.randint(1, 40)}}}); "
        "}); });"
        for n in range(16)
    )
    return f"{blocks}<script>\n{inline}\n</script>"


# -- the server --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resource:
    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


@dataclass
class Tally:
    """Requests answered, by kind and status ("feed 304", "page 200"), and connections accepted,
    for every host together."""

    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: str) -> None:
        with self.lock:
            self.counts[key] += 1

    def take(self) -> Counter[str]:
        with self.lock:
            counts, self.counts = self.counts, Counter()
        return counts


class _Outlet:
    """What one outlet's address answers: its resources, each with its response bytes made once."""

    def __init__(self, latency: float, tally: Tally) -> None:
        self.latency = latency
        self.tally = tally
        self.resources: dict[str, Resource] = {}
        self._ready: dict[tuple[str, int], bytes] = {}

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """HTTP/1.1 with keep-alive, GET only: all the client here sends."""
        self.tally.add("connections")
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line, *fields = head.decode("latin-1").split("\r\n")
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (f.partition(":") for f in fields)
                }
                await asyncio.sleep(self.latency)  # the round trip an outlet across the world costs
                writer.write(self._answer(line.split(" ")[1].split("?", 1)[0], headers))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    def _answer(self, path: str, headers: dict[str, str]) -> bytes:
        kind = "feed" if path == "/feed.xml" else "page"
        resource = self.resources.get(path)
        if resource is None:
            self.tally.add(f"{kind} 404")
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"
        status = 304 if _unchanged(resource, headers) else 200
        self.tally.add(f"{kind} {status}")
        if (path, status) not in self._ready:
            self._ready[path, status] = _response(resource, status)
        return self._ready[path, status]


def _unchanged(resource: Resource, headers: dict[str, str]) -> bool:
    if (tags := headers.get("if-none-match")) is not None:
        return resource.etag in (tag.strip() for tag in tags.split(","))
    if (since := headers.get("if-modified-since")) is not None:
        try:
            return resource.last_modified.replace(microsecond=0) <= email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _response(resource: Resource, status: int) -> bytes:
    lines = [
        "HTTP/1.1 200 OK" if status == 200 else "HTTP/1.1 304 Not Modified",
        f"ETag: {resource.etag}",
        f"Last-Modified: {email.utils.format_datetime(resource.last_modified, usegmt=True)}",
        "Cache-Control: max-age=300",
    ]
    if status == 200:
        lines += [f"Content-Type: {resource.content_type}", f"Content-Length: {len(resource.body)}"]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + resource.body if status == 200 else head


class World:
    """Outlets with their feeds and pages, served on one loopback address per outlet.

    One asyncio loop in one thread answers every address, with responses made in advance: the
    server shares the machine's cores with the tool it measures, so it must cost as little as
    it can (a thread-per-connection http.server took a tenth of the cold run's CPU)."""

    def __init__(self, outlets: list[Outlet], latency: float) -> None:
        self.tally = Tally()
        self._sockets = [socket.create_server((outlet.host, 0), backlog=128) for outlet in outlets]
        self._served = [_Outlet(latency, self.tally) for _ in outlets]
        self.outlets = [
            Outlet(outlet.name, outlet.host, outlet.stories, sock.getsockname()[1])
            for outlet, sock in zip(outlets, self._sockets, strict=True)
        ]
        rng = random.Random(7)
        self.pages: list[tuple[str, bytes]] = []  # (URL, HTML) of every article page
        for outlet, served in zip(self.outlets, self._served, strict=True):
            feed = feed_document(outlet)
            served.resources["/feed.xml"] = Resource(
                feed, "application/rss+xml; charset=utf-8", _etag(feed), outlet.stories[0].published
            )
            for story in outlet.stories:
                page = page_document(outlet, story, rng)
                path = f"/news/{story.slug}.html"
                served.resources[path] = Resource(
                    page, "text/html; charset=utf-8", _etag(page), story.published
                )
                self.pages.append((outlet.page_url(story), page))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> World:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result()
        return self

    async def _start(self) -> None:
        for sock, served in zip(self._sockets, self._served, strict=True):
            await asyncio.start_server(served.serve, sock=sock)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        for sock in self._sockets:
            sock.close()

    def withdraw(self, outlet: Outlet, story: Story) -> None:
        """Stop serving a story's page: its link then answers 404, as a dead link does."""
        self._served[self.outlets.index(outlet)].resources.pop(f"/news/{story.slug}.html", None)

    def feeds_file(self, extra: str = "") -> str:
        """A feeds file (TOML) listing every outlet's feed."""
        entries = "".join(
            f'\n[[feeds]]\nname = "{outlet.name}"\nurl = "{outlet.feed_url()}"\n' for outlet in self.outlets
        )
        return f"{extra}{entries}"


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
