"""The Compose stacks carry the seed's values: ports, network, limits, healthchecks, hardening."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from normogen.config import ConfigError, load_settings
from tests.deploy.tooling import BACKEND, COMPOSE_FILES, CONTAINER_TMP, load_yaml
from tests.support import TEST_JWT_SECRET

PROD = BACKEND / "docker-compose.yml"
DEV = BACKEND / "docker-compose.dev.yml"
SEED_DEFAULTS = {
    "LOG_LEVEL": "info",
    "MONGODB_URI": "mongodb://mongodb:27017/normogen",
    "MONGODB_DATABASE": "normogen",
    "JWT_ACCESS_TOKEN_EXPIRY_MINUTES": "15",
    "JWT_REFRESH_TOKEN_EXPIRY_DAYS": "30",
}


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file, as Compose reads them (comments and blanks skipped)."""
    values = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@pytest.fixture(scope="module")
def prod() -> dict[str, Any]:
    compose: dict[str, Any] = load_yaml(PROD)
    return compose


@pytest.fixture(scope="module")
def dev() -> dict[str, Any]:
    compose: dict[str, Any] = load_yaml(DEV)
    return compose


def test_backend_service_follows_the_seed(prod: dict[str, Any]) -> None:
    backend = prod["services"]["backend"]
    assert backend["build"] == {"context": ".", "dockerfile": "docker/Dockerfile"}
    assert backend["container_name"] == "normogen-backend"
    assert backend["ports"] == ["6000:8000"]
    assert backend["depends_on"] == {"mongodb": {"condition": "service_healthy"}}
    assert backend["restart"] == "unless-stopped"
    assert backend["networks"] == ["normogen-network"]
    resources = backend["deploy"]["resources"]
    assert resources["limits"] == {"cpus": "1.0", "memory": "1000M"}
    assert resources["reservations"] == {"cpus": "0.25", "memory": "256M"}


def test_backend_healthcheck_needs_no_curl(prod: dict[str, Any]) -> None:
    check = prod["services"]["backend"]["healthcheck"]
    assert check["test"] == ["CMD", "/opt/venv/bin/normogen", "healthcheck"]
    assert (check["interval"], check["timeout"], check["retries"]) == ("30s", "10s", 3)
    assert check["start_period"] == "40s"


def test_backend_is_hardened(prod: dict[str, Any]) -> None:
    backend = prod["services"]["backend"]
    assert backend["user"] == "1000:1000"
    assert backend["read_only"] is True
    assert backend["tmpfs"] == [CONTAINER_TMP]
    assert backend["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in backend["security_opt"]


def test_stop_grace_period_covers_drain_and_in_flight_budget(prod: dict[str, Any]) -> None:
    settings = load_settings(MONGODB_URI="mongodb://mongodb:27017", JWT_SECRET=TEST_JWT_SECRET)
    budget = settings.SHUTDOWN_DRAIN_SECONDS + settings.SHUTDOWN_GRACE_SECONDS
    grace = prod["services"]["backend"]["stop_grace_period"]
    assert int(grace.removesuffix("s")) > budget


def test_environment_comes_from_config_env_over_the_seed_defaults(prod: dict[str, Any]) -> None:
    backend = prod["services"]["backend"]
    # Later env files win: the seed's defaults first, the operator's config/.env last.
    assert backend["env_file"] == ["docker/compose-defaults.env", "config/.env"]
    assert env_file(BACKEND / "docker" / "compose-defaults.env") == SEED_DEFAULTS
    # `environment:` beats env_file, so it holds only what the container fixes.
    assert set(backend["environment"]) == {"NORMOGEN_ENV", "SERVER_HOST", "SERVER_PORT"}
    assert backend["environment"]["SERVER_PORT"] == "8000"


def test_compose_environment_is_a_valid_configuration(prod: dict[str, Any]) -> None:
    environment = prod["services"]["backend"]["environment"]
    values = {**SEED_DEFAULTS, **environment, "JWT_SECRET": TEST_JWT_SECRET}
    settings = load_settings(**values)
    assert settings.SERVER_PORT == 8000
    assert settings.MONGODB_DATABASE == "normogen"
    assert settings.JWT_ACCESS_TOKEN_EXPIRY_MINUTES == 15


def test_the_example_config_refuses_to_start_until_a_secret_is_set(prod: dict[str, Any]) -> None:
    example = env_file(BACKEND / "config" / ".env.example")
    values = {**SEED_DEFAULTS, **example, **prod["services"]["backend"]["environment"]}
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        load_settings(**values)


def test_mongodb_service_follows_the_seed(prod: dict[str, Any]) -> None:
    mongodb = prod["services"]["mongodb"]
    major = re.fullmatch(r"mongo:(\d+)\.(\d+)", mongodb["image"])
    assert major is not None, "a pinned major.minor tag, never latest"
    assert int(major.group(1)) >= 7
    assert mongodb["container_name"] == "normogen-mongodb"
    assert mongodb["volumes"] == ["mongodb_data:/data/db", "mongodb_config:/data/configdb"]
    assert mongodb["networks"] == ["normogen-network"]
    assert mongodb["deploy"]["resources"]["limits"] == {"cpus": "0.5", "memory": "512M"}
    assert set(prod["volumes"]) == {"mongodb_data", "mongodb_config"}


def test_mongodb_port_is_published_to_host_tools_only(prod: dict[str, Any]) -> None:
    # 27017 on the host's loopback: admin and backup tools connect, the LAN does not.
    assert prod["services"]["mongodb"]["ports"] == ["127.0.0.1:27017:27017"]


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_mongodb_is_a_replica_set_initiated_by_its_healthcheck(path: Path) -> None:
    mongodb = load_yaml(path)["services"]["mongodb"]
    command = mongodb["command"]
    assert command[command.index("--replSet") + 1] == "rs0"
    test = mongodb["healthcheck"]["test"]
    assert test[:4] == ["CMD", "mongosh", "--quiet", "--eval"]
    script = test[4]
    assert "db.adminCommand('ping')" in script
    assert "rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'mongodb:27017' }] })" in script
    assert "NotYetInitialized" in script  # only an uninitiated set is ever initiated


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_mongodb_healthcheck_script_is_valid_javascript(path: Path) -> None:
    script = load_yaml(path)["services"]["mongodb"]["healthcheck"]["test"][4]
    checker = "new Function(require('fs').readFileSync(0, 'utf8'))"
    result = subprocess.run(
        ["node", "-e", checker],  # Node.js from the machine, as dclint uses
        input=script,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_network_is_named_exactly_for_other_stacks(prod: dict[str, Any]) -> None:
    network = prod["networks"]["normogen-network"]
    assert network == {"name": "normogen-network", "driver": "bridge"}


def test_dev_stack_reloads_with_debug_logging_and_its_own_database(dev: dict[str, Any]) -> None:
    backend = dev["services"]["backend"]
    assert backend["build"]["dockerfile"] == "docker/Dockerfile.dev"
    assert backend["container_name"] == "normogen-backend-dev"
    assert backend["ports"] == ["6000:8000"]
    assert "./src:/app/src:ro" in backend["volumes"]
    env = backend["environment"]
    assert env["LOG_LEVEL"] == "debug"
    assert env["MONGODB_DATABASE"] == "normogen_dev"
    assert "JWT_SECRET" not in env  # development signs with an ephemeral key
    settings = load_settings(**{k: v for k, v in env.items() if k != "WATCHFILES_FORCE_POLLING"})
    assert settings.development
    mongodb = dev["services"]["mongodb"]
    assert mongodb["container_name"] == "normogen-mongodb-dev"
    assert mongodb["volumes"] == ["mongodb_dev_data:/data/db"]
