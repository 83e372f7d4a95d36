"""The real validators on the real files: hadolint, dclint, the compose and workflow schemas,
yamllint, kubectl kustomize | kubernetes-validate --strict, and checkov; each also shown to
reject a broken input, so a silently disabled validator cannot pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.deploy.tooling import (
    BACKEND,
    COMPOSE_FILES,
    DOCKERFILES,
    OVERLAYS,
    RELEASE_WORKFLOW,
    WORKFLOW,
    render,
    run,
)

CHECKOV = ("--config-file", ".checkov.yaml")


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint_passes_the_dockerfile(dockerfile: Path) -> None:
    result = run("hadolint", "--no-color", dockerfile)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint_ignores_are_explained(dockerfile: Path) -> None:
    # An inline `# hadolint ignore=DLxxxx` must say why on the same line.
    for line in dockerfile.read_text().splitlines():
        match = re.search(r"#\s*hadolint\s+ignore=\S+(.*)", line)
        if match:
            assert len(match.group(1).split()) >= 3, f"unexplained ignore: {line}"
    assert not (BACKEND / ".hadolint.yaml").exists(), "no global hadolint ignores"


def test_hadolint_rejects_a_careless_dockerfile() -> None:
    result = run("hadolint", "--no-color", "-", stdin="FROM debian\nRUN apt-get install curl\n")
    assert result.returncode != 0
    assert "DL3006" in result.stdout
    assert "DL3008" in result.stdout


def test_compose_files_pass_dclint() -> None:
    args = ("-c", ".dclintrc.yaml", "--max-warnings", "0")
    result = run("dclint", *args, *COMPOSE_FILES)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "problem" not in result.stdout


def test_dclint_rejects_a_broken_compose_file(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  api:\n    image: nginx:1.27\n    replicaz: 2\n")
    result = run("dclint", "-c", ".dclintrc.yaml", broken)
    assert result.returncode != 0
    assert "invalid-schema" in result.stdout


def test_compose_files_match_the_compose_specification() -> None:
    result = run("check-jsonschema", "--builtin-schema", "vendor.compose-spec", *COMPOSE_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_specification_rejects_an_unknown_key(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  api:\n    image: nginx:1.27\n    replicaz: 2\n")
    result = run("check-jsonschema", "--builtin-schema", "vendor.compose-spec", broken)
    assert result.returncode != 0
    assert "replicaz" in result.stdout


def test_yamllint_passes_every_deployment_yaml_file() -> None:
    files = [
        *COMPOSE_FILES,
        *sorted((BACKEND / "k8s").rglob("*.yaml")),
        WORKFLOW,
        RELEASE_WORKFLOW,
        BACKEND / ".yamllint.yaml",
        BACKEND / ".dclintrc.yaml",
        BACKEND / ".checkov.yaml",
    ]
    result = run("yamllint", "--strict", "-c", ".yamllint.yaml", *files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_validates_in_strict_mode(overlay: str) -> None:
    # `kubectl kustomize k8s/overlays/<overlay> | kubernetes-validate --strict -`
    result = run("kubernetes-validate", "--strict", "--quiet", "-", stdin=render(overlay))
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_validation_rejects_an_unknown_field() -> None:
    broken = render("homelab").replace("  replicas: 1\n", "  replicas: 1\n  replicaCount: 1\n")
    result = run("kubernetes-validate", "--strict", "--quiet", "-", stdin=broken)
    assert result.returncode != 0
    assert "replicaCount" in result.stdout + result.stderr


def test_secret_template_validates_in_strict_mode() -> None:
    result = run("kubernetes-validate", "--strict", "--quiet", "k8s/base/secret.example.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_checkov_passes_the_dockerfiles() -> None:
    args = [arg for path in DOCKERFILES for arg in ("-f", str(path))]
    result = run("checkov", *CHECKOV, *args, "--framework", "dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Failed checks: 0" in result.stdout


def test_checkov_passes_the_rendered_overlays(rendered: dict[str, Path]) -> None:
    files = [*rendered.values(), BACKEND / "k8s" / "base" / "secret.example.yaml"]
    args = [arg for path in files for arg in ("-f", str(path))]
    result = run("checkov", *CHECKOV, *args, "--framework", "kubernetes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Failed checks: 0" in result.stdout


def test_checkov_rejects_a_privileged_pod(tmp_path: Path) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: normogen}\n"
        "spec:\n  containers:\n    - name: bad\n      image: nginx:1.27\n"
        "      securityContext: {privileged: true}\n"
    )
    result = run("checkov", *CHECKOV, "-f", pod, "--framework", "kubernetes")
    assert result.returncode != 0
    assert "CKV_K8S_16" in result.stdout  # "Container should not be privileged"


def test_every_checkov_skip_is_justified() -> None:
    lines = (BACKEND / ".checkov.yaml").read_text().splitlines()
    skips = [i for i, line in enumerate(lines) if re.match(r"\s*- CKV", line)]
    assert skips, "the config lists its skipped checks"
    for index in skips:
        assert lines[index - 1].strip().startswith("#"), f"no reason above {lines[index]}"


def test_workflow_matches_the_github_actions_schema() -> None:
    workflows = (WORKFLOW, RELEASE_WORKFLOW)
    result = run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    assert result.returncode == 0, result.stdout + result.stderr
