"""The client's address: the TCP peer, or X-Forwarded-For when the peer is a trusted proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from normogen.config import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class ClientAddressResolver:
    """Walks X-Forwarded-For right to left, skipping trusted hops (the proxies' own entries)."""

    def __init__(self, trusted: Sequence[Network]) -> None:
        self._trusted = tuple(trusted)

    def _is_trusted(self, address: Address) -> bool:
        return any(address in network for network in self._trusted)

    def resolve(self, peer: str | None, forwarded_for: bytes | None) -> str:
        if peer is None:
            return "unknown"
        if not self._trusted or forwarded_for is None:
            return peer
        peer_address = _parse(peer)
        if peer_address is None or not self._is_trusted(peer_address):
            return peer  # an untrusted peer may write any X-Forwarded-For it likes
        hops = forwarded_for.decode("latin-1").split(",")
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                return peer  # malformed chain: fall back to what we can see
            if not self._is_trusted(address):
                return str(address)
        # Every hop is one of our proxies: the left-most is the closest thing to a client.
        return str(_parse(hops[0]) or peer)
