"""ProfileGates: writers of one profile take turns in arrival order; others do not wait for
them, only for one of the process's `max_writers` slots."""

from __future__ import annotations

import asyncio
import contextlib

from normogen.config import load_settings
from normogen.core.gates import ProfileGates
from normogen.runtime import Runtime


async def test_writers_of_one_profile_take_turns_in_order() -> None:
    gates = ProfileGates(max_writers=8)
    inside: list[int] = []
    order: list[int] = []
    release = asyncio.Event()
    first_inside = asyncio.Event()

    async def writer(n: int) -> None:
        async with gates.turn("p"):
            inside.append(n)
            assert len(inside) == 1  # never two at once
            order.append(n)
            if n == 0:
                first_inside.set()
                await release.wait()
            inside.remove(n)

    tasks = [asyncio.create_task(writer(n)) for n in range(5)]
    await first_inside.wait()  # the first writer is inside; the others queue behind it
    release.set()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    assert len(gates) == 0  # no lock left behind


async def test_other_profiles_are_not_blocked() -> None:
    gates = ProfileGates(max_writers=8)
    async with gates.turn("a"):
        async with asyncio.timeout(5):  # would hang if "b" waited for "a"
            async with gates.turn("b"):
                assert len(gates) == 2
    assert len(gates) == 0


async def test_a_failing_writer_releases_its_turn() -> None:
    gates = ProfileGates(max_writers=8)
    with contextlib.suppress(RuntimeError):
        async with gates.turn("p"):
            raise RuntimeError("boom")
    async with asyncio.timeout(5):
        async with gates.turn("p"):
            pass
    assert len(gates) == 0


async def test_at_most_max_writers_write_at_once() -> None:
    gates = ProfileGates(max_writers=2)
    inside: set[str] = set()
    peak = 0
    two_inside = asyncio.Event()
    release = asyncio.Event()

    async def writer(profile: str) -> None:
        nonlocal peak
        async with gates.turn(profile):
            inside.add(profile)
            peak = max(peak, len(inside))
            if len(inside) == 2:
                two_inside.set()
            await release.wait()
            inside.discard(profile)

    tasks = [asyncio.create_task(writer(f"p{n}")) for n in range(6)]
    await two_inside.wait()
    # Every other writer is queued for a slot: the loop has nothing else to run until release.
    for _ in range(len(tasks)):
        await asyncio.sleep(0)
    assert len(inside) == 2
    release.set()
    await asyncio.gather(*tasks)
    assert peak == 2
    assert not inside
    assert len(gates) == 0


async def test_a_writer_queued_behind_its_profile_holds_no_slot() -> None:
    gates = ProfileGates(max_writers=2)
    second_entered = asyncio.Event()

    async def second_writer_of_a() -> None:
        async with gates.turn("a"):
            second_entered.set()

    async with gates.turn("a"):
        queued = asyncio.create_task(second_writer_of_a())
        await asyncio.sleep(0)  # it runs up to "a"'s lock and waits there
        async with asyncio.timeout(5):  # would hang if the queued writer held the other slot
            async with gates.turn("b"):
                assert not second_entered.is_set()
    await queued
    assert second_entered.is_set()
    assert len(gates) == 0


def test_the_cap_comes_from_the_settings() -> None:
    settings = load_settings(NORMOGEN_ENV="development", RECORD_WRITE_CONCURRENCY=3)
    assert Runtime(settings).gates.max_writers == 3
