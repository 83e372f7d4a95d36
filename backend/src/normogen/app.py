"""`create_app(settings)`: middleware, routers, error handlers, and the lifespan owning MongoDB."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from pymongo.errors import PyMongoError
from starlette.types import ASGIApp

from normogen import __version__, direct_routes, docs_ui, handlers, openapi, participants
from normogen.accounts import router as accounts_router
from normogen.auth import router as auth_router
from normogen.config import Settings, ephemeral_secret
from normogen.db.client import create_client
from normogen.db.migrations import SchemaTooNew, migrate
from normogen.families import router as families_router
from normogen.links import router as links_router
from normogen.ops import router as ops_router
from normogen.ops.edge import EdgeMiddleware
from normogen.ops.schema_gate import SchemaGateMiddleware
from normogen.profiles import router as profiles_router
from normogen.records import router as records_router
from normogen.records import sync as records_sync
from normogen.runtime import Runtime
from normogen.security.batching import BatchedLimiter
from normogen.security.body_limit import BodyLimitMiddleware
from normogen.security.cors import CORSMiddleware
from normogen.security.middleware import RateLimitMiddleware
from normogen.security.ratelimit import RateLimiter
from normogen.users.deletion import resume_deletions

log = logging.getLogger("normogen")
_MIGRATE_RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)
OPENAPI_URL = "/openapi.json"


async def _migrate_until_done(runtime: Runtime) -> None:
    """Migrate at start-up; if MongoDB is not up yet, keep trying in the background.

    A database migrated by a newer release is never served (the schema gate stays closed, so
    every /api request gets 503): see db/migrations.py.
    """
    attempt = 0
    while True:
        try:
            await migrate(runtime.db)
            runtime.schema_ready.set()  # requests may reach the routes from now on
            # Finish account deletions a previous process started (no orphans survive a crash).
            await resume_deletions(runtime.db)
            return
        except SchemaTooNew as exc:
            log.error("refusing to serve this database: %s", exc, extra={"found": exc.found})
            return
        except Exception:
            # A bug, not an outage: say so (the schema gate stays closed, /api answers 503).
            log.exception("migration failed; not serving the database")
            return
        except PyMongoError as exc:
            delay = _MIGRATE_RETRY_SECONDS[min(attempt, len(_MIGRATE_RETRY_SECONDS) - 1)]
            log.warning(
                "index migration postponed: database unavailable",
                extra={"error": type(exc).__name__, "retry_in_s": delay},
            )
            attempt += 1
            await asyncio.sleep(delay)


def _resolve_secret(settings: Settings) -> Settings:
    if settings.JWT_SECRET is not None:
        return settings
    log.warning(
        "JWT_SECRET is not set: using an EPHEMERAL secret (development only). Every token dies "
        "with this process and replicas cannot share sessions. Set JWT_SECRET for real use."
    )
    return settings.model_copy(update={"JWT_SECRET": ephemeral_secret()})


class NormogenAPI(FastAPI):
    """FastAPI with the edge middleware outside the framework's own stack.

    Probes are then answered before Starlette's error, telemetry and body-limit layers run,
    and every response (framework 500s included) carries the request id and security headers.
    """

    def __init__(self, runtime: Runtime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state.runtime = runtime

    def build_middleware_stack(self) -> ASGIApp:
        return EdgeMiddleware(super().build_middleware_stack(), self.state.runtime)


def create_app(settings: Settings) -> FastAPI:
    """Build the ASGI app from explicit settings; nothing here reads the environment."""
    participants.install()
    runtime = Runtime(_resolve_secret(settings))
    api_limiter = BatchedLimiter(RateLimiter(runtime))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime.client = create_client(runtime.settings, runtime.metrics)
        background = [
            asyncio.create_task(_migrate_until_done(runtime)),
            asyncio.create_task(api_limiter.run()),
        ]
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            with contextlib.suppress(PyMongoError):
                await api_limiter.sync()  # hand our last counted hits to the other replicas
            await runtime.client.close()
            log.info("database client closed")

    docs = settings.ENABLE_DOCS
    app = NormogenAPI(
        runtime,
        title="Normogen",
        version=__version__,
        summary="Zero-knowledge health-data server: it stores ciphertext only.",
        lifespan=lifespan,
        docs_url=None,  # docs_ui serves both pages with local assets
        redoc_url=None,
        openapi_url=OPENAPI_URL if docs else None,
        # Metrics are Prometheus (core/metrics.py); FastAPI's OpenTelemetry hooks stay off.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    handlers.install(app)
    # Routes are matched in order: the busiest (records, sync, profiles) come first.
    app.include_router(records_router.router)
    direct_routes.install(app, records_router.DIRECT_ROUTES)
    app.include_router(records_sync.router)
    app.include_router(profiles_router.router)
    app.include_router(auth_router.router)
    app.include_router(accounts_router.router)
    app.include_router(ops_router.router)
    app.include_router(families_router.router)
    app.include_router(families_router.invitations_router)
    app.include_router(links_router.router)
    app.include_router(links_router.public_router)
    openapi.install(app, runtime.settings)
    if docs:
        docs_ui.install(app, OPENAPI_URL)
    # Added innermost first: rate limiting sits next to the routes, and no request passes the
    # schema gate before the indexes exist (the edge, with the probes, is outside all).
    app.add_middleware(RateLimitMiddleware, runtime=runtime, limiter=api_limiter)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.MAX_REQUEST_BYTES)
    app.add_middleware(CORSMiddleware, allowed_origins=settings.ALLOWED_ORIGINS)
    app.add_middleware(SchemaGateMiddleware, runtime=runtime)
    return app
