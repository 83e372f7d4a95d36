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
import {
  APPOINTMENT_STATUS_LABELS,
  GLUCOSE_CONTEXT_LABELS,
  LAB_FLAG_LABELS,
  MEDICATION_FORM_LABELS,
  optionLabel,
} from "../../domain/labels";
import { readMedication } from "../../domain/readers";
import { VITAL_UNITS, unitLabel } from "../../domain/units";
import { t } from "../../i18n";

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

const common: FieldSpec[] = [
  { name: "comment", get label() { return t("records.comment"); }, type: "textarea", get hint() { return t("records.optional_up_to_2_000_characters"); } },
  { name: "tags", get label() { return t("records.tags"); }, type: "text", get hint() { return t("records.optional_separated_by_commas_e_g"); } },
];

const when = (text = t("records.date_and_time")): FieldSpec => ({
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
          label: t("records.measurement"),
          type: "select",
          required: true,
          options: VITAL_TYPES.map((t) => [t, VITAL_LABELS[t]] as const),
        },
      ];
      if (units.length > 1) {
        fields.push({
          name: "unit",
          label: t("records.unit"),
          type: "select",
          required: true,
          options: units.map((x) => [x, unitLabel(x)] as const),
        });
      }
      if (type === "blood_pressure") {
        fields.push(
          { name: "systolic", label: t("records.systolic_u", { u: u }), type: "decimal", required: true, group: "bp" },
          { name: "diastolic", label: t("records.diastolic_u", { u: u }), type: "decimal", required: true, group: "bp" },
          { name: "pulse", label: t("records.pulse_bpm"), type: "decimal", group: "bp" },
        );
      } else {
        fields.push({ name: "value", label: `${VITAL_LABELS[type]} (${u})`, type: "decimal", required: true });
      }
      if (type === "glucose") {
        fields.push({
          name: "context",
          label: t("records.context"),
          type: "select",
          options: [["", t("records.not_stated")], ...GLUCOSE_CONTEXTS.map((c) => [c, optionLabel(GLUCOSE_CONTEXT_LABELS, c)] as const)],
        });
      }
      return [...fields, when(t("records.measured_at")), ...common];
    }
    case "lab_result":
      return [
        { name: "test", label: t("records.test"), type: "text", required: true, hint: t("records.as_printed_on_the_report_e") },
        { name: "result", label: t("records.result_2"), type: "text", required: true, hint: t("records.a_number_or_text_such_as"), group: "value" },
        { name: "unit", label: t("records.unit"), type: "text", hint: t("records.ucum_e_g_mmol_l_g"), group: "value" },
        { name: "ref_low", label: t("records.reference_low"), type: "decimal", group: "ref" },
        { name: "ref_high", label: t("records.reference_high"), type: "decimal", group: "ref" },
        { name: "ref_text", label: t("records.reference_range_text"), type: "text", hint: t("records.when_the_range_is_not_numeric") },
        {
          name: "flag",
          label: t("records.flag"),
          type: "select",
          options: [["", t("records.work_it_out_from_the_range")], ...LAB_FLAGS.map((f) => [f, optionLabel(LAB_FLAG_LABELS, f)] as const)],
        },
        { name: "panel", label: t("records.panel"), type: "text", hint: t("records.groups_results_of_one_report_e") },
        { name: "loinc", label: label("loinc"), type: "text", hint: t("records.optional_e_g_4548_4") },
        { name: "laboratory", label: t("records.laboratory"), type: "text" },
        when(t("records.sample_taken_at")),
        ...common,
      ];
    case "medication": {
      const fields: FieldSpec[] = [
        { name: "name", label: t("records.name"), type: "text", required: true },
        { name: "strength", label: t("records.strength"), type: "text", hint: "e.g. 5 mg", group: "strength" },
        { name: "dose", label: t("records.dose"), type: "text", hint: t("records.one_intake_e_g_1_tablet"), group: "strength" },
        {
          name: "form",
          label: t("records.form"),
          type: "select",
          options: [["", t("records.not_stated")], ...MEDICATION_FORMS.map((f) => [f, optionLabel(MEDICATION_FORM_LABELS, f)] as const)],
        },
        {
          name: "schedule_kind",
          label: t("records.schedule"),
          type: "select",
          required: true,
          options: [
            ["daily", t("records.every_day")],
            ["weekly", t("records.on_some_weekdays")],
            ["as_needed", t("records.as_needed")],
          ],
        },
      ];
      if (values.schedule_kind === "weekly") {
        fields.push({ name: "days", label: t("records.days"), type: "days", required: true });
      }
      if (values.schedule_kind !== "as_needed") {
        fields.push({ name: "times", label: t("records.times"), type: "times", required: true });
      }
      fields.push(
        { name: "started_on", label: t("records.started_on"), type: "date", group: "dates" },
        { name: "stopped_on", label: t("records.stopped_on"), type: "date", group: "dates", hint: t("records.leave_empty_while_still_taken") },
        { name: "instructions", label: t("records.instructions"), type: "text", hint: t("records.e_g_with_food") },
        { name: "reason", label: t("records.reason"), type: "text", hint: t("records.what_it_is_for") },
        { name: "prescriber", label: t("records.prescriber"), type: "text" },
        ...common,
      );
      return fields;
    }
    case "medication_dose":
      return [
        {
          name: "medication_id",
          label: t("records.medication"),
          type: "select",
          required: true,
          options: [
            ["", t("records.choose_a_medication")],
            ...medications.map((m) => [m.id, readMedication(m.data)?.name ?? t("records.medication")] as const),
          ],
        },
        {
          name: "status",
          label: t("records.status"),
          type: "select",
          required: true,
          options: [
            ["taken", t("records.taken")],
            ["skipped", t("records.skipped")],
          ],
        },
        when(t("records.taken_at")),
        { name: "dose", label: t("records.dose"), type: "text", hint: t("records.only_when_it_differs_from_the") },
        { name: "reason", label: t("records.reason"), type: "text", hint: t("records.why_it_was_skipped") },
        ...common,
      ];
    case "appointment":
      return [
        { name: "title", label: t("records.title"), type: "text", required: true, hint: t("records.e_g_cardiology_follow_up") },
        when(t("records.starts_at")),
        { name: "duration_minutes", label: t("records.duration_minutes"), type: "integer" },
        { name: "with", label: t("records.with"), type: "text", hint: t("records.the_practitioner_or_service") },
        { name: "location", label: t("records.location"), type: "text" },
        {
          name: "status",
          label: t("records.status"),
          type: "select",
          options: APPOINTMENT_STATUSES.map((s) => [s, optionLabel(APPOINTMENT_STATUS_LABELS, s)] as const),
        },
        { name: "notes", label: t("records.notes"), type: "textarea" },
        ...common,
      ];
    case "note":
      return [
        { name: "title", label: t("records.title"), type: "text" },
        { name: "text", label: t("records.text"), type: "textarea", required: true },
        when(t("records.date")),
        ...common,
      ];
  }
}
