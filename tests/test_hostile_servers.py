"""Hostile servers stay bounded: compressed bombs, framing tricks, escape sequences in what they
send, redirects into private networks, feeds that never answer beside a healthy one."""

from __future__ import annotations

import asyncio
import json
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, write_feeds

from digest.fetch import Fetcher

GIB = 1 << 30
_ZEROS = bytes(1 << 20)


def _deflate_bomb() -> bytes:
    """Raw deflate of 1 GiB of zeros, built from one compressed MiB repeated: a full flush
    resets the compressor, so every MiB compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(_ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (GIB // len(_ZEROS)) + compressor.flush()


def _checksums() -> tuple[int, int]:
    crc, adler = 0, 1
    for _ in range(GIB // len(_ZEROS)):
        crc, adler = zlib.crc32(_ZEROS, crc), zlib.adler32(_ZEROS, adler)
    return crc, adler


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return make_bombs()


def make_bombs() -> dict[str, bytes]:
    """Bodies that inflate to 1 GiB, by their Content-Encoding."""
    raw = _deflate_bomb()
    crc, adler = _checksums()
    gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + raw + struct.pack("<II", crc, GIB % (1 << 32))
    twice = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return {
        "gzip": gzip,
        "gzip, gzip": twice.compress(gzip) + twice.flush(),
        "deflate": b"\x78\xda" + raw + struct.pack(">I", adler),  # zlib-wrapped, as the RFC says
        "Deflate": raw,  # raw deflate, as some servers send it
    }


# Fetches one URL in a fresh process and prints the outcome and how far its peak RSS grew.
_MEASURE = """
import asyncio, resource, sys
from digest.errors import FetchError
from digest.fetch import Fetcher

async def fetch(url, kind):
    async with Fetcher(timeout=60, concurrency=4) as fetcher:
        get = fetcher.get_feed if kind == "feed" else fetcher.get_page
        try:
            return f"fetched {len((await get(url)).body)} bytes"
        except FetchError as error:
            return str(error)

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(asyncio.run(fetch(sys.argv[1], sys.argv[2])))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def _measured(url: str, kind: str) -> tuple[str, int]:
    """The fetch's outcome, and its peak RSS growth in MiB."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, url, kind], capture_output=True, text=True, timeout=120, check=True
    )
    outcome, growth = done.stdout.splitlines()
    return outcome, int(growth) // 1024


@pytest.fixture
def bomb_server(bombs: dict[str, bytes]) -> Iterator[FixtureServer]:
    served = FixtureServer()
    for number, (encoding, body) in enumerate(bombs.items()):
        headers = {"Content-Type": "text/html", "Content-Encoding": encoding.lower()}
        served.add(f"/bomb-{number}", body, headers=headers)
    yield served
    served.close()


@pytest.mark.parametrize(
    ("number", "encoding"), list(enumerate(["gzip", "gzip, gzip", "deflate", "raw deflate"]))
)
def test_a_compressed_bomb_stops_at_the_cap_while_it_inflates(
    bomb_server: FixtureServer, number: int, encoding: str
) -> None:
    # A page's cap is 10 MB: what is kept, and the join at the end, 20 MB. Inflating a whole
    # chunk off the wire at once would pass 60 MB from the first 64 KiB of gzip.
    outcome, growth = _measured(f"{bomb_server.base}/bomb-{number}", "page")

    assert outcome == "body is over the 10 MB cap", encoding
    assert growth < 48, f"{encoding}: peak RSS grew {growth} MiB"


def test_a_feed_bomb_stops_at_the_feed_cap(bomb_server: FixtureServer) -> None:
    outcome, growth = _measured(f"{bomb_server.base}/bomb-1", "feed")  # gzip, gzip

    assert outcome == "body is over the 20 MB cap"
    assert growth < 80, f"peak RSS grew {growth} MiB"


def test_gzip_and_deflate_bodies_within_the_cap_are_read_whole(server: FixtureServer) -> None:
    text = b"<rss version='2.0'><channel><title>Squeezed</title></channel></rss>" * 1000
    gzip_twice = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    once = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    gzip = once.compress(text) + once.flush()
    members = gzip + gzip  # a gzip of two members is the two texts
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    bodies = {
        "gzip": (gzip, text),
        "gzip, gzip": (gzip_twice.compress(gzip) + gzip_twice.flush(), text),
        "x-gzip": (members, text * 2),
        "deflate": (zlib.compress(text), text),
        "deflate ": (raw.compress(text) + raw.flush(), text),
        "identity": (text, text),
    }
    for number, (encoding, (body, _)) in enumerate(bodies.items()):
        server.add(f"/feed-{number}", body, headers={"Content-Encoding": encoding})

    async def fetch_all() -> list[bytes]:
        async with Fetcher(timeout=10, concurrency=4) as fetcher:
            return [(await fetcher.get_feed(f"{server.base}/feed-{n}")).body for n in range(len(bodies))]

    assert asyncio.run(fetch_all()) == [expected for _, expected in bodies.values()]
    assert server.hits[0].headers["accept-encoding"] == "gzip, deflate"


def test_feeds_that_never_answer_do_not_starve_a_healthy_feed_on_their_host(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    # 40 feeds ahead of it that never answer, 4 turns at the host, 2 s each: waiting for them
    # in line would take 20 s, twice the run's deadline.
    feeds = {f"Stuck {n}": server.add(f"/stuck-{n}.xml", "<rss/>", delay=60) for n in range(40)}
    feeds["Healthy"] = server.add_fixture_feed("/healthy.xml", "rss2.xml")
    feeds_file = write_feeds(tmp_path / "feeds.toml", feeds)

    done = invoke(
        ["fetch", "--no-extract", "--feeds", str(feeds_file), "--format", "json", "--timeout", "2",
         "--deadline", "10", *WINDOW],
        env,
    )  # fmt: skip

    status = {feed["name"]: (feed["status"], feed["error"]) for feed in json.loads(done.stdout)["feeds"]}
    assert status["Healthy"] == ("ok", None)
    assert len(server.requests_for("/healthy.xml")) == 1
    assert set(status.values()) == {("ok", None), ("error", "timed out after 2 s")}
