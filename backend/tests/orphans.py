"""Database scans for data that outlived its account (the deletion and credential race tests)."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient

# Fields through which a document belongs to a user (`created_by` on a family record is mere
# attribution: a caregiver's record stays with the family when the caregiver leaves).
OWNER_FIELDS = ("user_id", "owner_id")
# Collections without user data: limiter windows and lockouts are keyed by address or email
# digest, never by user id.
NOT_USER_DATA = frozenset({"rate_limits", "login_lockouts"})


async def references(
    mongo: AsyncMongoClient[dict[str, Any]], database: str, user_id: str
) -> dict[str, int]:
    """Every document in any collection that names `user_id`, counted per collection."""
    db = mongo[database]
    query = {"$or": [{"_id": user_id}, *({name: user_id} for name in OWNER_FIELDS)]}
    found: dict[str, int] = {}
    for name in await db.list_collection_names():
        count = await db[name].count_documents(query)
        if count:
            found[name] = count
    return found


async def orphans(mongo: AsyncMongoClient[dict[str, Any]], database: str) -> dict[str, int]:
    """Documents anywhere whose owning user id has no user document, counted per collection."""
    db = mongo[database]
    users = {str(doc["_id"]) async for doc in db["users"].find({}, {"_id": 1})}
    found: dict[str, int] = {}
    for name in await db.list_collection_names():
        if name == "users" or name in NOT_USER_DATA:
            continue
        async for doc in db[name].find({}, dict.fromkeys(OWNER_FIELDS, 1)):
            owners = {str(doc[field]) for field in OWNER_FIELDS if doc.get(field)}
            if owners - users:
                found[name] = found.get(name, 0) + 1
    return found
