"""Profile use cases: create, list, update, and delete (tombstoning every record in it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from normogen.conditional import IfMatch
from normogen.config import Settings
from normogen.db.client import Database, Document
from normogen.db.transactions import run_transaction
from normogen.errors import STALE_KEY_EPOCH, Conflict, NotFound, PreconditionFailed
from normogen.profiles import access, repository
from normogen.profiles import errors as codes
from normogen.profiles.access import PROFILE_NOT_FOUND, Access, AuthorizedProfile, Role
from normogen.profiles.schemas import ProfileCreate, ProfileUpdate
from normogen.records import public as records
from normogen.users.principal import Principal

# A person tracks themselves and their family: a bound that no household reaches, which keeps
# the unpaginated list small. Checked before insert, so racing creates may pass it by a few.
MAX_PROFILES_PER_OWNER = 100


def now_ms() -> datetime:
    """The current UTC time at MongoDB's millisecond precision."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def profile_view(doc: Document, role: Role) -> dict[str, Any]:
    """A live profile as `ProfileRead` describes it."""
    return {**repository.export_view(doc), "role": role.value}


async def create_profile(db: Database, principal: Principal, body: ProfileCreate) -> Document:
    if body.family_id is None:
        scope = access.new_profile_scope(principal)
    else:
        caller = await access.resolve(db, principal)
        scope = await access.new_family_profile_scope(
            db, caller, family_id=body.family_id, family_epoch=body.family_epoch
        )
    owned = await repository.list_profiles(db, scope, MAX_PROFILES_PER_OWNER)
    if len(owned) >= MAX_PROFILES_PER_OWNER:
        raise Conflict(
            f"At most {MAX_PROFILES_PER_OWNER} profiles per account", code=codes.PROFILE_LIMIT
        )
    now = now_ms()
    doc: Document = {
        "_id": body.id,
        **scope,
        "encrypted": body.encrypted.to_doc(),
        "wrapped_key": body.wrapped_key.to_doc(),
        "key_epoch": body.key_epoch,
        "key_history": None,
        "revision": 1,
        "seq": 0,  # the records' sequence counter (see records.sync)
        "deleted": False,
        "created_at": now,
        "updated_at": now,
        "created_by": principal.user_id,
    }
    if body.key_epoch != 1:
        raise Conflict("A new profile starts at key epoch 1", code=STALE_KEY_EPOCH)
    try:
        await repository.insert_profile(db, doc)
    except DuplicateKeyError:
        raise Conflict("A profile already uses this id", code=codes.PROFILE_ID_CONFLICT) from None
    return doc


async def list_profiles(db: Database, caller: Access) -> list[dict[str, Any]]:
    docs = await repository.list_profiles(db, caller.scope(), MAX_PROFILES_PER_OWNER * 2)
    views = []
    for doc in docs:
        role = caller.role_of(doc)
        if role is not None:
            views.append(profile_view(doc, role))
    return views


async def update_profile(
    db: Database, profile: AuthorizedProfile, *, body: ProfileUpdate, if_match: IfMatch | None
) -> Document:
    changes: Document = {"updated_at": now_ms()}
    if body.encrypted is not None:
        changes["encrypted"] = body.encrypted.to_doc()
    if body.wrapped_key is not None:
        changes["wrapped_key"] = body.wrapped_key.to_doc()
    revision = None if if_match is None else if_match.revision_filter()
    scope = profile.access.scope()
    updated = await repository.update_profile(
        db, profile.id, scope=scope, revision_filter=revision, changes=changes
    )
    if updated is None:
        await _explain_miss(db, profile)
    return updated


async def delete_profile(
    db: Database, settings: Settings, *, profile: AuthorizedProfile, if_match: IfMatch | None
) -> None:
    """Tombstone the profile and every live record in it, in one transaction.

    Each record tombstone gets its own new sequence number, so devices syncing the profile
    learn of every deletion; the profile's own tombstone keeps the feed answering until the
    tombstones expire (RECORD_TOMBSTONE_DAYS).
    """
    revision = None if if_match is None else if_match.revision_filter()
    scope = profile.access.scope()

    async def callback(session: AsyncClientSession) -> Document | None:
        now = now_ms()
        fields = {
            "deleted_at": now,
            "updated_at": now,
            "expires_at": now + timedelta(days=settings.RECORD_TOMBSTONE_DAYS),
        }
        # First write: it locks the profile (the records' counter) until the commit, so no
        # record can be written into the profile between the two statements below.
        tombstone = await repository.tombstone_profile(
            db, profile.id, scope=scope, revision_filter=revision, fields=fields, session=session
        )
        if tombstone is None:
            return None
        ids = await records.live_record_ids(db, profile.id, session)
        if ids:
            top = await repository.allocate_seq(
                db, profile.id, count=len(ids), session=session, live_only=False
            )
            if top is None:  # cannot happen: this transaction holds the profile document
                raise RuntimeError("profile vanished inside its deleting transaction")
            first = top - len(ids) + 1
            await records.tombstone_records(
                db, profile.id, ids=ids, first_seq=first, fields=fields, session=session
            )
        return tombstone

    result = await run_transaction(db.client, callback)
    if result is None:
        await _explain_miss(db, profile)


async def _explain_miss(db: Database, profile: AuthorizedProfile) -> NoReturn:
    """A conditional write matched nothing: gone (404) or changed since read (412)."""
    current = await repository.find_profile(db, profile.id, profile.access.scope())
    if current is None:
        raise NotFound(PROFILE_NOT_FOUND)
    raise PreconditionFailed("The profile changed since you read it; fetch it again")
