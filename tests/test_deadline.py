"""A whole-run deadline: no mix of slow servers makes a run hang; what finished is printed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, run_digest, write_feeds

NORMAL = 20
PATHOLOGICAL = 3


def test_the_deadline_abandons_slow_work_and_prints_what_finished(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    server.add_fixture_articles()
    server.routes["/articles/a7.html"].delay = 300  # an article page that never comes in time
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml"),
            "Stalled": server.add_fixture_feed("/atom.xml", "atom.xml", delay=300),
        },
        settings="timeout = 280",  # the per-request limit alone would let this run hang
    )

    # The bound only stops a hang: a run that waited for the servers would take 280 s or more.
    done = run_digest(
        ["fetch", "-q", "--feeds", str(feeds), "--deadline", "4s", "--format", "json", *WINDOW],
        env,
        timeout=90,
    )

    assert done.returncode == 0, done.stderr
    digest = json.loads(done.stdout)
    status = {feed["name"]: feed for feed in digest["feeds"]}
    # The stalled feed never answered: not fetched, which is not a failure of the feed's; the
    # Wire answered and its slow article was abandoned.
    assert status["Stalled"]["status"] == "not_fetched"
    assert "deadline" in status["Stalled"]["error"]
    assert status["Wire"]["status"] == "error"
    assert "abandoned unfinished" in status["Wire"]["error"]
    assert len(digest["items"]) >= 3  # the Wire's other articles were finished and kept
    warnings = done.stderr.decode().splitlines()
    assert any("deadline passed" in line for line in warnings)
    assert b"Traceback" not in done.stderr

    again = run_digest(["show", "--feeds", str(feeds), "--format", "json", *WINDOW], env)
    assert len(json.loads(again.stdout)["items"]) == len(digest["items"])
    health = run_digest(["feeds", "--feeds", str(feeds), "--format", "text"], env).stdout.decode()
    assert "not fetched: the run's deadline (4 s) passed before it answered" in health
    shown = run_digest(["show", "--feeds", str(feeds), "--format", "text", *WINDOW], env).stdout.decode()
    assert "2 feeds, 1 failed, 1 not fetched yet" in " ".join(shown.split())


@pytest.mark.parametrize("value", ["0", "-5", "soon", "10x", "nan"])
def test_a_bad_deadline_is_a_usage_error(value: str, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": "http://127.0.0.1:9/feed"})

    done = run_digest(["fetch", "--feeds", str(feeds), "--deadline", value], env)

    assert done.returncode == 2
    assert b"--deadline" in done.stderr


def pathological_page(rows: int = 17_000) -> str:
    """A page of a 9 MB table, under the page size cap. trafilatura is handed its first 1 MB only
    (digest.extract.PARSE_MAX_BYTES; the whole table took it about a minute): cells as small as
    can be, the most elements to the byte, make that megabyte the slowest it can be (~5-7 s)."""
    row = "<tr>" + "<td>x</td>" * 50 + "</tr>"
    return f"<html><head><title>Ledger tables</title></head><body><table>{row * rows}</table></body></html>"


def serve_a_world_with_pathological_pages(server: FixtureServer) -> str:
    """A feed of PATHOLOGICAL pages first (so they take every worker), then NORMAL pages."""
    entries = []
    for n in range(PATHOLOGICAL + NORMAL):
        slow = n < PATHOLOGICAL
        if slow:
            url = server.add(f"/tables/{n}.html", pathological_page(), headers={"Content-Type": "text/html"})
        else:
            paragraphs = "".join(
                f"<p>Agency {n} said, in part {part}, that wallet providers must verify who sends "
                "and who receives each transfer above a threshold, and keep the records five years.</p>"
                for part in range(6)
            )
            page = f"<html><head><title>Travel rule {n}</title></head><body><article>{paragraphs}</article>"
            # A little later than the tables, so that the tables reach the workers first.
            url = server.add(f"/pages/{n}.html", page + "</body></html>", delay=1.0)
        entries.append(
            f"<item><title>Story {n}</title><link>{url}</link><guid>story-{n}</guid>"
            f"<pubDate>Fri, 20 Nov 2026 10:{n:02d}:00 GMT</pubDate><description>Rules.</description></item>"
        )
    channel = f"<title>Mixed</title><link>{server.base}/</link><description>Rules</description>"
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel>{channel}{''.join(entries)}</channel></rss>"
    return server.add("/mixed.xml", feed, headers={"Content-Type": "application/rss+xml"})


def extracted(db: str) -> dict[str, list[bool]]:
    """Whether each stored story was extracted, by kind of page."""
    kinds: dict[str, list[bool]] = {"tables": [], "pages": []}
    with sqlite3.connect(db) as store:
        for url, was_extracted in store.execute("SELECT url, extracted FROM items"):
            kinds[url.split("/")[-2]].append(bool(was_extracted))
    return kinds


def test_pathological_pages_are_abandoned_and_the_normal_ones_extracted(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Mixed": serve_a_world_with_pathological_pages(server)})
    # Each table page has 1 s of a worker's own time, a fifth of what it needs; the normal
    # pages wait that long behind them for a worker, and that wait must not count.
    limited = env | {"DIGEST_EXTRACT_SECONDS": "1"}

    done = run_digest(
        ["fetch", "-q", "--feeds", str(feeds), "--format", "json", *WINDOW], limited, timeout=150
    )

    assert done.returncode == 0, done.stderr.decode()
    kinds = extracted(env["DIGEST_DB"])
    assert kinds["pages"] == [True] * NORMAL  # every worker a table took was replaced
    assert kinds["tables"] == [False] * PATHOLOGICAL  # each kept its feed text
    assert done.stderr == b""


def test_the_deadline_ends_a_run_whose_workers_are_all_busy_and_releases_the_lock(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Mixed": serve_a_world_with_pathological_pages(server)})
    # The tables would hold the workers for minutes; the extraction limit is the default (30 s).
    args = ["fetch", "-q", "--feeds", str(feeds), "--format", "json", "--lock-timeout", "1", *WINDOW]

    done = run_digest([*args, "--deadline", "8s"], env, timeout=90)  # the bound stops a hang only

    assert done.returncode == 0, done.stderr.decode()
    assert "deadline" in done.stderr.decode()
    kinds = extracted(env["DIGEST_DB"])
    assert len(kinds["tables"]) < PATHOLOGICAL  # abandoned in the middle, not finished
    again = run_digest(
        ["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--lock-timeout", "1", *WINDOW], env
    )
    assert again.returncode == 0, again.stderr.decode()  # the lock was let go
