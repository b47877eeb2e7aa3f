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
from digest.plaintext import columns, fit
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
NAMES = {
    "CN": "China", "CN-BJ": "Beijing", "HK": "Hong Kong", "JP": "Japan", "US": "United States", "US-WY": "Wyoming",
}  # fmt: skip


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
        # Other stories with a place: listed under their region's policy stories, or by region.
        item(
            11,
            "Exchange opens a trading desk for institutions",
            tags=tags((), ("CN-GD-shenzhen", "Shenzhen")),
            feed="Asia Ledger",
        ),
        item(12, "Chinese chipmaker ships a new mining rig", tags=tags((), ("CN", "China"))),
        item(13, "北京一家区块链企业完成新一轮融资", tags=tags((), ("CN-BJ", "Beijing")), feed="链闻"),
        item(14, "Tokyo-based exchange halts withdrawals after a hack", tags=tags((), ("JP-13", "Tokyo"))),
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
    assert len(document["items"]) == 10
    # Items carry their regions, policy or not: the layout's "also from" lists are the renderers'.
    tokyo = next(item for item in document["items"] if item["id"] == "id0014")
    assert (tokyo["policy"], tokyo["regions"], tokyo["primary_region"]) == (
        False,
        [{"code": "JP-13", "name": "Tokyo"}],
        "JP-13",
    )
    assert set(document) == {"title", "period", "generated_at", "items", "feeds", "issue", "top_stories"}
    assert document["top_stories"] == ["id0001", "id0004", "id0003"]  # carried widest, then reach
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
    assert [t.tag for t in headings] == ["h1", "h2", "h2", "h2", "h2", "h2", "h2"]  # the digest's own only
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    # One numbered list, the digest's own top stories: "1. a list?" in a title makes none.
    assert [t.type for t in tokens].count("ordered_list_open") == 1
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
]


def rendered_as(renderer: str, digest: Digest) -> str:
    if renderer == "rich":
        buffer = io.StringIO()
        Console(file=buffer, width=100, color_system=None, force_terminal=False).print(
            rich_render.render(digest)
        )
        return buffer.getvalue()
    modules = {"text": text_render, "json": json_render, "markdown": markdown_render, "html": html_render}
    return str(modules[renderer].render(digest))


def crowded() -> Digest:
    """Hong Kong: one policy story and seven others; twelve countries with one other story each."""
    items = [
        item(
            1,
            "Hong Kong's SFC licenses two more virtual asset platforms",
            tags=tags(("regulation",), ("HK", "Hong Kong")),
        )
    ]
    items += [
        item(
            10 + n,
            f"{firm} opens a Hong Kong trading desk",
            tags=tags((), ("HK", "Hong Kong")),
            feed=f"Outlet {n}",
            published=datetime(2026, 11, 25, 12 - n, tzinfo=UTC),  # newest first
        )
        for n, firm in enumerate(FIRMS[:7])
    ]
    items += [
        item(
            30 + n,
            f"{firm} raises a seed round",
            tags=tags((), (f"Q{chr(65 + n)}", f"Country {chr(65 + n)}")),
        )
        for n, firm in enumerate(FIRMS)
    ]
    return compose(items, (), WINDOW, Filters(), WINDOW.end, names={"HK": "Hong Kong"})


@pytest.mark.parametrize("renderer", ["text", "markdown", "html", "rich"])
def test_every_format_lists_other_stories_by_region(renderer: str) -> None:
    out = rendered_as(renderer, crowded())

    assert "Also from Hong Kong" in out and "Alder opens a Hong Kong trading desk" in out
    assert "and 2 more" in out  # seven others, five listed
    assert "Fir opens a Hong Kong trading desk" not in out
    assert "Other news by region" in out or "OTHER NEWS BY REGION" in out
    assert "Alder raises a seed round" in out  # a country with other news only
    # Past the first ten, such countries are named with their count, their stories not listed.
    assert "More regions: Country K (1), Country L (1)" in out
    assert "Kapok raises a seed round" not in out
    assert out.index("Also from Hong Kong") < out.index("Alder raises a seed round")


@pytest.mark.parametrize("renderer", ["text", "rich", "markdown", "html"])
def test_hostile_text_in_other_stories_stays_inert(renderer: str) -> None:
    # Region names come from the gazetteer or the feeds file; every format still cleans them.
    hostile = item(9, HOSTILE, summary=HOSTILE, tags=tags((), ("HK-KKC", HOSTILE)))
    lonely = item(10, HOSTILE, summary=HOSTILE, feed=HOSTILE, tags=tags((), ("JP", HOSTILE)))
    policy = item(11, "Hong Kong licenses exchanges", tags=tags(("regulation",), ("HK", "Hong Kong")))
    digest = compose([hostile, lonely, policy], (), WINDOW, Filters(), WINDOW.end)
    assert digest.sections[0].others and digest.other_regions

    out = rendered_as(renderer, digest)

    shown = "\\[bold red\\]Markup\\[/\\]" if renderer == "markdown" else "[bold red]Markup[/]"
    assert shown in out
    if renderer in ("html", "markdown"):
        assert "<script" not in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


def test_a_region_named_like_markdown_cannot_make_headings_or_lists() -> None:
    names = ["# heading?", "1. a list?", "- a list?", "[link](https://evil.example)"]
    items = [
        item(n, f"{firm} opens an office", feed=f"F{n}", tags=tags((), (f"Q{chr(65 + n)}-X", name)))
        for n, (firm, name) in enumerate(zip(FIRMS, names, strict=False))
    ]
    rendered = markdown_render.render(compose(items, (), WINDOW, Filters(), WINDOW.end))

    tokens = MarkdownIt("commonmark").parse(rendered)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2", "h2", "h3", "h3", "h3", "h3"]
    assert not [t for t in tokens if t.type in ("ordered_list_open", "html_block", "html_inline")]
    links = [
        t.attrGet("href")
        for t in tokens
        if t.type == "inline"
        for t in t.children or []
        if t.type == "link_open"
    ]
    assert "https://evil.example" not in links


def test_bar_labels_line_up_by_display_width_with_chinese_names() -> None:
    names = {"CN-GS-lanzhou": "七里河区兰州市甘肃省中华人民共和国新区", "SG": "Singapore", "HK": "香港"}
    items = [
        item(n, f"{firm} rules", feed=f"F{n}", tags=tags(("regulation",), (code, names[code])))
        for n, (firm, code) in enumerate(zip(FIRMS, ["CN-GS-lanzhou", "SG", "HK"], strict=False))
    ]
    names |= {"CN": "中华人民共和国甘肃省兰州市七里河区新区管委会"}
    rendered = text_render.render(compose(items, (), WINDOW, Filters(), WINDOW.end, names=names))

    bars = rendered.split("POLICY STORIES BY REGION\n")[1].split("\n\n")[0].splitlines()[1:]
    assert len(bars) == 3
    assert len({columns(line.split("#")[0]) for line in bars}) == 1  # every bar starts in one column
    assert any("…" in line for line in bars)


def test_fit_pads_or_cuts_to_display_columns() -> None:
    assert fit("Singapore", 12) == "Singapore   "
    assert fit("香港", 6) == "香港  "
    assert fit("七里河区", 6) == "七里… " and columns(fit("七里河区", 6)) == 6
    assert fit("Lanzhou New Area", 8) == "Lanzhou…"


def many_regions() -> Digest:
    """Thirteen countries with policy news: the chart keeps ten and one bar for the rest."""
    codes = ["SG", "JP", "KR", "TH", "VN", "IN", "AE", "BR", "NG", "KE", "FR", "DE", "IT"]
    items = [
        item(
            n,
            f"Regulator in {code} acts, story {n}",
            feed=f"F{n}",
            tags=tags(("regulation",), (code, f"Land {code}")),
        )
        for n, code in enumerate(codes * 2 + codes[:3], start=100)
    ]
    return compose(items, (), WINDOW, Filters(), WINDOW.end)


def test_the_chart_shows_the_ten_busiest_regions_and_one_bar_for_the_others() -> None:
    page = text_render.render(many_regions())
    chart = page.split("POLICY STORIES BY REGION")[1].split("POLICY STORIES PER DAY")[0]
    bars = [line for line in chart.splitlines() if "#" in line]
    assert len(bars) == 11
    assert bars[-1].split()[:2] == ["3", "others"] and bars[-1].endswith(" 6")  # 3 regions, 2 stories each
    assert "3 others" in markdown_render.render(many_regions())
    assert "3 others" in html_render.render(many_regions())


def test_every_format_opens_with_the_top_stories() -> None:
    digest = sample()
    lead = [story.item.title for story in digest.top]
    assert 3 <= len(lead) <= 5
    text = text_render.render(digest)
    assert text.index("TOP STORIES") < text.index("POLICY STORIES BY REGION")
    page = html_render.render(digest)
    assert page.index("Top stories") < page.index("Policy stories by region")
    console = Console(file=io.StringIO(), width=100, record=True)
    console.print(rich_render.render(digest))
    shown = console.export_text()
    assert shown.index("Top stories") < shown.index("Policy stories by region")
    assert all(title[:40] in shown for title in lead)
