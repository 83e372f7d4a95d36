"""Brute force: per-account lockout with backoff, strict per-IP limits, no enumeration."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from normogen.auth import lockout
from normogen_client.crypto import b64e, create_account, registration_payload
from tests.accounts import PASSWORD, RegisteredUser, auth_settings, login, new_email, register_user
from tests.support import DAY, in_one_window, running_server

BURST_ROUNDS = 12

PRELOGIN = "/api/v1/auth/prelogin"


async def _fail(http: httpx.AsyncClient, email: str, times: int) -> list[int]:
    return [(await login(http, email, "wrong password")).status_code for _ in range(times)]


async def test_repeated_failures_lock_the_account_even_for_the_right_key(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    assert await _fail(auth_http, user.email, lockout.FREE_ATTEMPTS) == [401] * 5
    locked = await login(auth_http, user.email, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    retry_after = int(locked.headers["retry-after"])
    assert 0 < retry_after <= lockout.BASE_DELAY.total_seconds()


async def test_unknown_emails_lock_out_exactly_like_real_ones(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    unknown = new_email()
    real = await _fail(auth_http, user.email, lockout.FREE_ATTEMPTS + 1)
    fake = await _fail(auth_http, unknown, lockout.FREE_ATTEMPTS + 1)
    assert real == fake == [401] * 5 + [429]


async def test_the_lock_expires_and_success_resets_the_count(
    auth_server: Any, auth_http: httpx.AsyncClient, user: RegisteredUser, mongo: Any
) -> None:
    await _fail(auth_http, user.email, lockout.FREE_ATTEMPTS)
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    # Time travel: the lock's end has passed (the stored counter holds across replicas).
    past = datetime.now(UTC) - timedelta(seconds=1)
    result = await db["login_lockouts"].update_many({}, {"$set": {"locked_until": past}})
    assert result.modified_count == 1
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 200
    assert await db["login_lockouts"].count_documents({}) == 0


async def test_strict_per_ip_limits_on_anonymous_auth_routes(mongodb_uri: str) -> None:
    settings = auth_settings(
        mongodb_uri, AUTH_RATE_LIMIT_REQUESTS=3, AUTH_RATE_LIMIT_DURATION_SECONDS=DAY
    )
    with running_server(settings) as server:

        async def counted() -> None:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                email = new_email()
                statuses = [
                    (await http.post(PRELOGIN, json={"email": email})).status_code for _ in range(4)
                ]
                assert statuses == [200, 200, 200, 429]
                limited = await http.post(PRELOGIN, json={"email": email})
                assert int(limited.headers["retry-after"]) >= 1
                # Each route is counted on its own: login still has its budget, then runs out.
                body = {"email": email, "auth_key": b64e(b"\0" * 32)}
                logins = [(await http.post("/api/v1/auth/login", json=body)).status_code]
                logins += [(await http.post("/api/v1/auth/login", json=body)).status_code]
                logins += [(await http.post("/api/v1/auth/login", json=body)).status_code]
                logins += [(await http.post("/api/v1/auth/login", json=body)).status_code]
                assert logins == [401, 401, 401, 429]
                for _ in range(3):
                    payload = {
                        "email": new_email(),
                        **registration_payload(create_account("p", 1000)),
                    }
                    assert (
                        await http.post("/api/v1/auth/register", json=payload)
                    ).status_code == 201
                payload = {"email": new_email(), **registration_payload(create_account("p", 1000))}
                assert (await http.post("/api/v1/auth/register", json=payload)).status_code == 429

        await in_one_window(DAY, counted)


async def test_prelogin_is_identical_in_shape_for_unknown_emails(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    real = await auth_http.post(PRELOGIN, json={"email": user.email})
    unknown_email = new_email()
    fake = await auth_http.post(PRELOGIN, json={"email": unknown_email})
    again = await auth_http.post(PRELOGIN, json={"email": unknown_email.upper()})
    assert real.status_code == fake.status_code == 200
    assert fake.json() == again.json()  # deterministic: asking twice reveals nothing
    assert real.json().keys() == fake.json().keys() == {"kdf"}
    real_kdf, fake_kdf = real.json()["kdf"], fake.json()["kdf"]
    assert real_kdf.keys() == fake_kdf.keys()
    assert real_kdf["algorithm"] == fake_kdf["algorithm"]
    assert len(real_kdf["salt"]) == len(fake_kdf["salt"])
    assert real.headers.keys() == fake.headers.keys()
    other = await auth_http.post(PRELOGIN, json={"email": new_email()})
    assert other.json()["kdf"]["salt"] != fake_kdf["salt"]


async def test_unknown_email_logins_spend_a_real_argon2_verification(
    auth_server: Any, auth_http: httpx.AsyncClient
) -> None:
    response = await login(auth_http, new_email(), PASSWORD)
    assert response.status_code == 401
    hasher = auth_server.runtime.hasher
    assert hasher.dummy_hash is not None
    assert hasher.dummy_hash.startswith("$argon2id$")
    assert not hasher.needs_rehash(hasher.dummy_hash)  # same parameters as real hashes


async def test_login_rehashes_when_argon2_parameters_change(mongodb_uri: str, mongo: Any) -> None:
    settings = auth_settings(mongodb_uri, ARGON2_TIME_COST=2)
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            account = await register_user(http)
    db = mongo[settings.MONGODB_DATABASE]
    before = (await db["users"].find_one({"_id": account.user_id}) or {})["auth_hash"]
    assert ",t=2," in before
    stronger = settings.model_copy(update={"ARGON2_TIME_COST": 3})
    with running_server(stronger) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            assert (await login(http, account.email, PASSWORD)).status_code == 200
            after = (await db["users"].find_one({"_id": account.user_id}) or {})["auth_hash"]
            assert ",t=3," in after
            assert (await login(http, account.email, PASSWORD)).status_code == 200


# 13 bursts of Argon2 checks: about 40 s on a quiet machine, several times that under load.
@pytest.mark.timeout(600)
async def test_a_burst_of_parallel_guesses_gets_exactly_the_free_attempts(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    burst = 4 * lockout.FREE_ATTEMPTS
    # Each attempt reserves its slot before its key is checked, so the lock is exact.
    expected = [401] * lockout.FREE_ATTEMPTS + [429] * (burst - lockout.FREE_ATTEMPTS)

    async def burst_codes(email: str) -> list[int]:
        guesses = (login(auth_http, email, "wrong password") for _ in range(burst))
        return sorted(response.status_code for response in await asyncio.gather(*guesses))

    assert await burst_codes(user.email) == expected
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 429
    # More rounds on fresh unknown emails (they lock out exactly alike): a race between one
    # failure being counted and its lock being written showed in some rounds only.
    for round_no in range(BURST_ROUNDS):
        assert await burst_codes(new_email()) == expected, f"round {round_no}"


async def test_parallel_right_logins_all_succeed_within_the_budget(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    responses = await asyncio.gather(
        *(login(auth_http, user.email, PASSWORD) for _ in range(lockout.FREE_ATTEMPTS))
    )
    assert [r.status_code for r in responses] == [200] * lockout.FREE_ATTEMPTS


async def test_abandoned_reservations_expire(
    auth_server: Any, auth_http: httpx.AsyncClient, user: RegisteredUser, mongo: Any
) -> None:
    await _fail(auth_http, user.email, 1)
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    # As if four requests had crashed mid-check, long ago: their slots no longer count.
    long_ago = datetime.now(UTC) - 2 * lockout.STALE_ATTEMPT
    dead = [{"id": f"dead{n}", "at": long_ago} for n in range(lockout.FREE_ATTEMPTS - 1)]
    result = await db["login_lockouts"].update_many({}, {"$set": {"inflight": dead}})
    assert result.modified_count == 1
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 200
    # And while they are fresh, they do count.
    await _fail(auth_http, user.email, 1)
    fresh = [{"id": f"busy{n}", "at": datetime.now(UTC)} for n in range(lockout.FREE_ATTEMPTS)]
    await db["login_lockouts"].update_many({}, {"$set": {"inflight": fresh}})
    busy = await login(auth_http, user.email, PASSWORD)
    assert busy.status_code == 429
    assert busy.headers["retry-after"] == "1"
