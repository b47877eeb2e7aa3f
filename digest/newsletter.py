"""The read side: the digest for a window and filters from the store, the next issue (what
no earlier issue told, numbered, recorded once it is out) and past issues."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from digest.plaintext import one_line, redact_url, redact_urls

if TYPE_CHECKING:
    from digest.models import Digest, Feed, FeedHealth, FeedResult, Filters, Item, Window
    from digest.store import Store

# A feed as `digest feeds` or a digest shows it.
_Shown = TypeVar("_Shown", "FeedResult", "FeedHealth")


def digest(
    store: Store,
    window: Window,
    filters: Filters,
    feeds: Sequence[Feed],
    *,
    new_only: bool = False,
    now: datetime | None = None,
) -> Digest:
    """The digest of `window` from the store, each feed as its last run left it. `new_only`:
    only the stories no earlier issue told (see `since_last_issue` for the window to give)."""
    from digest import compose  # noqa: PLC0415
    from digest.models import Window  # noqa: PLC0415
    from digest.same_story import SAME_STORY_DAYS  # noqa: PLC0415
    from digest.store import run_in_progress  # noqa: PLC0415
    from digest.tagging import region_names  # noqa: PLC0415

    sent: list[Item] = []
    if new_only:
        items = store.items_in(window, sent=False)
        # What earlier issues told lately, so another outlet's later report of it is no news.
        told = Window(window.start - timedelta(days=SAME_STORY_DAYS), window.end)
        sent = store.items_in(told, sent=True)
    else:
        items = store.items_in(window)
    before = store.items_in(compose.previous(window), policy_only=True)  # the trends count policy stories
    codes = {r.code.split("-")[0] for item in (*items, *before) for r in item.tags.regions}
    codes |= {item.tags.primary_region for item in items if item.tags.primary_region}
    results = [redacted(result) for result in store.feed_results(feeds)]
    return compose.compose(
        items, results, window, filters, now or datetime.now(UTC), before=before, names=region_names(codes),
        sent=sent, fetching=run_in_progress(store.path),  # another process's fetch holds the store
    )  # fmt: skip


def since_last_issue(store: Store, window: Window) -> Window:
    """A new issue reaches back to where the last one ended, if that is before the usual window
    (a missed fortnight, a failed send), so that no story falls between two issues."""
    last = store.last_issue()
    if last is None or last.window.end >= window.start:
        return window
    return dataclasses.replace(window, start=last.window.end)


def numbered(store: Store, digest: Digest) -> Digest:
    """The digest as the next issue: its number, and the number in its title."""
    number = store.next_issue()
    return dataclasses.replace(digest, issue=number, title=f"{digest.title} · issue {number}")


def record(store: Store, issue: Digest, shown_as: str, *, now: datetime | None = None) -> None:
    """Keep `issue` as sent in the format `shown_as`, once it was fully written (a broken pipe
    or a failed write records nothing, so its stories stay new for the next issue)."""
    # JSON carries every item; the newsletter layouts tell fewer (other headlines are capped),
    # and what they leave out stays new for the next issue.
    told: Iterable[str] = [item.url for item in issue.items] if shown_as == "json" else issue.told()
    store.record_issue(issue, shown_as, now or datetime.now(UTC), [*told, *issue.repeats])


def past_issue(store: Store, number: int) -> Digest | None:
    """Issue `number` exactly as it was sent, or None when there is none by that number."""
    return store.issue(number)


def no_such_issue(store: Store, number: int) -> str:
    """Why there is no issue `number`: which numbers there are."""
    last = store.next_issue() - 1
    known = f"issues are 1 to {last}" if last else "no issue was sent yet"
    return f"no issue {number}: {known} (see `digest issues`)"


def redacted(feed: _Shown) -> _Shown:
    """A feed as people get to see it: its URL as configured carries any credentials the
    request needs (`https://user:pass@host/`, `?token=`); what is shown carries none, and its
    error (server text: a reason phrase, a redirect target) is cleaned like feed text."""
    return dataclasses.replace(
        feed,
        url=redact_url(feed.url),
        error=shown_error(feed.error) if feed.error else feed.error,
        moved_to=redact_url(feed.moved_to) if feed.moved_to else feed.moved_to,
    )


def shown_error(error: str | None) -> str:
    """A feed's error as a message may show it: one line, server text cleaned, no credentials."""
    return one_line(redact_urls(error or "unknown error"))
