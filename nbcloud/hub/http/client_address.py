"""The address a request really came from, for login throttling.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when the
peer is one of ``settings.trusted_proxies`` (addresses or networks such as ``10.0.0.0/8``).
Each trusted proxy appends the address it saw, so the header is read from the right: the first
address that is not a trusted proxy is the client. Anything to its left was sent by the client
and proves nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in trusted:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"NBCLOUD_TRUSTED_PROXIES holds {entry!r}, which is not an IP address or network. "
                "List the addresses of your reverse proxies, e.g. 127.0.0.1,10.0.0.0/8."
            ) from None
    return tuple(networks)


def _is_trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(_strip_port(address))
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _strip_port(value: str) -> str:
    value = value.strip()
    if value.startswith("["):  # [v6]:port
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:  # v4:port
        return value.split(":", 1)[0]
    return value


def client_address(conn: HTTPConnection, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address: the peer, or, behind trusted proxies, the right-most untrusted
    address of ``X-Forwarded-For``."""
    peer = conn.client.host if conn.client else "unknown"
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops = [
        _strip_port(hop)
        for value in conn.headers.getlist("x-forwarded-for")
        for hop in value.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    # Every hop is a proxy of ours (or there is no header): the left-most is the closest we know.
    return hops[0] if hops else peer
