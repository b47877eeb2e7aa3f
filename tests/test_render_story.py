"""`digest read`'s page: the headline, outlet, date, link and tags, then the text wrapped by
columns; nothing from the page reaches the terminal raw."""

from __future__ import annotations

from datetime import UTC, datetime

from digest.models import Item, Region, Tags
from digest.plaintext import columns
from digest.render import story

TEXT = (
    "The Hainan provincial government published rules for its pilot zone on Monday. " * 6
    + "\n\n海南省人民政府发布自由贸易港数字资产试点管理办法，明确监管部门职责与准入条件。" * 4
)


def item(**changes: object) -> Item:
    values: dict[str, object] = {
        "id": "a1b2",
        "url": "https://news.example/hainan",
        "title": "Hainan sets pilot-zone rules",
        "summary": "Feed summary of the rules.",
        "text": TEXT,
        "feed": "Ledger Wire",
        "published": datetime(2026, 11, 20, 9, tzinfo=UTC),
        "extracted": True,
        "tags": Tags(topics=("regulation",), regions=(Region("CN-HI", "Hainan"),), primary_region="CN-HI"),
        "author": "Mei Lin",
    }
    values.update(changes)
    return Item(**values)  # type: ignore[arg-type]


def test_header_then_the_text_in_paragraphs() -> None:
    page = story.render(item()).split("\n")
    assert page[:4] == [
        "Hainan sets pilot-zone rules",
        "Ledger Wire · 20 Nov 2026 · Mei Lin",
        "https://news.example/hainan",
        "policy: regulation · Hainan (CN-HI)",
    ]
    assert page[4] == "" and page[5] == "Feed summary of the rules."
    assert "海南省人民政府" in "\n".join(page)


def test_every_line_fits_the_width_in_columns() -> None:
    for width in (40, 60, 78):
        assert all(columns(line) <= width for line in story.render(item(), width).split("\n"))


def test_a_story_without_text_says_so() -> None:
    page = story.render(item(text="", extracted=False, tags=Tags()))
    assert "not policy · no region" in page
    assert "(no article text was stored" in page


def test_hostile_text_is_inert() -> None:
    page = story.render(
        item(
            title="\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 me", text="a\x1b[2Jb", url="javascript:x"
        )
    )
    assert "\x1b" not in page and "\x07" not in page
    assert "javascript:" not in page
