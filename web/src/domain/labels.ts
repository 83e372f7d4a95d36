/** The words shown for the enum values records hold (docs/records.md), in the interface language. */

import type { AppointmentStatus, DoseStatus, GlucoseContext, LabFlag, MedicationForm, Weekday } from "./kinds";
import { VITAL_LABELS } from "./kinds";
import { unitLabel } from "./units";
import { t } from "../i18n";

export const GLUCOSE_CONTEXT_LABELS: Record<GlucoseContext, string> = {
  get fasting() { return t("domain.context_fasting"); },
  get before_meal() { return t("domain.context_before_meal"); },
  get after_meal() { return t("domain.context_after_meal"); },
  get bedtime() { return t("domain.context_bedtime"); },
  get random() { return t("domain.context_random"); },
};

export const LAB_FLAG_LABELS: Record<LabFlag, string> = {
  get normal() { return t("domain.flag_normal"); },
  get low() { return t("domain.flag_low"); },
  get high() { return t("domain.flag_high"); },
  get critical_low() { return t("domain.critically_low"); },
  get critical_high() { return t("domain.critically_high"); },
  get abnormal() { return t("domain.flag_abnormal"); },
};

export const MEDICATION_FORM_LABELS: Record<MedicationForm, string> = {
  get tablet() { return t("domain.form_tablet"); },
  get capsule() { return t("domain.form_capsule"); },
  get liquid() { return t("domain.form_liquid"); },
  get inhaler() { return t("domain.form_inhaler"); },
  get injection() { return t("domain.form_injection"); },
  get patch() { return t("domain.form_patch"); },
  get drops() { return t("domain.form_drops"); },
  get cream() { return t("domain.form_cream"); },
  get other() { return t("domain.form_other"); },
};

export const DOSE_STATUS_LABELS: Record<DoseStatus, string> = {
  get taken() { return t("domain.dose_taken"); },
  get skipped() { return t("domain.dose_skipped"); },
};

export const APPOINTMENT_STATUS_LABELS: Record<AppointmentStatus, string> = {
  get booked() { return t("domain.appointment_booked"); },
  get cancelled() { return t("domain.appointment_cancelled"); },
  get fulfilled() { return t("domain.appointment_fulfilled"); },
};

/** Weekdays, short ("Mon"), as schedules list them. */
export const WEEKDAY_SHORT_LABELS: Record<Weekday, string> = {
  get mon() { return t("domain.mon"); },
  get tue() { return t("domain.tue"); },
  get wed() { return t("domain.wed"); },
  get thu() { return t("domain.thu"); },
  get fri() { return t("domain.fri"); },
  get sat() { return t("domain.sat"); },
  get sun() { return t("domain.sun"); },
};

/** The label of `value` in `labels`; a value this app does not know is shown as written. */
export function enumLabel(labels: Readonly<Record<string, string>>, value: string): string {
  return Object.hasOwn(labels, value) ? (labels[value] ?? value) : value;
}

/** Capitalised, for option lists ("Before a meal"). */
export function optionLabel(labels: Readonly<Record<string, string>>, value: string): string {
  const s = enumLabel(labels, value);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Comma-separated weekday codes (`mon,thu`) as short day names. */
export function weekdaysLabel(days: readonly string[]): string {
  return days.map((d) => enumLabel(WEEKDAY_SHORT_LABELS, d)).join(", ");
}

/**
 * A form value of a record as the detail view shows it (RecordDetail.tsx): enum codes as
 * words, units by their symbols; free text and numbers unchanged. `kind` tells the two
 * `status` fields apart.
 */
export function fieldValueLabel(kind: string, field: string, value: string): string {
  switch (field) {
    case "type":
      return enumLabel(VITAL_LABELS, value);
    case "context":
      return optionLabel(GLUCOSE_CONTEXT_LABELS, value);
    case "flag":
      return optionLabel(LAB_FLAG_LABELS, value);
    case "form":
      return optionLabel(MEDICATION_FORM_LABELS, value);
    case "status":
      return optionLabel(kind === "appointment" ? APPOINTMENT_STATUS_LABELS : DOSE_STATUS_LABELS, value);
    case "days":
      return weekdaysLabel(value.split(",").filter(Boolean));
    case "unit":
      return unitLabel(value);
    default:
      return value;
  }
}
