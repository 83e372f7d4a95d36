"""`normogen web`: run the web-app server (uvicorn) in front of the API."""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from normogen.web.app import WebApp

log = logging.getLogger("normogen.web")


def serve_web(*, dist: Path, api_url: str, host: str, port: int, public_url: str | None) -> int:
    """Serve `dist` on host:port, proxying /api to `api_url`; returns the exit status."""
    if not (dist / "index.html").is_file():
        log.error("web app not built", extra={"dist": str(dist)})
        print(f"normogen web: {dist}/index.html is missing; run 'make web-build'")  # noqa: T201
        return 2
    url = public_url or f"http://{host}:{port}"
    app = WebApp(dist=dist, api_url=api_url, https=url.startswith("https://"))
    print(f"Normogen web app: open {url}  (API: {api_url})", flush=True)  # noqa: T201
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    return 0
