"""No request reaches the routes before this process has ensured the collections and indexes.

The lifespan creates them in the background, so that the process starts, and answers its
probes, while MongoDB is still down. Until that has succeeded once, a request waits for it, at
most the server-selection timeout, and then gets 503 database_unavailable. Two reasons:

- Unique indexes (one account per email, one membership per family and user, ...) must exist
  before the first write they guard, or duplicates slip in and the index can never be built.
- No write may create its collection implicitly while `createIndexes` is creating the same one.
  MongoDB resolves that race with write conflicts; SecantusDB 0.7.0b3 deadlocks for good: the
  write (the rate limiter's first upsert was enough) holds the uncommitted catalog entry and
  waits for the storage lock, while `createIndexes` holds that lock and retries its insert of
  the same entry. Test runs lost their database this way, once every few runs.

Once the schema is ready the check is one flag test per request.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

from normogen.core.http import send_error
from normogen.errors import DatabaseUnavailable
from normogen.runtime import Runtime


class SchemaGateMiddleware:
    """Holds requests until `runtime.schema_ready` is set; see the module docstring."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.ready = runtime.schema_ready
        self.timeout = runtime.settings.MONGODB_SERVER_SELECTION_TIMEOUT_MS / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.ready.is_set() and scope["type"] == "http":
            try:
                await asyncio.wait_for(self.ready.wait(), self.timeout)
            except TimeoutError:
                await send_error(scope, send, DatabaseUnavailable())
                return
        await self.app(scope, receive, send)
