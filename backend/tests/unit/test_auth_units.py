"""Pure auth logic: ciphertext shapes, the Argon2 hasher's bound, fake KDFs, the session cache."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from normogen.auth.context import AuthContext
from normogen.auth.service import fake_kdf
from normogen.config import Settings, load_settings
from normogen.core.hashing import KeyHasher, available_cpus, default_concurrency
from normogen.core.session_cache import SessionCache
from normogen.crypto.shapes import Envelope, KdfParams, b64decode
from normogen.events.service import Origin
from normogen.runtime import Runtime
from tests.support import async_wait_until


def _settings(**overrides: object) -> Settings:
    return load_settings(NORMOGEN_ENV="development", JWT_SECRET="k" * 48, **overrides)


def _b64(size: int) -> str:
    return base64.b64encode(bytes(range(size))).decode()


@pytest.mark.parametrize("text", ["", "AA==", _b64(12), _b64(32)])
def test_b64decode_accepts_canonical_padded_base64(text: str) -> None:
    assert base64.b64encode(b64decode(text)).decode() == text


@pytest.mark.parametrize("text", ["AA", "AB==", "AA==\n", "A A=", "-_8=", "AAA=A"])
def test_b64decode_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="base64"):
        b64decode(text)


def test_envelope_serialises_with_the_wire_names() -> None:
    wire = {"v": 2, "alg": "aes-256-gcm", "iv": _b64(12), "data": _b64(5), "authTag": _b64(16)}
    envelope = Envelope.model_validate(wire)
    assert envelope.to_doc() == wire
    with pytest.raises(ValidationError):
        Envelope.model_validate({**wire, "auth_tag": wire["authTag"]})


def test_kdf_params_are_strict() -> None:
    good = {"algorithm": "pbkdf2-sha256", "iterations": 600_000, "salt": _b64(16)}
    assert KdfParams.model_validate(good).to_doc() == good
    for bad in ({**good, "iterations": True}, {**good, "iterations": 0}, {**good, "x": 1}):
        with pytest.raises(ValidationError):
            KdfParams.model_validate(bad)


def test_fake_kdf_is_deterministic_per_email_and_purpose() -> None:
    settings = _settings()
    ctx = AuthContext(
        runtime=Runtime(settings),
        db=None,  # type: ignore[arg-type]  # fake_kdf never touches the database
        hasher=KeyHasher(settings),
        cache=SessionCache(),
        origin=Origin("127.0.0.1"),
    )
    first = fake_kdf(ctx, "login", "a@example.org")
    assert first == fake_kdf(ctx, "login", "a@example.org")
    assert first.salt != fake_kdf(ctx, "login", "b@example.org").salt
    assert first.salt != fake_kdf(ctx, "recovery", "a@example.org").salt
    assert len(b64decode(first.salt)) == 16  # the reference client's salt length
    assert first.iterations == 600_000


def test_the_session_cache_refuses_a_ttl_over_one_second() -> None:
    with pytest.raises(ValueError, match="at most"):
        SessionCache(ttl=1.5)
    cache = SessionCache(max_entries=2)
    for n in range(5):
        cache.put(f"s{n}", "u", True, checked_at=0.0)
    assert len(cache._entries) <= 2


@pytest.mark.parametrize(("cpus", "expected"), [(1, 1), (2, 1), (3, 2), (8, 7)])
def test_default_concurrency_leaves_a_cpu_free(cpus: int, expected: int) -> None:
    assert default_concurrency(cpus) == expected


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("150000 100000\n", 2), ("50000 100000\n", 1), ("400000 100000\n", 4)],
)
def test_available_cpus_follows_the_cgroup_quota(
    tmp_path: Path, cpu_max: str, expected: int
) -> None:
    path = tmp_path / "cpu.max"
    path.write_text(cpu_max)
    assert available_cpus(path) == expected


@pytest.mark.parametrize("cpu_max", ["max 100000\n", "garbage\n", None])
def test_available_cpus_without_a_quota_is_the_affinity_mask(
    tmp_path: Path, cpu_max: str | None
) -> None:
    path = tmp_path / "cpu.max"
    if cpu_max is not None:
        path.write_text(cpu_max)
    assert available_cpus(path) == len(os.sched_getaffinity(0))


async def test_hashes_run_at_most_concurrency_at_once() -> None:
    # Slow hashes (10 passes), so the queue is easy to observe.
    hasher = KeyHasher(_settings(ARGON2_MAX_CONCURRENCY=1, ARGON2_TIME_COST=10))
    encoded = await hasher.hash(b"k" * 32)
    tasks = [asyncio.create_task(hasher.verify(encoded, b"k" * 32)) for _ in range(4)]

    async def three_queued() -> bool:
        return hasher.limiter.statistics().tasks_waiting == 3

    await async_wait_until(three_queued, 10, "hashes were not queued behind the limit")
    while not all(task.done() for task in tasks):
        assert hasher.limiter.borrowed_tokens <= 1
        await asyncio.sleep(0.01)
    assert [task.result() for task in tasks] == [True] * 4
    assert not await hasher.verify(encoded, b"x" * 32)
    assert not await hasher.verify("not a hash", b"k" * 32)
    assert not hasher.needs_rehash(encoded)
    assert KeyHasher(_settings(ARGON2_TIME_COST=3)).needs_rehash(encoded)
