"""Strict bodies: unknown fields, bad base64, wrong sizes, wrong alg and weak KDFs are 422."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from normogen_client.crypto import create_account, registration_payload
from tests.accounts import new_email

REGISTER = "/api/v1/auth/register"


def _b64(size: int) -> str:
    return base64.b64encode(b"\x01" * size).decode()


def _valid() -> dict[str, Any]:
    return {"email": new_email(), **registration_payload(create_account("pw", 1000))}


def _with(path: str, value: Any) -> dict[str, Any]:
    body = _valid()
    target = body
    *parents, last = path.split(".")
    for part in parents:
        target = target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return body


_DELETE = object()
CASES = {
    "unknown top-level field": ("password", "hunter2"),
    "unknown envelope field": ("wrapped_user_key.extra", "x"),
    "missing envelope tag": ("wrapped_user_key.authTag", _DELETE),
    "wrong alg": ("wrapped_user_key.alg", "aes-128-gcm"),
    "short iv": ("wrapped_user_key.iv", _b64(8)),
    "long tag": ("wrapped_private_key.authTag", _b64(20)),
    "unpadded base64": ("wrapped_user_key.iv", _b64(12).rstrip("=") + "A"),
    "url-safe base64": ("public_key", base64.urlsafe_b64encode(b"\xfb" * 32).decode()),
    "non-canonical base64": ("auth_key", _b64(32)[:-2] + "F="),
    "short auth key": ("auth_key", _b64(16)),
    "short public key": ("public_key", _b64(31)),
    "empty wrapped key": ("wrapped_user_key.data", ""),
    "oversized wrapped key": ("wrapped_user_key.data", _b64(4096)),
    "kdf below the minimum": ("kdf.iterations", 999),
    "kdf above the maximum": ("kdf.iterations", 10_000_001),
    "kdf iterations as string": ("kdf.iterations", "600000"),
    "unknown kdf algorithm": ("kdf.algorithm", "scrypt"),
    "short salt": ("kdf.salt", _b64(8)),
    "bad email": ("email", "not-an-email"),
    "long email": ("email", "a" * 250 + "@example.org"),
    "device name with control characters": ("device_name", "phone\n"),
    "wrong type": ("public_key", 42),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_register_rejects(auth_http: httpx.AsyncClient, case: str) -> None:
    path, value = CASES[case]
    response = await auth_http.post(REGISTER, json=_with(path, value))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    field = path.split(".")[0]
    assert field in error["message"]


async def test_the_valid_body_is_accepted(auth_http: httpx.AsyncClient) -> None:
    response = await auth_http.post(REGISTER, json=_valid())
    assert response.status_code == 201


async def test_validation_errors_never_echo_the_input(auth_http: httpx.AsyncClient) -> None:
    secret = _b64(16)
    response = await auth_http.post(REGISTER, json=_with("auth_key", secret))
    assert response.status_code == 422
    assert secret not in response.text


async def test_rejected_registration_writes_nothing(
    auth_http: httpx.AsyncClient, auth_server: Any, mongo: Any
) -> None:
    body = _with("wrapped_private_key.alg", "none")
    assert (await auth_http.post(REGISTER, json=body)).status_code == 422
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    assert await db["users"].count_documents({"email": body["email"]}) == 0


async def test_production_minimum_is_600000(mongodb_uri: str) -> None:
    from normogen.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="KDF_MIN_ITERATIONS"):
        load_settings(
            NORMOGEN_ENV="production",
            MONGODB_URI=mongodb_uri,
            JWT_SECRET="s" * 48,
            KDF_MIN_ITERATIONS=1000,
        )
