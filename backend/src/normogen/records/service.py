"""Record use cases: idempotent create, list, conditional replace and delete (tombstones).

Every write runs in one transaction whose first statement reserves the next sequence number
of the record's profile; see `records.sync` for why that makes the changes feed complete.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from normogen.conditional import IfMatch
from normogen.config import Settings
from normogen.core.gates import ProfileGates
from normogen.crypto.shapes import b64_max_chars
from normogen.db.client import Database, Document
from normogen.db.transactions import run_transaction
from normogen.errors import (
    STALE_KEY_EPOCH,
    Conflict,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
)
from normogen.profiles import public as profiles
from normogen.profiles.public import Access
from normogen.records import errors as codes
from normogen.records import repository
from normogen.records.schemas import RecordCreate, RecordFields
from normogen.records.views import payload_size, public_id, record_view
from normogen.users.principal import Principal

RECORD_NOT_FOUND = "Record not found"
# A listing runs one indexed query per kind-and-tag pair, or per tag past this many pairs
# (records.repository.list_queries).
MAX_FILTER_COMBINATIONS = 32
# A page cursor is the last record's sort key with "." for "|": every text of this shape is a
# valid position, so the documented pattern is the whole rule (records.router uses it).
CURSOR_PATTERN = r"^[0-9a-f]{14}\.[0-9a-f-]{36}$"
# A page stops early once its ciphertext passes this size (at least one record is returned).
PAGE_BYTES_BUDGET = 8 * 1024 * 1024


def now_ms() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def check_size(body: RecordFields, settings: Settings) -> None:
    """The ciphertext's length against MAX_RECORD_BYTES (413), counted as the OpenAPI document
    states it: at most `b64_max_chars(MAX_RECORD_BYTES)` characters of base64."""
    longest = b64_max_chars(settings.MAX_RECORD_BYTES)
    if len(body.payload.data) > longest:
        raise PayloadTooLarge(
            f"payload is {len(body.payload.data)} base64 characters; at most {longest} "
            f"({settings.MAX_RECORD_BYTES} bytes) are allowed",
            code=codes.RECORD_TOO_LARGE,
        )


def _content(body: RecordFields) -> Document:
    """The client's fields as stored (the same dict a retried create is compared with)."""
    return {
        # Ciphertext size, so a listing applies its byte budget before loading any payload.
        "size": len(body.payload.data),
        "kind": body.kind,
        "key_epoch": body.key_epoch,
        "payload": body.payload.to_doc(),
        "occurred_at": body.occurred_at,
        "tags": list(body.tags),
        "source": body.source,
    }


async def create_record(
    db: Database,
    settings: Settings,
    *,
    principal: Principal,
    profile: Document,
    body: RecordCreate,
    gates: ProfileGates,
) -> tuple[Document, bool]:
    """Insert a record; returns it and whether it was created now (False: an identical retry)."""
    check_size(body, settings)
    record_id = body.id or str(uuid.uuid4())
    content = _content(body)

    async def insert(storage_id: str) -> Document:
        async def callback(session: AsyncClientSession) -> Document:
            seq = await profiles.allocate_seq(db, profile["_id"], count=1, session=session)
            if seq is None:
                raise NotFound("Profile not found")  # deleted since the request was authorised
            await _require_epoch(db, profile["_id"], key_epoch=body.key_epoch, session=session)
            now = now_ms()
            doc: Document = {
                "_id": storage_id,
                "profile_id": profile["_id"],
                **profiles.scope_fields(profile),
                **content,
                "sort_key": repository.sort_key(body.occurred_at, record_id),
                "revision": 1,
                "seq": seq,
                "deleted": False,
                "created_at": now,
                "updated_at": now,
                "created_by": principal.user_id,
                "updated_by": principal.user_id,
            }
            if storage_id != record_id:
                doc["id"] = record_id
            await repository.insert_record(db, doc, session)
            return doc

        async with gates.turn(profile["_id"]):
            return await run_transaction(db.client, callback)

    storage_id = record_id
    try:
        return await insert(storage_id), True
    except DuplicateKeyError as exc:
        if not _is_id_clash(exc):
            raise
    holder = await repository.find_record(db, record_id, None, include_deleted=True)
    if holder is not None and holder["profile_id"] != profile["_id"]:
        # Another profile's record has this `_id`: ids are per profile, so this one is stored
        # under its namespaced `_id`, and the caller learns nothing about the other record.
        storage_id = repository.namespaced_id(profile["_id"], record_id)
        try:
            return await insert(storage_id), True
        except DuplicateKeyError as exc:
            if not _is_id_clash(exc):
                raise
    return await _replayed_create(db, storage_id, profile=profile, content=content), False


async def _require_epoch(
    db: Database, profile_id: str, *, key_epoch: int, session: AsyncClientSession
) -> None:
    """Refuse a payload under an old profile key (after a family key rotation).

    Read after `allocate_seq` wrote the profile in this transaction, so a rotation cannot
    commit in between unnoticed (the two writes conflict and one retries).
    """
    current = await profiles.key_epoch_of(db, profile_id, session)
    if key_epoch != current:
        raise Conflict(
            f"The profile's key is at epoch {current}; re-read the profile and encrypt under "
            "its current key (docs/crypto.md, rotation)",
            code=STALE_KEY_EPOCH,
        )


def _is_id_clash(exc: DuplicateKeyError) -> bool:
    details = exc.details or {}
    pattern = details.get("keyPattern") or {}
    return pattern == {"_id": 1} or "_id_" in str(details.get("errmsg", ""))


async def _replayed_create(
    db: Database, record_id: str, *, profile: Document, content: Document
) -> Document:
    """Same id in the same profile again: identical content is the same create retried
    (200); anything else, a live record or a tombstone of this profile, is 409."""
    existing = await repository.find_record(
        db, record_id, profiles.scope_fields(profile), include_deleted=True
    )
    if (
        existing is not None
        and not existing.get("deleted")
        and existing["profile_id"] == profile["_id"]
        # `size` is derived from the payload (records stored before it lack it).
        and all(existing.get(name) == value for name, value in content.items() if name != "size")
    ):
        return existing
    raise Conflict("A different record already uses this id", code=codes.RECORD_ID_CONFLICT)


async def replace_record(
    db: Database,
    settings: Settings,
    *,
    principal: Principal,
    record: Document,
    caller: Access,
    body: RecordFields,
    if_match: IfMatch,
    gates: ProfileGates,
) -> Document:
    """PUT: the revision check and the write are one atomic update (no lost updates)."""
    check_size(body, settings)
    content = _content(body)
    if if_match.any or len(if_match.revisions) > 1:
        raise PreconditionRequired(
            "A record replacement needs If-Match with exactly one revision: the payload's AAD "
            "binds the revision the write produces (docs/crypto.md)"
        )
    revision = if_match.revision_filter()

    async def callback(session: AsyncClientSession) -> Document:
        seq = await profiles.allocate_seq(db, record["profile_id"], count=1, session=session)
        if seq is None:
            raise NotFound(RECORD_NOT_FOUND)  # its profile was deleted
        await _require_epoch(db, record["profile_id"], key_epoch=body.key_epoch, session=session)
        fields = {
            **content,
            "sort_key": repository.sort_key(body.occurred_at, public_id(record)),
            "seq": seq,
            "updated_at": now_ms(),
            "updated_by": principal.user_id,
        }
        updated = await repository.update_live(
            db,
            record["_id"],
            scope=caller.scope(),
            revision_filter=revision,
            update=repository.replacement(fields),
            session=session,
        )
        if updated is None:
            await _explain_miss(db, record["_id"], caller)
        return updated

    async with gates.turn(record["profile_id"]):
        return await run_transaction(db.client, callback)


async def delete_record(
    db: Database,
    settings: Settings,
    *,
    principal: Principal,
    record: Document,
    caller: Access,
    if_match: IfMatch | None,
    gates: ProfileGates,
) -> None:
    """DELETE: leave a tombstone (kept RECORD_TOMBSTONE_DAYS) with a new sequence number."""
    revision = None if if_match is None else if_match.revision_filter()

    async def callback(session: AsyncClientSession) -> None:
        seq = await profiles.allocate_seq(db, record["profile_id"], count=1, session=session)
        if seq is None:
            raise NotFound(RECORD_NOT_FOUND)
        now = now_ms()
        fields = {
            "seq": seq,
            "deleted_at": now,
            "updated_at": now,
            "updated_by": principal.user_id,
            "expires_at": now + timedelta(days=settings.RECORD_TOMBSTONE_DAYS),
        }
        done = await repository.update_live(
            db,
            record["_id"],
            scope=caller.scope(),
            revision_filter=revision,
            update=repository.tombstoning(fields),
            session=session,
        )
        if done is None:
            await _explain_miss(db, record["_id"], caller)

    async with gates.turn(record["profile_id"]):
        await run_transaction(db.client, callback)


async def _explain_miss(db: Database, record_id: str, caller: Access) -> NoReturn:
    """A conditional write matched nothing: gone (404) or changed since read (412).

    Raised inside the transaction, so the sequence number it reserved is rolled back too.
    """
    current = await repository.find_record(db, record_id, caller.scope())
    if current is None:
        raise NotFound(RECORD_NOT_FOUND)
    raise PreconditionFailed("The record changed since you read it; fetch it again")


async def list_records(
    db: Database,
    profile_id: str,
    *,
    kinds: list[str] | None,
    tags: list[str] | None,
    occurred_from: datetime | None,
    occurred_to: datetime | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page, newest `occurred_at` first (then id); returns the next page's cursor."""
    # `from` at or after `to` is an empty range: an empty page, not an error.
    if occurred_from is not None and occurred_to is not None and occurred_from >= occurred_to:
        return [], None
    low = repository.KEY_MIN if occurred_from is None else repository.time_key(occurred_from)
    high = repository.KEY_MAX if occurred_to is None else repository.time_key(occurred_to)
    if cursor is not None:
        high = min(high, decode_cursor(cursor))
    queries = repository.list_queries(
        profile_id,
        kinds=kinds,
        tags=tags,
        low=low,
        high=high,
        max_queries=MAX_FILTER_COMBINATIONS,
    )
    # Phase 1: order and sizes only (one small query per kind-and-tag pair), merged on ids.
    keys = await repository.list_keys(db, queries, limit + 1)
    chosen: list[Document] = []
    used = 0
    for key in keys[:limit]:
        size = key.get("size")
        if chosen and size is not None and used + int(size) > PAGE_BYTES_BUDGET:
            break
        chosen.append(key)
        used += int(size or 0)
    # Phase 2: the payloads of the chosen records only, loaded once each (bounded by the page
    # budget plus one record; records written before sizes were stored are checked below).
    loaded = await repository.load_records(db, [str(key["_id"]) for key in chosen])
    page: list[Document] = []
    used = 0
    for key in chosen:
        doc = loaded.get(key["_id"])
        if doc is None or not _still_listed(
            doc, profile_id, kinds=kinds, tags=tags, low=low, high=high
        ):
            continue  # deleted or changed between the two reads: no longer on this page
        if page and used + payload_size(doc) > PAGE_BYTES_BUDGET:
            break
        page.append(doc)
        used += payload_size(doc)
    more = len(page) < len(keys)
    last = page[-1] if page else (chosen[-1] if chosen else None)
    next_cursor = encode_cursor(last) if more and last is not None else None
    return [record_view(doc) for doc in page], next_cursor


def _still_listed(
    doc: Document,
    profile_id: str,
    *,
    kinds: list[str] | None,
    tags: list[str] | None,
    low: str,
    high: str,
) -> bool:
    """Whether a record loaded in phase 2 still matches the listing phase 1 found it in."""
    key = doc.get("sort_key")
    return (
        not doc.get("deleted")
        and doc.get("profile_id") == profile_id
        and isinstance(key, str)
        and low <= key < high
        and (not kinds or doc.get("kind") in kinds)
        and (not tags or bool(set(tags) & set(doc.get("tags", ()))))
    )


def encode_cursor(doc: Document) -> str:
    """Opaque to clients: the sort key of the last record returned (see CURSOR_PATTERN)."""
    return str(doc["sort_key"]).replace("|", ".", 1)


def decode_cursor(cursor: str) -> str:
    """The sort key of a cursor the route has matched against CURSOR_PATTERN."""
    return cursor.replace(".", "|", 1)
