"""What `digest feeds add URL` subscribes to: the URL itself when it is a feed, else the feeds
its page names (`<link rel="alternate">`), else the first feed at a common path (`/feed`,
`/rss.xml` ...). Fetched once, with the run's own fetcher and its guards."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from digest.discover import Candidate, common_paths, feed_links
from digest.errors import FetchError, UsageError
from digest.fetch import Fetcher, LinkGuard, network_of
from digest.parse import ParsedFeed, parse_feed

CONCURRENCY = 4  # the common paths are tried one host at a time anyway


@dataclass(frozen=True, slots=True)
class Subscription:
    """A feed to add: its URL and the title it gives itself (or its host's name)."""

    url: str
    title: str


class NoFeedError(UsageError):
    """The URL is neither a feed nor a page that leads to one (exit 2)."""


class SeveralFeedsError(UsageError):
    """The page names more than one feed: the user chooses (exit 2)."""

    def __init__(self, candidates: list[Candidate]) -> None:
        super().__init__(f"the page names {len(candidates)} feeds; add the one you want by its URL")
        self.candidates = candidates


def find(url: str, *, timeout: float) -> Subscription:
    """The feed `url` leads to; raises NoFeedError, SeveralFeedsError, or FetchError when it cannot be had."""
    return asyncio.run(_find(url, timeout))


async def _find(url: str, seconds: float) -> Subscription:
    async with Fetcher(timeout=seconds, concurrency=CONCURRENCY) as fetcher:
        download = await fetcher.get_feed(url)
        parsed = _parsed(download.body, download.url, download.headers)
        if parsed.error is None:
            return Subscription(download.url, parsed.title or _host(download.url))
        page = download.body.decode("utf-8", "replace")
        named = [candidate for candidate in feed_links(page, download.url) if candidate.url != download.url]
        if len(named) > 1:
            raise SeveralFeedsError(named)
        guard = await fetcher.guard_for(download.url)
        tried = [candidate.url for candidate in named] or common_paths(download.url)
        for candidate in tried:
            if await _off_limits(fetcher, candidate, guard):
                continue  # a public page's link into a private network is not followed
            if (found := await _feed_at(fetcher, candidate)) is not None:
                return found
        where = "" if named else " at the usual paths"
        raise NoFeedError(f"{url}: {parsed.error}, and it names no feed{where}")


async def _off_limits(fetcher: Fetcher, url: str, guard: LinkGuard) -> bool:
    address = await fetcher.private_address_of(url)
    return address is not None and network_of(address) != guard.home


async def _feed_at(fetcher: Fetcher, url: str) -> Subscription | None:
    try:
        download = await fetcher.get_feed(url)
    except FetchError:
        return None
    parsed = _parsed(download.body, download.url, download.headers)
    return Subscription(download.url, parsed.title or _host(download.url)) if parsed.error is None else None


def _parsed(body: bytes, url: str, headers: dict[str, str]) -> ParsedFeed:
    return parse_feed(body, url=url, headers=headers, now=datetime.now(UTC))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")
