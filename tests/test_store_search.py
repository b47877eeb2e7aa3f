"""Full-text search in the store: FTS5 over titles, summaries and article text, Chinese found
inside a sentence in either script, ranked, kept in step on insert, refresh and prune, and an
older store indexed when it is upgraded."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.errors import QueryError
from digest.models import Item, Window, item_id
from digest.store import MIGRATIONS, Store
from digest.store.search import query

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ALL = Window(NOW - timedelta(days=30), NOW)


def story(number: int, title: str, text: str = "", summary: str = "", days_ago: int = 1) -> Item:
    url = f"https://news.example/{number}"
    return Item(
        id=item_id(url),
        url=url,
        title=title,
        summary=summary,
        text=text,
        feed="Wire",
        published=NOW - timedelta(days=days_ago),
        extracted=True,
    )


STORIES = [
    story(1, "Hong Kong licenses a fourth crypto platform", "The SFC granted the licence on Monday."),
    story(2, "央行扩大数字人民币试点", "中国人民银行宣布在更多城市推进数字人民币试点工作。"),
    story(3, "香港證監會發出新牌照", "證監會表示，監管框架將進一步完善。"),
    story(
        4,
        "Market wrap: bitcoin slips",
        "Traders watched the Fed.",
        summary="Stablecoin licenses were not in focus.",
    ),
    story(5, "Stablecoin licensing rules in Dubai", "VARA set out licensing rules for stablecoin issuers."),
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "store.sqlite3")
    opened.save(STORIES)
    return opened


def titles(store: Store, text: str, window: Window = ALL) -> list[str]:
    return [item.title for item, _ in store.matches(query(text), window)]


def test_english_words_are_found_stemmed_and_the_title_weighs_most(store: Store) -> None:
    assert titles(store, "licensing") == [
        "Stablecoin licensing rules in Dubai",
        "Hong Kong licenses a fourth crypto platform",
        "Market wrap: bitcoin slips",
    ]


def test_a_chinese_word_is_found_inside_a_sentence(store: Store) -> None:
    assert titles(store, "数字人民币") == ["央行扩大数字人民币试点"]
    assert titles(store, "试点") == ["央行扩大数字人民币试点"]  # two characters, too


def test_simplified_finds_traditional_and_back(store: Store) -> None:
    assert titles(store, "证监会") == ["香港證監會發出新牌照"]
    assert titles(store, "監管") == ["香港證監會發出新牌照"]
    assert titles(store, "人民銀行") == ["央行扩大数字人民币试点"]


def test_phrases_operators_and_prefixes(store: Store) -> None:
    assert titles(store, '"Hong Kong" licence') == ["Hong Kong licenses a fourth crypto platform"]
    assert titles(store, "Dubai OR 牌照") == ["Stablecoin licensing rules in Dubai", "香港證監會發出新牌照"]
    assert titles(store, "stable*") == ["Stablecoin licensing rules in Dubai", "Market wrap: bitcoin slips"]
    assert titles(store, "stablecoin NOT Dubai") == ["Market wrap: bitcoin slips"]


def test_fts_syntax_inside_words_is_only_text(store: Store) -> None:
    assert titles(store, "SFC:granted") == ["Hong Kong licenses a fourth crypto platform"]
    assert titles(store, "(NEAR") == []


def test_the_window_limits_the_matches(store: Store) -> None:
    store.save([story(6, "Old Dubai licensing story", days_ago=40)])
    assert "Old Dubai licensing story" in titles(store, "Dubai", Window(NOW - timedelta(days=60), NOW))
    assert titles(store, "Dubai") == ["Stablecoin licensing rules in Dubai"]


@pytest.mark.parametrize("bad", ['"unclosed', "!!! ...", "OR", "Dubai AND"])
def test_a_query_it_cannot_read_is_one_sentence(store: Store, bad: str) -> None:
    with pytest.raises(QueryError) as caught:
        store.matches(query(bad), ALL)
    assert "\n" not in str(caught.value)


def test_snippets_come_from_the_whole_text(store: Store) -> None:
    long_text = (
        "Preamble. " * 60
        + "Then the regulator approved the tokenised bond pilot in Abu Dhabi."
        + " Tail." * 60
    )
    store.save([story(7, "A long one", long_text)])
    wanted = query("tokenised bond")
    [(item, _)] = store.matches(wanted, ALL)
    [snippet] = store.snippets([item], wanted)
    assert "tokenised bond pilot in Abu Dhabi" in snippet
    assert snippet.startswith("…") and len(snippet) <= 170


def test_the_index_follows_refresh_and_prune(store: Store) -> None:
    first = STORIES[0]
    refreshed = Item(
        **{**{f: getattr(first, f) for f in first.__slots__}, "text": "Now about Macau casinos."}
    )  # type: ignore[attr-defined]
    store.save(refreshed=[refreshed])
    assert titles(store, "Macau") == [first.title]
    assert titles(store, "granted") == []
    store.prune(datetime.now(UTC) + timedelta(days=1))  # every story, however new
    store.save([story(8, "Macau again")])
    assert titles(store, "Macau") == ["Macau again"]


def test_an_older_store_is_indexed_when_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        for number, script in enumerate(MIGRATIONS[:4], start=1):
            old.executescript(f"{script}; PRAGMA user_version = {number};")
        old.execute(
            "INSERT INTO items (uid, url, title, summary, text, published, first_seen, extracted) "
            "VALUES ('u1', 'https://old.example/1', '海南自贸港发布新规', '', '', ?, ?, 1)",
            ((NOW - timedelta(days=1)).isoformat(), NOW.isoformat()),
        )
    old.close()
    with Store.open(path) as store:
        assert titles(store, "自贸港") == ["海南自贸港发布新规"]
