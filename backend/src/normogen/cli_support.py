"""What the heavier CLI commands run: the server (with the embedded engine) and migrations."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr

from normogen.config import Settings
from normogen.db.client import create_client
from normogen.db.embedded import EmbeddedMongo

log = logging.getLogger("normogen")


async def run_migrations(settings: Settings) -> dict[str, list[str]]:
    import normogen.app  # noqa: F401  # importing the app declares every domain's indexes
    from normogen.db.indexes import migrate

    client = create_client(settings)
    try:
        return await migrate(client[settings.MONGODB_DATABASE])
    finally:
        await client.close()


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document, built in-process from the app (no database, no server)."""
    from normogen.app import create_app
    from normogen.config import ephemeral_secret, load_settings

    settings = load_settings(NORMOGEN_ENV="development", JWT_SECRET=ephemeral_secret())
    document: dict[str, Any] = create_app(settings).openapi()
    return document


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Server options shared by `normogen serve` and the tests' in-process servers."""
    return {
        "host": settings.SERVER_HOST,
        "port": settings.SERVER_PORT,
        "log_config": None,  # logging is configured by us, uvicorn's access log replaced
        "access_log": False,
        "proxy_headers": False,  # X-Forwarded-For is honoured only from TRUSTED_PROXIES
        "server_header": False,
        "timeout_graceful_shutdown": int(settings.SHUTDOWN_GRACE_SECONDS),
    }


def _run(settings: Settings, reload: bool) -> None:
    from normogen.app import create_app
    from normogen.ops.server import DrainingServer

    common = uvicorn_options(settings)
    if reload:
        # The reloader imports the app by name in a child process, which reads the environment.
        src = str(Path(__file__).resolve().parent.parent)
        uvicorn.run(
            "normogen.cli_support:app_from_environment",
            factory=True,
            reload=True,
            reload_dirs=[src],
            **common,
        )
        return
    app = create_app(settings)
    config = uvicorn.Config(app, lifespan="on", **common)
    DrainingServer(config, app.state.runtime).run()


def app_from_environment() -> object:
    """Factory for `--reload`: settings come from the environment the CLI prepared."""
    from normogen.app import create_app
    from normogen.config import load_settings
    from normogen.logging import configure_logging

    settings = load_settings()
    configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)
    return create_app(settings)


def serve(settings: Settings, *, reload: bool, data_dir: Path) -> int:
    log.info("effective configuration", extra={"config": settings.masked()})
    if settings.MONGODB_URI is not None:
        _export_for_reload(settings, reload)
        _run(settings, reload)
        return 0
    storage = data_dir / "secantus"
    log.info("MONGODB_URI is not set: starting the embedded engine", extra={"path": str(storage)})
    engine = EmbeddedMongo(storage, log_path=data_dir / "secantus.log")
    data_dir.mkdir(parents=True, exist_ok=True)
    with engine:
        log.info("embedded engine ready", extra={"port": engine.port})
        settings = settings.model_copy(update={"MONGODB_URI": SecretStr(engine.uri)})
        _export_for_reload(settings, reload)
        _run(settings, reload)
    log.info("embedded engine stopped")
    return 0


def _export_for_reload(settings: Settings, reload: bool) -> None:
    if reload:
        for name in ("MONGODB_URI", "JWT_SECRET"):
            value = getattr(settings, name)
            if value is not None:
                os.environ[name] = value.get_secret_value()
