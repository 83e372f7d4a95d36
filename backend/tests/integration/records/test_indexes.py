"""Indexes: migrate creates them, and `explain` on the real server shows every list and sync
query (the exact filters the repositories build) walking an index, never the collection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from normogen.db.indexes import migrate
from normogen.profiles import repository as profiles
from normogen.records import repository as records
from tests.accounts import RegisteredUser
from tests.records_support import create_profile, create_record
from tests.support import ThreadedServer, unique_db_name

Doc = dict[str, Any]
LIST_INDEXES = {
    "plain": {"profile_occurred"},
    "kind": {"profile_kind_occurred", "profile_kind_tags_occurred"},
    "tag": {"profile_tags_occurred"},
    "kind_tag": {"profile_kind_tags_occurred"},
}


def plan_stages(plan: Any) -> Iterator[Doc]:
    """Every stage of a plan tree (classic and slot-based engine layouts alike)."""
    if isinstance(plan, dict):
        if "stage" in plan:
            yield plan
        for value in plan.values():
            yield from plan_stages(value)
    elif isinstance(plan, list):
        for item in plan:
            yield from plan_stages(item)


async def winning_stages(db: Any, command: Doc) -> list[Doc]:
    explained = await db.command("explain", command, verbosity="queryPlanner")
    return list(plan_stages(explained["queryPlanner"]["winningPlan"]))


def index_names(stages: list[Doc]) -> set[str]:
    assert not [s for s in stages if s["stage"] == "COLLSCAN"], stages
    names = {s["indexName"] for s in stages if "indexName" in s}
    point = [s for s in stages if s["stage"] in ("IDHACK", "EXPRESS_IXSCAN")]
    assert names or point, stages
    return names or {"_id_"}


async def test_migrate_creates_every_declared_index(mongodb_uri: str) -> None:
    client: AsyncMongoClient[Doc] = AsyncMongoClient(mongodb_uri)
    db = client[unique_db_name("idx")]
    try:
        await migrate(db)
        await migrate(db)  # idempotent
        record_indexes = {ix["name"]: ix async for ix in await db[records.RECORDS].list_indexes()}
        assert {
            "profile_occurred",
            "profile_kind_occurred",
            "profile_tags_occurred",
            "profile_kind_tags_occurred",
            "profile_seq",
            "owner",
            "expires_at_ttl",
        } <= set(record_indexes)
        assert record_indexes["profile_seq"]["unique"] is True
        assert record_indexes["expires_at_ttl"]["expireAfterSeconds"] == 0
        profile_indexes = {
            ix["name"]: ix async for ix in await db[profiles.PROFILES].list_indexes()
        }
        assert {"owner", "expires_at_ttl"} <= set(profile_indexes)
        assert profile_indexes["expires_at_ttl"]["expireAfterSeconds"] == 0
    finally:
        await client.drop_database(db.name)
        await client.close()


@pytest.fixture
async def populated(auth_http: httpx.AsyncClient, user: RegisteredUser) -> tuple[str, list[Doc]]:
    profile = await create_profile(auth_http, user)
    created = []
    for i in range(12):
        created.append(
            await create_record(
                auth_http,
                user,
                profile["id"],
                kind=["lab_result", "note"][i % 2],
                occurred_at=f"2026-01-{1 + i:02d}T10:00:00Z",
                tags=[f"t{i % 3}"],
            )
        )
    await auth_http.delete(f"/api/v1/records/{created[0]['id']}", headers=user.headers)
    return profile["id"], created


@pytest.mark.parametrize(
    ("case", "kinds", "tags", "window", "cursor"),
    [
        ("plain", None, None, False, False),
        ("plain", None, None, True, False),  # from/to
        ("plain", None, None, False, True),  # a later page
        ("kind", ["note"], None, False, False),
        ("kind", ["note", "lab_result"], None, True, True),
        ("tag", None, ["t1"], False, False),
        ("tag", None, ["t1", "t2"], True, True),
        ("kind_tag", ["note"], ["t1", "t2"], False, True),
    ],
)
async def test_list_queries_use_an_index(
    auth_server: ThreadedServer,
    mongo: AsyncMongoClient[Doc],
    populated: tuple[str, list[Doc]],
    case: str,
    kinds: list[str] | None,
    tags: list[str] | None,
    window: bool,
    cursor: bool,
) -> None:
    profile_id, created = populated
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    low, high = records.KEY_MIN, records.KEY_MAX
    if window:
        low = records.time_key(datetime(2026, 1, 3, tzinfo=UTC))
        high = records.time_key(datetime(2026, 1, 9, tzinfo=UTC))
    if cursor:
        high = min(high, records.sort_key(datetime(2026, 1, 8, tzinfo=UTC), created[7]["id"]))
    queries = records.list_queries(profile_id, kinds=kinds, tags=tags, low=low, high=high)
    assert len(queries) == max(1, len(kinds or ())) * max(1, len(tags or ()))
    for query in queries:
        command = {
            "find": records.RECORDS,
            "filter": query,
            "sort": dict(records.NEWEST_FIRST),
            "limit": 51,
        }
        used = index_names(await winning_stages(db, command))
        assert used <= LIST_INDEXES[case], (query, used)


async def test_sync_and_lookup_queries_use_an_index(
    auth_server: ThreadedServer,
    mongo: AsyncMongoClient[Doc],
    user: RegisteredUser,
    populated: tuple[str, list[Doc]],
) -> None:
    profile_id, created = populated
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    changes = {
        "find": records.RECORDS,
        "filter": records.changes_query(profile_id, 5),
        "sort": dict(records.SEQ_ORDER),
        "limit": 101,
    }
    assert index_names(await winning_stages(db, changes)) == {"profile_seq"}
    # A record or profile by id alone (access.find_with_role decides on the document).
    by_id = {"find": records.RECORDS, "filter": {"_id": created[3]["id"]}, "limit": 1}
    assert index_names(await winning_stages(db, by_id)) == {"_id_"}
    profile = {"find": profiles.PROFILES, "filter": {"_id": profile_id}, "limit": 1}
    assert index_names(await winning_stages(db, profile)) == {"_id_"}
    # ... and scoped to its owner (conditional writes, replayed creates).
    scope = {"owner_id": user.user_id}
    scoped = {"find": records.RECORDS, "filter": {"_id": created[3]["id"], **scope}, "limit": 1}
    assert index_names(await winning_stages(db, scoped)) <= {"owner", "_id_"}
    mine = {"find": profiles.PROFILES, "filter": profiles.list_query(scope)}
    assert index_names(await winning_stages(db, mine)) == {"owner"}
