"""FHIR R4: a `collection` Bundle of Patient, Observation, MedicationStatement,
MedicationAdministration, Appointment and DocumentReference (notes) resources, and back.

Mapping (docs/records.md gives the LOINC codes and UCUM units):

- profile → `Patient` (name; `birthDate` from metadata `birth_date`);
- `health_data` → vital-signs `Observation` (blood pressure: panel 85354-9 with systolic and
  diastolic components, pulse as a third); `lab_result` → laboratory `Observation` with the
  LOINC coding when known, `referenceRange` and `interpretation` (v3 codes N/L/H/LL/HH/A);
- `medication` → `MedicationStatement` (dosage timing from the schedule); `medication_dose` →
  `MedicationAdministration` (`completed` / `not-done`, `supportingInformation` → statement);
- `appointment` → `Appointment`; `note` → `DocumentReference` (text/plain attachment).

Every resource also carries the exact Normogen record (extension `urn:normogen:record`), so a
Normogen → FHIR → Normogen trip loses nothing; bundles from other systems import through the
mapping alone.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from normogen_client.interop.document import (
    ExportDocument,
    ExportProfile,
    ExportRecord,
    ImportFormatError,
    canonical_time,
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
_LOINC_VITALS = {code: name for name, vital in VITALS.items() for code in vital.loinc.values()}


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


# --- export ----------------------------------------------------------------------------------


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


# --- import ----------------------------------------------------------------------------------


def _own_extension(resource: Mapping[str, Any], url: str) -> Any:
    for extension in resource.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == url:
            try:
                return json.loads(str(extension.get("valueString")))
            except ValueError:
                return None
    return None


def _ref_id(reference: Any) -> str | None:
    if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
        return None
    text = reference["reference"]
    return str(text.removeprefix("urn:uuid:").rpartition("/")[2])


def _concept_text(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return str(coding["display"])
    return ""


def _loinc(concept: Any) -> str | None:
    for coding in (concept or {}).get("coding") or []:
        if coding.get("system") == LOINC_SYSTEM and coding.get("code"):
            return str(coding["code"])
    return None


def _unit(quantity: Mapping[str, Any]) -> str:
    return str(quantity.get("code") or quantity.get("unit") or "")


def _observation_data(resource: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    code = resource.get("code") or {}
    loinc = _loinc(code)
    quantity = resource.get("valueQuantity") or {}
    if loinc == "85354-9":
        data: dict[str, Any] = {"type": "blood_pressure", "unit": "mm[Hg]"}
        for component in resource.get("component") or []:
            name = {v: k for k, v in BP_COMPONENTS.items()}.get(_loinc(component.get("code")) or "")
            value = (component.get("valueQuantity") or {}).get("value")
            if name and value is not None:
                data[name] = value
        return "health_data", data
    if loinc in _LOINC_VITALS and quantity.get("value") is not None:
        data = {"type": _LOINC_VITALS[loinc], "value": quantity["value"]}
        if _unit(quantity):
            data["unit"] = _unit(quantity)
        return "health_data", data
    data = {"test": _concept_text(code) or loinc or "result"}
    if loinc:
        data["loinc"] = loinc
    if quantity.get("value") is not None:
        data |= {"value": quantity["value"], "unit": _unit(quantity)}
    else:
        data["value_text"] = str(
            resource.get("valueString") or _concept_text(resource.get("valueCodeableConcept"))
        )
    for bounds in (resource.get("referenceRange") or [])[:1]:
        reference = {
            side: bounds[side]["value"]
            for side in ("low", "high")
            if isinstance(bounds.get(side), dict) and bounds[side].get("value") is not None
        }
        if bounds.get("text"):
            reference["text"] = bounds["text"]
        if reference:
            data["reference_range"] = reference
    for concept in resource.get("interpretation") or []:
        for coding in concept.get("coding") or []:
            if coding.get("code") in CODE_FLAGS:
                data["flag"] = CODE_FLAGS[coding["code"]]
    return "lab_result", data


def _schedule_of(dosage: Mapping[str, Any]) -> dict[str, Any]:
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    times = sorted({str(t)[:5] for t in repeat.get("timeOfDay") or []})
    if dosage.get("asNeededBoolean") or not times:
        return {"kind": "as_needed"}
    if repeat.get("dayOfWeek"):
        return {"kind": "weekly", "days": list(repeat["dayOfWeek"]), "times": times}
    return {"kind": "daily", "times": times}


def _mapped(resource: Mapping[str, Any]) -> tuple[str, dict[str, Any], str | None] | None:
    """(kind, data, occurred_at) of a resource from any FHIR system; None if not mapped."""
    kind_of = resource.get("resourceType")
    if kind_of == "Observation":
        kind, data = _observation_data(resource)
        return kind, data, resource.get("effectiveDateTime") or resource.get("issued")
    if kind_of == "MedicationStatement":
        dosage = (resource.get("dosage") or [{}])[0]
        data = {"name": _concept_text(resource.get("medicationCodeableConcept")) or "medication"}
        data["schedule"] = _schedule_of(dosage)
        if dosage.get("text"):
            data["dose"] = dosage["text"]
        period = resource.get("effectivePeriod") or {}
        if period.get("start"):
            data["started_on"] = str(period["start"])[:10]
        if period.get("end"):
            data["stopped_on"] = str(period["end"])[:10]
        start = resource.get("effectiveDateTime") or (
            f"{data['started_on']}T00:00:00Z" if data.get("started_on") else None
        )
        return "medication", data, start or resource.get("dateAsserted")
    if kind_of == "MedicationAdministration":
        data = {"status": "taken" if resource.get("status") == "completed" else "skipped"}
        for reference in resource.get("supportingInformation") or []:
            if _ref_id(reference):
                data["medication_id"] = _ref_id(reference)
        reasons = resource.get("statusReason") or []
        if reasons and _concept_text(reasons[0]):
            data["reason"] = _concept_text(reasons[0])
        when = resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get(
            "start"
        )
        return "medication_dose", data, when
    if kind_of == "Appointment":
        data = {"title": resource.get("description") or "Appointment"}
        status = resource.get("status")
        data["status"] = status if status in ("booked", "cancelled", "fulfilled") else "booked"
        if resource.get("minutesDuration"):
            data["duration_minutes"] = int(resource["minutesDuration"])
        if resource.get("comment"):
            data["notes"] = resource["comment"]
        return "appointment", data, resource.get("start")
    if kind_of == "DocumentReference":
        attachment = ((resource.get("content") or [{}])[0]).get("attachment") or {}
        text = base64.b64decode(attachment.get("data") or "").decode("utf-8", "replace")
        data = {"text": text}
        title = attachment.get("title") or resource.get("description")
        if title:
            data["title"] = title
        return "note", data, resource.get("date")
    return None


def from_bundle(bundle: Any) -> ExportDocument:
    """A FHIR R4 Bundle (ours or another system's) as an import document."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ImportFormatError("not a FHIR Bundle")
    resources = [
        e["resource"] for e in bundle.get("entry") or [] if isinstance(e.get("resource"), dict)
    ]
    profiles: dict[str, ExportProfile] = {}
    for resource in resources:
        if resource.get("resourceType") != "Patient":
            continue
        own = _own_extension(resource, PROFILE_EXTENSION) or {}
        names = resource.get("name") or [{}]
        name = (
            names[0].get("text")
            or " ".join([*names[0].get("given", []), names[0].get("family", "")]).strip()
        )
        metadata = own.get("metadata") or {"name": name or "Imported patient"}
        if "birthDate" in resource and "metadata" not in own:
            metadata["birth_date"] = resource["birthDate"]
        profiles[str(resource.get("id"))] = ExportProfile(
            str(own.get("profile_type") or "other"), dict(metadata), id=resource.get("id")
        )
    for index, resource in enumerate(resources):
        if resource.get("resourceType") == "Patient":
            continue
        where = f"entry {resource.get('resourceType')}/{resource.get('id', index)}"
        patient = _ref_id(resource.get("subject")) or _ref_id(
            ((resource.get("participant") or [{}])[0]).get("actor")
        )
        if patient not in profiles:
            patient = "imported"
            profiles.setdefault(patient, ExportProfile("other", {"name": "Imported"}))
        own = _own_extension(resource, RECORD_EXTENSION)
        if isinstance(own, dict) and own.get("kind"):
            record = ExportRecord(
                kind=str(own["kind"]),
                occurred_at=canonical_time(str(own.get("occurred_at")), where),
                data=own.get("data"),
                tags=list(own.get("tags") or []),
                source=own.get("source"),
                id=resource.get("id"),
            )
        else:
            mapped = _mapped(resource)
            if mapped is None:
                continue  # a resource type this client does not keep
            kind, data, when = mapped
            if when is None:
                raise ImportFormatError(f"{where}: no date")
            text = str(when) if "T" in str(when) else f"{when}T00:00:00Z"
            record = ExportRecord(kind, canonical_time(text, where), data, id=resource.get("id"))
        profiles[patient].records.append(record)
    return ExportDocument(list(profiles.values()))
