"""Finding a page's own feeds: its `<link rel="alternate">` tags, made absolute, then the paths
sites commonly use."""

from __future__ import annotations

from digest.discover import common_paths, feed_links

PAGE = """<!doctype html><html><head>
<base href="https://news.example/en/">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="All news" href="feed/">
<link rel="alternate" type="application/atom+xml; charset=utf-8" title="Policy &amp; law" href="/policy.atom">
<link rel="alternate" type="application/feed+json" title="JSON" href="https://news.example/feed.json">
<link rel="alternate" type="application/rss+xml" title="All news again" href="https://news.example/en/feed/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" hreflang="zh" href="/zh/">
</head><body><a rel="alternate" type="application/rss+xml" href="/body.rss">RSS</a></body></html>"""


def test_a_pages_feeds_in_its_order_absolute_and_once() -> None:
    found = feed_links(PAGE, "https://news.example/en/article/1")
    assert [(c.url, c.title) for c in found] == [
        ("https://news.example/en/feed/", "All news"),
        ("https://news.example/policy.atom", "Policy & law"),
        ("https://news.example/feed.json", "JSON"),
        ("https://news.example/body.rss", ""),
    ]


def test_a_page_without_feeds_has_none() -> None:
    assert feed_links("<html><head><title>x</title></head></html>", "https://a.example/") == []


def test_common_paths_are_on_the_pages_site() -> None:
    assert common_paths("https://a.example/blog/post")[:3] == [
        "https://a.example/feed",
        "https://a.example/rss.xml",
        "https://a.example/atom.xml",
    ]
