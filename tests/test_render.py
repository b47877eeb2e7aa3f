"""Renderers on a fixed digest: golden text, contract JSON, and hostile strings kept inert."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from digest.models import Digest, FeedResult, FeedStatus, Item, Region, Tags, Window
from digest.plaintext import columns
from digest.render import json as json_render
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


def sample() -> Digest:
    beijing = Tags(
        topics=("industrial-policy",), regions=(Region("CN-BJ", "Beijing"),), primary_region="CN-BJ"
    )
    return Digest(
        title="Crypto policy digest",
        window=Window(datetime(2026, 11, 12, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC)),
        generated_at=datetime(2026, 11, 26, tzinfo=UTC),
        items=(
            item(1, "Beijing unveils a three-year blockchain action plan and a special fund", tags=beijing,
                 feeds=("Policy Wire", "Asia Ledger")),
            item(2, "北京市发布区块链创新发展行动计划，设立专项基金支持数字人民币试点在海淀区推广应用并吸引企业落户",
                 summary="北京市人民政府近日印发行动计划，提出到2028年建成具有国际影响力的区块链创新高地，并设立50亿元专项基金。",
                 feed="链闻", feeds=("链闻",)),
            item(3, "Bitcoin slips as traders trim positions before the monthly expiry", extracted=False),
        ),
        feeds=(
            FeedResult("Policy Wire", "https://wire.example/rss", FeedStatus.OK, None, 2),
            FeedResult("Asia Ledger", "https://ledger.example/atom", FeedStatus.NOT_MODIFIED),
            FeedResult("Dead Feed", "https://dead.example/rss", FeedStatus.ERROR, "HTTP 410 Gone"),
        ),
    )  # fmt: skip


def test_text_matches_the_golden_file() -> None:
    rendered = text_render.render(sample())

    golden = GOLDEN / "digest.txt"
    if os.environ.get("DIGEST_REGOLD"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")
    assert all(columns(line) <= 78 for line in rendered.splitlines() if not line.lstrip().startswith("http"))


def test_json_is_the_contract_object() -> None:
    document = json.loads(json_render.render(sample()))

    assert document["period"] == {"start": "2026-11-12T00:00:00+00:00", "end": "2026-11-26T00:00:00+00:00"}
    first = document["items"][0]
    assert first["regions"] == [{"code": "CN-BJ", "name": "Beijing"}]
    assert (first["policy"], first["topics"], first["primary_region"]) == (
        True,
        ["industrial-policy"],
        "CN-BJ",
    )
    assert document["feeds"][2] == {
        "name": "Dead Feed", "url": "https://dead.example/rss", "status": "error",
        "error": "HTTP 410 Gone", "new_items": 0,
    }  # fmt: skip


@pytest.mark.parametrize("renderer", ["text", "json", "rich"])
def test_hostile_titles_stay_inert(renderer: str) -> None:
    digest = sample()
    digest = Digest(
        digest.title, digest.window, digest.generated_at, (item(9, HOSTILE, summary=HOSTILE),), ()
    )
    if renderer == "rich":
        buffer = io.StringIO()
        Console(file=buffer, width=100, color_system=None, force_terminal=False).print(
            rich_render.render(digest)
        )
        out = buffer.getvalue()
    else:
        out = (text_render if renderer == "text" else json_render).render(digest)

    assert "[bold red]Markup[/]" in out  # shown as text, not interpreted
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    if renderer != "json":  # data keeps the whole (cleaned) title; what people read is cut
        assert len(out) < 3000
