"""Container smoke test (`make test-image`): build the real Dockerfiles with podman and run them.

Production image (docker/Dockerfile, on the local stand-in base images): size at most 150 MB,
no shell / package manager / embedded engine inside, then run it the way docker-compose.yml
deploys it — read-only root filesystem with only /tmp writable, UID/GID 1000, no capabilities —
against a test database (SecantusDB on loopback): the image's HEALTHCHECK turns healthy, /health and
/ready answer, and SIGTERM drains (/ready 503) and exits 0 within the drain budget.
Web image (docker/Dockerfile.web, context: the repository root, after `make web-build`): run
hardened in front of the production image, it serves the app with its CSP, answers /health,
proxies /api and turns healthy.
Development image (docker/Dockerfile.dev): a change to the mounted source is served after the
automatic reload.

Run from backend/ with the project's venv: ../.venv/bin/python scripts/image_smoke.py
Prints each check, the measured figures, and a closing "N passed, N failed" line.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from normogen.db.embedded import EmbeddedMongo, free_port

BACKEND = Path(__file__).resolve().parents[1]
# The stand-in images' tags (the Dockerfiles' build arguments point at them).
BUILDER_TAG = "localhost/normogen-standin/python:3.11-slim-bookworm"
RUNTIME_TAG = "localhost/normogen-standin/distroless-python3-debian12:nonroot"

IMAGE = "localhost/normogen-backend:smoke"
WEB_IMAGE = "localhost/normogen-web:smoke"
WEB_DIST = BACKEND.parent / "web" / "dist"
DEV_IMAGE = "localhost/normogen-backend-dev:smoke"
MAX_IMAGE_BYTES = 150 * 1000 * 1000  # 150 MB, as `docker images` counts
DRAIN_SECONDS = 5.0  # the server's default SHUTDOWN_DRAIN_SECONDS
GRACE_SECONDS = 20.0  # the server's default SHUTDOWN_GRACE_SECONDS
# Podman on this machine: runc, cgroupfs (no systemd) and limits within the hard ulimits.
PODMAN = ["podman", "--cgroup-manager", "cgroupfs", "--runtime", "runc"]
LIMITS = ["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"]
HEALTHCHECK = ["CMD", "/opt/venv/bin/normogen", "healthcheck"]
ABSENT = ["sh", "bash", "dash", "busybox", "apt", "apt-get", "dpkg", "pip", "pip3", "curl", "wget"]


class Report:
    """Named checks with a running count; figures collected for the closing summary."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.figures: dict[str, object] = {}

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.passed += ok
        self.failed += not ok
        suffix = f" ({detail})" if detail else ""
        print(f"  {'ok  ' if ok else 'FAIL'} {name}{suffix}", flush=True)
        return ok


def run_podman(
    args: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Every podman call goes through here: a fixed binary and our own arguments, no shell."""
    argv = [*PODMAN, *args]
    return subprocess.run(argv, capture_output=True, text=True, check=False, env=env)  # noqa: S603


def podman(*args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
    result = run_podman(list(args), env)
    if check and result.returncode != 0:
        raise RuntimeError(f"podman {args[0]} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout.strip()


def podman_rc(*args: str) -> int:
    return run_podman(list(args)).returncode


def poll(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> float | None:
    """Seconds until `condition` held, or None if it never did within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    return None


def get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return None


def build(dockerfile: str, tag: str, report: Report, context: str = ".") -> bool:
    args = ["build", "--format", "docker", "--network", "host", *LIMITS, "-f", dockerfile]
    args += ["--build-arg", f"BUILDER_IMAGE={BUILDER_TAG}"]
    args += ["--build-arg", f"RUNTIME_IMAGE={RUNTIME_TAG}", "-t", tag, context]
    started = time.monotonic()
    result = run_podman(args)
    seconds = round(time.monotonic() - started, 1)
    report.figures[f"build_seconds[{dockerfile}]"] = seconds
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:])
    return report.check(f"build {dockerfile}", result.returncode == 0, f"{seconds} s")


def inspect_image(report: Report) -> None:
    info = json.loads(podman("image", "inspect", IMAGE))[0]
    size = int(info["Size"])
    report.figures["image_size_mb"] = round(size / 1e6, 1)
    report.figures["image_size_mib"] = round(size / 2**20, 1)
    report.check("image size at most 150 MB", size <= MAX_IMAGE_BYTES, f"{size / 1e6:.1f} MB")
    config = info["Config"]
    report.check("runs as UID/GID 1000", config.get("User") == "1000:1000", config.get("User"))
    report.check("exposes 8000/tcp", "8000/tcp" in config.get("ExposedPorts", {}))
    # Podman reports the HEALTHCHECK beside Config, Docker inside it.
    health = info.get("Healthcheck") or config.get("Healthcheck") or {}
    report.check("HEALTHCHECK runs `normogen healthcheck`", health.get("Test") == HEALTHCHECK)
    timing = [health.get(k, 0) / 1e9 for k in ("Interval", "Timeout", "StartPeriod")]
    timing.append(health.get("Retries"))
    report.check("HEALTHCHECK timing 30 s / 10 s / 40 s, 3 retries", timing == [30, 10, 40, 3])
    entry = config.get("Entrypoint") or []
    report.check("entrypoint execs the server (no shell)", entry == ["/opt/venv/bin/normogen"])
    probe = (
        "import importlib.util as u, shutil, sys; "
        f"found = [n for n in {ABSENT!r} if shutil.which(n)]; "
        "found += [m for m in ('pip', 'setuptools', 'secantus') if u.find_spec(m)]; "
        "print(' '.join(found)); sys.exit(bool(found))"
    )
    found = podman(
        "run", "--rm", *LIMITS, "--network", "none", "--entrypoint", "/opt/venv/bin/python",
        IMAGE, "-c", probe, check=False,
    )  # fmt: skip
    report.check("no shell, package manager, curl/wget or SecantusDB", found == "", found)
    shell_rc = podman_rc("run", "--rm", *LIMITS, "--entrypoint", "/bin/sh", IMAGE, "-c", "true")
    report.check("/bin/sh cannot be started", shell_rc != 0, f"exit {shell_rc}")


@contextmanager
def database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="normogen-smoke-db-") as tmp:
        engine = EmbeddedMongo(Path(tmp) / "data", sync_on_commit=False)
        with engine:
            yield engine.uri


@contextmanager
def container(name: str, args: list[str], env: dict[str, str]) -> Iterator[str]:
    podman("rm", "--force", "--ignore", name)
    try:
        podman("run", "--detach", "--name", name, *LIMITS, *args, env={**os.environ, **env})
        yield name
    finally:
        logs = run_podman(["logs", name])
        Path(BACKEND / "build").mkdir(exist_ok=True)
        (BACKEND / "build" / f"{name}.log").write_text(logs.stdout + logs.stderr)
        podman("rm", "--force", "--time", "2", name, check=False)


def run_production(report: Report, mongodb_uri: str) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    name = f"normogen-smoke-{os.getpid()}"
    args = [
        "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,nosuid,nodev,size=64m",  # noqa: S108
        "--user", "1000:1000", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--network", "host",
        # The secret travels in the environment, never on a command line.
        "--env", "JWT_SECRET", "--env", f"SERVER_PORT={port}",
        "--env", f"MONGODB_URI={mongodb_uri}", "--env", "MONGODB_DATABASE=smoke",
        IMAGE,
    ]  # fmt: skip
    started = time.monotonic()
    with container(name, args, {"JWT_SECRET": secrets.token_urlsafe(48)}):
        ready = poll(lambda: _status(f"{url}/ready") == 200, 60)
        report.check("/ready answers 200", ready is not None)
        if ready is None:
            return
        report.figures["time_to_ready_s"] = round(time.monotonic() - started, 2)
        healthy = poll(lambda: podman_rc("healthcheck", "run", name) == 0, 30, 0.5)
        status = podman("inspect", "--format", "{{.State.Health.Status}}", name, check=False)
        report.check("HEALTHCHECK reports healthy", healthy is not None and status == "healthy")
        report.figures["time_to_healthy_s"] = round(time.monotonic() - started, 2)
        health, ready_body = get(f"{url}/health"), get(f"{url}/ready")
        report.check("/health is ok", health is not None and health.json() == {"status": "ok"})
        expected = {"status": "ready", "database": "connected"}
        report.check("/ready is ready", ready_body is not None and ready_body.json() == expected)
        _inside(report, name)
        _shutdown(report, name, url)


def _status(url: str) -> int | None:
    response = get(url)
    return response.status_code if response is not None else None


INSIDE = """
import os, pathlib
cmdline = open("/proc/1/cmdline").read().replace(chr(0), " ")
print(os.getuid(), os.getgid(), cmdline)
pathlib.Path("/tmp/probe").write_text("written")
try:
    open("/opt/venv/probe", "w")
except OSError as exc:
    print("root", exc.errno)
"""


def _inside(report: Report, name: str) -> None:
    out = podman("exec", name, "/opt/venv/bin/python", "-c", INSIDE, check=False)
    report.check("server is PID 1, UID/GID 1000", out.startswith("1000 1000 /opt/venv/bin/python"))
    # errno 30 is EROFS: the write failed because the filesystem is read-only, not for lack
    # of permission; the /tmp write before it succeeded or the probe would have stopped there.
    report.check(
        "root filesystem read-only, /tmp writable", out.endswith("root 30"), out.splitlines()[-1]
    )


def _shutdown(report: Report, name: str, url: str) -> None:
    started = time.monotonic()
    podman("kill", "--signal", "TERM", name)
    draining = poll(lambda: _status(f"{url}/ready") == 503, DRAIN_SECONDS)
    report.check("/ready turns 503 while draining", draining is not None)
    budget = DRAIN_SECONDS + GRACE_SECONDS
    stopped = poll(lambda: _state(name) == "exited", budget, 0.05)
    seconds = round(time.monotonic() - started, 2)
    report.figures["sigterm_to_exit_s"] = seconds
    code = podman("inspect", "--format", "{{.State.ExitCode}}", name, check=False)
    clean = stopped is not None and code == "0"
    report.check(f"exits 0 within the drain budget ({budget:.0f} s)", clean, f"{seconds} s")


def _state(name: str) -> str:
    return podman("inspect", "--format", "{{.State.Status}}", name, check=False)


def run_development(report: Report, mongodb_uri: str) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="normogen-smoke-src-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(BACKEND / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
        os.chmod(tmp, 0o755)  # noqa: S103  # the container's UID 1000 reads the mounted copy
        args = [
            "--network", "host", "--volume", f"{src}:/app/src:ro",
            "--env", f"SERVER_PORT={port}", "--env", f"MONGODB_URI={mongodb_uri}",
            "--env", "MONGODB_DATABASE=smoke_dev", DEV_IMAGE,
        ]  # fmt: skip
        with container(f"normogen-smoke-dev-{os.getpid()}", args, {}):
            up = poll(lambda: _version(url) is not None, 60)
            report.check("dev image serves (development profile)", up is not None)
            marker = f"0.0.0+reload.{secrets.token_hex(4)}"
            init = src / "normogen" / "__init__.py"
            source = re.sub(r'__version__ = ".*"', f'__version__ = "{marker}"', init.read_text())
            init.write_text(source)
            started = time.monotonic()
            reloaded = poll(lambda: _version(url) == marker, 30)
            report.check("source change served after automatic reload", reloaded is not None)
            report.figures["reload_seconds"] = round(time.monotonic() - started, 2)


def _version(url: str) -> str | None:
    response = get(f"{url}/openapi.json")
    if response is None or response.status_code != 200:
        return None
    version: str = response.json()["info"]["version"]
    return version


def run_web(report: Report, mongodb_uri: str) -> None:
    """The web image in front of the API image: app, headers, /health, /api proxied, hardening."""
    api_port, web_port = free_port(), free_port()
    api, web = f"normogen-smoke-api-{os.getpid()}", f"normogen-smoke-web-{os.getpid()}"
    hardened = [
        "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,nosuid,nodev,size=16m",  # noqa: S108
        "--user", "1000:1000", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--network", "host",
    ]  # fmt: skip
    api_args = [
        *hardened, "--env", "JWT_SECRET", "--env", f"SERVER_PORT={api_port}",
        "--env", f"MONGODB_URI={mongodb_uri}", "--env", "MONGODB_DATABASE=smoke_web", IMAGE,
    ]  # fmt: skip
    web_args = [
        *hardened, "--env", f"WEB_PORT={web_port}", "--env", "WEB_HOST=127.0.0.1",
        "--env", f"WEB_API_URL=http://127.0.0.1:{api_port}", WEB_IMAGE,
    ]  # fmt: skip
    url = f"http://127.0.0.1:{web_port}"
    with container(api, api_args, {"JWT_SECRET": secrets.token_urlsafe(48)}):
        poll(lambda: _status(f"http://127.0.0.1:{api_port}/ready") == 200, 60)
        with container(web, web_args, {}):
            up = poll(lambda: _status(f"{url}/health") == 200, 60)
            report.check("web: /health answers 200", up is not None)
            if up is None:
                return
            healthy = poll(lambda: podman_rc("healthcheck", "run", web) == 0, 30, 0.5)
            report.check("web: HEALTHCHECK reports healthy", healthy is not None)
            page, server = get(f"{url}/account"), get(f"{url}/api/v1/server")
            csp = page.headers.get("content-security-policy", "") if page else ""
            report.check(
                "web: the app is served (SPA fallback) with a strict CSP",
                page is not None
                and page.status_code == 200
                and b'<div id="root">' in page.content
                and "script-src 'self'" in csp
                and "unsafe-inline" not in csp,
            )
            report.check(
                "web: /api is proxied to the API",
                server is not None
                and server.status_code == 200
                and "crypto_contract" in server.json(),
            )
            out = podman("exec", web, "/opt/venv/bin/python", "-c", INSIDE, check=False)
            report.check(
                "web: UID/GID 1000, PID 1 is the server",
                out.startswith("1000 1000 /opt/venv/bin/python"),
            )
            report.check("web: root filesystem read-only", out.endswith("root 30"))
            size = int(podman("image", "inspect", "--format", "{{.Size}}", WEB_IMAGE))
            report.figures["web_image_mb"] = round(size / 1e6, 1)
            report.check(
                "web: image at most 150 MB", size <= MAX_IMAGE_BYTES, f"{size / 1e6:.1f} MB"
            )


def main() -> int:
    os.chdir(BACKEND)
    report = Report()
    print("image smoke test: production image", flush=True)
    if build("docker/Dockerfile", IMAGE, report):
        inspect_image(report)
        with database() as uri:
            run_production(report, uri)
    print("image smoke test: web image", flush=True)
    if not (WEB_DIST / "index.html").is_file():
        report.check("web: web/dist is built (make web-build)", False)
    elif build("docker/Dockerfile.web", WEB_IMAGE, report, context=".."):
        with database() as uri:
            run_web(report, uri)
    print("image smoke test: development image", flush=True)
    if build("docker/Dockerfile.dev", DEV_IMAGE, report):
        with database() as uri:
            run_development(report, uri)
    print("figures: " + json.dumps(report.figures), flush=True)
    (BACKEND / "build").mkdir(exist_ok=True)
    (BACKEND / "build" / "image-smoke.json").write_text(json.dumps(report.figures, indent=2))
    # Untagged layers of earlier builds pile up with every source change: keep two days' worth
    # (the build cache), drop the rest.
    podman("image", "prune", "--force", "--filter", "until=48h", check=False)
    print(f"image-smoke: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
