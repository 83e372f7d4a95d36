"""`CurrentUser`: the verified caller of an authenticated route, plus strict per-IP auth limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from normogen.auth import repository
from normogen.auth.context import AuthContext
from normogen.auth.principal import Principal
from normogen.dependencies import ClientIpDep, DatabaseDep, RuntimeDep
from normogen.errors import Unauthorized
from normogen.events.service import Origin
from normogen.runtime import Runtime
from normogen.security.ratelimit import Limit, RateLimiter, ip_subject

# One message for every token problem: which check failed is nobody's business but ours.
REJECTED = "Invalid or expired access token"


async def current_user(request: Request, runtime: RuntimeDep, db: DatabaseDep) -> Principal:
    """Verify the bearer token, then check its session is still active (cached ≤ 1 s)."""
    claims = runtime.tokens.request_claims(request.scope)
    if claims is None:
        runtime.metrics.auth_failures.labels("invalid_token").inc()
        raise Unauthorized(REJECTED, code="invalid_token")

    async def session_is_active() -> bool:
        # PyMongo errors propagate: the handler maps an outage to 503 database_unavailable.
        session = await repository.find_active_session(
            db, claims.session_id, claims.user_id, datetime.now(UTC)
        )
        return session is not None

    active = await runtime.sessions.check(claims.session_id, claims.user_id, session_is_active)
    if not active:
        runtime.metrics.auth_failures.labels("revoked_session").inc()
        raise Unauthorized(REJECTED, code="invalid_token")
    return Principal(user_id=claims.user_id, session_id=claims.session_id)


CurrentUser = Annotated[Principal, Depends(current_user)]


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
