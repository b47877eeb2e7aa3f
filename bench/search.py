"""`digest search` over a big store: how long a query takes, and what the index costs.

    python bench/search.py                 # 10,000 stories in a temporary store
    python bench/search.py --items 50000

Stories are the labelled sets' (tests/labelled, English and Chinese, written for this project),
repeated under new URLs and dates, so words and characters come at news density. Each query is
timed as `digest search` runs it: the ranked matches in a 30-day window, then snippets for the
first 20. Prints each query's median over repeats, the insert cost, and the index's share of
the file (SQLite's dbstat).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.models import Item, Window, item_id  # noqa: E402
from digest.store import Store  # noqa: E402
from digest.store.search import query  # noqa: E402

QUERIES = (
    "stablecoin",
    '"Hong Kong" licence',
    "licens*",
    "央行",
    "数字人民币",
    "證監會",
    "Dubai OR 迪拜",
    "mining NOT Texas",
)
NOW = datetime(2026, 11, 26, tzinfo=UTC)
SHOWN = 20  # results a terminal shows at once


def stories() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted((ROOT / "tests" / "labelled").glob("**/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                found.append((raw["title"], raw["summary"], raw["body"]))
    return found


def build(db: Path, count: int) -> float:
    source = stories()
    started = time.perf_counter()
    with Store.open(db) as store:
        for first in range(0, count, 1000):
            batch = []
            for n in range(first, min(first + 1000, count)):
                title, summary, body = source[n % len(source)]
                url = f"https://news.example/{n}"
                published = NOW - timedelta(minutes=n * 7 % (60 * 24 * 90))
                batch.append(
                    Item(item_id(url), url, title, summary, body, "Wire", published, True, feeds=("Wire",))
                )
            store.save(batch)
    return time.perf_counter() - started


def timed(store: Store, text: str, repeats: int) -> tuple[float, int]:
    window = Window(NOW - timedelta(days=30), NOW)
    times = []
    found = 0
    for _ in range(repeats):
        started = time.perf_counter()
        wanted = query(text)
        matched = store.matches(wanted, window)
        store.snippets([item for item, _ in matched[:SHOWN]], wanted)
        times.append(time.perf_counter() - started)
        found = len(matched)
    return statistics.median(times), found


def index_share(db: Path) -> str:
    with sqlite3.connect(db) as raw:
        try:
            pages = raw.execute(
                "SELECT sum(pgsize), sum(CASE WHEN name LIKE 'search%' THEN pgsize ELSE 0 END) FROM dbstat"
            ).fetchone()
        except sqlite3.OperationalError:
            return "dbstat not compiled in"
    total, index = pages
    return f"{index / 1e6:.1f} MB of {total / 1e6:.1f} MB ({index / total:.0%})"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "digest.sqlite3"
        seconds = build(db, options.items)
        each = seconds / options.items * 1e6
        print(f"stored {options.items:,} stories in {seconds:.2f} s ({each:.0f} µs each, index included)")
        print(f"the index: {index_share(db)}")
        with Store.open(db, read_only=True) as store:
            for text in QUERIES:
                median, found = timed(store, text, options.repeats)
                print(f"  {text!r:24} {found:6,} matches in 30 days   {median * 1000:7.1f} ms")
    print("target: 10,000 stories searched in under 0.2 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
