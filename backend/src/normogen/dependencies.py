"""Shared request dependencies as `Annotated` aliases: the runtime, the database, the limiter."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from normogen.db.client import Database
from normogen.ops.edge import client_of, request_id_of
from normogen.runtime import Runtime
from normogen.security.ratelimit import RateLimiter


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_db(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Database:
    return runtime.db


def get_limiter(runtime: Annotated[Runtime, Depends(get_runtime)]) -> RateLimiter:
    return RateLimiter(runtime)


def get_client_ip(request: Request) -> str:
    """The client's address as resolved by the edge middleware (trusted proxies honoured)."""
    return client_of(request.scope)


def get_request_id(request: Request) -> str | None:
    return request_id_of(request.scope)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
DatabaseDep = Annotated[Database, Depends(get_db)]
LimiterDep = Annotated[RateLimiter, Depends(get_limiter)]
ClientIpDep = Annotated[str, Depends(get_client_ip)]
RequestIdDep = Annotated[str | None, Depends(get_request_id)]
