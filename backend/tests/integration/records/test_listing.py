"""Listing records: filters (kind, from/to, tag), order, and stable opaque-cursor pagination."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from normogen.records.service import PAGE_BYTES_BUDGET
from tests.accounts import RegisteredUser
from tests.records_support import RECORDS, create_profile, create_record, envelope

BASE = datetime(2026, 1, 1, tzinfo=UTC)
KINDS = ["health_data", "lab_result", "medication", "appointment"]


def iso(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def list_all(
    http: httpx.AsyncClient, user: RegisteredUser, params: dict[str, Any], limit: int
) -> list[dict[str, Any]]:
    """Follow `next_cursor` to the end; fails on a repeated record."""
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await http.get(RECORDS, params=query, headers=user.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["records"]) <= limit
        seen.extend(page["records"])
        cursor = page["next_cursor"]
        if cursor is None:
            ids = [r["id"] for r in seen]
            assert len(ids) == len(set(ids)), "a record appeared twice"
            return seen


@pytest.fixture
async def populated(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> tuple[str, list[dict[str, Any]]]:
    """A profile with 30 records: shared timestamps (ties), four kinds, overlapping tags."""
    profile = await create_profile(auth_http, user)
    rng = random.Random(4)
    records = []
    for i in range(30):
        at = BASE + timedelta(hours=rng.randrange(12))  # many records share a timestamp
        tags = [f"tag{i % 3}"] + (["even"] if i % 2 == 0 else [])
        records.append(
            await create_record(
                auth_http,
                user,
                profile["id"],
                kind=KINDS[i % 4],
                occurred_at=iso(at),
                tags=tags,
            )
        )
    return profile["id"], records


def expected_order(records: list[dict[str, Any]]) -> list[str]:
    ordered = sorted(records, key=lambda r: (r["occurred_at"], r["id"]), reverse=True)
    return [r["id"] for r in ordered]


async def test_pages_cover_everything_in_order(
    auth_http: httpx.AsyncClient,
    user: RegisteredUser,
    populated: tuple[str, list[dict[str, Any]]],
) -> None:
    profile_id, records = populated
    for limit in (1, 7, 30, 200):
        seen = await list_all(auth_http, user, {"profile_id": profile_id}, limit)
        assert [r["id"] for r in seen] == expected_order(records), limit


async def test_filters(
    auth_http: httpx.AsyncClient,
    user: RegisteredUser,
    populated: tuple[str, list[dict[str, Any]]],
) -> None:
    profile_id, records = populated
    base = {"profile_id": profile_id}

    by_kind = await list_all(auth_http, user, {**base, "kind": "lab_result"}, 4)
    assert [r["id"] for r in by_kind] == expected_order(
        [r for r in records if r["kind"] == "lab_result"]
    )
    two_kinds = await list_all(auth_http, user, {**base, "kind": ["lab_result", "medication"]}, 5)
    assert {r["kind"] for r in two_kinds} == {"lab_result", "medication"}

    start, end = BASE + timedelta(hours=3), BASE + timedelta(hours=7)
    window = await list_all(auth_http, user, {**base, "from": iso(start), "to": iso(end)}, 3)
    assert [r["id"] for r in window] == expected_order(
        [r for r in records if iso(start) <= r["occurred_at"] < iso(end)]
    )
    assert window  # the fixture's timestamps do fall in the window

    any_tag = await list_all(auth_http, user, {**base, "tag": ["tag1", "even"]}, 4)
    assert [r["id"] for r in any_tag] == expected_order(
        [r for r in records if {"tag1", "even"} & set(r["tags"])]
    )
    one_tag = await list_all(auth_http, user, {**base, "tag": "tag2", "kind": "health_data"}, 2)
    assert [r["id"] for r in one_tag] == expected_order(
        [r for r in records if "tag2" in r["tags"] and r["kind"] == "health_data"]
    )


async def test_deleted_records_are_not_listed(
    auth_http: httpx.AsyncClient,
    user: RegisteredUser,
    populated: tuple[str, list[dict[str, Any]]],
) -> None:
    profile_id, records = populated
    victim = records[5]
    response = await auth_http.delete(f"{RECORDS}/{victim['id']}", headers=user.headers)
    assert response.status_code == 204
    seen = await list_all(auth_http, user, {"profile_id": profile_id}, 50)
    assert [r["id"] for r in seen] == expected_order([r for r in records if r is not victim])


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 422),  # profile_id is required
        ({"limit": 201}, 422),
        ({"limit": 0}, 422),
        ({"kind": "diary"}, 422),
        ({"from": "2026-01-01T00:00:00"}, 422),  # no offset
        ({"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, 400),
        ({"cursor": "!!!"}, 400),
        ({"cursor": "WzEsMl0"}, 400),  # valid base64, wrong content
        ({"tag": "has space"}, 422),
    ],
)
async def test_bad_queries(
    auth_http: httpx.AsyncClient,
    user: RegisteredUser,
    params: dict[str, Any],
    status: int,
) -> None:
    profile = await create_profile(auth_http, user)
    query = {"profile_id": profile["id"], **params} if params else {}
    response = await auth_http.get(RECORDS, params=query, headers=user.headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]["request_id"] == response.headers["x-request-id"]


async def test_a_many_tag_listing_pages_by_the_byte_budget_and_lists_each_record_once(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    """Large records carrying every tag of a 32-tag filter: each page stays within the page
    byte budget (plus one record), and the pages list every record once, newest first."""
    profile = await create_profile(auth_http, user)
    tags = [f"t{n}" for n in range(32)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    created = [
        await create_record(
            auth_http,
            user,
            profile["id"],
            tags=tags,
            payload=envelope(size=200_000),
            occurred_at=iso(start + timedelta(minutes=n)),
        )
        for n in range(48)
    ]
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"profile_id": profile["id"], "tag": tags, "limit": 200}
        if cursor:
            params["cursor"] = cursor
        response = await auth_http.get(RECORDS, params=params, headers=user.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["records"])
        sizes = [len(record["payload"]["data"]) for record in body["records"]]
        assert sum(sizes[:-1]) <= PAGE_BYTES_BUDGET
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(pages) > 1  # the budget cut the first page
    listed = [record["id"] for page in pages for record in page]
    assert listed == [record["id"] for record in reversed(created)]
