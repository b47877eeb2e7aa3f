"""`digest issues`: the issues sent so far, as aligned text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from digest.models import Issue
from digest.plaintext import table

COLUMNS = ("issue", "sent", "period", "items", "format")


def text(issues: Sequence[Issue]) -> str:
    if not issues:
        return "No issues yet: `digest show --new-only` or `digest fetch --new-only` sends the first.\n"
    return "\n".join(table([COLUMNS, *(_row(issue) for issue in issues)])) + "\n"


def as_json(issues: Sequence[Issue]) -> str:
    records = [
        {
            "number": issue.number,
            "sent_at": _iso(issue.sent_at),
            "period": {"start": _iso(issue.window.start), "end": _iso(issue.window.end)},
            "items": issue.items,
            "format": issue.format,
        }
        for issue in issues
    ]
    return json.dumps({"issues": records}, indent=2) + "\n"


def _row(issue: Issue) -> tuple[str, ...]:
    # The window is half-open: one ending at midnight ends on the day before.
    last = issue.window.end - timedelta(microseconds=1)
    period = f"{issue.window.start.astimezone():%Y-%m-%d} – {last.astimezone():%Y-%m-%d}"
    sent = f"{issue.sent_at.astimezone():%Y-%m-%d %H:%M}"
    return (str(issue.number), sent, period, str(issue.items), issue.format)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
