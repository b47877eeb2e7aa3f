"""The definitions every stage shares: a web URL, one address, a moment and a megabyte written
once, an aligned table, a line break. Literal values in, literal values out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from digest.plaintext import has_line_break, table
from digest.units import MB, iso_utc, megabytes
from digest.urls import is_web_link, is_web_url, same_address


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("HTTPS://WWW.CoinDesk.com/arc/rss", "https://www.coindesk.com/arc/rss/"),
        ("https://wire.example:443/rss", "https://wire.example/rss"),
        ("http://[::1]:8080/feed", "HTTP://[::1]:8080/feed/"),
        ("https://bücher.example/rss", "https://xn--bcher-kva.example/rss"),
        ("https://wire.example/rss#top", "https://wire.example/rss"),
        ("https://wire.example", "https://wire.example/"),
    ],
)
def test_one_address_spelled_two_ways_has_one_key(one: str, other: str) -> None:
    assert same_address(one) == same_address(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("http://wire.example/rss", "https://wire.example/rss"),
        ("http://[::1]:8080/feed", "http://[::1]:8081/feed"),
        ("https://wire.example/rss?edition=asia", "https://wire.example/rss?edition=europe"),
        ("https://Reader:Secret@wire.example/rss", "https://reader:secret@wire.example/rss"),
    ],
)
def test_different_addresses_have_different_keys(one: str, other: str) -> None:
    assert same_address(one) != same_address(other)


def test_a_web_url_is_checked_strictly_and_a_stored_link_by_its_start() -> None:
    assert is_web_url("https://wire.example/rss")
    assert not is_web_url("ftp://wire.example/rss")
    assert not is_web_url("https://wire.example:99999/rss")
    assert not is_web_url("https://wire.example/a b")
    # Stored URLs are canonical already, or the made-up key of an entry without a link.
    assert is_web_link("https://wire.example/a b")
    assert not is_web_link("urn:digest:0123456789abcdef01234567")


def test_a_moment_is_written_to_the_second_in_utc() -> None:
    moment = datetime(2026, 11, 26, 20, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=8)))

    assert iso_utc(moment) == "2026-11-26T12:30:15+00:00"
    assert iso_utc(moment.astimezone(UTC)) == iso_utc(moment)


def test_a_megabyte_is_two_to_the_twentieth_bytes() -> None:
    assert MB == 1_048_576
    assert [megabytes(20 * MB), megabytes(10 * MB), megabytes(1_300_000), megabytes(0)] == [
        "20 MB",
        "10 MB",
        "1.2 MB",
        "0 MB",
    ]


def test_a_table_aligns_by_terminal_columns_and_caps_a_column_when_asked() -> None:
    rows = [("feed", "items"), ("链闻", "3"), ("Policy Wire", "12")]

    assert table(rows) == ["feed         items", "链闻         3", "Policy Wire  12"]
    assert table(rows, widest=(6,)) == ["feed    items", "链闻    3", "Polic…  12"]


@pytest.mark.parametrize("text", ["a\nb", "a\rb", "a\x00b", "a\x0bb", "a\x85b", "a\u2028b", "a\u2029b"])
def test_every_line_break_some_tool_splits_on_counts(text: str) -> None:
    assert has_line_break(text)


def test_a_one_line_value_has_no_line_break() -> None:
    assert not has_line_break("Crypto policy digest #4 — 12 Nov 2026 – 25 Nov 2026\tweekly")
