"""The one place that decides who may read or write a profile and the records in it.

Listings and writes are scoped by `Access.scope()` in the query itself; an id-addressed route
fetches its object by `_id` and `find_with_role` decides with `role_of` on the document, the same
rule. Either way a caller who may not see an object gets the same 404 as for a missing one
(docs/api.md, Errors). Records carry a copy of their profile's scope fields (`scope_fields`), so a
record's document alone says who may see it.

Family membership (owner, caregiver, viewer) joins here: `resolve` loads the caller's
*confirmed* memberships on every request (never cached, so a removal takes effect on the next
request), `scope()` widens to the families' profiles, and `role_of` maps a document's family to
the caller's role in it. A family profile carries `family_id` and the family owner's `owner_id`
(so deleting the owner's account deletes it); its records copy both (`scope_fields`).

A caller without families keeps the plain `{"owner_id": ...}` scope. A family member's scope is
an `$or`, which MongoDB plans per branch (an index per clause); the embedded development engine
(SecantusDB 0.7) scans the collection for any `$or`, which is one more reason id lookups fetch by
`_id` alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from normogen.db.client import Database, Document
from normogen.errors import STALE_KEY_EPOCH, Conflict, Forbidden, NotFound
from normogen.families import public as families
from normogen.profiles import repository
from normogen.users.principal import Principal


class Role(StrEnum):
    """The caller's relation to a profile (README, Families: owner, caregiver, viewer)."""

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
    families: Mapping[str, Role] = field(default_factory=dict)  # family id → caller's role

    def scope(self) -> Document:
        """The filter clause every profile and record query adds: what the caller may see."""
        if not self.families:
            return {"owner_id": self.user_id}
        family_ids = sorted(self.families)
        return {"$or": [{"owner_id": self.user_id}, {"family_id": {"$in": family_ids}}]}

    def role_of(self, doc: Mapping[str, Any]) -> Role | None:
        """The caller's role on a profile or record document (both carry the scope fields)."""
        family_id = doc.get("family_id")
        if family_id is not None and family_id in self.families:
            return self.families[family_id]
        if doc.get("owner_id") == self.user_id:
            return Role.OWNER
        return None


def scope_fields(profile: Mapping[str, Any]) -> Document:
    """The access fields a record copies from its profile, so record queries scope themselves."""
    fields: Document = {"owner_id": profile["owner_id"]}
    if profile.get("family_id") is not None:
        fields["family_id"] = profile["family_id"]
    return fields


def new_profile_scope(principal: Principal) -> Document:
    """The access fields of a profile the caller creates for themselves."""
    return {"owner_id": principal.user_id}


async def new_family_profile_scope(
    db: Database, caller: Access, *, family_id: str, family_epoch: int | None = None
) -> Document:
    """The access fields of a profile created in a family: owner or caregiver only.

    404 when the caller is not a confirmed member (as for a missing family), 403 for a viewer,
    409 `stale_key_epoch` when the profile key is wrapped under an older family key.
    """
    role = caller.families.get(family_id)
    family = None if role is None else await families.find_family(db, family_id)
    if role is None or family is None:
        raise NotFound("Family not found")
    if not role.can_write:
        raise Forbidden("Your role in this family is read-only")
    current = int(family.get("key_epoch", 1))
    if family_epoch is not None and family_epoch != current:
        raise Conflict(
            f"The family key is at epoch {current}; wrap the profile key under it",
            code=STALE_KEY_EPOCH,
        )
    return {"owner_id": family["owner_id"], "family_id": family_id}


async def resolve(db: Database, principal: Principal) -> Access:
    """Everything the caller may reach: their own profiles and their confirmed families'."""
    memberships = await families.confirmed_memberships(db, principal.user_id)
    return Access(principal.user_id, {doc["family_id"]: Role(doc["role"]) for doc in memberships})


async def find_with_role(
    db: Database, principal: Principal, fetching: Awaitable[Document | None]
) -> tuple[Document, Role, Access] | None:
    """An id-addressed object (`fetching` reads it by `_id` alone) and the caller's role on it.

    The primary key serves the read on every engine: the embedded one pays half as much again
    for an owner-scoped compound key, and scans for a member's `$or`. The caller's own personal
    objects are decided without the membership lookup (for a document without `family_id`,
    `role_of` says owner or nothing whatever the memberships are). Anything else, including a
    missing object, resolves the confirmed memberships (live, as always) before answering, so
    "missing" and "someone else's" cost the same queries and get the same 404.
    """
    doc = await fetching
    own = Access(principal.user_id)
    if doc is not None and doc.get("family_id") is None and own.role_of(doc) is Role.OWNER:
        return doc, Role.OWNER, own
    caller = await resolve(db, principal)
    role = None if doc is None else caller.role_of(doc)
    return None if doc is None or role is None else (doc, role, caller)


async def access_revoked(db: Database, caller: Access, profile_id: str) -> bool:
    """Whether the caller cannot see this profile because they left or were removed from its
    family (its sync then says so, instead of the 404 a stranger gets)."""
    removed = await families.removed_family_ids(db, caller.user_id)
    if not removed:
        return False
    scope = {"family_id": {"$in": removed}}
    return await repository.find_profile(db, profile_id, scope, include_deleted=True) is not None


PROFILE_NOT_FOUND = "Profile not found"


@dataclass(frozen=True, slots=True)
class AuthorizedProfile:
    """A profile the caller may see, with their role on it."""

    doc: Document
    role: Role
    access: Access

    @property
    def id(self) -> str:
        return str(self.doc["_id"])

    @property
    def deleted(self) -> bool:
        return bool(self.doc.get("deleted"))
