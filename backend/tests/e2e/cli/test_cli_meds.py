"""`meds take|skip|adherence`: adherence as docs/records.md defines it, computed by hand here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.e2e.cli.conftest import Device


def test_take_skip_and_adherence(device: Device) -> None:
    device.ok("profiles", "add", "Jo")
    today = datetime.now(UTC).date()
    # One slot a day at 00:00 (account time zone unset: UTC), so today's slot has passed.
    med = device.json(
        "records",
        "add",
        "--kind",
        "medication",
        "--name",
        "Ramipril",
        "--times",
        "00:00",
        "--started-on",
        (today - timedelta(days=2)).isoformat(),
    )
    other = device.json("records", "add", "--kind", "medication", "--name", "Ibuprofen")
    assert other["data"]["schedule"] == {"kind": "as_needed"}

    def at(days_ago: int, hour: int) -> str:
        moment = datetime.combine(today - timedelta(days=days_ago), datetime.min.time(), UTC)
        return (moment + timedelta(hours=hour, minutes=5)).isoformat()

    device.ok("meds", "skip", med["id"], "--reason", "felt sick", "--at", at(2, 0))
    device.ok("meds", "take", med["id"], "--at", at(1, 0))
    device.ok("meds", "take", med["id"], "--at", at(1, 0))  # a second dose that day
    device.ok("meds", "take", med["id"], "--at", at(0, 0), "--dose", "2 tablets")
    device.ok("meds", "take", med["id"], "--at", at(9, 0))  # before the window and the start
    device.ok("meds", "take", other["id"])

    doses = device.json("records", "list", "--kind", "medication_dose")
    skipped = [d for d in doses if d["data"]["status"] == "skipped"]
    assert [d["data"] for d in skipped] == [
        {"medication_id": med["id"], "status": "skipped", "reason": "felt sick"}
    ]
    report = device.json("meds", "adherence", "--days", "7", "--days", "2")
    by_name = {row["name"]: row for row in report}
    # 7 days: 3 slots expected (the 3 days since the start); taken: 1 (day -1, capped) + 1
    # (today) = 2 -> 67 % (66.7 rounded half up). 2 days: 2 expected, 2 taken -> 100 %.
    assert by_name["Ramipril"]["windows"] == {
        "2": {"taken": 2, "expected": 2, "percent": 100},
        "7": {"taken": 2, "expected": 3, "percent": 67},
    }
    assert by_name["Ibuprofen"]["windows"]["7"] == {"taken": 0, "expected": 0, "percent": None}
    table = device.ok("meds", "adherence")
    assert "67% (2/3)" in table
    assert "—" in table


def test_a_dose_needs_a_medication(device: Device) -> None:
    device.ok("profiles", "add", "Jo")
    note = device.json("records", "add", "--kind", "note", "--text", "not a medication")
    assert "is a note, not a medication" in device.fails("meds", "take", note["id"])
    assert device.json("records", "list", "--kind", "medication_dose") == []
