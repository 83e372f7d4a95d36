"""The probes the edge middleware answers ahead of the framework: /health, /ready, /metrics.

They stay outside the OpenAPI document (docs/api.md describes them) and keep answering while
the rest of the stack is busy.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Send

from normogen.core.http import JSON_HEADER, send_body
from normogen.db.client import ping
from normogen.runtime import Runtime

PROBES = frozenset({"/health", "/ready", "/metrics"})
_HEALTH_BODY = b'{"status":"ok"}'


class Probes:
    """Liveness, readiness (database, schema, draining) and the Prometheus exposition."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def answer(self, path: str, send: Send) -> None:
        """Answer the probe at `path` (one of PROBES)."""
        if path == "/health":
            await send_body(send, 200, body=_HEALTH_BODY, content_type=JSON_HEADER[1])
        elif path == "/ready":
            status, body = await self.readiness()
            encoded = json.dumps(body, separators=(",", ":")).encode()
            await send_body(send, status, body=encoded, content_type=JSON_HEADER[1])
        else:
            metrics = self.runtime.metrics
            await send_body(
                send, 200, body=metrics.render(), content_type=metrics.content_type.encode()
            )

    async def readiness(self) -> tuple[int, dict[str, Any]]:
        runtime = self.runtime
        connected = runtime.client is not None and await ping(runtime.db)
        database = "connected" if connected else "disconnected"
        if runtime.draining:
            return 503, {"status": "not_ready", "database": database, "reason": "draining"}
        if not connected:
            return 503, {"status": "not_ready", "database": database}
        if not runtime.schema_ready.is_set():
            return 503, {"status": "not_ready", "database": database, "reason": "migrating"}
        return 200, {"status": "ready", "database": database}
