"""Dependencies that load *and* authorise a profile, so routes never repeat 404/403 checks."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from normogen.auth.public import CurrentUser
from normogen.dependencies import DatabaseDep
from normogen.errors import Forbidden, NotFound
from normogen.profiles import access, repository
from normogen.profiles import errors as codes
from normogen.profiles.access import PROFILE_NOT_FOUND, Access, AuthorizedProfile
from normogen.users.principal import Principal


async def caller_access(principal: CurrentUser, db: DatabaseDep) -> Access:
    """What the authenticated caller may reach (resolved once per request)."""
    return await access.resolve(db, principal)


CallerAccess = Annotated[Access, Depends(caller_access)]


async def _load(
    db: DatabaseDep, principal: Principal, profile_id: UUID, *, include_deleted: bool = False
) -> AuthorizedProfile:
    fetching = repository.find_profile(
        db, str(profile_id), scope=None, include_deleted=include_deleted
    )
    found = await access.find_with_role(db, principal, fetching)
    if found is None:
        raise NotFound(PROFILE_NOT_FOUND)  # missing and not-yours look the same
    return AuthorizedProfile(*found)


async def readable_profile(
    profile_id: UUID, db: DatabaseDep, principal: CurrentUser
) -> AuthorizedProfile:
    """A live profile the caller may read (404 otherwise)."""
    return await _load(db, principal, profile_id)


async def writable_profile(
    profile_id: UUID, db: DatabaseDep, principal: CurrentUser
) -> AuthorizedProfile:
    """A live profile the caller may change (404 if unseen, 403 if read-only for them)."""
    profile = await _load(db, principal, profile_id)
    if not profile.role.can_write:
        raise Forbidden("Your role on this profile is read-only")
    return profile


async def owned_profile(
    profile_id: UUID, db: DatabaseDep, principal: CurrentUser
) -> AuthorizedProfile:
    """A live profile the caller may delete (404 if unseen, 403 unless they own it)."""
    profile = await _load(db, principal, profile_id)
    if not profile.role.can_delete_profile:
        raise Forbidden("Only the profile's owner may delete it")
    return profile


class AccessRevoked(Forbidden):
    """A former family member syncing a family profile: their access ended (removal, leaving
    or the family's deletion), which the device must learn rather than see an empty feed."""

    code = codes.ACCESS_REVOKED
    default_message = "Your access to this profile was revoked"


async def syncable_profile(
    profile_id: UUID, db: DatabaseDep, principal: CurrentUser
) -> AuthorizedProfile:
    """A profile the caller may sync, including a deleted one whose tombstones remain.

    A former member of the profile's family gets 403 `access_revoked`; anyone else, 404.
    """
    try:
        return await _load(db, principal, profile_id, include_deleted=True)
    except NotFound:
        caller = await access.resolve(db, principal)
        if await access.access_revoked(db, caller, str(profile_id)):
            raise AccessRevoked() from None
        raise


ReadableProfile = Annotated[AuthorizedProfile, Depends(readable_profile)]
WritableProfile = Annotated[AuthorizedProfile, Depends(writable_profile)]
OwnedProfile = Annotated[AuthorizedProfile, Depends(owned_profile)]
SyncableProfile = Annotated[AuthorizedProfile, Depends(syncable_profile)]
