"""Renderers on a fixed digest: golden text, contract JSON, and hostile strings kept inert."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from digest.compose import compose
from digest.models import Digest, FeedResult, FeedStatus, Filters, Item, Region, Tags, Window
from digest.plaintext import columns
from digest.render import html as html_render
from digest.render import json as json_render
from digest.render import markdown as markdown_render
from digest.render import rich as rich_render
from digest.render import text as text_render

GOLDEN = Path(__file__).parent / "golden"
HOSTILE = (
    "[bold red]Markup[/] <script>alert(1)</script> \x1b[31mred\x1b]8;;http://evil\x07 \u202etxet "
    + "long " * 1000
)


@pytest.fixture(autouse=True)
def utc_clock() -> Iterator[None]:
    """Dates print in the reader's time zone; pin it so the golden files hold anywhere."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def item(number: int, title: str, **changes: object) -> Item:
    values: dict[str, object] = {
        "id": f"id{number:04d}",
        "url": f"https://news.example/{number}",
        "title": title,
        "summary": "A summary of the story in one sentence. A second sentence follows it here.",
        "text": "Body.",
        "feed": "Policy Wire",
        "feeds": ("Policy Wire",),
        "published": datetime(2026, 11, 20 + number % 5, 9, 30, tzinfo=UTC),
        "extracted": True,
    }
    values.update(changes)
    return Item(**values)  # type: ignore[arg-type]


def tags(topics: tuple[str, ...], *codes: tuple[str, str]) -> Tags:
    return Tags(topics=topics, regions=tuple(Region(*code) for code in codes), primary_region=codes[0][0])


WINDOW = Window(datetime(2026, 11, 12, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC))
NAMES = {"CN": "China", "CN-BJ": "Beijing", "HK": "Hong Kong", "US": "United States", "US-WY": "Wyoming"}


def sample() -> Digest:
    items = [
        item(
            1,
            "Beijing unveils a three-year blockchain action plan and a special fund",
            tags=tags(("industrial-policy",), ("CN-BJ", "Beijing")),
            feeds=("Policy Wire", "Asia Ledger"),
        ),
        item(
            2,
            "北京市发布区块链创新发展行动计划，设立专项基金支持数字人民币试点在海淀区推广应用并吸引企业落户",
            summary="北京市人民政府近日印发行动计划，提出到2028年建成具有国际影响力的区块链创新高地，并设立50亿元专项基金。",
            feed="链闻",
            feeds=("链闻",),
            tags=tags(("industrial-policy",), ("CN-BJ", "Beijing")),
        ),
        item(
            3,
            "China's central bank widens the digital yuan pilot to four more cities",
            tags=tags(("cbdc",), ("CN", "China")),
        ),
        item(
            4,
            "Hong Kong's SFC licenses two more virtual asset platforms",
            tags=tags(("regulation",), ("HK", "Hong Kong")),
        ),
        item(
            5,
            "Wyoming lawmakers pass an amendment to the state's DAO law",
            tags=tags(("legislation",), ("US-WY", "Wyoming")),
        ),
        item(6, "Bitcoin slips as traders trim positions before the monthly expiry", extracted=False),
    ]
    before = [
        item(
            7,
            "Hong Kong consults on stablecoin issuer rules",
            tags=tags(("regulation",), ("HK", "Hong Kong")),
            published=datetime(2026, 11, 5, tzinfo=UTC),
        ),
        item(
            8,
            "Singapore's MAS finalises stablecoin framework",
            tags=tags(("regulation",), ("SG", "Singapore")),
            published=datetime(2026, 11, 6, tzinfo=UTC),
        ),
    ]
    feeds = (
        FeedResult("Policy Wire", "https://wire.example/rss", FeedStatus.OK, None, 2),
        FeedResult("Asia Ledger", "https://ledger.example/atom", FeedStatus.NOT_MODIFIED),
        FeedResult("Dead Feed", "https://dead.example/rss", FeedStatus.ERROR, "gone (HTTP 410)", gone=True),
        FeedResult(
            "Flaky Feed",
            "https://flaky.example/rss",
            FeedStatus.ERROR,
            "HTTP 503 Service Unavailable",
            failures=4,
            failing_since=WINDOW.end - timedelta(days=3),
        ),
        FeedResult(
            "Blip Feed",
            "https://blip.example/rss",
            FeedStatus.ERROR,
            "timed out after 20 s",
            failures=1,
            failing_since=WINDOW.end,
        ),
    )
    return compose(items, feeds, WINDOW, Filters(), WINDOW.end, before=before, names=NAMES)  # fmt: skip


@pytest.mark.parametrize(
    ("renderer", "golden"), [(text_render, "digest.txt"), (markdown_render, "digest.md")]
)
def test_text_and_markdown_match_their_golden_files(renderer: object, golden: str) -> None:
    rendered = renderer.render(sample())  # type: ignore[attr-defined]

    path = GOLDEN / golden
    if os.environ.get("DIGEST_REGOLD"):
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_text_fits_78_columns_and_has_no_escapes() -> None:
    rendered = text_render.render(sample())

    assert all(columns(line) <= 78 for line in rendered.splitlines() if not line.lstrip().startswith("http"))
    assert "\x1b" not in rendered


def test_markdown_is_commonmark_with_links_and_headings() -> None:
    rendered = markdown_render.render(sample())

    assert "## China (CN)" in rendered and "### Beijing (CN-BJ)" in rendered
    assert "](<https://news.example/3>)" in rendered
    assert "| Region | Stories | |" in rendered


def test_rich_layout_at_80_columns() -> None:
    console = Console(record=True, width=80, color_system=None, force_terminal=False)
    console.print(rich_render.render(sample()))
    out = console.export_text()

    assert all(len(line) <= 80 for line in out.splitlines())
    for expected in ("Crypto policy digest", "China (CN)", "Beijing (CN-BJ)", "Per day", "also: Asia Ledger"):
        assert expected in out


def test_json_is_the_contract_object() -> None:
    document = json.loads(json_render.render(sample()))

    assert document["period"] == {"start": "2026-11-12T00:00:00+00:00", "end": "2026-11-26T00:00:00+00:00"}
    beijing = next(item for item in document["items"] if item["id"] == "id0001")
    assert beijing["regions"] == [{"code": "CN-BJ", "name": "Beijing"}]
    assert (beijing["policy"], beijing["topics"], beijing["primary_region"]) == (
        True,
        ["industrial-policy"],
        "CN-BJ",
    )
    assert len(document["items"]) == 6
    assert document["feeds"][2] == {
        "name": "Dead Feed", "url": "https://dead.example/rss", "status": "error",
        "error": "gone (HTTP 410)", "fetched": True, "new_items": 0, "consecutive_failures": 0, "moved_to": None,
        "gone": True, "needs_attention": True,
    }  # fmt: skip
    assert [feed["needs_attention"] for feed in document["feeds"]] == [False, False, True, True, False]


@pytest.mark.parametrize("renderer", ["text", "json", "rich", "markdown", "html"])
def test_hostile_titles_stay_inert(renderer: str) -> None:
    hostile = item(9, HOSTILE, summary=HOSTILE, tags=tags(("regulation",), ("HK", "Hong Kong")))
    digest = compose(
        [hostile, item(10, HOSTILE, summary=HOSTILE, feed="Other")], (), WINDOW, Filters(), WINDOW.end
    )
    if renderer == "rich":
        buffer = io.StringIO()
        Console(file=buffer, width=100, color_system=None, force_terminal=False).print(
            rich_render.render(digest)
        )
        out = buffer.getvalue()
    else:
        renderers = {
            "text": text_render,
            "json": json_render,
            "markdown": markdown_render,
            "html": html_render,
        }
        out = renderers[renderer].render(digest)

    shown = "\\[bold red\\]Markup\\[/\\]" if renderer == "markdown" else "[bold red]Markup[/]"
    assert shown in out  # shown as text, not interpreted
    if renderer == "html":
        assert "<script" not in out  # escaped where a reader would interpret it
    if renderer == "markdown":
        assert "&lt;script&gt;" in out and "<script" not in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    if renderer != "json":  # data keeps the whole (cleaned) title; what people read is cut
        assert HOSTILE.count("long") > 900 and out.count("long") < 200


def test_feed_text_cannot_change_the_markdown_structure() -> None:
    hostile = [
        "===", "1. a list?", "- a list?", "# heading?", "[link](https://evil.example)", "<b>raw</b>",
        "> quote? &copy; a < b & c",
    ]  # fmt: skip
    items = [
        item(n, text, summary=text, feed=f"F{n}", tags=tags(("regulation",), ("HK", "Hong Kong")))
        for n, text in enumerate(hostile, start=20)
    ]
    rendered = markdown_render.render(compose(items, (), WINDOW, Filters(), WINDOW.end))

    tokens = MarkdownIt("commonmark").parse(rendered)
    headings = [t for t in tokens if t.type == "heading_open"]
    assert [t.tag for t in headings] == ["h1", "h2", "h2", "h2", "h2", "h2"]  # the digest's own only
    assert not [t for t in tokens if t.type in ("ordered_list_open", "html_block", "html_inline")]
    links = [
        t.attrGet("href")
        for t in tokens
        if t.type == "inline"
        for t in t.children or []
        if t.type == "link_open"
    ]
    assert "https://evil.example" not in links
    texts = [t.content for t in tokens if t.type == "inline" for t in t.children or [] if t.type == "text"]
    assert "<b>raw</b>" in texts and "> quote? &copy; a < b & c" in texts  # read back as written
    # Original Markdown and its dialects take no backslash before `<`: none may be left raw,
    # and the only ones in the output open the digest's own link destinations.
    assert rendered.count("<") == rendered.count("](<")
    assert "&copy;" not in rendered
