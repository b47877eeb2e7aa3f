"""What the writer's damage check at open costs: `PRAGMA quick_check` over a big store.

    python bench/store_check.py                 # a 200,000-item store in a temporary directory
    python bench/store_check.py --items 20000   # smaller
    python bench/store_check.py --db PATH       # an existing store (built there if missing)

Prints the store's size, then the time of a writer's open (schema, quick check, WAL, write-lock
probe), of a reader's open, and of the quick check alone, cold-ish (after the build) and warm.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest.models import Item, Tags, item_id
from digest.store import Store

# A stored article is ~2,500 characters of text on average in the bench world.
TEXT = "The central bank sets out rules for stablecoin issuers and their reserves. " * 33


def build(db: Path, count: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with Store.open(db) as store:
        for first in range(0, count, 1000):
            batch = [
                Item(
                    id=item_id(f"https://news.example/{n}"), url=f"https://news.example/{n}",
                    title=f"Story {n}", summary=TEXT[:300], text=f"{n} {TEXT}", feed="Wire",
                    feeds=("Wire",), published=start + timedelta(minutes=n), extracted=True,
                    tags=Tags(topics=("regulation",)),
                )
                for n in range(first, min(first + 1000, count))
            ]  # fmt: skip
            store.save(batch)


def quick_check(db: Path) -> None:
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA quick_check(1)").fetchone()
    connection.close()


def timed(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--db", type=Path)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = arguments.db or Path(folder) / "store.sqlite3"
        if not db.exists():
            print(f"building {arguments.items:,} items ...", flush=True)
            build(db, arguments.items)
        print(f"store: {db.stat().st_size / 1e6:,.0f} MB")
        for attempt in ("first", "again"):
            writer = timed(lambda: Store.open(db).close())
            reader = timed(lambda: Store.open(db, read_only=True).close())
            check = timed(lambda: quick_check(db))
            print(f"{attempt}: writer open {writer:.3f} s, reader open {reader:.3f} s, ", end="")
            print(f"quick_check alone {check:.3f} s")


if __name__ == "__main__":
    main()
