"""`/docs` and `/redoc` work offline: every script, style and icon comes from this server."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support import ThreadedServer, running_server, test_settings

EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""")


@pytest.mark.parametrize(
    ("page", "assets"),
    [
        ("/docs", ["swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"]),
        ("/redoc", ["redoc.standalone.js", "favicon.png"]),
    ],
)
async def test_pages_load_only_local_assets(
    http: httpx.AsyncClient, page: str, assets: list[str]
) -> None:
    response = await http.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not EXTERNAL.search(html), "the page loads something from another host"
    assert "fonts.googleapis.com" not in html
    csp = response.headers["content-security-policy"]
    assert "http" not in csp  # no host but this one may serve the page's resources
    assert "/openapi.json" in html
    for name in assets:
        assert f"/docs/assets/{name}" in html
        asset = await http.get(f"/docs/assets/{name}")
        assert asset.status_code == 200, name
        assert len(asset.content) > 1000, name


async def test_assets_have_their_types_and_unknown_ones_are_404(http: httpx.AsyncClient) -> None:
    types = {
        "swagger-ui-bundle.js": "text/javascript",
        "swagger-ui.css": "text/css",
        "redoc.standalone.js": "text/javascript",
        "favicon.png": "image/png",
    }
    for name, media in types.items():
        response = await http.get(f"/docs/assets/{name}")
        assert response.headers["content-type"].startswith(media), name
    missing = await http.get("/docs/assets/../../etc/passwd")
    assert missing.status_code == 404
    unknown = await http.get("/docs/assets/nothing.js")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


async def test_docs_can_be_switched_off(mongodb_uri: str) -> None:
    server: ThreadedServer
    with running_server(test_settings(mongodb_uri, ENABLE_DOCS=False)) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            for path in ("/docs", "/redoc", "/openapi.json", "/docs/assets/swagger-ui.css"):
                assert (await http.get(path)).status_code == 404, path
