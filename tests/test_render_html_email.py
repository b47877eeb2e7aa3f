"""The HTML email and the MIME message on a literal digest: safe markup, charts, headers."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import EmailMessage

import lxml.html
import pytest
from lxml import etree

from digest.models import (
    Digest,
    FeedResult,
    FeedStatus,
    Glance,
    Item,
    Region,
    Section,
    Story,
    Tags,
    Trend,
    Window,
)
from digest.render import email as email_render
from digest.render import html as html_render

HOSTILE_TITLE = '<script>alert(1)</script> [bold]markup[/] " onmouseover="x \x1b[31mred'
LONG_TITLE = "Parliament debates the stablecoin bill " + "again and " * 500
CHINESE_TITLE = "北京市发布区块链创新发展行动计划，设立专项基金"
POLICY_WIRE = FeedResult("Policy Wire", "https://wire.example/rss", FeedStatus.OK, None, 5)
DEAD_FEED = FeedResult(
    "Dead Feed", "https://dead.example/rss", FeedStatus.ERROR, "gone (HTTP 410)", gone=True
)
MOVED_FEED = FeedResult(
    "Moved Feed", "https://old.example/rss", FeedStatus.OK, moved_to="https://new.example/rss"
)


@pytest.fixture(autouse=True)
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dates print in the reader's time zone; pin it so the expected dates hold anywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def story(number: int, title: str, *, url: str | None = None, region: str = "US", **changes: object) -> Story:
    tags = Tags(topics=("regulation", "cbdc"), regions=(Region(region, region),), primary_region=region)
    item = Item(
        id=f"id{number:04d}",
        url=url or f"https://news.example/{number}",
        title=title,
        summary="A summary.",
        text="Body.",
        feed="Policy Wire",
        published=datetime(2026, 11, 20, 12, tzinfo=UTC),
        extracted=True,
        tags=tags,
    )
    return Story(item=item, line=f"Context for story {number}.", **changes)  # type: ignore[arg-type]


def sample() -> Digest:
    china = Section(
        code="CN",
        name="China",
        stories=(story(1, "China drafts rules for digital asset custody", region="CN"),),
        places=(
            Section(
                code="CN-BJ",
                name="Beijing",
                stories=(
                    story(2, CHINESE_TITLE, region="CN-BJ", also=("Asia Ledger", "链闻")),
                    story(3, "Beijing opens an e-CNY pilot zone", region="CN-BJ"),
                ),
            ),
        ),
    )
    united_states = Section(
        code="US",
        name="United States",
        stories=(story(4, HOSTILE_TITLE, url="javascript:alert(1)"), story(5, LONG_TITLE)),
    )
    other = story(6, "Bitcoin slips as traders trim positions", url="https://markets.example/6")
    return Digest(
        title="Crypto policy digest",
        window=Window(datetime(2026, 11, 12, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC)),
        generated_at=datetime(2026, 11, 26, 7, tzinfo=UTC),
        items=tuple(s.item for s in (*china.stories, *china.places[0].stories, *united_states.stories)),
        feeds=(POLICY_WIRE, DEAD_FEED, MOVED_FEED),
        glance=Glance(stories=6, policy=5, regions=3, feeds=3, failed=1),
        sections=(china, united_states),
        other=(other,),
        region_trends=(Trend("CN", "China", 3, 1), Trend("US", "United States", 2, 0)),
        topic_trends=(Trend("cbdc", "cbdc", 1, 4), Trend("regulation", "regulation", 5, 5)),
        daily=((date(2026, 11, 19), 1), (date(2026, 11, 20), 3), (date(2026, 11, 21), 0)),
        attention=(DEAD_FEED, MOVED_FEED),
    )


@pytest.fixture
def page() -> str:
    return html_render.render(sample())


@pytest.fixture
def document(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def elements(document: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return list(document.iter(etree.Element))  # comments (the Outlook wrapper) have no attributes


def test_html_is_a_self_contained_email_page(page: str, document: lxml.html.HtmlElement) -> None:
    assert page.startswith("<!DOCTYPE html>")
    for tag in ("script", "style", "link", "img", "iframe", "object", "embed", "form"):
        assert not document.xpath(f"//{tag}"), tag
    assert not [name for el in elements(document) for name in el.attrib if name.lower().startswith("on")]
    assert "max-width:680px" in page
    assert "url(" not in page  # no background images or fonts either


def test_only_web_urls_become_links(document: lxml.html.HtmlElement) -> None:
    hrefs = [a.get("href") for a in document.xpath("//a")]
    assert hrefs
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    assert "https://news.example/1" in hrefs
    assert "https://markets.example/6" in hrefs
    assert not any("javascript" in href for href in hrefs)


def test_hostile_titles_are_inert(page: str, document: lxml.html.HtmlElement) -> None:
    assert "\x1b" not in page
    assert "<script>" not in page
    hostile = document.xpath("//p[contains(., 'alert(1)')]")
    assert len(hostile) == 1
    assert not hostile[0].xpath(".//a")  # its javascript: URL stays plain text
    text = hostile[0].text_content()
    assert "<script>alert(1)</script>" in text  # shown as text, not run
    assert "[bold]markup[/]" in text
    assert '" onmouseover="x' in text
    assert text.endswith(" red") and "[31m" not in text  # the whole escape sequence is gone


def test_long_title_is_cut(document: lxml.html.HtmlElement) -> None:
    link = document.xpath("//a[@href='https://news.example/5']")[0]
    assert len(link.text_content()) <= 201
    assert link.text_content().endswith("…")


def test_sections_places_and_stories(document: lxml.html.HtmlElement) -> None:
    headings = [" ".join(h.text_content().split()) for h in document.xpath("//h2")]
    assert headings.index("China (CN)") < headings.index("United States (US)") < headings.index("Trends")
    assert headings[0] == "At a glance"
    assert [" ".join(h.text_content().split()) for h in document.xpath("//h3")] == ["Beijing (CN-BJ)"]
    chinese = document.xpath(f"//a[. = '{CHINESE_TITLE}']")
    assert chinese[0].get("href") == "https://news.example/2"
    meta = " ".join(chinese[0].getparent().getnext().text_content().split())
    assert meta == "Policy Wire · 20 Nov 2026 regulation cbdc · also: Asia Ledger, 链闻"
    assert document.xpath("//p[. = 'Context for story 2.']")


def test_bar_chart_has_a_row_per_region_sized_by_count(document: lxml.html.HtmlElement) -> None:
    chart = document.xpath("//table[@aria-label='Policy stories by region']")[0]
    rows = chart.xpath("./tr | ./tbody/tr")
    assert [row.xpath("./td")[0].text_content() for row in rows] == ["China", "United States"]
    counts = [int(row.xpath(".//td[@width]")[-1].getnext().text_content()) for row in rows]
    widths = [int(row.xpath(".//td[@width]")[-1].get("width")) for row in rows]
    assert counts == [3, 2]
    assert widths[0] > widths[1] > 0


def test_sparkline_has_a_column_per_day(page: str, document: lxml.html.HtmlElement) -> None:
    chart = document.xpath("//table[@aria-label='Policy stories per day']")[0]
    columns = chart.xpath("./tr/td | ./tbody/tr/td")
    assert [column.get("title") for column in columns] == ["19 Nov: 1", "20 Nov: 3", "21 Nov: 0"]
    heights = [int(column.xpath(".//td")[0].get("height")) for column in columns]
    assert heights[1] > heights[0] > heights[2] > 0
    assert "most in one day: 3 (20 Nov) · total: 4" in page


def test_trends_other_headlines_and_feeds_needing_attention(document: lxml.html.HtmlElement) -> None:
    text = " ".join(document.text_content().split())
    assert "China 3 1 ▲ up" in text
    assert "United States 2 0 ▲ new" in text
    assert "cbdc 1 4 ▼ down" in text
    assert "regulation 5 5 = same" in text
    assert "Bitcoin slips as traders trim positions — Policy Wire" in text
    assert "Dead Feed: gone (HTTP 410): the publisher removed it" in text
    assert "Moved Feed: moved permanently to https://new.example/rss" in text


def test_empty_digest_renders() -> None:
    empty = Digest(
        title="Crypto policy digest",
        window=Window(datetime(2026, 11, 12, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC)),
        generated_at=datetime(2026, 11, 26, tzinfo=UTC),
        items=(),
        feeds=(),
    )
    page = html_render.render(empty)
    assert "No policy stories in this window." in page
    assert "aria-label" not in page  # no charts without data


def message(**changes: object) -> EmailMessage:
    digest = sample()
    values: dict[str, object] = {
        "text": "Crypto policy digest\n北京 — plain text\n",
        "html": html_render.render(digest),
        "sender": "Digest <digest@policy.example>",
        "to": "reader@example.org",
        "now": datetime(2026, 11, 26, 8, tzinfo=UTC),
    }
    values.update(changes)
    raw = email_render.render(digest, **values)  # type: ignore[arg-type]
    assert "\r" not in raw
    parsed = email.message_from_string(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_email_is_multipart_alternative_in_utf8() -> None:
    parsed = message()
    assert parsed.get_content_type() == "multipart/alternative"
    plain, html = parsed.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    assert "MIME-Version" not in plain
    assert "MIME-Version" not in html
    assert plain.get_content() == "Crypto policy digest\n北京 — plain text\n"
    assert CHINESE_TITLE in html.get_content()


def test_email_headers() -> None:
    parsed = message()
    assert parsed["MIME-Version"] == "1.0"
    assert parsed["Subject"] == "Crypto policy digest — 12 Nov 2026 – 25 Nov 2026"
    assert parsed["Date"].datetime == datetime(2026, 11, 26, 8, tzinfo=UTC)
    assert parsed["Message-ID"].endswith("@policy.example>")
    assert parsed["From"].addresses[0].addr_spec == "digest@policy.example"
    assert parsed["To"] == "reader@example.org"


def test_email_without_sender_or_recipient() -> None:
    parsed = message(sender=None, to=None, subject="Weekly", now=None)
    assert "From" not in parsed
    assert "To" not in parsed
    assert parsed["Subject"] == "Weekly"
    assert parsed["Date"].datetime == datetime(2026, 11, 26, 7, tzinfo=UTC)
    assert parsed["Message-ID"].endswith("@digest.local>")


@pytest.mark.parametrize(
    "changes",
    [
        {"sender": "a@b.c\nBcc: x@y.z"},
        {"to": "a@b.c\r\nBcc: x@y.z"},
        {"subject": "Digest\nBcc: x@y.z"},
    ],
)
def test_email_rejects_header_injection(changes: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="one line"):
        message(**changes)


@pytest.mark.parametrize(
    "text",
    [
        "Crypto policy digest\n.\nthe rest of the digest\n",
        ".\n" + "." * 80 + "\n." + "é" * 40 + "\n",
        "." + "x" * 74 + "\n" + "." + "=" * 30 + "\n",
    ],
)
def test_no_line_of_the_email_is_a_lone_dot(text: str) -> None:
    # `sendmail -t` without `-i` ends the message at a line holding only a dot.
    html = f"<html><body><pre>\n{text}</pre></body></html>\n"
    raw = email_render.render(sample(), text=text, html=html, sender=None, to=None)

    assert "." not in raw.splitlines()
    assert all(len(line) <= 78 for line in raw.splitlines())
    parsed = email.message_from_string(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    plain, markup = parsed.iter_parts()
    assert plain.get_content() == text and markup.get_content() == html  # type: ignore[attr-defined]


def test_a_regions_other_stories_and_the_regions_with_other_news_only() -> None:
    listed = (
        story(7, "Shenzhen exchange opens a desk", region="CN-GD-shenzhen", place="Shenzhen"),
        story(8, HOSTILE_TITLE, url="javascript:alert(2)", place=HOSTILE_TITLE),
    )
    china = Section(
        "CN", "China", (story(1, "China drafts custody rules", region="CN"),), others=listed, more_others=3
    )
    japan = Section("JP", "Japan", (), others=(story(9, "Tokyo exchange halts withdrawals", place="Tokyo"),))
    peru = Section("PE", "Peru", (), more_others=2)
    digest = dataclasses.replace(sample(), sections=(china,), other_regions=(japan, peru))

    page = html_render.render(digest)
    document = lxml.html.document_fromstring(page)

    assert [" ".join(h.text_content().split()) for h in document.xpath("//h3")] == [
        "Also from China",
        "Japan (JP)",
    ]
    assert "Other news by region" in [h.text_content() for h in document.xpath("//h2")]
    text = " ".join(document.text_content().split())
    assert "Shenzhen: Shenzhen exchange opens a desk — Policy Wire" in text
    assert "and 3 more" in text and "More regions: Peru (2)" in text
    assert "Tokyo: Tokyo exchange halts withdrawals" in text
    assert document.xpath("//a[@href='https://news.example/7']")
    assert "<script>" not in page and "javascript:" not in " ".join(
        a.get("href") for a in document.xpath("//a")
    )
