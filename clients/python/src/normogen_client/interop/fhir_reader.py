"""FHIR R4 reader: a Bundle (ours or another system's) as an import document."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from normogen_client.interop.document import (
    ExportDocument,
    ExportProfile,
    ExportRecord,
    ImportFormatError,
    canonical_time,
)
from normogen_client.interop.fhir_writer import (
    CODE_FLAGS,
    LOINC_VITALS,
    PROFILE_EXTENSION,
    RECORD_EXTENSION,
)
from normogen_client.payloads import BP_COMPONENTS, LOINC_SYSTEM


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
    if loinc in LOINC_VITALS and quantity.get("value") is not None:
        data = {"type": LOINC_VITALS[loinc], "value": quantity["value"]}
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
