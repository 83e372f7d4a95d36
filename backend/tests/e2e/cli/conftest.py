"""The command line as a user runs it: `python -m normogen_client.cli` in a child process, one
configuration directory per simulated device, against a real server over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.accounts import TEST_KDF_ITERATIONS, auth_settings
from tests.support import ThreadedServer, running_server

PASSWORD = "correct horse battery staple"
# Each test drives the command line as separate processes (a second or more each on a shared
# machine), so the suite's per-test default (backend/pyproject.toml) is too short here.
CLI_TEST_TIMEOUT = 1200


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.timeout(CLI_TEST_TIMEOUT))


PASSPHRASE = "session passphrase for tests"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


class Device:
    """One machine's `normogen-client`: its own config directory and session file."""

    def __init__(self, home: Path, server: str) -> None:
        self.home = home
        self.server = server
        self.env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(home),
            "NORMOGEN_SESSION_STORE": "file",
            "NORMOGEN_SESSION_PASSPHRASE": PASSPHRASE,
            "NORMOGEN_SERVER": server,
            "COLUMNS": "250",
        }
        self.email: str | None = None

    @property
    def config_dir(self) -> Path:
        return self.home / "normogen"

    @property
    def session_file(self) -> Path:
        return self.config_dir / "session.json"

    def run(
        self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        completed = subprocess.run(
            [sys.executable, "-m", "normogen_client.cli", *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=300,
            check=False,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    def ok(self, *args: str, stdin: str | None = None) -> str:
        result = self.run(*args, stdin=stdin)
        assert result.code == 0, f"{args}: exit {result.code}\n{result.err}\n{result.out}"
        return result.out

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))

    def fails(self, *args: str, stdin: str | None = None) -> str:
        """The command fails with exit status 1 and exactly one line on stderr."""
        result = self.run(*args, stdin=stdin)
        assert result.code == 1, f"{args}: expected failure, got {result.code}\n{result.out}"
        lines = result.err.strip().splitlines()
        assert len(lines) == 1, f"expected one error line, got: {result.err!r}"
        assert "Traceback" not in result.err
        return lines[0]

    def register(self, email: str | None = None, password: str = PASSWORD) -> str:
        email = email or f"cli-{uuid.uuid4().hex[:10]}@example.org"
        self.ok("register", email, "--password-stdin", "--no-recovery", stdin=password + "\n")
        self.email = email
        return email


DeviceFactory = Callable[[], Device]


def new_device_factory(server: ThreadedServer, root: Path) -> DeviceFactory:
    counter = iter(range(1000))

    def make() -> Device:
        device = Device(root / f"device-{next(counter)}", server.url)
        # A development server accepts the fast test KDF (tests/accounts.py).
        iterations = str(TEST_KDF_ITERATIONS)
        device.ok("config", "--kdf-iterations", iterations, "--min-iterations", iterations)
        return device

    return make


@pytest.fixture
def new_device(auth_server: ThreadedServer, tmp_path: Path) -> DeviceFactory:
    return new_device_factory(auth_server, tmp_path)


@pytest.fixture
def device(new_device: DeviceFactory) -> Device:
    """A device logged in to a fresh account."""
    made = new_device()
    made.register()
    return made


@pytest.fixture
def own_server(mongodb_uri: str) -> Iterator[ThreadedServer]:
    """A server this test may stop (for outage tests)."""
    with running_server(auth_settings(mongodb_uri)) as server:
        yield server
