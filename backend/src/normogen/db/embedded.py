"""Launch SecantusDB (the embedded MongoDB-compatible engine) as a child process on loopback.

Used by `normogen serve` when no MONGODB_URI is configured, and by the test fixtures. The engine
is an optional development dependency (`normogen[embedded]`); production images never carry it.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import logging
import os
import signal
import socket
import struct
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
# The engine's own lock file (WiredTiger's), held with a POSIX record lock while it runs.
LOCK_FILE = "WiredTiger.lock"
# Written next to the storage while `normogen serve` runs its engine, so that the other
# commands (migrate, backup, restore) use that engine instead of failing on its lock.
ENGINE_FILE = "engine.json"


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
        # The child stops itself when this process dies (db/engine_child.py).
        args = [sys.executable, "-m", "normogen.db.engine_child"]
        args += ["--normogen-parent-pid", str(os.getpid())]
        args += ["--host", self.host, "--port", str(self.port)]
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
            holder = lock_holder(self.storage)
            if holder is not None:
                raise EmbeddedUnavailable(locked_message(self.storage, holder))
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
                    raise EmbeddedUnavailable(self._exit_message(self.process.returncode))
                try:
                    client.admin.command("ping")
                    return
                except PyMongoError:
                    continue  # each failed attempt already waited serverSelectionTimeoutMS
        finally:
            client.close()
        self.stop()
        raise EmbeddedUnavailable(f"embedded engine did not answer within {timeout:.0f} s")

    def _exit_message(self, status: int) -> str:
        if isinstance(self.storage, Path):
            holder = lock_holder(self.storage)
            if holder is not None:
                return locked_message(self.storage, holder)
        where = f"; its log is {self.log_path}" if self.log_path else ""
        last = _last_error(self.log_path) if self.log_path else None
        detail = f": {last}" if last else ""
        return f"embedded engine exited with status {status}{detail}{where}"

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


def lock_holder(storage: Path) -> int | None:
    """The pid holding the engine's lock on `storage` (0 if unknown), or None when unlocked."""
    path = storage / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        # struct flock (Linux): l_type, l_whence, l_start, l_len, l_pid. F_GETLK reports the
        # first lock that would conflict with a write lock on the whole file.
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        try:
            answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
        except OSError:
            return None
        kind, _, _, _, pid = struct.unpack("hhqqi4x", answer)
    finally:
        os.close(fd)
    return None if kind == fcntl.F_UNLCK else pid


def _process_name(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)[:120]


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def locked_message(storage: Path, holder: int) -> str:
    """Say that the data directory is in use, and by whom when it can be found out."""
    who = "another process"
    if holder > 0:
        who = f"another process (pid {holder})"
        parent = _parent_of(holder)
        owner = _process_name(parent) if parent else ""
        if "normogen" in owner and parent is not None:
            who = f"the engine of another normogen process (pid {parent}: {owner})"
    return (
        f"the embedded database in {storage} is already in use by {who}; stop that process "
        "first (or run this command while it serves: migrate, backup and restore use its engine)"
    )


def _last_error(log_path: Path) -> str | None:
    try:
        lines = log_path.read_text(errors="replace").splitlines()[-50:]
    except OSError:
        return None
    errors = [line.strip() for line in lines if "ERROR" in line or "Error" in line]
    return errors[-1][-300:] if errors else None


def write_engine_file(data_dir: Path, engine: EmbeddedMongo) -> Path:
    """Announce a running engine to the other commands (see ENGINE_FILE)."""
    path = data_dir / ENGINE_FILE
    body = {"uri": engine.uri, "owner_pid": os.getpid(), "storage": str(engine.storage)}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body), encoding="utf-8")
    tmp.replace(path)
    return path


def running_engine_uri(data_dir: Path) -> str | None:
    """The URI of the engine a live `normogen serve` runs on `data_dir`, if any."""
    try:
        body = json.loads((data_dir / ENGINE_FILE).read_text(encoding="utf-8"))
        owner, uri = int(body["owner_pid"]), str(body["uri"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        return None  # a stale file from a process that died
    except PermissionError:
        pass  # alive, someone else's
    return uri
