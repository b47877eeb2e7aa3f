"""Render the digest so a person can look at it: the terminal version as an SVG (Rich's own
export) and the HTML version as a PNG (headless Chromium). Not part of CI.

    python scripts/look.py [--out docs]

The digest is composed from the labelled stories in tests/labelled, tagged by the real
tagger and spread over the last two weeks, so every section, chart and trend has content.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from digest.compose import compose  # noqa: E402
from digest.models import Filters, Item, Window, item_id  # noqa: E402
from digest.render import html  # noqa: E402
from digest.render import rich as rich_render  # noqa: E402
from digest.tagging import Tagger, region_names  # noqa: E402

OUTLETS = ["Policy Wire", "Asia Ledger", "Chain Dispatch", "Ledger Insights", "链闻"]


def stories(now: datetime) -> list[Item]:
    tagger = Tagger()
    items = []
    lines = [
        json.loads(line)
        for path in sorted((ROOT / "tests" / "labelled").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for n, raw in enumerate(lines[::3]):  # a third of them: a fortnight's worth
        url = f"https://news.example.org/{raw['id']}"
        outlet = "链闻" if raw["lang"] == "zh" else OUTLETS[n % 4]
        items.append(
            Item(
                id=item_id(url), url=url, title=raw["title"], summary=raw["summary"], text=raw["body"],
                feed=outlet, feeds=(outlet,), published=now - timedelta(hours=5 + 4 * n), extracted=True,
                tags=tagger.tag(raw["title"], raw["summary"], raw["body"]),
            )
        )  # fmt: skip
    return items


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)

    now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    window = Window(now - timedelta(days=14), now)
    items = stories(now)
    codes = {r.code.split("-")[0] for item in items for r in item.tags.regions}
    codes |= {item.tags.primary_region for item in items if item.tags.primary_region}
    digest = compose(items, (), window, Filters(), now, names=region_names(codes))

    console = Console(
        record=True, width=100, force_terminal=True, color_system="truecolor", file=io.StringIO()
    )
    console.print(rich_render.render(digest))
    svg = options.out / "digest-terminal.svg"
    svg.write_text(console.export_svg(title="digest show"), encoding="utf-8")
    print(f"wrote {svg}")

    page = options.out / "digest-email.html"
    page.write_text(html.render(digest), encoding="utf-8")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        print("no Chromium found: install it (apt-get install chromium) for the PNG", file=sys.stderr)
        return 1
    png = options.out / "digest-email.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--hide-scrollbars", "--window-size=760,2400", f"--screenshot={png}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
