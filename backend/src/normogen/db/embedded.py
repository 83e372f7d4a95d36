"""Launch SecantusDB (the embedded MongoDB-compatible engine) as a child process on loopback.

Used by `normogen serve` when no MONGODB_URI is configured, and by the test fixtures. The engine
is an optional development dependency (`normogen[embedded]`); production images never carry it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from pymongo import MongoClient
from pymongo.errors import PyMongoError

log = logging.getLogger("normogen.embedded")

# retryWrites=false: SecantusDB slows down with every retryable write's transaction number.
# directConnection=true: talk to this one server, never try to discover a replica set.
URI_OPTIONS = "directConnection=true&retryWrites=false"
_LAUNCH = "import sys; from secantus.cli import main; sys.exit(main())"


class EmbeddedUnavailable(RuntimeError):
    """The embedded engine is not installed or did not start."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the engine binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedMongo:
    """A SecantusDB server process: start, wait until it answers, stop cleanly."""

    def __init__(
        self,
        storage: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        sync_on_commit: bool = True,
        log_path: Path | None = None,
    ) -> None:
        self.storage = storage
        self.host = host
        self.port = port or free_port(host)
        self.sync_on_commit = sync_on_commit
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/?{URI_OPTIONS}"

    def command(self) -> list[str]:
        args = [sys.executable, "-c", _LAUNCH, "--host", self.host, "--port", str(self.port)]
        args += ["--storage-path", str(self.storage), "--log-level", "WARNING"]
        return [*args, "--sync-on-commit"] if self.sync_on_commit else args

    def start(self, timeout: float = 60.0) -> EmbeddedMongo:
        if importlib.util.find_spec("secantus") is None:
            raise EmbeddedUnavailable(
                "MONGODB_URI is not set and the embedded engine is not installed: "
                "install normogen[embedded] or point MONGODB_URI at a MongoDB server"
            )
        if isinstance(self.storage, Path):
            self.storage.mkdir(parents=True, exist_ok=True)
        out = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
        try:
            # The engine gets its own process group so a terminal's Ctrl-C reaches us first
            # and we stop it in order (after the API has drained).
            self.process = subprocess.Popen(  # noqa: S603  # fixed argv, no shell
                self.command(), stdout=out, stderr=out, start_new_session=True
            )
        finally:
            if self.log_path:
                out.close()  # type: ignore[union-attr]  # the child holds its own descriptor
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        client: MongoClient[dict[str, object]] = MongoClient(
            self.uri, serverSelectionTimeoutMS=250, connectTimeoutMS=250
        )
        try:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise EmbeddedUnavailable(
                        f"embedded engine exited with status {self.process.returncode}"
                    )
                try:
                    client.admin.command("ping")
                    return
                except PyMongoError:
                    continue  # each failed attempt already waited serverSelectionTimeoutMS
        finally:
            client.close()
        self.stop()
        raise EmbeddedUnavailable(f"embedded engine did not answer within {timeout:.0f} s")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, wait for a clean checkpoint, SIGKILL only as a last resort."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("embedded engine ignored SIGTERM; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def kill(self) -> None:
        """Stop abruptly (SIGKILL): what a crash or a pulled plug looks like to clients."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def __enter__(self) -> EmbeddedMongo:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
