"""`digest fetch` end to end against a real local HTTP server and a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, run_digest, subprocess_env, write_feeds

from digest import fetch
from digest.fetch import PER_HOST, pool

CONTRACT_ITEM_KEYS = {
    "id",
    "title",
    "url",
    "feed",
    "published",
    "summary",
    "policy",
    "topics",
    "regions",
    "primary_region",
    "extracted",
}
CONTRACT_FEED_KEYS = {"name", "url", "status", "error", "new_items"}


@pytest.fixture
def newsroom(server: FixtureServer, tmp_path: Path) -> Path:
    """Three well-formed feeds (RSS 2.0, Atom 1.0, RSS 1.0) and their article pages."""
    server.add_fixture_articles()
    return write_feeds(
        tmp_path / "feeds.toml",
        {
            "Policy Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml", headers={"ETag": '"v1"'}),
            "Asia Ledger": server.add_fixture_feed(
                "/atom.xml", "atom.xml", headers={"Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT"}
            ),
            "Chain Dispatch": server.add_fixture_feed("/rdf.xml", "rdf.xml"),
        },
    )


def fetch_json(feeds: Path, env: dict[str, str], *extra: str) -> dict:
    result = invoke(["fetch", "--feeds", str(feeds), "--format", "json", *WINDOW, *extra], env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def stored(env: dict[str, str], query: str) -> list[tuple]:
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        return db.execute(query).fetchall()


def test_fetch_stores_extracted_articles_and_prints_them(newsroom: Path, env: dict[str, str]) -> None:
    digest = fetch_json(newsroom, env)

    urls = {item["url"] for item in digest["items"]}
    assert len(digest["items"]) == 8  # 9 entries, one story carried by two feeds
    assert all(item["extracted"] for item in digest["items"])
    assert all(url.startswith("http://127.0.0.1:") for url in urls)
    texts = dict(stored(env, "SELECT url, text FROM items"))
    for number in (1, 2, 3, 4, 5, 6, 7, 8):
        assert any(f"MARKER-A{number}" in text for text in texts.values())
    # Boilerplate around the article (newsletter box, cookie banner) is not the article.
    assert not any("cookie" in text.lower() for text in texts.values())


def test_json_output_keeps_to_the_contract(newsroom: Path, env: dict[str, str]) -> None:
    digest = fetch_json(newsroom, env)

    assert {"title", "period", "generated_at", "items", "feeds"} <= digest.keys()
    assert set(digest["period"]) == {"start", "end"}
    for item in digest["items"]:
        assert item.keys() >= CONTRACT_ITEM_KEYS
        assert isinstance(item["id"], str)
        assert isinstance(item["policy"], bool)
        assert item["published"].endswith("+00:00")
        assert "<" not in item["summary"]
    assert [feed["status"] for feed in digest["feeds"]] == ["ok", "ok", "ok"]
    for feed in digest["feeds"]:
        assert set(feed) >= CONTRACT_FEED_KEYS  # extra keys may be added, never removed
    assert sum(feed["new_items"] for feed in digest["feeds"]) == 8


def test_the_same_story_in_two_feeds_is_stored_once(newsroom: Path, env: dict[str, str]) -> None:
    digest = fetch_json(newsroom, env)

    a3 = [item for item in digest["items"] if item["url"].endswith("/articles/a3.html")]
    assert len(a3) == 1
    assert "utm_" not in a3[0]["url"] and "fbclid" not in a3[0]["url"]
    assert sorted(a3[0]["feeds"]) == ["Asia Ledger", "Policy Wire"]
    assert stored(env, "SELECT count(*) FROM items WHERE url LIKE '%/a3.html'") == [(1,)]


def test_second_run_sends_validators_and_downloads_no_article_again(
    newsroom: Path, server: FixtureServer, env: dict[str, str]
) -> None:
    fetch_json(newsroom, env)
    pages_before = len([hit for hit in server.hits if hit.path.startswith("/articles/")])

    digest = fetch_json(newsroom, env)

    rss = server.requests_for("/rss2.xml")[-1]
    atom = server.requests_for("/atom.xml")[-1]
    assert rss.headers["if-none-match"] == '"v1"'
    assert atom.headers["if-modified-since"] == "Tue, 24 Nov 2026 10:00:00 GMT"
    assert {feed["name"]: feed["status"] for feed in digest["feeds"]}["Policy Wire"] == "not_modified"
    assert len([hit for hit in server.hits if hit.path.startswith("/articles/")]) == pages_before
    assert len(digest["items"]) == 8


def test_a_third_run_after_a_304_still_sends_the_validators(
    newsroom: Path, server: FixtureServer, env: dict[str, str]
) -> None:
    for _ in range(3):
        fetch_json(newsroom, env)
    assert server.requests_for("/rss2.xml")[-1].headers["if-none-match"] == '"v1"'


def test_an_item_already_stored_is_not_downloaded_when_a_feed_changes(
    newsroom: Path, server: FixtureServer, env: dict[str, str]
) -> None:
    fetch_json(newsroom, env)
    server.routes["/rss2.xml"].headers["ETag"] = '"v2"'  # the feed changed, its items did not

    digest = fetch_json(newsroom, env)

    assert len(server.requests_for("/articles/a1.html")) == 1
    assert {feed["name"]: feed["new_items"] for feed in digest["feeds"]}["Policy Wire"] == 0


def test_missing_and_paywalled_articles_keep_the_feed_summary(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    server.add_fixture_articles()
    feeds = write_feeds(
        tmp_path / "feeds.toml", {"Broken Links": server.add_fixture_feed("/m.xml", "missing.xml")}
    )

    digest = fetch_json(feeds, env)

    assert len(digest["items"]) == 2
    for item in digest["items"]:
        assert item["extracted"] is False
        assert len(item["summary"]) > 40
    assert len(server.requests_for("/articles/does-not-exist.html")) == 1


def test_no_extract_downloads_no_pages(newsroom: Path, server: FixtureServer, env: dict[str, str]) -> None:
    digest = fetch_json(newsroom, env, "--no-extract")

    assert not [hit for hit in server.hits if hit.path.startswith("/articles/")]
    assert len(digest["items"]) == 8
    assert not any(item["extracted"] for item in digest["items"])


def test_a_feed_may_turn_extraction_off(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    server.add_fixture_articles()
    url = server.add_fixture_feed("/rss2.xml", "rss2.xml")
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feeds]]\nname = "Policy Wire"\nurl = "{url}"\nextract = false\n')

    fetch_json(feeds, env)

    assert not [hit for hit in server.hits if hit.path.startswith("/articles/")]


def test_failing_feeds_warn_but_do_not_stop_the_others(
    newsroom: Path, server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    broken = {
        "Server Error": server.add("/500.xml", "oops", status=500),
        "Too Slow": server.add("/slow.xml", "<rss/>", delay=5),
        "Not XML": server.add(
            "/html.xml", "<html><body>Hello, not a feed", headers={"Content-Type": "text/html"}
        ),
        "Endless": server.add("/endless.xml", endless=True),
    }
    text = newsroom.read_text() + "".join(
        f'\n[[feeds]]\nname = "{name}"\nurl = "{url}"\n' for name, url in broken.items()
    )
    newsroom.write_text(text)

    result = invoke(["fetch", "--feeds", str(newsroom), "--format", "json", "--timeout", "1.5", *WINDOW], env)

    assert result.exit_code == 0
    digest = json.loads(result.stdout)
    status = {feed["name"]: (feed["status"], feed["error"]) for feed in digest["feeds"]}
    assert status["Server Error"] == ("error", "HTTP 500 Internal Server Error")
    assert status["Too Slow"] == ("error", "timed out after 1.5 s")
    assert status["Not XML"][0] == "error" and status["Not XML"][1].startswith("not a feed")
    assert status["Endless"] == ("error", "body is over the 20 MB cap")
    assert len(server.requests_for("/500.xml")) == 2  # one retry, then give up
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 4
    for name, url in broken.items():
        assert any(name in line and url in line for line in warnings)
    assert len(digest["items"]) == 8


def test_a_retry_honours_retry_after(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    url = server.add("/busy.xml", "busy", status=429, headers={"Retry-After": "2"})
    feeds = write_feeds(tmp_path / "feeds.toml", {"Busy": url})

    result = invoke(["fetch", "--feeds", str(feeds), "--format", "json"], env)

    assert result.exit_code == 1  # every feed failed
    first, second = server.requests_for("/busy.xml")
    assert second.at - first.at >= 1.9  # the server's word, not our own 0.5-1 s backoff
    assert "every feed failed" in result.stderr


def test_every_feed_failing_exits_1_and_keeps_the_store(
    newsroom: Path, server: FixtureServer, env: dict[str, str]
) -> None:
    fetch_json(newsroom, env)
    for route in server.routes.values():
        route.status, route.body = 503, b"down"

    result = invoke(["fetch", "--feeds", str(newsroom), "--format", "json", *WINDOW], env)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert stored(env, "SELECT count(*) FROM items") == [(8,)]
    failures = dict(stored(env, "SELECT name, consecutive_failures FROM feeds"))
    assert failures["Policy Wire"] == 1


def test_show_prints_the_stored_digest_without_the_network(
    newsroom: Path, server: FixtureServer, env: dict[str, str]
) -> None:
    fetched = fetch_json(newsroom, env)
    server.close()

    result = invoke(["show", "--feeds", str(newsroom), "--format", "json", *WINDOW], env)

    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert [item["id"] for item in shown["items"]] == [item["id"] for item in fetched["items"]]
    assert [feed["status"] for feed in shown["feeds"]] == ["ok", "ok", "ok"]


def test_the_window_selects_by_publication_time(newsroom: Path, env: dict[str, str]) -> None:
    fetch_json(newsroom, env)

    result = invoke(
        [
            "show",
            "--feeds",
            str(newsroom),
            "--format",
            "json",
            "--since",
            "2026-11-24",
            "--until",
            "2026-11-24",
        ],
        env,
    )

    published = [item["published"][:10] for item in json.loads(result.stdout)["items"]]
    assert published and set(published) == {"2026-11-24"}


def test_output_file_is_written_instead_of_stdout(
    newsroom: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    target = tmp_path / "out" / "digest.txt"
    target.parent.mkdir()

    result = invoke(["fetch", "--feeds", str(newsroom), "-o", str(target), *WINDOW], env)

    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Wyoming" in target.read_text()
    assert [path.name for path in target.parent.iterdir()] == ["digest.txt"]


def test_text_through_a_pipe_has_no_escape_bytes(newsroom: Path, env: dict[str, str]) -> None:
    done = run_digest(["fetch", "--feeds", str(newsroom), *WINDOW], env)

    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in done.stdout
    assert b"\x1b" not in done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == "CRYPTO POLICY DIGEST"
    assert all(len(line) <= 78 or line.strip().startswith("http") for line in lines)
    assert done.stderr == b""  # nothing to warn about, and no progress display off a terminal


def test_hostile_feed_text_is_plain_text(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Evil</title>
    <item><title>[bold red]Markup[/] \x1b]8;;http://x\x1b\\\\link&#x1b;[31m red &#x202e;txet</title>
    <link>{server.base}/evil</link>
    <description>&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt; words</description>
    <pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"""
    feeds = write_feeds(tmp_path / "feeds.toml", {"Evil": server.add("/evil.xml", rss.replace("\x1b", ""))})

    for fmt in ("text", "json", "rich", "markdown", "html", "email"):
        done = run_digest(["fetch", "--no-extract", "--feeds", str(feeds), "--format", fmt, *WINDOW], env)
        assert done.returncode == 0, done.stderr
        out = done.stdout.decode()
        assert "\u202e" not in out
        assert "alert(1)" not in out and "<script" not in out.lower()
        if fmt == "json":
            assert json.loads(out)["items"][0]["summary"] == "Bold words"
        if fmt in ("text", "rich", "json"):
            assert "[bold red]Markup[/]" in out
        if fmt == "markdown":
            assert "\\[bold red\\]Markup\\[/\\]" in out  # escaped, so no link or emphasis
        if fmt == "html":
            assert "[bold red]Markup[/]" in out and "<b>" not in out
        if fmt != "rich":
            assert "\x1b" not in out


def many_links_feed(server: FixtureServer, count: int) -> str:
    """An RSS feed of `count` distinct stories, all on the fixture server's one host."""
    items = "".join(
        f"<item><title>Story {n}</title><link>{server.base}/articles/a1.html?story={n}</link>"
        f"<pubDate>Mon, 23 Nov 2026 10:{n:02d}:00 GMT</pubDate></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>{items}</channel></rss>'


@pytest.mark.parametrize(("concurrency", "peak"), [(16, 4), (2, 2)])
def test_requests_to_one_host_are_bounded(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], concurrency: int, peak: int
) -> None:
    server.add_fixture_articles()
    server.routes["/articles/a1.html"].delay = 0.3
    feeds = write_feeds(
        tmp_path / "feeds.toml", {"Many": server.add("/many.xml", many_links_feed(server, 12))}
    )

    result = invoke(["fetch", "--feeds", str(feeds), "--concurrency", str(concurrency), *WINDOW], env)

    assert result.exit_code == 0
    assert len(server.requests_for("/articles/a1.html")) == 12
    assert server.peak == peak


@pytest.fixture
def outlets() -> Iterator[list[FixtureServer]]:
    """Six more servers, each on its own loopback address: six hosts, as far as the tool knows."""
    servers = [FixtureServer(f"127.0.0.{n}") for n in range(2, 8)]
    yield servers
    for outlet in servers:
        outlet.close()


def test_a_busy_host_does_not_hold_back_the_other_hosts_pages(
    server: FixtureServer,
    outlets: list[FixtureServer],
    tmp_path: Path,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The slow outlet's feed is read first and brings 30 slow pages; the quick outlet's 4 pages
    # must not queue behind them. Two cores: 16 + 2 x 2 places for pages in memory, fewer than
    # the pages, whatever this machine has.
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    quick = outlets[0]
    for outlet in (server, quick):
        outlet.add_fixture_articles()
    server.routes["/articles/a1.html"].delay = 0.4
    feeds = {
        "Slow": server.add("/many.xml", many_links_feed(server, 30)),
        "Quick": quick.add("/many.xml", many_links_feed(quick, 4), delay=0.3),
    }

    result = invoke(["fetch", "--feeds", str(write_feeds(tmp_path / "feeds.toml", feeds)), *WINDOW], env)

    assert result.exit_code == 0
    slow_pages = sorted(hit.at for hit in server.requests_for("/articles/a1.html"))
    quick_pages = [hit.at for hit in quick.requests_for("/articles/a1.html")]
    assert (len(slow_pages), len(quick_pages)) == (30, 4)
    # Queued behind the slow outlet, they would come after all 30 (8 rounds of 4, 0.4 s each):
    # they come before its sixth round, a margin of over a second for a loaded machine.
    assert max(quick_pages) < slow_pages[20]


def test_each_host_keeps_its_connections_for_its_own_pages(
    outlets: list[FixtureServer], tmp_path: Path, env: dict[str, str]
) -> None:
    # More hosts at work than requests at once: one pool of connections for every host would
    # close one host's connections to open another's, and each page would pay a new connection.
    feeds = {}
    for number, outlet in enumerate(outlets):
        outlet.add_fixture_articles()
        outlet.routes["/articles/a1.html"].delay = 0.05
        feeds[f"Outlet {number}"] = outlet.add("/many.xml", many_links_feed(outlet, 10))
    feeds_file = write_feeds(tmp_path / "feeds.toml", feeds)

    result = invoke(["fetch", "--feeds", str(feeds_file), "--concurrency", "8", *WINDOW], env)

    assert result.exit_code == 0
    assert [len(outlet.requests_for("/articles/a1.html")) for outlet in outlets] == [10] * 6
    assert [outlet.connections <= PER_HOST for outlet in outlets] == [True] * 6


def settled(servers: list[FixtureServer]) -> list[int]:
    """Each server's open connections, once closes sent by the client have reached it."""
    time.sleep(0.2)  # the servers' own threads see a close a moment after it is sent
    return [outlet.open_connections for outlet in servers]


def test_connections_to_hosts_no_longer_used_are_closed(
    outlets: list[FixtureServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Six hosts in turn, each with a feed's first four pages at once, and room for two.
    monkeypatch.setattr(pool, "OPEN_HOSTS", 2)
    pages = [outlet.add("/page.html", "<p>hello</p>", delay=0.1) for outlet in outlets]

    async def visit_in_turn() -> tuple[list[int], list[int]]:
        async with fetch.Fetcher(timeout=5, concurrency=16) as fetcher:
            for page in pages:
                await asyncio.gather(*(fetcher.get_page(f"{page}?n={n}") for n in range(4)))
            while_open = await asyncio.to_thread(settled, outlets)
        return while_open, await asyncio.to_thread(settled, outlets)

    while_open, after = asyncio.run(visit_in_turn())

    assert while_open == [0, 0, 0, 0, 4, 4]
    assert after == [0] * 6
    assert [outlet.connections for outlet in outlets] == [4] * 6


def test_proxies_from_the_environment_are_used(
    outlets: list[FixtureServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, proxy = outlets[:2]
    page = origin.add("/page.html", "<p>from the origin</p>")
    proxy.add(page, "<p>through the proxy</p>")  # a proxy is asked for the whole URL
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)

    async def get() -> bytes:
        async with fetch.Fetcher(timeout=5, concurrency=4) as fetcher:
            return (await fetcher.get_page(page)).body

    for variable in ("HTTP_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(variable, proxy.base)
        assert asyncio.run(get()) == b"<p>through the proxy</p>", variable
        monkeypatch.delenv(variable)
    monkeypatch.setenv("HTTP_PROXY", proxy.base)
    monkeypatch.setenv("NO_PROXY", "127.0.0.2")
    assert asyncio.run(get()) == b"<p>from the origin</p>"


def test_pages_keep_downloading_while_a_big_feed_is_read(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    # A run's feeds arrive together, and parsing a big one, then tagging its long entry, is
    # seconds of pure Python. Pages answered meanwhile are still followed: here 32 redirects,
    # answered half a second after they are asked, four at a time, for four seconds or more.
    # How soon each is followed is a figure for bench/responsiveness.py, not a timed assertion.
    server.add_fixture_articles()
    stories = ""
    for n in range(32):
        target = {"Location": f"/articles/a1.html?n={n}"}
        server.add(f"/moved-{n}.html", status=301, headers=target, delay=0.5)
        stories += f"<item><title>Moved {n}</title><link>{server.base}/moved-{n}.html</link></item>"
    paragraph = "<p>The <b>council</b> met on <a href='/x'>Tuesday</a> about the <i>ledger</i> rules.</p>"
    long_read = (
        f"<item><title>Long read</title><description><![CDATA[{paragraph * 10_000}]]></description></item>"
    )
    feeds = {
        "Quick": server.add(
            "/quick.xml", f'<rss version="2.0"><channel><title>Q</title>{stories}</channel></rss>'
        ),
        "Big": server.add(
            "/big.xml", f'<rss version="2.0"><channel><title>B</title>{long_read}</channel></rss>', delay=0.2
        ),
    }

    result = invoke(["fetch", "--feeds", str(write_feeds(tmp_path / "feeds.toml", feeds)), *WINDOW], env)

    assert result.exit_code == 0
    for n in range(32):
        assert len(server.requests_for(f"/moved-{n}.html")) == 1
        [followed] = [hit for hit in server.hits if hit.path == f"/articles/a1.html?n={n}"]
        assert followed.at > server.requests_for(f"/moved-{n}.html")[0].at  # after its redirect
    assert len(server.requests_for("/big.xml")) == 1


def test_requests_say_who_is_asking(newsroom: Path, server: FixtureServer, env: dict[str, str]) -> None:
    fetch_json(newsroom, env)

    agents = {hit.headers["user-agent"] for hit in server.hits}
    assert len(agents) == 1
    assert agents.pop().startswith("digest/")


def test_redirects_are_followed_up_to_five(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    server.add_fixture_articles()
    target = server.add_fixture_feed("/real.xml", "rss2.xml")
    server.add("/moved.xml", status=301, headers={"Location": "/moved-again.xml"})
    server.add("/moved-again.xml", status=302, headers={"Location": target})
    loop = server.add("/loop.xml", status=302, headers={"Location": "/loop.xml"})
    feeds = write_feeds(tmp_path / "feeds.toml", {"Moved": server.base + "/moved.xml", "Loop": loop})

    digest = json.loads(invoke(["fetch", "--feeds", str(feeds), "--format", "json", *WINDOW], env).stdout)

    status = {feed["name"]: (feed["status"], feed["error"]) for feed in digest["feeds"]}
    assert status == {"Moved": ("ok", None), "Loop": ("error", "more than 5 redirects")}
    assert len(digest["items"]) == 4


def test_items_are_committed_while_the_run_goes_on(
    newsroom: Path, server: FixtureServer, env: dict[str, str]
) -> None:
    server.routes["/articles/a8.html"].delay = 8  # one straggler holds the run open
    with subprocess.Popen(
        [sys.executable, "-m", "digest", "fetch", "-q", "--feeds", str(newsroom), *WINDOW],
        env=subprocess_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        committed_while_running = 0
        # Watched until the run ends, not for a fixed few seconds: on a loaded machine the
        # first seven may take longer, and what matters is that they land before the end.
        give_up = time.monotonic() + 60  # a hang bound only
        while process.poll() is None and committed_while_running < 7 and time.monotonic() < give_up:
            time.sleep(0.1)
            with contextlib.suppress(sqlite3.Error):
                count = stored(env, "SELECT count(*) FROM items")[0][0]
                if process.poll() is None:  # counted only while the run is still going
                    committed_while_running = count
        process.wait(timeout=60)
    assert process.returncode == 0
    assert committed_while_running == 7  # everything but the straggler, before the run ended
    assert stored(env, "SELECT count(*) FROM items") == [(8,)]


def test_an_undated_entry_takes_the_page_date(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    server.add_fixture_articles()
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Undated</title>
    <item><title>Hainan pilot</title><link>{server.base}/articles/a2.html</link></item>
    <item><title>No page</title><link>{server.base}/articles/gone.html</link></item>
    </channel></rss>"""
    feeds = write_feeds(tmp_path / "feeds.toml", {"Undated": server.add("/undated.xml", rss)})

    digest = fetch_json(feeds, env, "--since", "2000-01-01", "--until", "2100-01-01")

    published = {item["title"]: item["published"] for item in digest["items"]}
    assert published["Hainan pilot"] == "2026-11-21T00:00:00+00:00"
    first_seen = datetime.fromisoformat(published["No page"])
    assert timedelta(0) <= datetime.now(UTC) - first_seen < timedelta(minutes=5)


def test_fetch_shows_what_it_just_stored_even_undated(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>Undated</title>
    <item><title>Undated story</title><link>https://news.example/undated</link></item>
    </channel></rss>"""
    feeds = write_feeds(tmp_path / "feeds.toml", {"Undated": server.add("/u.xml", rss)})

    result = invoke(["fetch", "--no-extract", "--feeds", str(feeds), "--format", "json"], env)

    assert [item["title"] for item in json.loads(result.stdout)["items"]] == ["Undated story"]


def test_a_malformed_feed_with_entries_is_used_with_one_warning(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>Sloppy</title>
    <item><title>Kept story</title><link>https://news.example/kept</link>
    <pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item><item><title>Cut off"""
    feeds = write_feeds(tmp_path / "feeds.toml", {"Sloppy": server.add("/s.xml", rss)})

    result = invoke(["fetch", "--no-extract", "--feeds", str(feeds), "--format", "json", *WINDOW], env)

    assert result.exit_code == 0
    assert "Kept story" in [item["title"] for item in json.loads(result.stdout)["items"]]
    [warning] = result.stderr.splitlines()
    assert warning.startswith("warning: feed 'Sloppy'") and "not well-formed" in warning


def test_a_304_to_a_first_request_is_an_error(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {"Odd": server.add("/odd.xml", status=304), "Fine": server.add_fixture_feed("/r.xml", "rss2.xml")},
    )

    result = invoke(["fetch", "--no-extract", "--feeds", str(feeds), "--format", "json", *WINDOW], env)

    status = {f["name"]: (f["status"], f["error"]) for f in json.loads(result.stdout)["feeds"]}
    assert status["Odd"] == ("error", "answered 304 Not Modified to a request that was not conditional")
