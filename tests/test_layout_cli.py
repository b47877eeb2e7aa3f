"""The layout through the command line, on a store of literal tagged items: each region's other
stories after its policy ones, the filters, every format, `explain` and `retag`."""

from __future__ import annotations

import contextlib
import dataclasses
import email
import email.policy
import json
import os
import pty
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import WINDOW, invoke, subprocess_env, write_feeds

from digest.models import Evidence, Item, Region, Sighting, Tags, item_id
from digest.plaintext import columns
from digest.store import MIGRATIONS, Store
from digest.tagging import Tagger

PUBLISHED = datetime(2026, 11, 20, 9, tzinfo=UTC)
FEEDS = {"Policy Wire": "https://wire.example/rss", "链闻": "https://lianwen.example/rss"}
ZH_SENTENCE = (
    "总部位于北京市海淀区的这家企业表示，本轮融资将用于扩大研发团队，并在深圳设立第二个办公室"
    "（预计2027年投入使用），以服务华南地区越来越多的机构客户。"
)


def tagged(n: int, title: str, feed: str, topics: tuple[str, ...], *regions: tuple[str, str, str]) -> Item:
    """An item with its tags as the tagger gives them: each region (code, name, phrase) quoted."""
    evidence = [Evidence(topic, "licenses", "title", title) for topic in topics]
    evidence += [Evidence(code, phrase, "title", title) for code, _, phrase in regions]
    url = f"https://news.example/{n}"
    return Item(
        id=item_id(url), url=url, title=title, summary=f"What happened in story {n}.", text="", feed=feed,
        feeds=(feed,), published=PUBLISHED - timedelta(hours=n), extracted=False,
        tags=Tags(
            topics, tuple(Region(code, name) for code, name, _ in regions),
            regions[0][0] if regions else None, tuple(evidence),
        ),
    )  # fmt: skip


ITEMS = [
    tagged(1, "Hong Kong's SFC licenses two more virtual asset platforms", "Policy Wire", ("regulation",),
           ("HK", "Hong Kong", "Hong Kong")),
    tagged(2, "Spot ether fund debuts on the Hong Kong exchange", "Policy Wire", (), ("HK", "Hong Kong", "Hong Kong")),
    tagged(3, "China's central bank widens the digital yuan pilot", "Policy Wire", ("cbdc",), ("CN", "China", "China")),
    tagged(4, "北京一家区块链企业完成新一轮融资", "链闻", (), ("CN-BJ", "Beijing", "北京")),
    tagged(5, "Tokyo-based exchange halts withdrawals after a hack", "Policy Wire", (), ("JP-13", "Tokyo", "Tokyo")),
    tagged(6, "Bitcoin slips as traders trim positions before the expiry", "Policy Wire", ()),
]  # fmt: skip


@pytest.fixture
def feeds(tmp_path: Path, env: dict[str, str]) -> Path:
    """A store holding ITEMS, the Beijing story with a long Chinese quote from its body too."""
    beijing = ITEMS[3]
    quote = Evidence("CN-BJ", "北京市海淀区", "body", ZH_SENTENCE)
    items = [*ITEMS[:3], _with_evidence(beijing, (*beijing.tags.evidence, quote)), *ITEMS[4:]]
    with Store.open(Path(env["DIGEST_DB"])) as store:
        store.save(
            items, [Sighting(item.url, FEEDS[item.feed], item.feed, None, PUBLISHED) for item in items]
        )
    return write_feeds(tmp_path / "feeds.toml", FEEDS)


def _with_evidence(item: Item, evidence: tuple[Evidence, ...]) -> Item:
    return dataclasses.replace(item, tags=dataclasses.replace(item.tags, evidence=evidence))


def show(feeds: Path, env: dict[str, str], *options: str) -> str:
    result = invoke(["show", "--feeds", str(feeds), *WINDOW, *options], env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_region_shows_its_policy_stories_then_its_other_stories(feeds: Path, env: dict[str, str]) -> None:
    out = show(feeds, env, "--format", "text")

    rule = "=" * 78
    hong_kong = out.split(f"HONG KONG (HK) · 1 story\n{rule}\n")[1].split(rule)[0]
    assert hong_kong.index("SFC licenses") < hong_kong.index("-- Also from Hong Kong · 1 story")
    assert "  - Spot ether fund debuts on the Hong Kong exchange (Policy Wire)" in hong_kong
    china = out.split("CHINA (CN) · 1 story")[1]
    assert "-- Also from China · 1 story\n  - Beijing: 北京一家区块链企业完成新一轮融资 (链闻)" in china
    # A region with other news only, after the policy regions; a story with no place stays a headline.
    others = out.split("OTHER NEWS BY REGION")[1]
    assert "-- Japan (JP) · 1 story\n  - Tokyo-based exchange halts withdrawals" in others  # names its place
    assert "Bitcoin slips" in others.split("OTHER HEADLINES")[1]
    assert "Bitcoin slips" not in out.split("OTHER HEADLINES")[0]
    # The charts stay about policy: two regions with policy stories, Japan not among them.
    chart = out.split("POLICY STORIES BY REGION")[1].split("\n\n")[0]
    assert "Hong Kong" in chart and "China" in chart and "Japan" not in chart


def test_policy_only_keeps_the_policy_view(feeds: Path, env: dict[str, str]) -> None:
    out = show(feeds, env, "--format", "text", "--policy-only")

    assert "SFC licenses" in out and "digital yuan" in out
    for gone in ("Also from", "OTHER NEWS BY REGION", "OTHER HEADLINES", "Spot ether", "Tokyo", "Bitcoin"):
        assert gone not in out


@pytest.mark.parametrize(
    ("region", "titles"),
    [
        ("HK", {"Hong Kong's SFC licenses", "Spot ether fund debuts"}),
        ("jp", {"Tokyo-based exchange halts"}),
        ("CN-BJ", {"北京一家区块链企业完成新一轮融资"}),
        ("CN", {"China's central bank widens", "北京一家区块链企业完成新一轮融资"}),
    ],
)
def test_a_region_selects_its_other_stories_too(
    feeds: Path, env: dict[str, str], region: str, titles: set[str]
) -> None:
    items = json.loads(show(feeds, env, "--format", "json", "--region", region))["items"]

    assert {title for item in items for title in titles if item["title"].startswith(title)} == titles
    assert len(items) == len(titles)


@pytest.mark.parametrize("fmt", ["markdown", "html", "email", "rich"])
def test_every_format_lists_a_regions_other_stories(feeds: Path, env: dict[str, str], fmt: str) -> None:
    out = show(feeds, env, "--format", fmt)
    if fmt == "email":
        message = email.message_from_string(out, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        parts = [part.get_content() for part in message.iter_parts()]
        assert all("Also from Hong Kong" in part and "Spot ether fund debuts" in part for part in parts)
        return

    assert "Also from Hong Kong" in out and "Spot ether fund debuts" in out
    assert "Other news by region" in out and "Tokyo-based exchange" in out


def test_explain_shows_the_regions_and_evidence_of_a_story_that_is_not_policy(
    feeds: Path, env: dict[str, str]
) -> None:
    result = invoke(["explain", "北京一家"], env)

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "policy:  no (no sentence pairs a public actor with a policy phrase strongly" in lines
    assert "regions: Beijing (CN-BJ, primary)" in lines
    evidence = lines[lines.index("evidence:") + 1 :]
    assert evidence[0] == "  Beijing (CN-BJ)"
    assert evidence[1] == '    - "北京" in the title: 北京一家区块链企业完成新一轮融资'
    # The Chinese quote wraps by terminal columns under its own indent, never starting a line
    # with a full-width comma or closing bracket.
    quote = evidence[2:]
    assert quote[0].startswith('    - "北京市海淀区" in the body: 总部位于')
    assert len(quote) >= 3 and all(line.startswith("      ") for line in quote[1:])
    assert all(columns(line) <= 78 for line in lines)
    assert not [line for line in quote if line.strip()[0] in "，。、）》"]
    assert "".join(line.strip() for line in quote).endswith(ZH_SENTENCE)


def test_retag_tags_every_stored_item_again_from_a_store_the_last_digest_wrote(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """A store as the digest before regions for every story left it (schema 4, written here
    with SQL): the ordinary stories have no regions, and the quotes are four-field lists.
    More items than one page of re-tagging, so every page is read and written."""
    path = Path(env["DIGEST_DB"])
    with sqlite3.connect(path) as db:
        for number, script in enumerate(MIGRATIONS[:4], start=1):
            db.executescript(f"{script}; PRAGMA user_version = {number};")
        rows = [
            (f"u{n}", f"https://old.example/{n}", title, summary, "", "2026-11-20T00:00:00+00:00", topics, evidence)
            for n in range(1_100)
            for title, summary, topics, evidence in [_old_row(n)]
        ]  # fmt: skip
        db.executemany(
            "INSERT INTO items (uid, url, title, summary, text, published, first_seen, extracted, topics, "
            "evidence) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
            [(*row[:6], row[5], *row[6:]) for row in rows],
        )
    feeds = write_feeds(tmp_path / "feeds.toml", FEEDS)

    result = invoke(["retag", "--feeds", str(feeds)], env)

    assert result.exit_code == 0, result.stderr
    tagger = Tagger()
    expected = {uid: tagger.tag(title, summary, "") for uid, _, title, summary, *_ in rows}
    regional = sum(bool(tags.regions) for tags in expected.values())
    policy = sum(tags.policy for tags in expected.values())
    assert result.stderr == f"retagged 1,100 items: {policy:,} about policy, {regional:,} with a region\n"
    with Store.open(path) as store:
        for uid in ("u0", "u1", "u499", "u500", "u1099"):
            [item] = store.find_items(uid)
            assert item.tags == expected[uid], uid


def _old_row(n: int) -> tuple[str, str, str, str]:
    """Every other story about policy in Singapore, the rest a market note: (title, summary,
    topics, evidence) as the old digest stored them."""
    if n % 2:
        title = f"Exchange {n} lists a token"
        return title, "Trading starts on Monday.", "[]", "[]"
    title = f"Singapore's MAS fines exchange {n} over licensing breaches"
    quote = json.dumps([["enforcement", "fines", "title", title]])
    return title, "The Monetary Authority of Singapore imposed the penalty.", '["enforcement"]', quote


def test_an_issue_keeps_its_layout_and_one_sent_before_it_still_prints(
    feeds: Path, env: dict[str, str]
) -> None:
    sent = show(feeds, env, "--format", "text", "--new-only")
    assert "-- Also from Hong Kong" in sent

    assert show(feeds, env, "--format", "text", "--issue", "1") == sent
    # An issue archived by the digest before these lists: no such keys in its record.
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        [archived] = db.execute("SELECT digest FROM issues WHERE number = 1").fetchone()
        record = json.loads(archived)
        del record["other_regions"]
        for section in record["sections"]:
            del section["others"], section["more_others"]
        for story in record["other"]:
            del story["place"]
        db.execute("UPDATE issues SET digest = ? WHERE number = 1", (json.dumps(record),))

    older = show(feeds, env, "--format", "text", "--issue", "1")

    assert "Also from" not in older and "SFC licenses" in older and "Bitcoin slips" in older


def test_retag_on_a_terminal_draws_its_progress_on_stderr_only(feeds: Path, env: dict[str, str]) -> None:
    leader, follower = pty.openpty()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "digest", "retag", "--feeds", str(feeds)],
            stdout=subprocess.PIPE,
            stderr=follower,
            env=subprocess_env(env) | {"TERM": "xterm"},
        ) as process:
            os.close(follower)
            stdout, _ = process.communicate(timeout=120)
        drawn = b""
        with contextlib.suppress(OSError):  # the terminal reads as closed once the run is gone
            while chunk := os.read(leader, 65536):
                drawn += chunk
    finally:
        os.close(leader)

    assert process.returncode == 0 and stdout == b""
    assert "retagged 6 items: " in drawn.decode() and "Traceback" not in drawn.decode()


def test_explain_wraps_a_long_list_of_regions_under_its_values() -> None:
    from digest.render import explain  # noqa: PLC0415

    places = [("CN-GS-lanzhou", "兰州市七里河区"), ("CN-BJ", "Beijing"), ("HK", "Hong Kong")] * 4
    item = dataclasses.replace(
        ITEMS[3],
        tags=Tags((), tuple(Region(code, name) for code, name in places), "CN-BJ", ()),
    )

    lines = explain.render(item).splitlines()

    start = next(n for n, line in enumerate(lines) if line.startswith("regions: "))
    wrapped = lines[start + 1 :]
    assert wrapped and all(line.startswith(" " * 9) and line[9] != " " for line in wrapped if line)
    assert all(columns(line) <= 78 for line in lines)
    assert "Beijing (CN-BJ, primary)" in " ".join(lines)
