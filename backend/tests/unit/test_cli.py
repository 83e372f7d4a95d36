"""The `normogen` command: exit codes and output of the commands that need no server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from normogen.__main__ import main
from normogen.config import MIN_SECRET_BYTES, load_settings


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JWT_", "MONGODB_"))}
    return subprocess.run(
        [sys.executable, "-m", "normogen", *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_gen_secret_prints_a_valid_fresh_secret(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gen-secret"]) == 0
    first = capsys.readouterr().out.strip()
    assert main(["gen-secret"]) == 0
    second = capsys.readouterr().out.strip()
    assert first != second
    assert len(first.encode()) >= MIN_SECRET_BYTES
    load_settings(JWT_SECRET=first, MONGODB_URI="mongodb://db")


def test_check_config_lists_every_problem_and_exits_non_zero() -> None:
    result = run("check-config", env={"NORMOGEN_ENV": "production", "SERVER_PORT": "0"})
    assert result.returncode == 2
    assert "JWT_SECRET" in result.stderr
    assert "MONGODB_URI" in result.stderr
    assert "SERVER_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_config_prints_masked_configuration() -> None:
    secret = "s" * 40
    result = run("check-config", env={"JWT_SECRET": secret, "MONGODB_URI": "mongodb://u:pw@h"})
    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout
    assert "pw@" not in result.stdout
    assert '"JWT_SECRET": "**********"' in result.stdout


def test_healthcheck_fails_when_nothing_listens() -> None:
    from normogen.db.embedded import free_port

    assert main(["healthcheck", "--port", str(free_port()), "--timeout", "1"]) == 1


def test_python_dash_m_and_help() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("serve", "check-config", "healthcheck", "migrate", "gen-secret"):
        assert command in result.stdout
