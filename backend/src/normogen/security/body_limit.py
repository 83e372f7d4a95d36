"""Reject request bodies over MAX_REQUEST_BYTES with 413 before they are read in full."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from normogen.core.http import send_error
from normogen.errors import PayloadTooLarge


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the running total passes the limit (chunked bodies too).

    An HTTPException, so the framework's body parsing lets it through to the error handler.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body exceeds {limit} bytes")


class BodyLimitMiddleware:
    """Checks Content-Length up front and counts the bytes of chunked bodies as they arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > limit:
                    await self._reject(scope, send)
                    return
            elif name == b"transfer-encoding":
                chunked = True
        if not chunked:
            # No body, or one whose declared length is within the limit: the HTTP server
            # delivers exactly that many bytes, so there is nothing to count.
            await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._reject(scope, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        message = f"Request body exceeds {self.max_bytes} bytes"
        # The rest of the body is never read, so this connection cannot be reused.
        await send_error(scope, send, PayloadTooLarge(message, headers={"Connection": "close"}))
