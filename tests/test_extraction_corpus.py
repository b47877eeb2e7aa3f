"""Real pages in the charsets their languages' sites used: a few pages of the article-extraction
benchmark (`shared/corpora/article-extraction-benchmark/`, beside the repository) re-encoded,
declared in the header only or in the markup only, decode to the very text they were written in
and reach the store readable. The whole corpus, scored, is bench/extraction_quality.py."""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import FixtureServer, invoke, write_feeds

from digest.decode import decode_page

_HERE = Path(__file__).resolve()
_CANDIDATES = [
    base / "shared" / "corpora" / "article-extraction-benchmark"
    for base in (_HERE.parents[1], _HERE.parents[2], _HERE.parents[3])
]
# Pages in other scripts than Latin, with and without a meta naming UTF-8, and one in Portuguese.
PAGES = {
    "ff0f958ade71": "windows-1251",  # Russian, no meta
    "c4a3637c6696": "windows-1251",  # Russian, <meta charset="UTF-8">: the header must win
    "f105de6e63ca": "shift_jis",  # Japanese, meta UTF-8
    "0ec95c7261d1": "euc-kr",  # Korean, no meta
    "b3c19dd5f061": "windows-1252",  # Portuguese
}
_META_CHARSET = re.compile(rb"""(<meta[^>]*?charset\s*=\s*["']?\s*)[-\w.:]+""", re.IGNORECASE)


def corpus() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / "ground-truth.json").exists():
            return candidate
    pytest.skip(f"article-extraction benchmark not found (looked in {', '.join(map(str, _CANDIDATES))})")


def corpus_page(prefix: str) -> tuple[str, str]:
    """(the page's HTML as text, its gold article body)."""
    directory = corpus()
    [path] = (directory / "html").glob(f"{prefix}*.html.gz")
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    return gzip.decompress(path.read_bytes()).decode("utf-8"), truth[path.name.split(".")[0]]["articleBody"]


def in_charset(html: str, charset: str) -> bytes:
    """What the charset cannot hold becomes a character reference, as an old site's CMS wrote it."""
    return html.encode(charset, errors="xmlcharrefreplace")


@pytest.mark.parametrize(("prefix", "charset"), PAGES.items())
def test_a_page_decodes_in_the_charset_it_was_served_in(prefix: str, charset: str) -> None:
    html, _ = corpus_page(prefix)
    body = in_charset(html, charset)
    written = body.decode(charset)

    assert decode_page(body, f"text/html; charset={charset}") == written
    # Declared in its markup only:
    declared = _META_CHARSET.sub(rb"\g<1>" + charset.encode(), body, count=1)
    if declared == body:
        declared = body.replace(b"<head>", b'<head><meta charset="' + charset.encode() + b'">', 1)
    assert decode_page(declared, "text/html") == declared.decode(charset)
    # As saved, in UTF-8, with no declaration in the header:
    assert decode_page(html.encode(), "text/html") == html


def test_pages_in_legacy_charsets_reach_the_store_readable(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    items, golds = [], {}
    for number, (prefix, charset) in enumerate(PAGES.items()):
        html, gold = corpus_page(prefix)
        link = server.add(
            f"/news/{prefix}.html",
            in_charset(html, charset),
            headers={"Content-Type": f"text/html; charset={charset}"},
        )
        golds[link] = gold
        items.append(
            f"<item><title>Story {number}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate><description>Story {number}.</description></item>"
        )
    feed = server.add(
        "/feed.xml",
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>World</title>'
        f"<link>{server.base}/</link><description>d</description>{''.join(items)}</channel></rss>",
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
    )
    feeds = write_feeds(tmp_path / "feeds.toml", {"World": feed})

    result = invoke(["fetch", "--feeds", str(feeds), "-q"], env)

    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        texts = dict(db.execute("SELECT url, text FROM items").fetchall())
    for link, gold in golds.items():
        # The words of the story's longest paragraph, in order, as the page's readers saw them.
        paragraph = " ".join(max(gold.split("\n"), key=len).split()[:12])
        assert paragraph in " ".join(texts[link].split()), link
