"""docs/records.md input checks: each rule refuses what it should and keeps unknown keys."""

from __future__ import annotations

from typing import Any

import pytest

from normogen_client.payloads import PayloadError, check, derived_flag, summary, vital_loinc


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("health_data", {"type": "blood_pressure", "systolic": 128, "diastolic": 82, "pulse": 71}),
        ("health_data", {"type": "glucose", "value": 98, "unit": "mg/dL", "context": "fasting"}),
        ("health_data", {"type": "weight", "value": 150, "unit": "[lb_av]"}),
        (
            "lab_result",
            {
                "test": "LDL",
                "value": 3.1,
                "unit": "mmol/L",
                "reference_range": {"high": 3.0},
                "flag": "high",
            },
        ),
        ("lab_result", {"test": "Urine protein", "value_text": "trace"}),
        ("medication", {"name": "Ramipril", "schedule": {"kind": "daily", "times": ["08:00"]}}),
        (
            "medication",
            {
                "name": "M",
                "schedule": {"kind": "weekly", "days": ["mon"], "times": ["07:00", "19:00"]},
            },
        ),
        (
            "medication_dose",
            {
                "medication_id": "abc",
                "status": "skipped",
                "reason": "sick",
                "scheduled_for": "2026-03-01T08:00:00.000Z",
            },
        ),
        ("appointment", {"title": "GP", "duration_minutes": 15, "status": "cancelled"}),
        ("note", {"text": "hello", "x_other_client": [1, 2]}),
    ],
)
def test_valid_payloads_pass_unchanged(kind: str, data: dict[str, Any]) -> None:
    result = check(kind, data)
    assert {k: v for k, v in result.items() if k in data} == data


def test_defaults_and_nulls() -> None:
    assert check("health_data", {"type": "temperature", "value": 37.2})["unit"] == "Cel"
    assert check("note", {"text": "x", "title": None}) == {"text": "x"}


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("health_data", {"type": "bp"}, "type must be one of"),
        (
            "health_data",
            {"type": "blood_pressure", "systolic": 80, "diastolic": 90},
            "systolic must be higher",
        ),
        ("health_data", {"type": "blood_pressure", "systolic": 120}, "diastolic is required"),
        ("health_data", {"type": "heart_rate", "value": 400}, "outside 20 to 300"),
        ("health_data", {"type": "glucose", "value": 5, "context": "lunch"}, "context must be"),
        ("health_data", {"type": "weight", "value": True}, "finite number"),
        ("lab_result", {"test": "X", "value": 1, "value_text": "1", "unit": "g"}, "exactly one"),
        ("lab_result", {"test": "X", "value": 1}, "unit is required"),
        ("lab_result", {"test": "X", "value_text": "a", "reference_range": {}}, "at least one"),
        ("lab_result", {"test": "X", "value_text": "a", "flag": "bad"}, "flag must be"),
        ("medication", {"name": "X"}, "schedule is required"),
        (
            "medication",
            {"name": "X", "schedule": {"kind": "daily", "times": ["20:00", "08:00"]}},
            "sorted",
        ),
        (
            "medication",
            {"name": "X", "schedule": {"kind": "weekly", "days": ["monday"], "times": ["08:00"]}},
            "weekdays",
        ),
        (
            "medication",
            {
                "name": "X",
                "schedule": {"kind": "as_needed"},
                "started_on": "2026-02-01",
                "stopped_on": "2026-01-01",
            },
            "before",
        ),
        ("medication_dose", {"medication_id": "a"}, "status is required"),
        (
            "medication_dose",
            {"medication_id": "a", "status": "taken", "scheduled_for": "8am"},
            "RFC 3339",
        ),
        ("appointment", {"title": "X", "duration_minutes": 0}, "1-1440"),
        ("note", {"text": "x" * 20_001}, "at most 20000"),
        ("note", {"text": "x", "comment": "y" * 2001}, "comment must be at most 2000"),
        ("vitals", {}, "unknown record kind"),
    ],
)
def test_invalid_payloads_name_the_problem(kind: str, data: Any, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        check(kind, data)


def test_loinc_flags_and_summaries() -> None:
    assert vital_loinc({"type": "glucose", "unit": "mg/dL"}) == "2339-0"
    assert vital_loinc({"type": "glucose", "unit": "mmol/L"}) == "15074-8"
    assert vital_loinc({"type": "blood_pressure"}) == "85354-9"
    assert derived_flag({"value": 2, "reference_range": {"low": 3, "high": 5}}) == "low"
    assert derived_flag({"value": 4, "reference_range": {"low": 3, "high": 5}}) == "normal"
    assert derived_flag({"value": 9, "reference_range": {"high": 5}}) is None
    bp = {"type": "blood_pressure", "systolic": 120, "diastolic": 80, "unit": "mm[Hg]"}
    assert summary("health_data", bp) == "blood pressure 120/80 mmHg"
    lab = {"test": "K", "value": 6, "unit": "mmol/L", "reference_range": {"low": 3.5, "high": 5}}
    assert summary("lab_result", lab) == "K: 6 mmol/L [high]"
