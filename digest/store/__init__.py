"""The SQLite store: `schema` (migrations), `rows` (rows to values and back), `items`, `feeds`
and `archive` (one module a table), `lock` (the run lock), and the `Store` that opens it all."""

from digest.store.database import Store
from digest.store.faults import BUSY_SECONDS
from digest.store.lock import run_in_progress, run_lock
from digest.store.rows import TEXT_LEAD_CHARS
from digest.store.schema import MIGRATIONS, RETRIES, RETRY_SPACING

__all__ = [
    "BUSY_SECONDS",
    "MIGRATIONS",
    "RETRIES",
    "RETRY_SPACING",
    "TEXT_LEAD_CHARS",
    "Store",
    "run_in_progress",
    "run_lock",
]
