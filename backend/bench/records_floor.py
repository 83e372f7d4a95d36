"""The floor for record reads and writes: a minimal Starlette app doing one `find_one` (GET) or
one `insert_one` (POST) on the same database, with the same client options, nothing else."""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from normogen.conditional import dumps
from normogen.config import load_settings
from normogen.db.client import create_client

_settings = load_settings(
    NORMOGEN_ENV="development",
    MONGODB_URI=os.environ["MONGODB_URI"],
    MONGODB_DATABASE=os.environ["MONGODB_DATABASE"],
)
_state: dict[str, Any] = {}


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    client = create_client(_settings)
    _state["records"] = client[_settings.MONGODB_DATABASE]["records"]
    try:
        yield
    finally:
        await client.close()


async def health(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


async def read(request: Request) -> Response:
    doc = await _state["records"].find_one({"_id": request.path_params["record_id"]})
    if doc is None:
        return Response(b"{}", 404, media_type="application/json")
    return Response(dumps(doc), media_type="application/json")


async def write(request: Request) -> Response:
    doc = json.loads(await request.body())
    record_id = uuid.uuid4()
    doc["_id"] = str(record_id)
    # The same collection and indexes as the API's records; `seq` only keeps the unique
    # (profile_id, seq) index satisfied.
    doc["seq"] = -(record_id.int >> 66)
    await _state["records"].insert_one(doc)
    return Response(dumps(doc), 201, media_type="application/json")


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/records/{record_id}", read),
        Route("/records", write, methods=["POST"]),
    ],
    lifespan=lifespan,
)
