"""The API client's error mapping and token bookkeeping (no server needed)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from normogen_client.api import NormogenClient
from normogen_client.models import ApiError, AuthenticationError, NotLoggedIn, Tokens


def test_error_bodies_become_typed_errors() -> None:
    body = {"error": {"code": "email_taken", "message": "taken", "request_id": "r1"}}
    error = ApiError.from_response(httpx.Response(409, json=body))
    assert type(error) is ApiError
    assert (error.status, error.code, error.message, error.request_id) == (
        409,
        "email_taken",
        "taken",
        "r1",
    )
    unauthorized = ApiError.from_response(httpx.Response(401, json=body))
    assert isinstance(unauthorized, AuthenticationError)


def test_a_non_json_error_still_maps() -> None:
    error = ApiError.from_response(httpx.Response(502, text="<html>bad gateway</html>"))
    assert (error.status, error.code) == (502, "http_error")


def test_tokens_track_expiry_locally() -> None:
    tokens = Tokens.from_json(
        {
            "user_id": "u",
            "session_id": "s",
            "access_token": "access-secret",
            "refresh_token": "refresh-secret",
            "expires_in": 900,
        }
    )
    assert not tokens.expires_within(30)
    assert tokens.expires_within(901)
    assert tokens.expires_at > time.monotonic()
    assert "secret" not in repr(tokens)


def test_calls_that_need_a_session_fail_fast_without_one() -> None:
    async def scenario() -> None:
        async with NormogenClient("http://127.0.0.1:9") as client:
            with pytest.raises(NotLoggedIn):
                await client.me()
            with pytest.raises(NotLoggedIn):
                await client.change_password("a", "b")

    asyncio.run(scenario())  # sync test: runs under any pytest configuration
