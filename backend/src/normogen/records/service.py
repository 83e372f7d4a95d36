"""Record use cases: idempotent create, list, conditional replace and delete (tombstones).

Every write runs in one transaction whose first statement reserves the next sequence number
of the record's profile; see `records.sync` for why that makes the changes feed complete.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from normogen.auth.principal import Principal
from normogen.conditional import IfMatch
from normogen.config import Settings
from normogen.db.client import Database, Document
from normogen.db.transactions import run_transaction
from normogen.errors import (
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
)
from normogen.profiles import access
from normogen.profiles import repository as profiles
from normogen.profiles.access import Access
from normogen.records import repository
from normogen.records.gate import ProfileGates
from normogen.records.schemas import RecordCreate, RecordFields
from normogen.records.views import payload_size, record_view

RECORD_NOT_FOUND = "Record not found"
# A listing runs one indexed query per kind-and-tag pair (see records.repository).
MAX_FILTER_COMBINATIONS = 32
_CURSOR = re.compile(r"[0-9a-f]{14}\|[0-9a-f-]{36}")
# A page stops early once its ciphertext passes this size (at least one record is returned).
PAGE_BYTES_BUDGET = 8 * 1024 * 1024


def now_ms() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def check_size(body: RecordFields, settings: Settings) -> None:
    """Decoded ciphertext bytes against MAX_RECORD_BYTES (413)."""
    data = body.payload.data
    size = len(data) // 4 * 3 - data[-2:].count("=") if data else 0
    if size > settings.MAX_RECORD_BYTES:
        raise PayloadTooLarge(
            f"payload is {size} bytes; at most {settings.MAX_RECORD_BYTES} are allowed",
            code="record_too_large",
        )


def _content(body: RecordFields) -> Document:
    """The client's fields as stored (the same dict a retried create is compared with)."""
    return {
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
    principal: Principal,
    profile: Document,
    body: RecordCreate,
    gates: ProfileGates,
) -> tuple[Document, bool]:
    """Insert a record; returns it and whether it was created now (False: an identical retry)."""
    check_size(body, settings)
    record_id = body.id or str(uuid.uuid4())
    content = _content(body)

    async def callback(session: AsyncClientSession) -> Document:
        seq = await profiles.allocate_seq(db, profile["_id"], 1, session)
        if seq is None:
            raise NotFound("Profile not found")  # deleted since the request was authorised
        await _require_epoch(db, profile["_id"], body.key_epoch, session)
        now = now_ms()
        doc: Document = {
            "_id": record_id,
            "profile_id": profile["_id"],
            **access.scope_fields(profile),
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
        await repository.insert_record(db, doc, session)
        return doc

    try:
        async with gates.turn(profile["_id"]):
            return await run_transaction(db.client, callback), True
    except DuplicateKeyError as exc:
        if not _is_id_clash(exc):
            raise
    return await _replayed_create(db, record_id, profile, content), False


async def _require_epoch(
    db: Database, profile_id: str, key_epoch: int, session: AsyncClientSession
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
            code="stale_key_epoch",
        )


def _is_id_clash(exc: DuplicateKeyError) -> bool:
    details = exc.details or {}
    pattern = details.get("keyPattern") or {}
    return pattern == {"_id": 1} or "_id_" in str(details.get("errmsg", ""))


async def _replayed_create(
    db: Database, record_id: str, profile: Document, content: Document
) -> Document:
    """Same id again: identical content is the same create retried; anything else is 409."""
    existing = await repository.find_record(
        db, record_id, access.scope_fields(profile), include_deleted=True
    )
    if (
        existing is not None
        and not existing.get("deleted")
        and existing["profile_id"] == profile["_id"]
        and all(existing.get(name) == value for name, value in content.items())
    ):
        return existing
    raise Conflict("A different record already uses this id", code="record_id_conflict")


async def replace_record(
    db: Database,
    settings: Settings,
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
        seq = await profiles.allocate_seq(db, record["profile_id"], 1, session)
        if seq is None:
            raise NotFound(RECORD_NOT_FOUND)  # its profile was deleted
        await _require_epoch(db, record["profile_id"], body.key_epoch, session)
        fields = {
            **content,
            "sort_key": repository.sort_key(body.occurred_at, record["_id"]),
            "seq": seq,
            "updated_at": now_ms(),
            "updated_by": principal.user_id,
        }
        updated = await repository.update_live(
            db, record["_id"], caller.scope(), revision, repository.replacement(fields), session
        )
        if updated is None:
            await _explain_miss(db, record["_id"], caller)
        return updated

    async with gates.turn(record["profile_id"]):
        return await run_transaction(db.client, callback)


async def delete_record(
    db: Database,
    settings: Settings,
    principal: Principal,
    record: Document,
    caller: Access,
    if_match: IfMatch | None,
    gates: ProfileGates,
) -> None:
    """DELETE: leave a tombstone (kept RECORD_TOMBSTONE_DAYS) with a new sequence number."""
    revision = None if if_match is None else if_match.revision_filter()

    async def callback(session: AsyncClientSession) -> None:
        seq = await profiles.allocate_seq(db, record["profile_id"], 1, session)
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
            db, record["_id"], caller.scope(), revision, repository.tombstoning(fields), session
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
    if occurred_from is not None and occurred_to is not None and occurred_from >= occurred_to:
        raise BadRequest("`from` must be earlier than `to`", code="invalid_range")
    if len(kinds or ()) * len(tags or ()) > MAX_FILTER_COMBINATIONS:
        raise BadRequest(
            f"At most {MAX_FILTER_COMBINATIONS} kind-and-tag combinations per listing",
            code="too_many_filters",
        )
    low = repository.KEY_MIN if occurred_from is None else repository.time_key(occurred_from)
    high = repository.KEY_MAX if occurred_to is None else repository.time_key(occurred_to)
    if cursor is not None:
        high = min(high, decode_cursor(cursor))
    queries = repository.list_queries(profile_id, kinds=kinds, tags=tags, low=low, high=high)
    docs = await repository.list_records(db, queries, limit + 1)
    page: list[Document] = []
    used = 0
    for doc in docs[:limit]:
        if page and used + payload_size(doc) > PAGE_BYTES_BUDGET:
            break
        page.append(doc)
        used += payload_size(doc)
    more = len(page) < len(docs)
    next_cursor = encode_cursor(page[-1]) if more and page else None
    return [record_view(doc) for doc in page], next_cursor


def encode_cursor(doc: Document) -> str:
    """Opaque: the sort key of the last record returned."""
    return base64.urlsafe_b64encode(str(doc["sort_key"]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error):
        key = ""
    if not _CURSOR.fullmatch(key):
        raise BadRequest("Invalid cursor", code="invalid_cursor")
    return key


async def live_record_ids(db: Database, profile_id: str, session: AsyncClientSession) -> list[str]:
    """For profile deletion: the records to tombstone, read in the deleting transaction."""
    return await repository.live_ids(db, profile_id, session)


async def tombstone_records(
    db: Database,
    profile_id: str,
    ids: list[str],
    first_seq: int,
    fields: Document,
    session: AsyncClientSession,
) -> None:
    """For profile deletion: tombstone `ids` with sequence numbers from `first_seq` on."""
    pairs = [(record_id, first_seq + offset) for offset, record_id in enumerate(ids)]
    await repository.tombstone_many(db, profile_id, pairs, fields, session)
