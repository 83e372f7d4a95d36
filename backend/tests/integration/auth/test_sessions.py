"""Sessions: list devices, revoke one (only your own), logout-all, revocation on every replica."""

from __future__ import annotations

import httpx

from tests.accounts import PASSWORD, RegisteredUser, auth_settings, login, register_user
from tests.support import async_wait_until, running_server

SESSIONS = "/api/v1/auth/sessions"
ME = "/api/v1/users/me"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_sessions_lists_each_device_and_marks_the_current_one(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    second = (await login(auth_http, user.email, PASSWORD, device_name="phone")).json()
    response = await auth_http.get(SESSIONS, headers=user.headers)
    assert response.status_code == 200
    sessions = {s["id"]: s for s in response.json()["sessions"]}
    assert set(sessions) == {user.session_id, second["session_id"]}
    assert sessions[user.session_id]["current"] is True
    assert sessions[user.session_id]["device_name"] == "laptop"
    assert sessions[second["session_id"]]["current"] is False
    assert sessions[second["session_id"]]["device_name"] == "phone"
    assert all(
        set(s) == {"id", "device_name", "created_at", "last_used_at", "current"}
        for s in sessions.values()
    )


async def test_revoking_a_session_ends_that_device_only(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    phone = (await login(auth_http, user.email, PASSWORD, device_name="phone")).json()
    response = await auth_http.delete(f"{SESSIONS}/{phone['session_id']}", headers=user.headers)
    assert response.status_code == 204
    assert (await auth_http.get(ME, headers=_bearer(phone["access_token"]))).status_code == 401
    refresh = await auth_http.post(
        "/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]}
    )
    assert refresh.status_code == 401
    assert (await auth_http.get(ME, headers=user.headers)).status_code == 200


async def test_another_users_session_cannot_be_revoked(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    response = await auth_http.delete(f"{SESSIONS}/{other_user.session_id}", headers=user.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"
    missing = await auth_http.delete(f"{SESSIONS}/{'f' * 32}", headers=user.headers)
    assert missing.json() | {"error": None} == response.json() | {"error": None}
    assert missing.status_code == 404
    # B's session is untouched and B does not see A's sessions.
    assert (await auth_http.get(ME, headers=other_user.headers)).status_code == 200
    listed = (await auth_http.get(SESSIONS, headers=other_user.headers)).json()["sessions"]
    assert [s["id"] for s in listed] == [other_user.session_id]


async def test_logout_all_ends_every_session(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    phone = (await login(auth_http, user.email, PASSWORD, device_name="phone")).json()
    response = await auth_http.post("/api/v1/auth/logout-all", headers=user.headers)
    assert response.status_code == 204
    for token in (user.access_token, phone["access_token"]):
        assert (await auth_http.get(ME, headers=_bearer(token))).status_code == 401


async def test_logout_on_one_replica_is_effective_on_another(mongodb_uri: str) -> None:
    settings = auth_settings(mongodb_uri)  # one database, two app instances
    with running_server(settings) as first, running_server(settings) as second:
        async with (
            httpx.AsyncClient(base_url=first.url, timeout=30) as a,
            httpx.AsyncClient(base_url=second.url, timeout=30) as b,
        ):
            account = await register_user(a)
            # Replica B has checked (and cached) the session as active.
            assert (await b.get(ME, headers=account.headers)).status_code == 200
            assert (await a.post("/api/v1/auth/logout", headers=account.headers)).status_code == 204

            async def rejected_by_b() -> bool:
                return (await b.get(ME, headers=account.headers)).status_code == 401

            # Bounded by the cache TTL (≤ 1 s); polled, not timed.
            await async_wait_until(rejected_by_b, 5, "replica B kept accepting the token")
