"""The issues sent: each one's number, window and format, the URLs it told, and its digest
kept whole (as JSON) so that a past issue reprints exactly as it went out."""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import sqlite3
import types
import typing
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from digest.models import Digest, Issue, Item
from digest.store import rows
from digest.units import iso_utc

_ISSUE_VALUES = (*rows.ISSUE_COLUMNS, "digest")


def record(db: sqlite3.Connection, digest: Digest, fmt: str, sent_at: datetime, urls: Iterable[str]) -> None:
    """Keep a sent digest as issue `digest.issue`, and the URLs of the items it included; inside
    the caller's transaction."""
    told = list(dict.fromkeys(urls))
    db.execute(
        f"INSERT INTO issues ({rows.listed(_ISSUE_VALUES)}) VALUES ({rows.placeholders(_ISSUE_VALUES)})",
        {
            "number": digest.issue,
            "sent_at": iso_utc(sent_at),
            "window_start": iso_utc(digest.window.start),
            "window_end": iso_utc(digest.window.end),
            "format": fmt,
            "items": len(told) - len(digest.repeats),
            "digest": json.dumps(_plain(digest), ensure_ascii=False, separators=(",", ":")),
        },
    )
    db.executemany(
        "INSERT OR IGNORE INTO issue_items (issue, url) VALUES (?, ?)", [(digest.issue, url) for url in told]
    )


def next_number(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT coalesce(max(number), 0) + 1 FROM issues").fetchone()[0])


def issues(db: sqlite3.Connection) -> list[Issue]:
    return [
        rows.issue(row)
        for row in db.execute(f"SELECT {rows.listed(rows.ISSUE_COLUMNS)} FROM issues ORDER BY number")
    ]


def last(db: sqlite3.Connection) -> Issue | None:
    row = db.execute(
        f"SELECT {rows.listed(rows.ISSUE_COLUMNS)} FROM issues ORDER BY number DESC LIMIT 1"
    ).fetchone()
    return rows.issue(row) if row else None


def digest(db: sqlite3.Connection, number: int) -> Digest | None:
    """An issue's digest exactly as it was composed when it was sent."""
    row = db.execute("SELECT digest FROM issues WHERE number = ?", (number,)).fetchone()
    return _rebuilt(Digest, json.loads(row["digest"])) if row else None


def _plain(value: object) -> object:
    """A model value as JSON-ready data, for the issue archive."""
    if isinstance(value, Item):
        # Renderers never show an item's full text, and it is most of an item's size.
        value = dataclasses.replace(value, text="")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(element) for element in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rebuilt(kind: Any, data: Any) -> Any:
    """The model value of type `kind` that `_plain` turned into `data`."""
    if data is None:
        return None
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin is types.UnionType or origin is typing.Union:
        return _rebuilt(next(a for a in arguments if a is not type(None)), data)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_rebuilt(arguments[0], element) for element in data)
        return tuple(_rebuilt(a, element) for a, element in zip(arguments, data, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _rebuilt(hints[name], value) for name, value in data.items() if name in hints})
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    return data


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)
