"""Invitations: the owner invites an email, the invitee accepts or declines.

Inviting never looks the email up: the invitation is stored under the (normalised) email and
matched against the invitee's current email when they list their invitations. So inviting an
unknown email is, to the inviter, exactly like inviting a known one (same response, same
work), and an invitation to an email without an account can be claimed if that email registers
before the invitation expires (FAMILY_INVITATION_DAYS; the TTL index then removes it).

Accepting creates an `accepted` membership and consumes the invitation in one transaction;
the invitee's public key becomes visible to the owner from then on, and the owner confirms the
member by uploading the family key sealed to it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.config import Settings
from normogen.db.client import Database, Document
from normogen.db.transactions import run_transaction
from normogen.errors import Conflict, NotFound
from normogen.events.public import EventType, Origin, record
from normogen.families import errors as codes
from normogen.families import repository
from normogen.families.access import FamilyAccess
from normogen.families.schemas import InvitationCreate
from normogen.families.service import (
    MAX_MEMBERS_PER_FAMILY,
    invitation_view,
    now_ms,
    summary_view,
)
from normogen.users import repository as accounts
from normogen.users.principal import Principal

INVITATION_NOT_FOUND = "Invitation not found"


async def invite(
    db: Database, settings: Settings, *, found: FamilyAccess, body: InvitationCreate, origin: Origin
) -> dict[str, Any]:
    """Store (or renew) an invitation for an email; no account lookup happens."""
    now = now_ms()
    members = await repository.members_of(db, found.id)
    pending = await repository.count_invitations(db, found.id, now)
    if len(members) + pending >= MAX_MEMBERS_PER_FAMILY:
        raise Conflict(
            f"A family has at most {MAX_MEMBERS_PER_FAMILY} members and invitations",
            code=codes.FAMILY_FULL,
        )
    doc: Document = {
        "_id": str(uuid.uuid4()),
        "family_id": found.id,
        "owner_id": found.family["owner_id"],
        "email": body.email,
        "role": body.role,
        "invited_by": found.principal.user_id,
        "created_at": now,
        "expires_at": now + timedelta(days=settings.FAMILY_INVITATION_DAYS),
    }
    stored = await repository.upsert_invitation(db, doc)
    await record(
        db,
        found.principal.user_id,
        EventType.FAMILY_INVITATION_SENT,
        origin=origin,
        session_id=found.principal.session_id,
    )
    return invitation_view(stored)


async def _email_of(db: Database, principal: Principal) -> str:
    user = await accounts.find_active(db, principal.user_id)
    if user is None:  # deleted since the token was checked: nothing is addressed to it
        raise NotFound(INVITATION_NOT_FOUND)
    return str(user["email"])


async def list_mine(db: Database, principal: Principal) -> list[dict[str, Any]]:
    """Pending invitations addressed to the caller's current email, oldest first."""
    user = await accounts.find_active(db, principal.user_id)
    if user is None:
        return []
    docs = await repository.invitations_for(db, user["email"], now_ms())
    people = {doc["invited_by"] for doc in docs} | {doc["owner_id"] for doc in docs}
    inviters = await accounts.identities(db, sorted(people))
    return [
        {
            "id": doc["_id"],
            "family_id": doc["family_id"],
            "owner_id": doc["owner_id"],
            "owner_identity_key": inviters.get(doc["owner_id"], {}).get("identity_key"),
            "owner_public_key": inviters.get(doc["owner_id"], {}).get("public_key"),
            "role": doc["role"],
            "inviter_email": inviters.get(doc["invited_by"], {}).get("email"),
            "created_at": doc["created_at"],
            "expires_at": doc["expires_at"],
        }
        for doc in docs
    ]


async def accept(
    db: Database, principal: Principal, *, invitation_id: str, origin: Origin
) -> dict[str, Any]:
    """Join as `accepted`: the owner sees the caller's public key and can confirm them."""
    email = await _email_of(db, principal)
    now = now_ms()

    async def callback(session: AsyncClientSession) -> tuple[Document, Document]:
        invitation = await repository.take_invitation(
            db, invitation_id, email=email, now=now, session=session
        )
        if invitation is None:
            raise NotFound(INVITATION_NOT_FOUND)
        family_id = invitation["family_id"]
        membership: Document = {
            "_id": repository.membership_id(family_id, principal.user_id),
            "family_id": family_id,
            "user_id": principal.user_id,
            "owner_id": invitation["owner_id"],
            "role": invitation["role"],
            "status": repository.ACCEPTED,
            "invited_by": invitation["invited_by"],
            "created_at": now,
            "updated_at": now,
        }
        if await repository.accept_membership(db, membership, session) is None:
            raise Conflict("You are already a member of this family", code=codes.ALREADY_MEMBER)
        return invitation, membership

    invitation, membership = await run_transaction(db.client, callback)
    family = await repository.find_family(db, invitation["family_id"])
    if family is None:  # deleted meanwhile: the membership leads nowhere
        await repository.delete_membership(db, invitation["family_id"], principal.user_id)
        raise NotFound(INVITATION_NOT_FOUND)
    event = EventType.FAMILY_INVITATION_ACCEPTED
    await record(db, principal.user_id, event, origin=origin, session_id=principal.session_id)
    await record(db, invitation["owner_id"], event, origin=origin.elsewhere())
    return summary_view(family, membership)


async def decline(
    db: Database, principal: Principal, *, invitation_id: str, origin: Origin
) -> None:
    """Refuse an invitation; it is gone for good (the owner may invite again)."""
    email = await _email_of(db, principal)
    invitation = await repository.take_invitation(db, invitation_id, email=email, now=now_ms())
    if invitation is None:
        raise NotFound(INVITATION_NOT_FOUND)
    event = EventType.FAMILY_INVITATION_DECLINED
    await record(db, principal.user_id, event, origin=origin, session_id=principal.session_id)
    await record(db, invitation["owner_id"], event, origin=origin.elsewhere())


async def cancel(db: Database, found: FamilyAccess, *, invitation_id: str, origin: Origin) -> None:
    """Withdraw a pending invitation of the caller's family; the invitee no longer sees it."""
    if await repository.cancel_invitation(db, found.id, invitation_id) is None:
        raise NotFound(INVITATION_NOT_FOUND)
    event = EventType.FAMILY_INVITATION_CANCELLED
    await record(
        db, found.principal.user_id, event, origin=origin, session_id=found.principal.session_id
    )
