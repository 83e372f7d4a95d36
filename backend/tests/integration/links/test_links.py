"""Share links: creation rules, public opening, counts, expiry, revocation, the uniform 404."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from tests.accounts import RegisteredUser, auth_settings, register_user
from tests.links_support import (
    LINKS,
    PUBLIC,
    create_link,
    expires_in,
    link_body,
    open_link,
    verifier,
)
from tests.records_support import envelope, read_opaque
from tests.support import DAY, ThreadedServer, in_one_window, running_server

Mongo = AsyncMongoClient[dict[str, Any]]


async def test_create_open_and_read_the_access_log(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    label = envelope()
    body = link_body(label=label, max_access_count=5)
    response = await auth_http.post(LINKS, json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    link = response.json()
    assert response.headers["location"] == f"{LINKS}/{link['id']}"
    assert link["status"] == "active"
    assert link["access_count"] == 0
    assert link["max_access_count"] == 5
    assert link["has_password"] is False
    assert link["label"] == label
    assert "payload" not in link
    assert len(link["id"]) == 32  # 192 random bits, URL-safe

    opened = await open_link(
        auth_http,
        link["id"],
        headers={
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
        },
    )
    assert opened.status_code == 200, opened.text
    assert opened.json()["id"] == link["id"]
    assert opened.json()["payload"] == body["payload"]
    assert read_opaque(opened.json()["payload"]) == {"records": ["lab result"]}
    assert opened.headers["cache-control"] == "no-store"

    detail = (await auth_http.get(f"{LINKS}/{link['id']}", headers=user.headers)).json()
    assert detail["access_count"] == 1
    [access] = detail["accesses"]
    assert access["ip"] == "127.0.0.0/24"  # the network, not the host
    assert access["agent"] == "Firefox on Linux"  # the family, not the full string
    assert detail["last_accessed_at"] == access["at"]
    listed = (await auth_http.get(LINKS, headers=user.headers)).json()["links"]
    assert [item["id"] for item in listed] == [link["id"]]
    assert "accesses" not in listed[0]

    events = await auth_http.get("/api/v1/users/me/events", headers=user.headers)
    accessed = events.json()["events"][0]
    assert accessed["type"] == "link_accessed"
    assert accessed["ip"] == "127.0.0.0/24"
    assert accessed["session_id"] is None


async def test_link_ids_are_unique_and_unguessable(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    ids = [(await create_link(auth_http, user))["id"] for _ in range(5)]
    assert len(set(ids)) == 5
    for link_id in ids:
        assert len(link_id) == 32
        assert set(link_id) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"expires_at": None},
        {"expires_at": "2020-01-01T00:00:00Z"},
        {"expires_at": "2026-01-01T00:00:00"},  # no offset
        {"max_access_count": 0},
        {"max_access_count": "3"},
        {"password_verifier": "short"},
        {"payload": {"v": 2, "alg": "aes-128-gcm", "iv": "", "data": "", "authTag": ""}},
        {"id": "short"},
        {"id": None},
        {"owner_id": "someone"},
    ],
)
async def test_invalid_links_are_422(
    auth_http: httpx.AsyncClient, user: RegisteredUser, fields: dict[str, Any]
) -> None:
    body = {k: v for k, v in link_body(**fields).items() if v is not None}
    response = await auth_http.post(LINKS, json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_error"
    assert (await auth_http.get(LINKS, headers=user.headers)).json() == {"links": []}


async def test_expiry_is_bounded_by_link_max_days(
    auth_http: httpx.AsyncClient, auth_server: ThreadedServer, user: RegisteredUser
) -> None:
    days = auth_server.settings.LINK_MAX_DAYS
    assert days == 30  # the default
    too_far = await auth_http.post(
        LINKS, json=link_body(expires_at=expires_in(days=days, minutes=5)), headers=user.headers
    )
    assert too_far.status_code == 422
    assert "expires_at" in too_far.json()["error"]["message"]
    ok = await auth_http.post(
        LINKS, json=link_body(expires_at=expires_in(days=days, minutes=-5)), headers=user.headers
    )
    assert ok.status_code == 201


@pytest.fixture
async def small_links(mongodb_uri: str) -> AsyncIterator[tuple[ThreadedServer, httpx.AsyncClient]]:
    settings = auth_settings(mongodb_uri, LINK_MAX_BYTES=2048, LINK_MAX_DAYS=2)
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            yield server, http


async def test_configured_size_and_days_are_enforced(
    small_links: tuple[ThreadedServer, httpx.AsyncClient],
) -> None:
    _, http = small_links
    user = await register_user(http)
    # Counted in base64 characters, as documented: 4 * (2048 // 3) = 2728 encode 2046 bytes.
    big = link_body(payload=envelope(size=2047), expires_at=expires_in(days=1))
    response = await http.post(LINKS, json=big, headers=user.headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "link_too_large"
    fits = await http.post(
        LINKS,
        json=link_body(payload=envelope(size=2046), expires_at=expires_in(days=1)),
        headers=user.headers,
    )
    assert fits.status_code == 201
    far = await http.post(
        LINKS, json=link_body(expires_at=expires_in(days=3)), headers=user.headers
    )
    assert far.status_code == 422


async def test_max_count_then_uniform_404(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    link = await create_link(auth_http, user, max_access_count=2)
    for _ in range(2):
        assert (await open_link(auth_http, link["id"])).status_code == 200
    exhausted = await open_link(auth_http, link["id"])
    assert exhausted.status_code == 404
    detail = (await auth_http.get(f"{LINKS}/{link['id']}", headers=user.headers)).json()
    assert detail["status"] == "exhausted"
    assert detail["access_count"] == 2
    assert len(detail["accesses"]) == 2


async def test_missing_expired_revoked_exhausted_and_wrong_password_look_the_same(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    mongo: Mongo,
) -> None:
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    expired = await create_link(auth_http, user)
    past = datetime.now(UTC) - timedelta(seconds=1)
    await db["share_links"].update_one({"_id": expired["id"]}, {"$set": {"expires_at": past}})
    revoked = await create_link(auth_http, user)
    assert (
        await auth_http.delete(f"{LINKS}/{revoked['id']}", headers=user.headers)
    ).status_code == 204
    exhausted = await create_link(auth_http, user, max_access_count=1)
    assert (await open_link(auth_http, exhausted["id"])).status_code == 200
    secret = verifier()
    protected = await create_link(auth_http, user, password_verifier=secret)

    answers = [
        await open_link(auth_http, "A" * 32),
        await open_link(auth_http, "not-even-the-right-shape"),
        await open_link(auth_http, expired["id"]),
        await open_link(auth_http, revoked["id"]),
        await open_link(auth_http, exhausted["id"]),
        await open_link(auth_http, protected["id"]),  # no password
        await open_link(auth_http, protected["id"], verifier()),  # wrong password
        await open_link(auth_http, "B" * 32, verifier()),
    ]
    for answer in answers:
        assert answer.status_code == 404
        error = answer.json()["error"]
        assert (error["code"], error["message"]) == ("not_found", "Link not found")
        assert set(answer.headers) - {"x-request-id", "ratelimit-remaining"} == set(
            answers[0].headers
        ) - {"x-request-id", "ratelimit-remaining"}
    assert (await open_link(auth_http, protected["id"], secret)).status_code == 200
    statuses = {
        item["id"]: item["status"]
        for item in (await auth_http.get(LINKS, headers=user.headers)).json()["links"]
    }
    assert statuses[expired["id"]] == "expired"
    assert statuses[revoked["id"]] == "revoked"
    assert statuses[exhausted["id"]] == "exhausted"
    assert statuses[protected["id"]] == "active"


async def test_revocation_is_immediate_and_drops_the_ciphertext(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    mongo: Mongo,
) -> None:
    link = await create_link(auth_http, user, password_verifier=verifier())
    url = f"{LINKS}/{link['id']}"
    assert (await auth_http.delete(url, headers=user.headers)).status_code == 204
    assert (await auth_http.delete(url, headers=user.headers)).status_code == 204  # idempotent
    stored = await mongo[auth_server.settings.MONGODB_DATABASE]["share_links"].find_one(
        {"_id": link["id"]}
    )
    assert stored is not None
    assert "payload" not in stored
    assert "password_hash" not in stored
    detail = (await auth_http.get(url, headers=user.headers)).json()
    assert detail["status"] == "revoked"
    assert detail["revoked_at"] is not None
    types = [
        e["type"]
        for e in (await auth_http.get("/api/v1/users/me/events", headers=user.headers)).json()[
            "events"
        ]
    ]
    assert types[:2] == ["link_revoked", "link_created"]  # one revocation event


async def test_links_expire_by_ttl(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    mongo: Mongo,
) -> None:
    at = expires_in(days=3)
    link = await create_link(auth_http, user, expires_at=at)
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    indexes = await db["share_links"].index_information()
    assert indexes["expires_at_ttl"]["key"] == [("expires_at", 1)]
    assert indexes["expires_at_ttl"]["expireAfterSeconds"] == 0
    stored = await db["share_links"].find_one({"_id": link["id"]})
    assert stored is not None
    expected = datetime.fromisoformat(at.replace("Z", "+00:00"))
    assert abs(stored["expires_at"] - expected) < timedelta(milliseconds=1)


async def test_public_opening_is_strictly_limited_per_ip(mongodb_uri: str) -> None:
    settings = auth_settings(
        mongodb_uri, LINK_RATE_LIMIT_REQUESTS=3, LINK_RATE_LIMIT_DURATION_SECONDS=DAY
    )
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            user = await register_user(http)

            async def counted() -> None:
                link = await create_link(http, user)
                for _ in range(3):
                    assert (await open_link(http, link["id"])).status_code == 200
                limited = await open_link(http, link["id"])
                assert limited.status_code == 429
                assert limited.json()["error"]["code"] == "rate_limited"
                assert int(limited.headers["retry-after"]) >= 1
                detail = (await http.get(f"{LINKS}/{link['id']}", headers=user.headers)).json()
                assert detail["access_count"] == 3

            await in_one_window(DAY, counted)


async def test_body_must_be_json_object_or_absent(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    link = await create_link(auth_http, user)
    bad = await auth_http.post(f"{PUBLIC}/{link['id']}", json={"password": "plain text"})
    assert bad.status_code == 422
    empty = await auth_http.post(f"{PUBLIC}/{link['id']}", json={})
    assert empty.status_code == 200


async def _event_types(http: httpx.AsyncClient, user: RegisteredUser) -> list[str]:
    response = await http.get("/api/v1/users/me/events", headers=user.headers)
    assert response.status_code == 200, response.text
    return [event["type"] for event in response.json()["events"]]


async def test_emergency_links_live_up_to_their_own_limit(
    auth_http: httpx.AsyncClient, auth_server: ThreadedServer, user: RegisteredUser
) -> None:
    days = auth_server.settings.EMERGENCY_LINK_MAX_DAYS
    assert days == 365  # the default, and the maximum the setting accepts
    assert days > auth_server.settings.LINK_MAX_DAYS
    info = (await auth_http.get("/api/v1/server")).json()
    assert info["emergency_link_max_days"] == 365
    assert info["link_max_days"] == auth_server.settings.LINK_MAX_DAYS
    too_far = await auth_http.post(
        LINKS,
        json=link_body(kind="emergency", expires_at=expires_in(days=days, minutes=5)),
        headers=user.headers,
    )
    assert too_far.status_code == 422
    [detail] = too_far.json()["error"]["details"]
    assert detail["field"] == "body.expires_at"
    assert "365 days" in detail["message"]
    # A share link stays bounded by LINK_MAX_DAYS.
    share = await auth_http.post(
        LINKS, json=link_body(kind="share", expires_at=expires_in(days=200)), headers=user.headers
    )
    assert share.status_code == 422
    card = await create_link(
        auth_http, user, kind="emergency", expires_at=expires_in(days=days, minutes=-5)
    )
    assert card["kind"] == "emergency"
    assert card["max_access_count"] is None
    listed = (await auth_http.get(LINKS, headers=user.headers)).json()["links"]
    assert [(link["id"], link["kind"]) for link in listed] == [(card["id"], "emergency")]
    plain = await create_link(auth_http, user)
    assert plain["kind"] == "share"


@pytest.mark.parametrize(
    "fields",
    [
        {"password_verifier": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
        {"max_access_count": 3},
        {"kind": "break-glass"},
    ],
)
async def test_emergency_links_refuse_passwords_and_limits(
    auth_http: httpx.AsyncClient, user: RegisteredUser, fields: dict[str, Any]
) -> None:
    body = link_body(**{"kind": "emergency", **fields})
    response = await auth_http.post(LINKS, json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error" or "emergency" in error["message"]
    assert (await auth_http.get(LINKS, headers=user.headers)).json() == {"links": []}


async def test_every_emergency_opening_is_an_event_for_its_owner_only(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    card = await create_link(auth_http, user, kind="emergency", expires_at=expires_in(days=300))
    share = await create_link(auth_http, user)
    before = await _event_types(auth_http, user)
    for _ in range(3):
        opened = await open_link(auth_http, card["id"])
        assert opened.status_code == 200, opened.text
        # Written before the answer: the owner sees it as soon as the opener has the card.
        after = await _event_types(auth_http, user)
        assert after.count("emergency_link_accessed") == before.count("emergency_link_accessed") + 1
        before = after
    assert (await open_link(auth_http, share["id"])).status_code == 200
    types = await _event_types(auth_http, user)
    assert types.count("emergency_link_accessed") == 3
    assert types.count("link_accessed") == 1
    assert "emergency_link_accessed" not in await _event_types(auth_http, other_user)
    # Another user can neither read nor revoke the card.
    url = f"{LINKS}/{card['id']}"
    assert (await auth_http.get(url, headers=other_user.headers)).status_code == 404
    assert (await auth_http.delete(url, headers=other_user.headers)).status_code == 404
    detail = (await auth_http.get(url, headers=user.headers)).json()
    assert detail["kind"] == "emergency"
    assert detail["access_count"] == 3
    assert len(detail["accesses"]) == 3
    assert (await auth_http.delete(url, headers=user.headers)).status_code == 204
    assert (await open_link(auth_http, card["id"])).status_code == 404
