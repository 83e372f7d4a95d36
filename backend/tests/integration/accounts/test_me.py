"""The account: read, change email, settings and security events."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.accounts import PASSWORD, RegisteredUser, login

ME = "/api/v1/users/me"


def _envelope(alg: str = "aes-256-gcm") -> dict[str, object]:
    return {
        "v": 2,
        "alg": alg,
        "iv": base64.b64encode(b"\1" * 12).decode(),
        "data": base64.b64encode(b"ciphertext").decode(),
        "authTag": base64.b64encode(b"\2" * 16).decode(),
    }


async def test_me_needs_a_token(auth_http: httpx.AsyncClient) -> None:
    assert (await auth_http.get(ME)).status_code == 401


async def test_change_email_needs_the_auth_key(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    new = f"New-{user.email}".upper()
    wrong = await auth_http.patch(
        ME, json={"auth_key": other_user.auth_key, "email": new}, headers=user.headers
    )
    assert wrong.status_code == 403
    taken = await auth_http.patch(
        ME, json={"auth_key": user.auth_key, "email": other_user.email}, headers=user.headers
    )
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "email_taken"
    changed = await auth_http.patch(
        ME, json={"auth_key": user.auth_key, "email": new}, headers=user.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["email"] == new.lower()
    assert (await login(auth_http, new, PASSWORD)).status_code == 200
    assert (await login(auth_http, user.email, PASSWORD)).status_code == 401


async def test_patch_rejects_unknown_fields(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    body = {"auth_key": user.auth_key, "email": user.email, "is_admin": True}
    assert (await auth_http.patch(ME, json=body, headers=user.headers)).status_code == 422


async def test_settings_default_then_replace(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    defaults = await auth_http.get(f"{ME}/settings", headers=user.headers)
    assert defaults.json() == {"language": "en", "timezone": "UTC", "preferences": None}
    wanted = {"language": "pt-BR", "timezone": "Europe/Lisbon", "preferences": _envelope()}
    put = await auth_http.put(f"{ME}/settings", json=wanted, headers=user.headers)
    assert put.status_code == 200, put.text
    assert (await auth_http.get(f"{ME}/settings", headers=user.headers)).json() == wanted
    # Settings are per account.
    theirs = await auth_http.get(f"{ME}/settings", headers=other_user.headers)
    assert theirs.json()["language"] == "en"


@pytest.mark.parametrize(
    "body",
    [
        {"language": "english!", "timezone": "UTC"},
        {"language": "en", "timezone": "Mars/Olympus_Mons"},
        {"language": "en", "timezone": "UTC", "theme": "dark"},
        {"language": "en", "timezone": "UTC", "preferences": _envelope("rot13")},
        {"language": "en", "timezone": "UTC", "preferences": {"plain": "text"}},
    ],
)
async def test_settings_are_validated_strictly(
    auth_http: httpx.AsyncClient, user: RegisteredUser, body: dict[str, object]
) -> None:
    response = await auth_http.put(f"{ME}/settings", json=body, headers=user.headers)
    assert response.status_code == 422
    assert (await auth_http.get(f"{ME}/settings", headers=user.headers)).json()["language"] == "en"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/Berlin!", "../etc/passwd", ""])
async def test_an_unknown_or_malformed_time_zone_is_a_422_naming_the_field(
    auth_http: httpx.AsyncClient, user: RegisteredUser, zone: str
) -> None:
    body = {"language": "en", "timezone": zone}
    response = await auth_http.put(f"{ME}/settings", json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    fields = [detail["field"] for detail in response.json()["error"]["details"]]
    assert fields == ["body.timezone"]


async def test_the_documented_time_zones_are_the_ones_the_server_accepts(
    auth_http: httpx.AsyncClient,
) -> None:
    document = (await auth_http.get("/openapi.json")).json()
    schema = document["components"]["schemas"]["AccountSettings"]["properties"]["timezone"]
    zones = set(schema["enum"])
    assert {"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5"} <= zones
    assert "Mars/Olympus_Mons" not in zones


async def test_events_record_logins_and_failures_without_secrets(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    await login(auth_http, user.email, "wrong password")
    await login(auth_http, user.email, PASSWORD, device_name="tablet")
    response = await auth_http.get(f"{ME}/events", headers=user.headers)
    assert response.status_code == 200
    events = response.json()["events"]
    assert [e["type"] for e in events] == ["login", "login_failed", "registered"]
    for event in events:
        assert set(event) == {"id", "type", "created_at", "ip", "agent", "session_id"}
        # Coarse only: the network, not the host; the client family, not the agent string.
        assert event["ip"] == "127.0.0.0/24"
        assert event["agent"] == "python-httpx"
    assert response.json()["next"] is None
    for secret in (user.auth_key, user.refresh_token, user.access_token, PASSWORD):
        assert secret not in response.text
    assert "127.0.0.1" not in response.text
    assert httpx.__version__ not in response.text  # no raw user-agent string


async def test_events_page_with_a_cursor(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    for _ in range(4):
        await login(auth_http, user.email, PASSWORD)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await auth_http.get(f"{ME}/events", params=params, headers=user.headers)).json()
        seen += [e["id"] for e in page["events"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5  # registered + 4 logins, none twice
    # B sees only B's own events.
    theirs = (await auth_http.get(f"{ME}/events", headers=other_user.headers)).json()["events"]
    assert not set(seen) & {e["id"] for e in theirs}


async def test_a_bad_cursor_is_422(auth_http: httpx.AsyncClient, user: RegisteredUser) -> None:
    for bad in ("not-a-cursor", "1." + "0" * 31, "1." + "g" * 32, "1" * 15 + "." + "0" * 32):
        response = await auth_http.get(f"{ME}/events", params={"cursor": bad}, headers=user.headers)
        assert response.status_code == 422, bad
        assert response.json()["error"]["details"][0]["field"] == "query.cursor"
    too_many = await auth_http.get(f"{ME}/events", params={"limit": 1000}, headers=user.headers)
    assert too_many.status_code == 422
