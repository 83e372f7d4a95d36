"""Adherence per docs/records.md, on hand-computed cases (no server)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from normogen_client.adherence import Adherence, adherence, is_current, slots_on

UTC_ZONE = ZoneInfo("UTC")
DAILY = {"name": "X", "schedule": {"kind": "daily", "times": ["08:00", "20:00"]}}


def taken(*instants: str) -> list[tuple[datetime, dict[str, Any]]]:
    return [(datetime.fromisoformat(i), {"status": "taken"}) for i in instants]


def test_todays_later_slots_are_not_expected_yet() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    result = adherence(DAILY, [], days=1, now=now, zone=UTC_ZONE)
    assert (result.expected, result.taken, result.percent) == (1, 0, 0)
    assert adherence(DAILY, [], days=7, now=now, zone=UTC_ZONE).expected == 13


def test_taken_is_capped_per_day_and_skips_do_not_count() -> None:
    now = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
    doses = taken(
        "2026-03-10T08:05:00+00:00",
        "2026-03-10T08:06:00+00:00",
        "2026-03-10T20:01:00+00:00",
        "2026-03-09T08:00:00+00:00",
    )
    doses += taken("2026-03-09T09:00:00+00:00", "2026-03-09T10:00:00+00:00")
    doses.append((datetime(2026, 3, 8, 8, tzinfo=UTC), {"status": "skipped"}))
    result = adherence(DAILY, doses, days=3, now=now, zone=UTC_ZONE)
    # Expected 6; taken: 2 (capped from 3) on the 10th + 2 (capped from 3) on the 9th = 4.
    assert (result.expected, result.taken) == (6, 4)
    assert result.percent == 67  # 66.67 rounded half up
    assert result.label() == "67%"


def test_rounding_half_up_and_undefined() -> None:
    assert Adherence(7, expected=8, taken=1).percent == 13  # 12.5 -> 13
    assert Adherence(7, expected=200, taken=1).percent == 1  # 0.5 -> 1
    assert Adherence(7, expected=0, taken=0).percent is None
    assert Adherence(7, expected=0, taken=0).label() == "—"


def test_time_zone_decides_the_day() -> None:
    zone = ZoneInfo("America/New_York")
    med = {"schedule": {"kind": "daily", "times": ["22:00"]}}
    now = datetime(2026, 1, 11, 4, 0, tzinfo=UTC)  # 23:00 on the 10th in New York (UTC-5)
    dose = taken("2026-01-11T03:05:00+00:00")  # 22:05 on the 10th in New York
    result = adherence(med, dose, days=1, now=now, zone=zone)
    assert (result.expected, result.taken) == (1, 1)
    in_utc = adherence(med, dose, days=1, now=now, zone=UTC_ZONE)  # the 11th, 04:00
    assert (in_utc.expected, in_utc.taken) == (0, 0)


def test_weekly_current_and_as_needed() -> None:
    weekly = {
        "schedule": {"kind": "weekly", "days": ["mon", "thu"], "times": ["09:00"]},
        "started_on": "2026-03-05",
        "stopped_on": "2026-03-12",
    }
    monday, thursday = date(2026, 3, 9), date(2026, 3, 5)
    assert [t.isoformat() for t in slots_on(weekly, monday)] == ["09:00:00"]
    assert slots_on(weekly, thursday)
    assert not slots_on(weekly, date(2026, 3, 2))  # before started_on
    assert not slots_on(weekly, date(2026, 3, 16))  # after stopped_on
    assert is_current(weekly, date(2026, 3, 12))
    now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    assert adherence(weekly, [], days=30, now=now, zone=UTC_ZONE).expected == 3
    as_needed = {"schedule": {"kind": "as_needed"}}
    assert (
        adherence(
            as_needed, taken("2026-03-20T08:00:00+00:00"), days=7, now=now, zone=UTC_ZONE
        ).percent
        is None
    )


@pytest.mark.parametrize("days", [1, 7, 30])
def test_a_perfect_record_is_100(days: int) -> None:
    now = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    doses = [
        (datetime(2026, 3, 31 - d, h, 1, tzinfo=UTC), {"status": "taken"})
        for d in range(days)
        for h in (8, 20)
    ]
    assert adherence(DAILY, doses, days=days, now=now, zone=UTC_ZONE).percent == 100
