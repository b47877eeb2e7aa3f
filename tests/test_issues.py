"""Numbered issues: --new-only never sends a story twice, and a past issue prints again exactly."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import WINDOW, FixtureServer, fetched, invoke, run_digest, subprocess_env, write_feeds

from digest.models import Item, item_id
from digest.store import Store


def titles(output: str) -> list[str]:
    return [item["title"] for item in json.loads(output)["items"]]


def sent_issues(env: dict[str, str]) -> list[dict[str, object]]:
    listing = invoke(["issues", "--format", "json"], env)
    assert listing.exit_code == 0, listing.output
    issues: list[dict[str, object]] = json.loads(listing.stdout)["issues"]
    return issues


def test_new_only_prints_each_story_in_one_issue_only(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = fetched(server, tmp_path, env)
    show_new = ["show", "--new-only", "--feeds", str(feeds), "--format", "json", *WINDOW]

    first = invoke(show_new, env)
    second = invoke(show_new, env)

    assert first.exit_code == second.exit_code == 0
    assert len(titles(first.stdout)) == 4
    assert json.loads(first.stdout)["issue"] == 1
    assert titles(second.stdout) == []  # nothing new since issue 1
    assert [(issue["number"], issue["items"]) for issue in sent_issues(env)] == [(1, 4), (2, 0)]

    # A new feed brings new stories: the next issue has those and only those.
    feeds.write_text(
        feeds.read_text()
        + f'\n[[feeds]]\nname = "Atom"\nurl = "{server.add_fixture_feed("/atom.xml", "atom.xml")}"\n'
    )
    third = invoke(
        ["fetch", "-q", "--no-extract", "--new-only", "--feeds", str(feeds), "--format", "json", *WINDOW], env
    )
    assert third.exit_code == 0, third.output
    assert titles(third.stdout)
    assert not set(titles(third.stdout)) & set(titles(first.stdout))
    assert json.loads(third.stdout)["title"].endswith("issue 3")


def test_a_past_issue_prints_again_exactly(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = fetched(server, tmp_path, env)
    sent = run_digest(["show", "--new-only", "--feeds", str(feeds), "--format", "text", *WINDOW], env)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.decode().startswith("CRYPTO POLICY DIGEST · ISSUE 1\n")

    # Later runs change the store: more items, other tags. Issue 1 stays as it was sent.
    invoke(["retag", "-q", "--feeds", str(feeds)], env)
    fetched(server, tmp_path, env, feed="atom.xml")
    again = run_digest(["show", "--issue", "1", "--format", "text"], env)

    assert again.returncode == 0, again.stderr
    assert again.stdout == sent.stdout
    as_json = run_digest(["show", "--issue", "1", "--format", "json"], env)
    assert json.loads(as_json.stdout)["issue"] == 1
    assert "issue 1" in json.loads(as_json.stdout)["title"]


def test_a_missing_issue_is_one_error_line(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    fetched(server, tmp_path, env)

    done = run_digest(["show", "--issue", "7"], env)

    assert done.returncode == 1
    assert done.stderr.decode() == "error: no issue 7: no issue was sent yet (see `digest issues`)\n"
    assert run_digest(["show", "--issue", "1", "--new-only"], env).returncode == 2


def test_a_broken_pipe_records_no_issue(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = fetched(server, tmp_path, env)
    reader_gone = subprocess.Popen(
        [sys.executable, "-m", "digest", "show", "--new-only", "--feeds", str(feeds), *WINDOW],
        env=subprocess_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader_gone.stdout is not None
    reader_gone.stdout.close()  # the mailer died before reading a byte
    _, errors = reader_gone.communicate(timeout=60)

    assert reader_gone.returncode == 1
    assert b"no issue was recorded" in errors
    assert b"Traceback" not in errors
    assert sent_issues(env) == []


def test_a_failed_write_records_no_issue(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = fetched(server, tmp_path, env)

    done = run_digest(
        ["show", "--new-only", "--feeds", str(feeds), "-o", str(tmp_path / "no" / "such" / "dir.txt")], env
    )

    assert done.returncode == 1
    assert sent_issues(env) == []
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        assert db.execute("SELECT count(*) FROM issue_items").fetchone() == (0,)
    # The stories are still new: the next issue that is written has them all.
    assert (
        len(
            titles(
                invoke(["show", "--new-only", "--feeds", str(feeds), "--format", "json", *WINDOW], env).stdout
            )
        )
        == 4
    )


def test_issues_lists_what_was_sent(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = fetched(server, tmp_path, env)
    assert invoke(["issues"], env).stdout.startswith("No issues yet")
    invoke(["show", "--new-only", "--feeds", str(feeds), "--format", "email", *WINDOW], env)

    listing = invoke(["issues"], env)

    header, row = listing.stdout.splitlines()
    assert header.split() == ["issue", "sent", "period", "items", "format"]
    assert row.split()[0] == "1" and row.split()[-2:] == ["4", "email"]


def stored_headlines(db: Path, count: int, *, days_ago: float = 1, summary_words: int = 80) -> list[str]:
    """`count` non-policy items by several outlets, written straight to the store; their URLs."""
    now = datetime.now(UTC)
    items = [
        Item(
            id=item_id(f"https://wire.example/{days_ago}/{n}"),
            url=f"https://wire.example/{days_ago}/{n}",
            title=f"Market note {n}: {['bitcoin', 'ether', 'miners', 'tokens', 'fees', 'chips', 'banks'][n % 7]} {n * 7919}",
            summary=" ".join(f"word{n}x{k}" for k in range(summary_words)),
            text="",
            feed="Wire",
            published=now - timedelta(days=days_ago, minutes=n),
            extracted=False,
        )
        for n in range(count)
    ]
    with Store.open(db) as store:
        store.save(items)
    return [item.url for item in items]


def test_a_reader_leaving_mid_way_records_no_issue(tmp_path: Path, env: dict[str, str]) -> None:
    stored_headlines(Path(env["DIGEST_DB"]), 400)  # a digest far bigger than a pipe's buffer
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": "https://wire.example/rss"})
    show = subprocess.Popen(
        [sys.executable, "-m", "digest", "show", "--new-only", "--feeds", str(feeds), "--format", "json"],
        env=subprocess_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert show.stdout is not None and show.stderr is not None
    assert show.stdout.read(100)  # the mailer read a little, then died
    show.stdout.close()
    errors = show.stderr.read()
    show.wait(timeout=60)

    assert show.returncode == 1
    assert b"no issue was recorded" in errors and b"Traceback" not in errors
    assert sent_issues(env) == []


def test_headlines_the_layout_left_out_stay_new(tmp_path: Path, env: dict[str, str]) -> None:
    urls = stored_headlines(Path(env["DIGEST_DB"]), 20, summary_words=5)
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": "https://wire.example/rss"})

    first = invoke(["show", "--new-only", "--feeds", str(feeds), "--format", "text"], env)
    second = invoke(["show", "--new-only", "--feeds", str(feeds), "--format", "json"], env)

    assert first.exit_code == second.exit_code == 0
    assert [issue["items"] for issue in sent_issues(env)] == [15, 5]  # 15 other headlines at most
    left_out = {item["url"] for item in json.loads(second.stdout)["items"]}
    assert len(left_out) == 5 and left_out <= set(urls)


def test_a_new_issue_reaches_back_to_where_the_last_one_ended(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": "https://wire.example/rss"})
    stored_headlines(Path(env["DIGEST_DB"]), 3, days_ago=30)
    twenty_days_ago = (datetime.now(UTC) - timedelta(days=20)).isoformat(timespec="seconds")
    first = ["show", "--new-only", "--feeds", str(feeds), "--days", "20", "--until", twenty_days_ago]
    assert invoke([*first, "-o", os.devnull], env).exit_code == 0
    # A missed fortnight: these came out after that issue, but before the usual 14-day window.
    missed = stored_headlines(Path(env["DIGEST_DB"]), 4, days_ago=17)

    done = invoke(["show", "--new-only", "--feeds", str(feeds), "--format", "json"], env)

    assert sorted(item["url"] for item in json.loads(done.stdout)["items"]) == sorted(missed)
