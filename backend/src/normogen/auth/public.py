"""What other domains may use of auth: the caller's dependencies, re-authentication, sessions."""

from __future__ import annotations

from normogen.auth import errors as codes
from normogen.auth.context import AuthContext
from normogen.auth.dependencies import TOKEN_REQUIRED, AuthContextDep, CurrentUser, current_user
from normogen.auth.service import DEFAULT_SETTINGS, active_user, reauthenticate
from normogen.auth.sessions import revoke_all

__all__ = [
    "DEFAULT_SETTINGS",
    "TOKEN_REQUIRED",
    "AuthContext",
    "AuthContextDep",
    "CurrentUser",
    "active_user",
    "codes",
    "current_user",
    "reauthenticate",
    "revoke_all",
]
