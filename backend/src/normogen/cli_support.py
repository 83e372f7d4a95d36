"""What the heavier CLI commands run: the server (with the embedded engine), migrations,
backup and restore, with one-line reports of what went wrong."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from pydantic import SecretStr
from pymongo.errors import PyMongoError

from normogen.config import Settings
from normogen.db.client import create_client, is_unavailable
from normogen.db.embedded import (
    EmbeddedMongo,
    EmbeddedUnavailable,
    running_engine_uri,
    write_engine_file,
)

log = logging.getLogger("normogen")
EXIT_FAILED = 1


def _say(message: str) -> None:
    print(f"normogen: {message}", file=sys.stderr)  # noqa: T201  # the CLI's own output


def _hosts(settings: Settings) -> str:
    """Where the database is, without credentials (never print the URI itself)."""
    uri = settings.MONGODB_URI.get_secret_value() if settings.MONGODB_URI else ""
    netloc = urlsplit(uri).netloc.rpartition("@")[2]
    return netloc or "the configured MongoDB"


@contextlib.contextmanager
def local_database(settings: Settings, data_dir: Path) -> Iterator[Settings]:
    """Settings with a database: MONGODB_URI, the engine a running `serve` owns, or our own."""
    if settings.MONGODB_URI is not None:
        yield settings
        return
    uri = running_engine_uri(data_dir)
    if uri is not None:
        yield settings.model_copy(update={"MONGODB_URI": SecretStr(uri)})
        return
    engine = EmbeddedMongo(data_dir / "secantus", log_path=data_dir / "secantus.log")
    data_dir.mkdir(parents=True, exist_ok=True)
    with engine:
        yield settings.model_copy(update={"MONGODB_URI": SecretStr(engine.uri)})


def database_command(
    name: str,
    settings: Settings,
    *,
    data_dir: Path,
    action: Callable[[Settings], Coroutine[Any, Any, dict[str, Any]]],
) -> int:
    """Run a command against the database; print its JSON report, or one line on failure."""
    from normogen.db.migrations import SchemaTooNew
    from normogen.ops.backup import BackupError

    try:
        with local_database(settings, data_dir) as ready:
            report = asyncio.run(action(ready))
    except EmbeddedUnavailable as exc:
        _say(f"{name}: {exc}")
        return EXIT_FAILED
    except (BackupError, SchemaTooNew) as exc:
        _say(f"{name}: {exc}")
        return EXIT_FAILED
    except PyMongoError as exc:
        if is_unavailable(exc):
            _say(f"{name}: cannot reach MongoDB at {_hosts(settings)} ({type(exc).__name__})")
        else:
            _say(f"{name}: MongoDB refused the command: {type(exc).__name__}: {exc}")
        return EXIT_FAILED
    print(json.dumps(report, indent=2, default=str))  # noqa: T201  # the command's report
    return 0


async def run_migrations(settings: Settings) -> dict[str, Any]:
    from normogen import participants
    from normogen.db.migrations import migrate

    participants.install()

    client = create_client(settings)
    try:
        report = await migrate(client[settings.MONGODB_DATABASE])
    finally:
        await client.close()
    return {
        "schema_version": {"before": report.before, "after": report.after},
        "applied": report.applied,
        "indexes": report.indexes,
    }


async def run_backup(settings: Settings, output: Path | None) -> dict[str, Any]:
    from normogen.ops.backup import backup

    if output is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output = Path(f"normogen-{settings.MONGODB_DATABASE}-{stamp}.tar.gz")
    client = create_client(settings)
    try:
        manifest = await backup(client, settings.MONGODB_DATABASE, output)
    finally:
        await client.close()
    return _summary(manifest, archive=str(output))


async def run_restore(settings: Settings, archive: Path, *, drop: bool) -> dict[str, Any]:
    from normogen.ops.backup import restore

    client = create_client(settings)
    try:
        result = await restore(client, settings.MONGODB_DATABASE, archive, drop=drop)
    finally:
        await client.close()
    summary = _summary(result["manifest"], archive=str(archive))
    summary["database"] = settings.MONGODB_DATABASE
    summary["sync_epoch"] = result["sync_epoch"]
    return summary


def verify_only(archive: Path) -> int:
    from normogen.ops.backup import BackupError, verify_archive

    try:
        manifest = verify_archive(archive)
    except BackupError as exc:
        _say(f"restore: {exc}")
        return EXIT_FAILED
    print(json.dumps(_summary(manifest, archive=str(archive)), indent=2))  # noqa: T201  # report
    return 0


def _summary(manifest: dict[str, Any], *, archive: str) -> dict[str, Any]:
    return {
        "archive": archive,
        "created_at": manifest["created_at"],
        "source_database": manifest["database"],
        "schema_version": manifest["schema_version"],
        "collections": {c["name"]: c["count"] for c in manifest["collections"]},
        "checksum": manifest["checksum"],
    }


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
    from normogen.config import env_file_path, load_cli_settings
    from normogen.logging import configure_logging

    settings = load_cli_settings(env_file_path())
    level, targets = settings.log_levels()
    configure_logging(level, settings.LOG_FORMAT, targets)
    return create_app(settings)


def _hangup_as_terminate(signum: int, frame: FrameType | None) -> None:
    # A closed terminal (SIGHUP) stops the server like SIGTERM: drained, engine stopped.
    signal.raise_signal(signal.SIGTERM)


def serve(settings: Settings, *, reload: bool, data_dir: Path) -> int:
    log.info("effective configuration", extra={"config": settings.masked()})
    signal.signal(signal.SIGHUP, _hangup_as_terminate)
    if settings.MONGODB_URI is not None:
        _export_for_reload(settings, reload)
        _run(settings, reload)
        return 0
    storage = data_dir / "secantus"
    log.info("MONGODB_URI is not set: starting the embedded engine", extra={"path": str(storage)})
    engine = EmbeddedMongo(storage, log_path=data_dir / "secantus.log")
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        engine.start()
    except EmbeddedUnavailable as exc:
        _say(f"serve: {exc}")
        return EXIT_FAILED
    announced: Path | None = None
    try:
        announced = write_engine_file(data_dir, engine)
        log.info("embedded engine ready", extra={"port": engine.port})
        settings = settings.model_copy(update={"MONGODB_URI": SecretStr(engine.uri)})
        _export_for_reload(settings, reload)
        _run(settings, reload)
    finally:
        if announced is not None:
            announced.unlink(missing_ok=True)
        engine.stop()
    log.info("embedded engine stopped")
    return 0


def _export_for_reload(settings: Settings, reload: bool) -> None:
    if reload:
        for name in ("MONGODB_URI", "JWT_SECRET"):
            value = getattr(settings, name)
            if value is not None:
                os.environ[name] = value.get_secret_value()
