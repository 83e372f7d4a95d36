"""The Dockerfiles as README.md's Deployment section describes them (the smoke test runs them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.deploy.tooling import BACKEND

DOCKERFILE = BACKEND / "docker" / "Dockerfile"
DEV_DOCKERFILE = BACKEND / "docker" / "Dockerfile.dev"
Instruction = tuple[str, str]


def instructions(path: Path) -> list[Instruction]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pending += line.removesuffix("\\").strip() + " "
        if not line.endswith("\\"):
            logical.append(pending.strip())
            pending = ""
    return [(text.split(" ", 1)[0].upper(), text.split(" ", 1)[1]) for text in logical]


def stages(path: Path) -> list[list[Instruction]]:
    found: list[list[Instruction]] = []
    for keyword, args in instructions(path):
        if keyword == "FROM":
            found.append([])
        if found:
            found[-1].append((keyword, args))
    return found


def args_of(path: Path) -> dict[str, str]:
    pairs = (args.split("=", 1) for keyword, args in instructions(path) if keyword == "ARG")
    return dict(pairs)


def test_base_images_are_build_arguments_with_official_defaults() -> None:
    defaults = args_of(DOCKERFILE)
    # Pinned by digest (scripts/pin-images.sh refreshes them), the tag kept for readers.
    digest = r"@sha256:[0-9a-f]{64}"
    assert re.fullmatch(r"python:3\.11-slim-bookworm" + digest, defaults["BUILDER_IMAGE"])
    runtime = defaults["RUNTIME_IMAGE"]
    # Google's distroless Python: Debian 12's python3.11, like the builder's 3.11 on bookworm.
    assert re.fullmatch(r"gcr\.io/distroless/python3-debian12:nonroot" + digest, runtime)
    assert args_of(DEV_DOCKERFILE)["BUILDER_IMAGE"] == defaults["BUILDER_IMAGE"]


def test_multi_stage_build_with_hash_checked_bytecode_compiled_venv() -> None:
    builder, runtime = stages(DOCKERFILE)
    assert builder[0] == ("FROM", "${BUILDER_IMAGE} AS builder")
    assert runtime[0] == ("FROM", "${RUNTIME_IMAGE}")
    runs = " ".join(args for keyword, args in builder if keyword == "RUN")
    assert "--require-hashes" in runs
    assert "-r requirements/main.txt" in runs
    assert "--only-binary=:all:" in runs
    assert "compileall" in runs
    assert "pip uninstall --yes --quiet setuptools pip" in runs  # no package manager at run time
    copies = [args for keyword, args in runtime if keyword == "COPY"]
    assert copies == ["--from=builder --chown=0:0 /opt/venv /opt/venv"]


def test_runtime_stage_needs_no_shell() -> None:
    runtime = stages(DOCKERFILE)[1]
    for keyword, args in runtime:
        command = args.split(" CMD ", 1)[1] if keyword == "HEALTHCHECK" else args
        if keyword in ("RUN", "ENTRYPOINT", "CMD", "HEALTHCHECK"):
            assert isinstance(json.loads(command), list), f"{keyword} must use the exec form"
    text = " ".join(args for _, args in instructions(DOCKERFILE))
    assert "curl" not in text
    assert "wget" not in text


def test_runtime_stage_is_as_documented() -> None:
    runtime = dict(stages(DOCKERFILE)[1])  # the last of each keyword: the one in effect
    assert runtime["USER"] == "1000:1000"
    assert runtime["EXPOSE"] == "8000"
    health = runtime["HEALTHCHECK"]
    assert health.startswith("--interval=30s --timeout=10s --start-period=40s --retries=3 CMD ")
    assert health.endswith('["/opt/venv/bin/normogen", "healthcheck"]')
    assert json.loads(runtime["ENTRYPOINT"]) == ["/opt/venv/bin/normogen"]
    assert json.loads(runtime["CMD"]) == ["serve"]
    assert runtime["STOPSIGNAL"] == "SIGTERM"


def test_dev_image_shares_the_dependency_layer_and_reloads() -> None:
    builder = stages(DOCKERFILE)[0]
    dev = stages(DEV_DOCKERFILE)[0]
    until_deps = next(i for i, (keyword, _) in enumerate(builder) if keyword == "RUN") + 1
    assert dev[1:until_deps] == builder[1:until_deps], "same steps, so the layer cache is shared"
    env = " ".join(args for keyword, args in dev if keyword == "ENV")
    assert "NORMOGEN_ENV=development" in env
    # No log level baked in: one set by the compose file's LOG_LEVEL or an operator's RUST_LOG
    # must not meet a second name of the same setting (config.py refuses both at once).
    assert "LOG_LEVEL" not in env
    assert ("USER", "1000:1000") in dev
    assert ("EXPOSE", "8000") in dev
    assert json.loads(dict(dev)["CMD"]) == ["/opt/venv/bin/normogen", "serve", "--reload"]
    assert "--editable" in " ".join(args for keyword, args in dev if keyword == "RUN")


def test_build_context_holds_only_what_the_images_need() -> None:
    lines = [
        line.strip()
        for line in (BACKEND / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "everything is excluded, then the few inputs re-included"
    included = {line[1:] for line in lines if line.startswith("!")}
    assert included == {"pyproject.toml", "requirements/main.txt", "requirements/build.txt", "src/"}


def test_the_embedded_engine_never_enters_the_image() -> None:
    pinned = (BACKEND / "requirements" / "main.txt").read_text().lower()
    assert "secantus" not in pinned


def test_build_backend_pin_satisfies_the_project() -> None:
    pyproject = (BACKEND / "pyproject.toml").read_text()
    minimum = re.search(r'requires = \["setuptools>=(\d+)"\]', pyproject)
    build = (BACKEND / "requirements" / "build.txt").read_text()
    pinned = re.search(r"^setuptools==(\d+)\.", build, re.MULTILINE)
    assert minimum is not None
    assert pinned is not None
    assert int(pinned.group(1)) >= int(minimum.group(1))


def test_stand_in_tags_agree_between_the_scripts() -> None:
    scripts = BACKEND / "scripts"
    pattern = r'(\w+_TAG) = "([^"]+)"'
    builder = dict(re.findall(pattern, (scripts / "standin_images.py").read_text()))
    smoke = dict(re.findall(pattern, (scripts / "image_smoke.py").read_text()))
    assert (
        builder
        == smoke
        == {
            "BUILDER_TAG": "localhost/normogen-standin/python:3.11-slim-bookworm",
            "RUNTIME_TAG": "localhost/normogen-standin/distroless-python3-debian12:nonroot",
        }
    )
