"""An internationalised host is stored in one form, its punycode: both spellings are one story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, run_digest, write_feeds

from digest.urls import canonical_url


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("https://bücher.example/2026/rules", "https://xn--bcher-kva.example/2026/rules"),
        ("https://BÜCHER.example/2026/rules", "https://xn--bcher-kva.example/2026/rules"),
        ("https://xn--bcher-kva.example/2026/rules", "https://xn--bcher-kva.example/2026/rules"),
        (
            "https://bücher。example/2026/rules",
            "https://xn--bcher-kva.example/2026/rules",
        ),  # ideographic stop
        ("https://faß.de/", "https://xn--fa-hia.de/"),  # IDNA 2008, as httpx sends it; not fass.de
        ("https://☃.example/", None),  # a symbol IDNA 2008 does not allow in a host name
    ],
)
def test_an_idn_host_has_one_spelling(raw: str, canonical: str | None) -> None:
    assert canonical_url(raw) == canonical


def test_both_spellings_of_an_idn_host_are_one_story(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    def feed(link: str) -> str:
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Books</title>'
            f"<item><title>Book trade rules for tokens</title><link>{link}</link>"
            "<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
        )

    rss_type = {"Content-Type": "application/rss+xml; charset=utf-8"}
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Unicode": server.add(
                "/unicode.xml", feed("https://bücher.example/token-rules"), headers=rss_type
            ),
            "Punycode": server.add(
                "/puny.xml", feed("https://xn--bcher-kva.example/token-rules"), headers=rss_type
            ),
        },
    )

    done = run_digest(
        ["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--format", "json", *WINDOW], env
    )

    assert done.returncode == 0, done.stderr
    [item] = json.loads(done.stdout)["items"]
    assert item["url"] == "https://xn--bcher-kva.example/token-rules"
    assert sorted(item["feeds"]) == ["Punycode", "Unicode"]
