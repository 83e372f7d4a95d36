/**
 * Tolerant readers of decrypted `data` objects (docs/records.md): a record written by another
 * client may lack optional fields or carry unknown ones; a reader returns the typed view, or
 * null when a required field is missing, and never throws.
 */

import type {
  AppointmentData,
  HealthData,
  JsonObject,
  LabFlag,
  LabResultData,
  MedicationData,
  MedicationDoseData,
  NoteData,
  Schedule,
  Weekday,
} from "./kinds";
import {
  APPOINTMENT_STATUSES,
  GLUCOSE_CONTEXTS,
  LAB_FLAGS,
  MEDICATION_FORMS,
  VITAL_TYPES,
  WEEKDAYS,
} from "./kinds";
import { isTimeOfDay } from "./time";

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function oneOf<T extends string>(options: readonly T[], value: unknown): T | null {
  return typeof value === "string" && (options as readonly string[]).includes(value)
    ? (value as T)
    : null;
}

export function readHealthData(data: JsonObject): HealthData | null {
  const type = oneOf(VITAL_TYPES, data.type);
  const unit = str(data.unit);
  if (type === null || unit === null) return null;
  const comment = str(data.comment);
  if (type === "blood_pressure") {
    const systolic = num(data.systolic);
    const diastolic = num(data.diastolic);
    if (systolic === null || diastolic === null) return null;
    return { type, systolic, diastolic, pulse: num(data.pulse), unit, comment };
  }
  const value = num(data.value);
  if (value === null) return null;
  const context = type === "glucose" ? oneOf(GLUCOSE_CONTEXTS, data.context) : null;
  return { type, value, unit, context, comment };
}

export function readSchedule(value: unknown): Schedule | null {
  if (!isObject(value)) return null;
  const times = Array.isArray(value.times)
    ? value.times.filter((t): t is string => typeof t === "string" && isTimeOfDay(t))
    : [];
  switch (value.kind) {
    case "daily":
      return { kind: "daily", times };
    case "weekly": {
      const days = Array.isArray(value.days)
        ? value.days.filter((d): d is Weekday => oneOf(WEEKDAYS, d) !== null)
        : [];
      return { kind: "weekly", days, times };
    }
    case "as_needed":
      return { kind: "as_needed" };
    default:
      return null;
  }
}

export function readMedication(data: JsonObject): MedicationData | null {
  const name = str(data.name);
  const schedule = readSchedule(data.schedule);
  if (name === null || schedule === null) return null;
  return {
    name,
    schedule,
    strength: str(data.strength),
    form: oneOf(MEDICATION_FORMS, data.form),
    dose: str(data.dose),
    started_on: str(data.started_on),
    stopped_on: str(data.stopped_on),
    instructions: str(data.instructions),
    prescriber: str(data.prescriber),
    reason: str(data.reason),
    comment: str(data.comment),
  };
}

export function readDose(data: JsonObject): MedicationDoseData | null {
  const medicationId = str(data.medication_id);
  const status = oneOf(["taken", "skipped"] as const, data.status);
  if (medicationId === null || status === null) return null;
  return {
    medication_id: medicationId,
    status,
    scheduled_for: str(data.scheduled_for),
    dose: str(data.dose),
    reason: str(data.reason),
    comment: str(data.comment),
  };
}

/**
 * The flag a lab result shows: its own `flag`, else derived from its value and reference
 * bounds (docs/records.md: `low` below low, `high` above high, else `normal`), else null. A
 * range with only one bound (LDL: high 3.0) is read by that bound, so 3.1 is `high`.
 */
export function labFlag(result: LabResultData): LabFlag | null {
  if (result.flag !== null && result.flag !== undefined) return result.flag;
  const value = result.value;
  const low = result.reference_range?.low;
  const high = result.reference_range?.high;
  const hasLow = typeof low === "number";
  const hasHigh = typeof high === "number";
  if (typeof value !== "number" || (!hasLow && !hasHigh)) return null;
  if (hasLow && value < low) return "low";
  if (hasHigh && value > high) return "high";
  return "normal";
}

export function readLabResult(data: JsonObject): LabResultData | null {
  const test = str(data.test);
  if (test === null) return null;
  const range = isObject(data.reference_range) ? data.reference_range : null;
  return {
    test,
    loinc: str(data.loinc),
    value: num(data.value),
    value_text: str(data.value_text),
    unit: str(data.unit),
    reference_range:
      range === null
        ? null
        : { low: num(range.low), high: num(range.high), text: str(range.text) },
    flag: oneOf(LAB_FLAGS, data.flag),
    panel: str(data.panel),
    laboratory: str(data.laboratory),
    comment: str(data.comment),
  };
}

export function readAppointment(data: JsonObject): AppointmentData | null {
  const title = str(data.title);
  if (title === null) return null;
  const duration = num(data.duration_minutes);
  return {
    title,
    duration_minutes: duration,
    location: str(data.location),
    with: str(data.with),
    status: oneOf(APPOINTMENT_STATUSES, data.status) ?? "booked",
    notes: str(data.notes),
    comment: str(data.comment),
  };
}

export function readNote(data: JsonObject): NoteData | null {
  const text = str(data.text);
  if (text === null) return null;
  return { title: str(data.title), text, comment: str(data.comment) };
}
