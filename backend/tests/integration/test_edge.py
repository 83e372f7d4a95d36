"""The edge middleware over real HTTP: request ids, headers, metrics, access log, error model."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from normogen.__main__ import main as cli
from tests.support import ThreadedServer, async_wait_until, running_server, test_settings


class Echo(BaseModel):
    name: str = Field(min_length=1)
    count: int


def add_test_routes(app: FastAPI) -> None:
    @app.post("/api/v1/test/echo")
    async def echo(body: Echo) -> Echo:
        return body

    @app.get("/api/v1/test/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail")


@pytest.fixture
def edge_server(mongodb_uri: str) -> Iterator[ThreadedServer]:
    settings = test_settings(mongodb_uri, TRUSTED_PROXIES="10.0.0.0/8,127.0.0.1/32")
    with running_server(settings, add_test_routes) as server:
        yield server


@pytest.fixture
async def client(edge_server: ThreadedServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=edge_server.url, timeout=30) as http:
        yield http


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@pytest.mark.parametrize("path", ["/health", "/ready", "/api/v1/server", "/api/v1/missing"])
async def test_security_headers_on_every_response(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "max-age=" in response.headers["strict-transport-security"]
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


async def test_inbound_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/missing", headers={"X-Request-ID": "abc-123.x"})
    assert response.headers["x-request-id"] == "abc-123.x"
    assert response.json()["error"]["request_id"] == "abc-123.x"


@pytest.mark.parametrize("bad", ["", "a" * 200, "has space", "new\tline", "<script>"])
async def test_insane_request_ids_are_replaced(client: httpx.AsyncClient, bad: str) -> None:
    response = await client.get("/health", headers={"X-Request-ID": bad})
    generated = response.headers["x-request-id"]
    assert generated != bad
    assert len(generated) == 32
    int(generated, 16)


async def test_generated_request_ids_are_unique(client: httpx.AsyncClient) -> None:
    ids = {(await client.get("/health")).headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


async def test_validation_errors_name_the_fields(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/test/echo", json={"name": "", "extra": "x"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    fields = {detail["field"] for detail in error["details"]}
    assert fields == {"body.name", "body.count"}
    assert "body.count" in error["message"]


async def test_malformed_json_is_a_4xx_json_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/test/echo", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"][0]["type"] == "json_invalid"
    # Bytes that are not even text: 400, documented for every body (normogen/openapi.py).
    garbage = await client.post(
        "/api/v1/test/echo", content=b"\xff\xfe\x00", headers={"content-type": "application/json"}
    )
    assert garbage.status_code == 400
    assert garbage.json()["error"]["code"] == "bad_request"


async def test_unexpected_errors_are_500_with_request_id_only(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="normogen.error"):
        response = await client.get("/api/v1/test/boom", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "Internal server error",
            "request_id": "boom-1",
        }
    }
    assert "secret internal detail" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == "boom-1"]
    assert logged
    assert logged[0].exc_info is not None  # the traceback goes to the log


async def test_method_not_allowed_is_json(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/server")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response.headers["allow"] == "GET"


async def test_allow_names_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    """Starlette names only the first matching route's methods; the API names them all."""
    cases = {
        "/api/v1/users/me": "DELETE, GET, PATCH",
        "/api/v1/profiles/00000000-0000-0000-0000-000000000000": "DELETE, GET, PATCH",
        "/api/v1/families/00000000-0000-0000-0000-000000000000": "DELETE, GET",
        "/api/v1/links/abc": "DELETE, GET",
    }
    for path, allowed in cases.items():
        response = await client.request("OPTIONS", path)
        assert response.status_code == 405, path
        assert response.headers["allow"] == allowed, path


async def test_access_log_line(client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="normogen.access"):
        await client.get(
            "/api/v1/server",
            headers={
                "X-Request-ID": "log-1",
                "Authorization": "Bearer very-secret-token",
                "X-Forwarded-For": "198.51.100.7",
            },
        )

        def logged() -> list[logging.LogRecord]:
            return [r for r in caplog.records if getattr(r, "request_id", None) == "log-1"]

        # The line is written once the response has gone out, so it may trail the response.
        async def written() -> bool:
            return bool(logged())

        await async_wait_until(written, 10, "no access log line")
    lines = logged()
    assert len(lines) == 1
    line = vars(lines[0])
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/server"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    # The loopback peer is a trusted proxy in this test, so the forwarded client is logged.
    assert line["client_ip"] == "198.51.100.7"
    assert "very-secret-token" not in str(line)


async def test_untrusted_peer_cannot_spoof_its_address(
    mongodb_uri: str, caplog: pytest.LogCaptureFixture
) -> None:
    with running_server(test_settings(mongodb_uri)) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            with caplog.at_level(logging.INFO, logger="normogen.access"):
                await http.get(
                    "/api/v1/server",
                    headers={"X-Request-ID": "spoof-1", "X-Forwarded-For": "198.51.100.7"},
                )
    lines = [r for r in caplog.records if getattr(r, "request_id", None) == "spoof-1"]
    assert vars(lines[0])["client_ip"] == "127.0.0.1"


async def test_route_templates_label_the_metrics(client: httpx.AsyncClient) -> None:
    for _ in range(3):
        await client.get("/api/v1/server")
    await client.get("/api/v1/nothing/here/12345")
    text = (await client.get("/metrics")).text
    assert 'normogen_http_requests_total{method="GET",route="/api/v1/server",status="200"} 3.0' in (
        text
    )
    # Unknown paths are folded into one label, so scanners cannot explode cardinality.
    assert 'route="unmatched",status="404"' in text
    assert "12345" not in text
    assert "normogen_http_request_duration_seconds_bucket" in text
    assert "normogen_http_requests_in_flight" in text
    assert "normogen_mongodb_pool_checked_out_connections" in text
    assert "# TYPE normogen_rate_limit_rejections_total counter" in text


async def test_pool_gauge_follows_driver_events(edge_server: ThreadedServer) -> None:
    metrics = edge_server.runtime.metrics
    async with httpx.AsyncClient(base_url=edge_server.url) as http:
        await http.get("/api/v1/server")
    assert metrics.pool_open._value.get() >= 1  # the driver's connection events arrived

    # Every checked-out connection comes back (background tasks may hold one for a moment).
    async def all_returned() -> bool:
        return bool(metrics.pool_checked_out._value.get() == 0)

    await async_wait_until(all_returned, 10, "a checked-out connection was never returned")


def test_healthcheck_command_against_a_live_server(edge_server: ThreadedServer) -> None:
    assert cli(["healthcheck", "--port", str(edge_server.port)]) == 0
