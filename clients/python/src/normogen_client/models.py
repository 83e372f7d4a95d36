"""Typed results and errors of the Normogen API client."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx


class ApiError(Exception):
    """The server answered with an error body `{"error": {"code", "message", "request_id"}}`."""

    def __init__(self, status: int, code: str, message: str, request_id: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        try:
            error = response.json()["error"]
            code, message = str(error["code"]), str(error["message"])
            request_id = error.get("request_id")
        except (ValueError, KeyError, TypeError):
            code, message, request_id = "http_error", response.reason_phrase, None
        kind = AuthenticationError if response.status_code == 401 else cls
        return kind(response.status_code, code, message, request_id)


class AuthenticationError(ApiError):
    """401: bad credentials, or a session that ended (logout, revocation, password change)."""


class NotLoggedIn(Exception):
    """The operation needs a session (register, login or recover first)."""


@dataclass
class Tokens:
    """The current token pair of a session; the access token's expiry is tracked locally."""

    user_id: str
    session_id: str
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float  # time.monotonic() deadline of the access token

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Tokens:
        return cls(
            user_id=str(body["user_id"]),
            session_id=str(body["session_id"]),
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]),
            expires_at=time.monotonic() + int(body["expires_in"]),
        )

    def expires_within(self, seconds: float) -> bool:
        return time.monotonic() + seconds >= self.expires_at


@dataclass(frozen=True)
class SessionInfo:
    id: str
    device_name: str | None
    created_at: datetime
    last_used_at: datetime
    current: bool

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SessionInfo:
        return cls(
            id=body["id"],
            device_name=body.get("device_name"),
            created_at=datetime.fromisoformat(body["created_at"]),
            last_used_at=datetime.fromisoformat(body["last_used_at"]),
            current=bool(body["current"]),
        )


@dataclass(frozen=True)
class SecurityEvent:
    """One security event: `ip` is the network (IPv4 /24, IPv6 /48), `agent` the browser
    family and OS ("Firefox on Linux"), never the full address or user-agent string."""

    id: str
    type: str
    created_at: datetime
    ip: str | None
    agent: str | None
    session_id: str | None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SecurityEvent:
        return cls(
            id=body["id"],
            type=body["type"],
            created_at=datetime.fromisoformat(body["created_at"]),
            ip=body.get("ip"),
            agent=body.get("agent"),
            session_id=body.get("session_id"),
        )


@dataclass(frozen=True)
class AccountInfo:
    id: str
    email: str
    created_at: datetime
    has_recovery: bool

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> AccountInfo:
        return cls(
            id=body["id"],
            email=body["email"],
            created_at=datetime.fromisoformat(body["created_at"]),
            has_recovery=bool(body["has_recovery"]),
        )
