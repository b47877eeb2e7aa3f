"""HTTP for one run: a shared client, bounded concurrency, deadlines, size caps, polite retries."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import ipaddress
import random
import socket
import ssl
from collections import Counter, OrderedDict, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpx

from digest import __version__
from digest.errors import FetchError
from digest.models import Validators

FEED_MAX_BYTES = 20 * 1024 * 1024
PAGE_MAX_BYTES = 10 * 1024 * 1024
PER_HOST = 4
# Hosts whose connections are kept open for reuse; beyond this, the least recently used idle
# host's are closed (a run over hundreds of feeds would otherwise hold thousands of sockets).
OPEN_HOSTS = 64
MAX_REDIRECTS = 5
ATTEMPTS = 2  # one retry: enough to ride out a blip, not enough to hammer a sick server
BACKOFF_SECONDS = 0.5
RETRY_AFTER_CAP = 30.0
# Some publishers (the US SEC among them) want a contact in the User-Agent: users add one with
# `user_agent` in the feeds file's [settings].
USER_AGENT = f"digest/{__version__} (crypto policy news digest; python-httpx)"

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

# Where a link from a public feed must never lead: this machine, the local networks, and the
# cloud metadata services (169.254.169.254, 100.100.100.200, fd00:ec2::254), lest a feed make us
# its proxy. Each is its own place: a feed on one may link within it, never into another.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
        "169.254.0.0/16", "0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10",
    )
)  # fmt: skip
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # an IPv4 address in its last 32 bits
_GUARD = "digest.link_guard"  # a request extension carrying a LinkGuard; redirects keep it

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PrivacyCheck = Callable[[str], Awaitable[str | None]]


@dataclasses.dataclass(frozen=True, slots=True)
class LinkGuard:
    """Where a page request may go: public hosts, and `home`, the private network the feed
    itself is on (None for a feed on a public host)."""

    home: Network | None = None


async def private_address(host: str) -> str | None:
    """The private address `host` is or resolves to, or None for a public host.

    A name that does not resolve counts as public: the request will fail on its own."""
    host = host.strip("[]")
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return None
        addresses = [ipaddress.ip_address(str(entry[4][0]).split("%")[0]) for entry in found]
    for address in addresses:
        plain = _plain_ipv4(address)
        if not plain.is_global or plain.is_multicast:
            return str(address)
    return None


def network_of(address: str) -> Network:
    """The private network an address is in; an address outside them is a network of one."""
    plain = _plain_ipv4(ipaddress.ip_address(address))
    return next((net for net in PRIVATE_NETWORKS if plain in net), ipaddress.ip_network(plain))


def _plain_ipv4(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64, Teredo), where it carries one:
    `::ffff:127.0.0.1` and `64:ff9b::7f00:1` lead to this machine as surely as 127.0.0.1."""
    if isinstance(address, ipaddress.IPv4Address):
        return address
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1] or address


@dataclasses.dataclass(frozen=True, slots=True)
class Download:
    """A finished GET: the final URL after redirects, status, headers and the body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    validators: Validators
    moved_to: str | None = None  # the new address, when every redirect on the way was permanent

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class PrivateAddressError(FetchError):
    """A link from a public feed led to this machine or a private network."""


class _Retry(Exception):  # noqa: N818 - a signal inside `get`, never raised to callers
    def __init__(self, error: FetchError, delay: float) -> None:
        self.error = error
        self.delay = delay


class Fetcher:
    """Downloads with at most `concurrency` requests in all and `PER_HOST` per host."""

    def __init__(
        self,
        *,
        timeout: float,
        concurrency: int,
        user_agent: str | None = None,
        per_host: int = PER_HOST,
        is_private: PrivacyCheck | None = None,
    ) -> None:
        self.timeout = timeout
        self._is_private = is_private or private_address
        self._private: dict[str, str | None] = {}  # host -> its private address, per run
        self._slots = asyncio.Semaphore(concurrency)
        self._host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        tls = httpx.create_ssl_context()  # made once: loading the CA bundle takes ~20 ms
        # Through a proxy (HTTPS_PROXY, ALL_PROXY ...: httpx reads them as urllib does) every
        # connection goes to the proxy, and httpx's own pool serves; otherwise, a pool per host.
        direct = not any(scheme in getproxies() for scheme in ("http", "https", "all"))
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent or USER_AGENT},
            timeout=httpx.Timeout(timeout),
            verify=tls,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            mounts={"all://": _PoolPerHost(per_host, tls)} if direct else None,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            # Runs before every request, each redirect included: a public page cannot bounce us
            # to a private address either.
            event_hooks={"request": [self._refuse_private]},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.aclose()

    async def private_address_of(self, url: str) -> str | None:
        """The private address the URL's host is at, or None when it is public."""
        host = urlsplit(url).hostname or ""
        if host not in self._private:
            self._private[host] = await self._is_private(host)
        return self._private[host]

    async def _refuse_private(self, request: httpx.Request) -> None:
        guard = request.extensions.get(_GUARD)
        if guard is None:
            return
        address = await self.private_address_of(str(request.url))
        if address and network_of(address) != guard.home:
            raise PrivateAddressError(f"not fetched: {request.url.host} is a private address ({address})")

    async def get_feed(self, url: str, validators: Validators | None = None) -> Download:
        return await self.get(url, accept=FEED_ACCEPT, max_bytes=FEED_MAX_BYTES, validators=validators)

    async def get_page(self, url: str, *, guard: LinkGuard | None = None) -> Download:
        """An article page; with a `guard`, only from (and via) the places it allows."""
        return await self.get(url, accept=PAGE_ACCEPT, max_bytes=PAGE_MAX_BYTES, guard=guard)

    async def get(
        self,
        url: str,
        *,
        accept: str,
        max_bytes: int,
        validators: Validators | None = None,
        guard: LinkGuard | None = None,
    ) -> Download:
        """GET `url`; raise `FetchError` with a sentence for anything but 2xx or 304."""
        headers = {"Accept": accept, **_conditional_headers(validators)}
        host = urlsplit(url).hostname or ""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._host_slots[host], self._slots:
                    download = await self._attempt(url, headers, max_bytes, guard=guard)
                if (
                    download.not_modified
                    and "If-None-Match" not in headers
                    and "If-Modified-Since" not in headers
                ):
                    raise FetchError(
                        "answered 304 Not Modified to a request that was not conditional", status=304
                    )
                return _keep_validators(download, validators)
            except _Retry as retry:
                if attempt == ATTEMPTS:
                    raise retry.error from None
                await asyncio.sleep(retry.delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(
        self, url: str, headers: dict[str, str], max_bytes: int, *, guard: LinkGuard | None
    ) -> Download:
        try:
            # One deadline for the whole exchange: httpx's own timeouts are per read, so a
            # server trickling one byte a second would otherwise never time out.
            async with asyncio.timeout(self.timeout):
                extensions = {_GUARD: guard}
                async with self._client.stream(
                    "GET", url, headers=headers, extensions=extensions
                ) as response:
                    _raise_for_status(response)
                    body = await _read_capped(response, max_bytes)
        except TimeoutError:
            raise FetchError(f"timed out after {self.timeout:g} s") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.timeout:g} s") from None
        except (httpx.ConnectError, httpx.ReadError) as error:
            raise _Retry(FetchError(_describe(error)), _backoff()) from None
        except httpx.HTTPError as error:
            raise FetchError(_describe(error)) from None
        return Download(
            url=str(response.url),
            status=response.status_code,
            headers=dict(response.headers),
            body=body,
            validators=Validators(
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            ),
            moved_to=_moved_to(response),
        )


class _PoolPerHost(httpx.AsyncBaseTransport):
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


def _moved_to(response: httpx.Response) -> str | None:
    """Where the asked-for URL has moved for good: the end of the leading 301/308 redirects.

    A temporary redirect (302, 307) on the way means the publisher still wants the old URL."""
    moved = None
    hops = response.history
    for hop, following in zip(hops, [*hops[1:], response], strict=False):
        if hop.status_code not in {301, 308}:
            break
        moved = str(following.request.url)
    return moved


def _keep_validators(download: Download, sent: Validators | None) -> Download:
    """A 304 often omits the validators; the ones we sent are still the current ones."""
    if not download.not_modified or sent is None:
        return download
    fresh = download.validators
    merged = Validators(fresh.etag or sent.etag, fresh.last_modified or sent.last_modified)
    return dataclasses.replace(download, validators=merged)


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if 200 <= status < 300 or status == 304:
        return
    reason = response.reason_phrase or ""
    error = FetchError(f"HTTP {status} {reason}".strip(), status=status)
    if status == 429 or status >= 500:
        delay = _retry_after(response.headers.get("retry-after"))
        raise _Retry(error, _backoff() if delay is None else delay)
    raise error


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Read the body but stop at `max_bytes`, so an endless or huge body cannot exhaust memory."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"body of {int(declared)} bytes is over the {_megabytes(max_bytes)} cap")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"body is over the {_megabytes(max_bytes)} cap")
        chunks.append(chunk)
    return b"".join(chunks)


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"


def _backoff() -> float:
    # Jitter keeps many feeds on one sick host from retrying in lockstep.
    return BACKOFF_SECONDS * (1 + random.random())  # noqa: S311 - not for security


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP)
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is not None:
            return max(0.0, min((when - datetime.now(UTC)).total_seconds(), RETRY_AFTER_CAP))
    return None


def _describe(error: httpx.HTTPError) -> str:
    """A network error as a sentence a person can act on."""
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        causes = list(_causes(error))
        if any(isinstance(cause, socket.gaierror) for cause in causes):
            return "could not resolve host"
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return "connection refused"
        if any(isinstance(cause, ssl.SSLError) for cause in causes):
            return f"TLS handshake failed ({text})"
        return f"could not connect ({text})"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server sent an invalid response ({text})"
    if isinstance(error, httpx.ReadError):
        return f"the server broke off the connection ({text})"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "not an http or https URL"
    return text


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__
