"""Helpers for share-link tests: shape-valid link bodies, verifiers and calls over HTTP."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.accounts import RegisteredUser
from tests.records_support import b64, opaque

LINKS = "/api/v1/links"
PUBLIC = "/api/v1/public/links"


def expires_in(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat().replace("+00:00", "Z")


def verifier() -> str:
    """A shape-valid password verifier (32 bytes, as the client derives it)."""
    return b64(os.urandom(32))


def link_id() -> str:
    """A fresh client-chosen link id (32 base64url characters)."""
    return secrets.token_urlsafe(24)


def link_body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": link_id(),
        "payload": opaque({"records": ["lab result"]}),
        "expires_at": expires_in(days=7),
    }
    body.update(fields)
    return body


async def create_link(
    http: httpx.AsyncClient, owner: RegisteredUser, **fields: Any
) -> dict[str, Any]:
    response = await http.post(LINKS, json=link_body(**fields), headers=owner.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def open_link(
    http: httpx.AsyncClient,
    link_id: str,
    password_verifier: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = None if password_verifier is None else {"password_verifier": password_verifier}
    return await http.post(f"{PUBLIC}/{link_id}", json=body, headers=headers)
