/** A profile's timeline: filtering by kind and date range, day groups, one-line summaries. */

import type { HealthRecord, RecordKind } from "./kinds";
import { KIND_LABELS, VITAL_LABELS } from "./kinds";
import {
  labFlag,
  readAppointment,
  readDose,
  readHealthData,
  readLabResult,
  readMedication,
  readNote,
} from "./readers";
import {
  APPOINTMENT_STATUS_LABELS,
  DOSE_STATUS_LABELS,
  GLUCOSE_CONTEXT_LABELS,
  LAB_FLAG_LABELS,
  enumLabel,
  weekdaysLabel,
} from "./labels";
import { localDate, toMs } from "./time";
import { displayDigits, roundTo, unitLabel } from "./units";
import { t } from "../i18n";

export interface TimelineFilter {
  /** The kinds to show; empty or null shows every kind. */
  kinds: readonly RecordKind[] | null;
  /** First calendar day shown (inclusive, in the account's time zone), or null. */
  from: string | null;
  /** Last calendar day shown (inclusive), or null. */
  to: string | null;
  /** Free text matched against the summaries (case-insensitive), or empty. */
  text?: string;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, what `toISOString` writes: its text order is its time order. */
function canonicalUtc(instant: string): boolean {
  return instant.length === 24 && instant.charCodeAt(23) === 90 /* Z */ && instant.charCodeAt(10) === 84 /* T */;
}

/**
 * Newest first; ties by id so the order is stable across renders. Sorting thousands of records
 * on every change makes this hot: two instants in the canonical form the sources write
 * (features/records/apiSource.ts) compare as text, anything else through `Date.parse`.
 */
export function newestFirst(a: HealthRecord, b: HealthRecord): number {
  const x = a.occurredAt;
  const y = b.occurredAt;
  if (x !== y && canonicalUtc(x) && canonicalUtc(y)) return x < y ? 1 : -1;
  return Date.parse(y) - Date.parse(x) || b.id.localeCompare(a.id);
}

export function filterRecords(
  records: readonly HealthRecord[],
  filter: TimelineFilter,
  timeZone: string,
  names: ReadonlyMap<string, string> = new Map(),
): HealthRecord[] {
  const kinds = filter.kinds !== null && filter.kinds.length > 0 ? new Set(filter.kinds) : null;
  const text = (filter.text ?? "").trim().toLowerCase();
  return records.filter((r) => {
    if (kinds !== null && !kinds.has(r.kind)) return false;
    if (filter.from !== null || filter.to !== null) {
      const day = localDate(r.occurredAt, timeZone);
      if (filter.from !== null && day < filter.from) return false;
      if (filter.to !== null && day > filter.to) return false;
    }
    if (text !== "") {
      const s = summarize(r, names);
      const hay = `${s.title} ${s.detail} ${r.tags.join(" ")}`.toLowerCase();
      if (!hay.includes(text)) return false;
    }
    return true;
  });
}

interface DayRow {
  type: "day";
  key: string;
  date: string;
  count: number;
}

/** One row of the virtualised timeline: a day heading, a record, or a lab panel's results. */
export type TimelineRow =
  | DayRow
  | { type: "record"; key: string; record: HealthRecord }
  | { type: "panel"; key: string; panel: string; records: HealthRecord[] };

/**
 * The rows of a timeline, newest first, with a heading per calendar day; the results of one
 * lab panel taken at one instant are one row (docs/records.md: shown together).
 */
export function timelineRows(records: readonly HealthRecord[], timeZone: string): TimelineRow[] {
  const sorted = [...records].sort(newestFirst);
  const rows: TimelineRow[] = [];
  // Widened on purpose: the loop below fills it, so it must not narrow to its first value.
  let day = null as DayRow | null;
  const panels = new Map<string, { type: "panel"; key: string; panel: string; records: HealthRecord[] }>();
  for (const record of sorted) {
    const date = localDate(record.occurredAt, timeZone);
    if (day?.date !== date) {
      day = { type: "day", key: `day:${date}`, date, count: 0 };
      rows.push(day);
    }
    const panel = record.kind === "lab_result" ? record.data.panel : undefined;
    if (typeof panel === "string" && panel.trim() !== "") {
      const groupKey = `panel:${date}:${record.occurredAt}:${panel}`;
      const existing = panels.get(groupKey);
      if (existing !== undefined) {
        existing.records.push(record);
        day.count += 1;
        continue;
      }
      const row = { type: "panel" as const, key: `${groupKey}:${record.id}`, panel, records: [record] };
      panels.set(groupKey, row);
      rows.push(row);
      day.count += 1;
      continue;
    }
    rows.push({ type: "record", key: record.id, record });
    day.count += 1;
  }
  for (const row of panels.values()) {
    row.records.sort((a, b) => String(a.data.test).localeCompare(String(b.data.test)));
  }
  return rows;
}

/**
 * Appointments, upcoming first: those not yet started soonest first, then past ones most
 * recent first.
 */
export function appointmentsUpcomingFirst(
  records: readonly HealthRecord[],
  now: number | string,
): { upcoming: HealthRecord[]; past: HealthRecord[] } {
  const nowMs = toMs(now);
  const appointments = records.filter((r) => r.kind === "appointment");
  const upcoming = appointments
    .filter((r) => Date.parse(r.occurredAt) >= nowMs)
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.id.localeCompare(b.id));
  const past = appointments.filter((r) => Date.parse(r.occurredAt) < nowMs).sort(newestFirst);
  return { upcoming, past };
}

function fmt(value: number, unit: string): string {
  return String(roundTo(value, displayDigits(unit) + 1));
}

/** The CSS tone of a lab flag's badge (records.css: `.badge-<tone>`). */
const FLAG_TONES: Readonly<Record<string, string>> = {
  normal: "normal",
  low: "low",
  high: "high",
  critical_low: "critically-low",
  critical_high: "critically-high",
  abnormal: "abnormal",
};

export interface Summary {
  title: string;
  detail: string;
  /** A short status badge (lab flag, dose status, appointment status), or empty. */
  badge: string;
  /** The badge's tone for styling, the same in every language (records.css `.badge-<tone>`). */
  tone: string;
}

/**
 * The one-line summary of a record. `names` maps medication ids to their names (for doses).
 * A record whose data a conforming client would not write still gets a readable line.
 */
export function summarize(record: HealthRecord, names: ReadonlyMap<string, string> = new Map()): Summary {
  const fallback: Summary = {
    title: KIND_LABELS[record.kind],
    detail: t("domain.this_record_s_contents_are_in"),
    badge: "",
    tone: "",
  };
  switch (record.kind) {
    case "health_data": {
      const d = readHealthData(record.data);
      if (d === null) return fallback;
      const u = unitLabel(d.unit);
      if (d.type === "blood_pressure") {
        const reading = `${fmt(d.systolic, d.unit)}/${fmt(d.diastolic, d.unit)} ${u}`;
        return {
          title: VITAL_LABELS.blood_pressure,
          detail: typeof d.pulse === "number" ? t("domain.with_pulse", { reading, pulse: d.pulse }) : reading,
          badge: "",
          tone: "",
        };
      }
      const context = d.type === "glucose" && d.context ? ` · ${enumLabel(GLUCOSE_CONTEXT_LABELS, d.context)}` : "";
      return { title: VITAL_LABELS[d.type], detail: `${fmt(d.value, d.unit)} ${u}${context}`, badge: "", tone: "" };
    }
    case "lab_result": {
      const d = readLabResult(record.data);
      if (d === null) return fallback;
      const value =
        typeof d.value === "number" ? `${d.value} ${unitLabel(d.unit)}`.trim() : (d.value_text ?? "");
      const range = d.reference_range;
      let ref = "";
      if (range) {
        if (typeof range.low === "number" && typeof range.high === "number") ref = `${range.low}–${range.high}`;
        else if (typeof range.low === "number") ref = `≥ ${range.low}`;
        else if (typeof range.high === "number") ref = `≤ ${range.high}`;
        else if (range.text) ref = range.text;
      }
      const flag = labFlag(d);
      return {
        title: d.test,
        detail: ref === "" ? value : t("domain.with_reference", { value, range: ref }),
        badge: flag === null ? "" : enumLabel(LAB_FLAG_LABELS, flag),
        tone: flag === null ? "" : (FLAG_TONES[flag] ?? ""),
      };
    }
    case "medication": {
      const d = readMedication(record.data);
      if (d === null) return fallback;
      const schedule =
        d.schedule.kind === "as_needed"
          ? t("domain.as_needed")
          : d.schedule.kind === "daily"
            ? t("domain.daily_at_v0", { v0: d.schedule.times.join(", ") })
            : t("domain.weekly_at", { days: weekdaysLabel(d.schedule.days), times: d.schedule.times.join(", ") });
      const parts = [d.strength, d.dose, schedule].filter((p): p is string => !!p);
      return {
        title: d.name,
        detail: parts.join(" · "),
        badge: d.stopped_on ? t("domain.stopped_badge", { date: d.stopped_on }) : "",
        tone: d.stopped_on ? "stopped" : "",
      };
    }
    case "medication_dose": {
      const d = readDose(record.data);
      if (d === null) return fallback;
      const name = names.get(d.medication_id) ?? t("domain.a_deleted_medication");
      const status = enumLabel(DOSE_STATUS_LABELS, d.status);
      const detail = d.status === "skipped" && d.reason ? t("domain.skipped_because", { reason: d.reason }) : status;
      return { title: name, detail, badge: status, tone: d.status };
    }
    case "appointment": {
      const d = readAppointment(record.data);
      if (d === null) return fallback;
      const parts = [d.with, d.location, d.duration_minutes ? t("domain.minutes_short", { minutes: d.duration_minutes }) : null];
      const shown = d.status !== undefined && d.status !== null && d.status !== "booked";
      return {
        title: d.title,
        detail: parts.filter((p): p is string => !!p).join(" · "),
        badge: shown ? enumLabel(APPOINTMENT_STATUS_LABELS, d.status ?? "") : "",
        tone: shown ? (d.status ?? "") : "",
      };
    }
    case "note": {
      const d = readNote(record.data);
      if (d === null) return fallback;
      const firstLine = d.text.split("\n")[0] ?? "";
      return {
        title: d.title !== null && d.title !== undefined && d.title !== "" ? d.title : t("domain.note"),
        detail: firstLine.length > 140 ? `${firstLine.slice(0, 140)}…` : firstLine,
        badge: "",
        tone: "",
      };
    }
  }
}

/** Medication ids to names, for dose summaries. */
export function medicationNames(records: readonly HealthRecord[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of records) {
    if (r.kind !== "medication") continue;
    const d = readMedication(r.data);
    if (d !== null) names.set(r.id, d.strength ? `${d.name} ${d.strength}` : d.name);
  }
  return names;
}
