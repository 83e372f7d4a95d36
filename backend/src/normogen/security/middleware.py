"""The general /api rate limit as pure ASGI: per user with a valid access token, else per IP."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from normogen.core.http import client_of, send_error
from normogen.errors import DatabaseUnavailable, RateLimited
from normogen.runtime import Runtime
from normogen.security.batching import BatchedLimiter
from normogen.security.ratelimit import Limit, ip_subject


class RateLimitMiddleware:
    """Counts every /api request against `RATE_LIMIT_REQUESTS` per `RATE_LIMIT_DURATION_SECONDS`."""

    def __init__(self, app: ASGIApp, runtime: Runtime, limiter: BatchedLimiter) -> None:
        self.app = app
        self.runtime = runtime
        self.limiter = limiter
        settings = runtime.settings
        self.limit = Limit(
            "api", settings.RATE_LIMIT_REQUESTS, settings.RATE_LIMIT_DURATION_SECONDS
        )

    def subject(self, scope: Scope) -> str:
        claims = self.runtime.tokens.request_claims(scope)
        if claims is not None:
            return f"user:{claims.user_id}"
        return ip_subject(client_of(scope))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        try:
            decision = await self.limiter.hit(self.limit, self.subject(scope))
        except DatabaseUnavailable as exc:
            await send_error(scope, send, exc)
            return
        headers = decision.headers()
        if not decision.allowed:
            message = f"Rate limit exceeded; retry in {decision.reset_after} s"
            await send_error(scope, send, RateLimited(message, headers=headers))
            return
        raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *raw]
            await send(message)

        await self.app(scope, receive, send_with_headers)
