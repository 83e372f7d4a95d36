"""Dependencies that load *and* authorise a family, so routes never repeat 404/403 checks."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from normogen.auth.public import CurrentUser
from normogen.dependencies import DatabaseDep
from normogen.errors import Forbidden, NotFound
from normogen.families import repository
from normogen.families.access import FamilyAccess
from normogen.profiles.public import Role

FAMILY_NOT_FOUND = "Family not found"


async def member_family(family_id: UUID, principal: CurrentUser, db: DatabaseDep) -> FamilyAccess:
    """A family the caller is a member of (404 for everyone else, as for a missing id)."""
    membership = await repository.find_membership(db, str(family_id), principal.user_id)
    if membership is None or membership["status"] not in repository.VISIBLE:
        raise NotFound(FAMILY_NOT_FOUND)
    family = await repository.find_family(db, str(family_id))
    if family is None:
        raise NotFound(FAMILY_NOT_FOUND)
    return FamilyAccess(family, membership, principal)


async def owned_family(family_id: UUID, principal: CurrentUser, db: DatabaseDep) -> FamilyAccess:
    """A family the caller owns (404 if they are not in it, 403 if they are but not its owner)."""
    found = await member_family(family_id, principal, db)
    if found.role is not Role.OWNER or found.family["owner_id"] != principal.user_id:
        raise Forbidden("Only the family's owner may do this")
    return found


MemberFamily = Annotated[FamilyAccess, Depends(member_family)]
OwnedFamily = Annotated[FamilyAccess, Depends(owned_family)]
