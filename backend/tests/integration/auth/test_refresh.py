"""Refresh-token rotation: new pair each time, one pair per token in the grace window, reuse
revokes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from normogen.auth.sessions import hash_refresh_token
from tests.accounts import RegisteredUser, auth_settings, register_user
from tests.support import running_server

REFRESH = "/api/v1/auth/refresh"
ME = "/api/v1/users/me"
Mongo = AsyncMongoClient[dict[str, Any]]


async def _refresh(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post(REFRESH, json={"refresh_token": token})


async def test_refresh_rotates_both_tokens(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    response = await _refresh(auth_http, user.refresh_token)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["session_id"] == user.session_id
    assert body["refresh_token"] != user.refresh_token
    assert body["access_token"] != user.access_token
    me = await auth_http.get(ME, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    again = await _refresh(auth_http, body["refresh_token"])
    assert again.status_code == 200


async def _live_chains(mongo: Mongo, database: str, session_id: str) -> int:
    """Unrotated refresh tokens of a session: each one is a chain that can still rotate."""
    tokens = mongo[database]["refresh_tokens"]
    return await tokens.count_documents({"session_id": session_id, "rotated_at": None})


async def test_replays_within_the_grace_window_get_one_successor_pair(
    auth_server: Any, auth_http: httpx.AsyncClient, user: RegisteredUser, mongo: Mongo
) -> None:
    database = auth_server.settings.MONGODB_DATABASE
    token = user.refresh_token
    for _ in range(8):  # rounds: each replays the newest token five times at once
        responses = await asyncio.gather(*(_refresh(auth_http, token) for _ in range(5)))
        assert [r.status_code for r in responses] == [200] * 5
        pairs = {(r.json()["refresh_token"], r.json()["access_token"]) for r in responses}
        assert len(pairs) == 1  # idempotent: the same pair, not five forks
        ((successor, access),) = pairs
        assert successor != token
        # A late replay inside the window is answered with that pair again.
        late = await _refresh(auth_http, token)
        assert (late.json()["refresh_token"], late.json()["access_token"]) == (successor, access)
        assert await _live_chains(mongo, database, user.session_id) == 1
        me = await auth_http.get(ME, headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 200
        token = successor


async def test_reuse_after_the_grace_window_revokes_the_session(
    mongodb_uri: str, mongo: Mongo
) -> None:
    settings = auth_settings(mongodb_uri, JWT_REFRESH_REUSE_GRACE_SECONDS=0)
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            victim = await register_user(http)
            rotated = await _refresh(http, victim.refresh_token)
            assert rotated.status_code == 200
            successor = rotated.json()
            # Someone replays the old token (stolen copy) after the window has passed.
            replay = await _refresh(http, victim.refresh_token)
            assert replay.status_code == 401
            assert replay.json()["error"]["code"] == "invalid_refresh_token"
            # The whole session is gone: the legitimate successor tokens are dead too.
            assert (await _refresh(http, successor["refresh_token"])).status_code == 401
            bearer = {"Authorization": f"Bearer {successor['access_token']}"}
            assert (await http.get(ME, headers=bearer)).status_code == 401
            db = mongo[settings.MONGODB_DATABASE]
            event = await db["security_events"].find_one(
                {"user_id": victim.user_id, "type": "refresh_reuse"}
            )
            assert event is not None
            assert event["session_id"] == victim.session_id


async def test_an_expired_refresh_token_is_rejected(
    auth_server: Any, auth_http: httpx.AsyncClient, user: RegisteredUser, mongo: Mongo
) -> None:
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    # Time travel: the token's expiry (normally JWT_REFRESH_TOKEN_EXPIRY_DAYS away) has passed.
    result = await db["refresh_tokens"].update_one(
        {"_id": hash_refresh_token(user.refresh_token)},
        {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}},
    )
    assert result.modified_count == 1
    response = await _refresh(auth_http, user.refresh_token)
    assert response.status_code == 401


async def test_refresh_token_expiry_follows_the_setting(
    auth_server: Any, user: RegisteredUser, mongo: Mongo
) -> None:
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    doc = await db["refresh_tokens"].find_one({"_id": hash_refresh_token(user.refresh_token)})
    assert doc is not None
    lifetime = doc["expires_at"] - doc["issued_at"]
    assert lifetime == timedelta(days=auth_server.settings.JWT_REFRESH_TOKEN_EXPIRY_DAYS)
    indexes = await db["refresh_tokens"].index_information()
    assert indexes["expires_at_ttl"]["expireAfterSeconds"] == 0


async def test_malformed_refresh_requests_are_422(auth_http: httpx.AsyncClient) -> None:
    for body in ({}, {"refresh_token": 5}, {"refresh_token": "x" * 500}, {"refresh_token": "a b"}):
        assert (await auth_http.post(REFRESH, json=body)).status_code == 422
