"""`normogen web`: the built app with its security headers, SPA fallback and the /api proxy.

A real API server (uvicorn thread, test database) behind a real web server (uvicorn thread
running normogen.web.app.WebApp) over loopback HTTP; `dist` is a small build written here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from normogen.db.embedded import free_port
from normogen.web.app import WebApp
from normogen.web.headers import CONTENT_SECURITY_POLICY
from tests.support import ThreadedServer, running_server, test_settings

INDEX = (
    b"<!doctype html><title>Normogen</title><script type=module src=/assets/app-1a2b.js></script>"
)
SCRIPT = b"console.log('app')"
WORKER = b"const VERSION = 'v1'; self.addEventListener('fetch', () => undefined);"
MANIFEST = b'{"name": "Normogen", "start_url": "/", "display": "standalone"}'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / "app-1a2b.js").write_bytes(SCRIPT)
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path / "sw.js").write_bytes(WORKER)
    (tmp_path / "manifest.webmanifest").write_bytes(MANIFEST)
    (tmp_path.parent / "secret.txt").write_text("outside dist")
    return tmp_path


@contextmanager
def web_server(dist: Path, api_url: str, *, https: bool = False) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        WebApp(dist=dist, api_url=api_url, https=https),
        host="127.0.0.1",
        port=port,
        log_config=None,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("web server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def api(mongodb_uri: str) -> Iterator[ThreadedServer]:
    with running_server(test_settings(mongodb_uri)) as server:
        yield server


@pytest.fixture
def web(dist: Path, api: ThreadedServer) -> Iterator[str]:
    with web_server(dist, api.url) as url:
        yield url


async def test_the_app_is_served_with_a_strict_csp_and_security_headers(web: str) -> None:
    async with httpx.AsyncClient(base_url=web) as http:
        response = await http.get("/")
    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    for directive in ("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-cache"
    assert "strict-transport-security" not in response.headers


async def test_client_routes_fall_back_to_the_app_but_missing_assets_are_404(web: str) -> None:
    async with httpx.AsyncClient(base_url=web) as http:
        for path in ("/account", "/s/abcdefabcdefabcdefabcdefabcdefab", "/profiles/x/records"):
            response = await http.get(path)
            assert response.status_code == 200, path
            assert response.content == INDEX
        missing = await http.get("/assets/gone-0000.js")
        assert missing.status_code == 404
        assert "content-security-policy" in missing.headers


async def test_hashed_assets_are_cached_for_a_year_and_typed(web: str) -> None:
    async with httpx.AsyncClient(base_url=web) as http:
        response = await http.get("/assets/app-1a2b.js")
        head = await http.head("/assets/app-1a2b.js")
        icon = await http.get("/favicon.svg")
    assert response.content == SCRIPT
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert head.status_code == 200
    assert head.content == b""
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.headers["cache-control"] == "no-cache"


async def test_the_service_worker_and_manifest_are_revalidated_on_every_load(web: str) -> None:
    # A new build's worker must be seen at once (web/src/pwa/register.ts waits for it), and the
    # CSP allows exactly the worker and the manifest from this origin (web/pwa/sw.js).
    async with httpx.AsyncClient(base_url=web) as http:
        worker = await http.get("/sw.js")
        manifest = await http.get("/manifest.webmanifest")
    assert worker.status_code == 200
    assert worker.content == WORKER
    assert worker.headers["content-type"] == "text/javascript; charset=utf-8"
    assert worker.headers["cache-control"] == "no-cache"
    assert manifest.content == MANIFEST
    assert manifest.headers["content-type"] == "application/manifest+json; charset=utf-8"
    assert manifest.headers["cache-control"] == "no-cache"
    directives = [d.strip() for d in worker.headers["content-security-policy"].split(";")]
    assert "worker-src 'self'" in directives
    assert "manifest-src 'self'" in directives


async def test_a_build_without_a_worker_answers_404_not_the_app(
    dist: Path, api: ThreadedServer
) -> None:
    # Never index.html under the worker's URL: the browser would fail to install it, not
    # install the page.
    (dist / "sw.js").unlink()
    with web_server(dist, api.url) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/sw.js")
    assert response.status_code == 404


async def test_paths_outside_dist_are_never_served(web: str) -> None:
    async with httpx.AsyncClient(base_url=web) as http:
        for raw in ("/..%2Fsecret.txt", "/%2e%2e/secret.txt", "/assets/..%2F..%2Fsecret.txt"):
            response = await http.get(raw)
            assert b"outside dist" not in response.content, raw


async def test_other_methods_on_the_app_are_405(web: str) -> None:
    async with httpx.AsyncClient(base_url=web) as http:
        response = await http.post("/account", content=b"x")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


async def test_api_requests_are_proxied_with_status_body_and_headers(web: str) -> None:
    async with httpx.AsyncClient(base_url=web) as http:
        info = await http.get("/api/v1/server")
        bad = await http.post("/api/v1/auth/prelogin", json={"email": "not an email"})
        unauthorized = await http.get("/api/v1/users/me")
    assert info.status_code == 200
    assert info.json()["crypto_contract"] == 2
    assert "x-request-id" in info.headers
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"
    assert unauthorized.status_code == 401
    assert unauthorized.headers["www-authenticate"] == "Bearer"


async def test_a_request_body_and_query_string_reach_the_api(web: str, api: ThreadedServer) -> None:
    # The API answers an unknown email's prelogin with deterministic fake KDF parameters, so the
    # same body twice gives the same answer through the proxy as directly.
    body = {"email": "nobody-here@example.org"}
    async with (
        httpx.AsyncClient(base_url=web) as via_web,
        httpx.AsyncClient(base_url=api.url) as direct,
    ):
        proxied = await via_web.post("/api/v1/auth/prelogin", json=body)
        straight = await direct.post("/api/v1/auth/prelogin", json=body)
        listed = await via_web.get("/api/v1/users/me/events", params={"limit": "0"})
    assert proxied.status_code == straight.status_code == 200
    assert proxied.json() == straight.json()
    # The query string arrived: limit=0 is refused by validation (before authentication, or 401).
    assert listed.status_code in (401, 422)


async def test_an_unreachable_api_is_a_502_json_error(dist: Path) -> None:
    with web_server(dist, f"http://127.0.0.1:{free_port()}") as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/api/v1/server")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "api_unavailable"


async def test_https_deployments_get_hsts(dist: Path, api: ThreadedServer) -> None:
    with web_server(dist, api.url, https=True) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_a_missing_build_says_how_to_build_it(tmp_path: Path, api: ThreadedServer) -> None:
    with web_server(tmp_path, api.url) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/")
    assert response.status_code == 503
    assert b"make web-build" in response.content


async def test_health_is_the_web_servers_own_liveness(dist: Path) -> None:
    # Answered without the API (the container HEALTHCHECK runs `normogen healthcheck --port`).
    with web_server(dist, f"http://127.0.0.1:{free_port()}") as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["content-type"] == "application/json"


def test_the_container_healthcheck_finds_the_web_server_by_web_port(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normogen.__main__ import main

    with web_server(dist, f"http://127.0.0.1:{free_port()}") as url:
        monkeypatch.setenv("WEB_PORT", url.rsplit(":", 1)[1])
        monkeypatch.setenv("SERVER_PORT", str(free_port()))  # nothing there: --web must not use it
        assert main(["healthcheck", "--web", "--timeout", "5"]) == 0
        assert main(["healthcheck", "--timeout", "1"]) == 1
