"""Routes under /api/v1/links (the owner's) and /api/v1/public/links (anyone with the URL)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from starlette.responses import Response

from normogen.auth.public import CurrentUser
from normogen.conditional import json_response
from normogen.dependencies import DatabaseDep
from normogen.errors import responses
from normogen.links import service
from normogen.links.dependencies import LinkContextDep
from normogen.links.schemas import LinkCreate, LinkDetail, LinkList, LinkOpen, LinkRead, PublicLink

PREFIX = "/api/v1/links"
router = APIRouter(prefix=PREFIX, tags=["links"])
public_router = APIRouter(prefix="/api/v1/public/links", tags=["links"])
# Malformed ids get the same 404 as unknown ones (never a 422 that tells the shapes apart).
LinkId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "",
    status_code=201,
    response_model=LinkRead,
    responses=responses(409, 413, headers={201: ["Location"]}),
)
async def create_link(body: LinkCreate, principal: CurrentUser, ctx: LinkContextDep) -> Response:
    """Share ciphertext under a new unguessable id, until `expires_at` (mandatory)."""
    doc = await service.create_link(ctx, principal, body)
    view = service.link_view(doc, doc["created_at"])
    return json_response(view, 201, location=f"{PREFIX}/{doc['_id']}")


@router.get("", response_model=LinkList)
async def list_links(principal: CurrentUser, db: DatabaseDep) -> Response:
    """The caller's links, newest first (expired ones until the TTL purges them)."""
    return json_response({"links": await service.list_links(db, principal)})


@router.get("/{link_id}", response_model=LinkDetail, responses=responses(404))
async def get_link(link_id: LinkId, principal: CurrentUser, db: DatabaseDep) -> Response:
    """One of the caller's links with its access log (time, network, browser family)."""
    return json_response(await service.read_link(db, principal, link_id))


@router.delete("/{link_id}", status_code=204, responses=responses(404))
async def revoke_link(link_id: LinkId, principal: CurrentUser, ctx: LinkContextDep) -> Response:
    """Revoke a link at once; its ciphertext is deleted, its access log kept until expiry."""
    await service.revoke_link(ctx, principal, link_id)
    return Response(status_code=204)


@public_router.post("/{link_id}", response_model=PublicLink, responses=responses(404))
async def open_link(
    link_id: LinkId, ctx: LinkContextDep, body: Annotated[LinkOpen | None, Body()] = None
) -> Response:
    """Open a link: its ciphertext, or 404 (missing, expired, revoked, used up, wrong password)."""
    verifier = None if body is None else body.password_verifier
    return json_response(await service.open_link(ctx, link_id, verifier))
