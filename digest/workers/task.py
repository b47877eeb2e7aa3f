"""What a worker process does with one downloaded page: extract the article, then tag it.

Both are CPU-bound. Tagging here too, not in the run's own process, leaves that process to the
network: on a small machine it shares the cores with the workers, and every process more than
there are cores makes all of them slower."""

from __future__ import annotations

from functools import cache

from digest.extract import extract_article
from digest.models import Article, Tags, Vocabulary
from digest.plaintext import shorten
from digest.tagging import Tagger

SUMMARY_CHARS = 300


def read_page(
    html: bytes,
    url: str,
    title: str,
    feed_summary: str,
    vocabulary: Vocabulary,
    *,
    content_type: str | None,
    feed_text: str,
) -> tuple[Article, Tags] | None:
    """The page's article and its tags, or None when the feed's own text is the better story."""
    article = extract_article(html, url, content_type, feed_text)
    if article is None:
        return None
    return article, _tagger(vocabulary).tag(title, summary_of(feed_summary, article.text), article.text)


def summary_of(feed_summary: str, body: str) -> str:
    """The feed's own summary, else the start of the story."""
    return feed_summary or shorten(" ".join(body.split()), SUMMARY_CHARS)


def prepare(vocabulary: Vocabulary) -> None:
    """Build the tagger before the first page comes (run once in each worker as it starts)."""
    _tagger(vocabulary)


@cache
def _tagger(vocabulary: Vocabulary) -> Tagger:
    """Built once per worker, at its first page (the user's vocabulary comes with the page)."""
    return Tagger(vocabulary)
