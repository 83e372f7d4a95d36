"""FHIR R4 writer: an export document as a `collection` Bundle (mapping in interop/fhir.py)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from normogen_client.interop.document import (
    ExportDocument,
    ExportRecord,
)
from normogen_client.payloads import (
    BP_COMPONENTS,
    LOINC_SYSTEM,
    UCUM_SYSTEM,
    VITALS,
    unit_label,
    vital_loinc,
)
from normogen_client.records import parse_time, wire_time

RECORD_EXTENSION = "urn:normogen:record"
PROFILE_EXTENSION = "urn:normogen:profile"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
FLAG_CODES = {
    "normal": "N",
    "low": "L",
    "high": "H",
    "critical_low": "LL",
    "critical_high": "HH",
    "abnormal": "A",
}
CODE_FLAGS = {code: flag for flag, code in FLAG_CODES.items()}
LOINC_VITALS = {code: name for name, vital in VITALS.items() for code in vital.loinc.values()}


def _ref(resource_id: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource_id}"}


def _extension(url: str, value: Any) -> list[dict[str, str]]:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return [{"url": url, "valueString": text}]


def _quantity(value: Any, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit_label(unit), "system": UCUM_SYSTEM, "code": unit}


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY_SYSTEM, "code": code}]}]


def _notes(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"note": [{"text": data["comment"]}]} if data.get("comment") else {}


def _vital(data: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(data.get("type"))
    vital = VITALS.get(kind)
    unit = str(data.get("unit") or (vital.units[0] if vital else ""))
    code = vital_loinc(data)
    concept: dict[str, Any] = {"text": vital.display if vital else kind}
    if code:
        concept["coding"] = [{"system": LOINC_SYSTEM, "code": code, "display": concept["text"]}]
    body: dict[str, Any] = {"category": _category("vital-signs"), "code": concept}
    if kind == "blood_pressure":
        body["component"] = [
            {
                "code": {"coding": [{"system": LOINC_SYSTEM, "code": loinc}], "text": name},
                "valueQuantity": _quantity(
                    data[name], "/min" if name == "pulse" else unit or "mm[Hg]"
                ),
            }
            for name, loinc in BP_COMPONENTS.items()
            if data.get(name) is not None
        ]
    elif data.get("value") is not None:
        body["valueQuantity"] = _quantity(data["value"], unit)
    return body


def _lab(data: Mapping[str, Any]) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": str(data.get("test"))}
    if data.get("loinc"):
        concept["coding"] = [{"system": LOINC_SYSTEM, "code": data["loinc"]}]
    body: dict[str, Any] = {"category": _category("laboratory"), "code": concept}
    if data.get("value") is not None:
        body["valueQuantity"] = _quantity(data["value"], str(data.get("unit") or ""))
    elif data.get("value_text") is not None:
        body["valueString"] = str(data["value_text"])
    reference = data.get("reference_range") or {}
    if reference:
        bounds: dict[str, Any] = {}
        for side in ("low", "high"):
            if reference.get(side) is not None:
                bounds[side] = _quantity(reference[side], str(data.get("unit") or ""))
        if reference.get("text"):
            bounds["text"] = str(reference["text"])
        body["referenceRange"] = [bounds]
    if data.get("flag") in FLAG_CODES:
        coding = {"system": INTERPRETATION_SYSTEM, "code": FLAG_CODES[data["flag"]]}
        body["interpretation"] = [{"coding": [coding]}]
    if data.get("laboratory"):
        body["performer"] = [{"display": str(data["laboratory"])}]
    return body


def _observation(record: ExportRecord, patient: str) -> dict[str, Any]:
    data = record.data if isinstance(record.data, dict) else {}
    body = _vital(data) if record.kind == "health_data" else _lab(data)
    return {
        "resourceType": "Observation",
        "status": "final",
        **body,
        "subject": _ref(patient),
        "effectiveDateTime": record.occurred_at,
        **_notes(data),
    }


def _timing(schedule: Mapping[str, Any]) -> dict[str, Any]:
    times = [f"{t}:00" for t in schedule.get("times") or []]
    repeat: dict[str, Any] = {"timeOfDay": times} if times else {}
    if schedule.get("kind") == "weekly":
        repeat["dayOfWeek"] = list(schedule.get("days") or [])
    return {"repeat": repeat} if repeat else {}


def _medication(record: ExportRecord, patient: str) -> dict[str, Any]:
    data = record.data if isinstance(record.data, dict) else {}
    name = " ".join(str(p) for p in (data.get("name"), data.get("strength")) if p)
    schedule = data.get("schedule") or {}
    dosage: dict[str, Any] = {"asNeededBoolean": schedule.get("kind") == "as_needed"}
    text = "; ".join(str(p) for p in (data.get("dose"), data.get("instructions")) if p)
    if text:
        dosage["text"] = text
    timing = _timing(schedule)
    if timing:
        dosage["timing"] = timing
    body: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "status": "completed" if data.get("stopped_on") else "active",
        "medicationCodeableConcept": {"text": name or "medication"},
        "subject": _ref(patient),
        "dosage": [dosage],
    }
    if data.get("started_on"):
        period = {"start": data["started_on"]}
        if data.get("stopped_on"):
            period["end"] = data["stopped_on"]
        body["effectivePeriod"] = period
    else:
        body["effectiveDateTime"] = record.occurred_at
    if data.get("reason"):
        body["reasonCode"] = [{"text": str(data["reason"])}]
    if data.get("prescriber"):
        body["informationSource"] = {"display": str(data["prescriber"])}
    return body | _notes(data)


def _dose(record: ExportRecord, patient: str, names: Mapping[str, str]) -> dict[str, Any]:
    data = record.data if isinstance(record.data, dict) else {}
    medication = str(data.get("medication_id") or "")
    body: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "status": "completed" if data.get("status") == "taken" else "not-done",
        "medicationCodeableConcept": {"text": names.get(medication, "medication")},
        "subject": _ref(patient),
        "effectiveDateTime": record.occurred_at,
    }
    if medication in names:
        body["supportingInformation"] = [_ref(medication)]
    if data.get("reason"):
        body["statusReason"] = [{"text": str(data["reason"])}]
    if data.get("dose"):
        body["dosage"] = {"text": str(data["dose"])}
    return body | _notes(data)


def _appointment(record: ExportRecord, patient: str) -> dict[str, Any]:
    data = record.data if isinstance(record.data, dict) else {}
    participants: list[dict[str, Any]] = [{"actor": _ref(patient), "status": "accepted"}]
    if data.get("with"):
        actor = {"display": str(data["with"]), "type": "Practitioner"}
        participants.append({"actor": actor, "status": "accepted"})
    if data.get("location"):
        actor = {"display": str(data["location"]), "type": "Location"}
        participants.append({"actor": actor, "status": "accepted"})
    body: dict[str, Any] = {
        "resourceType": "Appointment",
        "status": data.get("status") or "booked",
        "description": str(data.get("title")),
        "start": record.occurred_at,
        "participant": participants,
    }
    if data.get("duration_minutes"):
        minutes = int(data["duration_minutes"])
        body["minutesDuration"] = minutes
        body["end"] = wire_time(parse_time(record.occurred_at) + timedelta(minutes=minutes))
    if data.get("notes"):
        body["comment"] = str(data["notes"])
    return body


def _note(record: ExportRecord, patient: str) -> dict[str, Any]:
    data = record.data if isinstance(record.data, dict) else {}
    text = str(data.get("text") or "")
    attachment: dict[str, Any] = {
        "contentType": "text/plain; charset=utf-8",
        "data": base64.b64encode(text.encode("utf-8")).decode(),
    }
    if data.get("title"):
        attachment["title"] = str(data["title"])
    body: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "status": "current",
        "subject": _ref(patient),
        "date": record.occurred_at,
        "content": [{"attachment": attachment}],
    }
    if data.get("title"):
        body["description"] = str(data["title"])
    return body


def to_bundle(document: ExportDocument) -> dict[str, Any]:
    """The document as a FHIR R4 `collection` Bundle (JSON)."""
    entries: list[dict[str, Any]] = []
    for index, profile in enumerate(document.profiles):
        patient_id = profile.id or f"00000000-0000-4000-8000-{index:012d}"
        patient: dict[str, Any] = {
            "resourceType": "Patient",
            "id": patient_id,
            "extension": _extension(
                PROFILE_EXTENSION,
                {"profile_type": profile.profile_type, "metadata": profile.metadata},
            ),
            "name": [{"text": profile.name}],
        }
        if isinstance(profile.metadata.get("birth_date"), str):
            patient["birthDate"] = profile.metadata["birth_date"]
        entries.append({"fullUrl": f"urn:uuid:{patient_id}", "resource": patient})
        names = {
            r.id: str(r.data.get("name"))
            for r in profile.records
            if r.kind == "medication" and r.id and isinstance(r.data, dict)
        }
        for r_index, record in enumerate(profile.records):
            if record.kind in ("health_data", "lab_result"):
                resource = _observation(record, patient_id)
            elif record.kind == "medication":
                resource = _medication(record, patient_id)
            elif record.kind == "medication_dose":
                resource = _dose(record, patient_id, names)
            elif record.kind == "appointment":
                resource = _appointment(record, patient_id)
            else:
                resource = _note(record, patient_id)
            record_id = record.id or f"{patient_id[:24]}{r_index:012d}"
            exact = {k: v for k, v in record.to_json().items() if k != "id"}
            resource = {
                "resourceType": resource.pop("resourceType"),
                "id": record_id,
                "extension": _extension(RECORD_EXTENSION, exact),
                **resource,
            }
            entries.append({"fullUrl": f"urn:uuid:{record_id}", "resource": resource})
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": document.exported_at,
        "entry": entries,
    }
