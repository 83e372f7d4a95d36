"""Memory a record listing adds to the server: one tag versus the 32-tag worst case.

A profile holds BENCH_TAG_RECORDS records (default 60) of 48 KiB ciphertext, each carrying
all 32 tags a filter may name. `GET /api/v1/records?tag=...&limit=200` (the largest page) is
sent with one tag and with all 32, interleaved, BENCH_ROUNDS times each, each time to a fresh
server process (a process keeps the memory a request freed, which would hide the next one's
peak) after a one-record warm-up listing. Before the measured request the peak-RSS mark is
reset (`/proc/<pid>/clear_refs`, Linux); after it, the peak minus the resident size before is
what the request added. Medians are printed next to the page byte
budget (records.service.PAGE_BYTES_BUDGET): a listing should cost the budget plus a constant,
whatever the number of tags.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from pathlib import Path

import httpx

from bench.harness import BENCH_PASSWORD, database, median, normogen_process
from normogen.records.service import PAGE_BYTES_BUDGET
from normogen_client.api import NormogenClient
from normogen_client.health import HealthRecords

RECORDS = int(os.environ.get("BENCH_TAG_RECORDS", "60"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
RECORD_BYTES = 48 * 1024
TAGS = [f"tag-{n:02d}" for n in range(32)]
PAGE = 200  # records.schemas.MAX_PAGE
MIB = 1024 * 1024


def _b64(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode()


def _envelope(size: int) -> dict[str, str]:
    """A shape-valid ciphertext envelope: the server stores it without decrypting."""
    return {"alg": "aes-256-gcm", "iv": _b64(12), "data": _b64(size), "authTag": _b64(16)}


async def prepare(url: str) -> tuple[str, str]:
    """An account and a profile full of large, fully tagged records: (token, profile id)."""
    async with NormogenClient(url) as client:
        await client.register(f"bench-tags-{os.getpid()}@example.org", BENCH_PASSWORD)
        profile = await HealthRecords(client).create_profile("adult", {"name": "bench"})
        token = client.session().access_token
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for n in range(RECORDS):
            body = {
                "profile_id": profile.id,
                "kind": "lab_result",
                "payload": _envelope(RECORD_BYTES),
                "occurred_at": f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
                "tags": TAGS,
            }
            headers = {"Authorization": f"Bearer {token}"}
            response = await http.post("/api/v1/records", json=body, headers=headers)
            response.raise_for_status()
    return token, profile.id


def _status(pid: int, field: str) -> int:
    """A /proc/<pid>/status size field in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} missing from /proc/{pid}/status")


Params = dict[str, str | int | list[str]]


def measure(http: httpx.Client, pid: int, params: Params) -> tuple[int, float, int]:
    """(peak RSS added, seconds, page ciphertext bytes) of one listing request."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak-RSS mark to the RSS now
    before = _status(pid, "VmRSS")
    started = time.perf_counter()
    response = http.get("/api/v1/records", params=params)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    page = sum(len(record["payload"]["data"]) for record in response.json()["records"])
    return _status(pid, "VmHWM") - before, elapsed, page


def main() -> None:
    cases = {"1 tag": TAGS[:1], "32 tags": TAGS}
    results: dict[str, list[tuple[int, float, int]]] = {name: [] for name in cases}
    with database() as uri:
        env = {"RATE_LIMIT_REQUESTS": "1000000", "MONGODB_DATABASE": f"bench_tags_{os.getpid()}"}
        with normogen_process(uri, **env) as (url, _):
            token, profile_id = asyncio.run(prepare(url))
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(ROUNDS):
            for name, tags in cases.items():
                with (
                    normogen_process(uri, **env) as (url, pid),
                    httpx.Client(base_url=url, headers=headers, timeout=120) as http,
                ):
                    warm: Params = {"profile_id": profile_id, "tag": TAGS[:1], "limit": 1}
                    http.get("/api/v1/records", params=warm).raise_for_status()
                    params: Params = {"profile_id": profile_id, "tag": tags, "limit": PAGE}
                    results[name].append(measure(http, pid, params))
    print(f"{RECORDS} records x {RECORD_BYTES // 1024} KiB, {len(TAGS)} tags each; limit={PAGE}")
    print(f"page byte budget: {PAGE_BYTES_BUDGET / MIB:.1f} MiB")
    for name, runs in results.items():
        peak = median([float(run[0]) for run in runs]) / MIB
        millis = median([run[1] for run in runs]) * 1000
        page = median([float(run[2]) for run in runs]) / MIB
        print(
            f"{name:>8}: peak RSS +{peak:6.1f} MiB per request (median of {len(runs)}), "
            f"{millis:7.1f} ms, page {page:.1f} MiB"
        )
    one = median([float(run[0]) for run in results["1 tag"]])
    many = median([float(run[0]) for run in results["32 tags"]])
    print(f"32 tags / 1 tag peak RSS ratio: {many / max(one, 1.0):.2f}")
