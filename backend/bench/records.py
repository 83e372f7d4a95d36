"""Authenticated record reads and writes against a floor measured in the same run.

The API (`normogen serve`, production settings, full middleware: edge, rate limit, session
check) serves GET /api/v1/records/{id} and POST /api/v1/records; the floor is a minimal
Starlette app doing the same single `find_one` / `insert_one` on the same database with the
same client options (bench/records_floor.py). wrk drives both with 50 connections, in
interleaved rounds so drifting machine load hits both alike.

Writes go round-robin to 50 profiles of one account (what many devices of many households
look like). A write is a transaction (sequence number + record), so the ratio shows what the
never-skip sync guarantee costs; a last run sends every write to ONE profile, where writers
serialise on its counter.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench.harness import BENCH_PASSWORD, WrkResult, database, median, normogen_server, process, wrk
from normogen.db.embedded import free_port
from normogen_client.api import NormogenClient
from normogen_client.health import HealthRecords
from normogen_client.records import record_fields

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 50
PROFILES = 50
READ_TARGET = 0.6
ID_SLOT = "@@RECORD_ID@@"  # replaced per request by the wrk script (no Lua pattern magic)
SAMPLE = {"drug": "Ramipril", "dose_mg": 5, "notes": "x" * 700}  # ~1 KiB of ciphertext


async def prepare(url: str) -> tuple[str, str, list[str]]:
    """An account, its profiles and one record: (access token, record id, POST bodies)."""
    async with NormogenClient(url) as client:
        await client.register(f"bench-{os.getpid()}@example.org", BENCH_PASSWORD)
        health = HealthRecords(client)
        profiles = [await health.create_profile("adult", {"n": n}) for n in range(PROFILES)]
        now = datetime.now(UTC)
        record = await health.create_record(profiles[0], "medication", SAMPLE, occurred_at=now)
        bodies = []
        for profile in profiles:
            # Encrypted for one id; every request swaps in a fresh id (ID_SLOT) so each POST
            # creates a record. The AAD then names another id, which only a reader would notice:
            # the server checks shapes, and this measures the server.
            body = record_fields(profile, record.id, "medication", SAMPLE, now, ["heart"], None, 1)
            bodies.append(json.dumps({**body, "id": ID_SLOT, "profile_id": profile.id}))
        return client.session().access_token, record.id, bodies


def post_script(directory: Path, name: str, bodies: list[str], token: str | None) -> Path:
    """A wrk Lua script POSTing `bodies` round-robin."""
    lines = ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"']
    if token is not None:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    lines.append("local bodies = {")
    lines += [f"  [==[{body}]==]," for body in bodies]
    lines += [
        "}",
        "local n = 0",
        # A fresh id per request: the run's start, the wrk thread, the request counter.
        "local threads = 0",
        "function setup(thread)",
        "  thread:set('tid', threads)",
        "  threads = threads + 1",
        "end",
        "local start = os.time() % 0x10000000",
        "local function uuid()",
        "  local hi, lo = math.floor(n / 0x1000000), n % 0x1000000",
        "  return string.format('%08x-%04x-4000-8000-%06x%06x', start, tid or 0, hi, lo)",
        "end",
        "request = function()",
        "  n = n + 1",
        "  local body = bodies[(n % #bodies) + 1]",
        f"  body = string.gsub(body, '{ID_SLOT}', uuid())",
        "  return wrk.format(nil, nil, nil, body)",
        "end",
    ]
    path = directory / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def line(label: str, runs: list[WrkResult]) -> str:
    rates = [round(r.requests_per_second) for r in runs]
    p50 = median([r.p50_ms for r in runs])
    p99 = median([r.p99_ms for r in runs])
    errors = sum(r.errors for r in runs)
    return (
        f"{label:<24} median {median([r.requests_per_second for r in runs]):7.0f} req/s"
        f"  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}  runs {rates}"
    )


def ratio(api: list[WrkResult], floor: list[WrkResult]) -> float:
    return median([r.requests_per_second for r in api]) / median(
        [r.requests_per_second for r in floor]
    )


def main() -> None:
    with database() as uri, normogen_server(uri, RATE_LIMIT_REQUESTS="1000000000") as api:
        token, record_id, bodies = asyncio.run(prepare(api))
        port = free_port()
        floor = f"http://127.0.0.1:{port}"
        floor_env = {"MONGODB_URI": uri, "MONGODB_DATABASE": f"bench_{urlsplit(api).port}"}
        floor_cmd = [sys.executable, "-m", "uvicorn", "bench.records_floor:app"]
        floor_cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
        floor_cmd += ["--log-level", "warning"]
        auth = ("-H", f"Authorization: Bearer {token}")
        results: dict[str, list[WrkResult]] = {}
        with process(floor_cmd, floor_env, f"{floor}/health"), tempfile.TemporaryDirectory() as tmp:
            api_post = ("-s", str(post_script(Path(tmp), "api", bodies, token)))
            floor_post = ("-s", str(post_script(Path(tmp), "floor", bodies, None)))
            hot_post = ("-s", str(post_script(Path(tmp), "hot", bodies[:1], token)))
            runs = {
                "floor GET find_one": (f"{floor}/records/{record_id}", ()),
                "API GET record": (f"{api}/api/v1/records/{record_id}", auth),
                "floor POST insert_one": (f"{floor}/records", floor_post),
                "API POST record": (f"{api}/api/v1/records", api_post),
            }
            for _ in range(ROUNDS):
                for label, (url, extra) in runs.items():
                    result = wrk(url, SECONDS, CONNECTIONS, extra=extra)
                    results.setdefault(label, []).append(result)
            hot = [wrk(f"{api}/api/v1/records", SECONDS, CONNECTIONS, extra=hot_post)]
    print(f"{CONNECTIONS} connections, {ROUNDS} interleaved rounds of {SECONDS} s each")
    for label, runs_of_label in results.items():
        print(line(label, runs_of_label))
    print(line("API POST, one profile", hot))
    reads = ratio(results["API GET record"], results["floor GET find_one"])
    writes = ratio(results["API POST record"], results["floor POST insert_one"])
    per_round = [
        f"{api.requests_per_second / floor.requests_per_second:.2f}"
        for api, floor in zip(results["API GET record"], results["floor GET find_one"], strict=True)
    ]
    print(f"read ratio API/floor:  {reads:.2f} (target >= {READ_TARGET}; rounds {per_round})")
    print(f"write ratio API/floor: {writes:.2f} (a transaction of 3 statements vs 1 insert)")


if __name__ == "__main__":
    main()
