"""`RequestOrigin`: where the current request came from, for the security events it records."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from normogen.dependencies import ClientIpDep, RuntimeDep
from normogen.events.service import Origin


async def request_origin(request: Request, ip: ClientIpDep, runtime: RuntimeDep) -> Origin:
    """The client's address (trusted proxies honoured), user agent and the event retention."""
    return Origin(
        ip=ip,
        user_agent=request.headers.get("user-agent"),
        retention_days=runtime.settings.SECURITY_EVENT_RETENTION_DAYS,
    )


RequestOrigin = Annotated[Origin, Depends(request_origin)]
