"""HTTP for one run: `client` the fetcher, `guard` private addresses, `pool` per-host connections."""

from digest.fetch.client import (
    FEED_MAX_BYTES,
    MAX_REDIRECTS,
    PAGE_MAX_BYTES,
    PER_HOST,
    USER_AGENT,
    Download,
    Fetcher,
)
from digest.fetch.guard import LinkGuard, PrivateAddressError, network_of, private_address

__all__ = [
    "FEED_MAX_BYTES",
    "MAX_REDIRECTS",
    "PAGE_MAX_BYTES",
    "PER_HOST",
    "USER_AGENT",
    "Download",
    "Fetcher",
    "LinkGuard",
    "PrivateAddressError",
    "network_of",
    "private_address",
]
