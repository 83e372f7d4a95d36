"""`make demo`: start the server if it is not running (as `make run` does), then fill it with
the generated demo household (`normogen-client demo`) and keep the server up until Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

BACKEND = Path(__file__).resolve().parents[1]


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_server(host: str, port: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NORMOGEN_ENV": os.environ.get("NORMOGEN_ENV", "development"),
        "SERVER_HOST": host,
        "SERVER_PORT": port,
        # A local demo server: the household's hundreds of records should not wait for the
        # per-user request limit (config/defaults.env); an explicit setting still wins.
        "RATE_LIMIT_REQUESTS": os.environ.get("RATE_LIMIT_REQUESTS", "100000"),
    }
    # The same command as `make run` (embedded database unless MONGODB_URI is set).
    argv = [sys.executable, "-m", "normogen", "serve"]
    return subprocess.Popen(argv, cwd=BACKEND, env=env)  # noqa: S603 - fixed argv, no shell


def main() -> int:
    host = os.environ.get("SERVER_HOST", "127.0.0.1")
    port = os.environ.get("SERVER_PORT", "8000")
    url = os.environ.get("NORMOGEN_SERVER", f"http://{host}:{port}")
    server = None
    if not healthy(url):
        print(f"Starting the server on {url} ...", flush=True)
        server = start_server(host, port)
        deadline = time.monotonic() + 120
        while not healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                print("the server did not start; see its output above", file=sys.stderr)
                return 1
            time.sleep(0.5)
    argv = [sys.executable, "-m", "normogen_client.cli", "--server", url, "demo"]
    status = subprocess.run(argv, check=False).returncode  # noqa: S603 - fixed argv, no shell
    if server is None:
        return status
    if status == 0:
        print(f"\nThe server keeps running on {url}; press Ctrl-C to stop it.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.wait()
    server.terminate()  # a graceful stop: the server drains, then stops its database
    try:
        server.wait(120)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    return status


if __name__ == "__main__":
    sys.exit(main())
