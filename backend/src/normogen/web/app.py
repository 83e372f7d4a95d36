"""The web-app ASGI application: built files from web/dist, SPA fallback, and /api proxied.

Static files: hashed assets (`/assets/*`) are cached for a year; everything else, `index.html`
above all, is revalidated on each load so a new build is picked up at once. A GET for a path
that is not a file (a client-side route such as `/s/<id>` or `/account`) gets `index.html`.
`/api/*` is forwarded to the API server with the body streamed both ways, so the browser only
ever talks to this origin (CSP `connect-src 'self'`).
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import httpx
from starlette.types import Message, Receive, Scope, Send

from normogen.web.headers import security_headers

log = logging.getLogger("normogen.web")

# RFC 9110 section 7.6.1: connection-specific headers are not forwarded by a proxy.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
UNAVAILABLE = (
    b'{"error":{"code":"api_unavailable",'
    b'"message":"The server is not reachable. Try again in a moment."}}'
)
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("application/json", ".map")


@dataclass
class WebApp:
    """Serve `dist` and proxy `/api` to `api_url`; `https` adds HSTS."""

    dist: Path
    api_url: str
    https: bool = False
    client: httpx.AsyncClient | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.dist = self.dist.resolve()
        self.headers = security_headers(https=self.https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path == "/health":
            # This server's own liveness (the container HEALTHCHECK); the API has its own.
            await self._plain(
                send, 200, text=b'{"status":"ok"}', extra=[(b"content-type", b"application/json")]
            )
        elif path == "/api" or path.startswith("/api/"):
            await self._proxy(scope, receive, send)
        elif scope["method"] in ("GET", "HEAD"):
            await self._static(scope, send, path)
        else:
            await self._plain(
                send, 405, text=b"method not allowed", extra=[(b"allow", b"GET, HEAD")]
            )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # No timeout on reads: exports stream for as long as they take; connect fails fast.
                self.client = httpx.AsyncClient(
                    base_url=self.api_url,
                    timeout=httpx.Timeout(None, connect=5.0),
                    follow_redirects=False,
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _resolve(self, path: str) -> Path | None:
        """The file under dist for a URL path, or None (never a path outside dist)."""
        relative = unquote(path).lstrip("/")
        if not relative or "\x00" in relative:
            return None
        candidate = (self.dist / relative).resolve()
        if not candidate.is_relative_to(self.dist) or not candidate.is_file():
            return None
        return candidate

    async def _static(self, scope: Scope, send: Send, path: str) -> None:
        file = self._resolve(path)
        if file is None:
            if path.startswith("/assets/") or Path(path).suffix in (".js", ".css", ".map"):
                await self._plain(send, 404, text=b"not found")
                return
            file = self.dist / "index.html"  # a client-side route: the app decides
            if not file.is_file():
                await self._plain(send, 503, text=b"the web app is not built: run 'make web-build'")
                return
        body = file.read_bytes()
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("javascript", "json")):
            content_type += "; charset=utf-8"
        hashed = file.parent.name == "assets" and file.parent.parent == self.dist
        headers = [
            (b"content-type", content_type.encode("latin-1")),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"cache-control", IMMUTABLE if hashed else REVALIDATE),
            *self.headers,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    async def _plain(
        self,
        send: Send,
        status: int,
        *,
        text: bytes,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        extra = extra or []
        typed = any(name == b"content-type" for name, _ in extra)
        headers = [
            *([] if typed else [(b"content-type", b"text/plain; charset=utf-8")]),
            (b"content-length", str(len(text)).encode("ascii")),
            (b"cache-control", b"no-store"),
            *extra,
            *self.headers,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": text})

    async def _proxy(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.client is None:
            raise RuntimeError("the web app runs with lifespan='on' (it creates the API client)")
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in HOP_BY_HOP
            and k.decode("latin-1").lower() not in ("x-forwarded-for", "x-forwarded-proto")
        ]
        client = scope.get("client")
        if client:
            headers.append(("x-forwarded-for", client[0]))
        headers.append(("x-forwarded-proto", scope.get("scheme", "http")))
        url = scope["path"] + (
            "?" + scope["query_string"].decode("latin-1") if scope["query_string"] else ""
        )
        request = self.client.build_request(
            scope["method"], url, headers=headers, content=_request_body(receive)
        )
        try:
            response = await self.client.send(request, stream=True)
        except httpx.HTTPError as exc:
            log.warning("API unreachable", extra={"error": type(exc).__name__})
            body = UNAVAILABLE
            await send(
                {
                    "type": "http.response.start",
                    "status": 502,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode("ascii")),
                        (b"cache-control", b"no-store"),
                        *self.headers,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        try:
            out = [
                (k.encode("latin-1"), v.encode("latin-1"))
                for k, v in response.headers.multi_items()
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"
            ]
            await send(
                {"type": "http.response.start", "status": response.status_code, "headers": out}
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


async def _request_body(receive: Receive) -> AsyncIterator[bytes]:
    """Stream the incoming body to the upstream request."""
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return
