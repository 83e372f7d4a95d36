/** The plaintext `data` of every record kind, as docs/records.md defines it. */

import { t } from "../i18n";
export const RECORD_KINDS = [
  "health_data",
  "lab_result",
  "medication",
  "medication_dose",
  "appointment",
  "note",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** A JSON object as it comes out of a decrypted payload; unknown keys are kept on edit. */
export type JsonObject = Record<string, unknown>;

export const VITAL_TYPES = [
  "blood_pressure",
  "weight",
  "heart_rate",
  "glucose",
  "temperature",
] as const;
export type VitalType = (typeof VITAL_TYPES)[number];

export const GLUCOSE_CONTEXTS = [
  "fasting",
  "before_meal",
  "after_meal",
  "bedtime",
  "random",
] as const;
export type GlucoseContext = (typeof GLUCOSE_CONTEXTS)[number];

export interface BloodPressureData {
  type: "blood_pressure";
  systolic: number;
  diastolic: number;
  pulse?: number | null;
  unit: string;
  comment?: string | null;
}

export interface SingleVitalData {
  type: "weight" | "heart_rate" | "glucose" | "temperature";
  value: number;
  unit: string;
  context?: GlucoseContext | null;
  comment?: string | null;
}

export type HealthData = BloodPressureData | SingleVitalData;

export const LAB_FLAGS = [
  "normal",
  "low",
  "high",
  "critical_low",
  "critical_high",
  "abnormal",
] as const;
export type LabFlag = (typeof LAB_FLAGS)[number];

export interface ReferenceRange {
  low?: number | null;
  high?: number | null;
  text?: string | null;
}

export interface LabResultData {
  test: string;
  loinc?: string | null;
  value?: number | null;
  value_text?: string | null;
  unit?: string | null;
  reference_range?: ReferenceRange | null;
  flag?: LabFlag | null;
  panel?: string | null;
  laboratory?: string | null;
  comment?: string | null;
}

export const MEDICATION_FORMS = [
  "tablet",
  "capsule",
  "liquid",
  "inhaler",
  "injection",
  "patch",
  "drops",
  "cream",
  "other",
] as const;
export type MedicationForm = (typeof MEDICATION_FORMS)[number];

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Schedule =
  | { kind: "daily"; times: string[] }
  | { kind: "weekly"; days: Weekday[]; times: string[] }
  | { kind: "as_needed" };

export interface MedicationData {
  name: string;
  strength?: string | null;
  form?: MedicationForm | null;
  dose?: string | null;
  schedule: Schedule;
  started_on?: string | null;
  stopped_on?: string | null;
  instructions?: string | null;
  prescriber?: string | null;
  reason?: string | null;
  comment?: string | null;
}

export const DOSE_STATUSES = ["taken", "skipped"] as const;
export type DoseStatus = (typeof DOSE_STATUSES)[number];

export interface MedicationDoseData {
  medication_id: string;
  status: DoseStatus;
  scheduled_for?: string | null;
  dose?: string | null;
  reason?: string | null;
  comment?: string | null;
}

export const APPOINTMENT_STATUSES = ["booked", "cancelled", "fulfilled"] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export interface AppointmentData {
  title: string;
  duration_minutes?: number | null;
  location?: string | null;
  with?: string | null;
  status?: AppointmentStatus | null;
  notes?: string | null;
  comment?: string | null;
}

export interface NoteData {
  title?: string | null;
  text: string;
  comment?: string | null;
}

export interface KindData {
  health_data: HealthData;
  lab_result: LabResultData;
  medication: MedicationData;
  medication_dose: MedicationDoseData;
  appointment: AppointmentData;
  note: NoteData;
}

/**
 * A decrypted record as the UI holds it. `data` is whatever the payload held (it is shaped by
 * `kind` when written by a conforming client, but read tolerantly: see `readers.ts`).
 */
export interface HealthRecord<K extends RecordKind = RecordKind> {
  id: string;
  profileId: string;
  kind: K;
  occurredAt: string;
  data: JsonObject;
  tags: string[];
  revision: number;
  updatedAt: string;
  source: string | null;
}

export const KIND_LABELS: Record<RecordKind, string> = {
  get health_data() { return t("domain.vitals"); },
  get lab_result() { return t("domain.lab_result"); },
  get medication() { return t("domain.medication"); },
  get medication_dose() { return t("domain.dose"); },
  get appointment() { return t("domain.appointment"); },
  get note() { return t("domain.note"); },
};

export const VITAL_LABELS: Record<VitalType, string> = {
  get blood_pressure() { return t("domain.blood_pressure"); },
  get weight() { return t("domain.weight"); },
  get heart_rate() { return t("domain.heart_rate"); },
  get glucose() { return t("domain.glucose"); },
  get temperature() { return t("domain.temperature"); },
};

export function isRecordKind(value: unknown): value is RecordKind {
  return typeof value === "string" && (RECORD_KINDS as readonly string[]).includes(value);
}
