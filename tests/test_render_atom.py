"""`--format atom`: a valid Atom 1.0 document, one entry per story, its tags as categories and
its regions named in the summary, read back by feedparser as any feed reader would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import feedparser
from conftest import WINDOW, FixtureServer, fetched, invoke
from lxml import etree

from digest.models import Digest, Item, Region, Tags, Window
from digest.render import atom

HONG_KONG = Region("HK", "Hong Kong")


def item(number: int, title: str, **changes: object) -> Item:
    values: dict[str, object] = {
        "id": f"item-{number}",
        "url": f"https://news.example/{number}",
        "title": title,
        "summary": f"Summary {number}.",
        "text": "",
        "feed": "Ledger Wire",
        "published": datetime(2026, 11, number, 9, tzinfo=UTC),
        "extracted": True,
        "tags": Tags(topics=("regulation",), regions=(HONG_KONG,), primary_region="HK"),
    }
    values.update(changes)
    return Item(**values)  # type: ignore[arg-type]


def digest(*items: Item, title: str = "Crypto policy digest") -> Digest:
    return Digest(
        title=title,
        window=Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 15, tzinfo=UTC)),
        generated_at=datetime(2026, 11, 15, 6, tzinfo=UTC),
        items=items,
        feeds=(),
    )


def parsed(document: str) -> feedparser.FeedParserDict:
    etree.fromstring(document.encode("utf-8"))  # well-formed XML, or this raises
    feed = feedparser.parse(document)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_one_entry_per_story_newest_first_with_its_link_and_dates() -> None:
    feed = parsed(
        atom.render(digest(item(3, "SFC licenses a fourth platform"), item(7, "HKMA stablecoin rules")))
    )
    assert feed.feed.title == "Crypto policy digest"
    assert [entry.title for entry in feed.entries] == [
        "HKMA stablecoin rules",
        "SFC licenses a fourth platform",
    ]
    first = feed.entries[0]
    assert first.link == "https://news.example/7"
    assert first.published == "2026-11-07T09:00:00+00:00"
    assert first.author == "Ledger Wire"


def test_tags_are_categories_and_regions_are_named_in_the_summary() -> None:
    story = item(
        4,
        "Hainan and Shenzhen zones",
        tags=Tags(
            topics=("industrial-policy", "regulation"),
            regions=(Region("CN-HI", "Hainan"), Region("CN-GD-shenzhen", "Shenzhen")),
        ),
    )
    [entry] = parsed(atom.render(digest(story))).entries
    terms = {(tag.term, tag.scheme) for tag in entry.tags}
    assert terms == {
        ("industrial-policy", atom.TOPICS),
        ("regulation", atom.TOPICS),
        ("CN-HI", atom.REGIONS),
        ("CN-GD-shenzhen", atom.REGIONS),
    }
    assert entry.summary == "Summary 4.\n\nRegions: Hainan, Shenzhen"


def test_ids_are_stable_across_issues() -> None:
    one = parsed(atom.render(digest(item(3, "A"), title="Crypto policy digest · issue 4")))
    two = parsed(atom.render(digest(item(3, "A"), title="Crypto policy digest · issue 5")))
    assert one.feed.id == two.feed.id
    assert one.entries[0].id == two.entries[0].id


def test_hostile_text_stays_text() -> None:
    hostile = item(
        5,
        '<script>alert(1)</script> & "quotes" \x1b[31mred\x07 \ufffe',
        summary="<b>bold</b> ]]> end",
        url="javascript:alert(1)",
    )
    document = atom.render(digest(hostile))
    [entry] = parsed(document).entries
    assert "<script>" not in document and "\x1b" not in document and "\ufffe" not in document
    assert entry.title == '<script>alert(1)</script> & "quotes" red'  # the escape sequence is gone whole
    assert not entry.get("links")  # only web links become links
    assert entry.summary.startswith("<b>bold</b> ]]> end")


def test_an_empty_window_is_a_valid_feed() -> None:
    feed = parsed(atom.render(digest()))
    assert feed.entries == []


def test_show_format_atom_is_a_feed_of_the_stored_stories(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = fetched(server, tmp_path, env)
    shown = invoke(["show", "--feeds", str(feeds), "--format", "atom", *WINDOW], env)
    assert shown.exit_code == 0, shown.output
    assert len(parsed(shown.stdout).entries) == 4
