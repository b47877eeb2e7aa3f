"""How promptly an interrupted run ends: Ctrl-C to the process group at each moment of a slow
fetch (the moments of tests/test_signals.py), then SIGTERM once mid-extraction.

    python bench/interrupts.py

Printed per signal: seconds from the signal to the run's exit, and to its stderr closing (every
helper process gone: the fork server, the resource tracker, the workers). The suite checks that
each interrupt gives one line and exit 130/143 within a generous bound; the figure lives here,
where a loaded machine cannot make a test flake (the aim: well under 2 s on an idle machine).
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import FixtureServer  # noqa: E402
from test_signals import INTERRUPTED, MOMENTS, start_a_run, stored, wait_until  # noqa: E402


def interrupt_once(moment: str, signum: int) -> tuple[float, float, bool]:
    """Seconds to the run's exit and to its stderr closing, and whether it said only the line."""
    server = FixtureServer()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            where = Path(scratch)
            env = {
                "HOME": str(where),
                "DIGEST_DB": str(where / "store.sqlite3"),
                "XDG_CONFIG_HOME": str(where / "config"),
                "XDG_DATA_HOME": str(where / "data"),
            }
            run = start_a_run(server, where, env)
            db = Path(env["DIGEST_DB"])
            if moment in MOMENTS:
                wait_until(lambda: MOMENTS[moment](run.pid, server, db))
            else:
                wait_until(lambda: stored(db) >= 1)
            sent = time.monotonic()
            os.killpg(run.pid, signum)
            run.wait(timeout=60)
            exited = time.monotonic() - sent
            _, err = run.communicate(timeout=60)
            closed = time.monotonic() - sent
            return exited, closed, err == INTERRUPTED
    finally:
        server.close()


def main() -> int:
    figures = []
    for moment in MOMENTS:
        exited, closed, quiet = interrupt_once(moment, signal.SIGINT)
        figures.append(closed)
        _line("SIGINT", moment, exited, closed, quiet)
    exited, closed, quiet = interrupt_once("SIGTERM mid-extraction", signal.SIGTERM)
    figures.append(closed)
    _line("SIGTERM", "mid-extraction", exited, closed, quiet)
    print(f"to stderr closed: median {statistics.median(figures):.2f} s, max {max(figures):.2f} s")
    return 0


def _line(signal_name: str, moment: str, exited: float, closed: float, quiet: bool) -> None:
    print(f"{signal_name:<7} {moment:<26} exit {exited:5.2f} s  stderr closed {closed:5.2f} s  quiet={quiet}")


if __name__ == "__main__":
    raise SystemExit(main())
