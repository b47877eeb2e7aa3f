"""Conformance: the 183 feed documents of four peer projects' test suites (rss2email, newsboat,
Miniflux, feedjira), each parsed by digest and compared with what that project's own tests expect:
the status (a feed, or no feed at all), the number of entries, and entry titles and links.

The corpus lives in `shared/corpora/peer-feeds/` beside the repo (see its README); without it the
tests are skipped. Where digest deliberately differs from a peer, on a matter of taste or of its
own rules (one story per canonical URL, no article page made up from a feed's home page ...), the
document is listed in `DISAGREEMENTS` with the reason, and the test checks that it still differs:
an exception that no longer applies is removed rather than left to hide a regression.

Links are compared as digest stores them, canonical (no fragment, no tracking parameters, host in
lower case and punycode), so `.../30.html#item572` and `.../30.html` are the same link.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import FixtureServer, run_digest, write_feeds

from digest.parse import ParsedFeed, parse_feed
from digest.urls import canonical_url

_HERE = Path(__file__).resolve()
# Beside the repo (a clone in /work/main has shared/ at parents[2]; a worktree one level deeper),
# or inside the clone itself (a CI checkout with shared/ copied in).
_CANDIDATES = tuple(dict.fromkeys(base / "shared" / "corpora" / "peer-feeds" for base in _HERE.parents[1:4]))
NOW = datetime(2030, 1, 1, tzinfo=UTC)
# A document whose peer test gives no URL for it (it parsed a file) is read as served from here.
DEFAULT_BASE = "https://peer-feeds.example/feed"
DOCUMENTS = 183

_ONE_STORY_PER_URL = "digest keeps one story per canonical URL; the peer keeps entries that share a link"
_NO_MADE_UP_LINK = (
    "the entry has no link: the peer gives it the feed's home page (or an enclosure) as its URL, "
    "digest never invents an article URL from another address"
)
_NOTHING_TO_TELL = "the entry has no title, text or article link: digest keeps nothing it could show"
DISAGREEMENTS = {
    # rss2email
    "rss2email/allthingsrss": (
        "a FeedBurner copy: the peer mails the feedproxy.google.com redirect, digest stores "
        "feedburner:origLink, the publisher's own URL (issue 11, point 5)"
    ),
    "rss2email/disqus": (
        "two comments on one page differ only in their #comment-N fragment: digest drops "
        "fragments, so both are the page's one story"
    ),
    # newsboat
    "newsboat/atom10_1.xml": _ONE_STORY_PER_URL,
    "newsboat/atom10_2.xml": (
        "two entries link only a <media:player>: a player page is no article, so digest keeps them "
        "with the feed's text under their own key instead of the player's URL"
    ),
    "newsboat/rss20_2.xml": (
        'links only in <media:player>, and two items share one isPermaLink="false" guid: digest '
        "takes neither as the article URL and keeps one story per guid; the third item has no "
        "title or text at all"
    ),
    "newsboat/items_without_titles.xml": (
        "untitled entries: newsboat makes a title from the link's last path segment "
        "('atom_testing.html' -> 'A gentle introduction to testing' is its own test's wording); "
        "digest titles them with the start of their text"
    ),
    # Miniflux
    "miniflux/rss/TestParseEntryWithoutLink": _NOTHING_TO_TELL + "; " + _NO_MADE_UP_LINK,
    "miniflux/rss/TestParseEntryWithoutLinkAndWithEnclosureURLs": _NOTHING_TO_TELL + "; " + _NO_MADE_UP_LINK,
    "miniflux/rss/TestParseEntriesWithDuplicateGUIDAndDistinctLinks": _ONE_STORY_PER_URL,
    "miniflux/rss/TestParseEntriesWithDuplicateGUIDAndNoLink": (
        "two linkless items share one guid: a guid names one item, so digest keeps one story"
    ),
    "miniflux/atom/TestParseEntryWithRelativeURL": (
        "a relative entry link: Miniflux resolves it against the feed's <link> (its home page), "
        "digest against xml:base and the feed's own URL, as RFC 4287 and RFC 3986 say"
    ),
    "miniflux/atom/TestParseEntryWithPlainTextTitle": _ONE_STORY_PER_URL,
    "miniflux/atom/TestParseEntryWithIDAsURL": (
        "the second entry's only identity is a mailto: id, with no title or text: nothing to tell, "
        "and a mailto: address is no article"
    ),
    "miniflux/rdf/TestParseItemWithoutLink": (
        "the RSS 1.0 item has no <link>: digest takes its rdf:about, the item's own URI, where "
        "Miniflux takes the channel's home page"
    ),
    "miniflux/rdf/TestParseItemRelativeURL": (
        "a relative item link: Miniflux resolves it against the channel's <link>, digest against "
        "the feed's own URL (RFC 3986)"
    ),
    "miniflux/rdf/TestParseRDFItemWitEmptyTitleElement": (
        "an empty <title>: digest titles the entry with its text ('Test'), as Miniflux itself does "
        "for RSS and Atom entries without a title; Miniflux's RDF parser uses the URL here"
    ),
}


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    project: str
    body: bytes
    content_type: str
    base: str
    expect: dict[str, Any]


def _corpus() -> Path | None:
    for candidate in _CANDIDATES:
        if (candidate / "manifest.jsonl").is_file() and (candidate / "docs").is_dir():
            return candidate
    return None


def _documents() -> list[Document]:
    root = _corpus()
    if root is None:
        return []
    documents = []
    for line in (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        documents.append(
            Document(
                id=row["id"],
                project=row["id"].split("/", 1)[0],
                body=(root / row["file"]).read_bytes(),
                content_type=row["content_type"],
                base=row.get("peer_base") or DEFAULT_BASE,
                expect=row["expect"],
            )
        )
    return documents


def _differences(document: Document) -> list[str]:
    """How digest's reading of the document differs from the peer's expectation; [] if it agrees."""
    parsed = parse_feed(
        document.body, url=document.base, headers={"Content-Type": document.content_type}, now=NOW
    )
    expect = document.expect
    status = "ok" if parsed.error is None else "error"
    if status != expect["status"]:
        return [f"status {status} ({parsed.error}), the peer expects {expect['status']}"]
    if status == "error":
        return []
    differences = []
    if expect["count"] is not None and len(parsed.entries) != expect["count"]:
        differences.append(f"{len(parsed.entries)} entries, the peer expects {expect['count']}")
    if document.project == "rss2email":
        differences += _unordered(parsed, expect["entries"])
    else:
        differences += _in_order(parsed, expect["entries"])
    return differences


def _in_order(parsed: ParsedFeed, expected: list[dict[str, Any]]) -> list[str]:
    differences = []
    for entry in expected:
        index = entry["i"]
        if index >= len(parsed.entries):
            differences.append(f"entry {index} missing")
            continue
        got = parsed.entries[index]
        if "title" in entry and got.title != _title(entry):
            differences.append(f"entry {index} title {got.title!r}, the peer expects {_title(entry)!r}")
        if "link" in entry and got.url != canonical_url(str(entry["link"])):
            differences.append(f"entry {index} link {got.url!r}, the peer expects {entry['link']!r}")
    return differences


def _unordered(parsed: ParsedFeed, expected: list[dict[str, Any]]) -> list[str]:
    """rss2email mails a feed's entries oldest first; the order within a feed is not digest's
    contract, so each expected entry is matched with any one entry not matched yet."""
    unmatched = list(parsed.entries)
    differences = []
    for entry in expected:
        title = _title(entry) if "title" in entry else None
        link = canonical_url(str(entry["link"])) if "link" in entry else None
        match = next(
            (got for got in unmatched if title in (None, got.title) and link in (None, got.url)),
            None,
        )
        if match is None:
            differences.append(f"no entry titled {title!r} with link {link!r}")
        else:
            unmatched.remove(match)
    return differences


def _title(entry: dict[str, Any]) -> str:
    # A peer that keeps a title's HTML states the text too; digest's titles are plain text.
    return str(entry.get("title_as_text", entry["title"]))


DOCS = _documents()
pytestmark = pytest.mark.skipif(
    not DOCS,
    reason="peer feed corpus not found (looked in " + ", ".join(str(path) for path in _CANDIDATES) + ")",
)


def test_the_corpus_is_complete() -> None:
    assert len(DOCS) == DOCUMENTS
    assert set(DISAGREEMENTS) <= {document.id for document in DOCS}


def test_digest_agrees_with_the_peers_except_where_it_deliberately_differs() -> None:
    disagreeing = {document.id: differences for document in DOCS if (differences := _differences(document))}

    unexpected = {name: found for name, found in disagreeing.items() if name not in DISAGREEMENTS}
    stale = sorted(set(DISAGREEMENTS) - set(disagreeing))
    assert not unexpected, json.dumps(unexpected, indent=1, ensure_ascii=False)
    assert not stale, f"these documents agree now: remove their exceptions {stale}"
    assert len(DOCS) - len(disagreeing) == DOCUMENTS - len(DISAGREEMENTS)


def test_a_real_fetch_of_every_document_gives_the_peers_status_and_count(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    # Each document served with its content type, all in one run, as a user's feeds would be.
    urls = {
        document.id: server.add(
            "/peer/" + quote(document.id), document.body, headers={"Content-Type": document.content_type}
        )
        for document in DOCS
    }
    feeds = write_feeds(tmp_path / "feeds.toml", urls)
    window = ["--since", "1900-01-01", "--until", "2100-01-01"]

    done = run_digest(
        ["fetch", "-q", "--no-extract", "--feeds", str(feeds), "--format", "json", *window], env
    )

    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert b"Traceback" not in done.stderr
    status = {feed["name"]: feed["status"] for feed in json.loads(done.stdout)["feeds"]}
    with sqlite3.connect(env["DIGEST_DB"]) as store:
        carried = Counter(
            name
            for (name,) in store.execute(
                "SELECT feeds.name FROM item_feeds JOIN feeds ON feeds.id = item_feeds.feed_id"
            )
        )
    differences = []
    for document in DOCS:
        expect = document.expect
        if status[document.id] != expect["status"]:
            differences.append(
                f"{document.id}: status {status[document.id]}, the peer expects {expect['status']}"
            )
        elif document.id not in DISAGREEMENTS and expect["count"] not in (None, carried[document.id]):
            differences.append(
                f"{document.id}: {carried[document.id]} items, the peer expects {expect['count']}"
            )
    assert not differences, "\n".join(differences)
