"""The outermost middleware: request id, client address, probes, metrics, access log, headers.

It is pure ASGI and hands /health, /ready and /metrics to ops/probes.py itself, ahead of the
framework; the helpers it shares with other middleware are in core/http.py.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from normogen.core.http import CLIENT_KEY, REQUEST_ID_KEY, error_log, new_request_id, send_error
from normogen.errors import NormogenError
from normogen.logging import TRACE
from normogen.ops.probes import PROBES, Probes
from normogen.runtime import Runtime
from normogen.security import headers
from normogen.security.proxies import ClientAddressResolver

access_log = logging.getLogger("normogen.access")

_SANE_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")


def _inbound_headers(scope: Scope) -> tuple[bytes | None, bytes | None]:
    request_id = forwarded = None
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            request_id = value
        elif name == b"x-forwarded-for":
            forwarded = value if forwarded is None else forwarded + b"," + value
    return request_id, forwarded


class EdgeMiddleware:
    """Wraps every HTTP request; see the module docstring."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.probes = Probes(runtime)
        self.metrics = runtime.metrics
        self.resolver = ClientAddressResolver(runtime.settings.TRUSTED_PROXIES)
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        inbound_id, forwarded = _inbound_headers(scope)
        if inbound_id is not None and _SANE_REQUEST_ID.match(inbound_id):
            request_id = inbound_id.decode()
        else:
            request_id = new_request_id()
        peer = scope.get("client")
        client = self.resolver.resolve(peer[0] if peer else None, forwarded)
        scope[REQUEST_ID_KEY] = request_id
        scope[CLIENT_KEY] = client
        path: str = scope["path"]
        extra = ((b"x-request-id", request_id.encode()), *headers.for_path(path))
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            if path in PROBES and scope["method"] in ("GET", "HEAD"):
                await self.probes.answer(path, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        except Exception:
            # The framework's 500 handler (handlers.unexpected_error) has logged the traceback
            # and answered; it re-raises only so that servers may log, which would log twice.
            if not response_started:
                error_log.exception("unhandled error", extra={"request_id": request_id})
                await send_error(scope, send_with_headers, NormogenError())
        finally:
            self.metrics.in_flight.dec()
            self._record(scope, status, started=started, request_id=request_id, ip=client)

    def _record(
        self, scope: Scope, status: int, *, started: float, request_id: str, ip: str
    ) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        path = scope["path"]
        # `path_format` drops convertor types: "/records/{record_id:uuid}" → "/records/{record_id}".
        template = getattr(route, "path_format", None) or (path if path in PROBES else "unmatched")
        method = scope["method"]
        key = (method, template, status)
        children = self._children.get(key)
        if children is None:
            labels = (method, template, str(status))
            children = (self.metrics.requests.labels(*labels), self.metrics.latency.labels(*labels))
            self._children[key] = children
        children[0].inc()
        children[1].observe(elapsed)
        # Probes are polled every few seconds by orchestrators: log them only when tracing.
        level = TRACE if template in PROBES else logging.INFO
        if access_log.isEnabledFor(level):
            access_log.log(
                level,
                "request",
                extra={
                    "method": method,
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "request_id": request_id,
                    "client_ip": ip,
                },
            )
