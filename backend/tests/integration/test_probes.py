"""Probes, request ids, security headers and the error body, over real HTTP."""

from __future__ import annotations

import httpx

from tests.support import async_wait_until


async def test_health_is_ok_without_io(http: httpx.AsyncClient) -> None:
    response = await http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_connected_database(http: httpx.AsyncClient) -> None:
    async def ready() -> bool:  # once the start-up migration has finished
        return (await http.get("/ready")).status_code == 200

    await async_wait_until(ready, 30, "the server never became ready")
    response = await http.get("/ready")
    assert response.json() == {"status": "ready", "database": "connected"}


async def test_unknown_route_is_json_404_with_request_id(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["request_id"] == response.headers["x-request-id"]
