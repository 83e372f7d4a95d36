"""Coarse client information for link access logs: the network, not the host; the browser
family and OS, not the full user-agent string (enough to recognise an access, no more)."""

from __future__ import annotations

import ipaddress

# First match wins: Edge and Opera also claim Chrome and Safari; Chrome also claims Safari.
_AGENTS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("Wget/", "Wget"),
    ("python-httpx/", "python-httpx"),
    ("python-requests/", "python-requests"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
IPV4_PREFIX = 24
IPV6_PREFIX = 48


def coarse_ip(ip: str | None) -> str | None:
    """The client's network: an IPv4 /24 or an IPv6 /48."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def coarse_agent(user_agent: str | None) -> str | None:
    """ "Firefox on Linux", "curl", "other": a family and an OS, never the full string."""
    if not user_agent:
        return None
    family = next((name for token, name in _AGENTS if token in user_agent), "other")
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    return family if system is None else f"{family} on {system}"
