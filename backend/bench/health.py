"""/health requests per second, full middleware stack vs a raw ASGI app, interleaved runs."""

from __future__ import annotations

import os
import sys

from bench.harness import database, median, normogen_server, process, wrk
from normogen.db.embedded import free_port

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
CONNECTIONS = 50
TARGET = 0.5


def main() -> None:
    port = free_port()
    raw_url = f"http://127.0.0.1:{port}"
    raw_cmd = [sys.executable, "-m", "uvicorn", "bench.raw_asgi:app", "--host", "127.0.0.1"]
    raw_cmd += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    with (
        database() as uri,
        normogen_server(uri) as full_url,
        process(raw_cmd, {}, f"{raw_url}/health"),
    ):
        raw, full = [], []
        for _ in range(ROUNDS):  # interleaved, so drifting machine load hits both alike
            raw.append(wrk(f"{raw_url}/health", SECONDS, CONNECTIONS).requests_per_second)
            full.append(wrk(f"{full_url}/health", SECONDS, CONNECTIONS).requests_per_second)
    ratio = median(full) / median(raw)
    print(f"raw ASGI /health:  median {median(raw):9.0f} req/s  runs {[round(r) for r in raw]}")
    print(f"normogen /health:  median {median(full):9.0f} req/s  runs {[round(r) for r in full]}")
    print(f"ratio normogen/raw: {ratio:.2f} (target >= {TARGET})")
