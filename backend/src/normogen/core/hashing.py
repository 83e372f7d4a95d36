"""Argon2id hashes of auth keys, computed in worker threads with bounded concurrency.

Parameters follow the OWASP Password Storage Cheat Sheet (Argon2id, m=19 MiB, t=2, p=1 by
default; see Settings). Each hash holds ARGON2_MEMORY_KIB of memory while it runs, so at most
`concurrency` run at once (an anyio CapacityLimiter): memory stays bounded and excess logins
queue without blocking the event loop (argon2-cffi releases the GIL while hashing). By
default one CPU is left to the event loop, so a burst of logins cannot starve other requests.
"""

from __future__ import annotations

import math
import os
import secrets
from functools import partial
from pathlib import Path

import anyio
import anyio.to_thread
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from normogen.config import Settings

CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def available_cpus(cpu_max: Path = CPU_MAX) -> int:
    """CPUs this process may use: the cgroup v2 quota (containers) or the affinity mask."""
    try:
        quota, period = cpu_max.read_text().split()[:2]
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_concurrency(cpus: int | None = None) -> int:
    """One hash per CPU but one: a core stays free for the event loop, so logins do not stall
    other requests (bench/login_stall.py measures it). At least one."""
    return max(1, (available_cpus() if cpus is None else cpus) - 1)


class KeyHasher:
    """Hash and verify auth keys off the event loop; verify unknown users against a dummy."""

    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.ARGON2_TIME_COST,
            memory_cost=settings.ARGON2_MEMORY_KIB,
            parallelism=settings.ARGON2_PARALLELISM,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self.concurrency = settings.ARGON2_MAX_CONCURRENCY or default_concurrency()
        self._limiter: anyio.CapacityLimiter | None = None
        self._dummy: str | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # created inside the running event loop
            self._limiter = anyio.CapacityLimiter(self.concurrency)
        return self._limiter

    async def hash(self, secret: bytes) -> str:
        return await anyio.to_thread.run_sync(self._hasher.hash, secret, limiter=self.limiter)

    async def verify(self, encoded: str, secret: bytes) -> bool:
        """True when `secret` matches the stored hash; never raises for a mismatch."""
        return await anyio.to_thread.run_sync(
            partial(self._verify_sync, encoded, secret), limiter=self.limiter
        )

    @property
    def dummy_hash(self) -> str | None:
        """The hash unknown users are verified against (made on first use)."""
        return self._dummy

    async def verify_dummy(self, secret: bytes) -> None:
        """Spend the same work as a real verification (unknown email): always a failure."""
        if self._dummy is None:
            self._dummy = await self.hash(secrets.token_bytes(32))
        await self.verify(self._dummy, secret)

    def needs_rehash(self, encoded: str) -> bool:
        """Whether a stored hash used other parameters than the configured ones."""
        try:
            return self._hasher.check_needs_rehash(encoded)
        except InvalidHashError:
            return True

    def _verify_sync(self, encoded: str, secret: bytes) -> bool:
        try:
            return self._hasher.verify(encoded, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
