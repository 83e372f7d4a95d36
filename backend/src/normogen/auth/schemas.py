"""Request and response bodies of /api/v1/auth (strict: unknown fields rejected)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from normogen.crypto.shapes import B64Key32, Envelope, KdfParams, WrappedKey
from normogen.schemas import DeviceName, Email, StrictModel

# 128 random bits as lowercase hex, chosen by the client: key wraps bind it (docs/crypto.md).
UserId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
RefreshToken = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class PreloginRequest(StrictModel):
    email: Email


class PreloginResponse(BaseModel):
    kdf: KdfParams


class RegisterRequest(StrictModel):
    user_id: UserId
    email: Email
    auth_key: B64Key32
    kdf: KdfParams
    wrapped_user_key: WrappedKey
    public_key: B64Key32
    wrapped_private_key: WrappedKey
    identity_key: B64Key32
    wrapped_identity_key: WrappedKey
    device_name: DeviceName | None = None


class LoginRequest(StrictModel):
    email: Email
    auth_key: B64Key32
    device_name: DeviceName | None = None


class RefreshRequest(StrictModel):
    refresh_token: RefreshToken


class TokenResponse(BaseModel):
    user_id: str
    session_id: str
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  # the OAuth token type
    expires_in: int = Field(description="Access token lifetime in seconds")


class AccountKeys(BaseModel):
    """What a client needs to unlock the account after deriving its wrap key."""

    kdf: KdfParams
    wrapped_user_key: WrappedKey
    public_key: str
    wrapped_private_key: WrappedKey
    identity_key: str
    wrapped_identity_key: WrappedKey


class LoginResponse(TokenResponse):
    keys: AccountKeys


class SessionRead(BaseModel):
    id: str
    device_name: str | None
    created_at: datetime
    last_used_at: datetime
    current: bool


class SessionList(BaseModel):
    sessions: list[SessionRead]


class ChangePasswordRequest(StrictModel):
    current_auth_key: B64Key32
    new_auth_key: B64Key32
    new_kdf: KdfParams
    new_wrapped_user_key: WrappedKey


class RecoverySetup(StrictModel):
    auth_key: B64Key32
    recovery_auth_key: B64Key32
    recovery_kdf: KdfParams
    recovery_wrapped_user_key: WrappedKey


class RecoveryUnlock(StrictModel):
    email: Email
    recovery_auth_key: B64Key32


class RecoveryUnlockResponse(BaseModel):
    user_id: str  # the recovery wrap's AAD binds it (docs/crypto.md)
    recovery_wrapped_user_key: WrappedKey


class RecoveryComplete(StrictModel):
    email: Email
    recovery_auth_key: B64Key32
    new_auth_key: B64Key32
    new_kdf: KdfParams
    new_wrapped_user_key: WrappedKey
    device_name: DeviceName | None = None


class ProfileRewrap(StrictModel):
    """A personal profile's key re-wrapped under the new user key."""

    id: Annotated[str, Field(min_length=32, max_length=36)]
    wrapped_key: WrappedKey


class LabelRewrap(StrictModel):
    """A link label re-encrypted under the new user key."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    label: Envelope | None


class RotateUserKey(StrictModel):
    """A new user key: every wrap made with the old one, replaced in one atomic swap."""

    auth_key: B64Key32
    wrapped_user_key: WrappedKey
    wrapped_private_key: WrappedKey
    wrapped_identity_key: WrappedKey
    profiles: Annotated[list[ProfileRewrap], Field(max_length=1000)]
    links: Annotated[list[LabelRewrap], Field(max_length=1000)] = Field(default_factory=list)
