"""Article HTML to main text and metadata with trafilatura; runs in worker processes."""

from __future__ import annotations

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


def extract_article(
    html: bytes, url: str, content_type: str | None = None, feed_text: str = ""
) -> Article | None:
    """The main text of a news page, or None when the feed's own text is the better story.

    `content_type` is the page's HTTP Content-Type: its charset decides how the page is read.
    `feed_text` is what the feed itself says of the story (its content, else its summary)."""
    import trafilatura  # noqa: PLC0415 - heavy; only worker processes need it

    document = trafilatura.bare_extraction(
        parser_input(decode_page(html, content_type)),
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
