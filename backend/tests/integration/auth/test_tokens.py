"""Every access-token mistake gets the same 401: alg none, wrong key, expiry, type, tampering."""

from __future__ import annotations

import base64
import json
import time
import warnings
from collections.abc import Callable

import httpx
import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning

from normogen.core.tokens import issue_access_token
from tests.accounts import RegisteredUser
from tests.support import TEST_JWT_SECRET

ME = "/api/v1/users/me"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _claims(user: RegisteredUser, **changes: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": user.user_id,
        "sid": user.session_id,
        "typ": "access",
        "iat": now,
        "exp": now + 600,
        "jti": "a" * 32,
    }
    claims.update(changes)
    return claims


def _unsigned(claims: dict[str, object]) -> str:
    header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64url(json.dumps(claims).encode())}."


def _tampered(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_b64url(json.dumps(claims).encode())}.{signature}"


async def _assert_rejected(http: httpx.AsyncClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await http.get(ME, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "invalid_token",
        "Invalid or expired access token",
    )


async def test_the_genuine_token_is_accepted(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    assert (await auth_http.get(ME, headers=user.headers)).status_code == 200


@pytest.mark.parametrize(
    "mistake",
    [
        "missing_header",
        "not_bearer",
        "garbage",
        "alg_none",
        "wrong_key",
        "hs512",
        "expired",
        "refresh_token_as_access",
        "typ_refresh",
        "tampered_sub",
        "tampered_exp",
        "missing_sid",
        "unknown_session",
    ],
)
async def test_every_token_mistake_gets_the_same_401(
    auth_http: httpx.AsyncClient, user: RegisteredUser, mistake: str
) -> None:
    secret = TEST_JWT_SECRET.encode()
    past = time.time() - 3600

    def signed(claims: dict[str, object], key: str | bytes = secret, alg: str = "HS256") -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureKeyLengthWarning)  # HS512 with our key
            return "Bearer " + jwt.encode(claims, key, algorithm=alg)

    tokens: dict[str, Callable[[], str | None]] = {
        "missing_header": lambda: None,
        "not_bearer": lambda: f"Basic {user.access_token}",
        "garbage": lambda: "Bearer not.a.jwt",
        "alg_none": lambda: f"Bearer {_unsigned(_claims(user))}",
        "wrong_key": lambda: signed(_claims(user), key="x" * 48),
        "hs512": lambda: signed(_claims(user), alg="HS512"),
        "expired": lambda: (
            "Bearer "
            + issue_access_token(
                secret, user.user_id, session_id=user.session_id, ttl_seconds=60, now=past
            )[0]
        ),
        "refresh_token_as_access": lambda: f"Bearer {user.refresh_token}",
        "typ_refresh": lambda: signed(_claims(user, typ="refresh")),
        "tampered_sub": lambda: f"Bearer {_tampered(user.access_token, sub='someone-else')}",
        "tampered_exp": lambda: f"Bearer {_tampered(user.access_token, exp=int(past) + 99999)}",
        "missing_sid": lambda: signed({k: v for k, v in _claims(user).items() if k != "sid"}),
        "unknown_session": lambda: signed(_claims(user, sid="0" * 32)),
    }
    await _assert_rejected(auth_http, tokens[mistake]())


async def test_a_token_naming_another_users_session_is_rejected(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    # Correctly signed, but the session belongs to B while the subject is A.
    forged = jwt.encode(
        _claims(user, sid=other_user.session_id), TEST_JWT_SECRET.encode(), algorithm="HS256"
    )
    await _assert_rejected(auth_http, f"Bearer {forged}")


async def test_token_after_logout_is_rejected(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    response = await auth_http.post("/api/v1/auth/logout", headers=user.headers)
    assert response.status_code == 204
    await _assert_rejected(auth_http, f"Bearer {user.access_token}")
    refresh = await auth_http.post(
        "/api/v1/auth/refresh", json={"refresh_token": user.refresh_token}
    )
    assert refresh.status_code == 401
    assert refresh.json()["error"]["code"] == "invalid_refresh_token"
