"""Search results in each format: best first, numbered, each with where it matched; text from
feeds stays text."""

from __future__ import annotations

import json as jsonlib
from datetime import UTC, datetime

from markdown_it import MarkdownIt
from rich.console import Console

from digest.models import Found, Item, Region, Results, Tags, Window
from digest.render import json, markdown, rich, text

WINDOW = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 15, tzinfo=UTC))


def match(number: int, title: str, snippet: str, rank: float) -> Found:
    item = Item(
        id=f"id-{number}",
        url=f"https://news.example/{number}",
        title=title,
        summary="",
        text="",
        feed="Ledger Wire",
        published=datetime(2026, 11, number, tzinfo=UTC),
        extracted=True,
        tags=Tags(topics=("cbdc",), regions=(Region("CN", "China"),)),
    )
    return Found(item, snippet, rank)


RESULTS = Results(
    "数字人民币",
    WINDOW,
    datetime(2026, 11, 15, tzinfo=UTC),
    (
        match(3, "e-CNY pilot widens", "…the 数字人民币 pilot reaches four more cities", -4.2),
        match(5, "<b>Bold</b> [x](javascript:1)", "a *snippet*", -1.0),
    ),
    total=7,
)


def test_text_numbers_the_matches_best_first() -> None:
    page = text.results(RESULTS)
    assert page.startswith("2 of 7 stories matching '数字人民币'\n")
    assert "1. e-CNY pilot widens\n   Ledger Wire · 03 Nov 2026 · China\n   …the 数字人民币 pilot" in page
    assert page.index("1. e-CNY") < page.index("2. <b>Bold</b>")


def test_markdown_links_each_match_and_escapes_feed_text() -> None:
    page = markdown.results(RESULTS)
    rendered = MarkdownIt().render(page)
    assert '<a href="https://news.example/3">e-CNY pilot widens</a>' in rendered
    assert "<b>" not in rendered and "javascript:" not in rendered.replace("[x](javascript:1)", "")
    assert "a *snippet*" in rendered  # the snippet's asterisks are text, not emphasis


def test_json_is_the_contracts_items_with_snippet_and_rank() -> None:
    document = jsonlib.loads(json.results(RESULTS))
    assert document["query"] == "数字人民币" and document["total"] == 7
    first = document["items"][0]
    assert first["id"] == "id-3" and first["url"] == "https://news.example/3"
    assert first["snippet"].startswith("…the 数字人民币") and first["rank"] == -4.2
    assert first["regions"] == [{"code": "CN", "name": "China"}]


def test_rich_marks_the_query_in_the_snippet_and_keeps_feed_text_literal() -> None:
    marked = Results(RESULTS.query, WINDOW, RESULTS.generated_at, RESULTS.found, 7, words=("數字人民幣",))
    console = Console(record=True, width=100, force_terminal=True)
    console.print(rich.results(marked))
    page = console.export_text(clear=False)
    assert " 1. e-CNY pilot widens" in page and "[x](javascript:1)" in page
    styled = console.export_html(inline_styles=True)
    assert "数字人民币</span>" in styled  # marked, though the query was in traditional script
