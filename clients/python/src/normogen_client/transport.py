"""The HTTP layer under `NormogenClient`: bearer tokens, automatic refresh, error mapping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Self

import httpx

from normogen_client.models import ApiError, NotLoggedIn, Tokens

AUTH = "/api/v1/auth"


class Transport:
    """Sends anonymous and authenticated requests; rotates tokens before they expire."""

    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.AsyncClient | None = None,
        refresh_margin: float = 30.0,
        timeout: float = 30.0,
    ) -> None:
        self._http = http or httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._owns_http = http is None
        self.refresh_margin = refresh_margin
        self.tokens: Tokens | None = None
        self._refresh_lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def anonymous(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST without a token (register, login, recovery); raises ApiError."""
        response = await self._http.post(path, json=body)
        if response.is_error:
            raise ApiError.from_response(response)
        result: dict[str, Any] = response.json()
        return result

    @property
    def base_url(self) -> str:
        """The server's base URL (share links default to it as their web origin)."""
        return str(self._http.base_url).rstrip("/")

    def session(self) -> Tokens:
        if self.tokens is None:
            raise NotLoggedIn("register, log in or recover first")
        return self.tokens

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """An authenticated request; refreshes the access token when needed, raises ApiError."""
        tokens = await self._fresh_tokens()
        response = await self._send(method, path, tokens, json, params, headers)
        if response.status_code == 401:
            # The access token may have expired in flight: one refresh, one retry.
            tokens = await self._refresh_from(tokens)
            response = await self._send(method, path, tokens, json, params, headers)
        if response.is_error:
            raise ApiError.from_response(response)
        return response

    async def stream(self, path: str) -> AsyncIterator[bytes]:
        """An authenticated GET whose body is yielded as it arrives."""
        tokens = await self._fresh_tokens()
        headers = {"Authorization": f"Bearer {tokens.access_token}"}
        async with self._http.stream("GET", path, headers=headers) as response:
            if response.is_error:
                await response.aread()
                raise ApiError.from_response(response)
            async for chunk in response.aiter_bytes():
                yield chunk

    async def refresh(self) -> Tokens:
        """Rotate the token pair now."""
        return await self._refresh_from(self.session())

    async def _fresh_tokens(self) -> Tokens:
        tokens = self.session()
        if tokens.expires_within(self.refresh_margin):
            tokens = await self._refresh_from(tokens)
        return tokens

    async def _send(
        self,
        method: str,
        path: str,
        tokens: Tokens,
        body: Any,
        params: dict[str, Any] | None,
        extra_headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = {**(extra_headers or {}), "Authorization": f"Bearer {tokens.access_token}"}
        return await self._http.request(method, path, json=body, params=params, headers=headers)

    async def _refresh_from(self, seen: Tokens) -> Tokens:
        async with self._refresh_lock:  # concurrent callers share one rotation
            current = self.session()
            if current is not seen:
                return current  # another task refreshed while this one waited
            response = await self._http.post(
                f"{AUTH}/refresh", json={"refresh_token": current.refresh_token}
            )
            if response.is_error:
                if response.status_code == 401:
                    self.tokens = None  # the session is over: log in again
                raise ApiError.from_response(response)
            self.tokens = Tokens.from_json(response.json())
            return self.tokens
