"""Medication adherence exactly as docs/records.md ("Adherence") defines it, for every client."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from normogen_client.payloads import WEEKDAYS


@dataclass(frozen=True)
class Adherence:
    """Taken and expected slots in a window; `percent` is None when nothing was expected."""

    days: int
    expected: int
    taken: int

    @property
    def percent(self) -> int | None:
        if self.expected == 0:
            return None
        # Whole percentage rounded half up, in integers (no float rounding surprises).
        return (200 * self.taken + self.expected) // (2 * self.expected)

    def label(self) -> str:
        return "—" if self.percent is None else f"{self.percent}%"


def is_current(medication: Mapping[str, Any], day: date) -> bool:
    """started_on (if present) <= day, and stopped_on absent or >= day."""
    started, stopped = medication.get("started_on"), medication.get("stopped_on")
    if started and date.fromisoformat(started) > day:
        return False
    return not (stopped and date.fromisoformat(stopped) < day)


def slots_on(medication: Mapping[str, Any], day: date) -> list[time]:
    """The schedule's slots on `day` (none when as needed or not current)."""
    schedule = medication.get("schedule") or {}
    kind = schedule.get("kind")
    if kind not in ("daily", "weekly") or not is_current(medication, day):
        return []
    if kind == "weekly" and WEEKDAYS[day.weekday()] not in (schedule.get("days") or []):
        return []
    return [time.fromisoformat(text) for text in schedule.get("times") or []]


def adherence(
    medication: Mapping[str, Any],
    doses: Iterable[tuple[datetime, Mapping[str, Any]]],
    *,
    days: int,
    now: datetime,
    zone: ZoneInfo,
) -> Adherence:
    """Adherence of one medication over the `days` calendar days ending today (in `zone`).

    `doses`: (occurred_at, data) of this medication's `medication_dose` records.
    """
    local_now = now.astimezone(zone)
    today = local_now.date()
    expected_per_day: dict[date, int] = {}
    for offset in range(days):
        day = today - timedelta(days=offset)
        slots = slots_on(medication, day)
        if day == today:
            slots = [slot for slot in slots if slot <= local_now.time().replace(tzinfo=None)]
        expected_per_day[day] = len(slots)
    taken_per_day: Counter[date] = Counter()
    for occurred_at, data in doses:
        if data.get("status") == "taken":
            day = occurred_at.astimezone(zone).date()
            if day in expected_per_day:
                taken_per_day[day] += 1
    taken = sum(min(count, expected_per_day[day]) for day, count in taken_per_day.items())
    return Adherence(days, sum(expected_per_day.values()), taken)
