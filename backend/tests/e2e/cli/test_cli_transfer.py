"""`export` and `import`: JSON, CSV and FHIR R4 round trips, idempotent imports, bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from tests.e2e.cli.conftest import Device, DeviceFactory

UCUM = "http://unitsofmeasure.org"


def fill(device: Device) -> None:
    """One record of every kind (and shape), two profiles, tags and unicode."""
    device.ok("profiles", "add", "Zoë", "--type", "child", "--birth-date", "2018-06-01")
    device.ok("profiles", "add", "Grandpa Jo", "--type", "elder")
    add = ("records", "add", "-p")
    device.ok(
        *add,
        "Zoë",
        "--kind",
        "health_data",
        "--type",
        "temperature",
        "--value",
        "38.4",
        "--unit",
        "Cel",
        "--at",
        "2026-02-01T07:00:00Z",
        "--tag",
        "fever",
    )
    device.ok(
        *add,
        "Grandpa Jo",
        "--kind",
        "health_data",
        "--type",
        "blood_pressure",
        "--systolic",
        "141",
        "--diastolic",
        "88",
        "--pulse",
        "66",
        "--at",
        "2026-02-02T07:30:00Z",
    )
    device.ok(
        *add,
        "Grandpa Jo",
        "--kind",
        "health_data",
        "--type",
        "glucose",
        "--value",
        "112",
        "--unit",
        "mg/dL",
        "--context",
        "fasting",
        "--at",
        "2026-02-02T07:40:00Z",
    )
    device.ok(
        *add,
        "Grandpa Jo",
        "--kind",
        "lab_result",
        "--test",
        "HbA1c",
        "--loinc",
        "4548-4",
        "--value",
        "7.1",
        "--unit",
        "%",
        "--low",
        "4",
        "--high",
        "6",
        "--flag",
        "high",
        "--panel",
        "Diabetes review",
        "--laboratory",
        "Example Lab",
        "--at",
        "2026-01-20T08:30:00Z",
        "--tag",
        "diabetes",
        "--tag",
        "labs",
    )
    device.ok(
        *add,
        "Grandpa Jo",
        "--kind",
        "lab_result",
        "--test",
        "Urine protein",
        "--value-text",
        "trace",
        "--range-text",
        "negative",
        "--at",
        "2026-01-20T08:31:00Z",
    )
    med = device.json(
        *add,
        "Grandpa Jo",
        "--kind",
        "medication",
        "--name",
        "Metformin",
        "--strength",
        "500 mg",
        "--times",
        "08:00,20:00",
        "--started-on",
        "2026-01-01",
        "--instructions",
        "with food",
    )
    device.ok(
        *add,
        "Grandpa Jo",
        "--kind",
        "medication",
        "--name",
        "Alendronate",
        "--days",
        "mon",
        "--times",
        "07:00",
        "--started-on",
        "2025-10-01",
        "--stopped-on",
        "2026-01-15",
    )
    device.ok("meds", "take", med["id"], "--at", "2026-02-02T08:10:00Z")
    device.ok("meds", "skip", med["id"], "--reason", "nausea", "--at", "2026-02-02T20:05:00Z")
    device.ok(
        *add,
        "Grandpa Jo",
        "--kind",
        "appointment",
        "--title",
        "GP review",
        "--duration",
        "20",
        "--with",
        "Dr. Example",
        "--location",
        "Health Centre",
        "--status",
        "fulfilled",
        "--notes",
        "recheck HbA1c",
        "--at",
        "2026-02-10T09:15:00Z",
    )
    device.ok(
        *add,
        "Zoë",
        "--kind",
        "note",
        "--title",
        "Fièvre",
        "--text",
        "Slept badly — 🌡️",
        "--at",
        "2026-02-01T22:00:00Z",
    )


def export(device: Device, path: Path, fmt: str) -> str:
    device.ok("export", "--decrypted", "--format", fmt, "-o", str(path))
    return path.read_text(encoding="utf-8")


def content(document: dict[str, Any]) -> list[Any]:
    """The decrypted content, with record ids replaced by positions (ids differ per account)."""
    result = []
    for profile in sorted(document["profiles"], key=lambda p: p["metadata"]["name"]):
        records = sorted(
            profile["records"],
            key=lambda r: (r["occurred_at"], r["kind"], json.dumps(r["data"], sort_keys=True)),
        )
        position = {r["id"]: index for index, r in enumerate(records)}
        rows = []
        for record in records:
            data = dict(record["data"])
            if "medication_id" in data:
                data["medication_id"] = position[data["medication_id"]]
            rows.append(
                [record["kind"], record["occurred_at"], data, record["tags"], record["source"]]
            )
        result.append([profile["profile_type"], profile["metadata"], rows])
    return result


def test_round_trips_into_fresh_accounts(
    device: Device, new_device: DeviceFactory, tmp_path: Path
) -> None:
    """export -> import into a fresh account -> export gives the same decrypted content, for
    each format; importing the same file again creates nothing new."""
    fill(device)
    original = json.loads(export(device, tmp_path / "original.json", "json"))
    for fmt in ("json", "csv", "fhir"):
        exported = tmp_path / f"export.{fmt}"
        export(device, exported, fmt)
        assert exported.stat().st_mode & 0o777 == 0o600

        fresh = new_device()
        fresh.register()
        report = fresh.ok("import", str(exported))
        assert "Imported 11 new records (0 already present)" in report, fmt
        again = fresh.ok("import", str(exported))
        assert "Imported 0 new records (11 already present)" in again, fmt
        assert "profiles created: none" in again
        assert len(fresh.json("profiles", "list")) == 2
        result = json.loads(export(fresh, tmp_path / f"result-{fmt}.json", "json"))
        assert content(result) == content(original), fmt


def test_fhir_export_is_valid_r4_and_imports_without_extensions(
    device: Device, new_device: DeviceFactory, tmp_path: Path
) -> None:
    fill(device)
    bundle_json = json.loads(export(device, tmp_path / "bundle.json", "fhir"))
    bundle = Bundle.model_validate(bundle_json)
    assert bundle.type == "collection"
    resources = [entry["resource"] for entry in bundle_json["entry"]]
    types = sorted({r["resourceType"] for r in resources})
    assert types == [
        "Appointment",
        "DocumentReference",
        "MedicationAdministration",
        "MedicationStatement",
        "Observation",
        "Patient",
    ]
    by_code = {
        coding["code"]: r
        for r in resources
        if r["resourceType"] == "Observation"
        for coding in r["code"].get("coding", [])
    }
    bp = by_code["85354-9"]
    components = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in bp["component"]}
    assert components["8480-6"] == {"value": 141, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}
    assert components["8462-4"]["value"] == 88
    assert components["8867-4"]["code"] == "/min"
    assert by_code["2339-0"]["valueQuantity"]["code"] == "mg/dL"  # glucose in mg/dL
    assert by_code["8310-5"]["valueQuantity"] == {
        "value": 38.4,
        "unit": "°C",
        "system": UCUM,
        "code": "Cel",
    }
    hba1c = by_code["4548-4"]
    assert hba1c["category"][0]["coding"][0]["code"] == "laboratory"
    assert hba1c["referenceRange"][0]["high"]["value"] == 6
    assert hba1c["interpretation"][0]["coding"][0]["code"] == "H"
    statements = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    metformin = next(s for s in statements if "Metformin" in s["medicationCodeableConcept"]["text"])
    assert metformin["status"] == "active"
    assert metformin["dosage"][0]["timing"]["repeat"]["timeOfDay"] == ["08:00:00", "20:00:00"]
    stopped = next(s for s in statements if s is not metformin)
    assert stopped["status"] == "completed"
    assert stopped["dosage"][0]["timing"]["repeat"]["dayOfWeek"] == ["mon"]
    administrations = [r for r in resources if r["resourceType"] == "MedicationAdministration"]
    assert sorted(a["status"] for a in administrations) == ["completed", "not-done"]
    for administration in administrations:
        assert administration["supportingInformation"] == [
            {"reference": f"urn:uuid:{metformin['id']}"}
        ]
    [appointment] = [r for r in resources if r["resourceType"] == "Appointment"]
    assert appointment["status"] == "fulfilled"
    assert appointment["minutesDuration"] == 20
    assert appointment["end"] == "2026-02-10T09:35:00.000Z"
    patients = {r["id"]: r for r in resources if r["resourceType"] == "Patient"}
    zoe = next(p for p in patients.values() if p["name"][0]["text"] == "Zoë")
    assert zoe["birthDate"] == "2018-06-01"
    for resource in resources:
        if resource["resourceType"] != "Patient":
            subject = resource.get("subject") or resource["participant"][0]["actor"]
            assert subject["reference"].removeprefix("urn:uuid:") in patients

    # A bundle without Normogen's extensions (as another system sends it) maps back.
    foreign_import(bundle_json, new_device, tmp_path)


def strip_extensions(bundle: dict[str, Any]) -> dict[str, Any]:
    for entry in bundle["entry"]:
        entry["resource"].pop("extension", None)
    return bundle


def foreign_import(bundle_json: dict[str, Any], new_device: DeviceFactory, tmp_path: Path) -> None:
    bundle = strip_extensions(json.loads(json.dumps(bundle_json)))
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps(bundle))
    fresh = new_device()
    fresh.register()
    assert "Imported 11 new records" in fresh.ok("import", str(foreign))
    assert "Imported 0 new records" in fresh.ok("import", str(foreign))
    listed = fresh.json("records", "list", "Grandpa Jo")
    jo = {(r["kind"], r["occurred_at"]): r["data"] for r in listed}
    assert jo[("health_data", "2026-02-02T07:30:00.000Z")] == {
        "type": "blood_pressure",
        "unit": "mm[Hg]",
        "systolic": 141,
        "diastolic": 88,
        "pulse": 66,
    }
    assert jo[("health_data", "2026-02-02T07:40:00.000Z")] == {
        "type": "glucose",
        "value": 112,
        "unit": "mg/dL",
    }
    lab = next(d for (kind, _), d in jo.items() if kind == "lab_result" and "loinc" in d)
    assert lab == {
        "test": "HbA1c",
        "loinc": "4548-4",
        "value": 7.1,
        "unit": "%",
        "reference_range": {"low": 4, "high": 6},
        "flag": "high",
    }
    meds = {d["name"]: d for (kind, _), d in jo.items() if kind == "medication"}
    assert meds["Metformin 500 mg"]["schedule"] == {"kind": "daily", "times": ["08:00", "20:00"]}
    assert meds["Alendronate"]["stopped_on"] == "2026-01-15"
    fresh_ids = {r["id"]: r for r in fresh.json("records", "list", "Grandpa Jo")}
    doses = [r for r in fresh_ids.values() if r["kind"] == "medication_dose"]
    assert sorted(d["data"]["status"] for d in doses) == ["skipped", "taken"]
    for dose in doses:
        assert fresh_ids[dose["data"]["medication_id"]]["data"]["name"] == "Metformin 500 mg"
    zoe = fresh.json("records", "list", "Zoë")
    assert {"title": "Fièvre", "text": "Slept badly — 🌡️"} in [r["data"] for r in zoe]


def test_csv_from_another_app_with_readable_columns(device: Device, tmp_path: Path) -> None:
    sheet = tmp_path / "other-app.csv"
    sheet.write_text(
        "profile,kind,occurred_at,type,name,value,unit,text\n"
        "Mum,health_data,2026-03-01T08:00:00Z,blood_pressure,,130/85,,\n"
        "Mum,health_data,2026-03-01T08:05:00+01:00,weight,,71.5,kg,\n"
        "Mum,lab_result,2026-03-02T09:00:00Z,,Ferritin,45,ug/L,\n"
        "Mum,note,2026-03-03T10:00:00Z,,Pharmacy,,,Ask about generics\n",
        encoding="utf-8",
    )
    assert "Imported 4 new records" in device.ok("import", str(sheet))
    assert "Imported 0 new records (4 already present)" in device.ok("import", str(sheet))
    data = {r["occurred_at"]: r["data"] for r in device.json("records", "list", "Mum")}
    assert data == {
        "2026-03-01T08:00:00.000Z": {
            "type": "blood_pressure",
            "systolic": 130,
            "diastolic": 85,
            "unit": "mm[Hg]",
        },
        "2026-03-01T07:05:00.000Z": {"type": "weight", "value": 71.5, "unit": "kg"},
        "2026-03-02T09:00:00.000Z": {"test": "Ferritin", "value": 45, "unit": "ug/L"},
        "2026-03-03T10:00:00.000Z": {"text": "Ask about generics", "title": "Pharmacy"},
    }


def test_bad_files_create_nothing(device: Device, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "profile,kind,occurred_at,type,value,unit\n"
        "Mum,health_data,2026-03-01T08:00:00Z,weight,70,kg\n"
        "Mum,health_data,2026-03-01T09:00:00Z,weight,7000,kg\n",
        encoding="utf-8",
    )
    line = device.fails("import", str(bad))
    assert "record 2" in line
    assert "outside" in line
    assert device.json("profiles", "list") == []
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "normogen-export", "version": 1, "profiles": [')
    assert "not valid JSON" in device.fails("import", str(broken))
    assert "cannot read" in device.fails("import", str(tmp_path / "missing.json"))
    encrypted = tmp_path / "encrypted.json"
    device.ok("export", "-o", str(encrypted))
    assert "export with --decrypted" in device.fails("import", str(encrypted))
    assert device.json("profiles", "list") == []


def test_encrypted_export_has_no_plaintext(device: Device, tmp_path: Path) -> None:
    device.ok("profiles", "add", "Secretname")
    device.ok("records", "add", "--kind", "note", "--text", "very private words")
    target = tmp_path / "encrypted.json"
    device.ok("export", "-o", str(target))
    text = target.read_text()
    assert json.loads(text)["format"] == "normogen-export"
    assert "very private words" not in text
    assert "Secretname" not in text
