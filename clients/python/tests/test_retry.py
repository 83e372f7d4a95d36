"""`patiently`: retries only what the server rate-limited, and gives up after the last try."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from normogen_client import retry
from normogen_client.models import ApiError


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "FIRST_DELAY", 0.0)


def test_retries_429_until_it_works() -> None:
    limited = ApiError(429, "rate_limited", "slow down")
    answers: Sequence[Exception | str] = [limited, limited, limited, "done"]
    calls = 0

    async def call() -> str:
        nonlocal calls
        answer = answers[calls]
        calls += 1
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert asyncio.run(retry.patiently(call)) == "done"
    assert calls == 4


def test_other_errors_are_not_retried() -> None:
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        raise ApiError(409, "record_id_conflict", "taken")

    with pytest.raises(ApiError, match="409"):
        asyncio.run(retry.patiently(call))
    assert calls == 1


def test_gives_up_after_the_last_attempt() -> None:
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        raise ApiError(429, "rate_limited", "slow down")

    with pytest.raises(ApiError, match="429"):
        asyncio.run(retry.patiently(call))
    assert calls == retry.ATTEMPTS
