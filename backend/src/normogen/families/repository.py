"""MongoDB access for families, their memberships and their pending invitations.

A membership's `_id` is `<family_id>:<user_id>`, so a user is in a family at most once and every
membership lookup is one `_id` equality. Statuses: `accepted` (the invitee said yes; the owner
has not uploaded their wrapped family key yet), `confirmed` (full member: the only status that
grants access to family profiles), `removed` (kept until `expires_at` so the former member's
sync learns that access is gone). The owner is a confirmed member with role `owner`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.db import indexes
from normogen.db.client import Database, Document
from normogen.users.owned import OwnedData

FAMILIES = "families"
MEMBERS = "family_members"
INVITATIONS = "family_invitations"

ACCEPTED = "accepted"
CONFIRMED = "confirmed"
REMOVED = "removed"
VISIBLE = (ACCEPTED, CONFIRMED)  # statuses that see the family (only confirmed reach profiles)

# The indexes this module queries by (listed in normogen/participants.py).
INDEXES = (
    indexes.of(
        FAMILIES,
        # The caller's own families (limit, export, account deletion).
        IndexModel([("owner_id", ASCENDING), ("_id", ASCENDING)], name="owner"),
    ),
    indexes.of(
        MEMBERS,
        # Read on every profile and record request: the caller's confirmed memberships.
        IndexModel([("user_id", ASCENDING), ("status", ASCENDING)], name="user_status"),
        IndexModel([("family_id", ASCENDING), ("status", ASCENDING)], name="family_status"),
        IndexModel([("owner_id", ASCENDING)], name="owner"),
        indexes.ttl("expires_at", name="expires_at_ttl"),  # set on removed memberships only
    ),
    indexes.of(
        INVITATIONS,
        # One pending invitation per family and email: inviting again replaces it.
        IndexModel(
            [("family_id", ASCENDING), ("email", ASCENDING)], name="family_email", unique=True
        ),
        IndexModel([("email", ASCENDING)], name="email"),
        IndexModel([("owner_id", ASCENDING)], name="owner"),
        indexes.ttl("expires_at", name="expires_at_ttl"),
    ),
)


def membership_id(family_id: str, user_id: str) -> str:
    return f"{family_id}:{user_id}"


# --- families ------------------------------------------------------------------------------


async def insert_family(
    db: Database, family: Document, *, owner: Document, session: AsyncClientSession
) -> None:
    """The family and its owner's membership (inside the caller's transaction)."""
    await db[FAMILIES].insert_one(family, session=session)
    await db[MEMBERS].insert_one(owner, session=session)


async def count_owned(db: Database, owner_id: str) -> int:
    return await db[FAMILIES].count_documents({"owner_id": owner_id})


async def find_family(db: Database, family_id: str) -> Document | None:
    """A family by id; callers decide access through `find_membership` or `owner_id`."""
    return await db[FAMILIES].find_one({"_id": family_id})


async def find_families(db: Database, family_ids: list[str]) -> dict[str, Document]:
    cursor = db[FAMILIES].find({"_id": {"$in": family_ids}})
    return {doc["_id"]: doc async for doc in cursor}


async def mark_rotation_needed(db: Database, family_id: str) -> None:
    await db[FAMILIES].update_one({"_id": family_id}, {"$set": {"rotation_needed": True}})


async def delete_family(db: Database, family_id: str, owner_id: str) -> None:
    await db[FAMILIES].delete_one({"_id": family_id, "owner_id": owner_id})


# --- memberships ---------------------------------------------------------------------------


async def find_membership(
    db: Database, family_id: str, user_id: str, *, session: AsyncClientSession | None = None
) -> Document | None:
    return await db[MEMBERS].find_one({"_id": membership_id(family_id, user_id)}, session=session)


async def confirmed_memberships(db: Database, user_id: str) -> list[Document]:
    """The caller's confirmed memberships: what widens their profile scope (per request)."""
    cursor = db[MEMBERS].find(
        {"user_id": user_id, "status": CONFIRMED}, {"family_id": 1, "role": 1}
    )
    return await cursor.to_list()


async def memberships_of(db: Database, user_id: str, statuses: tuple[str, ...]) -> list[Document]:
    cursor = db[MEMBERS].find({"user_id": user_id, "status": {"$in": list(statuses)}})
    return await cursor.to_list()


async def removed_family_ids(db: Database, user_id: str) -> list[str]:
    cursor = db[MEMBERS].find({"user_id": user_id, "status": REMOVED}, {"family_id": 1})
    return [doc["family_id"] async for doc in cursor]


async def members_of(
    db: Database, family_id: str, *, session: AsyncClientSession | None = None
) -> list[Document]:
    """Accepted and confirmed members of one family, oldest first."""
    cursor = db[MEMBERS].find(
        {"family_id": family_id, "status": {"$in": list(VISIBLE)}}, session=session
    )
    docs = await cursor.to_list()
    docs.sort(key=lambda doc: (doc["created_at"], doc["_id"]))
    return docs


async def accept_membership(
    db: Database, doc: Document, session: AsyncClientSession
) -> Document | None:
    """Create or revive a membership as `accepted`; None if the user is a member already."""
    existing = await db[MEMBERS].find_one({"_id": doc["_id"]}, session=session)
    if existing is not None and existing["status"] != REMOVED:
        return None
    await db[MEMBERS].replace_one({"_id": doc["_id"]}, doc, upsert=True, session=session)
    return doc


async def update_member(
    db: Database, family_id: str, *, user_id: str, changes: Document
) -> Document | None:
    """Change a visible membership (confirm, role, re-wrapped key); None when there is none."""
    return await db[MEMBERS].find_one_and_update(
        {"_id": membership_id(family_id, user_id), "status": {"$in": list(VISIBLE)}},
        {"$set": changes},
        return_document=ReturnDocument.AFTER,
    )


def _removal(now: datetime, expires_at: datetime) -> Document:
    return {
        "$set": {"status": REMOVED, "removed_at": now, "updated_at": now, "expires_at": expires_at},
        "$unset": {"wrapped_key": ""},
    }


async def remove_member(
    db: Database,
    family_id: str,
    *,
    user_id: str,
    now: datetime,
    expires_at: datetime,
    session: AsyncClientSession | None = None,
) -> Document | None:
    """End a membership at once (its wrapped key is dropped); None when there was none."""
    return await db[MEMBERS].find_one_and_update(
        {"_id": membership_id(family_id, user_id), "status": {"$in": list(VISIBLE)}},
        _removal(now, expires_at),
        session=session,
    )


async def advance_epoch(
    db: Database,
    family_id: str,
    *,
    owner_id: str,
    key_epoch: int,
    encrypted: Document,
    now: datetime,
    session: AsyncClientSession,
) -> Document | None:
    """Move the family to `key_epoch` if it is at the one before (first write of a rotation)."""
    result = await db[FAMILIES].update_one(
        {"_id": family_id, "owner_id": owner_id, "key_epoch": key_epoch - 1},
        {
            "$set": {
                "key_epoch": key_epoch,
                "encrypted": encrypted,
                "rotation_needed": False,
                "updated_at": now,
            }
        },
        session=session,
    )
    if result.matched_count == 0:
        return None
    return await db[FAMILIES].find_one({"_id": family_id}, session=session)


async def set_grant(
    db: Database,
    family_id: str,
    *,
    user_id: str,
    grant: Document,
    key_epoch: int,
    now: datetime,
    session: AsyncClientSession,
) -> None:
    """A confirmed member's grant of the new family key."""
    await db[MEMBERS].update_one(
        {"_id": membership_id(family_id, user_id), "status": CONFIRMED},
        {"$set": {"wrapped_key": grant, "key_epoch": key_epoch, "updated_at": now}},
        session=session,
    )


async def remove_all_members(
    db: Database, family_id: str, *, owner_id: str, now: datetime, expires_at: datetime
) -> list[str]:
    """End every membership but the owner's; returns the former members' ids."""
    query = {
        "family_id": family_id,
        "status": {"$in": list(VISIBLE)},
        "user_id": {"$ne": owner_id},
    }
    ids = [doc["user_id"] async for doc in db[MEMBERS].find(query, {"user_id": 1})]
    await db[MEMBERS].update_many(query, _removal(now, expires_at))
    return ids


async def delete_membership(db: Database, family_id: str, user_id: str) -> None:
    await db[MEMBERS].delete_one({"_id": membership_id(family_id, user_id)})


# --- invitations ---------------------------------------------------------------------------


async def upsert_invitation(db: Database, doc: Document) -> Document:
    """Store an invitation; inviting the same email again replaces role and expiry."""
    key = {"family_id": doc["family_id"], "email": doc["email"]}
    fields = {name: value for name, value in doc.items() if name not in ("_id", *key)}
    stored = await db[INVITATIONS].find_one_and_update(
        key,
        {"$set": fields, "$setOnInsert": {"_id": doc["_id"]}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    if stored is None:  # cannot happen with upsert and AFTER
        raise RuntimeError("invitation upsert returned nothing")
    return stored


async def count_invitations(db: Database, family_id: str, now: datetime) -> int:
    return await db[INVITATIONS].count_documents(
        {"family_id": family_id, "expires_at": {"$gt": now}}
    )


async def invitations_of_family(db: Database, family_id: str, now: datetime) -> list[Document]:
    cursor = db[INVITATIONS].find({"family_id": family_id, "expires_at": {"$gt": now}})
    docs = await cursor.to_list()
    docs.sort(key=lambda doc: (doc["created_at"], doc["_id"]))
    return docs


async def invitations_for(db: Database, email: str, now: datetime) -> list[Document]:
    """Pending invitations addressed to an email (the caller's current one)."""
    cursor = db[INVITATIONS].find({"email": email, "expires_at": {"$gt": now}})
    docs = await cursor.to_list()
    docs.sort(key=lambda doc: (doc["created_at"], doc["_id"]))
    return docs


async def take_invitation(
    db: Database,
    invitation_id: str,
    *,
    email: str,
    now: datetime,
    session: AsyncClientSession | None = None,
) -> Document | None:
    """Remove and return a pending invitation addressed to `email` (accept or decline)."""
    return await db[INVITATIONS].find_one_and_delete(
        {"_id": invitation_id, "email": email, "expires_at": {"$gt": now}}, session=session
    )


async def cancel_invitation(db: Database, family_id: str, invitation_id: str) -> Document | None:
    """Remove and return one pending invitation of a family (the owner withdraws it)."""
    return await db[INVITATIONS].find_one_and_delete({"_id": invitation_id, "family_id": family_id})


async def delete_invitations(db: Database, family_id: str) -> None:
    await db[INVITATIONS].delete_many({"family_id": family_id})


# --- account deletion and export ------------------------------------------------------------


async def delete_owned(db: Database, owner_id: str) -> None:
    """Every family the user owns, with all their memberships and invitations."""
    await db[MEMBERS].delete_many({"owner_id": owner_id})
    await db[INVITATIONS].delete_many({"owner_id": owner_id})
    await db[FAMILIES].delete_many({"owner_id": owner_id})


async def delete_memberships_of(db: Database, user_id: str) -> None:
    """The user's memberships in other families (removal effective at once)."""
    await db[MEMBERS].delete_many({"user_id": user_id})


async def _export_families(db: Database, owner_id: str) -> AsyncIterator[dict[str, Any]]:
    async for doc in db[FAMILIES].find({"owner_id": owner_id}).sort([("_id", ASCENDING)]):
        yield {
            "id": doc["_id"],
            "encrypted": doc["encrypted"],
            "created_at": doc["created_at"],
            "updated_at": doc["updated_at"],
        }


async def _export_memberships(db: Database, user_id: str) -> AsyncIterator[dict[str, Any]]:
    cursor = db[MEMBERS].find({"user_id": user_id}).sort([("_id", ASCENDING)])
    async for doc in cursor:
        yield {
            "family_id": doc["family_id"],
            "role": doc["role"],
            "status": doc["status"],
            "wrapped_key": doc.get("wrapped_key"),
            "created_at": doc["created_at"],
            "updated_at": doc["updated_at"],
        }


# Memberships end early in a deletion (access stops before the data goes). Family profiles and
# their records carry the family owner's `owner_id`, so the profiles and records entries delete
# them along with the owner's own profiles: deleting an owner removes their families entirely.
OWNED_MEMBERSHIPS = OwnedData(
    "family_memberships", _export_memberships, delete_memberships_of, order=10
)
OWNED_FAMILIES = OwnedData("families", _export_families, delete_owned, order=20)
