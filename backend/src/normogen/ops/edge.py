"""The outermost middleware: request id, client address, probes, metrics, access log, headers.

It is pure ASGI and serves /health, /ready and /metrics itself, ahead of the framework, so
probes stay cheap and keep answering while the rest of the stack is busy.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from normogen.db.client import ping
from normogen.errors import NormogenError, error_body
from normogen.logging import TRACE
from normogen.runtime import Runtime
from normogen.security import headers
from normogen.security.proxies import ClientAddressResolver

access_log = logging.getLogger("normogen.access")
error_log = logging.getLogger("normogen.error")

REQUEST_ID_KEY = "normogen.request_id"
CLIENT_KEY = "normogen.client"
_SANE_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")
_JSON = (b"content-type", b"application/json")
_HEALTH_BODY = b'{"status":"ok"}'
_PROBES = frozenset({"/health", "/ready", "/metrics"})
# Request ids: a random per-process prefix and a counter; unique across replicas, and cheap.
_ID_PREFIX = secrets.token_hex(8)
_ID_COUNTER = itertools.count(1)


def new_request_id() -> str:
    return f"{_ID_PREFIX}{next(_ID_COUNTER):016x}"


def request_id_of(scope: Scope) -> str | None:
    value = scope.get(REQUEST_ID_KEY)
    return value if isinstance(value, str) else None


def client_of(scope: Scope) -> str:
    value = scope.get(CLIENT_KEY)
    return value if isinstance(value, str) else "unknown"


def log_unavailable(scope: Scope, error: BaseException) -> None:
    """Log a 503 `database_unavailable` with the driver's error class (never its text, which
    may quote a URI); "none" when no driver error caused it (e.g. the start-up migration)."""
    cause = error.__cause__ or error.__context__
    error_log.warning(
        "database unavailable",
        extra={
            "request_id": request_id_of(scope),
            "error": type(cause).__name__ if cause is not None else "none",
        },
    )


async def send_error(scope: Scope, send: Send, error: NormogenError) -> None:
    """Answer with `error` as the JSON error envelope (for pure-ASGI middleware)."""
    if error.error_code == "database_unavailable":
        log_unavailable(scope, error)
    body = error_body(error.error_code, error.message, request_id_of(scope))
    raw = [_JSON, (b"content-length", str(len(body)).encode())]
    raw += [(name.lower().encode(), value.encode()) for name, value in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status_code, "headers": raw})
    await send({"type": "http.response.body", "body": body})


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
        self.runtime = runtime
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
            if path in _PROBES and scope["method"] in ("GET", "HEAD"):
                await self._probe(path, send_with_headers)
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
            self._record(scope, status, started, request_id, client)

    async def _probe(self, path: str, send: Send) -> None:
        if path == "/health":
            await _send_json(send, 200, _HEALTH_BODY)
        elif path == "/ready":
            status, body = await self.readiness()
            await _send_json(send, status, json.dumps(body, separators=(",", ":")).encode())
        else:
            content_type = self.metrics.content_type.encode()
            await _send(send, 200, self.metrics.render(), content_type)

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

    def _record(self, scope: Scope, status: int, started: float, request_id: str, ip: str) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        path = scope["path"]
        # `path_format` drops convertor types: "/records/{record_id:uuid}" → "/records/{record_id}".
        template = getattr(route, "path_format", None) or (path if path in _PROBES else "unmatched")
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
        level = TRACE if template in _PROBES else logging.INFO
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


async def _send(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, body: bytes) -> None:
    await _send(send, status, body, _JSON[1])
