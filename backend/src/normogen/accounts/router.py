"""/api/v1/users/me: the account, its settings, security events, export and deletion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import StreamingResponse

from normogen.accounts import service
from normogen.accounts.dependencies import CurrentAccount
from normogen.accounts.schemas import (
    AccountDelete,
    AccountSettings,
    EventPage,
    EventRead,
    UserRead,
    UserUpdate,
)
from normogen.auth.public import AuthContextDep
from normogen.errors import responses
from normogen.events import public as events

router = APIRouter(prefix="/api/v1/users/me", tags=["account"])


@router.get("")
async def get_me(account: CurrentAccount) -> UserRead:
    """The caller's account."""
    return service.read(account.user)


@router.patch("", responses=responses(403, 409))
async def update_me(body: UserUpdate, account: CurrentAccount, ctx: AuthContextDep) -> UserRead:
    """Change the login email (needs the current auth key)."""
    return await service.change_email(ctx, account, auth_key=body.auth_key, email=body.email)


@router.delete("", status_code=204, responses=responses(403))
async def delete_me(body: AccountDelete, account: CurrentAccount, ctx: AuthContextDep) -> Response:
    """Delete the account and every object it owns (needs the current auth key)."""
    await service.delete(ctx, account, body.auth_key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/settings")
async def get_settings(account: CurrentAccount) -> AccountSettings:
    """Language, time zone and the encrypted preferences envelope."""
    return service.settings_of(account.user)


@router.put("/settings")
async def put_settings(
    body: AccountSettings, account: CurrentAccount, ctx: AuthContextDep
) -> AccountSettings:
    """Replace the account settings."""
    await service.put_settings(ctx, account, body)
    return body


@router.get("/events")
async def list_events(
    account: CurrentAccount,
    ctx: AuthContextDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(pattern=events.CURSOR_PATTERN)] = None,
) -> EventPage:
    """Security events of the account, newest first (`next` pages to older ones)."""
    found, next_cursor = await events.page(ctx.db, account.user_id, limit=limit, cursor=cursor)
    return EventPage(events=[EventRead(**event) for event in found], next=next_cursor)


EXPORT_SCHEMA = {
    "type": "object",
    "required": ["format", "version", "exported_at", "user_id", "sections"],
    "properties": {
        "format": {"type": "string"},
        "version": {"type": "integer"},
        "exported_at": {"type": "string", "format": "date-time"},
        "user_id": {"type": "string"},
        "sections": {
            "type": "object",
            "required": ["account"],
            "description": "`account`, then one array per kind of owned data (ciphertext only)",
            "properties": {"account": {"type": "object"}},
            "additionalProperties": {"type": "array", "items": {"type": "object"}},
        },
    },
}


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/json": {"schema": EXPORT_SCHEMA}}}},
)
async def export(account: CurrentAccount, ctx: AuthContextDep) -> StreamingResponse:
    """Everything the caller owns, as ciphertext, streamed as one JSON document."""
    return StreamingResponse(
        service.export(ctx.db, account.user),
        media_type="application/json",
        # Cache-Control: no-store comes with every /api response (security headers).
        headers={"Content-Disposition": 'attachment; filename="normogen-export.json"'},
    )
