"""Helpers for pure-ASGI code: the request id and client address the edge middleware stores in
the scope, and the JSON error envelope (errors.py) sent without the framework."""

from __future__ import annotations

import itertools
import logging
import secrets

from starlette.types import Scope, Send

from normogen.errors import DatabaseUnavailable, NormogenError, error_body

error_log = logging.getLogger("normogen.error")

REQUEST_ID_KEY = "normogen.request_id"
CLIENT_KEY = "normogen.client"
JSON_HEADER = (b"content-type", b"application/json")
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
    if error.error_code == DatabaseUnavailable.code:
        log_unavailable(scope, error)
    body = error_body(error.error_code, error.message, request_id=request_id_of(scope))
    raw = [JSON_HEADER, (b"content-length", str(len(body)).encode())]
    raw += [(name.lower().encode(), value.encode()) for name, value in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status_code, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def send_body(send: Send, status: int, *, body: bytes, content_type: bytes) -> None:
    """A complete response with `body` and no other headers than its type and length."""
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
