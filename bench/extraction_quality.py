"""Extraction quality through the real CLI: the 181 pages of the article-extraction benchmark
served on a loopback address, one feed listing them all, and the text `digest` stores for each
scored against the benchmark's gold article bodies with the benchmark's own metric.

    python bench/extraction_quality.py                      # pages as saved, with their declared charset
    python bench/extraction_quality.py --charsets legacy    # each page re-encoded to its language's
                                                            # legacy charset, declared only in the header

The metric (the benchmark's): both texts split into `\\w+` tokens, bags of 4-token shingles,
clipped overlaps as true positives, each page's counts normalised to sum to one; precision and
recall averaged over pages, F1 the harmonic mean of the two averages.

Each feed item carries a summary: the first sentence or so of the page's gold text, as a feed's
description usually is. A page `digest` does not extract is stored with that summary and
scores accordingly.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "article-extraction-benchmark"
FALLBACK_CORPUS = Path("/work/shared/corpora/article-extraction-benchmark")
SUMMARY_CHARS = 200
_TOKEN = re.compile(r"\w+")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Page:
    key: str
    url: str  # where the benchmark saved it from (the feed's item links to our copy)
    gold: str
    html: bytes  # UTF-8, as saved
    declared: str | None  # the charset its own markup declares


def corpus_directory(given: Path | None = None) -> Path | None:
    for candidate in (given, CORPUS, FALLBACK_CORPUS):
        if candidate is not None and (candidate / "ground-truth.json").exists():
            return candidate.resolve()
    return None


def load_pages(directory: Path) -> list[Page]:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, entry in sorted(truth.items()):
        html = gzip.decompress((directory / "html" / f"{key}.html.gz").read_bytes())
        declared = _META_CHARSET.search(html[:65536])
        pages.append(
            Page(
                key,
                entry["url"],
                entry["articleBody"],
                html,
                declared.group(1).decode() if declared else None,
            )
        )
    return pages


# -- the legacy charsets: each page as its language's sites used to serve it --------------------


def legacy_charset(text: str) -> str:
    """The charset a site in the page's language most likely used before UTF-8."""
    counts = Counter(_script(character) for character in text if ord(character) > 127)
    counts.pop("other", None)
    if not counts:
        return "windows-1252"
    script = counts.most_common(1)[0][0]
    return {
        "cyrillic": "windows-1251",
        "hangul": "euc-kr",
        "kana": "shift_jis",
        "han": "gb18030",
        "arabic": "windows-1256",
        "greek": "windows-1253",
    }.get(script, "windows-1252")


def _script(character: str) -> str:
    point = ord(character)
    if 0x0400 <= point <= 0x04FF:
        return "cyrillic"
    if 0xAC00 <= point <= 0xD7AF:
        return "hangul"
    if 0x3040 <= point <= 0x30FF:
        return "kana"
    if 0x4E00 <= point <= 0x9FFF:
        return "han"
    if 0x0600 <= point <= 0x06FF:
        return "arabic"
    if 0x0370 <= point <= 0x03FF:
        return "greek"
    if 0x00C0 <= point <= 0x024F or point in {0x2018, 0x2019, 0x201C, 0x201D, 0x2013, 0x2014}:
        return "latin"
    return "other"


def recoded(page: Page, charset: str) -> bytes:
    """The page in `charset`; what the charset cannot hold becomes a character reference, which
    an HTML parser turns back into the same character. Its meta still says UTF-8 where it did:
    the header must win."""
    text = page.html.decode("utf-8")
    # Kana outnumbered by Han in Japanese pages: a page with kana at all is Japanese.
    if charset == "gb18030" and re.search("[\u3040-\u30ff]", text):
        charset = "shift_jis"
    return text.encode(charset, errors="xmlcharrefreplace")


# -- serving ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Served:
    body: bytes
    content_type: str


class Site:
    """One feed and its pages over real HTTP on 127.0.0.1."""

    def __init__(self, resources: dict[str, Served]) -> None:
        self.resources = resources

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                found = resources.get(self.path)
                body, kind = (found.body, found.content_type) if found else (b"not here", "text/plain")
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def page_path(page: Page) -> str:
    return f"/articles/{page.key}.html"


def feed_summary(gold: str) -> str:
    """The first sentence or two of the story, as a feed's description usually carries it."""
    words = " ".join(gold.split())
    if len(words) <= SUMMARY_CHARS:
        return words
    cut = words.rfind(". ", 0, SUMMARY_CHARS)
    return words[: cut + 1] if cut > 40 else words[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def feed_document(base: str, pages: list[Page]) -> bytes:
    now = format_datetime(datetime.now(UTC))
    items = "".join(
        f"<item><title>Story {number}</title><link>{base}{page_path(page)}</link>"
        f"<guid>{base}{page_path(page)}</guid><pubDate>{now}</pubDate>"
        f"<description>{escape(feed_summary(page.gold))}</description></item>"
        for number, page in enumerate(pages, 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Benchmark</title>'
        f"<link>{base}/</link><description>the benchmark's pages</description>{items}</channel></rss>"
    ).encode()


def resources_for(pages: list[Page], charsets: str) -> dict[str, Served]:
    served = {}
    for page in pages:
        if charsets == "legacy":
            charset = legacy_charset(page.gold)
            served[page_path(page)] = Served(recoded(page, charset), f"text/html; charset={charset}")
        elif page.declared:
            served[page_path(page)] = Served(page.html, f"text/html; charset={page.declared}")
        else:
            served[page_path(page)] = Served(page.html, "text/html")
    return served


# -- the metric ---------------------------------------------------------------------------------


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[start : start + size]) for start in range(max(1, len(tokens) - size + 1)))


def matching(gold: str, stored: str) -> tuple[float, float, float]:
    """(true positives, false positives, false negatives) over shingles, normalised to sum to one."""
    expected, found = shingles(gold), shingles(stored)
    expected.pop((), None)
    found.pop((), None)
    hits = sum((expected & found).values())
    extra = sum(found.values()) - hits
    missed = sum(expected.values()) - hits
    total = hits + extra + missed
    return (hits / total, extra / total, missed / total) if total else (0.0, 0.0, 0.0)


def scores(matches: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(F1, precision, recall) as the benchmark computes them."""

    def ratio(hits: float, wrong: float, other_wrong: float) -> float:
        if wrong == other_wrong == 0:
            return 1.0
        return hits / (hits + wrong) if hits + wrong else 0.0

    precision = statistics.mean(ratio(tp, fp, fn) for tp, fp, fn in matches if tp + fp > 0)
    recall = statistics.mean(ratio(tp, fn, fp) for tp, fp, fn in matches if tp + fn > 0)
    return 2 * precision * recall / (precision + recall), precision, recall


# -- the run ------------------------------------------------------------------------------------


def digest_command() -> list[str]:
    script = Path(sys.executable).with_name("digest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "digest"]


def fetch(site: Site, workdir: Path) -> tuple[float, Path]:
    feeds = workdir / "feeds.toml"
    feeds.write_text(f'[[feeds]]\nname = "Benchmark"\nurl = "{site.base}/feed.xml"\n', encoding="utf-8")
    db = workdir / "store.sqlite3"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DIGEST_")}
    environment.update(HOME=str(workdir), NO_COLOR="1")
    command = [*digest_command(), "fetch", "--feeds", str(feeds), "--db", str(db), "-q"]
    started = time.perf_counter()
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"digest fetch exited {done.returncode}:\n{done.stderr}")
    return time.perf_counter() - started, db


def stored_texts(db: Path) -> dict[str, tuple[str, bool]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT url, text, extracted FROM items").fetchall()
    return {url: (text, bool(extracted)) for url, text, extracted in rows}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, help="the benchmark's directory")
    parser.add_argument("--charsets", choices=("declared", "legacy"), default="declared")
    parser.add_argument("--worst", type=int, default=5, help="list this many of the lowest-scoring pages")
    options = parser.parse_args()
    directory = corpus_directory(options.corpus)
    if directory is None:
        raise SystemExit("the article-extraction benchmark is not there: give its directory with --corpus")
    pages = load_pages(directory)
    with tempfile.TemporaryDirectory(prefix="digest-quality-") as temporary, Site({}) as site:
        site.resources.update(resources_for(pages, options.charsets))
        site.resources["/feed.xml"] = Served(
            feed_document(site.base, pages), "application/rss+xml; charset=utf-8"
        )
        seconds, db = fetch(site, Path(temporary))
        stored = stored_texts(db)
        per_page = []
        for page in pages:
            text, extracted = stored.get(site.base + page_path(page), ("", False))
            per_page.append((page, matching(page.gold, text), extracted))
    f1, precision, recall = scores([match for _, match, _ in per_page])
    extracted = sum(1 for *_, was in per_page if was)
    print(f"{len(pages)} pages ({options.charsets} charsets) through `digest fetch` in {seconds:.0f} s")
    print(f"  extracted: {extracted} of {len(pages)}; stored: {len(stored)}")
    print(f"  F1 {f1:.3f}   precision {precision:.3f}   recall {recall:.3f}")
    worst = sorted(per_page, key=lambda row: row[1][0])[: options.worst]
    for page, (hits, extra, missed), was in worst:
        state = "extracted" if was else "feed text"
        print(
            f"  low: {page.key[:12]} {state:9} tp {hits:.2f} fp {extra:.2f} fn {missed:.2f}  {page.url[:70]}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
