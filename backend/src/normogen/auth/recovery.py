"""Account recovery: a phrase-derived second auth key and a second wrap of the user key.

The phrase never reaches the server. Setting it up needs the current auth key. Using it takes
three calls: `prelogin` (recovery KDF parameters), `unlock` (proves the recovery auth key and
returns the recovery-wrapped user key, which the client needs to re-wrap under a new password)
and `complete` (replaces the password credential, deletes the recovery credential: a phrase
works once, and the client sets up a new one at once, and ends every session). Failures look like
login failures and are locked out the same way (their own counter, keyed by the email's HMAC).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from normogen.auth import errors as codes
from normogen.auth import lockout, sessions
from normogen.auth.context import AuthContext
from normogen.auth.schemas import LoginResponse, RecoveryComplete, RecoverySetup, RecoveryUnlock
from normogen.auth.service import INVALID_CREDENTIALS, active_user, fake_kdf, reauthenticate
from normogen.auth.service import with_keys as login_response
from normogen.crypto.shapes import KdfParams, WrappedKey, b64decode, require_kdf_minimum
from normogen.db.client import Document
from normogen.errors import Unauthorized
from normogen.events.public import EventType, record
from normogen.users import repository as users


async def prelogin(ctx: AuthContext, email: str) -> KdfParams:
    """The recovery KDF parameters, or fake ones of the same shape."""
    user = await users.find_by_email(ctx.db, email)
    recovery = user.get("recovery") if user and user.get("status") == users.ACTIVE else None
    if not recovery:
        return fake_kdf(ctx, "recovery", email)
    return KdfParams.model_validate(recovery["kdf"], strict=False)


async def setup(ctx: AuthContext, user_id: str, *, session_id: str, body: RecoverySetup) -> None:
    """Store (or replace) the recovery credential; needs the current auth key."""
    require_kdf_minimum(body.recovery_kdf, ctx.settings, "recovery_kdf")
    user = await active_user(ctx, user_id)
    await reauthenticate(ctx, user, body.auth_key)
    now = datetime.now(UTC)
    recovery = {
        "auth_hash": await ctx.hasher.hash(b64decode(body.recovery_auth_key)),
        "kdf": body.recovery_kdf.to_doc(),
        "wrapped_user_key": body.recovery_wrapped_user_key.to_doc(),
        "updated_at": now,
    }
    if not await users.set_recovery(ctx.db, user_id, recovery=recovery, now=now):
        raise Unauthorized("Invalid or expired access token", code=codes.INVALID_TOKEN)
    await record(ctx.db, user_id, EventType.RECOVERY_SET, origin=ctx.origin, session_id=session_id)


async def _verified_user(ctx: AuthContext, email: str, recovery_auth_key: str) -> Document:
    """The active user whose recovery credential this is, else the uniform 401 (locked out
    after repeated failures, unknown emails included)."""
    key = lockout.lockout_key(ctx, "recovery", email)
    attempt = await lockout.begin_attempt(ctx, key)
    user = await users.find_by_email(ctx.db, email)
    secret = b64decode(recovery_auth_key)
    active = user is not None and user.get("status") == users.ACTIVE
    recovery = user.get("recovery") if user is not None and active else None
    if recovery:
        verified = await ctx.hasher.verify(recovery["auth_hash"], secret)
    else:
        await ctx.hasher.verify_dummy(secret)
        verified = False
    if not verified or user is None or not recovery:
        await lockout.record_failure(ctx, attempt)
        ctx.runtime.metrics.auth_failures.labels("recovery").inc()
        if user is not None and active:
            await record(ctx.db, user["_id"], EventType.RECOVERY_FAILED, origin=ctx.origin)
        raise Unauthorized(INVALID_CREDENTIALS, code=codes.INVALID_CREDENTIALS)
    return user


async def unlock(ctx: AuthContext, body: RecoveryUnlock) -> tuple[str, WrappedKey]:
    """The user id and recovery-wrapped user key, for a caller proving the recovery auth key."""
    user = await _verified_user(ctx, body.email, body.recovery_auth_key)
    wrapped = WrappedKey.model_validate(user["recovery"]["wrapped_user_key"], strict=False)
    return str(user["_id"]), wrapped


async def complete(ctx: AuthContext, body: RecoveryComplete) -> LoginResponse:
    """Reset the password credential with the recovery auth key; all sessions end."""
    require_kdf_minimum(body.new_kdf, ctx.settings, "new_kdf")
    user = await _verified_user(ctx, body.email, body.recovery_auth_key)
    changes: dict[str, Any] = {
        "auth_hash": await ctx.hasher.hash(b64decode(body.new_auth_key)),
        "kdf": body.new_kdf.to_doc(),
        "wrapped_user_key": body.new_wrapped_user_key.to_doc(),
        "recovery": None,  # single use (docs/crypto.md): the client sets up a new phrase
        "generation": sessions.new_generation(),  # every session of the old credential dies
    }
    user_id = str(user["_id"])
    now = datetime.now(UTC)
    recovery_hash = user["recovery"]["auth_hash"]
    if not await users.replace_after_recovery(
        ctx.db, user_id, recovery_hash=recovery_hash, changes=changes, now=now
    ):
        raise Unauthorized(INVALID_CREDENTIALS, code=codes.INVALID_CREDENTIALS)
    await lockout.clear(ctx, lockout.lockout_key(ctx, "recovery", body.email))
    await lockout.clear(ctx, lockout.lockout_key(ctx, "login", body.email))
    await sessions.revoke_all(ctx, user_id)
    pair = await sessions.start_session(
        ctx, user_id, device_name=body.device_name, generation=changes["generation"]
    )
    await record(
        ctx.db, user_id, EventType.RECOVERY_USED, origin=ctx.origin, session_id=pair.session_id
    )
    return login_response(pair, {**user, **changes})
