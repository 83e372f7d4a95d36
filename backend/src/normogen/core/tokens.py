"""Access tokens: HS256 JWTs (algorithm pinned) with sub, sid, typ, iat, exp and jti claims."""

from __future__ import annotations

import time
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"  # pinned: a token naming any other algorithm (or "none") is rejected
ACCESS = "access"
_REQUIRED = ("sub", "sid", "typ", "iat", "exp", "jti")


@dataclass(frozen=True)
class AccessClaims:
    """The verified claims of an access token."""

    user_id: str
    session_id: str
    token_id: str
    issued_at: int
    expires_at: int


def issue_access_token(
    secret: bytes,
    user_id: str,
    *,
    session_id: str,
    ttl_seconds: int,
    now: float | None = None,
    token_id: str | None = None,
) -> tuple[str, AccessClaims]:
    """Sign a token; a given `now` and `token_id` make it reproducible (refresh replays)."""
    issued = int(now if now is not None else time.time())
    jti = token_id or uuid.uuid4().hex
    claims = AccessClaims(user_id, session_id, jti, issued, issued + ttl_seconds)
    payload = {
        "sub": claims.user_id,
        "sid": claims.session_id,
        "typ": ACCESS,
        "iat": claims.issued_at,
        "exp": claims.expires_at,
        "jti": claims.token_id,
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM), claims


def verify_access_token(secret: bytes, token: str) -> AccessClaims | None:
    """The claims of a well-signed, unexpired access token, else None (never raises)."""
    try:
        payload: dict[str, Any] = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": list(_REQUIRED)}
        )
    except jwt.PyJWTError:
        return None
    if payload.get("typ") != ACCESS:
        return None
    fields = (payload["sub"], payload["sid"], payload["jti"])
    if not all(isinstance(value, str) and value for value in fields):
        return None
    return AccessClaims(*fields[:2], fields[2], int(payload["iat"]), int(payload["exp"]))


CLAIMS_KEY = "normogen.access_claims"


class TokenVerifier:
    """Verifies access tokens with one secret, remembering tokens it has already verified.

    A device sends the same access token with every request for its whole lifetime, and the
    HMAC check plus PyJWT's parsing is a tenth of a record read's CPU. A token string that
    verified once verifies again until it expires, so only the expiry is re-checked; whether
    its session still exists is `current_user`'s business, on every request. Bounded: when
    full, expired entries go first, then everything.
    """

    def __init__(self, secret: bytes, max_entries: int = 10_000) -> None:
        self._secret = secret
        self._max_entries = max_entries
        self._verified: dict[str, AccessClaims] = {}

    def verify(self, token: str, now: float | None = None) -> AccessClaims | None:
        now = time.time() if now is None else now
        claims = self._verified.get(token)
        if claims is not None:
            if now < claims.expires_at:
                return claims
            del self._verified[token]
            return None
        claims = verify_access_token(self._secret, token)
        if claims is not None:
            if len(self._verified) >= self._max_entries:
                self._evict(now)
            self._verified[token] = claims
        return claims

    def _evict(self, now: float) -> None:
        self._verified = {t: c for t, c in self._verified.items() if now < c.expires_at}
        if len(self._verified) >= self._max_entries:
            self._verified.clear()

    def request_claims(self, scope: MutableMapping[str, Any]) -> AccessClaims | None:
        """The claims of the request's bearer token, looked up once per request.

        The rate limiter needs the caller's identity before routing and `current_user` needs
        it after: the first to ask verifies, and the result rides along in the scope.
        """
        if CLAIMS_KEY in scope:
            cached: AccessClaims | None = scope[CLAIMS_KEY]
            return cached
        token = bearer_token(scope["headers"])
        claims = self.verify(token) if token is not None else None
        scope[CLAIMS_KEY] = claims
        return claims


def bearer_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if there is one."""
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None
