"""Request bodies over MAX_REQUEST_BYTES get 413 before being read in full, chunked ones too."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI, Request

from tests.support import ThreadedServer, running_server, test_settings

LIMIT = 4096


def add_sink(app: FastAPI) -> None:
    @app.post("/api/v1/test/sink")
    async def sink(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}


async def read_until_closed(reader: asyncio.StreamReader) -> bytes:
    """The 413 response, read until its JSON body has arrived (or the server closed)."""
    response = b""
    while b"}}" not in response:
        chunk = await asyncio.wait_for(reader.read(65536), 10)
        if not chunk:
            break
        response += chunk
    return response


@pytest.fixture
def limited(mongodb_uri: str) -> Iterator[ThreadedServer]:
    with running_server(test_settings(mongodb_uri, MAX_REQUEST_BYTES=LIMIT), add_sink) as server:
        yield server


async def test_body_within_the_limit_passes(limited: ThreadedServer) -> None:
    async with httpx.AsyncClient(base_url=limited.url) as http:
        response = await http.post("/api/v1/test/sink", content=b"x" * LIMIT)
    assert response.status_code == 200
    assert response.json() == {"received": LIMIT}


async def test_declared_oversize_body_is_rejected_up_front(limited: ThreadedServer) -> None:
    # Send only the headers and a first chunk: the 413 must arrive without the rest.
    reader, writer = await asyncio.open_connection("127.0.0.1", limited.port)
    writer.write(
        b"POST /api/v1/test/sink HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: 10000000\r\n\r\n" + b"x" * 1024
    )
    await writer.drain()
    response = await read_until_closed(reader)
    assert response.startswith(b"HTTP/1.1 413")
    assert b"payload_too_large" in response
    writer.close()


async def test_chunked_oversize_body_is_rejected_before_it_ends(limited: ThreadedServer) -> None:
    # A chunked body with no declared length, never terminated: only counting can stop it.
    reader, writer = await asyncio.open_connection("127.0.0.1", limited.port)
    writer.write(
        b"POST /api/v1/test/sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    for _ in range(LIMIT // 1024 + 2):
        writer.write(b"400\r\n" + b"x" * 1024 + b"\r\n")
    await writer.drain()
    response = await read_until_closed(reader)
    assert response.startswith(b"HTTP/1.1 413")
    assert b"payload_too_large" in response
    assert b"x-content-type-options: nosniff" in response.lower()
    writer.close()


async def test_oversize_json_to_a_real_route_is_413(limited: ThreadedServer) -> None:
    async with httpx.AsyncClient(base_url=limited.url) as http:
        response = await http.post("/api/v1/test/sink", json={"blob": "y" * (LIMIT * 2)})
    assert response.status_code == 413
