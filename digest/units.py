"""How the digest writes a moment and a size: one ISO 8601 form in UTC, one megabyte."""

from __future__ import annotations

from datetime import UTC, datetime

# A megabyte is 2**20 bytes, as the size caps are set (a 20 MB feed, a 10 MB page or feeds
# file): the caps then read as the round numbers they are.
MB = 2**20


def iso_utc(moment: datetime) -> str:
    """ "2026-11-26T12:00:00+00:00": to the second and in UTC, so that text order is time order
    (in SQL and in a reader's sort) and every format writes a moment alike."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def megabytes(count: int) -> str:
    """ "20 MB", "1.3 MB": a byte count to a tenth of a megabyte, a whole one without ".0"."""
    return f"{count / MB:.1f}".removesuffix(".0") + " MB"
