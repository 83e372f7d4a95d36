"""Load *and* authorise a record (one read by id, decided in `profiles.access`) for the
id-addressed routes: a plain call for the direct read, dependencies for the writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends

from normogen.auth.public import CurrentUser
from normogen.core.gates import ProfileGates
from normogen.db.client import Database, Document
from normogen.dependencies import DatabaseDep, RuntimeDep
from normogen.errors import Forbidden, NotFound
from normogen.profiles import public as profiles
from normogen.profiles.public import Access, Role
from normogen.records import repository
from normogen.records.service import RECORD_NOT_FOUND
from normogen.users.principal import Principal


@dataclass(frozen=True, slots=True)
class AuthorizedRecord:
    """A live record the caller may see, with their role on its profile."""

    doc: Document
    role: Role
    access: Access


async def readable_record(record_id: UUID, db: Database, principal: Principal) -> AuthorizedRecord:
    """A live record the caller may read (404 otherwise, missing and not-yours alike).

    By `_id` first; when that is not the caller's, among the records stored under a
    namespaced `_id` with this public id (`records.repository`). Missing and someone else's
    records cost the same queries."""
    fetching = repository.find_record(db, str(record_id), scope=None)
    found = await profiles.find_with_role(db, principal, fetching)
    if found is None:
        for candidate in await repository.find_namespaced(db, str(record_id)):
            found = await profiles.find_with_role(db, principal, _ready(candidate))
            if found is not None:
                break
    if found is None:
        raise NotFound(RECORD_NOT_FOUND)
    return AuthorizedRecord(*found)


async def _ready(doc: Document) -> Document:
    return doc


async def writable_record(
    record_id: UUID, db: DatabaseDep, principal: CurrentUser
) -> AuthorizedRecord:
    """A live record the caller may change (404 if unseen, 403 if read-only for them)."""
    record = await readable_record(record_id, db, principal)
    if not record.role.can_write:
        raise Forbidden("Your role on this profile is read-only")
    return record


async def profile_gates(runtime: RuntimeDep) -> ProfileGates:
    """This process's per-profile writer queues (see records.gate)."""
    return runtime.gates


GatesDep = Annotated[ProfileGates, Depends(profile_gates)]
WritableRecord = Annotated[AuthorizedRecord, Depends(writable_record)]
