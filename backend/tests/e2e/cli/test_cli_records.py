"""Profiles and records from the command line: every kind with its typed options."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.cli.conftest import Device, DeviceFactory


def add(device: Device, *args: str) -> dict[str, Any]:
    result: dict[str, Any] = device.json("records", "add", "-p", "Ada", *args)
    return result


def test_profiles_add_list_show_rename_rm(device: Device) -> None:
    created = device.json("profiles", "add", "Ada", "--type", "child", "--birth-date", "2019-03-01")
    assert created["metadata"] == {"name": "Ada", "birth_date": "2019-03-01"}
    device.ok("profiles", "add", "Grandpa", "--type", "elder")
    listed = device.json("profiles", "list")
    assert sorted((p["name"], p["profile_type"]) for p in listed) == [
        ("Ada", "child"),
        ("Grandpa", "elder"),
    ]
    shown = device.json("profiles", "show", "ada")  # names match case-insensitively
    assert shown["id"] == created["id"]
    assert device.json("profiles", "show", created["id"][:8])["name"] == "Ada"
    device.ok("profiles", "rename", "Ada", "Ada L.")
    renamed = device.json("profiles", "show", created["id"])
    assert renamed["metadata"] == {"name": "Ada L.", "birth_date": "2019-03-01"}
    device.ok("profiles", "rm", "Grandpa", "--yes")
    assert [p["name"] for p in device.json("profiles", "list")] == ["Ada L."]
    assert "no profile 'Grandpa'" in device.fails("profiles", "show", "Grandpa")


def test_every_kind_with_typed_options(device: Device) -> None:
    device.ok("profiles", "add", "Ada")
    bp = add(
        device,
        "--kind",
        "health_data",
        "--type",
        "blood_pressure",
        "--systolic",
        "128",
        "--diastolic",
        "82",
        "--pulse",
        "71",
        "--at",
        "2026-03-01T08:15:00Z",
        "--tag",
        "heart",
    )
    assert bp["data"] == {
        "type": "blood_pressure",
        "systolic": 128,
        "diastolic": 82,
        "pulse": 71,
        "unit": "mm[Hg]",
    }
    assert bp["occurred_at"] == "2026-03-01T08:15:00.000Z"
    assert bp["tags"] == ["heart"]
    assert bp["source"] == "manual"
    glucose = add(
        device,
        "--kind",
        "health_data",
        "--type",
        "glucose",
        "--value",
        "5.4",
        "--unit",
        "mmol/L",
        "--context",
        "fasting",
    )
    assert glucose["data"] == {
        "type": "glucose",
        "value": 5.4,
        "unit": "mmol/L",
        "context": "fasting",
    }
    lab = add(
        device,
        "--kind",
        "lab_result",
        "--test",
        "HbA1c",
        "--value",
        "6.1",
        "--unit",
        "%",
        "--loinc",
        "4548-4",
        "--low",
        "4",
        "--high",
        "6",
        "--panel",
        "Diabetes",
    )
    assert lab["data"] == {
        "test": "HbA1c",
        "value": 6.1,
        "unit": "%",
        "loinc": "4548-4",
        "reference_range": {"low": 4, "high": 6},
        "panel": "Diabetes",
    }
    text_lab = add(
        device, "--kind", "lab_result", "--test", "Urine protein", "--value-text", "trace"
    )
    assert text_lab["data"] == {"test": "Urine protein", "value_text": "trace"}
    med = add(
        device,
        "--kind",
        "medication",
        "--name",
        "Ramipril",
        "--strength",
        "5 mg",
        "--form",
        "tablet",
        "--dose",
        "1 tablet",
        "--times",
        "20:00,08:00",
        "--started-on",
        "2026-01-10",
        "--reason",
        "blood pressure",
    )
    assert med["data"]["schedule"] == {"kind": "daily", "times": ["08:00", "20:00"]}
    assert med["occurred_at"] == "2026-01-10T00:00:00.000Z"  # midnight UTC of started_on
    weekly = add(
        device,
        "--kind",
        "medication",
        "--name",
        "Methotrexate",
        "--days",
        "mon",
        "--times",
        "09:00",
    )
    assert weekly["data"]["schedule"] == {"kind": "weekly", "days": ["mon"], "times": ["09:00"]}
    dose = add(
        device, "--kind", "medication_dose", "--medication-id", med["id"], "--status", "taken"
    )
    assert dose["data"] == {"medication_id": med["id"], "status": "taken"}
    visit = add(
        device,
        "--kind",
        "appointment",
        "--title",
        "Cardiology",
        "--duration",
        "30",
        "--with",
        "Dr. Example",
        "--location",
        "Clinic",
        "--at",
        "2026-04-01T09:00:00+02:00",
    )
    assert visit["data"] == {
        "title": "Cardiology",
        "duration_minutes": 30,
        "with": "Dr. Example",
        "location": "Clinic",
    }
    assert visit["occurred_at"] == "2026-04-01T07:00:00.000Z"
    note = add(
        device,
        "--kind",
        "note",
        "--title",
        "Dizzy",
        "--text",
        "After standing up",
        "--comment",
        "mention it",
    )
    assert note["data"] == {"title": "Dizzy", "text": "After standing up", "comment": "mention it"}

    listed = device.json("records", "list", "Ada")
    assert {r["id"] for r in listed} == {
        r["id"] for r in (bp, glucose, lab, text_lab, med, weekly, dose, visit, note)
    }
    only_labs = device.json("records", "list", "Ada", "--kind", "lab_result")
    assert {r["id"] for r in only_labs} == {lab["id"], text_lab["id"]}
    tagged = device.json("records", "list", "Ada", "--tag", "heart")
    assert [r["id"] for r in tagged] == [bp["id"]]
    in_march = device.json("records", "list", "Ada", "--from", "2026-03-01", "--to", "2026-03-01")
    assert [r["id"] for r in in_march] == [bp["id"]]
    assert len(device.json("records", "list", "Ada", "--limit", "2")) == 2
    table = device.ok("records", "list", "Ada")
    assert "HbA1c: 6.1 %" in table
    assert "blood pressure 128/82 mmHg" in table


def test_bad_input_is_refused_before_anything_is_written(device: Device) -> None:
    device.ok("profiles", "add", "Ada")
    cases = [
        (
            (
                "--kind",
                "health_data",
                "--type",
                "blood_pressure",
                "--systolic",
                "400",
                "--diastolic",
                "80",
            ),
            "systolic 400 mmHg is outside 40 to 300",
        ),
        (
            ("--kind", "lab_result", "--test", "HbA1c", "--systolic", "120"),
            "--systolic cannot be used with --kind lab_result",
        ),
        (("--kind", "lab_result", "--test", "HbA1c"), "give exactly one of value and value_text"),
        (("--kind", "medication", "--name", "X", "--times", "8am"), "schedule.times"),
        (
            ("--kind", "health_data", "--type", "weight", "--value", "70", "--unit", "stone"),
            "unit for weight must be one of: kg, [lb_av]",
        ),
        (("--kind", "note", "--data", "[1]"), "--data must be a JSON object"),
    ]
    for args, message in cases:
        line = device.fails("records", "add", "-p", "Ada", *args)
        assert message in line, line
    assert device.json("records", "list", "Ada") == []
    usage = device.run("records", "add", "-p", "Ada", "--kind", "vitals")
    assert usage.code == 2  # a usage error names the choices
    assert "health_data" in usage.err


def test_show_edit_rm_keep_unknown_fields(device: Device) -> None:
    device.ok("profiles", "add", "Ada")
    extra = json.dumps({"test": "LDL", "value": 3.1, "unit": "mmol/L", "x_vendor": {"a": 1}})
    lab = add(device, "--kind", "lab_result", "--data", extra, "--tag", "lipids")
    shown = device.json("records", "show", lab["id"])
    assert shown["data"]["x_vendor"] == {"a": 1}
    edited = device.json("records", "edit", lab["id"], "--value", "2.9", "--flag", "normal")
    assert edited["data"] == {
        "test": "LDL",
        "value": 2.9,
        "unit": "mmol/L",
        "x_vendor": {"a": 1},
        "flag": "normal",
    }
    assert edited["revision"] == shown["revision"] + 1
    assert edited["tags"] == ["lipids"]
    retagged = device.json(
        "records", "edit", lab["id"], "--tag", "cholesterol", "--value-text", "see report"
    )
    assert retagged["tags"] == ["cholesterol"]
    assert "value" not in retagged["data"]
    assert retagged["data"]["value_text"] == "see report"
    device.ok("records", "rm", lab["id"])
    assert "HTTP 404" in device.fails("records", "show", lab["id"])


def test_another_account_cannot_reach_a_record(device: Device, new_device: DeviceFactory) -> None:
    device.ok("profiles", "add", "Ada")
    note = add(device, "--kind", "note", "--text", "private")
    stranger = new_device()
    stranger.register()
    for command in (
        ("records", "show", note["id"]),
        ("records", "rm", note["id"]),
        ("records", "edit", note["id"], "--text", "mine"),
    ):
        assert "HTTP 404" in stranger.fails(*command)
    assert device.json("records", "show", note["id"])["data"] == {"text": "private"}


def test_a_profile_must_be_named_when_there_are_several(device: Device) -> None:
    device.ok("profiles", "add", "Ada")
    device.ok("records", "add", "--kind", "note", "--text", "only one profile: no -p needed")
    device.ok("profiles", "add", "Bob")
    line = device.fails("records", "add", "--kind", "note", "--text", "which one?")
    assert "name a profile" in line
    assert "Ada" in line
    assert "Bob" in line


def test_sync_reports_changes_since_the_last_sync(device: Device) -> None:
    device.ok("profiles", "add", "Ada")
    first = add(device, "--kind", "note", "--text", "one")
    [initial] = device.json("sync")
    assert [c["id"] for c in initial["updated"]] == [first["id"]]
    [quiet] = device.json("sync")
    assert quiet["updated"] == []
    assert quiet["deleted"] == []
    second = add(device, "--kind", "note", "--text", "two")
    device.ok("records", "rm", first["id"])
    [later] = device.json("sync", "Ada")
    assert [c["id"] for c in later["updated"]] == [second["id"]]
    assert later["deleted"] == [first["id"]]
