"""Shared request dependencies as `Annotated` aliases: the runtime, the database, the client.

They are `async def` although they never await: FastAPI runs a plain `def` dependency in a
worker thread, and that hand-off costs more than the work on every request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from normogen.core.http import client_of
from normogen.db.client import Database
from normogen.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_runtime(request: Request) -> Runtime:
    return runtime_of(request)


async def get_db(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Database:
    return runtime.db


async def get_client_ip(request: Request) -> str:
    """The client's address as resolved by the edge middleware (trusted proxies honoured)."""
    return client_of(request.scope)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
DatabaseDep = Annotated[Database, Depends(get_db)]
ClientIpDep = Annotated[str, Depends(get_client_ip)]
