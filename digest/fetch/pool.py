"""Per host: turns handed round the feeds that want the host, and connections pooled and kept
open only while the run needs them."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator, Callable

import httpx

# Hosts whose connections are kept open for reuse; beyond this, the least recently used idle
# host's are closed (a run over hundreds of feeds would otherwise hold thousands of sockets).
OPEN_HOSTS = 64


# A request still waiting for its answer after its patience lends its turn (and its place among
# the requests at once) to the next in line, so that feeds that never answer cannot hold a
# host's turns, or the run's, for the whole timeout. Lent turns are capped: a slow host is
# not to be flooded, nor the machine's sockets run out.
LENT_PER_HOST = 6  # times the host's turns
LENT_IN_ALL = 4  # times the requests at once


class Turns:
    """Turns at the hosts: at most `per_host` requests at once to a host, `concurrency` in all.

    A host's turns go round the feeds waiting for it, one each in turn, so one feed's many
    pages (or many feeds' stuck requests) do not queue ahead of another feed's."""

    def __init__(self, per_host: int, concurrency: int) -> None:
        self.per_host = per_host
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, _Host] = {}
        self._lent_slots = 0
        self._max_lent_slots = LENT_IN_ALL * concurrency

    @contextlib.asynccontextmanager
    async def turn(self, host: str, feed: str) -> AsyncIterator[Turn]:
        """The host's next turn for `feed`; held for the block, unless lent."""
        place = self._hosts.setdefault(host, _Host(self.per_host))
        await place.take(feed)
        turn = Turn(self, place)
        try:
            yield turn
        finally:
            turn.end()

    @contextlib.asynccontextmanager
    async def request(self, turn: Turn) -> AsyncIterator[None]:
        """A place among the requests at once, for one request made in `turn`."""
        await self._slots.acquire()
        turn.slot = True
        try:
            yield
        finally:
            if turn.slot:
                turn.slot = False
                self._slots.release()

    def lend(self, turn: Turn) -> bool:
        host = turn.host
        if host.lent >= LENT_PER_HOST * self.per_host or self._lent_slots >= self._max_lent_slots:
            return False
        if turn.place:
            turn.place, turn.lent = False, True
            host.lent += 1
            host.give()
        if turn.slot:
            turn.slot, turn.lent_slot = False, True
            self._lent_slots += 1
            self._slots.release()
        return True

    def returned(self, turn: Turn) -> None:
        """A lent turn's request is over: its lent places count no more."""
        if turn.lent:
            turn.host.lent -= 1
        if turn.lent_slot:
            self._lent_slots -= 1
        turn.lent = turn.lent_slot = False
        while turn.host.stalled and self.lend(turn.host.stalled[0]):
            turn.host.stalled.popleft()


class Turn:
    """One request's turn at its host (and, while it runs, its place among the requests)."""

    def __init__(self, turns: Turns, host: _Host) -> None:
        self.turns = turns
        self.host = host
        self.place = True  # holds one of the host's turns
        self.slot = False  # holds one of the places among the requests at once
        self.lent = self.lent_slot = False

    def stalled(self) -> None:
        """No answer yet after the request's patience: let the next request start meanwhile."""
        if not self.turns.lend(self):
            self.host.stalled.append(self)

    def answered(self) -> None:
        with contextlib.suppress(ValueError):
            self.host.stalled.remove(self)

    def end(self) -> None:
        self.answered()
        if self.place:
            self.place = False
            self.host.give()
        self.turns.returned(self)


class _Host:
    """One host's free turns and the feeds waiting for one, in the order they are served."""

    def __init__(self, turns: int) -> None:
        self.free = turns
        self.lent = 0
        self.waiting: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()
        self.stalled: deque[Turn] = deque()  # waiting to lend their turn, past the cap

    async def take(self, feed: str) -> None:
        if self.free > 0 and not self.waiting:
            self.free -= 1
            return
        granted = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(feed, deque()).append(granted)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.give()  # granted as the waiter was cancelled: pass the turn on
            else:
                self._forget(feed, granted)
            raise

    def give(self) -> None:
        self.free += 1
        while self.free > 0 and self.waiting:
            feed, queue = next(iter(self.waiting.items()))
            granted = queue.popleft()
            if queue:
                self.waiting.move_to_end(feed)  # the feed's next request waits for the others
            else:
                del self.waiting[feed]
            if not granted.done():
                self.free -= 1
                granted.set_result(None)

    def _forget(self, feed: str, granted: asyncio.Future[None]) -> None:
        queue = self.waiting.get(feed)
        if queue is not None:
            with contextlib.suppress(ValueError):
                queue.remove(granted)
            if not queue:
                del self.waiting[feed]


class PoolPerHost(httpx.AsyncBaseTransport):
    """Connections pooled per host, at most `per_host` each, kept open while the run needs them.

    One pool for every host (httpx's own) fits a run badly: it caps connections in all, so with
    more hosts than that at work it closes one host's idle connection to open another's, and
    every request pays a new connection; and it checks each idle connection on every request.
    A pool per host keeps each host's connections for the host's next pages, and stays small."""

    def __init__(self, per_host: int, tls: ssl.SSLContext) -> None:
        # Turns bound the connections: room for the lent ones too, kept alive for the turns.
        most = per_host * (1 + LENT_PER_HOST)
        self._limits = httpx.Limits(max_connections=most, max_keepalive_connections=per_host)
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
