"""The digest as plain text wrapped at 78 columns: what a pipe and `| mail` get."""

from __future__ import annotations

from digest.models import Digest, FeedStatus
from digest.plaintext import one_line, shorten, wrap
from digest.render.common import at_a_glance, byline, period

WIDTH = 78
TITLE_CHARS = 200
SUMMARY_CHARS = 220


def render(digest: Digest) -> str:
    lines = [digest.title.upper(), period(digest), "", *_wrap(at_a_glance(digest)), ""]
    if not digest.items:
        lines += ["No stories in this window.", ""]
    for item in digest.items:
        lines += ["-" * WIDTH]
        lines += _wrap(shorten(one_line(item.title), TITLE_CHARS))
        lines += _wrap(one_line(byline(item)), indent="  ")
        if summary := shorten(one_line(item.summary), SUMMARY_CHARS):
            lines += _wrap(summary, indent="  ")
        lines += ["  " + item.url, ""]
    failed = [feed for feed in digest.feeds if feed.status is FeedStatus.ERROR]
    if failed:
        lines += ["-" * WIDTH, "Feeds that failed:"]
        for feed in failed:
            lines += _wrap(f"{one_line(feed.name)}: {one_line(feed.error or 'unknown error')}", indent="  ")
    return "\n".join(lines).rstrip() + "\n"


def _wrap(text: str, indent: str = "") -> list[str]:
    # Long URLs stay whole (a broken URL is worse than a long line); Chinese wraps anywhere.
    return wrap(text, WIDTH, indent)
