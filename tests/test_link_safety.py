"""Links from a public feed never lead the tool to this machine, the local network or the cloud's
metadata service; a feed the user put on such an address may link within it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, write_feeds

from digest import fetch
from digest.fetch import Fetcher, PrivateAddressError, private_address


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
        ("localhost", True),  # a name is judged by what it resolves to
        ("172.32.0.1", False),
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
        ("no-such-host.invalid", False),  # fails on its own when fetched
    ],
)
def test_private_addresses_are_recognised(host: str, private: bool) -> None:
    assert (asyncio.run(private_address(host)) is not None) is private


async def _page(url: str, *, public_only: bool, fetcher: Fetcher | None = None) -> bytes:
    async with fetcher or Fetcher(timeout=5, concurrency=4) as client:
        return (await client.get_page(url, public_only=public_only)).body


def test_a_public_only_page_on_a_private_address_is_not_fetched(server: FixtureServer) -> None:
    url = server.add("/internal/admin", "secrets")

    with pytest.raises(PrivateAddressError, match="private address"):
        asyncio.run(_page(url, public_only=True))

    assert server.requests_for("/internal/admin") == []
    assert asyncio.run(_page(url, public_only=False)) == b"secrets"


def test_a_redirect_to_a_private_address_is_refused_too(server: FixtureServer) -> None:
    port = server.base.rsplit(":", 1)[1]
    hop = server.add("/story", status=302, headers={"Location": f"http://localhost:{port}/internal"})
    server.add("/internal", "secrets")

    async def only_localhost_is_private(host: str) -> str | None:
        return "127.0.0.1" if host == "localhost" else None  # 127.0.0.1 plays a public host here

    fetcher = Fetcher(timeout=5, concurrency=4, is_private=only_localhost_is_private)
    with pytest.raises(PrivateAddressError, match="localhost"):
        asyncio.run(_page(hop, public_only=True, fetcher=fetcher))

    assert [hit.path for hit in server.hits] == ["/story"]


def test_a_public_feeds_private_links_are_reported_and_its_stories_keep_the_feed_text(
    server: FixtureServer, tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed's host plays a public one; its links point at `localhost`, a private name."""

    async def only_localhost_is_private(host: str) -> str | None:
        return "127.0.0.1" if host == "localhost" else None

    monkeypatch.setattr(fetch, "private_address", only_localhost_is_private)
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
