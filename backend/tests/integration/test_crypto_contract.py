"""The server's side of crypto contract v2 (docs/crypto.md): v1 writes refused with a clear
error, client-chosen ids, key epochs, family and user-key rotation, coarse security events."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from normogen.events.coarse import coarse_agent, coarse_ip
from normogen_client.crypto import b64e, create_account, registration_payload
from tests.accounts import (
    TEST_KDF_ITERATIONS,
    RegisteredUser,
    auth_settings,
    login,
    new_email,
    register_user,
)
from tests.families_support import (
    FAMILIES,
    create_family,
    create_family_profile,
    join,
    rotate,
    sealed_key,
)
from tests.links_support import LINKS, link_body
from tests.records_support import (
    PROFILES,
    RECORDS,
    create_profile,
    create_record,
    envelope,
    profile_body,
    record_body,
)
from tests.support import ThreadedServer, running_server


def v1(env: dict[str, Any]) -> dict[str, Any]:
    """The same envelope as contract v1 wrote it: no version field."""
    return {k: v for k, v in env.items() if k != "v"}


def assert_retired(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "crypto_version_unsupported"
    assert "v2" in error["message"]
    assert "docs/crypto.md" in error["message"]


async def test_the_server_names_its_contract(auth_http: httpx.AsyncClient) -> None:
    body = (await auth_http.get("/api/v1/server")).json()
    assert body["crypto_contract"] == 2


async def test_v1_shaped_writes_are_refused_naming_the_contract(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    secrets = create_account("a v1 client", TEST_KDF_ITERATIONS)
    old_register = {
        "email": new_email(),
        **registration_payload(secrets),
        "wrapped_user_key": v1(secrets.wrapped_user_key.to_json()),
    }
    assert_retired(await auth_http.post("/api/v1/auth/register", json=old_register))
    profile = await create_profile(auth_http, user)
    family = await create_family(auth_http, user)
    h = user.headers
    attempts = [
        ("POST", PROFILES, {**profile_body(), "profile_type": "child"}),
        ("PATCH", f"{PROFILES}/{profile['id']}", {"profile_type": "elder"}),
        ("POST", PROFILES, {**profile_body(), "encrypted": v1(envelope())}),
        ("POST", RECORDS, record_body(profile["id"], source="Omron M3 blood pressure")),
        ("POST", RECORDS, record_body(profile["id"], payload=v1(envelope()))),
        ("POST", RECORDS, record_body(profile["id"], payload={**envelope(), "v": 1})),
        (
            "POST",
            FAMILIES,
            {
                "id": str(uuid.uuid4()),
                "encrypted": envelope(),
                "wrapped_key": {"epk": b64e(bytes(32)), "envelope": envelope(size=48)},
            },
        ),
        (
            "PUT",
            f"{FAMILIES}/{family['id']}/members/{user.user_id}",
            {"wrapped_key": {"epk": b64e(bytes(32)), "envelope": envelope(size=48)}},
        ),
        ("POST", LINKS, link_body(payload=v1(envelope()))),
    ]
    for method, url, body in attempts:
        response = await auth_http.request(method, url, json=body, headers=h)
        assert_retired(response)
    # Nothing was written.
    assert len((await auth_http.get(PROFILES, headers=h)).json()["profiles"]) == 1
    page = await auth_http.get(RECORDS, params={"profile_id": profile["id"]}, headers=h)
    assert page.json()["records"] == []
    assert len((await auth_http.get(FAMILIES, headers=h)).json()["families"]) == 1
    assert (await auth_http.get(LINKS, headers=h)).json()["links"] == []
    assert (await login(auth_http, old_register["email"], "a v1 client")).status_code == 401


async def test_registration_uses_the_client_user_id_and_identity_key(
    auth_http: httpx.AsyncClient,
) -> None:
    secrets = create_account("correct horse", TEST_KDF_ITERATIONS)
    email = new_email()
    body = {"email": email, **registration_payload(secrets)}
    created = await auth_http.post("/api/v1/auth/register", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["user_id"] == secrets.user_id
    keys = (await login(auth_http, email, "correct horse")).json()["keys"]
    assert keys["identity_key"] == b64e(secrets.identity_key)
    assert keys["wrapped_identity_key"] == secrets.wrapped_identity_key.to_json()
    # The same id again (another email) is a conflict, not a second account.
    again = {**body, "email": new_email()}
    taken = await auth_http.post("/api/v1/auth/register", json=again)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "user_id_taken"
    for broken in (
        {k: v for k, v in body.items() if k != "identity_key"},
        {**body, "email": new_email(), "user_id": "NOT-HEX"},
    ):
        refused = await auth_http.post("/api/v1/auth/register", json=broken)
        assert refused.status_code == 422, refused.text


async def test_client_chosen_ids_are_unique(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    clash = {**profile_body(), "id": profile["id"]}
    for who in (user, other_user):
        response = await auth_http.post(PROFILES, json=clash, headers=who.headers)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "profile_id_conflict"
    family = await create_family(auth_http, user)
    again = {"id": family["id"], "encrypted": envelope(), "wrapped_key": sealed_key(user.user_id)}
    response = await auth_http.post(FAMILIES, json=again, headers=user.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "family_id_conflict"
    body = link_body()
    assert (await auth_http.post(LINKS, json=body, headers=user.headers)).status_code == 201
    response = await auth_http.post(LINKS, json=body, headers=other_user.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "link_id_conflict"
    # A grant must be signed by the creator / the owner.
    forged = {**again, "id": str(uuid.uuid4()), "wrapped_key": sealed_key(other_user.user_id)}
    response = await auth_http.post(FAMILIES, json=forged, headers=user.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "grant_signer_mismatch"


async def test_a_rotation_swaps_everything_or_nothing(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    mongo: AsyncMongoClient[dict[str, Any]],
    user: RegisteredUser,
    other_user: RegisteredUser,
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "caregiver")
    third = await register_user(auth_http)
    await join(auth_http, user, third, family["id"], "viewer")
    profile = await create_family_profile(auth_http, user, family["id"])
    record = await create_record(auth_http, user, profile["id"])
    url = f"{FAMILIES}/{family['id']}/rotate"
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    before = await db["family_members"].find({"family_id": family["id"]}).to_list()

    good: dict[str, Any] = {
        "key_epoch": 2,
        "remove": [third.user_id],
        "encrypted": envelope(),
        "grants": {u: sealed_key(user.user_id) for u in (user.user_id, other_user.user_id)},
        "profiles": [
            {
                "id": profile["id"],
                "key_epoch": 2,
                "wrapped_key": envelope(size=48),
                "key_history": envelope(),
                "encrypted": envelope(),
            }
        ],
    }
    bad: list[tuple[dict[str, Any], str]] = [
        ({**good, "key_epoch": 3}, "stale_key_epoch"),
        ({**good, "grants": {user.user_id: sealed_key(user.user_id)}}, "rotation_mismatch"),
        (
            {**good, "grants": {**good["grants"], third.user_id: sealed_key(user.user_id)}},
            "rotation_mismatch",
        ),
        ({**good, "profiles": []}, "rotation_mismatch"),
        ({**good, "profiles": [{**good["profiles"][0], "key_epoch": 5}]}, "stale_key_epoch"),
        ({**good, "remove": [user.user_id]}, "owner_cannot_leave"),
        (
            {**good, "grants": {u: sealed_key(other_user.user_id) for u in good["grants"]}},
            "grant_signer_mismatch",
        ),
    ]
    for body, code in bad:
        response = await auth_http.post(url, json=body, headers=user.headers)
        assert response.status_code == 409, (code, response.text)
        assert response.json()["error"]["code"] == code
    assert await db["family_members"].find({"family_id": family["id"]}).to_list() == before
    # Only the owner rotates.
    denied = await auth_http.post(url, json=good, headers=other_user.headers)
    assert denied.status_code == 403

    done = await auth_http.post(url, json=good, headers=user.headers)
    assert done.status_code == 200, done.text
    assert done.json()["key_epoch"] == 2
    stored = await db["profiles"].find_one({"_id": profile["id"]})
    assert stored is not None
    assert stored["key_epoch"] == 2
    assert stored["key_history"] == good["profiles"][0]["key_history"]
    mine = (await auth_http.get(FAMILIES, headers=other_user.headers)).json()["families"]
    assert mine[0]["wrapped_key"] == good["grants"][other_user.user_id]
    removed = await auth_http.get(f"{FAMILIES}/{family['id']}", headers=third.headers)
    assert removed.status_code == 404  # the removed member is out, with no grant
    # Writes under the old profile key are refused from now on.
    stale = await auth_http.post(RECORDS, json=record_body(profile["id"]), headers=user.headers)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_key_epoch"
    put = await auth_http.put(
        f"{RECORDS}/{record['id']}",
        json={k: v for k, v in record_body(profile["id"]).items() if k not in ("id", "profile_id")},
        headers={**user.headers, "If-Match": '"1"'},
    )
    assert put.status_code == 409
    fresh = record_body(profile["id"], key_epoch=2)
    assert (await auth_http.post(RECORDS, json=fresh, headers=user.headers)).status_code == 201
    old_family = {**profile_body(), "family_id": family["id"], "family_epoch": 1}
    refused = await auth_http.post(PROFILES, json=old_family, headers=user.headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "stale_key_epoch"


async def test_a_member_who_leaves_marks_the_family_for_rotation(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "viewer")
    left = await auth_http.delete(
        f"{FAMILIES}/{family['id']}/members/{other_user.user_id}", headers=other_user.headers
    )
    assert left.status_code == 204
    seen = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()
    assert seen["rotation_needed"] is True
    rotated = await rotate(auth_http, user, family["id"], [])
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["rotation_needed"] is False


async def test_user_key_rotation_must_cover_every_wrap(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    mongo: AsyncMongoClient[dict[str, Any]],
    user: RegisteredUser,
    other_user: RegisteredUser,
) -> None:
    first = await create_profile(auth_http, user)
    second = await create_profile(auth_http, user)
    family = await create_family(auth_http, user)
    await create_family_profile(auth_http, user, family["id"])  # not re-wrapped: family key
    link = link_body(label=envelope())
    assert (await auth_http.post(LINKS, json=link, headers=user.headers)).status_code == 201
    await create_profile(auth_http, other_user)
    wraps: dict[str, Any] = {
        "auth_key": user.auth_key,
        "wrapped_user_key": envelope(size=48),
        "wrapped_private_key": envelope(size=48),
        "wrapped_identity_key": envelope(size=48),
        "profiles": [{"id": p["id"], "wrapped_key": envelope(size=48)} for p in (first, second)],
        "links": [{"id": link["id"], "label": envelope()}],
    }
    url = "/api/v1/auth/rotate-user-key"
    for body, status in (
        ({**wraps, "profiles": wraps["profiles"][:1]}, 409),
        ({**wraps, "links": []}, 409),
        ({**wraps, "auth_key": other_user.auth_key}, 403),
    ):
        response = await auth_http.post(url, json=body, headers=user.headers)
        assert response.status_code == status, response.text
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    stored = await db["users"].find_one({"_id": user.user_id})
    assert stored is not None
    assert stored["wrapped_user_key"] == user.secrets.wrapped_user_key.to_json()
    done = await auth_http.post(url, json=wraps, headers=user.headers)
    assert done.status_code == 204, done.text
    after = await db["users"].find_one({"_id": user.user_id})
    assert after is not None
    assert after["wrapped_identity_key"] == wraps["wrapped_identity_key"]
    assert after["recovery"] is None
    rewrapped = await db["profiles"].find_one({"_id": first["id"]})
    assert rewrapped is not None
    assert rewrapped["wrapped_key"] == wraps["profiles"][0]["wrapped_key"]
    assert rewrapped["revision"] == 2
    stored_link = await db["share_links"].find_one({"_id": link["id"]})
    assert stored_link is not None
    assert stored_link["label"] == wraps["links"][0]["label"]


async def test_security_events_store_only_coarse_origins_and_expire(
    mongodb_uri: str, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    for days in (90, 7):
        overrides = {} if days == 90 else {"SECURITY_EVENT_RETENTION_DAYS": days}
        settings = auth_settings(mongodb_uri, **overrides)
        assert days == settings.SECURITY_EVENT_RETENTION_DAYS
        with running_server(settings) as server:
            async with httpx.AsyncClient(
                base_url=server.url,
                headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"},
            ) as http:
                user = await register_user(http)
                await login(http, user.email, "wrong password")
            db = mongo[settings.MONGODB_DATABASE]
            events = await db["security_events"].find({"user_id": user.user_id}).to_list()
            indexes = await db["security_events"].index_information()
        assert {e["type"] for e in events} == {"registered", "login_failed"}
        for event in events:
            assert event["ip"] == "127.0.0.0/24"
            assert event["agent"] == "Firefox on Linux"
            assert "user_agent" not in event
            assert event["expires_at"] - event["created_at"] == timedelta(days=days)
        ttl = [i for i in indexes.values() if i.get("expireAfterSeconds") is not None]
        assert [i["key"] for i in ttl] == [[("expires_at", 1)]]


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:1234:5678:9abc::1", "2001:db8:1234::/48"),
        ("not an address", None),
        (None, None),
    ],
)
def test_addresses_are_coarsened(address: str | None, network: str | None) -> None:
    assert coarse_ip(address) == network


def test_agents_are_reduced_to_a_family() -> None:
    chrome = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    )
    assert coarse_agent(chrome) == "Chrome on Windows"
    assert coarse_agent("SomeMedicalDevice/1.2 (serial 1234)") == "other"
    assert coarse_agent(None) is None
