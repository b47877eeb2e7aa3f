"""Top stories: more outlets first, then the reach of the region, then the newer; three to five."""

from __future__ import annotations

from datetime import UTC, datetime

from digest.models import Item, Region, Section, Story, Tags
from digest.top_stories import reach, top_stories


def story(number: int, region: str, *, outlets: int = 1, day: int = 1, primary: bool = True) -> Story:
    item = Item(
        id=f"item-{number}",
        url=f"https://news.example/{number}",
        title=f"Story {number}",
        summary="",
        text="",
        feed="Wire",
        published=datetime(2026, 11, day, tzinfo=UTC),
        extracted=True,
        tags=Tags(
            topics=("regulation",),
            regions=(Region(region, region),),
            primary_region=region if primary else None,
        ),
    )
    return Story(item, "", also=tuple(f"Outlet {n}" for n in range(outlets - 1)))


def section(code: str, *stories: Story, places: tuple[Section, ...] = ()) -> Section:
    return Section(code, code, stories, places)


def titles(stories: tuple[Story, ...]) -> list[str]:
    return [s.item.title for s in stories]


def test_reach_of_a_region() -> None:
    assert [reach(code) for code in ("EU", "CN", "CN-HI", "CN-GD-shenzhen", "")] == [3, 3, 2, 1, 0]


def test_more_outlets_then_wider_reach_then_newer() -> None:
    sections = [
        section("CN", story(1, "CN", day=2), places=(section("CN-HI", story(2, "CN-HI", outlets=3)),)),
        section("US", story(3, "US", day=5), places=(section("US-WY", story(4, "US-WY", day=9)),)),
        section("EU", story(5, "EU", outlets=2, day=1)),
    ]
    # Two carried widely, so the fewest, three: story 2 (3 outlets), 5 (2), then the national
    # ones by date (3 on the 5th, 1 on the 2nd) before Wyoming's newer one.
    assert titles(top_stories(sections)) == ["Story 2", "Story 5", "Story 3"]


def test_five_when_five_were_carried_widely() -> None:
    many = [story(n, "SG", outlets=2, day=n) for n in range(1, 8)]
    assert titles(top_stories([section("SG", *many)])) == [f"Story {n}" for n in (7, 6, 5, 4, 3)]


def test_fewer_than_three_policy_stories_have_no_lead() -> None:
    assert top_stories([section("SG", story(1, "SG", outlets=4), story(2, "SG"))]) == ()


def test_a_story_in_two_sections_counts_once() -> None:
    shared = story(1, "HK", outlets=2, primary=False)
    sections = [section("HK", shared, story(2, "HK")), section("SG", shared, story(3, "SG"))]
    assert titles(top_stories(sections)) == ["Story 1", "Story 2", "Story 3"]
