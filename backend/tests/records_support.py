"""Helpers for profile and record tests: shape-valid envelopes and create calls over HTTP.

Integration tests only need ciphertext *shapes* (the server cannot decrypt); the end-to-end
tests in tests/e2e use the real client crypto instead.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from typing import Any

import httpx

from tests.accounts import RegisteredUser

PROFILES = "/api/v1/profiles"
RECORDS = "/api/v1/records"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def envelope(data: bytes | None = None, size: int = 48) -> dict[str, Any]:
    """A shape-valid contract v2 AES-256-GCM envelope (random bytes unless `data` is given)."""
    return {
        "v": 2,
        "alg": "aes-256-gcm",
        "iv": b64(os.urandom(12)),
        "data": b64(os.urandom(size) if data is None else data),
        "authTag": b64(os.urandom(16)),
    }


def opaque(value: Any) -> dict[str, Any]:
    """An envelope whose `data` carries `value` as JSON: readable back by tests, opaque to us."""
    return envelope(json.dumps(value).encode())


def read_opaque(payload: dict[str, Any]) -> Any:
    return json.loads(base64.b64decode(payload["data"]))


def profile_body(profile_type: str = "self") -> dict[str, Any]:
    """A shape-valid profile; `profile_type` lives inside the (here opaque) metadata."""
    return {
        "id": str(uuid.uuid4()),
        "encrypted": opaque({"profile_type": profile_type, "metadata": {}}),
        "wrapped_key": envelope(size=48),
        "key_epoch": 1,
    }


def record_body(profile_id: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "profile_id": profile_id,
        "kind": "health_data",
        "key_epoch": 1,
        "payload": envelope(),
        "occurred_at": "2026-01-15T08:30:00Z",
    }
    body.update(fields)
    return body


async def create_profile(
    http: httpx.AsyncClient, user: RegisteredUser, profile_type: str = "self"
) -> dict[str, Any]:
    response = await http.post(PROFILES, json=profile_body(profile_type), headers=user.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def create_record(
    http: httpx.AsyncClient, user: RegisteredUser, profile_id: str, **fields: Any
) -> dict[str, Any]:
    response = await http.post(
        RECORDS, json=record_body(profile_id, **fields), headers=user.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def sync_all(
    http: httpx.AsyncClient,
    user: RegisteredUser,
    profile_id: str,
    since: str | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], str]:
    """Follow the changes feed until `done`; returns every change and the final token."""
    changes: list[dict[str, Any]] = []
    while True:
        params: dict[str, Any] = {"limit": limit}
        if since is not None:
            params["since"] = since
        response = await http.get(
            f"{PROFILES}/{profile_id}/changes", params=params, headers=user.headers
        )
        assert response.status_code == 200, response.text
        page = response.json()
        changes.extend(page["changes"])
        since = page["next"]
        if page["done"]:
            assert since is not None
            return changes, since
