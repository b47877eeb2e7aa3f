"""Feed bytes to `Entry` records: plain text, canonical URLs, aware UTC times."""

from __future__ import annotations

import calendar
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser

from digest.models import Entry
from digest.plaintext import clean_text, html_to_text, one_line, shorten

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "ncid",
        "cmpid",
        "sr_share",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# feedparser flags a feed as "bozo" when the server mislabelled it (wrong charset, a text/html
# or missing content type); the entries are fine, so that alone is not worth a cron warning.
_HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    entries: tuple[Entry, ...]
    problem: str | None = None  # why the document is not a well-formed feed, if it is not


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str], now: datetime) -> ParsedFeed:
    """Parse a downloaded feed; never raises on hostile input, reports a `problem` instead."""
    response_headers = {key.lower(): value for key, value in headers.items()}
    # feedparser resolves relative links against Content-Location, so give it the feed's URL.
    response_headers.setdefault("content-location", url)
    try:
        parsed = feedparser.parse(body, response_headers=response_headers, sanitize_html=False)
    except Exception as error:  # noqa: BLE001 - feedparser on hostile bytes may raise anything
        return ParsedFeed(title="", entries=(), problem=f"could not parse ({error!r})")
    entries: dict[str, Entry] = {}
    for raw in parsed.get("entries", []):
        entry = _entry(raw, url, now)
        if entry is not None and entry.url not in entries:
            entries[entry.url] = entry
    return ParsedFeed(
        title=one_line(str(parsed.get("feed", {}).get("title", ""))),
        entries=tuple(entries.values()),
        problem=_problem(parsed),
    )


def _problem(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    error = parsed.get("bozo_exception")
    if type(error).__name__ in _HARMLESS_BOZO:
        return None
    return one_line(str(error) or type(error).__name__) or "not well-formed"


def _entry(raw: Any, feed_url: str, now: datetime) -> Entry | None:
    title = _text(raw, "title")
    summary = _text(raw, "summary")
    content = _content(raw)
    link = _link(raw, feed_url)
    guid = one_line(str(raw.get("id", ""))) or None
    if link is None:
        if not (title or summary):
            return None
        # No link at all: a stable made-up key keeps the entry, once, without a page to follow.
        seed = f"{feed_url}\n{guid or title or summary}".encode()
        link = "urn:digest:" + hashlib.sha256(seed).hexdigest()[:24]
    return Entry(
        url=link,
        title=title or shorten(summary or content, 100) or link,
        summary=summary,
        content=content,
        published=_published(raw, now),
        guid=guid,
        author=one_line(str(raw.get("author", ""))) or None,
        categories=_categories(raw),
    )


def _text(raw: Any, key: str) -> str:
    value = raw.get(key)
    if not value:
        return ""
    kind = str(raw.get(f"{key}_detail", {}).get("type", "text/html"))
    return one_line(html_to_text(str(value)) if "html" in kind else str(value))


def _content(raw: Any) -> str:
    """The longest full-content block the entry carries, as plain text with paragraphs."""
    best = ""
    for block in raw.get("content", []) or []:
        value = str(block.get("value", ""))
        text = html_to_text(value) if "html" in str(block.get("type", "text/html")) else clean_text(value)
        if len(text) > len(best):
            best = text
    return best


def _link(raw: Any, feed_url: str) -> str | None:
    candidates = [raw.get("link")]
    candidates += [link.get("href") for link in raw.get("links", []) or [] if link.get("rel") == "alternate"]
    if raw.get("guidislink") or str(raw.get("id", "")).startswith(("http://", "https://")):
        candidates.append(raw.get("id"))
    for candidate in candidates:
        if candidate and (url := canonical_url(str(candidate), base=feed_url)):
            return url
    return None


def _published(raw: Any, now: datetime) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if isinstance(value, time.struct_time):
            try:
                moment = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
            return min(moment, now)  # a date in the future is a publisher's clock error
    return None


def _categories(raw: Any) -> tuple[str, ...]:
    names: list[str] = []
    for tag in raw.get("tags", []) or []:
        name = one_line(str(tag.get("term") or tag.get("label") or ""))
        if name and name not in names:
            names.append(name)
    return tuple(names)


def canonical_url(url: str, *, base: str | None = None) -> str | None:
    """One spelling per article: lower-case scheme and host, no default port, fragment or
    tracking parameters; relative links resolved against `base`. None if not a usable URL."""
    url = one_line(url)
    if not url:
        return None
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return None  # never follow, store or render javascript:, data:, file: ... links
        host = (parts.hostname or "").lower()
        if not host:
            return None
        port = parts.port
    except ValueError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = f"{parts.username or ''}{':' + parts.password if parts.password else ''}@{netloc}"
    # Filter the raw pairs rather than decode and re-encode them, so the rest stays as written.
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in _TRACKING_PARAMS
