"""Routes under /api/v1/records: create, list, read, replace (If-Match) and delete."""

from __future__ import annotations

from typing import Annotated, get_args
from uuid import UUID

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from normogen.auth.public import TOKEN_REQUIRED, CurrentUser, current_user
from normogen.conditional import IfMatchHeader, json_response, parse_if_match, require_if_match
from normogen.db.client import Document
from normogen.dependencies import DatabaseDep, RuntimeDep, runtime_of
from normogen.direct_routes import direct_get
from normogen.errors import responses
from normogen.profiles.public import ReadableProfile, writable_profile
from normogen.records import service
from normogen.records.dependencies import GatesDep, WritableRecord, readable_record
from normogen.records.schemas import (
    DEFAULT_PAGE,
    MAX_PAGE,
    MAX_TAGS,
    RecordCreate,
    RecordKind,
    RecordPage,
    RecordRead,
    RecordUpdate,
    Tag,
)
from normogen.records.views import record_view
from normogen.schemas import UtcDatetime

PREFIX = "/api/v1/records"
router = APIRouter(prefix=PREFIX, tags=["records"])
MAX_KIND_FILTER = len(get_args(RecordKind))


CREATE_RESPONSES = responses(403, 404, 409, 413, headers={201: ["ETag", "Location"]})
# A create retried with the same id and content answers the record again, with 200.
CREATE_RESPONSES[200] = {
    "model": RecordRead,
    "description": "The record this id already names, with the same content",
    "headers": CREATE_RESPONSES[201]["headers"],
}


def _created(doc: Document, status: int) -> Response:
    location = f"{PREFIX}/{doc['_id']}"
    return json_response(record_view(doc), status, revision=doc["revision"], location=location)


@router.post(
    "",
    status_code=201,
    response_model=RecordRead,
    responses=CREATE_RESPONSES,
)
async def create_record(
    body: RecordCreate,
    principal: CurrentUser,
    db: DatabaseDep,
    runtime: RuntimeDep,
    gates: GatesDep,
) -> Response:
    """Create a record (201); a retry with the same `id` and content returns it again (200)."""
    profile = await writable_profile(UUID(body.profile_id), db, principal)
    settings = runtime.settings
    doc, created = await service.create_record(
        db, settings, principal=principal, profile=profile.doc, body=body, gates=gates
    )
    return _created(doc, 201 if created else 200)


@router.get("", response_model=RecordPage, responses=responses(404))
async def list_records(
    profile: ReadableProfile,
    db: DatabaseDep,
    kind: Annotated[list[RecordKind] | None, Query(max_length=MAX_KIND_FILTER)] = None,
    tag: Annotated[list[Tag] | None, Query(max_length=MAX_TAGS)] = None,
    occurred_from: Annotated[UtcDatetime | None, Query(alias="from")] = None,
    occurred_to: Annotated[UtcDatetime | None, Query(alias="to")] = None,
    cursor: Annotated[str | None, Query(pattern=service.CURSOR_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
) -> Response:
    """A profile's records, newest `occurred_at` first; `from` inclusive, `to` exclusive.

    Filters: any of the `kind`s, any of the `tag`s; `from` at or after `to` is an empty page.
    """
    records, next_cursor = await service.list_records(
        db,
        profile.id,
        kinds=list(kind) if kind else None,
        tags=list(tag) if tag else None,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        cursor=cursor,
        limit=limit,
    )
    return json_response({"records": records, "next_cursor": next_cursor})


@router.get(
    "/{record_id}",
    response_model=RecordRead,
    openapi_extra=TOKEN_REQUIRED,
    responses=responses(404, headers={200: ["ETag"]}),
)
async def get_record(record_id: UUID, request: Request) -> Response:
    """One record; its revision is the ETag to send back as If-Match."""
    # The busiest route is served directly (normogen.direct_routes), without dependencies.
    runtime = runtime_of(request)
    db = runtime.db
    record = await readable_record(record_id, db, await current_user(request, runtime, db))
    return json_response(record_view(record.doc), revision=record.doc["revision"])


# Well-formed ids reach `get_record` directly; the route above documents it and answers the rest.
DIRECT_ROUTES = [direct_get(PREFIX + "/{record_id:uuid}", get_record)]


@router.put(
    "/{record_id}",
    response_model=RecordRead,
    responses=responses(403, 404, 409, 412, 413, 428, headers={200: ["ETag"]}),
)
async def replace_record(
    record: WritableRecord,
    body: RecordUpdate,
    principal: CurrentUser,
    db: DatabaseDep,
    runtime: RuntimeDep,
    gates: GatesDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Replace a record's content; needs If-Match (428 without, 412 when stale)."""
    condition = require_if_match(if_match)
    doc = await service.replace_record(
        db,
        runtime.settings,
        principal=principal,
        record=record.doc,
        caller=record.access,
        body=body,
        if_match=condition,
        gates=gates,
    )
    return json_response(record_view(doc), revision=doc["revision"])


@router.delete("/{record_id}", status_code=204, responses=responses(403, 404, 412))
async def delete_record(
    record: WritableRecord,
    principal: CurrentUser,
    db: DatabaseDep,
    runtime: RuntimeDep,
    gates: GatesDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Delete a record, leaving a tombstone for syncing devices; If-Match is optional."""
    condition = parse_if_match(if_match)
    await service.delete_record(
        db,
        runtime.settings,
        principal=principal,
        record=record.doc,
        caller=record.access,
        if_match=condition,
        gates=gates,
    )
    return Response(status_code=204)
