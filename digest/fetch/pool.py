"""Connections pooled per host, and kept open only while the run needs them."""

from __future__ import annotations

import ssl
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable

import httpx

# Hosts whose connections are kept open for reuse; beyond this, the least recently used idle
# host's are closed (a run over hundreds of feeds would otherwise hold thousands of sockets).
OPEN_HOSTS = 64


class PoolPerHost(httpx.AsyncBaseTransport):
    """Connections pooled per host, at most `per_host` each, kept open while the run needs them.

    One pool for every host (httpx's own) fits a run badly: it caps connections in all, so with
    more hosts than that at work it closes one host's idle connection to open another's, and
    every request pays a new connection; and it checks each idle connection on every request.
    A pool per host keeps each host's connections for the host's next pages, and stays small."""

    def __init__(self, per_host: int, tls: ssl.SSLContext) -> None:
        self._limits = httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host)
        self._tls = tls
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = OrderedDict()
        self._busy: Counter[httpx.AsyncHTTPTransport] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pool, retired = self._pool_for(request.url)
        if retired is not None:
            await retired.aclose()
        self._busy[pool] += 1
        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            self._busy[pool] -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)  # noqa: S101 - always, in async httpx
        response.stream = _Released(response.stream, lambda: self._busy.subtract((pool,)))
        return response

    def _pool_for(self, url: httpx.URL) -> tuple[httpx.AsyncHTTPTransport, httpx.AsyncHTTPTransport | None]:
        """The origin's pool, and the pool it retired to stay within OPEN_HOSTS (for the caller to
        close). No await in here: requests arriving meanwhile must find the new pool in place."""
        origin = (url.raw_scheme, url.raw_host, url.port)
        if (pool := self._pools.get(origin)) is not None:
            self._pools.move_to_end(origin)
            return pool, None
        retired = self._retire_one_idle() if len(self._pools) >= OPEN_HOSTS else None
        pool = self._pools[origin] = httpx.AsyncHTTPTransport(verify=self._tls, limits=self._limits)
        return pool, retired

    def _retire_one_idle(self) -> httpx.AsyncHTTPTransport | None:
        """The least recently used pool with no request under way, out of the table."""
        for origin, pool in self._pools.items():
            if not self._busy[pool]:
                del self._pools[origin], self._busy[pool]
                return pool
        return None

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


class _Released(httpx.AsyncByteStream):
    """A response body that says when it is closed (its connection is free again)."""

    def __init__(self, stream: httpx.AsyncByteStream, released: Callable[[], object]) -> None:
        self._stream = stream
        self._released: Callable[[], object] | None = released

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._released is not None:
                self._released()
                self._released = None
