"""Register, prelogin and login over HTTP: tokens, wrapped keys, uniform failures."""

from __future__ import annotations

import httpx

from normogen_client.crypto import b64e, create_account, registration_payload
from tests.accounts import PASSWORD, RegisteredUser, login, new_email, unlock_keys


async def test_register_returns_a_working_token_pair(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    me = await auth_http.get("/api/v1/users/me", headers=user.headers)
    assert me.status_code == 200
    assert me.json()["id"] == user.user_id
    assert me.json()["email"] == user.email
    assert me.json()["has_recovery"] is False


async def test_login_returns_keys_that_unlock_the_user_key(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    response = await login(auth_http, user.email, PASSWORD, device_name="tablet")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user_id"] == user.user_id
    assert body["session_id"] != user.session_id
    user_key, private_key = unlock_keys(PASSWORD, body["user_id"], body["keys"])
    assert user_key == user.secrets.user_key
    assert private_key == user.secrets.private_key
    assert body["keys"]["public_key"] == b64e(user.secrets.public_key)


async def test_email_is_normalised(auth_http: httpx.AsyncClient, user: RegisteredUser) -> None:
    shouted = f"  {user.email.upper()}  "
    response = await login(auth_http, shouted, PASSWORD)
    assert response.status_code == 200, response.text
    again = create_account(PASSWORD, 1000)
    duplicate = await auth_http.post(
        "/api/v1/auth/register", json={"email": shouted, **registration_payload(again)}
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "email_taken"


async def test_wrong_auth_key_and_unknown_email_get_the_same_401(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    wrong = await login(auth_http, user.email, "not the password")
    unknown = await login(auth_http, new_email(), PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    first, second = wrong.json()["error"], unknown.json()["error"]
    assert first["code"] == second["code"] == "invalid_credentials"
    assert first["message"] == second["message"]
    assert wrong.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")
