"""Recovery: set up with the auth key, reset a forgotten password with the phrase."""

from __future__ import annotations

from typing import Any

import httpx

from normogen_client.crypto import (
    Envelope,
    KdfParams,
    b64e,
    generate_recovery_phrase,
    recovery_keys,
    recovery_material,
    rewrap_for_new_password,
    unwrap_key,
)
from normogen_client.crypto.contexts import recovery_user_key_aad
from tests.accounts import PASSWORD, TEST_KDF_ITERATIONS, RegisteredUser, login, new_email

AUTH = "/api/v1/auth"
NEW_PASSWORD = "recovered passphrase"


async def _set_up(http: httpx.AsyncClient, user: RegisteredUser) -> str:
    phrase = generate_recovery_phrase()
    auth_key, kdf, wrapped = recovery_material(
        user.user_id, phrase, user.secrets.user_key, TEST_KDF_ITERATIONS
    )
    body = {
        "auth_key": user.auth_key,
        "recovery_auth_key": b64e(auth_key),
        "recovery_kdf": kdf.to_json(),
        "recovery_wrapped_user_key": wrapped.to_json(),
    }
    response = await http.put(f"{AUTH}/recovery", json=body, headers=user.headers)
    assert response.status_code == 204, response.text
    return phrase


async def _recover(
    http: httpx.AsyncClient, email: str, phrase: str
) -> tuple[httpx.Response, bytes | None]:
    prelogin = await http.post(f"{AUTH}/recovery/prelogin", json={"email": email})
    assert prelogin.status_code == 200
    kdf = KdfParams.from_json(prelogin.json()["kdf"], min_iterations=1)
    auth_key, wrap_key = recovery_keys(phrase, kdf)
    proof = {"email": email, "recovery_auth_key": b64e(auth_key)}
    unlocked = await http.post(f"{AUTH}/recovery/unlock", json=proof)
    if unlocked.status_code != 200:
        return unlocked, None
    wrapped = Envelope.from_json(unlocked.json()["recovery_wrapped_user_key"])
    user_id = unlocked.json()["user_id"]
    user_key = unwrap_key(wrap_key, wrapped, recovery_user_key_aad(user_id))
    new_auth, new_kdf, new_wrapped = rewrap_for_new_password(
        user_id, user_key, NEW_PASSWORD, TEST_KDF_ITERATIONS
    )
    body: dict[str, Any] = {
        **proof,
        "new_auth_key": b64e(new_auth),
        "new_kdf": new_kdf.to_json(),
        "new_wrapped_user_key": new_wrapped.to_json(),
        "device_name": "recovered",
    }
    return await http.post(f"{AUTH}/recovery/complete", json=body), user_key


async def test_recovery_resets_the_password_and_keeps_the_user_key(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    phrase = await _set_up(auth_http, user)
    me = await auth_http.get("/api/v1/users/me", headers=user.headers)
    assert me.json()["has_recovery"] is True
    response, user_key = await _recover(auth_http, user.email, phrase)
    assert response.status_code == 200, response.text
    assert user_key == user.secrets.user_key
    body = response.json()
    assert body["keys"]["kdf"]["iterations"] == TEST_KDF_ITERATIONS
    # All earlier sessions ended; the old password is dead, the new one works.
    assert (await auth_http.get("/api/v1/users/me", headers=user.headers)).status_code == 401
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 401
    assert (await login(auth_http, user.email, NEW_PASSWORD)).status_code == 200
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    events = (await auth_http.get("/api/v1/users/me/events", headers=bearer)).json()["events"]
    assert {"recovery_set", "recovery_used"} <= {e["type"] for e in events}
    # Single use: the phrase is spent, a second recovery with it is refused like a wrong one.
    me = (await auth_http.get("/api/v1/users/me", headers=bearer)).json()
    assert me["has_recovery"] is False
    again, _ = await _recover(auth_http, user.email, phrase)
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "invalid_credentials"


async def test_a_wrong_phrase_is_refused_like_an_unknown_email(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    await _set_up(auth_http, user)
    wrong, _ = await _recover(auth_http, user.email, generate_recovery_phrase())
    unknown, _ = await _recover(auth_http, new_email(), generate_recovery_phrase())
    without, _ = await _recover(auth_http, other_user.email, generate_recovery_phrase())
    assert wrong.status_code == unknown.status_code == without.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"]
    assert wrong.json()["error"]["message"] == without.json()["error"]["message"]
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 200


async def test_recovery_prelogin_is_fake_but_stable_without_recovery(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    first = await auth_http.post(f"{AUTH}/recovery/prelogin", json={"email": user.email})
    second = await auth_http.post(f"{AUTH}/recovery/prelogin", json={"email": user.email})
    assert first.json() == second.json()
    assert set(first.json()["kdf"]) == {"algorithm", "iterations", "salt"}
    login_kdf = await auth_http.post(f"{AUTH}/prelogin", json={"email": user.email})
    assert first.json()["kdf"]["salt"] != login_kdf.json()["kdf"]["salt"]
    me = (await auth_http.get("/api/v1/users/me", headers=user.headers)).json()
    assert me["has_recovery"] is False


async def test_setting_up_recovery_needs_the_current_auth_key(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    phrase = generate_recovery_phrase()
    auth_key, kdf, wrapped = recovery_material(
        user.user_id, phrase, user.secrets.user_key, TEST_KDF_ITERATIONS
    )
    body = {
        "auth_key": other_user.auth_key,
        "recovery_auth_key": b64e(auth_key),
        "recovery_kdf": kdf.to_json(),
        "recovery_wrapped_user_key": wrapped.to_json(),
    }
    response = await auth_http.put(f"{AUTH}/recovery", json=body, headers=user.headers)
    assert response.status_code == 403
    me = await auth_http.get("/api/v1/users/me", headers=user.headers)
    assert me.json()["has_recovery"] is False
