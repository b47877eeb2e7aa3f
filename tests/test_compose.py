"""Composing the newsletter from literal items: sections, ranking, one story per event, trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digest.compose import ALSO_FROM, OTHER_HEADLINES, OTHER_REGIONS, compose, line_of, same_stories
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


FIRMS = [
    "Alder",
    "Birch",
    "Cedar",
    "Dogwood",
    "Elm",
    "Fir",
    "Gum",
    "Hazel",
    "Ivy",
    "Juniper",
    "Kapok",
    "Larch",
    "Maple",
    "Nutmeg",
    "Oak",
]


def other(n: int, title: str, *codes: str, primary: str | None = "", **kw: object) -> Item:
    """A non-policy story with the regions where it happens; `primary` "" means the first."""
    regions = tuple(Region(code, code) for code in codes)
    main = (codes[0] if codes else None) if primary == "" else primary
    return story(n, title, feed=f"Outlet {n}", tags=Tags((), regions, main), **kw)


def test_a_region_lists_its_other_stories_after_its_policy_ones() -> None:
    items = [
        story(1, "PBoC widens e-CNY pilot", code="CN"),
        story(2, "Beijing sets up a fund", code="CN-BJ"),
        other(3, "Exchange opens a trading desk", "CN-GD-shenzhen", days_ago=2),
        other(7, "Shenzhen's biggest exchange opens a desk", "CN-GD-shenzhen", days_ago=2.5),
        other(4, "Chinese miner ships rigs", "CN", days_ago=3),
        other(5, "Bitcoin slips before expiry"),  # no place: an other headline
    ]

    digest = compose(items, (), WINDOW, Filters(), NOW, names={"CN": "China", "CN-GD-shenzhen": "Shenzhen"})

    [china] = digest.sections
    assert [s.item.id for s in china.others] == ["i3", "i7", "i4"]
    # The place inside the region, unless the headline names it already.
    assert [s.place for s in china.others] == ["Shenzhen", "", ""]
    assert (china.count, china.other_count, china.more_others) == (2, 3, 0)
    assert [s.item.id for s in digest.other] == ["i5"]
    assert digest.other_regions == ()
    assert digest.glance.policy == 2 and digest.glance.regions == 1


def test_other_stories_are_capped_per_region_and_counted() -> None:
    items = [story(1, "Seoul regulator fines a bank", code="KR")]
    items += [other(n, f"{FIRMS[n - 10]} lists a token", "KR", days_ago=n / 10) for n in range(10, 18)]

    [korea] = compose(items, (), WINDOW, Filters(), NOW).sections

    assert len(korea.others) == ALSO_FROM and korea.more_others == 8 - ALSO_FROM
    assert [s.item.id for s in korea.others] == [f"i{n}" for n in range(10, 10 + ALSO_FROM)]  # newest first


def test_regions_with_other_news_only_come_after_and_past_a_few_are_only_named() -> None:
    countries = [f"C{letter}" for letter in "ABCDEFGHIJKLMN"]
    items = [story(1, "Dubai fines an exchange", code="AE-DU")]
    # The first country has three stories, the second two, the rest one each.
    for n, country in enumerate(countries):
        items += [other(100 * n + k, f"{FIRMS[k]} opens in {country}", country) for k in range(max(1, 3 - n))]

    digest = compose(items, (), WINDOW, Filters(), NOW)

    assert [s.code for s in digest.sections] == ["AE"]
    assert digest.sections[0].others == ()
    regions = digest.other_regions
    assert [r.code for r in regions[:3]] == ["CA", "CB", "CC"]  # the busiest first, then by name
    assert [r.other_count for r in regions[:2]] == [3, 2]
    assert all(r.stories == () and r.places == () for r in regions)
    listed = [r for r in regions if r.others]
    assert len(listed) == OTHER_REGIONS
    assert all(r.others == () and r.more_others == 1 for r in regions[OTHER_REGIONS:])
    assert len(regions) == len(countries)
    # The layout tells the listed stories; the ones only counted stay new for the next issue.
    assert len(digest.told()) == 1 + sum(len(r.others) for r in regions)


def test_a_story_with_no_main_region_is_filed_under_the_country_its_regions_share() -> None:
    items = [
        other(1, "Exchanges in Beijing and Shanghai merge", "CN-BJ", "CN-SH", primary=None),
        other(2, "Exchanges in Tokyo and Seoul merge", "JP-13", "KR", primary=None),
        story(
            3,
            "Beijing and Shanghai share a sandbox",
            tags=Tags(("regulation",), (Region("CN-BJ", "B"), Region("CN-SH", "S")), None),
        ),
    ]

    digest = compose(items, (), WINDOW, Filters(), NOW)

    [china] = digest.sections
    assert china.code == "CN" and [s.item.id for s in china.stories] == ["i3"]
    assert [(s.item.id, s.place) for s in china.others] == [("i1", "")]
    assert [s.item.id for s in digest.other] == ["i2"]  # two countries, neither its own


def test_policy_only_and_region_filters_on_other_stories() -> None:
    items = [
        story(1, "Hong Kong licenses two exchanges", code="HK"),
        other(2, "Hong Kong ETF debuts", "HK"),
        other(3, "Kowloon exchange hacked", "HK-KKC"),
        other(4, "Tokyo exchange hacked", "JP-13"),
        other(5, "Bitcoin slips"),
    ]

    policy_only = compose(items, (), WINDOW, Filters(policy_only=True), NOW)
    hong_kong = compose(items, (), WINDOW, Filters(regions=("hk",)), NOW)

    assert [i.id for i in policy_only.items] == ["i1"]
    assert [s.others for s in policy_only.sections] == [()]
    assert (policy_only.other_regions, policy_only.other) == ((), ())
    assert {i.id for i in hong_kong.items} == {"i1", "i2", "i3"}
    [section] = hong_kong.sections
    assert {s.item.id for s in section.others} == {"i2", "i3"}
    assert (hong_kong.other_regions, hong_kong.other) == ((), ())
