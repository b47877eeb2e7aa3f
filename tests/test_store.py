"""The SQLite store: migrations, idempotent writes, one row per story, window queries."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.errors import StoreError
from digest.models import Feed, FeedCheck, FeedResult, FeedStatus, Item, Sighting, Validators, Window, item_id
from digest.store import MIGRATIONS, Store

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
WIRE = Feed("Wire", "https://wire.example/rss")
LEDGER = Feed("Ledger", "https://ledger.example/atom")


def story(url: str, published: datetime = NOW, feed: Feed = WIRE) -> Item:
    return Item(
        id=item_id(url),
        url=url,
        title=f"Story at {url}",
        summary="A summary.",
        text="Body text.",
        feed=feed.name,
        published=published,
        extracted=True,
    )


def checked(
    feed: Feed, status: FeedStatus = FeedStatus.OK, validators: Validators | None = None
) -> FeedCheck:
    return FeedCheck(feed, FeedResult(feed.name, feed.url, status, None, 1), NOW, validators)


def test_a_new_store_is_in_wal_mode_at_the_latest_schema(tmp_path: Path) -> None:
    with Store.open(tmp_path / "deep" / "store.sqlite3") as store:
        store.save(checks=[checked(WIRE)])

    with sqlite3.connect(tmp_path / "deep" / "store.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)


def test_saving_the_same_story_twice_keeps_one_row_and_every_feed(tmp_path: Path) -> None:
    url = "https://x.example/a"
    with Store.open(tmp_path / "s.sqlite3") as store:
        store.save([story(url)], [Sighting(url, WIRE.url, WIRE.name, "g1", NOW)], [checked(WIRE)])
        store.save(
            [story(url, feed=LEDGER)],
            [Sighting(url, LEDGER.url, LEDGER.name, "other-guid", NOW + timedelta(minutes=1))],
            [checked(LEDGER)],
        )
        store.save([story(url)], [Sighting(url, WIRE.url, WIRE.name, "g1", NOW)])

        [item] = store.items_in(Window(NOW - timedelta(days=1), NOW + timedelta(days=1)))

    assert item.feeds == ("Wire", "Ledger")
    assert item.feed == "Wire"


def test_validators_are_kept_per_feed(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite3") as store:
        store.save(checks=[checked(WIRE, validators=Validators('"e1"', "Tue, 24 Nov 2026 10:00:00 GMT"))])
        store.save(checks=[checked(WIRE, FeedStatus.ERROR)])  # a failure keeps the validators

        assert store.validators(WIRE.url) == Validators('"e1"', "Tue, 24 Nov 2026 10:00:00 GMT")
        assert store.validators(LEDGER.url) == Validators()


def test_known_urls_and_the_window(tmp_path: Path) -> None:
    old, new = "https://x.example/old", "https://x.example/new"
    with Store.open(tmp_path / "s.sqlite3") as store:
        store.save([story(old, NOW - timedelta(days=20)), story(new, NOW - timedelta(days=1))])

        assert store.known_urls([old, new, "https://x.example/other"]) == {old, new}
        in_window = store.items_in(Window(NOW - timedelta(days=14), NOW))
        assert [item.url for item in in_window] == [new]


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)

    with pytest.raises(StoreError, match="the store is damaged"):
        Store.open(path)
    assert path.read_bytes() == b"this is not sqlite" * 100


def test_a_store_from_a_newer_digest_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")

    with pytest.raises(StoreError, match="newer digest"):
        Store.open(path)
