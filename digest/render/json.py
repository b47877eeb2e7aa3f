"""The digest as the contract's JSON object."""

from __future__ import annotations

import json
from typing import Any

from digest.models import Digest, FeedResult, FeedStatus, Item, Results
from digest.plaintext import one_line
from digest.render.common import results_heading
from digest.units import iso_utc
from digest.urls import is_web_link


def render(digest: Digest) -> str:
    document = {
        "title": digest.title,
        "period": {"start": iso_utc(digest.window.start), "end": iso_utc(digest.window.end)},
        "generated_at": iso_utc(digest.generated_at),
        "items": [_item(item) for item in digest.items],
        "feeds": [_feed(feed, feed in digest.attention) for feed in digest.feeds],
        "issue": digest.issue,
        # Extra keys the contract allows: the lead's stories, by item id.
        "top_stories": [story.item.id for story in digest.top],
    }
    # Compact: the C encoder only serves `indent=None`, and an indented 10,000-item digest took
    # seconds; `| jq .` shows it to a person.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def _item(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": one_line(item.title),
        "url": item.url if is_web_link(item.url) else None,  # never the made-up key of a linkless entry
        "feed": item.feed,
        "published": iso_utc(item.published),
        "summary": one_line(item.summary),
        "policy": item.tags.policy,
        "topics": list(item.tags.topics),
        "regions": [{"code": region.code, "name": region.name} for region in item.tags.regions],
        "primary_region": item.tags.primary_region,
        "extracted": item.extracted,
        # Extra keys the contract allows: every outlet that carried the story, and its author.
        "feeds": list(item.feeds),
        "author": item.author,
    }


def _feed(feed: FeedResult, needs_attention: bool) -> dict[str, Any]:
    # The contract's statuses are ok, not_modified and error: a feed not fetched yet is shown
    # within them, as an error that says so, and told apart by the extra key `fetched`.
    fetched = feed.status is not FeedStatus.NOT_FETCHED
    return {
        "name": feed.name,
        "url": feed.url,
        "status": feed.status.value if fetched else FeedStatus.ERROR.value,
        "error": feed.error if fetched else (feed.error or "not fetched yet"),
        "fetched": fetched,
        "new_items": feed.new_items,
        "consecutive_failures": feed.failures,
        "moved_to": feed.moved_to,
        "gone": feed.gone,
        "needs_attention": needs_attention,
    }


def results(found: Results) -> str:
    """Search results as the contract's JSON object: its items best first, each with its
    snippet and rank as extra keys."""
    document = {
        "title": results_heading(found),
        "query": found.query,
        "period": {"start": iso_utc(found.window.start), "end": iso_utc(found.window.end)},
        "generated_at": iso_utc(found.generated_at),
        "total": found.total,
        "items": [
            {**_item(match.item), "snippet": one_line(match.snippet), "rank": match.rank}
            for match in found.found
        ],
        "feeds": [],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
