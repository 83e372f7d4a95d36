"""Sign-ins and writes racing an account deletion or a password change, on two replicas.

Every round runs the race through real HTTP against two server processes sharing one database
(so the per-process session memo and the other replica's view are both in play). After each
round nothing may survive: no working token from a racing login, and no document of the
deleted account anywhere in the database (scanned collection by collection).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from normogen.core.session_cache import TTL_SECONDS as SESSION_MEMO_SECONDS
from normogen_client.crypto import b64e, rewrap_for_new_password
from tests.accounts import TEST_KDF_ITERATIONS, RegisteredUser, register_user
from tests.links_support import LINKS, link_body, verifier
from tests.orphans import orphans, references
from tests.records_support import PROFILES, RECORDS, profile_body, record_body
from tests.support import TEST_JWT_SECRET, ServerProcess, async_wait_until, unique_db_name

ROUNDS = 12
LOGINS = 4  # at once; with the victim's own check, the five the lockout lets in at a time
WRITES_PER_WRITER = 6
ME = "/api/v1/users/me"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
CHANGE = "/api/v1/auth/change-password"
Mongo = AsyncMongoClient[dict[str, Any]]


@pytest.fixture
def replicas(mongodb_uri: str, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """Two `normogen serve` processes on one database: (database, [url_a, url_b])."""
    database = unique_db_name("race")
    logs = tmp_path
    env = {
        "NORMOGEN_ENV": "development",
        "MONGODB_URI": mongodb_uri,
        "MONGODB_DATABASE": database,
        "JWT_SECRET": TEST_JWT_SECRET,
        "KDF_MIN_ITERATIONS": str(TEST_KDF_ITERATIONS),
        "AUTH_RATE_LIMIT_REQUESTS": "100000",
        "RATE_LIMIT_REQUESTS": "1000000",
        "SHUTDOWN_DRAIN_SECONDS": "0",
        "LOG_LEVEL": "warning",
    }
    processes = [ServerProcess(env, Path(logs) / f"replica-{n}.log") for n in range(2)]
    try:
        for process in processes:
            process.start()
        yield database, [process.url for process in processes]
    finally:
        for process in processes:
            process.stop()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _login(http: httpx.AsyncClient, user: RegisteredUser, auth_key: str) -> httpx.Response:
    return await http.post(LOGIN, json={"email": user.email, "auth_key": auth_key})


async def _write_until_refused(http: httpx.AsyncClient, token: str, profile_id: str | None) -> None:
    """Create profiles, password links and records with `token` until it is refused."""
    for n in range(WRITES_PER_WRITER):
        if n % 3 == 0:
            response = await http.post(PROFILES, json=profile_body(), headers=_bearer(token))
        elif n % 3 == 1 or profile_id is None:
            body = link_body(password_verifier=verifier())
            response = await http.post(LINKS, json=body, headers=_bearer(token))
        else:
            body = record_body(profile_id)
            response = await http.post(RECORDS, json=body, headers=_bearer(token))
        if response.status_code == 401:
            return
        assert response.status_code in (200, 201, 404), response.text


async def _logins_until(
    http: httpx.AsyncClient, user: RegisteredUser, done: asyncio.Event, write: bool
) -> list[httpx.Response]:
    """What an attacker holding the credentials does while the victim acts: log in again and
    again (and write with each new session at once) until the victim's request has finished."""
    responses = []
    while not done.is_set():
        response = await _login(http, user, user.auth_key)
        # 401 once the victim's request has won; 429 when the lockout counts those failures.
        assert response.status_code in (200, 401, 429), response.text
        responses.append(response)
        if write and response.status_code == 200:
            await _write_until_refused(http, response.json()["access_token"], None)
    return responses


async def _finish(request: Awaitable[httpx.Response], done: asyncio.Event) -> httpx.Response:
    try:
        response = await request
    finally:
        done.set()
    return response


async def _assert_dead(http: httpx.AsyncClient, tokens: dict[str, Any]) -> None:
    """A token pair from a racing login ends: refresh at once; writes within the session
    memo's bound (`auth.session_cache`: 1 s; a write accepted until then is swept, which the
    database scan checks), and for good."""
    refreshed = await http.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401, "a racing login's refresh token still rotates"
    bearer = _bearer(tokens["access_token"])

    async def refused() -> bool:
        created = await http.post(PROFILES, json=profile_body(), headers=bearer)
        assert created.status_code in (201, 401), created.text
        return created.status_code == 401

    await async_wait_until(refused, SESSION_MEMO_SECONDS + 2, "a racing login's token survived")
    assert (await http.post(PROFILES, json=profile_body(), headers=bearer)).status_code == 401
    assert (await http.get(ME, headers=bearer)).status_code == 401


async def test_logins_and_writes_racing_a_deletion_leave_nothing_behind(
    replicas: tuple[str, list[str]], mongo: Mongo
) -> None:
    database, (url_a, url_b) = replicas
    async with (
        httpx.AsyncClient(base_url=url_a, timeout=60) as a,
        httpx.AsyncClient(base_url=url_b, timeout=60) as b,
    ):
        racing_logins = 0
        for round_no in range(ROUNDS):
            user = await register_user(a)
            profile = await a.post(PROFILES, json=profile_body(), headers=user.headers)
            assert profile.status_code == 201
            profile_id = profile.json()["id"]
            done = asyncio.Event()
            deletion = a.request(
                "DELETE", ME, json={"auth_key": user.auth_key}, headers=user.headers
            )
            victim = asyncio.create_task(_finish(deletion, done))
            attackers = [
                asyncio.create_task(_logins_until(b if n % 2 else a, user, done, True))
                for n in range(LOGINS)
            ]
            writers = [
                asyncio.create_task(_write_until_refused(http, user.access_token, profile_id))
                for http in (a, b)
            ]
            deleted = await victim
            logins = await asyncio.gather(*attackers)
            await asyncio.gather(*writers)
            assert deleted.status_code == 204, deleted.text
            for response in (r for batch in logins for r in batch):
                if response.status_code == 200:
                    racing_logins += 1
                    await _assert_dead(b if round_no % 2 else a, response.json())
            await _assert_dead(
                a, {"access_token": user.access_token, "refresh_token": user.refresh_token}
            )
            assert await references(mongo, database, user.user_id) == {}, f"round {round_no}"
        assert await orphans(mongo, database) == {}
        # The race was real: some logins got in before the deletion began (and died with it).
        assert racing_logins > 0


async def test_logins_with_the_old_key_racing_a_password_change_do_not_survive(
    replicas: tuple[str, list[str]], mongo: Mongo
) -> None:
    database, (url_a, url_b) = replicas
    sessions = mongo[database]["sessions"]
    async with (
        httpx.AsyncClient(base_url=url_a, timeout=60) as a,
        httpx.AsyncClient(base_url=url_b, timeout=60) as b,
    ):
        racing_logins = 0
        for round_no in range(ROUNDS):
            user = await register_user(a)
            new_key, kdf, wrapped = rewrap_for_new_password(
                user.user_id, user.secrets.user_key, f"new password {round_no}", TEST_KDF_ITERATIONS
            )
            change = a.post(
                CHANGE,
                json={
                    "current_auth_key": user.auth_key,
                    "new_auth_key": b64e(new_key),
                    "new_kdf": kdf.to_json(),
                    "new_wrapped_user_key": wrapped.to_json(),
                },
                headers=user.headers,
            )
            done = asyncio.Event()
            victim = asyncio.create_task(_finish(change, done))
            attackers = [
                asyncio.create_task(_logins_until(b if n % 2 else a, user, done, False))
                for n in range(LOGINS)
            ]
            changed = await victim
            logins = await asyncio.gather(*attackers)
            assert changed.status_code == 200, changed.text
            for response in (r for batch in logins for r in batch):
                if response.status_code == 200:
                    racing_logins += 1
                    await _assert_dead(b, response.json())
            # Only the session the password change opened is left, and it works.
            fresh = changed.json()
            live = [doc["_id"] async for doc in sessions.find({"user_id": user.user_id})]
            assert live == [fresh["session_id"]], f"round {round_no}"
            assert (await b.get(ME, headers=_bearer(fresh["access_token"]))).status_code == 200
            # The racing old-key failures count toward the lockout (`auth/lockout.py`), and on a
            # slow run they lock the account; lift that lock, as its expiry would, so the checks
            # below see the credentials alone.
            await mongo[database]["login_lockouts"].delete_many({})
            old_key = await _login(a, user, user.auth_key)
            assert old_key.status_code == 401
            new = await _login(b, user, b64e(new_key))
            assert new.status_code == 200
        assert await orphans(mongo, database) == {}
        assert racing_logins > 0
