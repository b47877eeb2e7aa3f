"""A response body read within its size cap, decompressed a bounded piece at a time.

httpx inflates each chunk off the wire in one go: 64 KiB of gzip can hold 64 MiB, and a body
compressed twice (`gzip, gzip`) holds a gigabyte in a few kilobytes. So the body is read raw
and inflated here, never more than `PIECE` bytes per step, and the cap counts what comes out."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

import httpx

from digest.errors import FetchError
from digest.units import megabytes

# The encodings asked for (Accept-Encoding), and so the only ones a server may use.
ACCEPT_ENCODING = "gzip, deflate"
PIECE = 64 * 1024  # the most one step of inflation may produce
MAX_LAYERS = 3  # `gzip, gzip` is odd already; deeper stacks are only ever bombs


class _Inflate:
    """One layer of gzip (all its members) or deflate (zlib-wrapped or raw, as servers vary)."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in {"gzip", "x-gzip"}
        self._inflater: zlib._Decompress | None = None
        self._head = b""  # the first bytes of a deflate body, until its kind can be told

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            self._head += data
            if not self._gzip and len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._inflater = zlib.decompressobj(self._wbits(data))
        yield from self._drain(data)

    def finish(self) -> Iterator[bytes]:
        """What a body too short to tell its kind by holds (a deflate body of one byte)."""
        if self._inflater is None and self._head:
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            yield from self._drain(self._head)

    def _wbits(self, head: bytes) -> int:
        if self._gzip:
            return 16 + zlib.MAX_WBITS
        zlib_wrapped = head[0] & 0x0F == 8 and int.from_bytes(head[:2], "big") % 31 == 0
        return zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS

    def _drain(self, data: bytes) -> Iterator[bytes]:
        inflater = self._inflater
        assert inflater is not None  # noqa: S101 - set by feed before it drains
        while True:
            piece = inflater.decompress(data, PIECE)
            if piece:
                yield piece
            data = inflater.unconsumed_tail
            if inflater.eof:
                if not (self._gzip and inflater.unused_data.startswith(b"\x1f\x8b")):
                    return  # the end; padding or junk after it is ignored, as browsers do
                data = inflater.unused_data  # another gzip member follows
                inflater = self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            elif not data and len(piece) < PIECE:
                return  # all input used and no output held back: wait for more


def layers(content_encoding: str) -> list[_Inflate]:
    """The decoders for a `Content-Encoding`, outermost (the last applied) first."""
    names = [name.strip().lower() for name in content_encoding.split(",")]
    names = [name for name in names if name and name != "identity"]
    unknown = sorted({name for name in names if name not in {"gzip", "x-gzip", "deflate"}})
    if unknown:
        raise FetchError(f"the body is in an encoding that was not asked for ({', '.join(unknown)})")
    if len(names) > MAX_LAYERS:
        raise FetchError(f"the body is compressed {len(names)} times over")
    return [_Inflate(name) for name in reversed(names)]


def _through(stack: Sequence[_Inflate], data: bytes) -> Iterator[bytes]:
    if not stack:
        yield data
        return
    for piece in stack[0].feed(data):
        yield from _through(stack[1:], piece)


def _finished(stack: Sequence[_Inflate]) -> Iterator[bytes]:
    for depth, layer in enumerate(stack):
        for piece in layer.finish():
            yield from _through(stack[depth + 1 :], piece)


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Read the body but stop at `max_bytes` of it decoded, so an endless, huge or compressed
    huge body cannot exhaust memory."""
    declared = "" if framed_by_chunks(response.headers) else response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"body of {int(declared)} bytes is over the {megabytes(max_bytes)} cap")
    stack = layers(response.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    size = 0

    def keep(pieces: Iterator[bytes]) -> None:
        nonlocal size
        for piece in pieces:
            size += len(piece)
            if size > max_bytes:
                raise FetchError(f"body is over the {megabytes(max_bytes)} cap")
            chunks.append(piece)

    try:
        async for raw in response.aiter_raw():
            keep(_through(stack, raw))
        keep(_finished(stack))
    except zlib.error:
        encoding = response.headers.get("content-encoding", "")
        raise FetchError(f"the body is not valid {encoding} data") from None
    return b"".join(chunks)


def framed_by_chunks(headers: httpx.Headers) -> bool:
    """Whether the body came in chunks: then its Content-Length, if the server sent one too, is
    no measure of it (RFC 9112 § 6.3: Transfer-Encoding overrides it) and is not to be trusted."""
    return "transfer-encoding" in headers
