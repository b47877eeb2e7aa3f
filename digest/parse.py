"""Feed bytes to `Entry` records: plain text, canonical URLs, aware UTC times."""

from __future__ import annotations

import calendar
import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from digest.models import Entry
from digest.plaintext import clean_text, html_to_text, one_line, shorten
from digest.urls import canonical_url

# `canonical_url` is named here too: links are canonicalised as feeds are parsed.
__all__ = ["ParsedFeed", "canonical_url", "parse_feed", "without_boilerplate"]

_PROBLEM_CHARS = 160

_FEED_PROXIES = frozenset({"feedproxy.google.com", "feeds.feedburner.com", "feeds2.feedburner.com"})
# feedparser flags a feed as "bozo" when the server mislabelled it (wrong charset, a text/html
# or missing content type); the entries are fine, so that alone is not worth a cron warning.
_HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")
# A web page where a feed was expected: its first tag (after an XML declaration, comments and
# white space) is an HTML doctype or <html>. feedparser calls such a page a feed with no version.
_HTML_START = re.compile(
    rb"\A(?:\s|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL
)
_BOM = b"\xef\xbb\xbf"
_WIDE_CHARSET = re.compile(r"charset\s*=\s*[\"']?(?:utf-?16|utf-?32|ucs-?2|ucs-?4)", re.IGNORECASE)
_JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
# What blog engines append to every summary: WordPress's "The post ... appeared first on ...",
# Movable Type's "The entry ... was first posted on ...", "Continue reading ...", "Read more",
# "(more…)", and the "[…]" of a cut excerpt. Only at the end, after a sentence or at the start.
_BOILERPLATE_TAIL = re.compile(
    r"""(?:
        (?:\A|(?<=\n)|(?<=[.!?…"”)\]]\s)|(?<=[。！？])|(?<=[。！？]\s))  # a sentence of its own
        (?:The\ post\ [^\n]{1,400}?\ appeared\ first\ on\ [^\n]{1,200}?
          | Der\ Beitrag\ [^\n]{1,400}?\ erschien\ zuerst\ auf\ [^\n]{1,200}?
          | L[’']article\ [^\n]{1,400}?\ est\ apparu\ en\ premier\ sur\ [^\n]{1,200}?
          | La\ entrada\ [^\n]{1,400}?\ se\ publicó\ primero\ en\ [^\n]{1,200}?
          | The\ entry\ [^\n]{1,400}?\ was\ first\ posted\ on\ [^\n]{1,200}?
          | (?:Continue|Keep)\ [Rr]eading\b[^\n]{0,200}?
          | (?:Read\ (?:[Mm]ore|the\ rest)|READ\ MORE)\b[^\n]{0,80}?
          | (?:Weiterlesen|Lire\ la\ suite|Leer\ más|Continua\ a\ leggere|Leia\ mais)\b[^\n]{0,80}?
          | (?:阅读全文|閱讀全文|查看全文|阅读更多|閱讀更多|続きを読む))
      | (?:\A|(?<=\s))  # a mark after any word
        (?:\((?:[Mm]ore|[Rr]ead\ more)\ ?(?:…|\.\.\.)?\) | (?P<cut>\[\ ?(?:…|\.\.\.)\ ?\]))
    )[\s.»›→>…:]*\Z""",
    re.VERBOSE,
)
_BOILERPLATE_CHARS = 1000  # the longest line above, with room to spare
_SENTENCE_END = tuple(".!?…\"'”’)")
# A byline templated with empty fields: "Staff Reporter · ·", "| Desk |".
_BYLINE_SEPARATOR = re.compile(r"\s*[·•|]\s*")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    entries: tuple[Entry, ...]
    problem: str | None = None  # why the document is not a well-formed feed, if it is not
    error: str | None = None  # why the document is no feed at all: a sentence for the user


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str], now: datetime) -> ParsedFeed:
    """Parse a downloaded feed; never raises on hostile input, reports a `problem` instead."""
    response_headers = {key.lower(): value for key, value in headers.items()}
    content_type = response_headers.get("content-type", "").lower()
    start = body.removeprefix(_BOM).lstrip()
    if not start:
        return ParsedFeed(
            title="", entries=(), error="empty response" if not body else "empty response (only white space)"
        )
    if start[:1] in (b"{", b"[") or ("json" in content_type and start[:1] != b"<"):
        return _json_feed(start, url, now)
    if _WIDE_CHARSET.search(content_type) and body.startswith(b"<?xml"):
        # A UTF-16 or UTF-32 header over a body that is plainly 8-bit (its first bytes are ASCII
        # without NULs): the header is wrong, and the document's own declaration decides.
        response_headers["content-type"] = content_type.split(";", 1)[0]
    # feedparser resolves relative links against Content-Location, so give it the feed's URL.
    response_headers.setdefault("content-location", url)
    try:
        parsed = feedparser.parse(body, response_headers=response_headers, sanitize_html=False)
    except Exception as failure:  # noqa: BLE001 - feedparser on hostile bytes may raise anything
        failed = f"could not parse ({failure!r})"
        return ParsedFeed(title="", entries=(), problem=failed, error=_not_a_feed(failed))
    entries = _entries(parsed.get("entries", []), url, now)
    problem = _problem(parsed)
    return ParsedFeed(
        title=one_line(str(parsed.get("feed", {}).get("title", ""))),
        entries=entries,
        problem=problem,
        error=None if entries else _no_entries(parsed, problem, start, content_type),
    )


def _no_entries(parsed: Any, problem: str | None, start: bytes, content_type: str) -> str | None:
    """Why a document without entries is no feed; None for a feed that has no items today."""
    if not parsed.get("version"):
        # feedparser gives no version to a document it recognised as no RSS or Atom at all (an
        # HTML page, a bare XML document), often without calling it "bozo": never an empty feed.
        if _HTML_START.match(start) or "html" in content_type:
            return "not a feed: the server sent an HTML page"
        if not start.startswith(b"<"):
            return "not a feed: the response is neither XML nor JSON"
        return _not_a_feed(problem)
    return _not_a_feed(problem) if problem else None


def _not_a_feed(problem: str | None) -> str:
    if problem is None:
        return "not a feed: no RSS, Atom or JSON Feed document found"
    if problem.startswith("not well-formed"):
        return f"not a feed: the XML is {shorten(problem, _PROBLEM_CHARS)}"
    return f"not a feed: the XML is not well-formed ({shorten(problem, _PROBLEM_CHARS)})"


def _entries(raws: Any, feed_url: str, now: datetime) -> tuple[Entry, ...]:
    """The feed's entries, one per canonical URL (the first one wins)."""
    entries: dict[str, Entry] = {}
    for raw in raws:
        entry = _entry(raw, feed_url, now)
        if entry is not None and entry.url not in entries:
            entries[entry.url] = entry
    return tuple(entries.values())


def _problem(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    error = parsed.get("bozo_exception")
    if type(error).__name__ in _HARMLESS_BOZO:
        return None
    text = one_line(str(error) or type(error).__name__) or "not well-formed"
    # The XML parser's "<unknown>:2:0: " names no file, and its line is off by the declaration
    # feedparser puts in front of the document: the reason alone is what helps.
    return re.sub(r"^<unknown>:\d+:\d+: ", "", text)


def _json_feed(body: bytes, url: str, now: datetime) -> ParsedFeed:
    """A JSON Feed (1.0 or 1.1), its items in the shape feedparser gives entries, so that one
    set of rules turns both into `Entry` records."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        where = (
            f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        )
        problem = f"the JSON is not valid{where}"
        return ParsedFeed(title="", entries=(), problem=problem, error=f"not a feed: {problem}")
    version = document.get("version") if isinstance(document, dict) else None
    if not (isinstance(version, str) and version.startswith(_JSON_FEED_VERSIONS)):
        return ParsedFeed(title="", entries=(), error="not a feed: a JSON document that is not a JSON Feed")
    items = document.get("items")
    raws = (
        [_json_item(item, document) for item in items if isinstance(item, dict)]
        if isinstance(items, list)
        else []
    )
    return ParsedFeed(title=one_line(_json_str(document.get("title"))), entries=_entries(raws, url, now))


def _json_item(item: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    plain = {"type": "text/plain"}
    raw: dict[str, Any] = {
        "title": _json_str(item.get("title")),
        "title_detail": plain,
        "summary": _json_str(item.get("summary")),
        "summary_detail": plain,
        "content": [
            {"value": _json_str(item.get("content_html")), "type": "text/html"},
            {"value": _json_str(item.get("content_text")), "type": "text/plain"},
        ],
        # `url` is the item's own page; `external_url` the page it is about, a link post's.
        "link": _json_str(item.get("url")) or _json_str(item.get("external_url")),
        "id": _json_str(item.get("id")),
        "guidislink": False,
        "author": _json_author(item) or _json_author(document),
        "tags": [{"term": tag} for tag in item.get("tags") or [] if isinstance(tag, str)],
    }
    for key, field in (("published_parsed", "date_published"), ("updated_parsed", "date_modified")):
        if (moment := _json_date(item.get(field))) is not None:
            raw[key] = moment
    return raw


def _json_str(value: object) -> str:
    # JSON Feed ids are strings, but publishers send numbers too; anything else is left out.
    return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _json_author(holder: dict[str, Any]) -> str:
    """The names of `authors` (1.1), else of `author` (1.0)."""
    people = holder.get("authors")
    if not isinstance(people, list):
        people = [holder.get("author")]
    names = [_json_str(person.get("name")) for person in people if isinstance(person, dict)]
    return ", ".join(dict.fromkeys(name for name in names if name.strip()))


def _json_date(value: object) -> time.struct_time | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # RFC 3339 requires an offset; UTC is the likeliest
    return moment.utctimetuple()


def _entry(raw: Any, feed_url: str, now: datetime) -> Entry | None:
    title = _text(raw, "title")
    summary = without_boilerplate(_text(raw, "summary"))
    content = without_boilerplate(_content(raw))
    link = _link(raw, feed_url)
    guid = one_line(str(raw.get("id", ""))) or None
    if link is None:
        if not (title or summary or content):
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
        author=_author(raw.get("author")),
        categories=_categories(raw),
    )


def without_boilerplate(text: str) -> str:
    """`text` without the lines blog engines add to every summary; a cut excerpt keeps "…"."""
    # Only the end is searched: a whole long read would hold the GIL for a tenth of a second,
    # and the event loop beside this thread with it.
    while match := _BOILERPLATE_TAIL.search(text, max(0, len(text) - _BOILERPLATE_CHARS)):
        text = text[: match.start()].rstrip()
        if match["cut"] and text and not text.endswith(_SENTENCE_END):
            return text + "…"
    return text


def _author(value: object) -> str | None:
    names = _BYLINE_SEPARATOR.split(one_line(str(value or "")))
    author = " · ".join(name for name in names if name).strip(" ,;:/-–—")
    return author if any(character.isalnum() for character in author) else None


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
    """The article's URL: FeedBurner's `origLink` first (the publisher's own address, so that a
    story carried through FeedBurner and directly is one story), then the entry's links, a
    direct one before a FeedBurner redirect, then a guid that is a permalink. A guid marked
    isPermaLink="false" is only an identity, however much it looks like a URL."""
    alternates = [link.get("href") for link in raw.get("links", []) or [] if link.get("rel") == "alternate"]
    candidates = [raw.get("feedburner_origlink"), raw.get("link"), *alternates]
    # feedparser's word: a guid or Atom id without isPermaLink="false"; no word at all for an
    # RSS 1.0 item's rdf:about, which names the item's page.
    if raw.get("guidislink", True):
        candidates.append(raw.get("id"))
    urls = [
        url for candidate in candidates if candidate and (url := canonical_url(str(candidate), base=feed_url))
    ]
    direct = [url for url in urls if not _is_feed_proxy(url)]
    return next(iter(direct or urls), None)


def _is_feed_proxy(url: str) -> bool:
    """A FeedBurner redirect (feedproxy.google.com/~r/..., feeds.feedburner.com/~r/...)."""
    parts = urlsplit(url)
    return parts.hostname in _FEED_PROXIES or (parts.hostname or "").endswith(".feedburner.com")


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
