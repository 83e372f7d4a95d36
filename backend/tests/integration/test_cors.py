"""CORS as docs/api.md states it: allowed origins get credentials and max-age 3600; others
get nothing."""

from __future__ import annotations

import httpx

ALLOWED = "http://localhost:3000"
EVIL = "https://evil.example"


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def test_preflight_from_an_allowed_origin(http: httpx.AsyncClient) -> None:
    response = await http.options(
        "/api/v1/server",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, content-type, if-match",
        },
    )
    assert response.status_code == 204
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == ALLOWED
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["access-control-max-age"] == "3600"
    methods = {m.strip() for m in headers["access-control-allow-methods"].split(",")}
    assert methods == {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
    assert headers["access-control-allow-headers"] == "authorization, content-type, if-match"
    assert "Origin" in response.headers["vary"]


async def test_simple_request_from_an_allowed_origin(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v1/server", headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


async def test_disallowed_origin_gets_no_cors_headers(http: httpx.AsyncClient) -> None:
    simple = await http.get("/api/v1/server", headers={"Origin": EVIL})
    assert simple.status_code == 200
    assert cors_headers(simple) == {}
    preflight = await http.options(
        "/api/v1/server",
        headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 403
    assert cors_headers(preflight) == {}
    assert preflight.json()["error"]["code"] == "cors_origin_not_allowed"


async def test_preflight_for_a_method_outside_the_list_is_refused(
    http: httpx.AsyncClient,
) -> None:
    response = await http.options(
        "/api/v1/server",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "TRACE"},
    )
    assert response.status_code == 403
    assert cors_headers(response) == {}


async def test_origin_matching_is_exact(http: httpx.AsyncClient) -> None:
    for origin in ("http://localhost:3000.evil.example", "http://localhost:30000", "null"):
        response = await http.get("/api/v1/server", headers={"Origin": origin})
        assert cors_headers(response) == {}, origin
