"""A web page's own feeds, as `digest feeds add` finds them: the page's `<link rel="alternate">`
tags first, then the paths where sites commonly put one (as Miniflux and most readers do)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from digest.plaintext import one_line

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}
)
# Tried in this order when the page names no feed; the first that parses as a feed wins.
COMMON_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/index.xml", "/feed.xml", "/rss", "/feed.json")
# A page names its feeds in its <head>; past this much markup, a page has shown them or has none.
_HEAD_CHARS = 512 * 1024


@dataclass(frozen=True, slots=True)
class Candidate:
    """A feed a page points to: its absolute URL and the title the page gives it."""

    url: str
    title: str


def feed_links(html: str, page_url: str) -> list[Candidate]:
    """The feeds `html` declares, absolute, each once, in the page's order."""
    finder = _LinkFinder()
    finder.feed(html[:_HEAD_CHARS])
    finder.close()
    base = finder.base or page_url
    found: dict[str, Candidate] = {}
    for href, title in finder.links:
        url = urljoin(base, href.strip())
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found[url] = Candidate(url, one_line(title))
    return list(found.values())


def common_paths(page_url: str) -> list[str]:
    """Where a site without `<link>` tags most often keeps its feed."""
    return [urljoin(page_url, path) for path in COMMON_PATHS]


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        if tag not in ("link", "a"):
            return
        relations = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in relations and kind in FEED_TYPES and values.get("href"):
            self.links.append((values["href"], values.get("title", "")))
