"""The labelled set end to end, as the outside checks measure the tagger: each story served as
a feed entry and a news page on loopback, fetched by the real `digest fetch --format json`,
and the JSON scored against the labels.

    python bench/labelled_fetch.py              # the v2 set's held-out fifth, by language and form
    python bench/labelled_fetch.py --tune       # its tuning four-fifths (may be looked at)
    python bench/labelled_fetch.py --tune --misses

Whole articles get a page built like a real one (navigation, share bar, ads, a figure, inline
and trailing related stories naming other places, newsletter box, comments, sidebar, footer:
bench/world.py) around the labelled body, so extraction and boilerplate are part of what is
measured; headline-and-summary stories have no page (404), so the feed's text is what is
tagged. Figures differ from `tests/labelled/score.py`, which tags the labelled text directly.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import world
from run import cli_environment, digest_command, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from labelled.score import Labelled, Report, count, load_v2

from digest.models import Region, Tags

OUTLETS = 6  # stories spread over several outlets, so related-story lists mix languages less


def outlets(items: Sequence[Labelled], now: datetime) -> list[world.Outlet]:
    """One outlet per language and form, at most OUTLETS, each on its own loopback address."""
    groups: dict[tuple[str, str], list[world.Story]] = {}
    for number, item in enumerate(items):
        story = world.Story(
            slug=item.id,
            title=item.title,
            summary=item.summary,
            paragraphs=tuple(line.strip() for line in item.body.splitlines() if line.strip()),
            published=now - timedelta(minutes=number),
            author="Staff Reporter",
            section="Policy",
        )
        groups.setdefault((item.lang, item.form), []).append(story)
    return [
        world.Outlet(f"Outlet {lang} {form}", f"127.0.0.{10 + index}", tuple(stories))
        for index, ((lang, form), stories) in enumerate(sorted(groups.items())[:OUTLETS])
    ]


def fetched(items: Sequence[Labelled]) -> dict[str, dict[str, Any]]:
    """The JSON items of one cold fetch of every story, by labelled id."""
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as workdir, world.World(outlets(items, now), latency=0.0) as served:
        for outlet in served.outlets:
            for story in outlet.stories:
                if not story.paragraphs:  # a headline and a summary only: no page to read
                    served.withdraw(outlet, story)
        home = Path(workdir)
        feeds = home / "feeds.toml"
        feeds.write_text(served.feeds_file(), encoding="utf-8")
        environment = cli_environment(home) | {"DIGEST_DB": str(home / "store.sqlite3")}
        run = run_cli(
            [*digest_command(), "fetch", "--feeds", str(feeds), "--format", "json", "--days", "30", "-q"],
            environment,
        )
    found = json.loads(run.stdout)["items"]
    return {str(entry["url"]).rsplit("/", 1)[-1].removesuffix(".html"): entry for entry in found}


def tags_of(entry: dict[str, Any] | None) -> Tags:
    if entry is None:  # never stored: counts as tagged with nothing
        return Tags()
    return Tags(
        topics=tuple(entry["topics"]),
        regions=tuple(Region(region["code"], region["name"]) for region in entry["regions"]),
        primary_region=entry["primary_region"],
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tune", action="store_true", help="the tuning four-fifths, not the held-out fifth")
    parser.add_argument("--misses", action="store_true", help="list the misses (tuning side only)")
    options = parser.parse_args(argv)
    items = [item for item in load_v2() if item.held_out != options.tune]
    if not items:
        raise SystemExit("no v2 labelled stories found in tests/labelled/v2/")
    entries = fetched(items)
    side = "tune" if options.tune else "held out"
    missing = sum(item.id not in entries for item in items)
    print(f"{len(items)} stories served, {len(items) - missing} came back in the JSON")
    misses: list[str] = []
    for lang in ("en", "zh"):
        for form in ("summary", "article"):
            part = [item for item in items if item.lang == lang and item.form == form]
            report = Report()
            for item in part:
                count(report, item, tags_of(entries.get(item.id)))
            if part:
                print("\n".join(report.lines(f"{side}, {lang}, {form}")))
                misses += report.misses
        other = Report()
        for item in items:
            if item.lang == lang and not item.policy:
                count(other, item, tags_of(entries.get(item.id)))
        print(f"{side}, {lang}, non-policy: country-level F1 {other.countries.f1:.3f}")
    if options.misses and options.tune:
        print(f"\nmisses ({len(misses)}):", *misses, sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
