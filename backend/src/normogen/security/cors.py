"""CORS for the configured origins only; any other origin gets no CORS headers at all."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from normogen.core.http import send_error
from normogen.errors import Forbidden

ALLOWED_METHODS = b"GET, POST, PUT, PATCH, DELETE, OPTIONS"
_METHODS = frozenset(ALLOWED_METHODS.decode().split(", "))
MAX_AGE = b"3600"
# Response headers a browser client needs to read (ETag for If-Match, limits for back-off).
EXPOSED = b"X-Request-ID, ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, " + (
    b"RateLimit-Reset"
)


class CORSMiddleware:
    """Echoes an allowed Origin with credentials; answers preflights itself (max-age 3600 s)."""

    def __init__(self, app: ASGIApp, allowed_origins: Sequence[str]) -> None:
        self.app = app
        self.allowed = frozenset(origin.encode() for origin in allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = requested_method = requested_headers = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                requested_method = value
            elif name == b"access-control-request-headers":
                requested_headers = value
        if origin is None:
            await self.app(scope, receive, send)
            return
        allowed = origin in self.allowed
        if scope["method"] == "OPTIONS" and requested_method is not None:
            await self._preflight(
                scope,
                send,
                origin=origin,
                allowed=allowed,
                method=requested_method,
                requested_headers=requested_headers,
            )
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", ()),
                    (b"access-control-allow-origin", origin),
                    (b"access-control-allow-credentials", b"true"),
                    (b"access-control-expose-headers", EXPOSED),
                    (b"vary", b"Origin"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(
        self,
        scope: Scope,
        send: Send,
        *,
        origin: bytes,
        allowed: bool,
        method: bytes,
        requested_headers: bytes | None,
    ) -> None:
        if not allowed or method.decode("latin-1").upper() not in _METHODS:
            code = "cors_origin_not_allowed" if not allowed else "cors_method_not_allowed"
            rejected = Forbidden("CORS preflight rejected", code=code, headers={"Vary": "Origin"})
            await send_error(scope, send, rejected)
            return
        response_headers = [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-credentials", b"true"),
            (b"access-control-allow-methods", ALLOWED_METHODS),
            (b"access-control-max-age", MAX_AGE),
            (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
            (b"content-length", b"0"),
        ]
        if requested_headers:
            # "Any request header" (docs/api.md, CORS): echo what was asked; "*" is not honoured
            # with credentials.
            response_headers.append((b"access-control-allow-headers", requested_headers))
        await send({"type": "http.response.start", "status": 204, "headers": response_headers})
        await send({"type": "http.response.body", "body": b""})
