"""Family use cases: create, list, read, delete, and the owner's member management.

The server never holds a usable family key: each member's copy is a grant sealed to their X25519
public key and signed by the owner's identity key (docs/crypto.md), and the server only stores
it. Removing a confirmed member goes through a key rotation (`rotate`), which swaps the family
key, every member's grant and every family profile's key in one transaction. Access to a
family's profiles is decided per request from the confirmed memberships (`profiles.access`), so
a removal takes effect on the member's very next request.

Deleting a family ends every membership, drops its pending invitations and tombstones its
profiles (and their records) so the owner's devices learn of the deletion; former members'
sync then answers `access_revoked`.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from normogen.config import Settings
from normogen.db.client import Database, Document
from normogen.db.transactions import run_transaction
from normogen.errors import Conflict, Forbidden, NotFound
from normogen.events.public import EventType, Origin, record
from normogen.families import errors as codes
from normogen.families import repository
from normogen.families.access import FamilyAccess
from normogen.families.schemas import FamilyCreate, MemberUpdate
from normogen.profiles import public as profiles
from normogen.profiles.public import Access, AuthorizedProfile, Role
from normogen.users import repository as accounts
from normogen.users.principal import Principal

# Bounds no household reaches; they keep lists unpaginated and abuse cheap.
MAX_FAMILIES_PER_OWNER = 20
MAX_MEMBERS_PER_FAMILY = 50  # members plus pending invitations
MAX_FAMILY_PROFILES = 200
MEMBER_NOT_FOUND = "Member not found"
FAMILIES_PATH = "/api/v1/families"


def now_ms() -> datetime:
    """The current UTC time at MongoDB's millisecond precision."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def summary_view(family: Document, membership: Document) -> dict[str, Any]:
    """A family as `FamilySummary` describes it, from the caller's membership."""
    return {
        "id": family["_id"],
        "owner_id": family["owner_id"],
        "owner_identity_key": family["owner_identity_key"],
        "owner_public_key": family["owner_public_key"],
        "key_epoch": family.get("key_epoch", 1),
        "rotation_needed": bool(family.get("rotation_needed")),
        "encrypted": family["encrypted"],
        "role": membership["role"],
        "status": membership["status"],
        "wrapped_key": membership.get("wrapped_key"),
        "created_at": family["created_at"],
    }


def member_view(doc: Document, identity: Document | None, *, with_email: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "user_id": doc["user_id"],
        "role": doc["role"],
        "status": doc["status"],
        "public_key": identity.get("public_key") if identity else None,
        "identity_key": identity.get("identity_key") if identity else None,
        "joined_at": doc["created_at"],
    }
    if with_email:
        view["email"] = identity.get("email") if identity else None
    return view


def invitation_view(doc: Document) -> dict[str, Any]:
    """A pending invitation as the owner sees it (nothing about whether the email is known)."""
    return {
        "id": doc["_id"],
        "email": doc["email"],
        "role": doc["role"],
        "created_at": doc["created_at"],
        "expires_at": doc["expires_at"],
    }


async def create_family(
    db: Database, principal: Principal, *, origin: Origin, body: FamilyCreate
) -> dict[str, Any]:
    """A new family owned by the caller, with the family key sealed to the caller."""
    if await repository.count_owned(db, principal.user_id) >= MAX_FAMILIES_PER_OWNER:
        message = f"At most {MAX_FAMILIES_PER_OWNER} families per account"
        raise Conflict(message, code=codes.FAMILY_LIMIT)
    if body.wrapped_key.signer_id != principal.user_id:
        raise Conflict("The creator signs the family key grant", code=codes.GRANT_SIGNER_MISMATCH)
    owner_keys = (await accounts.identities(db, [principal.user_id])).get(principal.user_id)
    if owner_keys is None:
        raise NotFound("Account not found")
    now = now_ms()
    family_id = body.id
    family: Document = {
        "_id": family_id,
        "owner_id": principal.user_id,
        # Denormalised for members and invitees: they verify grants against these (pinned).
        "owner_identity_key": owner_keys["identity_key"],
        "owner_public_key": owner_keys["public_key"],
        "key_epoch": 1,
        "rotation_needed": False,
        "encrypted": body.encrypted.to_doc(),
        "created_at": now,
        "updated_at": now,
    }
    owner: Document = {
        "_id": repository.membership_id(family_id, principal.user_id),
        "family_id": family_id,
        "user_id": principal.user_id,
        "owner_id": principal.user_id,
        "role": Role.OWNER.value,
        "status": repository.CONFIRMED,
        "wrapped_key": body.wrapped_key.to_doc(),
        "created_at": now,
        "updated_at": now,
        "confirmed_at": now,
    }

    async def callback(session: AsyncClientSession) -> None:
        await repository.insert_family(db, family, owner=owner, session=session)

    try:
        await run_transaction(db.client, callback)
    except DuplicateKeyError:
        raise Conflict("A family already uses this id", code=codes.FAMILY_ID_CONFLICT) from None
    await record(
        db,
        principal.user_id,
        EventType.FAMILY_CREATED,
        origin=origin,
        session_id=principal.session_id,
    )
    return summary_view(family, owner)


async def list_families(db: Database, principal: Principal) -> list[dict[str, Any]]:
    """Families the caller owns, belongs to, or has accepted an invitation to; oldest first."""
    memberships = await repository.memberships_of(db, principal.user_id, repository.VISIBLE)
    families = await repository.find_families(db, [doc["family_id"] for doc in memberships])
    views = [
        summary_view(families[doc["family_id"]], doc)
        for doc in memberships
        if doc["family_id"] in families
    ]
    views.sort(key=lambda view: (view["created_at"], view["id"]))
    return views


async def read_family(db: Database, found: FamilyAccess) -> dict[str, Any]:
    """The family, its members with their public keys, and (owner only) pending invitations."""
    members = await repository.members_of(db, found.id)
    identities = await accounts.identities(db, [doc["user_id"] for doc in members])
    owner = found.role is Role.OWNER
    view = summary_view(found.family, found.membership)
    view["members"] = [
        member_view(doc, identities.get(doc["user_id"]), with_email=owner) for doc in members
    ]
    if owner:
        pending = await repository.invitations_of_family(db, found.id, now_ms())
        view["invitations"] = [invitation_view(doc) for doc in pending]
    return view


async def delete_family(
    db: Database, settings: Settings, *, found: FamilyAccess, origin: Origin
) -> None:
    """Delete an owned family; each step is idempotent, so a retry finishes a broken attempt."""
    owner_id = found.principal.user_id
    now = now_ms()
    keep_until = now + timedelta(days=settings.RECORD_TOMBSTONE_DAYS)
    removed = await repository.remove_all_members(
        db, found.id, owner_id=owner_id, now=now, expires_at=keep_until
    )
    await repository.delete_invitations(db, found.id)
    owner_access = Access(owner_id, {found.id: Role.OWNER})
    # The caller owns this family (checked by the dependency); its profiles carry its id.
    scope = {"family_id": found.id}
    for doc in await profiles.list_profiles(db, scope, MAX_FAMILY_PROFILES):
        profile = AuthorizedProfile(doc, Role.OWNER, owner_access)
        with contextlib.suppress(NotFound):  # deleted concurrently: already a tombstone
            await profiles.delete_profile(db, settings, profile=profile, if_match=None)
    await repository.delete_family(db, found.id, owner_id)
    await repository.delete_membership(db, found.id, owner_id)
    await record(
        db, owner_id, EventType.FAMILY_DELETED, origin=origin, session_id=found.principal.session_id
    )
    for user_id in removed:
        await record(db, user_id, EventType.FAMILY_MEMBER_REMOVED, origin=origin.elsewhere())


async def update_member(
    db: Database, found: FamilyAccess, *, user_id: str, body: MemberUpdate, origin: Origin
) -> dict[str, Any]:
    """Confirm a member with their sealed family key, re-wrap it, or change their role."""
    owner_id = found.principal.user_id
    if user_id == owner_id and body.role is not None:
        raise Conflict("The owner's role cannot change", code=codes.OWNER_ROLE_FIXED)
    target = await repository.find_membership(db, found.id, user_id)
    if target is None or target["status"] not in repository.VISIBLE:
        raise NotFound(MEMBER_NOT_FOUND)
    now = now_ms()
    changes: Document = {"updated_at": now}
    confirming = target["status"] == repository.ACCEPTED
    if body.wrapped_key is not None:
        if body.wrapped_key.signer_id != owner_id:
            raise Conflict(
                "Family key grants are signed by the owner", code=codes.GRANT_SIGNER_MISMATCH
            )
        changes["wrapped_key"] = body.wrapped_key.to_doc()
        changes["status"] = repository.CONFIRMED
        if confirming:
            changes["confirmed_at"] = now
    elif confirming:
        raise Conflict(
            "Confirm the member by uploading the family key sealed to their public key",
            code=codes.WRAPPED_KEY_REQUIRED,
        )
    role_changed = body.role is not None and body.role != target["role"]
    if body.role is not None:
        changes["role"] = body.role
    updated = await repository.update_member(db, found.id, user_id=user_id, changes=changes)
    if updated is None:
        raise NotFound(MEMBER_NOT_FOUND)  # removed or left meanwhile
    session = found.principal.session_id
    for event, happened in (
        (EventType.FAMILY_MEMBER_CONFIRMED, confirming),
        (EventType.FAMILY_MEMBER_ROLE_CHANGED, role_changed),
    ):
        if happened:
            await record(db, owner_id, event, origin=origin, session_id=session)
            if user_id != owner_id:
                await record(db, user_id, event, origin=origin.elsewhere())
    identities = await accounts.identities(db, [user_id])
    return member_view(updated, identities.get(user_id), with_email=True)


async def remove_member(
    db: Database, settings: Settings, *, found: FamilyAccess, user_id: str, origin: Origin
) -> None:
    """The owner removes a member, or a member leaves; access ends with this request."""
    caller = found.principal.user_id
    owner_id = found.family["owner_id"]
    if user_id == owner_id:
        message = "The owner cannot leave; delete the family instead"
        raise Conflict(message, code=codes.OWNER_CANNOT_LEAVE)
    if user_id != caller and found.role is not Role.OWNER:
        raise Forbidden("Only the family's owner may remove other members")
    target = await repository.find_membership(db, found.id, user_id)
    if target is None or target["status"] not in repository.VISIBLE:
        raise NotFound(MEMBER_NOT_FOUND)
    if user_id != caller and target["status"] == repository.CONFIRMED:
        raise Conflict(
            "Removing a confirmed member rotates the family key: "
            f"POST {FAMILIES_PATH}/{found.id}/rotate (docs/crypto.md, rotation)",
            code=codes.ROTATION_REQUIRED,
        )
    now = now_ms()
    keep_until = now + timedelta(days=settings.RECORD_TOMBSTONE_DAYS)
    removed = await repository.remove_member(
        db, found.id, user_id=user_id, now=now, expires_at=keep_until
    )
    if removed is None:
        raise NotFound(MEMBER_NOT_FOUND)
    if removed["status"] == repository.CONFIRMED:
        # They held the family key: the owner's client rotates it when it next opens the family.
        await repository.mark_rotation_needed(db, found.id)
    session = found.principal.session_id
    if user_id == caller:
        await record(db, caller, EventType.FAMILY_LEFT, origin=origin, session_id=session)
        await record(db, owner_id, EventType.FAMILY_LEFT, origin=origin.elsewhere())
    else:
        await record(db, caller, EventType.FAMILY_MEMBER_REMOVED, origin=origin, session_id=session)
        await record(db, user_id, EventType.FAMILY_MEMBER_REMOVED, origin=origin.elsewhere())
