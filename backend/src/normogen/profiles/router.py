"""Routes under /api/v1/profiles: create, list, read, update and delete profiles."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from normogen.auth.public import CurrentUser
from normogen.conditional import IfMatchHeader, json_response, parse_if_match
from normogen.dependencies import DatabaseDep, RuntimeDep
from normogen.errors import responses
from normogen.profiles import service
from normogen.profiles.access import Role
from normogen.profiles.dependencies import (
    CallerAccess,
    OwnedProfile,
    ReadableProfile,
    WritableProfile,
)
from normogen.profiles.schemas import ProfileCreate, ProfileList, ProfileRead, ProfileUpdate

PREFIX = "/api/v1/profiles"
router = APIRouter(prefix=PREFIX, tags=["profiles"])


@router.post(
    "",
    status_code=201,
    response_model=ProfileRead,
    responses=responses(403, 404, 409, headers={201: ["ETag", "Location"]}),
)
async def create_profile(body: ProfileCreate, principal: CurrentUser, db: DatabaseDep) -> Response:
    """Create a profile (a person whose data you track), owned by the caller."""
    doc = await service.create_profile(db, principal, body)
    # Only owners and a family's caregivers create profiles.
    role = Role.OWNER if doc["owner_id"] == principal.user_id else Role.CAREGIVER
    view = service.profile_view(doc, role)
    return json_response(view, 201, revision=doc["revision"], location=f"{PREFIX}/{doc['_id']}")


@router.get("", response_model=ProfileList)
async def list_profiles(caller: CallerAccess, db: DatabaseDep) -> Response:
    """Every live profile the caller can see, oldest first."""
    return json_response({"profiles": await service.list_profiles(db, caller)})


@router.get(
    "/{profile_id}", response_model=ProfileRead, responses=responses(404, headers={200: ["ETag"]})
)
async def get_profile(profile: ReadableProfile) -> Response:
    """One profile; its revision is the ETag."""
    view = service.profile_view(profile.doc, profile.role)
    return json_response(view, revision=profile.doc["revision"])


@router.patch(
    "/{profile_id}",
    response_model=ProfileRead,
    responses=responses(403, 404, 412, headers={200: ["ETag"]}),
)
async def update_profile(
    profile: WritableProfile,
    body: ProfileUpdate,
    db: DatabaseDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Change a profile's type, encrypted metadata or wrapped key; If-Match is optional."""
    condition = parse_if_match(if_match)
    doc = await service.update_profile(db, profile, body=body, if_match=condition)
    return json_response(service.profile_view(doc, profile.role), revision=doc["revision"])


@router.delete("/{profile_id}", status_code=204, responses=responses(403, 404, 412))
async def delete_profile(
    profile: OwnedProfile,
    db: DatabaseDep,
    runtime: RuntimeDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Delete a profile and its records, leaving tombstones for syncing devices."""
    condition = parse_if_match(if_match)
    await service.delete_profile(db, runtime.settings, profile=profile, if_match=condition)
    return Response(status_code=204)
