"""The tagger's figures on the labelled set may not fall: floors a little below those reached.

Run `python tests/labelled/score.py` for the figures themselves and the tuning misses."""

from __future__ import annotations

import pytest
from labelled.score import Report, load, score

from digest.tagging import Tagger


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    items = load()
    tagger = Tagger()
    return {
        "all": score(items, tagger),
        "held out": score([item for item in items if item.held_out], tagger),
    }


def test_the_labelled_set_is_broad_enough() -> None:
    items = load()
    policy = [item for item in items if item.policy]
    assert len(items) >= 150
    assert 0.5 <= len(policy) / len(items) <= 0.7
    assert len({code for item in policy for code in item.regions}) >= 35
    assert {topic for item in policy for topic in item.topics} >= {
        "regulation", "legislation", "enforcement", "cbdc", "taxation", "industrial-policy",
        "public-sector-adoption",
    }  # fmt: skip
    assert sum(item.lang == "zh" for item in items) >= 20
    assert 0.15 <= sum(item.held_out for item in items) / len(items) <= 0.3


# policy F1, country-level region F1, full-code region F1, primary-region accuracy, topic F1
FLOORS = {
    "all": (0.95, 0.94, 0.93, 0.94, 0.80),
    "held out": (0.92, 0.92, 0.89, 0.92, 0.74),
}


@pytest.mark.parametrize("part", FLOORS)
def test_figures_hold(reports: dict[str, Report], part: str) -> None:
    assert_at_least(reports[part], FLOORS[part])


# The v2 set (issue 12: every story's regions, whole articles with boilerplate, a third of the
# Chinese traditional), its held-out fifth by language: floors a little below the figures
# reached (`python tests/labelled/score.py --v2`). The targets are above these.
# policy F1, country-level region F1, full-code region F1, primary-region accuracy, topic F1
V2_FLOORS = {
    "en": (0.90, 0.92, 0.65, 0.68, 0.73),
    "zh": (0.88, 0.92, 0.80, 0.78, 0.78),
}


@pytest.mark.parametrize("lang", V2_FLOORS)
def test_v2_held_out_figures_hold(lang: str) -> None:
    from labelled.score import load_v2  # noqa: PLC0415

    assert_at_least(score([i for i in load_v2() if i.held_out and i.lang == lang], Tagger()), V2_FLOORS[lang])


def assert_at_least(report: Report, floors: tuple[float, ...]) -> None:
    reached = (
        report.policy.f1,
        report.countries.f1,
        report.codes.f1,
        report.primary_accuracy,
        report.topics.f1,
    )
    assert all(figure >= floor for figure, floor in zip(reached, floors, strict=True)), reached
