"""Hostile servers stay bounded: compressed bombs, framing tricks, escape sequences in what they
send, redirects into private networks, feeds that never answer beside a healthy one."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, run_digest, write_feeds

from digest.errors import FetchError
from digest.fetch import Download, Fetcher

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


class RawServer:
    """Answers every request on a loopback socket with `response`, bytes exactly as given:
    for what a well-behaved server library would never send."""

    def __init__(self, response: bytes, *, reset: bool = False) -> None:
        self.response = response
        self.reset = reset  # answer nothing, and reset the connection instead
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):  # closed at the end of the test
            while True:
                connection, _ = self._socket.accept()
                with connection:
                    request = b""
                    while b"\r\n\r\n" not in request and (data := connection.recv(65536)):
                        request += data
                    if self.reset:
                        linger = struct.pack("ii", 1, 0)  # on, 0 s: close sends a reset
                        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    else:
                        connection.sendall(self.response)

    def close(self) -> None:
        self._socket.close()


@contextlib.contextmanager
def raw_server(response: bytes = b"", *, reset: bool = False) -> Iterator[RawServer]:
    served = RawServer(response, reset=reset)
    try:
        yield served
    finally:
        served.close()


def _get_page(url: str) -> Download:
    async def get() -> Download:
        async with Fetcher(timeout=5, concurrency=4) as fetcher:
            return await fetcher.get_page(url)

    return asyncio.run(get())


OSC_52 = "\x1b]52;c;ZWNobyBvd25lZA==\x07"  # "set the clipboard to `echo owned`"


def test_a_reason_phrase_with_an_escape_sequence_reaches_no_message_raw(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    response = f"HTTP/1.1 500 Broken {OSC_52}today\r\nContent-Length: 0\r\n\r\n".encode()
    with raw_server(response) as hostile:
        feeds = {"Hostile": f"{hostile.base}/feed.xml", "Fine": server.add_fixture_feed("/f.xml", "rss2.xml")}
        feeds_file = write_feeds(tmp_path / "feeds.toml", feeds)
        done = run_digest(
            ["fetch", "--no-extract", "--feeds", str(feeds_file), "--format", "json", *WINDOW], env
        )

    assert done.returncode == 0, done.stderr
    errors = {feed["name"]: feed["error"] for feed in json.loads(done.stdout)["feeds"]}
    assert errors == {"Hostile": "HTTP 500 Broken today", "Fine": None}
    [warning] = done.stderr.decode().splitlines()
    assert warning.endswith(": HTTP 500 Broken today"), warning


def test_header_values_and_reasons_come_back_cleaned() -> None:
    response = (
        f"HTTP/1.1 200 Fine {OSC_52}\r\nContent-Type: text/html{OSC_52}\r\n"
        f"X-Note: a\x1b[31mred\x1b[0m note\r\nContent-Length: 5\r\n\r\nhello"
    ).encode()
    with raw_server(response) as served:
        page = _get_page(served.base)

    assert page.headers["content-type"] == "text/html"
    assert page.headers["x-note"] == "ared note"


def test_a_redirect_to_a_target_with_an_escape_sequence_is_an_error_in_plain_words() -> None:
    response = f"HTTP/1.1 301 Moved\r\nLocation: /next{OSC_52}\r\nContent-Length: 0\r\n\r\n".encode()
    with raw_server(response) as served, pytest.raises(FetchError) as refused:
        _get_page(served.base)

    assert refused.value.message.isprintable()
    assert "52;" not in refused.value.message


CHUNKED_FEED = b"1c\r\n<rss version='2.0'><channel>\r\n10\r\n</channel></rss>\r\n0\r\n\r\n"


@pytest.mark.parametrize("length", [5, 999_999_999])
def test_a_chunked_body_is_read_whole_whatever_its_content_length_says(length: int) -> None:
    # Both headers: Transfer-Encoding wins (RFC 9112 § 6.3), and the length is dropped, not
    # trusted: neither cut at 5 bytes nor refused as a billion.
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\nTransfer-Encoding: chunked\r\n\r\n"
    with raw_server(head.encode() + CHUNKED_FEED) as served:
        page = _get_page(served.base)

    assert page.body == b"<rss version='2.0'><channel></channel></rss>"
    assert "content-length" not in page.headers


def test_a_connection_reset_is_told_in_words() -> None:
    with raw_server(reset=True) as served, pytest.raises(FetchError) as failed:
        _get_page(served.base)

    assert failed.value.message == "the server broke off the connection (connection reset by peer)"


def test_a_feeds_credentials_go_to_its_own_origin_only_and_never_come_back(server: FixtureServer) -> None:
    elsewhere = FixtureServer("127.0.0.2")  # another origin
    try:
        final = elsewhere.add("/feed.xml", "<rss version='2.0'/>")
        server.add("/private.xml", status=301, headers={"Location": "/moved.xml"})  # same origin
        server.add("/moved.xml", status=302, headers={"Location": final})
        server.add("/direct.xml", "<rss version='2.0'/>")
        with_credentials = server.base.replace("http://", "http://reader:s3cret@")

        async def fetch_both() -> tuple[Download, Download]:
            async with Fetcher(timeout=5, concurrency=4) as fetcher:
                bounced = await fetcher.get_feed(f"{with_credentials}/private.xml")
                return bounced, await fetcher.get_feed(f"{with_credentials}/direct.xml")

        bounced, direct = asyncio.run(fetch_both())
    finally:
        elsewhere.close()

    basic = "Basic " + base64.b64encode(b"reader:s3cret").decode()
    assert [hit.headers.get("authorization") for hit in server.hits] == [basic] * 3
    assert "authorization" not in elsewhere.hits[0].headers
    assert (bounced.url, bounced.moved_to) == (final, f"{server.base}/moved.xml")
    assert direct.url == f"{server.base}/direct.xml"


def test_a_body_in_an_encoding_not_asked_for_is_an_error_in_words() -> None:
    response = b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 4\r\n\r\n\x8b\x02\x80\x03"
    with raw_server(response) as served, pytest.raises(FetchError) as failed:
        _get_page(served.base)

    assert failed.value.message == "the body is in an encoding that was not asked for (br)"


def test_a_hosts_turns_go_round_the_feeds_waiting_for_it() -> None:
    async def served_order() -> list[str]:
        order: list[str] = []
        all_queued = asyncio.Event()
        async with Fetcher(timeout=5, concurrency=16, per_host=1) as fetcher:

            async def one(feed: str, *, first: bool = False) -> None:
                async with fetcher.turn("https://news.example/story", feed=feed):
                    order.append(feed)
                    if first:  # holds the host's one turn until everyone is in line
                        await all_queued.wait()

            # One feed queues ten pages at the host before two others queue one each.
            tasks = [asyncio.create_task(one("busy", first=True))]
            await asyncio.sleep(0)
            tasks += [asyncio.create_task(one("busy")) for _ in range(9)]
            await asyncio.sleep(0)
            tasks += [asyncio.create_task(one(feed)) for feed in ("quiet", "late")]
            await asyncio.sleep(0)
            all_queued.set()
            await asyncio.gather(*tasks)
        return order

    order = asyncio.run(served_order())

    assert order[:4] == ["busy", "busy", "quiet", "late"]  # not behind the other eight
    assert order.count("busy") == 10
