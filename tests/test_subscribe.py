"""`feeds add`'s discovery against a real HTTP server on 127.0.0.1: a feed is taken as it is,
a page leads to the feed it names or to one at a common path, several are listed."""

from __future__ import annotations

import pytest
from conftest import FixtureServer

from digest.subscribe import NoFeedError, SeveralFeedsError, find

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>
<link>https://x.example/</link><item><title>One</title><link>https://x.example/1</link></item>
</channel></rss>"""


def page(*links: str) -> str:
    tags = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="T{n}" href="{href}">'
        for n, href in enumerate(links)
    )
    return f"<!doctype html><html><head><title>Chain Daily</title>{tags}</head><body>news</body></html>"


def test_a_feed_is_taken_with_its_own_title(server: FixtureServer) -> None:
    url = server.add("/rss", RSS.format(title="Chain Daily"), headers={"Content-Type": "application/rss+xml"})
    found = find(url, timeout=5)
    assert (found.url, found.title) == (url, "Chain Daily")


def test_a_page_leads_to_the_feed_it_names(server: FixtureServer) -> None:
    server.add(
        "/feeds/main.xml",
        RSS.format(title="Chain Daily: all"),
        headers={"Content-Type": "application/rss+xml"},
    )
    url = server.add("/", page("/feeds/main.xml"), headers={"Content-Type": "text/html"})
    assert find(url, timeout=5).url.endswith("/feeds/main.xml")


def test_a_page_naming_none_is_tried_at_the_common_paths(server: FixtureServer) -> None:
    server.add(
        "/rss.xml", RSS.format(title="Found at a usual path"), headers={"Content-Type": "application/rss+xml"}
    )
    url = server.add("/about", page(), headers={"Content-Type": "text/html"})
    assert find(url, timeout=5).title == "Found at a usual path"


def test_several_feeds_are_listed_for_the_user_to_choose(server: FixtureServer) -> None:
    url = server.add("/", page("/a.xml", "/b.xml"), headers={"Content-Type": "text/html"})
    with pytest.raises(SeveralFeedsError) as caught:
        find(url, timeout=5)
    assert [candidate.url.rsplit("/", 1)[1] for candidate in caught.value.candidates] == ["a.xml", "b.xml"]


def test_a_page_with_no_feed_anywhere_is_no_feed(server: FixtureServer) -> None:
    url = server.add("/lonely", page(), headers={"Content-Type": "text/html"})
    with pytest.raises(NoFeedError, match="not a feed: the server sent an HTML page, and it names no feed"):
        find(url, timeout=5)
