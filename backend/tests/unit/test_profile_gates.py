"""ProfileGates: writers of one profile take turns in arrival order; others do not wait."""

from __future__ import annotations

import asyncio
import contextlib

from normogen.records.gate import ProfileGates


async def test_writers_of_one_profile_take_turns_in_order() -> None:
    gates = ProfileGates()
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
    gates = ProfileGates()
    async with gates.turn("a"):
        async with asyncio.timeout(5):  # would hang if "b" waited for "a"
            async with gates.turn("b"):
                assert len(gates) == 2
    assert len(gates) == 0


async def test_a_failing_writer_releases_its_turn() -> None:
    gates = ProfileGates()
    with contextlib.suppress(RuntimeError):
        async with gates.turn("p"):
            raise RuntimeError("boom")
    async with asyncio.timeout(5):
        async with gates.turn("p"):
            pass
    assert len(gates) == 0
