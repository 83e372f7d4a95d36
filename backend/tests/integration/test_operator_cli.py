"""The operator's commands as real processes: settings file, one-line failures, migrations,
backups on the embedded engine, and an engine that never outlives its server."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pymongo import MongoClient

from normogen.db.embedded import EmbeddedMongo, free_port, lock_holder
from normogen.db.migrations import LATEST, MIGRATIONS
from tests.support import BACKEND, ServerProcess, unique_db_name, wait_ready, wait_until

# Variables of the developer's shell that would change what a command sees.
_OWN = ("JWT_", "MONGODB_", "NORMOGEN_", "RUST_LOG", "LOG_LEVEL", "SERVER_")


def normogen(
    *args: str, env: dict[str, str], cwd: Path = BACKEND, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(_OWN)}
    return subprocess.run(
        [sys.executable, "-m", "normogen", *args],
        env={**clean, "LOG_LEVEL": "warning", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # Still a process: perhaps a zombie nobody has reaped yet, which holds nothing.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# --- settings file ---------------------------------------------------------------------------


def test_check_config_reads_config_env_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / ".env").write_text(
        "NORMOGEN_ENV=development\nSERVER_PORT=7123\nRATE_LIMIT_REQUESTS=7\n"
        "RUST_LOG=warn,normogen=debug\n"
    )
    result = normogen("check-config", env={"SERVER_PORT": "7124"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["SERVER_PORT"], shown["RATE_LIMIT_REQUESTS"]) == (7124, 7)
    # LOG_LEVEL=warning from the environment (see `normogen`) replaces the file's RUST_LOG:
    # two names of one setting.
    assert (shown["LOG_LEVEL"], shown["RUST_LOG"]) == ("warning", None)
    assert "read settings from config/.env" in result.stderr


def test_check_config_names_the_bad_setting_of_the_file(tmp_path: Path) -> None:
    env_file = tmp_path / "normogen.env"
    env_file.write_text("NORMOGEN_ENV=development\nTRUSTED_PROXIES=10.0.0.0/8,gateway\n")
    result = normogen("check-config", env={"NORMOGEN_ENV_FILE": str(env_file)})
    assert result.returncode == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert problems == [
        "  - TRUSTED_PROXIES: 'gateway' is not an IP network "
        "(CIDR such as 172.18.0.0/16, or an address)"
    ]


def test_serve_reads_the_settings_file(tmp_path: Path) -> None:
    env_file = tmp_path / "normogen.env"
    env_file.write_text("NORMOGEN_ENV=development\nENABLE_DOCS=false\nSHUTDOWN_DRAIN_SECONDS=0\n")
    api = ServerProcess(
        {"NORMOGEN_ENV_FILE": str(env_file), "NORMOGEN_DATA_DIR": str(tmp_path / "data")},
        tmp_path / "api.log",
    )
    api.env = {k: v for k, v in api.env.items() if not k.startswith(("JWT_", "MONGODB_"))}
    api.env.pop("NORMOGEN_ENV", None)
    api.start()
    try:
        wait_ready(api.url, timeout=60)
        assert httpx.get(f"{api.url}/docs", timeout=10).status_code == 404
        assert httpx.get(f"{api.url}/health", timeout=10).status_code == 200
        api.terminate()
        assert api.wait(60) == 0
    finally:
        api.stop()


# --- healthcheck -----------------------------------------------------------------------------


@pytest.fixture
def unhealthy_port() -> Iterator[int]:
    """An HTTP server whose /health answers 503."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b'{"status":"draining"}')

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_healthcheck_says_why_it_failed(unhealthy_port: int) -> None:
    closed = free_port()
    refused = normogen("healthcheck", "--port", str(closed), "--timeout", "2", env={})
    assert refused.returncode == 1
    assert f"cannot reach http://127.0.0.1:{closed}/health" in one_line(refused.stderr)
    answered = normogen("healthcheck", "--port", str(unhealthy_port), env={})
    assert answered.returncode == 1
    assert "answered 503" in one_line(answered.stderr)


# --- migrate ---------------------------------------------------------------------------------


def test_migrate_reports_an_unreachable_database_in_one_line() -> None:
    port = free_port()
    uri = f"mongodb://admin:hunter2-secret@127.0.0.1:{port}/?directConnection=true"
    result = normogen("migrate", env={"NORMOGEN_ENV": "production", "MONGODB_URI": uri})
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line == (
        f"normogen: migrate: cannot reach MongoDB at 127.0.0.1:{port} (ServerSelectionTimeoutError)"
    )
    assert "hunter2" not in result.stdout + result.stderr


def test_migrate_applies_numbered_migrations_once_and_refuses_a_newer_schema(
    mongodb_uri: str,
) -> None:
    env = {"NORMOGEN_ENV": "production", "MONGODB_URI": mongodb_uri}
    env["MONGODB_DATABASE"] = database = unique_db_name()
    first = normogen("migrate", env=env)  # no JWT_SECRET: migrate signs nothing
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["schema_version"] == {"before": 0, "after": LATEST}
    assert report["applied"] == [f"{m.version}: {m.name}" for m in MIGRATIONS]
    second = normogen("migrate", env=env)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["schema_version"] == {"before": LATEST, "after": LATEST}
    assert json.loads(second.stdout)["applied"] == []
    client: MongoClient[dict[str, object]]
    with MongoClient(mongodb_uri) as client:
        schema = client[database]["meta"].find_one({"_id": "schema"})
        assert schema is not None
        assert schema["version"] == LATEST
        assert isinstance(schema["applied"], dict)
        assert sorted(schema["applied"]) == [str(m.version) for m in MIGRATIONS]
        client[database]["meta"].update_one({"_id": "schema"}, {"$set": {"version": LATEST + 1}})
    newer = normogen("migrate", env=env)
    assert newer.returncode == 1
    assert f"schema version is {LATEST + 1}, newer than this release's {LATEST}" in one_line(
        newer.stderr
    )


# --- the embedded engine ---------------------------------------------------------------------


def _dev(data_dir: Path) -> dict[str, str]:
    return {"NORMOGEN_ENV": "development", "NORMOGEN_DATA_DIR": str(data_dir)}


def test_migrate_backup_and_verify_on_the_embedded_engine(tmp_path: Path) -> None:
    env = _dev(tmp_path / "data")
    migrated = normogen("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert json.loads(migrated.stdout)["schema_version"]["after"] == LATEST
    archive = tmp_path / "b.tar.gz"
    saved = normogen("backup", "--output", str(archive), env=env)
    assert saved.returncode == 0, saved.stderr
    assert json.loads(saved.stdout)["collections"]["meta"] == 2
    checked = normogen("restore", "--verify-only", str(archive), env={})
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["checksum"] == json.loads(saved.stdout)["checksum"]
    # Into another database of the same engine: loaded, with a new sync epoch.
    loaded = normogen("restore", str(archive), env={**env, "MONGODB_DATABASE": "copy"})
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["database"] == "copy"


def _dev_server(tmp_path: Path) -> ServerProcess:
    env = {**_dev(tmp_path / "data"), "MONGODB_URI": "", "JWT_SECRET": ""}
    return ServerProcess({**env, "SHUTDOWN_DRAIN_SECONDS": "0"}, tmp_path / "api.log")


def test_commands_use_the_engine_of_a_running_server(tmp_path: Path) -> None:
    api = _dev_server(tmp_path).start()
    try:
        wait_ready(api.url, timeout=60)
        archive = tmp_path / "live.tar.gz"
        saved = normogen("backup", "-o", str(archive), env=_dev(tmp_path / "data"))
        assert saved.returncode == 0, saved.stderr
        assert archive.is_file()
    finally:
        api.terminate()
        api.wait(60)
        api.stop()


def test_a_locked_data_directory_is_named_with_its_process(tmp_path: Path) -> None:
    with EmbeddedMongo(tmp_path / "data" / "secantus", sync_on_commit=False) as other:
        assert other.process is not None
        result = normogen("serve", env={**_dev(tmp_path / "data"), "SERVER_PORT": str(free_port())})
        assert result.returncode == 1
        line = [x for x in result.stderr.splitlines() if x.startswith("normogen:")]
        assert len(line) == 1, result.stderr
        assert "is already in use by another process" in line[0]
        assert f"pid {other.process.pid}" in line[0]
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGKILL])
def test_the_engine_never_outlives_its_server(sig: signal.Signals, tmp_path: Path) -> None:
    """SIGHUP (a closed terminal) drains like SIGTERM; SIGKILL leaves the engine to notice."""
    api = _dev_server(tmp_path).start()
    try:
        wait_ready(api.url, timeout=60)
        engine_pid = lock_holder(tmp_path / "data" / "secantus")
        assert engine_pid is not None
        assert engine_pid > 0
        assert api.process is not None
        api.process.send_signal(sig)
        status = api.wait(60)
        assert status == (0 if sig == signal.SIGHUP else -signal.SIGKILL)
        wait_until(lambda: _process_gone(engine_pid), 30, "the engine outlived its server")
        wait_until(
            lambda: lock_holder(tmp_path / "data" / "secantus") is None,
            30,
            "the data directory stayed locked",
        )
    finally:
        api.stop()
    # The next start works (no "already in use").
    again = _dev_server(tmp_path).start()
    try:
        wait_ready(again.url, timeout=60)
    finally:
        again.terminate()
        again.wait(60)
        again.stop()
