"""Change password: the old auth key stops working, the user key survives, sessions end."""

from __future__ import annotations

from typing import Any

import httpx

from normogen_client.crypto import b64e, rewrap_for_new_password
from tests.accounts import PASSWORD, TEST_KDF_ITERATIONS, RegisteredUser, login, unlock_keys

CHANGE = "/api/v1/auth/change-password"
ME = "/api/v1/users/me"
NEW_PASSWORD = "a brand new passphrase"


def _change_body(user: RegisteredUser, iterations: int = TEST_KDF_ITERATIONS) -> dict[str, Any]:
    auth_key, kdf, wrapped = rewrap_for_new_password(
        user.user_id, user.secrets.user_key, NEW_PASSWORD, iterations
    )
    return {
        "current_auth_key": user.auth_key,
        "new_auth_key": b64e(auth_key),
        "new_kdf": kdf.to_json(),
        "new_wrapped_user_key": wrapped.to_json(),
    }


async def test_change_password_rewraps_and_revokes(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    phone = (await login(auth_http, user.email, PASSWORD, device_name="phone")).json()
    response = await auth_http.post(CHANGE, json=_change_body(user), headers=user.headers)
    assert response.status_code == 200, response.text
    fresh = response.json()
    assert fresh["session_id"] not in (user.session_id, phone["session_id"])
    # Every earlier session ended, the new pair works.
    for token in (user.access_token, phone["access_token"]):
        bearer = {"Authorization": f"Bearer {token}"}
        assert (await auth_http.get(ME, headers=bearer)).status_code == 401
    new_bearer = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert (await auth_http.get(ME, headers=new_bearer)).status_code == 200
    sessions = (await auth_http.get("/api/v1/auth/sessions", headers=new_bearer)).json()
    assert [s["device_name"] for s in sessions["sessions"]] == ["laptop"]
    # The old password no longer logs in; the new one does and unlocks the same user key.
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 401
    again = await login(auth_http, user.email, NEW_PASSWORD)
    assert again.status_code == 200
    user_key, private_key = unlock_keys(NEW_PASSWORD, user.user_id, again.json()["keys"])
    assert user_key == user.secrets.user_key
    assert private_key == user.secrets.private_key
    events = (await auth_http.get(f"{ME}/events", headers=new_bearer)).json()["events"]
    assert "password_changed" in [e["type"] for e in events]


async def test_wrong_current_auth_key_is_refused(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    body = _change_body(user) | {"current_auth_key": other_user.auth_key}
    response = await auth_http.post(CHANGE, json=body, headers=user.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 200
    assert (await auth_http.get(ME, headers=user.headers)).status_code == 200


async def test_kdf_minimum_is_enforced(auth_http: httpx.AsyncClient, user: RegisteredUser) -> None:
    body = _change_body(user, iterations=TEST_KDF_ITERATIONS - 1)
    response = await auth_http.post(CHANGE, json=body, headers=user.headers)
    assert response.status_code == 422
    assert "new_kdf.iterations" in response.json()["error"]["message"]
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 200


async def test_change_password_needs_a_token(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    response = await auth_http.post(CHANGE, json=_change_body(user))
    assert response.status_code == 401
