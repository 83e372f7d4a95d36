"""The plaintext `data` of each record kind (docs/records.md): codes, units and input checks.

`check(kind, data)` enforces the contract on input (required fields, enums, UCUM units,
plausible ranges); records read from the server are never rejected by it. Unknown keys are
allowed everywhere, so an edit keeps what another client wrote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

UCUM_SYSTEM = "http://unitsofmeasure.org"
LOINC_SYSTEM = "http://loinc.org"


class PayloadError(ValueError):
    """`data` does not follow docs/records.md (the message names the field)."""


@dataclass(frozen=True)
class VitalType:
    """One `health_data` type: its value fields, allowed units (first: default), LOINC codes."""

    fields: tuple[str, ...]
    units: tuple[str, ...]
    loinc: dict[str, str]  # unit (or "*") -> LOINC code of the measurement
    display: str


VITALS: dict[str, VitalType] = {
    "blood_pressure": VitalType(
        ("systolic", "diastolic"), ("mm[Hg]",), {"*": "85354-9"}, "Blood pressure panel"
    ),
    "weight": VitalType(("value",), ("kg", "[lb_av]"), {"*": "29463-7"}, "Body weight"),
    "heart_rate": VitalType(("value",), ("/min",), {"*": "8867-4"}, "Heart rate"),
    "glucose": VitalType(
        ("value",),
        ("mmol/L", "mg/dL"),
        {"mmol/L": "15074-8", "mg/dL": "2339-0"},
        "Glucose",
    ),
    "temperature": VitalType(("value",), ("Cel", "[degF]"), {"*": "8310-5"}, "Body temperature"),
}
BP_COMPONENTS = {"systolic": "8480-6", "diastolic": "8462-4", "pulse": "8867-4"}
UNIT_LABELS = {"mm[Hg]": "mmHg", "Cel": "°C", "[degF]": "°F", "[lb_av]": "lb"}
GLUCOSE_CONTEXTS = ("fasting", "before_meal", "after_meal", "bedtime", "random")
LAB_FLAGS = ("normal", "low", "high", "critical_low", "critical_high", "abnormal")
MED_FORMS = (
    "tablet",
    "capsule",
    "liquid",
    "inhaler",
    "injection",
    "patch",
    "drops",
    "cream",
)
MED_FORMS_ALL = (*MED_FORMS, "other")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DOSE_STATUSES = ("taken", "skipped")
APPOINTMENT_STATUSES = ("booked", "cancelled", "fulfilled")
MAX_COMMENT = 2_000
MAX_NOTE = 20_000
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")

# Plausible input ranges per docs/records.md, in the unit given.
_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("systolic", "mm[Hg]"): (40, 300),
    ("diastolic", "mm[Hg]"): (20, 200),
    ("pulse", "mm[Hg]"): (20, 300),
    ("heart_rate", "/min"): (20, 300),
    ("weight", "kg"): (0.2, 650),
    ("weight", "[lb_av]"): (0.2 * 2.20462, 650 * 2.20462),
    ("glucose", "mmol/L"): (0.5, 60),
    ("glucose", "mg/dL"): (9, 1080),
    ("temperature", "Cel"): (25, 45),
    ("temperature", "[degF]"): (77, 113),
}


def unit_label(unit: str) -> str:
    """The friendlier label a client shows for a UCUM code."""
    return UNIT_LABELS.get(unit, unit)


def vital_loinc(data: Mapping[str, Any]) -> str | None:
    vital = VITALS.get(str(data.get("type")))
    if vital is None:
        return None
    return vital.loinc.get(str(data.get("unit")), vital.loinc.get("*"))


def check(kind: str, data: Any) -> dict[str, Any]:
    """Return `data` (nulls dropped) if it follows docs/records.md for `kind`, else raise."""
    if not isinstance(data, Mapping):
        raise PayloadError("data must be a JSON object")
    clean = {key: value for key, value in data.items() if value is not None}
    checker = _CHECKS.get(kind)
    if checker is None:
        raise PayloadError(f"unknown record kind {kind!r}")
    _text(clean, "comment", MAX_COMMENT)
    checker(clean)
    return clean


def _number(data: Mapping[str, Any], name: str, *, required: bool = True) -> float | None:
    value = data.get(name)
    if value is None:
        if required:
            raise PayloadError(f"{name} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PayloadError(f"{name} must be a finite number")
    return float(value)


def _text(
    data: Mapping[str, Any], name: str, limit: int = 500, *, required: bool = False
) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise PayloadError(f"{name} is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise PayloadError(f"{name} must be a non-empty string")
    if len(value) > limit:
        raise PayloadError(f"{name} must be at most {limit} characters")
    return value


def _choice(data: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    value = data.get(name)
    if value is not None and value not in allowed:
        raise PayloadError(f"{name} must be one of: {', '.join(allowed)}")


def _date(data: Mapping[str, Any], name: str) -> None:
    value = data.get(name)
    if value is not None and (not isinstance(value, str) or not _DATE.match(value)):
        raise PayloadError(f"{name} must be a date YYYY-MM-DD")


def _in_range(name: str, value: float, unit: str, key: str) -> None:
    bounds = _RANGES.get((key, unit))
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        low, high = (f"{bound:g}" for bound in bounds)
        raise PayloadError(f"{name} {value:g} {unit_label(unit)} is outside {low} to {high}")


def _health_data(data: dict[str, Any]) -> None:
    kind = data.get("type")
    vital = VITALS.get(str(kind))
    if vital is None:
        raise PayloadError(f"type must be one of: {', '.join(VITALS)}")
    data.setdefault("unit", vital.units[0])
    if data["unit"] not in vital.units:
        raise PayloadError(f"unit for {kind} must be one of: {', '.join(vital.units)}")
    if kind == "blood_pressure":
        for name in ("systolic", "diastolic", "pulse"):
            value = _number(data, name, required=name != "pulse")
            if value is not None:
                _in_range(name, value, "mm[Hg]", name)
        if float(data["systolic"]) <= float(data["diastolic"]):
            raise PayloadError("systolic must be higher than diastolic")
        return
    value = _number(data, "value")
    if value is not None:
        _in_range("value", value, data["unit"], str(kind))
    if kind == "glucose":
        _choice(data, "context", GLUCOSE_CONTEXTS)


def _lab_result(data: dict[str, Any]) -> None:
    _text(data, "test", 200, required=True)
    has_value = data.get("value") is not None
    has_text = data.get("value_text") is not None
    if has_value == has_text:
        raise PayloadError("give exactly one of value and value_text")
    if has_value:
        _number(data, "value")
        _text(data, "unit", 50, required=True)
    else:
        _text(data, "value_text", 200, required=True)
    reference = data.get("reference_range")
    if reference is not None:
        if not isinstance(reference, Mapping) or not any(
            reference.get(name) is not None for name in ("low", "high", "text")
        ):
            raise PayloadError("reference_range needs at least one of low, high, text")
        _number(reference, "low", required=False)
        _number(reference, "high", required=False)
    _choice(data, "flag", LAB_FLAGS)
    for name in ("loinc", "panel", "laboratory"):
        _text(data, name, 200)


def derived_flag(data: Mapping[str, Any]) -> str | None:
    """A lab result's flag: the one stored, else derived from value and both range bounds."""
    if data.get("flag"):
        return str(data["flag"])
    reference = data.get("reference_range") or {}
    value, low, high = data.get("value"), reference.get("low"), reference.get("high")
    if value is None or low is None or high is None:
        return None
    return "low" if value < low else "high" if value > high else "normal"


def _schedule(schedule: Any) -> None:
    if not isinstance(schedule, Mapping):
        raise PayloadError("schedule is required (daily, weekly or as_needed)")
    kind = schedule.get("kind")
    if kind == "as_needed":
        return
    if kind not in ("daily", "weekly"):
        raise PayloadError("schedule.kind must be daily, weekly or as_needed")
    times = schedule.get("times")
    if (
        not isinstance(times, list)
        or not 1 <= len(times) <= 12
        or not all(isinstance(t, str) and _TIME.match(t) for t in times)
        or len(set(times)) != len(times)
        or sorted(times) != times
    ):
        raise PayloadError("schedule.times must be 1-12 distinct sorted HH:MM times")
    if kind == "weekly":
        days = schedule.get("days")
        if not isinstance(days, list) or not days or not all(d in WEEKDAYS for d in days):
            raise PayloadError(f"schedule.days must list weekdays: {', '.join(WEEKDAYS)}")


def _medication(data: dict[str, Any]) -> None:
    _text(data, "name", 200, required=True)
    _choice(data, "form", MED_FORMS_ALL)
    _schedule(data.get("schedule"))
    _date(data, "started_on")
    _date(data, "stopped_on")
    started, stopped = data.get("started_on"), data.get("stopped_on")
    if started and stopped and stopped < started:
        raise PayloadError("stopped_on is before started_on")
    for name in ("strength", "dose", "instructions", "prescriber", "reason"):
        _text(data, name)


def _medication_dose(data: dict[str, Any]) -> None:
    _text(data, "medication_id", 64, required=True)
    _choice(data, "status", DOSE_STATUSES)
    if data.get("status") is None:
        raise PayloadError("status is required (taken or skipped)")
    slot = data.get("scheduled_for")
    if slot is not None and (not isinstance(slot, str) or not _INSTANT.match(slot)):
        raise PayloadError("scheduled_for must be an RFC 3339 instant")
    _text(data, "dose")
    _text(data, "reason")


def _appointment(data: dict[str, Any]) -> None:
    _text(data, "title", 200, required=True)
    duration = data.get("duration_minutes")
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= 1440
    ):
        raise PayloadError("duration_minutes must be a whole number 1-1440")
    _choice(data, "status", APPOINTMENT_STATUSES)
    for name in ("location", "with"):
        _text(data, name)
    _text(data, "notes", MAX_COMMENT)


def _note(data: dict[str, Any]) -> None:
    _text(data, "title", 200)
    _text(data, "text", MAX_NOTE, required=True)


_CHECKS = {
    "health_data": _health_data,
    "lab_result": _lab_result,
    "medication": _medication,
    "medication_dose": _medication_dose,
    "appointment": _appointment,
    "note": _note,
}


def summary(kind: str, data: Any) -> str:
    """A one-line human rendering of a record's data (for tables)."""
    if not isinstance(data, Mapping):
        return str(data)
    unit = unit_label(str(data.get("unit", "")))
    if kind == "health_data":
        if data.get("type") == "blood_pressure":
            pulse = f", pulse {data['pulse']:g}" if data.get("pulse") is not None else ""
            return f"blood pressure {data.get('systolic')}/{data.get('diastolic')} {unit}{pulse}"
        context = f" ({data['context']})" if data.get("context") else ""
        return f"{str(data.get('type', '?')).replace('_', ' ')} {data.get('value')} {unit}{context}"
    if kind == "lab_result":
        value = data.get("value", data.get("value_text"))
        flag = derived_flag(data)
        return f"{data.get('test')}: {value} {unit}".rstrip() + (f" [{flag}]" if flag else "")
    if kind == "medication":
        parts = [str(data.get("name")), data.get("strength"), data.get("dose")]
        schedule = data.get("schedule") or {}
        when = schedule.get("kind", "")
        if schedule.get("times"):
            when = f"{when} {','.join(schedule['times'])}"
        if schedule.get("days"):
            when = f"{when} on {','.join(schedule['days'])}"
        stopped = f" (stopped {data['stopped_on']})" if data.get("stopped_on") else ""
        return " ".join(str(p) for p in parts if p) + f", {when}{stopped}"
    if kind == "medication_dose":
        return f"{data.get('status')} (medication {str(data.get('medication_id'))[:8]})"
    if kind == "appointment":
        where = f" at {data['location']}" if data.get("location") else ""
        return f"{data.get('title')}{where} [{data.get('status', 'booked')}]"
    if kind == "note":
        title = f"{data['title']}: " if data.get("title") else ""
        text = str(data.get("text", ""))
        return title + (text[:60] + "…" if len(text) > 60 else text)
    return str(dict(data))
