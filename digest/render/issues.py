"""`digest issues`: the issues sent so far, as aligned text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from digest.models import Issue
from digest.plaintext import table
from digest.render.common import date_of, minute
from digest.units import iso_utc

COLUMNS = ("issue", "sent", "period", "items", "format")


def text(issues: Sequence[Issue]) -> str:
    if not issues:
        return "No issues yet: `digest show --new-only` or `digest fetch --new-only` sends the first.\n"
    return "\n".join(table([COLUMNS, *(_row(issue) for issue in issues)])) + "\n"


def as_json(issues: Sequence[Issue]) -> str:
    records = [
        {
            "number": issue.number,
            "sent_at": iso_utc(issue.sent_at),
            "period": {"start": iso_utc(issue.window.start), "end": iso_utc(issue.window.end)},
            "items": issue.items,
            "format": issue.format,
        }
        for issue in issues
    ]
    return json.dumps({"issues": records}, indent=2) + "\n"


def _row(issue: Issue) -> tuple[str, ...]:
    # The window is half-open: one ending at midnight ends on the day before.
    last = issue.window.end - timedelta(microseconds=1)
    period = f"{date_of(issue.window.start)} – {date_of(last)}"
    sent = minute(issue.sent_at)
    return (str(issue.number), sent, period, str(issue.items), issue.format)
