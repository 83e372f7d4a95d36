"""Public server facts a client needs before it encrypts anything."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from normogen import __version__
from normogen.crypto.shapes import CONTRACT_VERSION
from normogen.dependencies import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["server"])


class ServerInfo(BaseModel):
    version: str
    encryption_algorithm: str
    crypto_contract: int
    max_request_bytes: int
    link_max_days: int
    emergency_link_max_days: int
    web_url: str = Field(description="The web app's public address; share links point here")


@router.get("/server")
async def server_info(runtime: RuntimeDep) -> ServerInfo:
    """Version, the ciphertext algorithm, the crypto contract (docs/crypto.md), the body limit
    and the latest expiry of a share link and of an emergency link (days ahead)."""
    settings = runtime.settings
    return ServerInfo(
        version=__version__,
        encryption_algorithm=settings.ENCRYPTION_ALGORITHM,
        crypto_contract=CONTRACT_VERSION,
        max_request_bytes=settings.MAX_REQUEST_BYTES,
        link_max_days=settings.LINK_MAX_DAYS,
        emergency_link_max_days=settings.EMERGENCY_LINK_MAX_DAYS,
        web_url=settings.PUBLIC_WEB_URL,
    )
