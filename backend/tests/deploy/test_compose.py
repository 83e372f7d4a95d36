"""The Compose stacks carry the intended values: ports, network, limits, healthchecks, hardening."""

from __future__ import annotations

import os
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
SHIPPED_DEFAULTS = {
    "MONGODB_DATABASE": "normogen",
    "JWT_ACCESS_TOKEN_EXPIRY_MINUTES": "15",
    "JWT_REFRESH_TOKEN_EXPIRY_DAYS": "30",
}
SECRET_FILES = {"JWT_SECRET_FILE": "jwt_secret", "MONGODB_URI_FILE": "mongodb_uri"}
DIGEST = r"@sha256:[0-9a-f]{64}"


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


def test_backend_service_is_as_documented(prod: dict[str, Any]) -> None:
    backend = prod["services"]["backend"]
    assert backend["build"] == {"context": ".", "dockerfile": "docker/Dockerfile"}
    assert backend["container_name"] == "normogen-backend"
    # Host port 6000, on the loopback unless the operator sets NORMOGEN_BIND (README).
    assert backend["ports"] == ["${NORMOGEN_BIND:-127.0.0.1}:6000:8000"]
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


def test_environment_comes_from_config_env_over_the_shipped_defaults(prod: dict[str, Any]) -> None:
    backend = prod["services"]["backend"]
    # Later env files win: the shipped defaults first, the operator's config/.env last.
    assert backend["env_file"] == ["docker/compose-defaults.env", "config/.env"]
    assert env_file(BACKEND / "docker" / "compose-defaults.env") == SHIPPED_DEFAULTS
    # `environment:` beats env_file, so it holds only what the container fixes: the profile,
    # the listener, and where the secrets are.
    fixed = {"NORMOGEN_ENV", "SERVER_HOST", "SERVER_PORT", *SECRET_FILES}
    assert set(backend["environment"]) == fixed
    assert backend["environment"]["SERVER_PORT"] == "8000"


def _names_of_one_setting(names: set[str]) -> set[str]:
    """Every name that sets the same thing as one of `names` (config.py's groups)."""
    groups = [{"LOG_LEVEL", "RUST_LOG"}, {"JWT_SECRET", "JWT_SECRET_FILE"}]
    groups.append({"MONGODB_URI", "MONGODB_URI_FILE"})
    out = set(names)
    for group in groups:
        if group & names:
            out |= group
    return out


def test_one_precedence_rule_nothing_is_silently_overridden(prod: dict[str, Any]) -> None:
    """No layer sets a setting (under any of its names) that a stronger layer also sets."""
    backend = prod["services"]["backend"]
    defaults = set(env_file(BACKEND / "docker" / "compose-defaults.env"))
    example = set(env_file(BACKEND / "config" / ".env.example"))
    fixed = set(backend["environment"])
    assert not _names_of_one_setting(fixed) & (defaults | example)
    # The defaults may be overridden by config/.env (that is their purpose), but never under
    # another name: RUST_LOG in config/.env must not meet a LOG_LEVEL default.
    assert not (_names_of_one_setting(defaults) - defaults) & example
    assert not {"LOG_LEVEL", "RUST_LOG"} & defaults


def test_secrets_come_from_docker_secrets(prod: dict[str, Any], tmp_path: Path) -> None:
    backend = prod["services"]["backend"]
    assert backend["secrets"] == list(SECRET_FILES.values())
    for variable, secret in SECRET_FILES.items():
        assert backend["environment"][variable] == f"/run/secrets/{secret}"
        assert prod["secrets"][secret] == {"file": f"./secrets/{secret}"}
    gitignore = (BACKEND.parent / ".gitignore").read_text().splitlines()
    assert "backend/secrets/" in gitignore


def test_init_secrets_creates_a_valid_configuration_once(
    prod: dict[str, Any], tmp_path: Path
) -> None:
    (tmp_path / "docker").mkdir()
    script = tmp_path / "docker" / "init-secrets.sh"
    script.write_bytes((BACKEND / "docker" / "init-secrets.sh").read_bytes())
    first = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    secrets = tmp_path / "secrets"
    assert secrets.stat().st_mode & 0o777 == 0o700
    made = {p.name: p.read_text() for p in secrets.iterdir()}
    assert set(made) == {*prod["secrets"]}
    # The API's URI carries the application user's password; root's is another one.
    app = made["mongodb_app_password"].strip()
    assert f"normogen:{app}@mongodb:27017/normogen?" in made["mongodb_uri"]
    assert made["mongodb_root_password"].strip() != app
    second = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
    assert second.returncode == 0
    assert {p.name: p.read_text() for p in secrets.iterdir()} == made  # never overwritten
    environment = prod["services"]["backend"]["environment"]
    values = {**SHIPPED_DEFAULTS, **env_file(BACKEND / "config" / ".env.example"), **environment}
    values |= {var: str(secrets / name) for var, name in SECRET_FILES.items()}
    settings = load_settings(**values)
    assert settings.SERVER_PORT == 8000
    assert settings.MONGODB_URI is not None
    assert settings.JWT_SECRET is not None
    assert settings.MONGODB_DATABASE == "normogen"


def test_a_secret_in_config_env_as_well_is_refused(prod: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "jwt").write_text(TEST_JWT_SECRET)
    environment = {**prod["services"]["backend"]["environment"]}
    environment["JWT_SECRET_FILE"] = str(tmp_path / "jwt")
    environment["MONGODB_URI_FILE"] = str(tmp_path / "jwt")
    with pytest.raises(ConfigError, match="set either JWT_SECRET or JWT_SECRET_FILE"):
        load_settings(**environment, JWT_SECRET=TEST_JWT_SECRET)


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_mongodb_image_is_a_supported_release_pinned_by_digest(path: Path) -> None:
    image = load_yaml(path)["services"]["mongodb"]["image"]
    major = re.fullmatch(r"mongo:(\d+)\.(\d+)" + DIGEST, image)
    assert major is not None, "a major.minor tag pinned by digest, never latest"
    # 6.0 reached its end of life in July 2025 (README "Homelab with Docker Compose").
    assert int(major.group(1)) >= 7


def test_mongodb_service_is_as_documented(prod: dict[str, Any]) -> None:
    mongodb = prod["services"]["mongodb"]
    assert mongodb["container_name"] == "normogen-mongodb"
    assert mongodb["volumes"][:2] == ["mongodb_data:/data/db", "mongodb_config:/data/configdb"]
    assert mongodb["networks"] == ["normogen-network"]
    assert mongodb["deploy"]["resources"]["limits"] == {"cpus": "0.5", "memory": "512M"}
    assert set(prod["volumes"]) == {"mongodb_data", "mongodb_config"}


def test_mongodb_port_is_published_to_host_tools_only(prod: dict[str, Any]) -> None:
    # 27017 on the host's loopback: admin and backup tools connect, the LAN does not.
    assert prod["services"]["mongodb"]["ports"] == ["127.0.0.1:27017:27017"]


def test_mongodb_requires_authentication_with_a_least_privilege_app_user(
    prod: dict[str, Any],
) -> None:
    mongodb = prod["services"]["mongodb"]
    environment = mongodb["environment"]
    # The image enables --auth when a root user is configured; its password is a secret.
    assert environment["MONGO_INITDB_ROOT_PASSWORD_FILE"] == "/run/secrets/mongodb_root_password"
    assert "MONGO_INITDB_ROOT_PASSWORD" not in environment
    assert mongodb["secrets"] == ["mongodb_root_password", "mongodb_app_password"]
    assert "./docker/mongo/initdb:/docker-entrypoint-initdb.d:ro" in mongodb["volumes"]
    init = (BACKEND / "docker" / "mongo" / "initdb" / "10-normogen-user.js").read_text()
    assert "/run/secrets/mongodb_app_password" in init
    roles = re.findall(r"role: '(\w+)'", init)
    assert roles == ["readWrite"]  # its own database only: no admin, no other database
    # A replica set with authentication needs a member key file (created by the wrapper).
    command = mongodb["command"]
    assert command[command.index("--keyFile") + 1] == "/data/configdb/replica.key"
    wrapper = (BACKEND / "docker" / "mongo" / "keyfile-entrypoint.sh").read_text()
    assert "chmod 400" in wrapper
    assert "exec docker-entrypoint.sh" in wrapper
    # The backend's URI names the application user, never root (docker/init-secrets.sh).
    assert "mongodb://normogen:" in (BACKEND / "docker" / "init-secrets.sh").read_text()


def _healthcheck_script(path: Path) -> str:
    test = load_yaml(path)["services"]["mongodb"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    script: str = test[-1]
    assert test[test.index("--eval") + 1] == script
    return script


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_mongodb_is_a_replica_set_initiated_by_its_healthcheck(path: Path) -> None:
    mongodb = load_yaml(path)["services"]["mongodb"]
    command = mongodb["command"]
    assert command[command.index("--replSet") + 1] == "rs0"
    script = " ".join(_healthcheck_script(path).split())
    assert "ping" in script
    assert "_id: 'rs0', members: [{ _id: 0, host: 'mongodb:27017' }]" in script
    assert "NotYetInitialized" in script  # only an uninitiated set is ever initiated


def test_mongodb_healthcheck_authenticates_without_a_password_on_its_command_line(
    prod: dict[str, Any],
) -> None:
    test = prod["services"]["mongodb"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "mongosh", "--quiet"]
    assert "readFileSync('/run/secrets/mongodb_root_password'" in test[-1]
    assert not any(arg in ("-p", "--password") for arg in test)


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_mongodb_healthcheck_script_is_valid_javascript(path: Path) -> None:
    script = _healthcheck_script(path)
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
    assert backend["ports"] == ["127.0.0.1:6000:8000"]
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


def test_images_are_referenced_by_the_released_version(prod: dict[str, Any]) -> None:
    from normogen import __version__

    image = prod["services"]["backend"]["image"]
    assert image.endswith(f":${{NORMOGEN_VERSION:-{__version__}}}")
    for overlay in ("homelab", "production"):
        kustomization = load_yaml(BACKEND / "k8s" / "overlays" / overlay / "kustomization.yaml")
        images = {entry["name"]: entry for entry in kustomization["images"]}
        assert set(images) == {"normogen-backend", "normogen-web"}
        for name, entry in images.items():
            assert entry["newTag"] == __version__
            assert entry["newName"].endswith(f"/normogen/{name}")


def test_pin_images_refreshes_every_digest(tmp_path: Path) -> None:
    """The documented update step, with a stand-in `docker` that answers a known digest."""
    files = ["docker/Dockerfile", "docker/Dockerfile.dev", *(p.name for p in COMPOSE_FILES)]
    for name in [*files, "scripts/pin-images.sh"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((BACKEND / name).read_bytes())
    fake = tmp_path / "bin" / "docker"
    fake.parent.mkdir()
    digest = "sha256:" + "ab" * 32
    fake.write_text(f"#!/bin/sh\necho 'Name: x'\necho 'Digest: {digest}'\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "pin-images.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pinned = re.compile(r"[\w./:-]+@sha256:[0-9a-f]{64}")
    for name in files:
        before = set(pinned.findall((BACKEND / name).read_text()))
        after = set(pinned.findall((tmp_path / name).read_text()))
        assert before, name
        assert {ref.split("@")[0] for ref in after} == {ref.split("@")[0] for ref in before}
        assert {ref.split("@")[1] for ref in after} == {digest}, name


def test_web_service_serves_the_app_unprivileged_and_proxies_to_the_backend(
    prod: dict[str, Any],
) -> None:
    web = prod["services"]["web"]
    assert web["build"] == {"context": "..", "dockerfile": "backend/docker/Dockerfile.web"}
    assert (BACKEND / "docker" / "Dockerfile.web").is_file()
    assert web["image"].endswith("/normogen/normogen-web}:${NORMOGEN_VERSION:-0.1.0}")
    assert web["environment"]["WEB_API_URL"] == "http://backend:8000"
    assert web["ports"] == ["${NORMOGEN_BIND:-127.0.0.1}:6001:6001"]
    assert web["depends_on"] == {"backend": {"condition": "service_healthy"}}
    assert web["user"] == "1000:1000"
    assert web["cap_drop"] == ["ALL"]
    assert web["read_only"] is True
    assert web["security_opt"] == ["no-new-privileges:true"]
    assert web["healthcheck"]["test"] == [
        "CMD",
        "/opt/venv/bin/normogen",
        "healthcheck",
        "--web",
    ]
    assert web["networks"] == ["normogen-network"]
