"""Test helpers: the database under test, in-process servers over real HTTP, server processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from normogen.app import create_app
from normogen.cli_support import uvicorn_options
from normogen.config import Settings, load_settings
from normogen.db.embedded import free_port

# A fixed, valid test secret (not a real deployment's): 48 bytes.
TEST_JWT_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
BACKEND = Path(__file__).resolve().parents[1]


def unique_db_name(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def test_settings(mongodb_uri: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "NORMOGEN_ENV": "production",
        "MONGODB_URI": mongodb_uri,
        "MONGODB_DATABASE": unique_db_name(),
        "JWT_SECRET": TEST_JWT_SECRET,
        "LOG_LEVEL": "warning",
        "SHUTDOWN_DRAIN_SECONDS": 0,
    }
    values.update(overrides)
    return load_settings(**values)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a factory, not a test


class ThreadedServer:
    """A real uvicorn server on a loopback port, running the app in a background thread."""

    def __init__(
        self, settings: Settings, configure: Callable[[FastAPI], None] | None = None
    ) -> None:
        self.settings = settings
        self.app = create_app(settings)
        if configure is not None:
            configure(self.app)  # tests may add routes that exercise the error paths
        self.port = free_port()
        options = uvicorn_options(settings) | {"host": "127.0.0.1", "port": self.port}
        config = uvicorn.Config(self.app, lifespan="on", **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def runtime(self) -> Any:
        return self.app.state.runtime

    def start(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@contextmanager
def running_server(
    settings: Settings, configure: Callable[[FastAPI], None] | None = None
) -> Iterator[ThreadedServer]:
    server = ThreadedServer(settings, configure).start()
    try:
        yield server
    finally:
        server.stop()


class ServerProcess:
    """`normogen serve` as a real child process (for signals, outages and multi-replica tests)."""

    def __init__(self, env: Mapping[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "SERVER_HOST": "127.0.0.1",
            "SERVER_PORT": str(self.port),
            "LOG_LEVEL": "info",
            **env,
        }
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "normogen", "serve"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=BACKEND,
            )
        wait_until(lambda: self._healthy(), timeout, "server process did not become healthy")
        return self

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{self.log_path.read_text()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_until(condition: Any, timeout: float, message: str, interval: float = 0.05) -> None:
    """Poll `condition` until it is true (synchronisation on an observable state, not a sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(message)


def wait_ready(url: str, timeout: float = 30.0) -> None:
    """Until /ready answers 200: connected, and the start-up migration has finished."""

    def ready() -> bool:
        return httpx.get(f"{url}/ready", timeout=5).status_code == 200

    wait_until(ready, timeout, "the server never became ready")


async def async_wait_until(
    condition: Any, within: float, message: str, interval: float = 0.05
) -> float:
    """Async `wait_until`; returns how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if await condition():
            return time.monotonic() - started
        await asyncio.sleep(interval)
    raise AssertionError(message)


async def in_one_window(seconds: int, body: Callable[[], Awaitable[None]]) -> None:
    """Run `body`, whose assertions count hits in one fixed rate-limit window of `seconds`
    (windows are aligned to the epoch, security/ratelimit.py `window_key`). If a window ended
    while it ran, its counts started over mid-way: run it again, in the new window, which with
    windows of a day cannot end again before it finishes."""
    for _ in range(2):
        window = int(time.time() // seconds)
        await body()
        if int(time.time() // seconds) == window:
            return
    raise AssertionError("a rate-limit window ended during each of two runs")


DAY = 86_400  # the rate-limit window of tests that count hits (see `in_one_window`)
