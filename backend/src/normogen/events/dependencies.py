"""`RequestOrigin`: where the current request came from, for the security events it records."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from normogen.dependencies import ClientIpDep
from normogen.events.service import Origin


async def request_origin(request: Request, ip: ClientIpDep) -> Origin:
    """The client's address (trusted proxies honoured) and user agent."""
    return Origin(ip=ip, user_agent=request.headers.get("user-agent"))


RequestOrigin = Annotated[Origin, Depends(request_origin)]
