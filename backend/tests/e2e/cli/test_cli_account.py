"""Account commands: register, login, logout, status, sessions, events, the session store."""

from __future__ import annotations

import json
import re
import stat
import uuid
from pathlib import Path

from tests.e2e.cli.conftest import PASSWORD, Device, DeviceFactory
from tests.support import ThreadedServer


def test_register_prints_a_recovery_phrase_and_logs_in(new_device: DeviceFactory) -> None:
    device = new_device()
    email = f"cli-{uuid.uuid4().hex[:8]}@example.org"
    out = device.ok("register", email, "--password-stdin", stdin=PASSWORD + "\n")
    assert re.search(r"([0-9A-Z]{4}-){7}[0-9A-Z]{4}", out), out
    status = device.json("status")
    assert status["email"] == email
    assert status["has_recovery"] is True
    assert status["session_store"] == "file"


def test_session_file_is_private_and_holds_no_secret_in_clear(device: Device) -> None:
    mode = stat.S_IMODE(device.session_file.stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(device.config_dir.stat().st_mode) == 0o700
    document = json.loads(device.session_file.read_text())
    assert set(document) == {"version", "kdf", "n", "r", "p", "salt", "envelope"}
    text = device.session_file.read_text()
    assert device.email is not None
    for secret in (device.email, "refresh_token", "user_key", PASSWORD):
        assert secret not in text
    assert PASSWORD not in (device.config_dir / "config.json").read_text()


def test_wrong_session_passphrase_is_one_line(device: Device) -> None:
    result = device.run("status", env={"NORMOGEN_SESSION_PASSPHRASE": "not it"})
    assert result.code == 1
    assert result.err.strip() == "error: wrong session passphrase"


def test_login_wrong_password_writes_nothing(new_device: DeviceFactory) -> None:
    first = new_device()
    email = first.register()
    other = new_device()
    line = other.fails("login", email, "--password-stdin", stdin="wrong password\n")
    assert line == "error: wrong email or password"
    assert not other.session_file.exists()
    assert "not logged in" in other.fails("status")


def test_login_logout_and_status(new_device: DeviceFactory) -> None:
    first = new_device()
    email = first.register()
    laptop = new_device()
    assert "Logged in" in laptop.ok("login", email, "--password-stdin", stdin=PASSWORD + "\n")
    assert laptop.json("status")["email"] == email
    assert "Logged out." in laptop.ok("logout")
    assert not laptop.session_file.exists()
    assert "not logged in" in laptop.fails("status")
    # The server ended that session too: the first device sees only its own.
    sessions = first.json("sessions", "list")
    assert [s["current"] for s in sessions] == [True]


def test_login_defaults_to_the_last_email(new_device: DeviceFactory) -> None:
    device = new_device()
    email = device.register()
    device.ok("logout")
    device.ok("login", "--password-stdin", stdin=PASSWORD + "\n")
    assert device.json("status")["email"] == email


def test_sessions_revoke_ends_the_other_device(new_device: DeviceFactory) -> None:
    phone = new_device()
    email = phone.register()
    laptop = new_device()
    laptop.ok("login", email, "--password-stdin", stdin=PASSWORD + "\n")
    sessions = phone.json("sessions", "list")
    other = next(s for s in sessions if not s["current"])
    phone.ok("sessions", "revoke", other["id"])
    line = laptop.fails("profiles", "list")
    assert "session ended on the server" in line
    assert not laptop.session_file.exists()  # the dead session is erased, not kept
    assert [s["current"] for s in phone.json("sessions", "list")] == [True]


def test_idle_session_locks_and_ends_on_the_server(new_device: DeviceFactory) -> None:
    watcher = new_device()
    email = watcher.register()
    idle = new_device()
    idle.ok("login", email, "--password-stdin", stdin=PASSWORD + "\n")
    assert len(watcher.json("sessions", "list")) == 2
    # Zero seconds allowed: any later command finds the session idle for too long.
    idle.ok("config", "--idle-timeout", "0")
    line = idle.fails("profiles", "list")
    assert "locked after 0 minutes idle" in line
    assert not idle.session_file.exists()
    assert len(watcher.json("sessions", "list")) == 1
    assert "not logged in" in idle.fails("profiles", "list")


def test_session_survives_within_the_idle_time(device: Device) -> None:
    device.ok("config", "--idle-timeout", "3600")
    for _ in range(3):
        device.ok("profiles", "list")


def test_events_list_logins(new_device: DeviceFactory) -> None:
    device = new_device()
    email = device.register()
    device.ok("login", email, "--password-stdin", stdin=PASSWORD + "\n")
    events = device.json("events")
    types = [event["type"] for event in events]
    assert "registered" in types
    assert any("login" in kind for kind in types)
    assert len(device.json("events", "--limit", "1")) == 1


def test_server_down_is_one_line_and_keeps_the_session(
    own_server: ThreadedServer, tmp_path: Path
) -> None:
    device = Device(tmp_path / "dev", own_server.url)
    device.ok("config", "--kdf-iterations", "1000", "--min-iterations", "1000")
    device.register()
    device.ok("profiles", "add", "Ada")
    before = device.session_file.read_bytes()
    own_server.stop()
    line = device.fails("profiles", "list")
    assert line == f"error: cannot reach the server at {own_server.url}"
    export = tmp_path / "export.json"
    device.fails("export", "--decrypted", "-o", str(export))
    assert not export.exists()  # nothing half-written
    assert device.session_file.read_bytes() == before
    fresh = Device(tmp_path / "fresh", own_server.url)
    assert "cannot reach" in fresh.fails("login", "x@example.org", "--password-stdin", stdin="pw\n")
    assert not fresh.session_file.exists()


def test_errors_from_the_server_are_one_line(device: Device) -> None:
    line = device.fails("sessions", "revoke", "0" * 32)
    assert line.startswith("error: ")
    assert "HTTP 404" in line


def test_without_a_session_passphrase_nothing_is_registered(new_device: DeviceFactory) -> None:
    device = new_device()
    email = f"cli-{uuid.uuid4().hex[:8]}@example.org"
    result = device.run(
        "register",
        email,
        "--password-stdin",
        "--no-recovery",
        stdin=PASSWORD + "\n",
        env={"NORMOGEN_SESSION_PASSPHRASE": ""},
    )
    assert result.code == 1
    assert "NORMOGEN_SESSION_PASSPHRASE" in result.err
    assert not device.session_file.exists()
    # The account was not created: registering it now works.
    device.register(email)
