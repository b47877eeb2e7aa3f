"""Peak memory of `digest fetch` (its whole process tree: the CLI, the fork server, the workers)
on article pages just under the 10 MB size cap, one shape of page at a time.

    python bench/big_page.py                 # every shape, one 9.5 MB page each
    python bench/big_page.py --pages 3       # three such pages in one feed
    python bench/big_page.py --shape markup  # one shape

The shapes are what makes real pages that big: a framework's JSON state in a script (Next.js,
Nuxt), inline SVG icons, images inlined as data: URIs, scripts, styles and comments; and plain
markup (a comment thread thousands long), which no trimming removes. Each page also holds a
1,000-word story, and the bench says whether `digest` stored it. The target: 400 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from run import TreeWatcher, cli_environment, digest_command, megabytes

TARGET_BYTES = 400 * 10**6  # as `megabytes` prints them
PAGE_BYTES = int(9.5 * 1024 * 1024)
STORY_MARKER = "BIGPAGE-STORY"
_WORDS = [
    *("regulators", "exchange", "token", "ledger", "council", "draft", "rules", "custody"),
    *("stablecoin", "licence", "audit", "reserve", "market", "consultation", "ministry"),
    *("payment", "wallet", "issuer", "reporting", "deadline"),
]


def story(rng: random.Random) -> str:
    sentences = []
    for number in range(70):
        words = [rng.choice(_WORDS) for _ in range(14)]
        sentences.append(f"{' '.join(words).capitalize()} in round {number}.")
    paragraphs = [" ".join(sentences[start : start + 5]) for start in range(0, len(sentences), 5)]
    return f"<p>{STORY_MARKER} begins.</p>" + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def _filled(piece: Callable[[int], str], budget: int) -> str:
    """Pieces up to `budget` characters, never past it (the story must fit under the cap too)."""
    parts, size, number = [], 0, 0
    while size + len(part := piece(number)) <= budget:
        parts.append(part)
        size += len(part)
        number += 1
    return "".join(parts)


def next_data(budget: int, rng: random.Random) -> tuple[str, str]:
    state = {
        "props": {
            "pageProps": {
                "articles": [
                    {"id": n, "title": f"Story {n}", "body": " ".join(rng.choice(_WORDS) for _ in range(60))}
                    for n in range(budget // 520)
                ]
            }
        }
    }
    return "", f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(state)}</script>'


def svg_icons(budget: int, rng: random.Random) -> tuple[str, str]:
    def icon(number: int) -> str:
        points = " ".join(f"L{rng.randint(0, 999)} {rng.randint(0, 999)}" for _ in range(40))
        return f'<svg viewBox="0 0 1000 1000" class="icon-{number}"><path d="M0 0 {points} Z"/></svg>'

    return _filled(icon, budget), ""


def data_uris(budget: int, rng: random.Random) -> tuple[str, str]:
    blob = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(60_000)
    )

    def image(number: int) -> str:
        return f'<figure><img alt="chart {number}" src="data:image/png;base64,{blob}"></figure>'

    return _filled(image, budget), ""


def scripts_and_styles(budget: int, rng: random.Random) -> tuple[str, str]:
    def chunk(number: int) -> str:
        code = ";".join(f"var v{number}_{n}={rng.randint(0, 10**9)}" for n in range(300))
        rules = "".join(f".c{number}-{n}{{margin:{n}px;color:#{n:06x}}}" for n in range(100))
        return f"<script>{code}</script><style>{rules}</style><!-- slot {number} {'x' * 2000} -->"

    return _filled(chunk, budget), ""


def markup(budget: int, rng: random.Random) -> tuple[str, str]:
    def comment(number: int) -> str:
        words = " ".join(rng.choice(_WORDS) for _ in range(25))
        return (
            f'<div class="comment" id="c{number}"><div class="meta">'
            f'<span class="author">reader{number}</span><time datetime="2026-11-24">24 Nov</time></div>'
            f'<p class="text">{words}</p><ul class="actions"><li><a href="#r{number}">Reply</a></li>'
            f'<li><a href="#l{number}">Like</a></li></ul></div>'
        )

    return "", f'<section class="comments">{_filled(comment, budget)}</section>'  # after the story


SHAPES: dict[str, Callable[[int, random.Random], tuple[str, str]]] = {
    "next-data": next_data,
    "svg": svg_icons,
    "data-uri": data_uris,
    "scripts-styles": scripts_and_styles,
    "markup": markup,
}


def big_page(shape: str, number: int) -> bytes:
    rng = random.Random(number)
    head = "<html><head><title>Council weighs exchange rules</title><meta charset='utf-8'></head><body>"
    article = f"<article><h1>Council weighs exchange rules {number}</h1>{story(rng)}</article>"
    budget = PAGE_BYTES - len(head) - len(article) - 100
    before, after = SHAPES[shape](budget, rng)
    return f"{head}<header>{before}</header>{article}{after}</body></html>".encode()[:PAGE_BYTES]


class Site:
    def __init__(self, resources: dict[str, tuple[bytes, str]]) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body, kind = resources.get(self.path, (b"not here", "text/plain"))
                self.send_response(200 if self.path in resources else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.resources = resources
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def measure(shape: str, pages: int, workdir: Path) -> tuple[int, int, int, float]:
    """(peak RSS of the tree, peak PSS, pages whose story was stored, seconds)."""
    site = Site({})
    now = format_datetime(datetime.now(UTC))
    items = ""
    for number in range(pages):
        path = f"/news/{shape}-{number}.html"
        site.resources[path] = (big_page(shape, number), "text/html; charset=utf-8")
        items += (
            f"<item><title>Big page {number}</title><link>{site.base}{path}</link>"
            f"<pubDate>{now}</pubDate><description>A big page.</description></item>"
        )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>{site.base}/</link>'
    feed += f"<description>d</description>{items}</channel></rss>"
    site.resources["/feed.xml"] = (feed.encode(), "application/rss+xml")
    feeds = workdir / f"{shape}.toml"
    feeds.write_text(f'[[feeds]]\nname = "Big"\nurl = "{site.base}/feed.xml"\n', encoding="utf-8")
    db = workdir / f"{shape}.sqlite3"
    command = [*digest_command(), "fetch", "--feeds", str(feeds), "--db", str(db), "-q"]
    try:
        run = _watched(command, cli_environment(workdir))
    finally:
        site.close()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        stored = connection.execute(
            "SELECT count(*) FROM items WHERE extracted AND instr(text, ?)", (STORY_MARKER,)
        ).fetchone()[0]
    return run[0], run[1], stored, run[2]


def _watched(command: list[str], environment: dict[str, str]) -> tuple[int, int, float]:
    import subprocess  # noqa: PLC0415
    import time  # noqa: PLC0415

    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=environment)
        watcher = TreeWatcher(process.pid, interval=0.02)
        watcher.start()
        code = process.wait()
        watcher.finish()
        if code != 0:
            err.seek(0)
            raise SystemExit(f"digest fetch exited {code}: {err.read().decode()}")
    return watcher.peak_rss, watcher.peak_pss, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shape", choices=sorted(SHAPES), action="append", help="the shapes to measure")
    parser.add_argument("--pages", type=int, default=1, help="big pages in the feed")
    options = parser.parse_args()
    shapes = options.shape or list(SHAPES)
    print(f"{options.pages} page(s) of {PAGE_BYTES / 2**20:.1f} MB each; peak memory of the whole tree")
    print(f"  {'shape':16} {'peak RSS':>10} {'peak PSS':>10} {'story stored':>13} {'time':>7}")
    worst = 0
    with tempfile.TemporaryDirectory(prefix="digest-big-page-") as temporary:
        for shape in shapes:
            rss, pss, stored, seconds = measure(shape, options.pages, Path(temporary))
            worst = max(worst, rss)
            print(
                f"  {shape:16} {megabytes(rss):>10} {megabytes(pss):>10} "
                f"{f'{stored} of {options.pages}':>13} {seconds:6.1f}s"
            )
    verdict = "within" if worst <= TARGET_BYTES else "OVER"
    print(f"worst peak RSS {megabytes(worst)}: {verdict} the {megabytes(TARGET_BYTES)} target")
    return 0 if worst <= TARGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
