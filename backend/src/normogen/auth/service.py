"""Zero-knowledge authentication: prelogin, register, login, re-authentication, password change.

The server only ever sees the client's auth key (derived from the password, as
clients/python/README.md describes) and stores an Argon2id hash of it. Unknown emails and
wrong keys look the same: same 401 body, same work (a dummy Argon2 verification), same lockout
behaviour.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from normogen.auth import errors as codes
from normogen.auth import lockout, sessions
from normogen.auth.context import AuthContext
from normogen.auth.schemas import (
    AccountKeys,
    ChangePasswordRequest,
    LoginRequest,
    LoginResponse,
    RegisterRequest,
    TokenResponse,
)
from normogen.auth.sessions import TokenPair
from normogen.crypto.shapes import KdfParams, b64decode, require_kdf_minimum
from normogen.db.client import Document
from normogen.errors import Conflict, Forbidden, Unauthorized
from normogen.events.public import EventType, record
from normogen.users import errors as users_codes
from normogen.users import repository as users
from normogen.users.deletion import finish_deletion

# The reference client's default (OWASP): what a fake KDF answer must look like.
CLIENT_DEFAULT_ITERATIONS = 600_000
FAKE_SALT_BYTES = 16  # the reference client's salt length
INVALID_CREDENTIALS = "Invalid email or auth key"
DEFAULT_SETTINGS: Document = {"language": "en", "timezone": "UTC", "preferences": None}


def fake_kdf(ctx: AuthContext, purpose: str, email: str) -> KdfParams:
    """Deterministic, plausible KDF parameters for an email without a (recovery) credential."""
    salt = ctx.keyed_digest(f"fake-kdf/{purpose}", email)[:FAKE_SALT_BYTES]
    iterations = max(ctx.settings.KDF_MIN_ITERATIONS, CLIENT_DEFAULT_ITERATIONS)
    return KdfParams(
        algorithm="pbkdf2-sha256", iterations=iterations, salt=base64.b64encode(salt).decode()
    )


def to_tokens(pair: TokenPair) -> TokenResponse:
    return TokenResponse(
        user_id=pair.user_id,
        session_id=pair.session_id,
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )


def keys_of(user: Document) -> AccountKeys:
    return AccountKeys.model_validate(
        {name: user[name] for name in AccountKeys.model_fields}, strict=False
    )


def with_keys(pair: TokenPair, user: Document) -> LoginResponse:
    return LoginResponse(**to_tokens(pair).model_dump(), keys=keys_of(user))


async def prelogin(ctx: AuthContext, email: str) -> KdfParams:
    user = await users.find_by_email(ctx.db, email)
    if user is None or user.get("status") != users.ACTIVE:
        return fake_kdf(ctx, "login", email)
    return KdfParams.model_validate(user["kdf"], strict=False)


async def register(ctx: AuthContext, body: RegisterRequest) -> TokenResponse:
    """Create the account and its first session. A taken email is a 409 (see router)."""
    require_kdf_minimum(body.kdf, ctx.settings, "kdf")
    now = datetime.now(UTC)
    user: Document = {
        "_id": body.user_id,
        "email": body.email,
        "status": users.ACTIVE,
        "created_at": now,
        "updated_at": now,
        "auth_hash": await ctx.hasher.hash(b64decode(body.auth_key)),
        "kdf": body.kdf.to_doc(),
        "wrapped_user_key": body.wrapped_user_key.to_doc(),
        "public_key": body.public_key,
        "wrapped_private_key": body.wrapped_private_key.to_doc(),
        "identity_key": body.identity_key,
        "wrapped_identity_key": body.wrapped_identity_key.to_doc(),
        "recovery": None,
        "settings": dict(DEFAULT_SETTINGS),
        "generation": sessions.new_generation(),
    }
    try:
        await users.insert_user(ctx.db, user)
    except DuplicateKeyError as exc:
        if _id_clash(exc):
            raise Conflict(
                "This user id is taken; generate another", code=codes.USER_ID_TAKEN
            ) from None
        existing = await users.find_by_email(ctx.db, body.email)
        if existing is None or existing.get("status") != users.DELETING:
            raise Conflict(
                "An account with this email already exists", code=users_codes.EMAIL_TAKEN
            ) from None
        # The previous owner's deletion was interrupted: finish it, then the email is free.
        await finish_deletion(ctx.db, str(existing["_id"]))
        try:
            await users.insert_user(ctx.db, user)
        except DuplicateKeyError:
            raise Conflict(
                "An account with this email already exists", code=users_codes.EMAIL_TAKEN
            ) from None
    pair = await sessions.start_session(ctx, user["_id"], device_name=body.device_name)
    await record(
        ctx.db, user["_id"], EventType.REGISTERED, origin=ctx.origin, session_id=pair.session_id
    )
    return to_tokens(pair)


def _id_clash(exc: DuplicateKeyError) -> bool:
    """The client-chosen `_id` exists already (as opposed to the email)."""
    details = exc.details or {}
    return details.get("keyPattern") == {"_id": 1} or "_id_" in str(details.get("errmsg", ""))


async def login(ctx: AuthContext, body: LoginRequest) -> LoginResponse:
    key = lockout.lockout_key(ctx, "login", body.email)
    attempt = await lockout.begin_attempt(ctx, key)
    user = await users.find_by_email(ctx.db, body.email)
    secret = b64decode(body.auth_key)
    if user is not None and user.get("status") == users.ACTIVE:
        verified = await ctx.hasher.verify(user["auth_hash"], secret)
    else:
        await ctx.hasher.verify_dummy(secret)  # same work as a real check
        verified = False
    if not verified or user is None:
        await lockout.record_failure(ctx, attempt)
        ctx.runtime.metrics.auth_failures.labels("invalid_credentials").inc()
        if user is not None and user.get("status") == users.ACTIVE:
            await record(ctx.db, user["_id"], EventType.LOGIN_FAILED, origin=ctx.origin)
        raise Unauthorized(INVALID_CREDENTIALS, code=codes.INVALID_CREDENTIALS)
    await lockout.clear(ctx, key)
    await _rehash_if_needed(ctx, user, secret)
    # Bound to the credential just verified: a change or deletion since then voids it (401).
    pair = await sessions.start_session(
        ctx, user["_id"], device_name=body.device_name, generation=user.get("generation")
    )
    await record(
        ctx.db, user["_id"], EventType.LOGIN, origin=ctx.origin, session_id=pair.session_id
    )
    return with_keys(pair, user)


async def _rehash_if_needed(ctx: AuthContext, user: Document, secret: bytes) -> None:
    """Upgrade a hash made with older Argon2 parameters, now that we hold the auth key."""
    if ctx.hasher.needs_rehash(user["auth_hash"]):
        new_hash = await ctx.hasher.hash(secret)
        await users.replace_auth_hash(
            ctx.db, user["_id"], old=user["auth_hash"], new=new_hash, now=datetime.now(UTC)
        )


async def active_user(ctx: AuthContext, user_id: str) -> Document:
    """The caller's user document; a vanished or deleting account is a 401."""
    user = await users.find_active(ctx.db, user_id)
    if user is None:
        raise Unauthorized("Invalid or expired access token", code=codes.INVALID_TOKEN)
    return user


async def reauthenticate(ctx: AuthContext, user: Document, auth_key: str) -> None:
    """Check the current auth key of a logged-in user (sensitive changes); 403 when wrong."""
    key = lockout.lockout_key(ctx, "login", user["email"])
    attempt = await lockout.begin_attempt(ctx, key)
    secret = b64decode(auth_key)
    if not await ctx.hasher.verify(user["auth_hash"], secret):
        await lockout.record_failure(ctx, attempt)
        ctx.runtime.metrics.auth_failures.labels("reauthentication").inc()
        await record(ctx.db, user["_id"], EventType.LOGIN_FAILED, origin=ctx.origin)
        raise Forbidden("The auth key is not correct", code=codes.INVALID_CREDENTIALS)
    await lockout.clear(ctx, key)


async def change_password(
    ctx: AuthContext, user_id: str, *, session_id: str, body: ChangePasswordRequest
) -> TokenResponse:
    """Swap the credential and re-wrapped user key; every session ends, a new one starts."""
    require_kdf_minimum(body.new_kdf, ctx.settings, "new_kdf")
    user = await active_user(ctx, user_id)
    await reauthenticate(ctx, user, body.current_auth_key)
    changes: dict[str, Any] = {
        "auth_hash": await ctx.hasher.hash(b64decode(body.new_auth_key)),
        "kdf": body.new_kdf.to_doc(),
        "wrapped_user_key": body.new_wrapped_user_key.to_doc(),
        "generation": sessions.new_generation(),  # every session of the old credential dies
    }
    now = datetime.now(UTC)
    if not await users.replace_credentials(
        ctx.db, user_id, expected_hash=user["auth_hash"], changes=changes, now=now
    ):
        raise Conflict("The credential changed concurrently; retry", code=codes.CREDENTIAL_CHANGED)
    current = await sessions.find_session(ctx, user_id, session_id)
    device = current.get("device_name") if current else None
    await sessions.revoke_all(ctx, user_id)
    pair = await sessions.start_session(
        ctx, user_id, device_name=device, generation=changes["generation"]
    )
    await record(
        ctx.db, user_id, EventType.PASSWORD_CHANGED, origin=ctx.origin, session_id=pair.session_id
    )
    return to_tokens(pair)
