"""The one place that decides who may read or write a profile and the records in it.

Every profile and record query is scoped by `Access.scope()` in the query itself, so a caller
who may not see an object gets the same 404 as for a missing one (SPEC principle 2). Records
carry a copy of their profile's scope fields (`scope_fields`), which lets an id-addressed record
route find *and* authorise a record in one query.

Today only the owner reaches a profile. Family membership (owner, caregiver, viewer) joins
here: `resolve` loads the caller's memberships, `scope()` widens to the families' profiles, and
`role_of` maps a document's family to the caller's role in it. Nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from normogen.auth.principal import Principal
from normogen.db.client import Database, Document
from normogen.profiles import repository


class Role(StrEnum):
    """The caller's relation to a profile (SPEC, Families: owner, caregiver, viewer)."""

    OWNER = "owner"
    CAREGIVER = "caregiver"
    VIEWER = "viewer"

    @property
    def can_write(self) -> bool:
        """Create, change and delete records; change the profile's metadata."""
        return self in _WRITERS

    @property
    def can_delete_profile(self) -> bool:
        return self is Role.OWNER


_WRITERS = frozenset({Role.OWNER, Role.CAREGIVER})


@dataclass(frozen=True, slots=True)
class Access:
    """What one caller may reach, resolved once per request."""

    user_id: str

    def scope(self) -> Document:
        """The filter clause every profile and record query adds: what the caller may see."""
        return {"owner_id": self.user_id}

    def role_of(self, doc: Mapping[str, Any]) -> Role | None:
        """The caller's role on a profile or record document (both carry the scope fields)."""
        if doc.get("owner_id") == self.user_id:
            return Role.OWNER
        return None


def scope_fields(profile: Mapping[str, Any]) -> Document:
    """The access fields a record copies from its profile, so record queries scope themselves."""
    return {"owner_id": profile["owner_id"]}


def new_profile_scope(principal: Principal) -> Document:
    """The access fields of a profile the caller creates for themselves."""
    return {"owner_id": principal.user_id}


async def resolve(db: Database, principal: Principal) -> Access:
    """Everything the caller may reach (family memberships will be loaded here)."""
    del db  # owner-only today: the principal alone decides
    return Access(principal.user_id)


async def authorize(
    db: Database, caller: Access, profile_id: str, *, include_deleted: bool = False
) -> tuple[Document, Role] | None:
    """The profile and the caller's role on it, or None when they may not see it."""
    doc = await repository.find_profile(
        db, profile_id, caller.scope(), include_deleted=include_deleted
    )
    role = None if doc is None else caller.role_of(doc)
    return None if doc is None or role is None else (doc, role)


async def role_for_profile(db: Database, principal: Principal, profile_id: str) -> Role | None:
    """The caller's role on a live profile, or None when they may not see it (or it is gone)."""
    found = await authorize(db, await resolve(db, principal), profile_id)
    return None if found is None else found[1]
