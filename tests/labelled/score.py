"""Score the tagger on the labelled set: policy, regions, primary region, topics.

    python tests/labelled/score.py            # figures for tune, held-out and all; tune misses
    python tests/labelled/score.py --holdout  # also list held-out misses (spoils them for tuning)
    python tests/labelled/score.py --v2       # the v2 set (issue 12), held out, by language and form
    python tests/labelled/score.py --v2 --tune [--misses]  # its tuning four-fifths, and their misses
    python tests/labelled/score.py --v2 --explain ID ...    # one v2 tuning story's tags and evidence

A fifth of the items (by a hash of their id) is held out: no tuning decision may look at them,
so their figures say how the tagger does on news it was not fitted to.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from digest.models import Tags
from digest.tagging import Tagger

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    lang: str
    title: str
    summary: str
    body: str
    policy: bool
    topics: frozenset[str]
    regions: frozenset[str]
    primary_region: str | None
    kind: str
    form: str = "summary"
    # The first set was labelled when only policy stories had regions; v2 labels every story's.
    every_region: bool = True

    @property
    def held_out(self) -> bool:
        return int(hashlib.sha1(self.id.encode()).hexdigest(), 16) % 5 == 0  # noqa: S324 - a split, not security


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Iterable[str], predicted: Iterable[str]) -> None:
        gold, predicted = set(gold), set(predicted)
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    items: int = 0
    policy: Counts = field(default_factory=Counts)
    countries: Counts = field(default_factory=Counts)
    codes: Counts = field(default_factory=Counts)
    topics: Counts = field(default_factory=Counts)
    primary_right: int = 0
    primary_total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def primary_accuracy(self) -> float:
        return self.primary_right / self.primary_total if self.primary_total else 1.0

    def lines(self, label: str) -> list[str]:
        return [
            f"{label}: {self.items} items",
            f"  policy     precision {self.policy.precision:.3f}  recall {self.policy.recall:.3f}"
            f"  F1 {self.policy.f1:.3f}",
            f"  regions    country-level F1 {self.countries.f1:.3f}  full-code F1 {self.codes.f1:.3f}",
            f"  primary    accuracy {self.primary_accuracy:.3f} ({self.primary_right}/{self.primary_total})",
            f"  topics     micro-F1 {self.topics.f1:.3f}",
        ]


def load(paths: Sequence[Path] | None = None, *, every_region: bool = False) -> list[Labelled]:
    items = []
    for path in paths or sorted(HERE.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                items.append(
                    Labelled(
                        id=raw["id"], lang=raw["lang"], title=raw["title"], summary=raw["summary"],
                        body=raw["body"], policy=raw["policy"], topics=frozenset(raw["topics"]),
                        regions=frozenset(raw["regions"]), primary_region=raw["primary_region"],
                        kind=raw["kind"], form=raw.get("form", "summary"), every_region=every_region,
                    )
                )  # fmt: skip
    return items


def country(code: str) -> str:
    return code.split("-", maxsplit=1)[0]


def score(items: Iterable[Labelled], tagger: Tagger) -> Report:
    report = Report()
    for item in items:
        tags = tagger.tag(item.title, item.summary, as_extracted(item))
        count(report, item, tags)
    return report


def as_extracted(item: Labelled) -> str:
    """The body as digest stores a page's text: trafilatura gives the headline as the first
    line and one line break between paragraphs, so the set is scored the way real pages are."""
    if not item.body.strip():
        return item.body
    paragraphs = [line.strip() for line in item.body.splitlines() if line.strip()]
    if paragraphs[0] != item.title.strip():
        paragraphs.insert(0, item.title.strip())
    return "\n".join(paragraphs)


def count(report: Report, item: Labelled, tags: Tags) -> None:
    report.items += 1
    predicted = {region.code for region in tags.regions}
    report.policy.add(["policy"] if item.policy else [], ["policy"] if tags.policy else [])
    if not (item.policy or item.every_region):  # its regions were never labelled
        predicted = set(item.regions)
    report.countries.add({country(c) for c in item.regions}, {country(c) for c in predicted})
    report.codes.add(item.regions, predicted)
    report.topics.add(item.topics, tags.topics)
    if item.regions:  # every story with a place has a primary region (or a tie: null)
        report.primary_total += 1
        report.primary_right += tags.primary_region == item.primary_region
    wrong = []
    if item.policy != tags.policy:
        wrong.append(f"policy {item.policy}->{tags.policy}")
    if set(item.regions) != predicted:
        wrong.append(f"regions {sorted(item.regions)}->{sorted(predicted)}")
    if item.regions and tags.primary_region != item.primary_region:
        wrong.append(f"primary {item.primary_region}->{tags.primary_region}")
    if set(item.topics) != set(tags.topics):
        wrong.append(f"topics {sorted(item.topics)}->{sorted(tags.topics)}")
    if wrong:
        report.misses.append(f"{item.id} [{item.kind}] {item.title[:70]}\n    " + "; ".join(wrong))


def explain(items: Sequence[Labelled], wanted: str, tagger: Tagger) -> list[str]:
    """One tuning item's gold labels beside the tagger's tags and evidence."""
    [item] = [item for item in items if item.id == wanted]
    if item.held_out:
        return [f"{wanted} is held out: looking at it would spoil it"]
    tags = tagger.tag(item.title, item.summary, as_extracted(item))
    lines = [f"{item.id} {item.title}", f"  gold: policy={item.policy} topics={sorted(item.topics)} "
             f"regions={sorted(item.regions)} primary={item.primary_region}",
             f"  tags: policy={tags.policy} topics={list(tags.topics)} "
             f"regions={[r.code for r in tags.regions]} primary={tags.primary_region}"]  # fmt: skip
    lines += [f"  {e.tag:24} {e.phrase!r:28} {e.where:8} {e.sentence[:90]}" for e in tags.evidence]
    return lines


def load_v2() -> list[Labelled]:
    return load(sorted((HERE / "v2").glob("*.jsonl")), every_region=True)


def v2_lines(tagger: Tagger, *, held_out: bool = True, misses: bool = False) -> list[str]:
    """One side of the v2 set (the held-out fifth, or the tuning rest), by language and form,
    and its non-policy stories alone."""
    chosen = [item for item in load_v2() if item.held_out == held_out]
    if not chosen:
        return ["no v2 stories yet (tests/labelled/v2/*.jsonl)"]
    side = "held out" if held_out else "tune"
    lines, missed = [], []
    for lang in ("en", "zh"):
        for form in ("summary", "article"):
            part = [item for item in chosen if item.lang == lang and item.form == form]
            if part:
                report = score(part, tagger)
                lines += report.lines(f"{side}, {lang}, {form}")
                missed += report.misses
        other = [item for item in chosen if item.lang == lang and not item.policy]
        if other:
            lines.append(
                f"{side}, {lang}, non-policy: country-level F1 {score(other, tagger).countries.f1:.3f}"
            )
    if misses and not held_out:
        lines += ["", f"misses ({len(missed)}):", *missed]
    return lines


def main(argv: Sequence[str]) -> int:
    items = load()
    tagger = Tagger()
    if "--v2" in argv:
        if "--explain" in argv:
            lines = [
                line
                for wanted in argv[argv.index("--explain") + 1 :]
                for line in explain(load_v2(), wanted, tagger)
            ]
        else:
            lines = v2_lines(tagger, held_out="--tune" not in argv, misses="--misses" in argv)
        sys.stdout.write("\n".join(lines) + "\n")
        return 0
    if "--explain" in argv:
        for wanted in argv[argv.index("--explain") + 1 :]:
            sys.stdout.write("\n".join(explain(items, wanted, tagger)) + "\n")
        return 0
    tune = score([item for item in items if not item.held_out], tagger)
    held = score([item for item in items if item.held_out], tagger)
    every = score(items, tagger)
    lines = [*tune.lines("tune"), *held.lines("held out"), *every.lines("all")]
    lines += ["", f"misses in the tuning set ({len(tune.misses)}):", *tune.misses]
    if "--holdout" in argv:
        lines += ["", f"misses in the held-out set ({len(held.misses)}):", *held.misses]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    raise SystemExit(main(sys.argv[1:]))
