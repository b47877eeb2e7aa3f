"""Links from a public feed never lead the tool to this machine, the local network or the cloud's
metadata service; a feed the user put on such an address may link within it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, write_feeds

from digest.fetch import Fetcher, LinkGuard, PrivateAddressError, guard, network_of, private_address


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("172.31.255.254", True),
        ("192.168.1.20", True),
        ("169.254.169.254", True),  # the cloud metadata service
        ("::1", True),
        ("[::1]", True),
        ("fd00:ec2::254", True),
        ("::ffff:127.0.0.1", True),  # IPv4 loopback in IPv6 clothing
        ("64:ff9b::7f00:1", True),  # ... through NAT64
        ("2002:7f00:1::", True),  # ... through 6to4
        ("100.100.100.200", True),  # another cloud's metadata service, in 100.64/10
        ("198.18.0.1", True),  # benchmarking networks are not the internet either
        ("224.0.0.1", True),  # multicast
        ("localhost", True),  # a name is judged by what it resolves to
        ("172.32.0.1", False),
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
        ("no-such-host.invalid", False),  # fails on its own when fetched
    ],
)
def test_private_addresses_are_recognised(host: str, private: bool) -> None:
    assert (asyncio.run(private_address(host)) is not None) is private


def test_a_private_feed_links_within_its_own_network_only() -> None:
    home = network_of("127.0.0.1")

    assert network_of("127.0.0.2") == home
    assert network_of("::ffff:127.0.0.9") == home
    assert network_of("169.254.169.254") != home  # not the metadata service
    assert network_of("10.0.0.1") != home


async def _page(url: str, *, guard: LinkGuard | None, fetcher: Fetcher | None = None) -> bytes:
    async with fetcher or Fetcher(timeout=5, concurrency=4) as client:
        return (await client.get_page(url, guard=guard)).body


def test_a_public_only_page_on_a_private_address_is_not_fetched(server: FixtureServer) -> None:
    url = server.add("/internal/admin", "secrets")

    with pytest.raises(PrivateAddressError, match="private address"):
        asyncio.run(_page(url, guard=LinkGuard()))

    assert server.requests_for("/internal/admin") == []
    assert asyncio.run(_page(url, guard=None)) == b"secrets"


def test_a_redirect_to_a_private_address_is_refused_too(server: FixtureServer) -> None:
    port = server.base.rsplit(":", 1)[1]
    hop = server.add("/story", status=302, headers={"Location": f"http://localhost:{port}/internal"})
    server.add("/internal", "secrets")

    async def only_localhost_is_private(host: str) -> str | None:
        return "127.0.0.1" if host == "localhost" else None  # 127.0.0.1 plays a public host here

    fetcher = Fetcher(timeout=5, concurrency=4, is_private=only_localhost_is_private)
    with pytest.raises(PrivateAddressError, match="localhost"):
        asyncio.run(_page(hop, guard=LinkGuard(), fetcher=fetcher))

    assert [hit.path for hit in server.hits] == ["/story"]


def test_a_public_feeds_private_links_are_reported_and_its_stories_keep_the_feed_text(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed's host plays a public one; its links point at `localhost`, a private name."""

    async def only_localhost_is_private(host: str) -> str | None:
        return "127.0.0.1" if host == "localhost" else None

    monkeypatch.setattr(guard, "private_address", only_localhost_is_private)
    server.add_fixture_articles()
    feed = server.add_fixture_feed("/rss2.xml", "rss2.xml")
    text = (
        server.routes["/rss2.xml"]
        .body.decode()
        .replace(f"{server.base}/articles", "http://localhost:9/articles")
    )
    server.routes["/rss2.xml"].body = text.encode()
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": feed})

    done = invoke(["fetch", "-q", "--feeds", str(feeds), "--format", "json", *WINDOW], env)

    assert done.exit_code == 0, done.output
    warning = done.stderr.strip()
    assert warning.startswith(f"warning: feed 'Wire' ({feed}): 4 article links lead to private addresses")
    assert "(first: http://localhost:9/articles/" in warning
    items = json.loads(done.stdout)["items"]
    assert len(items) == 4
    assert not any(item["extracted"] for item in items)
    assert not [hit for hit in server.hits if hit.path.startswith("/articles/")]


def test_a_feed_on_a_private_address_may_link_within_it(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    server.add_fixture_articles()
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})

    done = invoke(["fetch", "-q", "--feeds", str(feeds), "--format", "json", *WINDOW], env)

    assert done.exit_code == 0, done.output
    assert done.stderr == ""
    assert all(item["extracted"] for item in json.loads(done.stdout)["items"])


def test_a_public_feed_redirected_to_a_private_address_is_refused_in_a_sentence(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """127.0.0.1 plays the feed's public host; `localhost` is the private address it redirects to."""

    async def only_localhost_is_private(host: str) -> str | None:
        return "127.0.0.1" if host == "localhost" else None

    monkeypatch.setattr(guard, "private_address", only_localhost_is_private)
    port = server.base.rsplit(":", 1)[1]
    server.add_fixture_feed("/internal/feed.xml", "rss2.xml")
    moved = server.add(
        "/feed.xml", status=302, headers={"Location": f"http://localhost:{port}/internal/feed.xml"}
    )
    fine = server.add_fixture_feed("/fine.xml", "rss2.xml")
    feeds = write_feeds(tmp_path / "feeds.toml", {"Bounced": moved, "Fine": fine})

    done = invoke(["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--format", "json", *WINDOW], env)

    assert done.exit_code == 0, done.output
    errors = {feed["name"]: feed["error"] for feed in json.loads(done.stdout)["feeds"]}
    assert errors == {
        "Bounced": "redirected to localhost, a private address (127.0.0.1); not followed",
        "Fine": None,
    }
    assert server.requests_for("/internal/feed.xml") == []


def test_a_feed_on_a_private_address_may_redirect_within_its_network(server: FixtureServer) -> None:
    other = FixtureServer("127.0.0.2")  # another host on the feed's own network, 127.0.0.0/8
    try:
        target = other.add("/moved.xml", "<rss version='2.0'/>")
        server.add("/feed.xml", status=301, headers={"Location": target})

        async def feed() -> bytes:
            async with Fetcher(timeout=5, concurrency=4) as fetcher:
                return (await fetcher.get_feed(f"{server.base}/feed.xml")).body

        assert asyncio.run(feed()) == b"<rss version='2.0'/>"
    finally:
        other.close()
