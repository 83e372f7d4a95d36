"""The Forgejo workflow does what the seed asks, with commands that exist in this repository."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.deploy.tooling import ROOT, WORKFLOW, load_yaml


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
