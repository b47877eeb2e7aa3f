"""Composing the newsletter from literal items: sections, ranking, one story per event, trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digest.compose import OTHER_HEADLINES, compose, line_of, same_stories
from digest.models import Filters, Item, Region, Tags, Window

NOW = datetime(2026, 11, 26, tzinfo=UTC)
WINDOW = Window(NOW - timedelta(days=14), NOW)


def story(
    n: int, title: str, feed: str = "Wire", *, days_ago: float = 1, code: str | None = None, **kw: object
) -> Item:
    tags = Tags(("regulation",), (Region(code, code),), code) if code else Tags()
    values: dict[str, object] = {
        "id": f"i{n}", "url": f"https://x.example/{n}", "title": title, "summary": f"Summary {n} here.",
        "text": "", "feed": feed, "feeds": (feed,), "published": NOW - timedelta(days=days_ago),
        "extracted": True, "tags": tags,
    }  # fmt: skip
    values.update(kw)
    return Item(**values)  # type: ignore[arg-type]


def test_countries_are_ordered_by_policy_stories_and_hold_their_places() -> None:
    items = [
        story(1, "Hong Kong licenses two exchanges", code="HK"),
        story(2, "Shenzhen funds blockchain start-ups", code="CN-GD-shenzhen"),
        story(3, "PBoC widens e-CNY pilot", code="CN"),
        story(4, "Beijing sets up a fund", code="CN-BJ"),
    ]

    digest = compose(items, (), WINDOW, Filters(), NOW, names={"CN": "China", "HK": "Hong Kong"})

    assert [s.code for s in digest.sections] == ["CN", "HK"]
    china = digest.sections[0]
    assert [s.item.id for s in china.stories] == ["i3"]
    assert {p.code for p in china.places} == {"CN-GD-shenzhen", "CN-BJ"}
    assert china.count == 3 and china.name == "China"
    assert digest.glance.policy == 4 and digest.glance.regions == 2


def test_one_event_from_several_outlets_is_one_story_with_also() -> None:
    items = [
        story(
            1,
            "SEC sues crypto exchange Northgate over unregistered securities",
            "Wire",
            days_ago=2,
            code="US",
        ),
        story(
            2,
            "Northgate sued by SEC over unregistered securities, filing shows",
            "Ledger",
            days_ago=1.5,
            code="US",
        ),
        story(
            3, "SEC sues crypto exchange Northgate", "Wire", days_ago=1, code="US"
        ),  # same outlet: kept apart
        story(
            4, "SEC sues crypto exchange Northgate over securities", "Daily", days_ago=6, code="US"
        ),  # too old
    ]

    stories = same_stories(items)

    told = {s.item.id: s.also for s in stories}
    assert told["i1"] == ("Ledger",)
    assert "i2" not in told and "i3" in told and "i4" in told


def test_stories_carried_by_more_outlets_rank_first() -> None:
    items = [
        story(1, "Seoul tightens exchange audits", days_ago=1, code="KR"),
        story(
            2,
            "Korea's FSC orders exchange audits",
            "Wire",
            days_ago=3,
            code="KR",
            feeds=("Wire", "Ledger", "Daily"),
        ),
    ]

    [korea] = compose(items, (), WINDOW, Filters(), NOW).sections

    assert [s.item.id for s in korea.stories] == ["i2", "i1"]


def test_trends_compare_with_the_previous_window() -> None:
    now = [story(1, "a", code="SG"), story(2, "b", code="SG"), story(3, "c", code="AE-DU")]
    before = [story(4, "d", code="SG", days_ago=20), story(5, "e", code="GB", days_ago=20)]

    digest = compose(now, (), WINDOW, Filters(), NOW, before=before)

    trends = {t.key: (t.now, t.before, t.direction) for t in digest.region_trends}
    assert trends == {"SG": (2, 1, "up"), "AE": (1, 0, "new"), "GB": (0, 1, "gone")}
    assert {t.key: t.direction for t in digest.topic_trends} == {"regulation": "up"}


def test_other_headlines_are_capped_and_days_are_counted() -> None:
    words = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
        "lima",
        "mike",
    ]
    titles = [f"{a} {b} {c}" for a in words[:4] for b in words[4:8] for c in words[8:11]][:40]
    items = [story(n, title, feed=f"F{n}", days_ago=n % 10 + 0.5) for n, title in enumerate(titles)]
    items.append(story(99, "Dubai fines an exchange", code="AE-DU", days_ago=0.5))

    digest = compose(items, (), WINDOW, Filters(), NOW)

    assert len(digest.other) == OTHER_HEADLINES
    assert len(digest.daily) == 14 and sum(count for _, count in digest.daily) == 1


def test_a_line_of_context_is_cut_at_a_sentence() -> None:
    long = "The regulator set out its plan for exchanges. " * 8
    item = story(1, "x", summary=long)

    line = line_of(item)

    assert len(line) <= 201 and line.endswith(".")


def test_alike_headlines_about_different_places_or_parties_stay_apart() -> None:
    pairs = [
        ("Texas passes bitcoin reserve bill", "US-TX", "New Hampshire passes bitcoin reserve bill", "US-NH"),
        ("South Korea bans crypto ads", "KR", "North Korea bans crypto ads", "KP"),
        (
            "SEC sues Coinbase over unregistered securities",
            "US",
            "SEC sues Binance over unregistered securities",
            "US",
        ),
        ("北京市发布区块链行动计划", "CN-BJ", "上海市发布区块链行动计划", "CN-SH"),
    ]
    for first, first_code, second, second_code in pairs:
        items = [
            story(1, first, "Wire", code=first_code),
            story(2, second, "Ledger", code=second_code, days_ago=0.5),
        ]
        assert len(same_stories(items)) == 2, (first, second)


def test_a_later_report_of_a_story_an_earlier_issue_told_is_left_out() -> None:
    told = story(
        1, "SEC sues crypto exchange Northgate over unregistered securities", "Wire", days_ago=3, code="US"
    )
    later = story(2, "Northgate sued by SEC over unregistered securities", "Ledger", days_ago=2, code="US")
    news = story(3, "Wyoming passes a stablecoin bill", "Ledger", days_ago=1, code="US-WY")

    digest = compose([later, news], (), WINDOW, Filters(), NOW, sent=[told])

    assert [item.id for item in digest.items] == ["i3"]
    assert digest.repeats == (later.url,)
    assert digest.told() == (news.url,)


def test_told_lists_every_report_the_layout_shows() -> None:
    words = ["bitcoin", "ether", "miners", "tokens", "fees", "chips", "banks", "funds", "bonds", "yields"]
    items = [story(n, f"{words[n % 10]} {n} {words[n * 3 % 10]}", "Wire", days_ago=n / 10) for n in range(20)]
    items += [story(100, "Hong Kong licenses two exchanges", code="HK")]

    digest = compose(items, (), WINDOW, Filters(), NOW)

    assert len(digest.items) == 21
    assert len(digest.told()) == OTHER_HEADLINES + 1
    assert items[-1].url in digest.told()
