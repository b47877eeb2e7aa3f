"""Tags through the command line: stored by fetch, filtered by show, explained, re-tagged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, run_digest, write_feeds

from digest.store import MIGRATIONS, Store


@pytest.fixture
def fetched(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> Path:
    """The fixture newsroom fetched once: Beijing, Hainan, Dubai, Wyoming, Singapore, Korea
    policy stories and two ordinary ones."""
    server.add_fixture_articles()
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Policy Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml"),
            "Asia Ledger": server.add_fixture_feed("/atom.xml", "atom.xml"),
            "Chain Dispatch": server.add_fixture_feed("/rdf.xml", "rdf.xml"),
        },
    )
    assert (
        invoke(
            ["fetch", "-q", "--feeds", str(feeds), "-o", str(tmp_path / "first.txt"), *WINDOW], env
        ).exit_code
        == 0
    )
    return feeds


def show(feeds: Path, env: dict[str, str], *options: str) -> list[dict]:
    result = invoke(["show", "--feeds", str(feeds), "--format", "json", *WINDOW, *options], env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["items"]


def by_article(items: list[dict]) -> dict[str, dict]:
    return {item["url"].rsplit("/", 1)[-1]: item for item in items}


def test_fetch_stores_the_tags(fetched: Path, env: dict[str, str]) -> None:
    items = by_article(show(fetched, env))

    assert items["a1.html"]["primary_region"] == "CN-BJ"
    assert "industrial-policy" in items["a1.html"]["topics"]
    assert items["a2.html"]["primary_region"] == "CN-HI"
    assert items["a3.html"]["primary_region"] == "AE-DU"
    assert items["a4.html"]["primary_region"] == "US-WY"
    assert items["a5.html"]["primary_region"] == "SG"
    assert items["a6.html"]["primary_region"] == "KR"
    for ordinary in ("a7.html", "a8.html"):
        assert (items[ordinary]["policy"], items[ordinary]["regions"]) == (False, [])


def test_filters_select_by_policy_region_and_topic(fetched: Path, env: dict[str, str]) -> None:
    assert len(show(fetched, env, "--policy-only")) == 6
    assert set(by_article(show(fetched, env, "--region", "CN"))) == {"a1.html", "a2.html"}
    assert set(by_article(show(fetched, env, "--region", "cn-bj"))) == {"a1.html"}
    assert set(by_article(show(fetched, env, "--region", "SG", "--region", "KR"))) == {"a5.html", "a6.html"}
    assert set(by_article(show(fetched, env, "--topic", "legislation"))) >= {"a4.html"}
    assert all("enforcement" in item["topics"] for item in show(fetched, env, "--topic", "enforcement"))


@pytest.mark.parametrize(
    ("typed", "articles"),
    [
        ("china", {"a1.html", "a2.html"}),
        ("北京", {"a1.html"}),
        ("Beijing", {"a1.html"}),
        ("Hong Kong", set()),
        ("ae-du", {"a3.html"}),
        ("wyoming", {"a4.html"}),
        ("CN-GD-Shenzhen", set()),  # a known code plus a city slug: valid, nothing there
    ],
)
def test_region_names_resolve_to_their_codes(
    fetched: Path, env: dict[str, str], typed: str, articles: set[str]
) -> None:
    assert set(by_article(show(fetched, env, "--region", typed))) == articles


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Chian", "the closest known: "),
        ("cn-bx", "CN-BJ (Beijing)"),
        ("Georgia", "could be GE (Georgia) or US-GA"),
        ("zz-qq-" + "x" * 5000, "is not a known region"),
    ],
)
def test_a_region_that_cannot_match_is_a_usage_error(
    fetched: Path, env: dict[str, str], typed: str, said: str
) -> None:
    done = run_digest(["show", "--feeds", str(fetched), "--region", typed, *WINDOW], env)

    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert said in stderr and "Traceback" not in stderr and len(stderr) < 1000
    assert done.stdout == b""


def test_explain_shows_tags_and_evidence(fetched: Path, env: dict[str, str]) -> None:
    beijing = by_article(show(fetched, env))["a1.html"]

    for reference in (beijing["id"], beijing["url"], beijing["title"][:25].lower()):
        result = invoke(["explain", reference], env)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(beijing["title"][:40])
        assert "CN-BJ" in result.stdout and "evidence:" in result.stdout
        assert " in the title: " in result.stdout or " in the summary: " in result.stdout


def test_explain_refuses_unknown_or_ambiguous_items(fetched: Path, env: dict[str, str]) -> None:
    missing = invoke(["explain", "no such story"], env)
    ambiguous = invoke(["explain", "http"], env)  # no title starts so, and no id or URL is "http"

    assert missing.exit_code == 1 and "no stored item matches" in missing.stderr
    assert ambiguous.exit_code == 1


def test_retag_applies_new_regions_without_the_network(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>
    <item><title>Songshan Lake district government unveils a blockchain action plan</title>
    <link>{server.base}/songshan</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>
    <description>The district government of Songshan Lake set up a special fund for blockchain firms.</description>
    </item></channel></rss>"""
    feeds = write_feeds(tmp_path / "feeds.toml", {"Local": server.add("/local.xml", rss)})
    assert (
        invoke(
            ["fetch", "--no-extract", "-q", "--feeds", str(feeds), "-o", str(tmp_path / "out.txt"), *WINDOW],
            env,
        ).exit_code
        == 0
    )
    assert show(feeds, env)[0]["regions"] == []
    server.close()
    feeds.write_text(
        feeds.read_text()
        + '\n[[regions]]\ncode = "CN-GD-songshanlake"\nname = "Songshan Lake"\naliases = ["Songshan Lake"]\nparent = "CN-GD"\n'
    )

    result = invoke(["retag", "--feeds", str(feeds)], env)

    assert result.exit_code == 0
    assert result.stderr == "retagged 1 item: 1 about policy, 1 with a region\n"
    [item] = show(feeds, env, "--region", "CN-GD")
    assert item["regions"] == [{"code": "CN-GD-songshanlake", "name": "Songshan Lake"}]


def test_a_store_from_schema_1_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
        db.execute(
            "INSERT INTO items (uid, url, title, summary, text, published, first_seen, extracted) "
            "VALUES ('abc', 'https://x.example/a', 'Old story', '', '', '2026-11-20T00:00:00+00:00', "
            "'2026-11-20T00:00:00+00:00', 0)"
        )

    with Store.open(path) as store:
        [item] = store.find_items("abc")

    assert item.title == "Old story"
    assert item.tags.evidence == ()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)


def test_fetch_takes_the_same_filters(fetched: Path, env: dict[str, str]) -> None:
    result = invoke(
        ["fetch", "--feeds", str(fetched), "--format", "json", "--policy-only", "--region", "CN", *WINDOW],
        env,
    )

    assert result.exit_code == 0
    assert set(by_article(json.loads(result.stdout)["items"])) == {"a1.html", "a2.html"}
