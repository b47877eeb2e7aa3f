"""The fetcher for one run: a shared client, bounded concurrency, deadlines, size caps, polite retries."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import random
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpx

from digest import __version__
from digest.errors import FetchError
from digest.fetch import guard as addresses
from digest.fetch.body import ACCEPT_ENCODING, framed_by_chunks, read_capped
from digest.fetch.describe import describe
from digest.fetch.guard import LinkGuard, PrivacyCheck, PrivateAddressError, network_of
from digest.fetch.pool import LENT_IN_ALL, PoolPerHost, Turn, Turns
from digest.models import Validators
from digest.plaintext import one_line

FEED_MAX_BYTES = 20 * 1024 * 1024
PAGE_MAX_BYTES = 10 * 1024 * 1024
PER_HOST = 4
# Hosts whose connections are kept open for reuse; beyond this, the least recently used idle
# host's are closed (a run over hundreds of feeds would otherwise hold thousands of sockets).
OPEN_HOSTS = 64
MAX_REDIRECTS = 5
# A request with no answer after this share of its timeout (or PATIENCE_MOST seconds) lends its
# turn at the host to the next request: see pool.Turns. Most servers start answering within a
# second; at 2 s, 40 feeds that never answer hold a healthy feed on their host ~25 s, not 200 s.
PATIENCE_SHARE = 0.25
PATIENCE_MOST = 2.0
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

_GUARD = "digest.link_guard"  # a request extension carrying a LinkGuard; redirects keep it


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


class _Retry(Exception):  # noqa: N818 - a signal inside `get`, never raised to callers
    def __init__(self, error: FetchError, delay: float) -> None:
        self.error = error
        self.delay = delay


class Fetcher:
    """Downloads with at most `concurrency` requests in all and `PER_HOST` per host (beside
    those lent their turn while they wait for an answer), fair to the feeds at each host."""

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
        self._is_private = is_private or addresses.private_address
        self._private: dict[str, str | None] = {}  # host -> its private address, per run
        self._turns = Turns(per_host, concurrency)
        self._patience = min(timeout * PATIENCE_SHARE, PATIENCE_MOST)
        tls = httpx.create_ssl_context()  # made once: loading the CA bundle takes ~20 ms
        # Through a proxy (HTTPS_PROXY, ALL_PROXY ...: httpx reads them as urllib does) every
        # connection goes to the proxy, and httpx's own pool serves; otherwise, a pool per host.
        direct = not any(scheme in getproxies() for scheme in ("http", "https", "all"))
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent or USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(timeout),
            verify=tls,
            limits=httpx.Limits(
                max_connections=concurrency * (1 + LENT_IN_ALL), max_keepalive_connections=concurrency
            ),
            mounts={"all://": PoolPerHost(per_host, tls)} if direct else None,
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
            raise PrivateAddressError(request.url.host, address)

    def turn(self, url: str, *, feed: str | None = None) -> contextlib.AbstractAsyncContextManager[Turn]:
        """A turn at the URL's host, in `feed`'s place in the round of the feeds waiting for it
        (the URL's own when None): for a caller that must wait for the host before the request."""
        return self._turns.turn(urlsplit(url).hostname or "", feed or url)

    async def get_feed(self, url: str, validators: Validators | None = None) -> Download:
        """A feed, from where the user put it; its redirects may not lead into a private network
        (this machine, the local networks, a cloud's metadata service) other than its own."""
        guard = await self.guard_for(url)
        try:
            return await self.get(
                url, accept=FEED_ACCEPT, max_bytes=FEED_MAX_BYTES, validators=validators, guard=guard
            )
        except PrivateAddressError as refused:
            # The feed's own address always passes: what was refused is a redirect's target.
            raise FetchError(
                f"redirected to {refused.host}, a private address ({refused.address}); not followed"
            ) from None

    async def guard_for(self, feed_url: str) -> LinkGuard:
        """Where the feed's redirects and links may lead: public hosts, and the private network
        the feed itself is on, if it is on one (the user put it there)."""
        address = await self.private_address_of(feed_url)
        return LinkGuard(network_of(address) if address else None)

    async def get_page(
        self, url: str, *, guard: LinkGuard | None = None, turn: Turn | None = None
    ) -> Download:
        """An article page; with a `guard`, only from (and via) the places it allows; in `turn`
        when the caller holds one at the page's host."""
        return await self.get(url, accept=PAGE_ACCEPT, max_bytes=PAGE_MAX_BYTES, guard=guard, turn=turn)

    async def get(
        self,
        url: str,
        *,
        accept: str,
        max_bytes: int,
        validators: Validators | None = None,
        guard: LinkGuard | None = None,
        turn: Turn | None = None,
    ) -> Download:
        """GET `url`; raise `FetchError` with a sentence for anything but 2xx or 304.

        In `turn` if given, else in a turn of its own at each attempt (none during the backoff)."""
        headers = {"Accept": accept, **_conditional_headers(validators)}
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with contextlib.AsyncExitStack() as held:
                    current = turn if turn is not None else await held.enter_async_context(self.turn(url))
                    await held.enter_async_context(self._turns.request(current))
                    download = await self._attempt(url, headers, max_bytes, guard=guard, turn=current)
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
        self, url: str, headers: dict[str, str], max_bytes: int, *, guard: LinkGuard | None, turn: Turn
    ) -> Download:
        stalled = asyncio.get_running_loop().call_later(self._patience, turn.stalled)
        try:
            # One deadline for the whole exchange: httpx's own timeouts are per read, so a
            # server trickling one byte a second would otherwise never time out.
            async with asyncio.timeout(self.timeout):
                extensions = {_GUARD: guard}
                async with self._client.stream(
                    "GET", url, headers=headers, extensions=extensions
                ) as response:
                    stalled.cancel()
                    turn.answered()
                    _raise_for_status(response)
                    body = await read_capped(response, max_bytes)
        except TimeoutError:
            raise FetchError(f"timed out after {self.timeout:g} s") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.timeout:g} s") from None
        except (httpx.ConnectError, httpx.ReadError) as error:
            raise _Retry(FetchError(describe(error)), _backoff()) from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise FetchError(describe(error)) from None
        finally:
            stalled.cancel()
            turn.answered()
        return Download(
            url=_without_credentials(response.url),
            status=response.status_code,
            # What a server sends is feed text: it may reach a message, a warning, the JSON.
            headers=_headers(response.headers),
            body=body,
            validators=Validators(
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            ),
            moved_to=_moved_to(response),
        )


def _headers(headers: httpx.Headers) -> dict[str, str]:
    """The response's headers as the rest of the run may use them: values cleaned, and no
    Content-Length beside a chunked body (it is not the body's length: h11 read the chunks)."""
    chunked = framed_by_chunks(headers)
    return {
        name: one_line(value) for name, value in headers.items() if not (chunked and name == "content-length")
    }


def _moved_to(response: httpx.Response) -> str | None:
    """Where the asked-for URL has moved for good: the end of the leading 301/308 redirects.

    A temporary redirect (302, 307) on the way means the publisher still wants the old URL."""
    moved = None
    hops = response.history
    for hop, following in zip(hops, [*hops[1:], response], strict=False):
        if hop.status_code not in {301, 308}:
            break
        moved = _without_credentials(following.request.url)
    return moved


def _without_credentials(url: httpx.URL) -> str:
    """A URL as the fetcher hands it back. A feed's `user:password@` is sent (as Basic auth, by
    httpx, to the feed's own origin only: a redirect elsewhere drops it) but never returned, so
    no stored link, warning or digest can carry it; a relative redirect would pass it on too."""
    return str(url.copy_with(userinfo=b"")) if url.userinfo else str(url)


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
    reason = one_line(response.reason_phrase or "")  # a server's words, on their way to a terminal
    error = FetchError(f"HTTP {status} {reason}".strip(), status=status)
    if status == 429 or status >= 500:
        delay = _retry_after(response.headers.get("retry-after"))
        raise _Retry(error, _backoff() if delay is None else delay)
    raise error


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
