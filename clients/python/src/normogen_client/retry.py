"""Patience with a server's rate limit: retry a call answered 429, backing off up to a minute."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from normogen_client.models import ApiError

T = TypeVar("T")
FIRST_DELAY = 2.0
MAX_DELAY = 60.0
ATTEMPTS = 10


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """`call()`, again after 2, 4, 8 ... (at most 60) seconds while the server answers 429."""
    delay = FIRST_DELAY
    for _ in range(ATTEMPTS - 1):
        try:
            return await call()
        except ApiError as error:
            if error.status != 429:
                raise
        await asyncio.sleep(delay)  # the server's window has to pass; nothing to wait on
        delay = min(delay * 2, MAX_DELAY)
    return await call()
