"""Article HTML to main text and metadata with trafilatura; runs in worker processes."""

from __future__ import annotations

from datetime import UTC, datetime

from digest.decode import decode_page
from digest.models import Article
from digest.plaintext import clean_text, columns, one_line

# Below this, what trafilatura found is a paywall notice, a bot wall or a cookie banner, not
# the story; the feed's own summary is the better text then. Counted in columns, so a Chinese,
# Japanese or Korean character (two columns, about a word's worth) counts twice.
MIN_ARTICLE_COLUMNS = 400


def extract_article(html: bytes, url: str, content_type: str | None = None) -> Article | None:
    """The main text of a news page, or None when there is no plausible article in it.

    `content_type` is the page's HTTP Content-Type: its charset decides how the page is read."""
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
    # Every character takes a column or two: the start of a long text settles it (measuring
    # all of it was a tenth of the extraction's time).
    if columns(text[:MIN_ARTICLE_COLUMNS]) < MIN_ARTICLE_COLUMNS:
        return None
    return Article(
        text=text,
        title=_field(document, "title"),
        author=_field(document, "author"),
        published=_date(_field(document, "date")),
        site_name=_field(document, "sitename"),
    )


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
