"""Account deletion: auth key required, everything owned removed, interruptions resumed."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.accounts import PASSWORD, RegisteredUser, auth_settings, login, register_user
from tests.integration.accounts.owned import NOTES, notes_domain
from tests.support import async_wait_until, running_server

ME = "/api/v1/users/me"


async def _add_notes(db: Any, user_id: str, count: int) -> None:
    for n in range(count):
        await db[NOTES].insert_one({"_id": uuid.uuid4().hex, "user_id": user_id, "payload": n})


async def _references(db: Any, user_id: str) -> dict[str, int]:
    """Every document anywhere in the database that mentions the user id."""
    found: dict[str, int] = {}
    for name in await db.list_collection_names():
        count = await db[name].count_documents({"$or": [{"_id": user_id}, {"user_id": user_id}]})
        if count:
            found[name] = count
    return found


async def test_deletion_needs_the_auth_key(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    response = await auth_http.request(
        "DELETE", ME, json={"auth_key": other_user.auth_key}, headers=user.headers
    )
    assert response.status_code == 403
    assert (await auth_http.get(ME, headers=user.headers)).status_code == 200
    missing = await auth_http.request("DELETE", ME, json={}, headers=user.headers)
    assert missing.status_code == 422


async def test_deletion_removes_everything_the_user_owns_and_nothing_else(
    auth_server: Any, auth_http: httpx.AsyncClient, user: RegisteredUser, mongo: Any
) -> None:
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    with notes_domain():
        other = await register_user(auth_http)
        await _add_notes(db, user.user_id, 3)
        await _add_notes(db, other.user_id, 2)
        phone = (await login(auth_http, user.email, PASSWORD)).json()
        assert await _references(db, user.user_id)  # sessions, events, notes, the user
        response = await auth_http.request(
            "DELETE", ME, json={"auth_key": user.auth_key}, headers=user.headers
        )
        assert response.status_code == 204
        assert await _references(db, user.user_id) == {}
        for token in (user.access_token, phone["access_token"]):
            bearer = {"Authorization": f"Bearer {token}"}
            assert (await auth_http.get(ME, headers=bearer)).status_code == 401
        assert (await login(auth_http, user.email, PASSWORD)).status_code == 401
        # The other account is untouched.
        assert await db[NOTES].count_documents({"user_id": other.user_id}) == 2
        assert (await auth_http.get(ME, headers=other.headers)).status_code == 200
        # The email is free again.
        assert (await register_user(auth_http, email=user.email)).user_id != user.user_id


async def test_an_interrupted_deletion_is_finished_at_the_next_start(
    mongodb_uri: str, mongo: Any
) -> None:
    settings = auth_settings(mongodb_uri)
    db = mongo[settings.MONGODB_DATABASE]
    with notes_domain(crash_after_one=True) as calls:
        with running_server(settings) as server:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                doomed = await register_user(http)
                survivor = await register_user(http)
                await _add_notes(db, doomed.user_id, 3)
                await _add_notes(db, survivor.user_id, 1)
                crashed = await http.request(
                    "DELETE", ME, json={"auth_key": doomed.auth_key}, headers=doomed.headers
                )
                assert crashed.status_code == 500  # the simulated crash
                # Half-way state: refused everywhere, data partly there, the user marked.
                user_doc = await db["users"].find_one({"_id": doomed.user_id})
                assert user_doc is not None
                assert user_doc["status"] == "deleting"
                assert await db[NOTES].count_documents({"user_id": doomed.user_id}) == 2
                assert (await http.get(ME, headers=doomed.headers)).status_code == 401
                assert (await login(http, doomed.email, PASSWORD)).status_code == 401
        # A new process (or replica) starts on the same database and finishes the deletion.
        with running_server(settings):

            async def finished() -> bool:
                return await _references(db, doomed.user_id) == {}

            await async_wait_until(finished, 30, "the interrupted deletion was not resumed")
        assert calls == [doomed.user_id, doomed.user_id]
        assert await db[NOTES].count_documents({"user_id": survivor.user_id}) == 1
        assert await db["users"].count_documents({"_id": survivor.user_id}) == 1


async def test_registering_the_email_of_an_interrupted_deletion_finishes_it(
    auth_server: Any, auth_http: httpx.AsyncClient, user: RegisteredUser, mongo: Any
) -> None:
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    with notes_domain(crash_after_one=True):
        await _add_notes(db, user.user_id, 2)
        crashed = await auth_http.request(
            "DELETE", ME, json={"auth_key": user.auth_key}, headers=user.headers
        )
        assert crashed.status_code == 500
        fresh = await register_user(auth_http, email=user.email)
        assert await _references(db, user.user_id) == {}
        assert (await auth_http.get(ME, headers=fresh.headers)).json()["email"] == user.email
