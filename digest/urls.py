"""What a web URL is, one spelling per article URL, and when two feed URLs are one address.

Below the stages: config, OPML, parse, store and the renderers all ask these questions, and
one answer each keeps them from disagreeing (a feed the import skips as listed already is one
the feeds file would refuse as a duplicate)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from digest.plaintext import one_line

WEB_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# How a web URL starts once its scheme is lower case, as every stored one is.
WEB_PREFIXES = tuple(f"{scheme}://" for scheme in WEB_SCHEMES)

_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "ncid", "cmpid", "sr_share",
})  # fmt: skip


def is_web_url(url: str) -> bool:
    """Whether a URL someone gave (a feed's, an OPML outline's) can be fetched: http or https,
    a host, a valid port, and nothing in it a URL cannot hold."""
    if not url or any(char.isspace() or not char.isprintable() for char in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0 to 65535
        if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
            return False
    except ValueError:
        return False
    return parts.hostname.isascii() or _fetchable(url)


def is_web_link(url: str) -> bool:
    """Whether a stored story's URL is a page's. Every stored URL passed `canonical_url` (a web
    URL, its scheme lower case) or is the made-up `urn:digest:` key of an entry without a link,
    so its start tells which."""
    return url.startswith(WEB_PREFIXES)


def _fetchable(url: str) -> bool:
    """Whether the fetcher can use a URL with an international host name: it must encode as
    IDNA ("bücher.example" does, "☃.net" does not). httpx decides, as it will at fetch time;
    imported only here, since plain ASCII hosts are the rule and `show` should not pay for it."""
    import httpx  # noqa: PLC0415

    try:
        httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return True


def canonical_url(url: str, *, base: str | None = None) -> str | None:
    """One spelling per article: lower-case scheme and host, no default port, fragment or
    tracking parameters; relative links resolved against `base`. None if not a usable URL."""
    url = one_line(url)
    if not url:
        return None
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in WEB_SCHEMES:
            return None  # never follow, store or render javascript:, data:, file: ... links
        host = _ascii_host(parts.hostname or "")
        if not host:
            return None
        port = parts.port
    except ValueError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = f"{parts.username or ''}{':' + parts.password if parts.password else ''}@{netloc}"
    # Filter the raw pairs rather than decode and re-encode them, so the rest stays as written.
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def same_address(url: str) -> str:
    """A key equal for two feed URLs that are one address: their canonical form (the request
    the fetcher sends is the same: scheme and host case-blind, one form of an international
    host, the default port optional, no fragment) with a trailing slash optional, which
    servers redirect between. A URL that is no web URL is its own key."""
    canonical = canonical_url(url.strip())
    if canonical is None:
        return url.strip()
    parts = urlsplit(canonical)
    return parts._replace(path=parts.path.rstrip("/")).geturl()


def _ascii_host(host: str) -> str | None:
    """The host as the fetcher sends it: an internationalised name in its one punycode form, so
    that `bücher.example` and `xn--bcher-kva.example` are one host. None if it cannot be one."""
    host = host.lower()
    if host.isascii():
        return host
    import idna  # noqa: PLC0415 - only for the rare international host; every command imports this module

    try:
        # IDNA 2008 with the UTS 46 mapping, as httpx encodes hosts (the stdlib codec is IDNA
        # 2003, which turns "faß.de" into another domain, "fass.de").
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in _TRACKING_PARAMS
