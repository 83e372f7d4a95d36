"""The Forgejo workflow builds, tests and publishes, with commands that exist in this repository."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from tests.deploy.tooling import RELEASE_WORKFLOW, ROOT, WORKFLOW, load_yaml


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = load_yaml(WORKFLOW)
    return loaded


def steps(workflow: dict[Any, Any], job: str = "build") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow["jobs"][job]["steps"]
    return found


def step(workflow: dict[Any, Any], name_start: str) -> dict[str, Any]:
    return next(s for s in steps(workflow) if s.get("name", "").startswith(name_start))


def test_triggers_on_main_and_develop(workflow: dict[Any, Any]) -> None:
    # PyYAML reads the bare `on:` key as the boolean True (YAML 1.1).
    triggers = workflow[True]
    for event in ("push", "pull_request"):
        assert triggers[event] == {"branches": ["main", "develop"]}


def test_sets_up_python_and_caches_on_the_pinned_requirements(workflow: dict[Any, Any]) -> None:
    python = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-"))
    assert python["uses"].startswith("actions/setup-python@")
    assert python["with"]["python-version"] == "3.11"
    cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache@"))
    assert "hashFiles('backend/requirements/*.txt'" in cache["with"]["key"]


def test_lints_type_checks_tests_audits_and_builds_in_order(workflow: dict[Any, Any]) -> None:
    commands = [s.get("run", "") for s in steps(workflow)]
    order = ["make install", "make lint", "make types", "replSetInitiate", "make unit"]
    order += ["pip-audit", "docker build"]
    positions = [next(i for i, c in enumerate(commands) if marker in c) for marker in order]
    assert positions == sorted(positions)


def test_make_targets_it_calls_exist(workflow: dict[Any, Any]) -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    called = {t for s in steps(workflow) for t in re.findall(r"make ([a-z -]+)", s.get("run", ""))}
    wanted = {word for words in called for word in words.split()}
    assert wanted
    assert wanted <= targets


def test_tests_run_against_a_mongodb_replica_set_service(workflow: dict[Any, Any]) -> None:
    build = workflow["jobs"]["build"]
    mongodb = build["services"]["mongodb"]
    assert re.fullmatch(r"mongo:\d+\.\d+", mongodb["image"])
    assert "--replSet rs0" in mongodb["command"]
    assert build["env"]["MONGODB_URI"] == "mongodb://mongodb:27017/?replicaSet=rs0"


def test_replica_set_script_compiles(workflow: dict[Any, Any]) -> None:
    run = step(workflow, "Initiate the replica set")["run"]
    script = run.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0]
    compile(script, "initiate-replica-set", "exec")
    assert '"host": "mongodb:27017"' in script


def test_audits_the_pinned_runtime_dependencies(workflow: dict[Any, Any]) -> None:
    audit = step(workflow, "Audit")["run"]
    assert "--require-hashes" in audit
    assert "backend/requirements/main.txt" in audit


def test_builds_the_image_tagged_with_the_commit(workflow: dict[Any, Any]) -> None:
    build = step(workflow, "Build the image")
    assert build["working-directory"] == "./backend"
    assert build["run"] == (
        'docker build -f docker/Dockerfile -t "normogen-backend:${{ github.sha }}" .'
    )


def test_deploy_job_is_a_placeholder_on_main_only(workflow: dict[Any, Any]) -> None:
    deploy = workflow["jobs"]["deploy-homelab"]
    assert deploy["needs"] == "build"
    assert "github.ref == 'refs/heads/main'" in deploy["if"]


@pytest.fixture(scope="module")
def release() -> dict[Any, Any]:
    loaded: dict[Any, Any] = load_yaml(RELEASE_WORKFLOW)
    return loaded


def test_release_runs_on_version_tags_only(release: dict[Any, Any]) -> None:
    assert release[True] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}
    assert release["permissions"]["packages"] == "write"


def test_release_builds_scans_writes_an_sbom_then_pushes(release: dict[Any, Any]) -> None:
    job = release["jobs"]["image"]
    [backend] = job["strategy"]["matrix"]["include"]
    assert backend["name"] == "normogen-backend"
    assert backend["dockerfile"] == "backend/docker/Dockerfile"
    names = [s["name"] for s in job["steps"]]
    order = ["Build", "Scan", "Write the SBOM", "Push"]
    positions = [next(i for i, n in enumerate(names) if n.startswith(o)) for o in order]
    assert positions == sorted(positions), "nothing is pushed before it is scanned"
    by_name = {s["name"]: s for s in job["steps"]}
    scan = next(s for n, s in by_name.items() if n.startswith("Scan"))
    assert scan["uses"].startswith("aquasecurity/trivy-action@")
    assert scan["with"]["exit-code"] == "1"
    assert scan["with"]["severity"] == "HIGH,CRITICAL"
    sbom = next(s for n, s in by_name.items() if n.startswith("Write the SBOM"))
    assert sbom["with"]["format"] == "cyclonedx"
    push = next(s for n, s in by_name.items() if n.startswith("Push"))["run"]
    assert "--password-stdin" in push
    assert "secrets.REGISTRY_TOKEN" in str(by_name[next(n for n in names if n.startswith("Push"))])


def test_release_tag_must_match_the_package_version(release: dict[Any, Any]) -> None:
    naming = next(s for s in release["jobs"]["image"]["steps"] if s["name"] == "Name the image")
    script = naming["run"]
    assert "__version__" in script
    assert "exit 1" in script
    result = subprocess.run(
        ["bash", "-n"], input=script, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
