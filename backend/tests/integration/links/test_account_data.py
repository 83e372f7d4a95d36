"""Export and account deletion cover share links; their password hashes are never exported."""

from __future__ import annotations

import json
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from tests.accounts import RegisteredUser
from tests.links_support import create_link, link_body, open_link, verifier
from tests.support import ThreadedServer

ME = "/api/v1/users/me"


async def test_export_holds_links_without_password_hashes(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    body = link_body(password_verifier=verifier(), max_access_count=3)
    created = (await auth_http.post("/api/v1/links", json=body, headers=user.headers)).json()
    await create_link(auth_http, other_user)
    assert (await open_link(auth_http, created["id"], body["password_verifier"])).is_success
    response = await auth_http.get(f"{ME}/export", headers=user.headers)
    raw = response.content.decode()
    [link] = json.loads(raw)["sections"]["share_links"]
    assert link["id"] == created["id"]
    assert link["payload"] == body["payload"]
    assert link["has_password"] is True
    assert link["access_count"] == 1
    assert [a["ip"] for a in link["accesses"]] == ["127.0.0.0/24"]
    assert "$argon2" not in raw
    assert "password_hash" not in raw
    assert body["password_verifier"] not in raw


async def test_deleting_the_account_deletes_its_links(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    other_user: RegisteredUser,
    mongo: AsyncMongoClient[dict[str, Any]],
) -> None:
    mine = await create_link(auth_http, user)
    theirs = await create_link(auth_http, other_user)
    deleted = await auth_http.request(
        "DELETE", ME, json={"auth_key": user.auth_key}, headers=user.headers
    )
    assert deleted.status_code == 204
    assert (await open_link(auth_http, mine["id"])).status_code == 404
    assert (await open_link(auth_http, theirs["id"])).status_code == 200
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    assert await db["share_links"].count_documents({"owner_id": user.user_id}) == 0
