"""GET /api/v1/server names the web app's public address, which share links point to."""

from __future__ import annotations

import httpx

from tests.support import running_server, test_settings


async def test_server_info_carries_the_configured_web_url(mongodb_uri: str) -> None:
    settings = test_settings(mongodb_uri, PUBLIC_WEB_URL="https://health.example.org")
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            response = await http.get("/api/v1/server")
    assert response.status_code == 200
    assert response.json()["web_url"] == "https://health.example.org"
