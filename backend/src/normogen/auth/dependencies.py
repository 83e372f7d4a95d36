"""`CurrentUser`: the verified caller of an authenticated route, plus strict per-IP auth limits.

The caller is checked against the user's current state on every request (cached at most 1 s):
the session must exist and the account must be active under the credential generation the
session was opened with (`auth.sessions.session_alive`). A request that may write (any method
but GET, HEAD and OPTIONS) settles with the account deletion after the route has run and
before the response is sent (`users.deletion.settle`), so nothing it wrote outlives an
account whose deletion began while it was in flight.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from normogen.auth import errors as codes
from normogen.auth.context import AuthContext
from normogen.auth.sessions import session_alive
from normogen.db.client import Database
from normogen.dependencies import ClientIpDep, DatabaseDep, RuntimeDep
from normogen.errors import NormogenError, Unauthorized
from normogen.events.public import Origin
from normogen.runtime import Runtime
from normogen.security.ratelimit import Limit, RateLimiter, ip_subject
from normogen.users.deletion import settle
from normogen.users.principal import Principal

# The OpenAPI security scheme of every route that needs an access token (normogen/openapi.py
# finds those that take `CurrentUser`; a route that calls `current_user` itself declares this).
BEARER_SCHEME = "bearer"
TOKEN_REQUIRED: dict[str, Any] = {"security": [{BEARER_SCHEME: []}]}
# One message for every token problem: which check failed is nobody's business but ours.
REJECTED = "Invalid or expired access token"
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def current_user(request: Request, runtime: RuntimeDep, db: DatabaseDep) -> Principal:
    """Verify the bearer token, then check its session and user are still live (cached ≤ 1 s)."""
    claims = runtime.tokens.request_claims(request.scope)
    if claims is None:
        runtime.metrics.auth_failures.labels("invalid_token").inc()
        raise Unauthorized(REJECTED, code=codes.INVALID_TOKEN)

    async def session_is_active() -> bool:
        # PyMongo errors propagate: the handler maps an outage to 503 database_unavailable.
        return await session_alive(
            db, claims.session_id, user_id=claims.user_id, now=datetime.now(UTC)
        )

    active = await runtime.sessions.check(claims.session_id, claims.user_id, session_is_active)
    if not active:
        runtime.metrics.auth_failures.labels("revoked_session").inc()
        raise Unauthorized(REJECTED, code=codes.INVALID_TOKEN)
    return Principal(user_id=claims.user_id, session_id=claims.session_id)


async def authenticated(
    request: Request, runtime: RuntimeDep, db: DatabaseDep
) -> AsyncIterator[Principal]:
    """`current_user`, then, for a request that may have written, `settle` (see above)."""
    principal = await current_user(request, runtime, db)
    writes = request.method not in READ_ONLY_METHODS
    try:
        yield principal
    except NormogenError:
        # A refusal may come after a write (e.g. a conflict found late); unexpected errors are
        # left alone, as a crash would leave them (deletion resumes at the next start).
        if writes:
            await _settle(runtime, db, principal)
        raise
    if writes:
        await _settle(runtime, db, principal)


async def _settle(runtime: Runtime, db: Database, principal: Principal) -> None:
    if not await settle(db, principal.user_id):
        runtime.sessions.forget(principal.session_id)  # no need to wait for the memo here


# scope="function": the settling runs when the route returns, before the response is sent.
CurrentUser = Annotated[Principal, Depends(authenticated, scope="function")]


async def get_auth_context(
    request: Request, runtime: RuntimeDep, db: DatabaseDep, ip: ClientIpDep
) -> AuthContext:
    """Everything an auth or account operation needs, including where the request came from."""
    agent = request.headers.get("user-agent")
    return AuthContext(
        runtime=runtime,
        db=db,
        hasher=runtime.hasher,
        cache=runtime.sessions,
        origin=Origin(
            ip=ip,
            user_agent=agent,
            retention_days=runtime.settings.SECURITY_EVENT_RETENTION_DAYS,
        ),
    )


AuthContextDep = Annotated[AuthContext, Depends(get_auth_context)]


def auth_limit(runtime: Runtime, name: str) -> Limit:
    """The strict per-IP limit for one anonymous auth route (counted separately per route)."""
    settings = runtime.settings
    return Limit(
        f"auth_{name}",
        settings.AUTH_RATE_LIMIT_REQUESTS,
        settings.AUTH_RATE_LIMIT_DURATION_SECONDS,
    )


def per_ip_limit(name: str) -> Any:
    """A route dependency enforcing `auth_limit(name)` per client address (429, or 503)."""

    async def check(runtime: RuntimeDep, ip: ClientIpDep) -> None:
        await RateLimiter(runtime).check(auth_limit(runtime, name), ip_subject(ip))

    check.__name__ = f"rate_limit_{name}"
    return Depends(check)
