"""`normogen-client demo` and `make demo`'s script: a generated household, logins printed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from normogen.db.embedded import free_port
from tests.e2e.cli.conftest import PASSPHRASE, Device, DeviceFactory, new_device_factory
from tests.support import ThreadedServer

BACKEND = Path(__file__).resolve().parents[3]


def logins(output: str) -> dict[str, tuple[str, str]]:
    found = re.findall(r"│ (\w+) \(([^)]*)\)\s*│ (\S+@example\.org)\s*│ (demo-\S+)\s*│", output)
    return {name: (email, password) for name, _, email, password in found}


def test_demo_household(new_device: DeviceFactory) -> None:
    device = new_device()
    out = device.ok("demo")
    people = logins(out)
    assert sorted(people) == ["Alex", "Jo", "Sam"]
    share_url = re.search(r"Share link \(Jo's lab panel, 14 days, 5 opens\): (\S+)", out)
    assert share_url

    # Logged in as Alex, the family owner: four profiles' worth of generated data.
    profiles = {p["name"]: p for p in device.json("profiles", "list")}
    assert sorted(profiles) == ["Alex", "Jo", "Robin"]
    assert profiles["Jo"]["profile_type"] == "elder"
    jo = device.json("records", "list", "Jo")
    kinds = {r["kind"] for r in jo}
    assert kinds == {
        "health_data",
        "lab_result",
        "medication",
        "medication_dose",
        "appointment",
        "note",
    }
    labs = [r for r in jo if r["kind"] == "lab_result"]
    assert all(r["data"].get("reference_range") for r in labs)
    days = {r["occurred_at"][:10] for r in jo if r["kind"] == "medication_dose"}
    assert len(days) > 150  # six months of doses ...
    report = {r["name"]: r for r in device.json("meds", "adherence", "Jo", "--days", "30")}
    for name in ("Ramipril", "Metformin"):
        window = report[name]["windows"]["30"]
        assert 0 < window["taken"] < window["expected"]  # ... with realistic gaps
    alex_labs = device.json("records", "list", "Alex", "--kind", "lab_result")
    panels = {r["data"]["panel"] for r in alex_labs}
    assert panels == {"Lipid panel"}
    [link] = device.json("share", "list")
    assert link["status"] == "active"

    # The other logins work, and the family is visible to them.
    sam = new_device()
    email, password = people["Sam"]
    sam.ok("login", email, "--password-stdin", stdin=password + "\n")
    # A new device trusts no one: Sam verifies Alex (the owner) again before the family opens.
    assert "family verify" in sam.fails("profiles", "list")
    [family] = device.json("family", "list")
    members = device.json("family", "members", family["id"])["members"]
    number = next(m["safety_number"] for m in members if m["email"] == email)
    unverified = sam.ok("family", "verify")
    assert family["id"] in unverified
    assert number in unverified
    sam.ok("family", "verify", family["id"], "--safety-number", number)
    names = sorted(p["name"] for p in sam.json("profiles", "list"))
    assert names == ["Jo", "Robin", "Sam"]
    doctor = new_device()
    content = doctor.json("share", "open", share_url[1])
    assert {r["data"]["test"] for r in content["records"]} == {"HbA1c", "Creatinine", "eGFR"}


def test_make_demo_script_uses_a_running_server(
    auth_server: ThreadedServer, tmp_path: Path
) -> None:
    device: Device = new_device_factory(auth_server, tmp_path)()
    result = subprocess.run(
        [sys.executable, "scripts/demo.py"],
        cwd=BACKEND,
        env={**device.env, "NORMOGEN_SERVER": auth_server.url},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Starting the server" not in result.stdout  # it was already running
    assert sorted(logins(result.stdout)) == ["Alex", "Jo", "Sam"]
    assert device.json("status")["email"].startswith("alex.demo-")


def test_make_demo_script_starts_the_server_when_none_runs(tmp_path: Path) -> None:
    """No server on the port: the script starts one (embedded database, as `make run`), fills
    it, keeps it up until Ctrl-C, then stops it."""
    port = free_port()
    env = {
        **os.environ,
        "SERVER_HOST": "127.0.0.1",
        "SERVER_PORT": str(port),
        "NORMOGEN_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "NORMOGEN_SESSION_STORE": "file",
        "NORMOGEN_SESSION_PASSPHRASE": PASSPHRASE,
        "COLUMNS": "250",
    }
    env.pop("NORMOGEN_SERVER", None)
    env.pop("MONGODB_URI", None)
    process = subprocess.Popen(
        [sys.executable, "scripts/demo.py"],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        seen: list[str] = []
        for line in process.stdout:
            seen.append(line)
            if "keeps running" in line:
                break
        printed = "".join(seen)
        assert f"Starting the server on http://127.0.0.1:{port}" in printed, printed
        assert sorted(logins(printed)) == ["Alex", "Jo", "Sam"]
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(120) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=10)
