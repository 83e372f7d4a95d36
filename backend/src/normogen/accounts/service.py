"""The account itself: profile, email change, settings, deletion and streamed export."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from normogen.accounts.schemas import AccountSettings, UserRead
from normogen.auth.public import DEFAULT_SETTINGS, AuthContext, reauthenticate, revoke_all
from normogen.auth.public import codes as auth_codes
from normogen.db.client import Database, Document
from normogen.errors import Conflict, Unauthorized
from normogen.events.public import EventType, record
from normogen.users import deletion
from normogen.users import errors as users_codes
from normogen.users import repository as users
from normogen.users.owned import registered
from normogen.users.principal import Principal

EXPORT_FORMAT = "normogen-export"
EXPORT_VERSION = 1
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Account:
    principal: Principal
    user: Document

    @property
    def user_id(self) -> str:
        return self.principal.user_id


def read(user: Document) -> UserRead:
    return UserRead(
        id=user["_id"],
        email=user["email"],
        created_at=user["created_at"],
        has_recovery=bool(user.get("recovery")),
    )


async def change_email(
    ctx: AuthContext, account: Account, *, auth_key: str, email: str
) -> UserRead:
    await reauthenticate(ctx, account.user, auth_key)
    try:
        updated = await users.set_email(ctx.db, account.user_id, email=email, now=datetime.now(UTC))
    except DuplicateKeyError:
        raise Conflict(
            "An account with this email already exists", code=users_codes.EMAIL_TAKEN
        ) from None
    if updated is None:
        raise Unauthorized("Invalid or expired access token", code=auth_codes.INVALID_TOKEN)
    await record(
        ctx.db,
        account.user_id,
        EventType.EMAIL_CHANGED,
        origin=ctx.origin,
        session_id=account.principal.session_id,
    )
    return read(updated)


def settings_of(user: Document) -> AccountSettings:
    stored = {**DEFAULT_SETTINGS, **(user.get("settings") or {})}
    return AccountSettings.model_validate(stored, strict=False)


async def put_settings(ctx: AuthContext, account: Account, body: AccountSettings) -> None:
    doc = body.model_dump(by_alias=True)
    if not await users.set_settings(ctx.db, account.user_id, settings=doc, now=datetime.now(UTC)):
        raise Unauthorized("Invalid or expired access token", code=auth_codes.INVALID_TOKEN)


async def delete(ctx: AuthContext, account: Account, auth_key: str) -> None:
    """Delete the account and everything it owns (see `normogen.users.deletion`)."""
    await reauthenticate(ctx, account.user, auth_key)
    if not await deletion.start_deletion(ctx.db, account.user_id):
        raise Unauthorized("Invalid or expired access token", code=auth_codes.INVALID_TOKEN)
    await revoke_all(ctx, account.user_id)  # also clears this process's cache
    await deletion.finish_deletion(ctx.db, account.user_id)


def _json(value: Any) -> bytes:
    return json.dumps(value, default=_encode, separators=(",", ":"), ensure_ascii=False).encode()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def _account_section(user: Document) -> dict[str, Any]:
    recovery = user.get("recovery")
    return {
        "id": user["_id"],
        "email": user["email"],
        "created_at": user["created_at"],
        "kdf": user["kdf"],
        "wrapped_user_key": user["wrapped_user_key"],
        "public_key": user["public_key"],
        "wrapped_private_key": user["wrapped_private_key"],
        "identity_key": user.get("identity_key"),
        "wrapped_identity_key": user.get("wrapped_identity_key"),
        # The recovery wrap is ciphertext; its auth hash is a verifier and stays behind.
        "recovery": (
            {"kdf": recovery["kdf"], "wrapped_user_key": recovery["wrapped_user_key"]}
            if recovery
            else None
        ),
        "settings": user.get("settings"),
    }


async def export(db: Database, user: Document) -> AsyncIterator[bytes]:
    """One JSON document, produced section by section from the owned-data registry."""
    header = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC),
        "user_id": user["_id"],
    }
    buffer = bytearray(_json(header)[:-1])
    buffer += b',"sections":{"account":' + _json(_account_section(user))
    for owned in registered():
        buffer += b"," + _json(owned.name) + b":["
        first = True
        async for item in owned.export(db, user["_id"]):
            if not first:
                buffer += b","
            buffer += _json(item)
            first = False
            if len(buffer) >= _CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
        buffer += b"]"
    buffer += b"}}"
    yield bytes(buffer)
