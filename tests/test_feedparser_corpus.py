"""Robustness: every document of feedparser's own test suite, served as a feed, in one real run.

The corpus (2,107 small RSS, Atom, CDF and JSON documents: ill-formed ones, odd encodings,
entities, hostile markup) lives in `shared/corpora/feedparser-tests/` beside the repo. Each
document gets its own route on the real HTTP server, with the response headers it declares,
and one `digest fetch` subprocess reads them all. The tool must not crash, must report every
feed, and must keep at least one entry of every document where feedparser itself sees a
usable entry.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import feedparser
import pytest
from conftest import FixtureServer, run_digest, write_feeds

_HERE = Path(__file__).resolve()
# Beside the repo (`parents[2]`, which is also `parents[1].parent`: a CI clone with shared/
# copied next to it), or inside the clone itself.
_CANDIDATES = tuple(
    dict.fromkeys(
        base / "shared" / "corpora" / "feedparser-tests" for base in (_HERE.parents[2], _HERE.parents[1])
    )
)
# feedparser's own test runner reads the declared headers with this expression.
_HEADER = re.compile(r"^Header:\s+([^:]+):(.*)$", re.MULTILINE)
_TAG = re.compile(r"<[^>]*>")
# C0 controls other than tab and newline, and the right-to-left override.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\u202e]")
FETCH = [
    "fetch",
    "--no-extract",
    "--format",
    "json",
    "--since",
    "1900-01-01",
    "--until",
    "2100-01-01",
    "--concurrency",
    "16",
]


@dataclass(frozen=True, slots=True)
class Document:
    name: str  # the path inside the corpus, also the feed's name
    body: bytes
    headers: dict[str, str]
    url: str = ""


def _corpus() -> Path | None:
    for candidate in _CANDIDATES:
        if (candidate / "README.md").is_file() and (candidate / "wellformed").is_dir():
            return candidate
    return None


def _decoded(data: bytes) -> str:
    """The text of a document by its byte order mark, as feedparser's test runner reads it."""
    boms = (
        (b"\x00\x00\xfe\xff", "utf-32be"),
        (b"\xff\xfe\x00\x00", "utf-32le"),
        (b"\x00\x00\x00\x3c", "utf-32be"),
        (b"\x3c\x00\x00\x00", "utf-32le"),
        (b"\x00\x3c\x00\x3f", "utf-16be"),
        (b"\x3c\x00\x3f\x00", "utf-16le"),
    )
    for prefix, encoding in boms:
        if data.startswith(prefix):
            return data.decode(encoding, errors="ignore")
    if data[:2] == b"\xfe\xff" and data[2:4] != b"\x00\x00":
        return data[2:].decode("utf-16be", errors="ignore")
    if data[:2] == b"\xff\xfe" and data[2:4] != b"\x00\x00":
        return data[2:].decode("utf-16le", errors="ignore")
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8", errors="ignore")
    return data.decode("utf-8", errors="ignore")


def _declared_headers(name: str, data: bytes) -> dict[str, str]:
    """The response headers a document asks for; only `http` documents get theirs."""
    declared = (
        {key: value.strip() for key, value in _HEADER.findall(_decoded(data))} if "http" in name else {}
    )
    content_type = declared.pop("Content-type", "text/xml")
    return {"Content-Type": content_type, **declared}


def _documents(root: Path) -> list[Document]:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name not in ("README.md", "LICENSE"))
    documents = []
    for path in files:
        name = path.relative_to(root).as_posix()
        data = path.read_bytes()
        documents.append(Document(name, data, _declared_headers(name, data)))
    return documents


def _usable_link(value: object) -> bool:
    try:
        parts = urlsplit(str(value or "").strip())
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _good_entries(document: Document) -> int:
    """How many entries feedparser itself finds with an http(s) link or a title."""
    headers = {key.lower(): value for key, value in document.headers.items()}
    headers.setdefault("content-location", document.url)
    parsed = feedparser.parse(document.body, response_headers=headers)
    good = 0
    for entry in parsed.get("entries", []):
        links = [entry.get("link")] + [
            link.get("href") for link in entry.get("links", []) or [] if link.get("rel") == "alternate"
        ]
        if any(_usable_link(link) for link in links) or _has_text(entry, "title"):
            good += 1
    return good


def _has_text(entry: Any, key: str) -> bool:
    """Whether the field has something to read: an HTML title made only of markup (a bare
    `<img>`, as in the `sanitize/entry_title_on*` documents) has nothing to show."""
    value = str(entry.get(key) or "")
    if "html" in str(entry.get(f"{key}_detail", {}).get("type", "text/html")):
        value = html.unescape(_TAG.sub("", value))
    return bool(value.strip())


def test_every_feedparser_test_document_survives_a_fetch(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    root = _corpus()
    if root is None:
        pytest.skip(f"feedparser test corpus not found (looked in {', '.join(map(str, _CANDIDATES))})")
    started = time.monotonic()
    documents = [
        Document(
            doc.name,
            doc.body,
            doc.headers,
            server.add("/corpus/" + quote(doc.name, safe="/"), doc.body, headers=doc.headers),
        )
        for doc in _documents(root)
    ]
    assert len(documents) > 2000, f"only {len(documents)} documents in {root}"
    feeds = write_feeds(tmp_path / "feeds.toml", {doc.name: doc.url for doc in documents})

    result = run_digest([*FETCH, "--feeds", str(feeds)], env, timeout=300)
    fetched = time.monotonic()

    stderr = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 0, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[stderr.index("Traceback") :][:3000]
    output = json.loads(result.stdout)
    reported = {feed["name"]: feed for feed in output["feeds"]}
    missing = [doc.name for doc in documents if doc.name not in reported]
    assert not missing, f"{len(missing)} documents missing from the output's feeds: {missing[:20]}"
    assert all(reported[doc.name]["url"] == doc.url for doc in documents)

    with sqlite3.connect(env["DIGEST_DB"]) as db:
        linked = Counter(
            url
            for (url,) in db.execute(
                "SELECT feeds.url FROM item_feeds JOIN feeds ON feeds.id = item_feeds.feed_id"
            )
        )
        texts = db.execute("SELECT url, title, summary FROM items").fetchall()

    offenders = []
    with_good_entries = 0
    for doc in documents:
        if _good_entries(doc) == 0:
            continue
        with_good_entries += 1
        feed = reported[doc.name]
        if feed["status"] == "error":
            offenders.append(f"{doc.name}: status error ({feed['error']})")
        elif linked[doc.url] == 0:
            offenders.append(f"{doc.name}: status {feed['status']} but no item stored for it")
    assert not offenders, f"{len(offenders)} documents lost their good entries:\n" + "\n".join(offenders)

    unsafe = [
        f"{url}: {field} {text!r}"
        for url, title, summary in texts
        for field, text in (("title", title), ("summary", summary))
        if _UNSAFE.search(text)
    ]
    assert not unsafe, f"{len(unsafe)} stored texts carry control characters:\n" + "\n".join(unsafe)

    statuses = Counter(feed["status"] for feed in output["feeds"])
    errors = Counter((feed["error"] or "").split(":")[0] for feed in output["feeds"] if feed["error"])
    print(
        f"\n{len(documents)} documents served; feeds {dict(statuses)} (errors {dict(errors)}); "
        f"{len(texts)} items stored; {with_good_entries} documents with good entries; "
        f"fetch {fetched - started:.1f} s, test {time.monotonic() - started:.1f} s"
    )
