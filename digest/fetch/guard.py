"""The private-address guard: links from a public feed never lead to this machine, the local
networks or a cloud's metadata service."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import socket
from collections.abc import Awaitable, Callable

from digest.errors import FetchError

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

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PrivacyCheck = Callable[[str], Awaitable[str | None]]


@dataclasses.dataclass(frozen=True, slots=True)
class LinkGuard:
    """Where a page request may go: public hosts, and `home`, the private network the feed
    itself is on (None for a feed on a public host)."""

    home: Network | None = None


class PrivateAddressError(FetchError):
    """A link from a public feed, or a redirect, led to this machine or a private network."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"not fetched: {host} is a private address ({address})")
        self.host = host
        self.address = address


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
