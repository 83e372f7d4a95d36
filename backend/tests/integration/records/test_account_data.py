"""Account export and deletion cover profiles and records (and nobody else's)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.accounts import RegisteredUser
from tests.records_support import RECORDS, create_profile, create_record
from tests.support import ThreadedServer

ME = "/api/v1/users/me"


async def test_export_contains_live_profiles_and_records(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user, "child")
    kept = await create_record(auth_http, user, profile["id"], tags=["x"], source="manual")
    gone = await create_record(auth_http, user, profile["id"])
    await auth_http.delete(f"{RECORDS}/{gone['id']}", headers=user.headers)
    theirs = await create_profile(auth_http, other_user)
    await create_record(auth_http, other_user, theirs["id"])

    async with auth_http.stream("GET", f"{ME}/export", headers=user.headers) as response:
        assert response.status_code == 200
        raw = b"".join([chunk async for chunk in response.aiter_bytes()])
    sections = json.loads(raw)["sections"]
    exported_profile = {k: v for k, v in profile.items() if k != "role"}
    assert sections["profiles"] == [exported_profile]
    assert sections["records"] == [kept]
    assert theirs["id"] not in raw.decode()


async def test_account_deletion_removes_profiles_and_records(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    other_user: RegisteredUser,
    mongo: Any,
) -> None:
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    mine = await create_profile(auth_http, user)
    for _ in range(3):
        await create_record(auth_http, user, mine["id"])
    deleted = await create_profile(auth_http, user)
    await create_record(auth_http, user, deleted["id"])
    await auth_http.delete(f"/api/v1/profiles/{deleted['id']}", headers=user.headers)
    theirs = await create_profile(auth_http, other_user)
    their_record = await create_record(auth_http, other_user, theirs["id"])

    response = await auth_http.request(
        "DELETE", ME, json={"auth_key": user.auth_key}, headers=user.headers
    )
    assert response.status_code == 204
    for collection in ("profiles", "records"):
        assert await db[collection].count_documents({"owner_id": user.user_id}) == 0
        assert await db[collection].count_documents({"created_by": user.user_id}) == 0
    # The other account keeps everything.
    read = await auth_http.get(f"{RECORDS}/{their_record['id']}", headers=other_user.headers)
    assert read.status_code == 200
    assert read.json() == their_record
