"""Retention: old items and their text go, the space comes back, the store reports its size."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import invoke, write_feeds

from digest.models import Feed, Item, Sighting, Window, item_id
from digest.store import Store

WIRE = Feed("Wire", "https://wire.example/rss")
NOW = datetime.now(UTC)
# Article text of a realistic size, written for this test, so removing it shows on disk.
BODY = " ".join(
    f"The finance ministry published note {n} on the licensing of token exchanges." for n in range(60)
)


def story(number: int, age_days: int) -> Item:
    url = f"https://wire.example/story/{number}"
    return Item(
        id=item_id(url),
        url=url,
        title=f"Story {number}",
        summary="A summary.",
        text=f"{BODY} {number}",
        feed=WIRE.name,
        published=NOW - timedelta(days=age_days),
        extracted=True,
    )


def stored(path: Path, ages: dict[int, int], seen_days_ago: dict[int, int]) -> None:
    """Items by number and age; `seen_days_ago` says when each was first stored."""
    items = [story(number, age) for number, age in ages.items()]
    with Store.open(path) as store:
        store.save(items, [Sighting(item.url, WIRE.url, WIRE.name, None, NOW) for item in items])
    with sqlite3.connect(path) as db:  # as if each had been fetched that long ago
        db.executemany(
            "UPDATE items SET first_seen = ? WHERE url = ?",
            [
                ((NOW - timedelta(days=days)).isoformat(timespec="seconds"), story(number, 0).url)
                for number, days in seen_days_ago.items()
            ],
        )


def stats(env: dict[str, str]) -> dict[str, int]:
    done = invoke(["feeds", "--stats", "--format", "json"], env)
    assert done.exit_code == 0, done.output
    figures: dict[str, int] = json.loads(done.stdout)
    return figures


def test_prune_removes_old_items_and_gives_the_space_back(tmp_path: Path, env: dict[str, str]) -> None:
    old = dict.fromkeys(range(300), 200)
    recent = dict.fromkeys(range(300, 320), 10)
    late = {320: 200}  # an old story a feed brought only last week: kept a full term
    stored(Path(env["DIGEST_DB"]), old | recent | late, {**old, **recent, 320: 7})
    before = stats(env)

    done = invoke(["prune", "--older-than", "180d"], env)

    assert done.exit_code == 0, done.output
    assert "removed 300 items older than 180 days" in done.stderr
    after = stats(env)
    assert (before["items"], after["items"]) == (321, 21)
    assert after["bytes"] < before["bytes"] / 3
    assert 0 < after["bytes_per_item"] < before["bytes"]
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        assert db.execute("SELECT count(*) FROM item_feeds").fetchone() == (21,)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_keep_days_in_the_feeds_file_is_the_default_age(tmp_path: Path, env: dict[str, str]) -> None:
    stored(Path(env["DIGEST_DB"]), {1: 40, 2: 5}, {1: 40, 2: 5})
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": WIRE.url}, settings="keep_days = 30")

    assert invoke(["prune", "-q", "--feeds", str(feeds)], env).exit_code == 0

    assert stats(env)["items"] == 1


@pytest.mark.parametrize("age", ["soon", "0d", "-3", "12x", "²"])
def test_a_bad_age_is_a_usage_error(age: str, tmp_path: Path, env: dict[str, str]) -> None:
    stored(Path(env["DIGEST_DB"]), {1: 40}, {1: 40})

    assert invoke(["prune", "--older-than", age], env).exit_code == 2
    assert stats(env)["items"] == 1


def test_without_an_age_or_keep_days_prune_asks_for_one(tmp_path: Path, env: dict[str, str]) -> None:
    stored(Path(env["DIGEST_DB"]), {1: 40}, {1: 40})
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": WIRE.url})

    done = invoke(["prune", "--feeds", str(feeds)], env)

    assert done.exit_code == 2
    assert "keep_days" in done.stderr


def test_stats_as_text(tmp_path: Path, env: dict[str, str]) -> None:
    stored(Path(env["DIGEST_DB"]), {1: 3, 2: 4}, {})

    lines = invoke(["feeds", "--stats"], env).stdout.splitlines()

    assert [line.split()[0] for line in lines] == ["store", "size", "items", "issues"]
    assert "bytes per item" in lines[1]
    assert lines[2].split()[1] == "2"


def test_a_pruned_story_that_was_sent_is_not_sent_again(tmp_path: Path, env: dict[str, str]) -> None:
    item = story(1, 200)
    with Store.open(Path(env["DIGEST_DB"])) as store:
        store.save([item])
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        db.execute("UPDATE items SET first_seen = published")
        db.execute(
            "INSERT INTO issues VALUES (1, ?, ?, ?, 'text', 1, '{}')",
            (NOW.isoformat(), NOW.isoformat(), NOW.isoformat()),
        )
        db.execute("INSERT INTO issue_items VALUES (1, ?)", (item.url,))
    assert invoke(["prune", "--older-than", "100d"], env).exit_code == 0

    # The feed brings the story back; it is stored again but stays out of the next issue.
    with Store.open(Path(env["DIGEST_DB"])) as store:
        store.save([dataclasses.replace(item, published=NOW)])
        assert store.items_in(Window(NOW - timedelta(days=1), NOW + timedelta(days=1)), sent=False) == []
