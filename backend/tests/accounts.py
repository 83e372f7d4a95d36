"""Shared account fixtures: a server with fast test KDF settings and registered users.

Loaded for every test through `pytest_plugins` in tests/conftest.py. Other domains' tests use
`auth_server`/`auth_http` and the `user`/`other_user` fixtures (or `register_user`) to get a
real account registered over HTTP with the reference client's crypto.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from normogen.config import Settings
from normogen_client.crypto import (
    AccountSecrets,
    Envelope,
    KdfParams,
    b64d,
    b64e,
    create_account,
    login_auth_key,
    registration_payload,
    unlock,
)
from tests.support import ThreadedServer, running_server, test_settings

PASSWORD = "correct horse battery staple"
# Development settings allow a low PBKDF2 count, so registrations in tests are fast.
TEST_KDF_ITERATIONS = 1000


def auth_settings(mongodb_uri: str, **overrides: Any) -> Settings:
    """Development settings with fast KDF minimums and limits high enough for many tests."""
    values: dict[str, Any] = {
        "NORMOGEN_ENV": "development",
        "KDF_MIN_ITERATIONS": TEST_KDF_ITERATIONS,
        "AUTH_RATE_LIMIT_REQUESTS": 10_000,
        "RATE_LIMIT_REQUESTS": 100_000,
    }
    values.update(overrides)
    return test_settings(mongodb_uri, **values)


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.org"


@dataclass
class RegisteredUser:
    """An account created over HTTP, with its client-side secrets and current tokens."""

    email: str
    password: str
    secrets: AccountSecrets = field(repr=False)
    user_id: str
    session_id: str
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    @property
    def auth_key(self) -> str:
        """The current auth key, base64 (what re-authenticating requests send)."""
        return b64e(self.secrets.auth_key)

    def use_tokens(self, body: dict[str, Any]) -> None:
        """Adopt the token pair of a login, refresh or password-change response."""
        self.session_id = body["session_id"]
        self.access_token = body["access_token"]
        self.refresh_token = body["refresh_token"]


async def register_user(
    http: httpx.AsyncClient,
    email: str | None = None,
    password: str = PASSWORD,
    iterations: int = TEST_KDF_ITERATIONS,
    device_name: str | None = None,
) -> RegisteredUser:
    """Register a new account over HTTP with real client crypto; fails the test on error."""
    email = email or new_email()
    secrets = create_account(password, iterations)
    body: dict[str, Any] = {"email": email, **registration_payload(secrets)}
    if device_name is not None:
        body["device_name"] = device_name
    response = await http.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    tokens = response.json()
    return RegisteredUser(
        email=email,
        password=password,
        secrets=secrets,
        user_id=tokens["user_id"],
        session_id=tokens["session_id"],
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
    )


async def login(
    http: httpx.AsyncClient, email: str, password: str, device_name: str | None = None
) -> httpx.Response:
    """prelogin → derive the auth key → login; returns the login response."""
    prelogin = await http.post("/api/v1/auth/prelogin", json={"email": email})
    assert prelogin.status_code == 200, prelogin.text
    kdf = KdfParams.from_json(prelogin.json()["kdf"], min_iterations=1)
    auth_key, _ = login_auth_key(password, kdf)
    body: dict[str, Any] = {"email": email, "auth_key": b64e(auth_key)}
    if device_name is not None:
        body["device_name"] = device_name
    return await http.post("/api/v1/auth/login", json=body)


def unlock_keys(password: str, user_id: str, keys: dict[str, Any]) -> tuple[bytes, bytes]:
    """(user_key, private_key) from a login response's `keys`, as a client would."""
    kdf = KdfParams.from_json(keys["kdf"], min_iterations=1)
    _, wrap_key = login_auth_key(password, kdf)
    unlocked = unlock(
        user_id,
        wrap_key,
        Envelope.from_json(keys["wrapped_user_key"]),
        Envelope.from_json(keys["wrapped_private_key"]),
        Envelope.from_json(keys["wrapped_identity_key"]),
        public_key=b64d(keys["public_key"]),
        identity_key=b64d(keys["identity_key"]),
    )
    return unlocked.user_key, unlocked.private_key


@pytest.fixture
def auth_server(mongodb_uri: str) -> Iterator[ThreadedServer]:
    """A fresh app on its own database with `auth_settings` (fast KDF, generous limits)."""
    with running_server(auth_settings(mongodb_uri)) as running:
        yield running


@pytest.fixture
async def auth_http(auth_server: ThreadedServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=auth_server.url, timeout=30) as client:
        yield client


@pytest.fixture
async def user(auth_http: httpx.AsyncClient) -> RegisteredUser:
    """A registered account (user A) on `auth_server`."""
    return await register_user(auth_http, device_name="laptop")


@pytest.fixture
async def other_user(auth_http: httpx.AsyncClient) -> RegisteredUser:
    """A second, unrelated account (user B) on the same server, for negative tests."""
    return await register_user(auth_http, device_name="phone")
