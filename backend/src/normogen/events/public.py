"""What other domains may use of events: recording a security event, its origin, the log."""

from __future__ import annotations

from normogen.events.coarse import coarse_agent, coarse_ip
from normogen.events.dependencies import RequestOrigin
from normogen.events.service import CURSOR_PATTERN, EventType, Origin, page, record

__all__ = [
    "CURSOR_PATTERN",
    "EventType",
    "Origin",
    "RequestOrigin",
    "coarse_agent",
    "coarse_ip",
    "page",
    "record",
]
