"""/api/v1/auth: prelogin, register, login, refresh, logout, sessions, password and recovery."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from normogen.auth import errors as codes
from normogen.auth import recovery, rotation, service, sessions
from normogen.auth.dependencies import AuthContextDep, CurrentUser, per_ip_limit
from normogen.auth.schemas import (
    ChangePasswordRequest,
    LoginRequest,
    LoginResponse,
    PreloginRequest,
    PreloginResponse,
    RecoveryComplete,
    RecoverySetup,
    RecoveryUnlock,
    RecoveryUnlockResponse,
    RefreshRequest,
    RegisterRequest,
    RotateUserKey,
    SessionList,
    SessionRead,
    TokenResponse,
)
from normogen.errors import NotFound, responses
from normogen.events.public import EventType, record

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.post("/prelogin", dependencies=[per_ip_limit("prelogin")])
async def prelogin(body: PreloginRequest, ctx: AuthContextDep) -> PreloginResponse:
    """KDF parameters for an email; deterministic fake ones when there is no such account."""
    return PreloginResponse(kdf=await service.prelogin(ctx, body.email))


@router.post(
    "/register", status_code=201, dependencies=[per_ip_limit("register")], responses=responses(409)
)
async def register(body: RegisterRequest, ctx: AuthContextDep) -> TokenResponse:
    """Create an account from client-derived material; 409 `email_taken` if the email is used.

    A 409 tells the caller the email has an account, as at most services; the strict per-IP
    register limit keeps that from becoming a bulk enumeration oracle.
    """
    return await service.register(ctx, body)


@router.post("/login", dependencies=[per_ip_limit("login")], responses=responses(401))
async def login(body: LoginRequest, ctx: AuthContextDep) -> LoginResponse:
    """Exchange the auth key for tokens and the account's wrapped keys."""
    return await service.login(ctx, body)


@router.post("/refresh", responses=responses(401))
async def refresh(body: RefreshRequest, ctx: AuthContextDep) -> TokenResponse:
    """Rotate a refresh token; a replayed old one revokes the whole session."""
    return service.to_tokens(await sessions.refresh(ctx, body.refresh_token))


@router.post("/logout", status_code=204)
async def logout(user: CurrentUser, ctx: AuthContextDep) -> Response:
    """End this session; its access and refresh tokens stop working."""
    await sessions.revoke(ctx, user.user_id, user.session_id)
    await record(
        ctx.db, user.user_id, EventType.LOGOUT, origin=ctx.origin, session_id=user.session_id
    )
    return Response(status_code=NO_CONTENT)


@router.post("/logout-all", status_code=204)
async def logout_all(user: CurrentUser, ctx: AuthContextDep) -> Response:
    """End every session of the account, this one included."""
    await sessions.revoke_all(ctx, user.user_id)
    await record(
        ctx.db, user.user_id, EventType.LOGOUT_ALL, origin=ctx.origin, session_id=user.session_id
    )
    return Response(status_code=NO_CONTENT)


@router.get("/sessions")
async def list_sessions(user: CurrentUser, ctx: AuthContextDep) -> SessionList:
    """The account's active sessions (devices), newest first."""
    found = await sessions.list_sessions(ctx, user.user_id, user.session_id)
    return SessionList(sessions=[SessionRead(**session) for session in found])


@router.delete("/sessions/{session_id}", status_code=204, responses=responses(404))
async def revoke_session(session_id: str, user: CurrentUser, ctx: AuthContextDep) -> Response:
    """Revoke one of the caller's sessions; another account's session id is a 404."""
    if len(session_id) > 64 or not await sessions.revoke(ctx, user.user_id, session_id):
        raise NotFound("Session not found", code=codes.SESSION_NOT_FOUND)
    await record(
        ctx.db, user.user_id, EventType.SESSION_REVOKED, origin=ctx.origin, session_id=session_id
    )
    return Response(status_code=NO_CONTENT)


@router.post("/change-password", responses=responses(403, 409))
async def change_password(
    body: ChangePasswordRequest, user: CurrentUser, ctx: AuthContextDep
) -> TokenResponse:
    """Replace the credential and re-wrapped user key; every session ends, a new one starts."""
    return await service.change_password(ctx, user.user_id, session_id=user.session_id, body=body)


@router.post("/rotate-user-key", status_code=204, responses=responses(403, 409))
async def rotate_user_key(body: RotateUserKey, user: CurrentUser, ctx: AuthContextDep) -> Response:
    """Swap in a new user key: every wrap made with the old one is replaced atomically."""
    await rotation.rotate_user_key(ctx, user.user_id, session_id=user.session_id, body=body)
    return Response(status_code=NO_CONTENT)


@router.put("/recovery", status_code=204, responses=responses(403))
async def set_recovery(body: RecoverySetup, user: CurrentUser, ctx: AuthContextDep) -> Response:
    """Set up (or replace) recovery: its auth key hash, KDF params and user-key wrap."""
    await recovery.setup(ctx, user.user_id, session_id=user.session_id, body=body)
    return Response(status_code=NO_CONTENT)


@router.post("/recovery/prelogin", dependencies=[per_ip_limit("recovery")])
async def recovery_prelogin(body: PreloginRequest, ctx: AuthContextDep) -> PreloginResponse:
    """Recovery KDF parameters; fake ones of the same shape when there are none."""
    return PreloginResponse(kdf=await recovery.prelogin(ctx, body.email))


@router.post("/recovery/unlock", dependencies=[per_ip_limit("recovery")], responses=responses(401))
async def recovery_unlock(body: RecoveryUnlock, ctx: AuthContextDep) -> RecoveryUnlockResponse:
    """Prove the recovery auth key; get the recovery-wrapped user key to re-wrap it."""
    user_id, wrapped = await recovery.unlock(ctx, body)
    return RecoveryUnlockResponse(user_id=user_id, recovery_wrapped_user_key=wrapped)


@router.post(
    "/recovery/complete", dependencies=[per_ip_limit("recovery")], responses=responses(401)
)
async def recovery_complete(body: RecoveryComplete, ctx: AuthContextDep) -> LoginResponse:
    """Reset the password credential with the recovery auth key; all sessions end."""
    return await recovery.complete(ctx, body)
