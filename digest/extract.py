"""Article HTML to main text and metadata with trafilatura; runs in worker processes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from rapidfuzz.distance import LCSseq

from digest.decode import decode_page
from digest.models import Article
from digest.plaintext import clean_text, columns, one_line
from digest.walls import wall_phrase

# Below this, what trafilatura found is a caption, a share bar or a "loading" line, whatever the
# feed has. A news flash is longer: two sentences. Counted in columns, so a Chinese, Japanese
# or Korean character (two columns, about a word's worth) counts twice.
MIN_ARTICLE_COLUMNS = 100
# A page whose text is the feed's own text again, with less than this share of it new (a teaser
# and a "subscribe" line), adds nothing the feed did not have: its wall said no more.
NEW_SHARE = 0.3

# What trafilatura never reads, taken out of the page before it is parsed: a framework's JSON
# state, scripts and styles, inline SVG and comments made a 9.5 MB page cost the run 615 MB,
# most of it in trees that trafilatura then cleaned away. JSON-LD stays (the author and the
# date are read from it), unless it is too big to be only metadata.
# An opening tag is looked into for 4 KB at most (a page of unclosed `<script` would otherwise
# cost a scan to its end for each one); a longer one is left to the parser.
_UNREAD = re.compile(rb"<(script|style|svg)(?=[\s>/])([^<>]{0,4096})>|<!--", re.IGNORECASE)
_CLOSERS = {
    name: re.compile(rb"</" + name + rb"\s*>", re.IGNORECASE) for name in (b"script", b"style", b"svg")
}
_COMMENT_END = re.compile(rb"-->")
_METADATA_SCRIPT = re.compile(rb"""type\s*=\s*["']?application/(?:ld|settings)\+json""", re.IGNORECASE)
METADATA_SCRIPT_MAX_BYTES = 256 * 1024
# An image inlined into the page: its bytes are no text, only the scheme need stay.
_DATA_URI = re.compile(rb"""data:[^"'\s>)]{64,}""")
# What is left of a page is parsed up to this many bytes. The benchmark's 181 real pages leave
# 225 KB at most; past a megabyte, trafilatura's time grows faster than the markup (1 MB of
# comment thread: 3 s and 27 MB; 2 MB: 17 s; 3 MB: 58 s), and a story comes before its thread.
PARSE_MAX_BYTES = 1024 * 1024


def extract_article(
    html: bytes, url: str, content_type: str | None = None, feed_text: str = ""
) -> Article | None:
    """The main text of a news page, or None when the feed's own text is the better story.

    `content_type` is the page's HTTP Content-Type: its charset decides how the page is read.
    `feed_text` is what the feed itself says of the story (its content, else its summary)."""
    import trafilatura  # noqa: PLC0415 - heavy; only worker processes need it

    document = trafilatura.bare_extraction(
        parser_input(decode_page(bounded(without_unread(html)), content_type)),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
    )
    if document is None:
        return None
    text = clean_text(getattr(document, "text", None) or "")
    if not better_than_feed(text, feed_text):
        return None
    return Article(
        text=text,
        title=_field(document, "title"),
        author=_field(document, "author"),
        published=_date(_field(document, "date")),
        site_name=_field(document, "sitename"),
    )


def better_than_feed(article: str, feed_text: str) -> bool:
    """Whether the page's text should stand for the story rather than the feed's: longer than the
    feed's own text, not a paywall, consent or bot wall, and not the feed's text again."""
    feed_columns = max(columns(feed_text), MIN_ARTICLE_COLUMNS - 1)
    # Every character takes a column or two: a start as long as the feed's text settles it
    # (measuring all of a long article was a tenth of the extraction's time).
    if columns(article[: feed_columns + 1]) <= feed_columns:
        return False
    return wall_phrase(article) is None and not restates(article, feed_text)


def restates(article: str, feed_text: str) -> bool:
    """Whether the article is mostly the feed's text again: less than NEW_SHARE of it is new."""
    page, feed = _squeezed(article), _squeezed(feed_text)
    if not feed or len(page) - len(feed) >= NEW_SHARE * len(page):
        return False  # more new text than the feed could account for, even all of it shared
    shared = LCSseq.similarity(page, feed)
    return len(page) - shared < NEW_SHARE * len(page)


def _squeezed(text: str) -> str:
    return " ".join(text.casefold().split())


def without_unread(html: bytes) -> bytes:
    """The page without its scripts (but metadata), styles, SVG, comments and inlined images.

    Works on the bytes, before decoding: in every charset a page can declare in its markup,
    `<` and the ASCII letters of a tag are those bytes (UTF-16 pages, which have none, pass
    through untouched). One pass, each end searched for once: a page cannot make it quadratic."""
    kept: list[bytes] = []
    start = 0
    while (found := _UNREAD.search(html, start)) is not None:
        kept.append(html[start : found.start()])
        name = found.group(1)
        if name is None:
            end = _COMMENT_END.search(html, found.end())
        else:
            end = _CLOSERS[name.lower()].search(html, found.end())
        if end is None:  # unterminated: the parser would take the rest for it too
            return b"".join(kept)
        if name is not None and _is_metadata(name, found.group(2), end.end() - found.start()):
            kept.append(html[found.start() : end.end()])
        start = end.end()
    kept.append(html[start:])
    return _DATA_URI.sub(b"data:,", b"".join(kept))


def _is_metadata(name: bytes, attributes: bytes, size: int) -> bool:
    """A JSON-LD script small enough to be only the page's metadata."""
    return (
        name.lower() == b"script"
        and size <= METADATA_SCRIPT_MAX_BYTES
        and bool(_METADATA_SCRIPT.search(attributes))
    )


def bounded(html: bytes) -> bytes:
    """At most PARSE_MAX_BYTES of the page, cut before a tag (the parser closes what is open)."""
    if len(html) <= PARSE_MAX_BYTES:
        return html
    cut = html.rfind(b"<", 0, PARSE_MAX_BYTES)
    return html[: cut if cut > 0 else PARSE_MAX_BYTES]


def parser_input(page: str) -> str:
    """The decoded page as lxml takes it: text with an XML declaration naming an encoding is
    refused, and trafilatura would then re-read the page as bytes, in the charset it declares."""
    start = page.lstrip()
    if start.startswith("<?xml") and (end := start.find("?>")) != -1:
        return start[end + 2 :]
    return page


def _field(document: object, name: str) -> str | None:
    value = getattr(document, name, None)
    return one_line(str(value)) or None if value else None


def _date(text: str | None) -> datetime | None:
    """trafilatura gives the page's date as YYYY-MM-DD; midnight UTC is as precise as it gets."""
    try:
        return datetime.strptime(text or "", "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
