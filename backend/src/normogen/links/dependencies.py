"""`LinkContextDep`: database, Argon2 hasher, limiter and request origin for link routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from normogen.dependencies import DatabaseDep, RuntimeDep
from normogen.events.public import RequestOrigin
from normogen.links.service import LinkContext


async def link_context(runtime: RuntimeDep, db: DatabaseDep, origin: RequestOrigin) -> LinkContext:
    """What a link route works with (async: no worker-thread hand-off)."""
    return LinkContext(runtime, db, runtime.hasher, origin)


LinkContextDep = Annotated[LinkContext, Depends(link_context)]
