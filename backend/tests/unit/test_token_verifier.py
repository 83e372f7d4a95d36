"""TokenVerifier: remembered verifications still expire, forgeries are never remembered."""

from __future__ import annotations

import time
from typing import Any

import jwt

from normogen.core.tokens import CLAIMS_KEY, TokenVerifier, issue_access_token

SECRET = b"s" * 48


def test_a_remembered_token_expires_on_time() -> None:
    now = time.time()
    token, claims = issue_access_token(SECRET, "u1", session_id="s1", ttl_seconds=60, now=now)
    verifier = TokenVerifier(SECRET)
    assert verifier.verify(token, now=now) == claims
    assert verifier.verify(token, now=now + 59) == claims  # answered from memory
    assert verifier.verify(token, now=now + 60) is None
    assert verifier._verified == {}  # an expired token is forgotten


def test_a_token_signed_with_another_key_is_refused_and_not_remembered() -> None:
    token, _ = issue_access_token(b"x" * 48, "u1", session_id="s1", ttl_seconds=60)
    verifier = TokenVerifier(SECRET)
    assert verifier.verify(token) is None
    assert verifier._verified == {}


def test_a_tampered_copy_of_a_remembered_token_is_refused() -> None:
    token, _ = issue_access_token(SECRET, "u1", session_id="s1", ttl_seconds=60)
    verifier = TokenVerifier(SECRET)
    assert verifier.verify(token) is not None
    header, _payload, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(b'{"sub":"u2"}').decode()
    assert verifier.verify(f"{header}.{forged_payload}.{signature}") is None


def test_memory_is_bounded() -> None:
    verifier = TokenVerifier(SECRET, max_entries=3)
    for index in range(10):
        token, _ = issue_access_token(SECRET, f"u{index}", session_id="s", ttl_seconds=60)
        assert verifier.verify(token) is not None
        assert len(verifier._verified) <= 3


def test_request_claims_are_looked_up_once_per_request() -> None:
    token, claims = issue_access_token(SECRET, "u1", session_id="s1", ttl_seconds=60)
    verifier = TokenVerifier(SECRET)
    scope: dict[str, Any] = {"headers": [(b"authorization", f"Bearer {token}".encode())]}
    assert verifier.request_claims(scope) == claims
    scope["headers"] = []  # a second caller in the same request reuses the first answer
    assert verifier.request_claims(scope) == claims
    assert scope[CLAIMS_KEY] == claims
    assert verifier.request_claims({"headers": []}) is None
