"""`/docs` (Swagger UI) and `/redoc` (ReDoc), with their scripts served by this server.

The bundles come from the pinned `fastapi-offline` package (Swagger UI and ReDoc's standalone
build), so the pages work on a homelab with no internet and the CSP allows `'self'` only
(normogen/security/headers.py).
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from normogen.errors import NotFound

ASSETS_PREFIX = "/docs/assets/"
_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}


def _asset(name: str) -> bytes:
    return resources.files("fastapi_offline").joinpath("static", name).read_bytes()


def install(app: FastAPI, openapi_url: str) -> None:
    """Add `/docs`, `/redoc` and their assets (none of them in the OpenAPI document)."""
    title = app.title
    favicon = ASSETS_PREFIX + "favicon.png"
    # Read once: the files are part of the installed, hash-pinned package.
    assets = {name: (_asset(name), media) for name, media in _ASSETS.items()}

    async def swagger(_: Request) -> Response:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - Swagger UI",
            swagger_js_url=ASSETS_PREFIX + "swagger-ui-bundle.js",
            swagger_css_url=ASSETS_PREFIX + "swagger-ui.css",
            swagger_favicon_url=favicon,
        )

    async def redoc(_: Request) -> Response:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=ASSETS_PREFIX + "redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )

    async def asset(request: Request) -> Response:
        found = assets.get(request.path_params["name"])
        if found is None:
            raise NotFound("No such documentation asset")
        body, media = found
        return Response(body, media_type=media)

    app.router.routes.extend(
        [
            Route("/docs", swagger, methods=["GET"], include_in_schema=False),
            Route("/redoc", redoc, methods=["GET"], include_in_schema=False),
            Route(ASSETS_PREFIX + "{name}", asset, methods=["GET"], include_in_schema=False),
        ]
    )
