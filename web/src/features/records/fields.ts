/** Which inputs each record kind's form shows, derived from what has been typed so far. */

import type { FormValues } from "../../domain/forms";
import { FIELD_LABELS } from "../../domain/forms";
import type { HealthRecord, RecordKind, VitalType } from "../../domain/kinds";
import {
  APPOINTMENT_STATUSES,
  GLUCOSE_CONTEXTS,
  LAB_FLAGS,
  MEDICATION_FORMS,
  VITAL_LABELS,
  VITAL_TYPES,
} from "../../domain/kinds";
import { readMedication } from "../../domain/readers";
import { VITAL_UNITS, unitLabel } from "../../domain/units";

export type FieldType =
  | "text"
  | "decimal"
  | "integer"
  | "select"
  | "datetime"
  | "date"
  | "textarea"
  | "times"
  | "days";

export interface FieldSpec {
  name: string;
  label: string;
  type: FieldType;
  required?: boolean;
  options?: readonly (readonly [string, string])[];
  hint?: string;
  autoComplete?: string;
  /** Fields sharing a row on wide screens. */
  group?: string;
}

function label(name: string): string {
  return FIELD_LABELS[name] ?? name;
}

function pretty(value: string): string {
  const s = value.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const common: FieldSpec[] = [
  { name: "comment", label: "Comment", type: "textarea", hint: "Optional, up to 2,000 characters." },
  { name: "tags", label: "Tags", type: "text", hint: "Optional, separated by commas (e.g. diabetes, school)." },
];

const when = (text = "Date and time"): FieldSpec => ({
  name: "occurred_at",
  label: text,
  type: "datetime",
  required: true,
});

export function fieldsFor(
  kind: RecordKind,
  values: FormValues,
  medications: readonly HealthRecord[] = [],
): FieldSpec[] {
  switch (kind) {
    case "health_data": {
      const type = (VITAL_TYPES as readonly string[]).includes(values.type ?? "")
        ? (values.type as VitalType)
        : "blood_pressure";
      const units = VITAL_UNITS[type];
      const u = unitLabel(values.unit !== undefined && values.unit !== "" ? values.unit : units[0]);
      const fields: FieldSpec[] = [
        {
          name: "type",
          label: "Measurement",
          type: "select",
          required: true,
          options: VITAL_TYPES.map((t) => [t, VITAL_LABELS[t]] as const),
        },
      ];
      if (units.length > 1) {
        fields.push({
          name: "unit",
          label: "Unit",
          type: "select",
          required: true,
          options: units.map((x) => [x, unitLabel(x)] as const),
        });
      }
      if (type === "blood_pressure") {
        fields.push(
          { name: "systolic", label: `Systolic (${u})`, type: "decimal", required: true, group: "bp" },
          { name: "diastolic", label: `Diastolic (${u})`, type: "decimal", required: true, group: "bp" },
          { name: "pulse", label: "Pulse (bpm)", type: "decimal", group: "bp" },
        );
      } else {
        fields.push({ name: "value", label: `${VITAL_LABELS[type]} (${u})`, type: "decimal", required: true });
      }
      if (type === "glucose") {
        fields.push({
          name: "context",
          label: "Context",
          type: "select",
          options: [["", "Not stated"], ...GLUCOSE_CONTEXTS.map((c) => [c, pretty(c)] as const)],
        });
      }
      return [...fields, when("Measured at"), ...common];
    }
    case "lab_result":
      return [
        { name: "test", label: "Test", type: "text", required: true, hint: "As printed on the report, e.g. HbA1c." },
        { name: "result", label: "Result", type: "text", required: true, hint: "A number, or text such as “positive”.", group: "value" },
        { name: "unit", label: "Unit", type: "text", hint: "UCUM, e.g. mmol/L, %, g/dL.", group: "value" },
        { name: "ref_low", label: "Reference low", type: "decimal", group: "ref" },
        { name: "ref_high", label: "Reference high", type: "decimal", group: "ref" },
        { name: "ref_text", label: "Reference range text", type: "text", hint: "When the range is not numeric, e.g. “negative”." },
        {
          name: "flag",
          label: "Flag",
          type: "select",
          options: [["", "Work it out from the range"], ...LAB_FLAGS.map((f) => [f, pretty(f)] as const)],
        },
        { name: "panel", label: "Panel", type: "text", hint: "Groups results of one report, e.g. Lipid panel." },
        { name: "loinc", label: label("loinc"), type: "text", hint: "Optional, e.g. 4548-4." },
        { name: "laboratory", label: "Laboratory", type: "text" },
        when("Sample taken at"),
        ...common,
      ];
    case "medication": {
      const fields: FieldSpec[] = [
        { name: "name", label: "Name", type: "text", required: true },
        { name: "strength", label: "Strength", type: "text", hint: "e.g. 5 mg", group: "strength" },
        { name: "dose", label: "Dose", type: "text", hint: "One intake, e.g. 1 tablet", group: "strength" },
        {
          name: "form",
          label: "Form",
          type: "select",
          options: [["", "Not stated"], ...MEDICATION_FORMS.map((f) => [f, pretty(f)] as const)],
        },
        {
          name: "schedule_kind",
          label: "Schedule",
          type: "select",
          required: true,
          options: [
            ["daily", "Every day"],
            ["weekly", "On some weekdays"],
            ["as_needed", "As needed"],
          ],
        },
      ];
      if (values.schedule_kind === "weekly") {
        fields.push({ name: "days", label: "Days", type: "days", required: true });
      }
      if (values.schedule_kind !== "as_needed") {
        fields.push({ name: "times", label: "Times", type: "times", required: true });
      }
      fields.push(
        { name: "started_on", label: "Started on", type: "date", group: "dates" },
        { name: "stopped_on", label: "Stopped on", type: "date", group: "dates", hint: "Leave empty while still taken." },
        { name: "instructions", label: "Instructions", type: "text", hint: "e.g. with food" },
        { name: "reason", label: "Reason", type: "text", hint: "What it is for" },
        { name: "prescriber", label: "Prescriber", type: "text" },
        ...common,
      );
      return fields;
    }
    case "medication_dose":
      return [
        {
          name: "medication_id",
          label: "Medication",
          type: "select",
          required: true,
          options: [
            ["", "Choose a medication"],
            ...medications.map((m) => [m.id, readMedication(m.data)?.name ?? "Medication"] as const),
          ],
        },
        {
          name: "status",
          label: "Status",
          type: "select",
          required: true,
          options: [
            ["taken", "Taken"],
            ["skipped", "Skipped"],
          ],
        },
        when("Taken at"),
        { name: "dose", label: "Dose", type: "text", hint: "Only when it differs from the usual dose." },
        { name: "reason", label: "Reason", type: "text", hint: "Why it was skipped." },
        ...common,
      ];
    case "appointment":
      return [
        { name: "title", label: "Title", type: "text", required: true, hint: "e.g. Cardiology follow-up" },
        when("Starts at"),
        { name: "duration_minutes", label: "Duration (minutes)", type: "integer" },
        { name: "with", label: "With", type: "text", hint: "The practitioner or service" },
        { name: "location", label: "Location", type: "text" },
        {
          name: "status",
          label: "Status",
          type: "select",
          options: APPOINTMENT_STATUSES.map((s) => [s, pretty(s)] as const),
        },
        { name: "notes", label: "Notes", type: "textarea" },
        ...common,
      ];
    case "note":
      return [
        { name: "title", label: "Title", type: "text" },
        { name: "text", label: "Text", type: "textarea", required: true },
        when("Date"),
        ...common,
      ];
  }
}
