"""`patiently`: retries only what the server rate-limited, and gives up after the last try."""

from __future__ import annotations

import pytest

from normogen_client import retry
from normogen_client.models import ApiError


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "FIRST_DELAY", 0.0)


async def test_retries_429_until_it_works() -> None:
    answers: list[Exception | str] = [ApiError(429, "rate_limited", "slow down")] * 3 + ["done"]
    calls = 0

    async def call() -> str:
        nonlocal calls
        answer = answers[calls]
        calls += 1
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert await retry.patiently(call) == "done"
    assert calls == 4


async def test_other_errors_are_not_retried() -> None:
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        raise ApiError(409, "record_id_conflict", "taken")

    with pytest.raises(ApiError, match="409"):
        await retry.patiently(call)
    assert calls == 1


async def test_gives_up_after_the_last_attempt() -> None:
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        raise ApiError(429, "rate_limited", "slow down")

    with pytest.raises(ApiError, match="429"):
        await retry.patiently(call)
    assert calls == retry.ATTEMPTS
