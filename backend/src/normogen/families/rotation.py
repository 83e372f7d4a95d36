"""Family key rotation: members removed, the family key and every family profile key replaced.

The owner's client sends the complete new state (docs/crypto.md, "Rotation"); the server checks
it covers exactly the remaining confirmed members and the live family profiles, then swaps
everything in one transaction, so no reader ever sees a mix of two epochs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.config import Settings
from normogen.db.client import Database, Document
from normogen.db.transactions import run_transaction
from normogen.errors import STALE_KEY_EPOCH, Conflict, NotFound
from normogen.events.public import EventType, Origin, record
from normogen.families import errors as codes
from normogen.families import repository
from normogen.families.access import FamilyAccess
from normogen.families.schemas import FamilyRotate
from normogen.families.service import MAX_FAMILY_PROFILES, now_ms, summary_view
from normogen.profiles import public as profiles


def _mismatch(what: str, expected: set[str], got: set[str]) -> Conflict:
    missing = sorted(expected - got)
    extra = sorted(got - expected)
    parts = [
        f"missing {', '.join(missing)}" if missing else "",
        f"unexpected {', '.join(extra)}" if extra else "",
    ]
    detail = "; ".join(part for part in parts if part)
    return Conflict(
        f"The rotation's {what} do not match the family ({detail}); re-read it",
        code=codes.ROTATION_MISMATCH,
    )


async def rotate(
    db: Database, settings: Settings, *, found: FamilyAccess, body: FamilyRotate, origin: Origin
) -> dict[str, Any]:
    """Apply a rotation atomically; 409 when it is stale or does not cover the family."""
    owner_id = found.principal.user_id
    family_id = found.id
    if owner_id in body.remove:
        raise Conflict(
            "The owner cannot be removed; delete the family instead", code=codes.OWNER_CANNOT_LEAVE
        )
    if any(grant.signer_id != owner_id for grant in body.grants.values()):
        raise Conflict(
            "Family key grants are signed by the owner", code=codes.GRANT_SIGNER_MISMATCH
        )

    async def callback(session: AsyncClientSession) -> tuple[Document, Document, list[str]]:
        now = now_ms()
        family = await repository.advance_epoch(
            db,
            family_id,
            owner_id=owner_id,
            key_epoch=body.key_epoch,
            encrypted=body.encrypted.to_doc(),
            now=now,
            session=session,
        )
        if family is None:
            current = await db[repository.FAMILIES].find_one({"_id": family_id}, session=session)
            if current is None:
                raise NotFound("Family not found")
            raise Conflict(
                f"The family key is at epoch {current.get('key_epoch', 1)}; rotate to the next one",
                code=STALE_KEY_EPOCH,
            )
        members = await repository.members_of(db, family_id, session=session)
        visible = {doc["user_id"] for doc in members}
        confirmed = {doc["user_id"] for doc in members if doc["status"] == repository.CONFIRMED}
        removing = set(body.remove)
        if not removing <= visible:
            raise _mismatch("removed members", visible & removing, removing)
        remaining = confirmed - removing
        if set(body.grants) != remaining:
            raise _mismatch("grants", remaining, set(body.grants))
        live = await profiles.list_profiles(
            db, {"family_id": family_id}, MAX_FAMILY_PROFILES, session=session
        )
        epochs = {doc["_id"]: int(doc.get("key_epoch", 1)) for doc in live}
        sent = {item.id: item for item in body.profiles}
        if set(sent) != set(epochs):
            raise _mismatch("profiles", set(epochs), set(sent))
        for profile_id, item in sent.items():
            if item.key_epoch != epochs[profile_id] + 1:
                raise Conflict(
                    f"Profile {profile_id} moves to key epoch {epochs[profile_id] + 1}",
                    code=STALE_KEY_EPOCH,
                )
            await profiles.rekey_profile(
                db,
                profile_id,
                key_epoch=item.key_epoch,
                wrapped_key=item.wrapped_key.to_doc(),
                key_history=item.key_history.to_doc(),
                encrypted=item.encrypted.to_doc(),
                now=now,
                session=session,
            )
        keep_until = now + timedelta(days=settings.RECORD_TOMBSTONE_DAYS)
        for user_id in sorted(removing):
            await repository.remove_member(
                db, family_id, user_id=user_id, now=now, expires_at=keep_until, session=session
            )
        for user_id, grant in body.grants.items():
            await repository.set_grant(
                db,
                family_id,
                user_id=user_id,
                grant=grant.to_doc(),
                key_epoch=body.key_epoch,
                now=now,
                session=session,
            )
        membership = await repository.find_membership(db, family_id, owner_id, session=session)
        if membership is None:
            raise NotFound("Family not found")
        return family, membership, sorted(removing)

    family, membership, removed = await run_transaction(db.client, callback)
    session_id = found.principal.session_id
    await record(db, owner_id, EventType.FAMILY_KEY_ROTATED, origin=origin, session_id=session_id)
    for user_id in removed:
        await record(
            db, owner_id, EventType.FAMILY_MEMBER_REMOVED, origin=origin, session_id=session_id
        )
        await record(db, user_id, EventType.FAMILY_MEMBER_REMOVED, origin=origin.elsewhere())
    return summary_view(family, membership)
