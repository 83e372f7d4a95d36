"""Shared benchmark plumbing: wrk runs, server processes, an embedded database, statistics."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from normogen.db.embedded import EmbeddedMongo, free_port

BACKEND = Path(__file__).resolve().parents[1]
BENCH_SECRET = secrets.token_urlsafe(48)  # fresh per run, never a fixed secret
# Benchmark accounts live on a throwaway database: a fresh password per run, like the secret.
BENCH_PASSWORD = secrets.token_urlsafe(24)


def require_wrk() -> str:
    """wrk from Debian's packages; installed on first use when running as root."""
    path = shutil.which("wrk")
    if path is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        path = shutil.which("wrk")
    if path is None:
        sys.exit("wrk is required: apt-get install wrk")
    return path


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _field(pattern: str, output: str) -> str:
    match = re.search(pattern, output)
    if match is None:
        raise ValueError(f"wrk printed no {pattern!r}:\n{output}")
    return match.group(1)


def wrk(
    url: str, seconds: int, connections: int, threads: int = 1, extra: Sequence[str] = ()
) -> WrkResult:
    """`extra`: more wrk arguments, e.g. `("-H", "Authorization: ...", "-s", "post.lua")`."""
    out = subprocess.run(
        [
            require_wrk(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(_field(r"Requests/sec:\s+([\d.]+)", out))
    p50 = _ms(_field(r"\s50%\s+(\S+)", out))
    p99 = _ms(_field(r"\s99%\s+(\S+)", out))
    errors_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*?(\d+).*?(\d+).*?(\d+).*?(\d+)", out)
    errors = int(errors_match.group(1)) if errors_match else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return WrkResult(rps, p50, p99, errors)


def median(values: list[float]) -> float:
    return statistics.median(values)


def wait_healthy(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def database() -> Iterator[str]:
    """A SecantusDB for the benchmark run (MONGODB_URI wins when set)."""
    if os.environ.get("MONGODB_URI"):
        yield os.environ["MONGODB_URI"]
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        EmbeddedMongo(Path(tmp) / "data", sync_on_commit=False) as engine,
    ):
        yield engine.uri


@contextmanager
def process(argv: list[str], env: Mapping[str, str], health_url: str) -> Iterator[int]:
    """Run `argv` until the block ends; yields its process id once `health_url` answers."""
    proc = subprocess.Popen(
        argv,
        env={**os.environ, **env},
        cwd=BACKEND,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(health_url)
        yield proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


@contextmanager
def normogen_server(mongodb_uri: str, **env: str) -> Iterator[str]:
    """`normogen serve` with production settings (full middleware stack) on a free port."""
    with normogen_process(mongodb_uri, **env) as (url, _):
        yield url


@contextmanager
def normogen_process(mongodb_uri: str, **env: str) -> Iterator[tuple[str, int]]:
    """`normogen_server`, yielding its URL and process id (for memory measurements)."""
    port = free_port()
    settings = {
        "NORMOGEN_ENV": "production",
        "SERVER_HOST": "127.0.0.1",
        "SERVER_PORT": str(port),
        "MONGODB_URI": mongodb_uri,
        "MONGODB_DATABASE": f"bench_{port}",
        "JWT_SECRET": BENCH_SECRET,
        "SHUTDOWN_DRAIN_SECONDS": "0",
        "LOG_LEVEL": "info",
        **env,
    }
    url = f"http://127.0.0.1:{port}"
    with process([sys.executable, "-m", "normogen", "serve"], settings, f"{url}/health") as pid:
        yield url, pid
