"""`LinkContextDep`: database, Argon2 hasher, limiter and request origin for link routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from normogen.auth.dependencies import hasher_of
from normogen.dependencies import DatabaseDep, RuntimeDep
from normogen.events.dependencies import RequestOrigin
from normogen.links.service import LinkContext


def link_context(
    request: Request, runtime: RuntimeDep, db: DatabaseDep, origin: RequestOrigin
) -> LinkContext:
    return LinkContext(runtime, db, hasher_of(request.app.state, runtime.settings), origin)


LinkContextDep = Annotated[LinkContext, Depends(link_context)]
