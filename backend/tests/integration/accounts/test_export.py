"""Export: one streamed JSON document of every owned section, ciphertext only."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from normogen.users.owned import registered
from normogen_client.crypto import b64e
from tests.accounts import RegisteredUser
from tests.integration.accounts.owned import NOTES, notes_domain

EXPORT = "/api/v1/users/me/export"


async def test_export_streams_every_registered_section(
    auth_server: Any,
    auth_http: httpx.AsyncClient,
    user: RegisteredUser,
    other_user: RegisteredUser,
    mongo: Any,
) -> None:
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    with notes_domain():
        mine = [uuid.uuid4().hex for _ in range(3)]
        for note_id in mine:
            await db[NOTES].insert_one({"_id": note_id, "user_id": user.user_id, "payload": 1})
        await db[NOTES].insert_one({"_id": "theirs", "user_id": other_user.user_id, "payload": 2})
        async with auth_http.stream("GET", EXPORT, headers=user.headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/json")
            assert response.headers["cache-control"] == "no-store"
            raw = b"".join([chunk async for chunk in response.aiter_bytes()])
        document = json.loads(raw)
        assert document["format"] == "normogen-export"
        assert document["user_id"] == user.user_id
        sections = document["sections"]
        assert set(sections) == {"account"} | {owned.name for owned in registered()}
        assert sorted(note["id"] for note in sections[NOTES]) == sorted(mine)
        account = sections["account"]
        assert account["email"] == user.email
        assert account["public_key"] == b64e(user.secrets.public_key)
        assert account["wrapped_user_key"] == user.secrets.wrapped_user_key.to_json()
        assert [s["_id"] for s in sections["sessions"]] == [user.session_id]
        assert [e["type"] for e in sections["security_events"]] == ["registered"]
        # Verifiers and tokens never leave the server, not even to their owner.
        for forbidden in ("auth_hash", "$argon2", user.refresh_token, user.access_token):
            assert forbidden not in raw.decode()
        assert other_user.user_id not in raw.decode()


async def test_export_needs_a_token(auth_http: httpx.AsyncClient) -> None:
    assert (await auth_http.get(EXPORT)).status_code == 401
