"""Client address resolution: X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

import ipaddress

import pytest

from normogen.security.proxies import ClientAddressResolver
from normogen.security.ratelimit import ip_subject

TRUSTED = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", None, "203.0.113.9"),
        # An untrusted peer cannot choose its address.
        ("203.0.113.9", b"198.51.100.1", "203.0.113.9"),
        # A trusted proxy forwards the client's address.
        ("10.1.2.3", b"198.51.100.1", "198.51.100.1"),
        # Chains: the right-most untrusted hop is the client; spoofed left entries are ignored.
        ("10.1.2.3", b"6.6.6.6, 198.51.100.1, 10.9.9.9", "198.51.100.1"),
        ("::1", b"2001:db8::7", "2001:db8::7"),
        # Malformed chains fall back to the peer.
        ("10.1.2.3", b"not-an-ip", "10.1.2.3"),
        # Only proxies in the chain: the left-most hop.
        ("10.1.2.3", b"10.0.0.5, 10.0.0.6", "10.0.0.5"),
        (None, b"198.51.100.1", "unknown"),
    ],
)
def test_resolution(peer: str | None, forwarded: bytes | None, expected: str) -> None:
    assert ClientAddressResolver(TRUSTED).resolve(peer, forwarded) == expected


def test_no_trusted_proxies_means_the_peer() -> None:
    assert ClientAddressResolver([]).resolve("10.1.2.3", b"198.51.100.1") == "10.1.2.3"


def test_ipv6_clients_share_a_limit_per_64() -> None:
    assert ip_subject("2001:db8:1:2::a") == ip_subject("2001:db8:1:2:ffff::1")
    assert ip_subject("2001:db8:1:2::a") != ip_subject("2001:db8:1:3::a")
    assert ip_subject("192.0.2.1") == "ip:192.0.2.1"
