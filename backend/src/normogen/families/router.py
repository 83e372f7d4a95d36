"""Routes under /api/v1/families and /api/v1/invitations: families, members, invitations."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path
from starlette.responses import Response

from normogen.auth.public import CurrentUser
from normogen.conditional import json_response
from normogen.dependencies import DatabaseDep, RuntimeDep
from normogen.errors import responses
from normogen.events.public import RequestOrigin
from normogen.families import invitations, rotation, service
from normogen.families.dependencies import MemberFamily, OwnedFamily
from normogen.families.schemas import (
    FamilyCreate,
    FamilyList,
    FamilyRead,
    FamilyRotate,
    FamilySummary,
    InvitationCreate,
    InvitationList,
    MemberRead,
    MemberUpdate,
    PendingInvitation,
)

PREFIX = "/api/v1/families"
router = APIRouter(prefix=PREFIX, tags=["families"])
invitations_router = APIRouter(prefix="/api/v1/invitations", tags=["families"])
# User ids are opaque to clients; a malformed one simply matches no member (404).
UserId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "",
    status_code=201,
    response_model=FamilySummary,
    responses=responses(409, headers={201: ["Location"]}),
)
async def create_family(
    body: FamilyCreate, principal: CurrentUser, db: DatabaseDep, origin: RequestOrigin
) -> Response:
    """Create a family owned by the caller (encrypted name, family key sealed to the caller)."""
    view = await service.create_family(db, principal, origin=origin, body=body)
    return json_response(view, 201, location=f"{PREFIX}/{view['id']}")


@router.get("", response_model=FamilyList)
async def list_families(principal: CurrentUser, db: DatabaseDep) -> Response:
    """Families the caller owns or belongs to (including accepted, unconfirmed ones)."""
    return json_response({"families": await service.list_families(db, principal)})


@router.get("/{family_id}", response_model=FamilyRead, responses=responses(404))
async def get_family(found: MemberFamily, db: DatabaseDep) -> Response:
    """One family: members with their public keys; the owner also sees pending invitations."""
    return json_response(await service.read_family(db, found))


@router.delete("/{family_id}", status_code=204, responses=responses(403, 404))
async def delete_family(
    found: OwnedFamily, db: DatabaseDep, runtime: RuntimeDep, origin: RequestOrigin
) -> Response:
    """Delete the family: memberships end, invitations go, its profiles are deleted."""
    await service.delete_family(db, runtime.settings, found=found, origin=origin)
    return Response(status_code=204)


@router.post(
    "/{family_id}/invitations",
    status_code=201,
    response_model=PendingInvitation,
    responses=responses(403, 404, 409),
)
async def invite(
    found: OwnedFamily,
    body: InvitationCreate,
    db: DatabaseDep,
    runtime: RuntimeDep,
    origin: RequestOrigin,
) -> Response:
    """Invite an email with a role; the answer never reveals whether the email has an account."""
    view = await invitations.invite(db, runtime.settings, found=found, body=body, origin=origin)
    return json_response(view, 201)


@router.delete(
    "/{family_id}/invitations/{invitation_id}",
    status_code=204,
    responses=responses(403, 404),
)
async def cancel_invitation(
    found: OwnedFamily, invitation_id: UUID, db: DatabaseDep, origin: RequestOrigin
) -> Response:
    """Withdraw a pending invitation (owner); the invitee can no longer accept it."""
    await invitations.cancel(db, found, invitation_id=str(invitation_id), origin=origin)
    return Response(status_code=204)


@router.post(
    "/{family_id}/rotate", response_model=FamilySummary, responses=responses(403, 404, 409)
)
async def rotate_family_key(
    found: OwnedFamily,
    body: FamilyRotate,
    db: DatabaseDep,
    runtime: RuntimeDep,
    origin: RequestOrigin,
) -> Response:
    """Rotate the family key (removing members): new grants and profile keys, atomically."""
    return json_response(
        await rotation.rotate(db, runtime.settings, found=found, body=body, origin=origin)
    )


@router.put(
    "/{family_id}/members/{user_id}", response_model=MemberRead, responses=responses(403, 404, 409)
)
async def update_member(
    found: OwnedFamily,
    user_id: UserId,
    body: MemberUpdate,
    db: DatabaseDep,
    origin: RequestOrigin,
) -> Response:
    """Confirm a member (family key sealed to their public key), re-wrap it or change the role."""
    return json_response(
        await service.update_member(db, found, user_id=user_id, body=body, origin=origin)
    )


@router.delete(
    "/{family_id}/members/{user_id}", status_code=204, responses=responses(403, 404, 409)
)
async def remove_member(
    found: MemberFamily,
    user_id: UserId,
    db: DatabaseDep,
    runtime: RuntimeDep,
    origin: RequestOrigin,
) -> Response:
    """Remove a member (owner) or leave (the member themselves); effective at once."""
    await service.remove_member(db, runtime.settings, found=found, user_id=user_id, origin=origin)
    return Response(status_code=204)


@invitations_router.get("", response_model=InvitationList)
async def list_invitations(principal: CurrentUser, db: DatabaseDep) -> Response:
    """Pending family invitations addressed to the caller's email."""
    return json_response({"invitations": await invitations.list_mine(db, principal)})


@invitations_router.post(
    "/{invitation_id}/accept", response_model=FamilySummary, responses=responses(404, 409)
)
async def accept_invitation(
    invitation_id: UUID, principal: CurrentUser, db: DatabaseDep, origin: RequestOrigin
) -> Response:
    """Accept: join as `accepted` until the owner uploads your sealed family key."""
    return json_response(
        await invitations.accept(db, principal, invitation_id=str(invitation_id), origin=origin)
    )


@invitations_router.post("/{invitation_id}/decline", status_code=204, responses=responses(404))
async def decline_invitation(
    invitation_id: UUID, principal: CurrentUser, db: DatabaseDep, origin: RequestOrigin
) -> Response:
    """Decline an invitation addressed to you."""
    await invitations.decline(db, principal, invitation_id=str(invitation_id), origin=origin)
    return Response(status_code=204)
