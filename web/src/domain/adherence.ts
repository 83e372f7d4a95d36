/** Medication adherence over the last N days, exactly as docs/records.md ("Adherence") defines. */

import type { HealthRecord, Schedule } from "./kinds";
import { readMedication, readDose } from "./readers";
import {
  addDays,
  localDate,
  localTimeOfDayMs,
  minutesOf,
  toMs,
  weekdayOf,
  wireInstant,
  zonedInstant,
} from "./time";

export interface Adherence {
  /** The window's length in days. */
  days: number;
  expected: number;
  taken: number;
  /** Whole percentage rounded half up; null when nothing was expected (shown as "—"). */
  percent: number | null;
}

/** Round `taken / expected` to a whole percentage, half up, in integer arithmetic. */
export function roundedPercent(taken: number, expected: number): number | null {
  if (expected <= 0) return null;
  return Math.floor((200 * taken + expected) / (2 * expected));
}

/** True when the medication is current on `date`: started_on ≤ date ≤ stopped_on. */
export function isCurrentOn(
  date: string,
  startedOn: string | null | undefined,
  stoppedOn: string | null | undefined,
): boolean {
  if (startedOn !== null && startedOn !== undefined && startedOn > date) return false;
  if (stoppedOn !== null && stoppedOn !== undefined && stoppedOn < date) return false;
  return true;
}

/** The schedule's slot times (`HH:MM`, distinct) on a calendar day, ignoring `current`. */
export function slotTimesOn(schedule: Schedule, date: string): string[] {
  switch (schedule.kind) {
    case "daily":
      return [...new Set(schedule.times)].sort();
    case "weekly":
      return schedule.days.includes(weekdayOf(date)) ? [...new Set(schedule.times)].sort() : [];
    case "as_needed":
      return [];
  }
}

/**
 * Adherence of one medication over the `days` calendar days ending today, at instant `now`,
 * with days and times read in `timeZone`. `doses` may hold any records: only
 * `medication_dose` records of this medication count. Null for an as-needed schedule (or a
 * medication record whose schedule cannot be read): adherence is not computed for it.
 */
export function adherence(
  medication: HealthRecord,
  doses: readonly HealthRecord[],
  days: number,
  now: number | string,
  timeZone: string,
): Adherence | null {
  const med = readMedication(medication.data);
  if (med === null || med.schedule.kind === "as_needed") return null;
  const nowMs = toMs(now);
  const today = localDate(nowMs, timeZone);
  const nowOfDay = localTimeOfDayMs(nowMs, timeZone);
  const first = addDays(today, -(days - 1));

  const expectedByDay = new Map<string, number>();
  let expected = 0;
  for (let i = 0; i < days; i += 1) {
    const date = addDays(first, i);
    if (!isCurrentOn(date, med.started_on, med.stopped_on)) continue;
    let slots = slotTimesOn(med.schedule, date);
    if (date === today) slots = slots.filter((t) => minutesOf(t) * 60_000 <= nowOfDay);
    if (slots.length > 0) expectedByDay.set(date, slots.length);
    expected += slots.length;
  }

  const takenByDay = new Map<string, number>();
  for (const record of doses) {
    if (record.kind !== "medication_dose") continue;
    const dose = readDose(record.data);
    if (dose?.medication_id !== medication.id || dose.status !== "taken") continue;
    const date = localDate(record.occurredAt, timeZone);
    if (date < first || date > today) continue;
    takenByDay.set(date, (takenByDay.get(date) ?? 0) + 1);
  }
  let taken = 0;
  for (const [date, count] of takenByDay) {
    taken += Math.min(count, expectedByDay.get(date) ?? 0);
  }
  return { days, expected, taken, percent: roundedPercent(taken, expected) };
}

/** "87 %" or "—" (undefined adherence), as the records pages show it. */
export function formatAdherence(value: Adherence | null): string {
  if (value?.percent === null || value === null) return "—";
  return `${value.percent} %`;
}

/**
 * The schedule slot a dose recorded at `now` answers: among today's slots of a current
 * medication that no dose answers yet, the one nearest to `now`. Null when there is none.
 */
export function suggestSlot(
  medication: HealthRecord,
  doses: readonly HealthRecord[],
  now: number | string,
  timeZone: string,
): string | null {
  const med = readMedication(medication.data);
  if (med === null) return null;
  const nowMs = toMs(now);
  const today = localDate(nowMs, timeZone);
  if (!isCurrentOn(today, med.started_on, med.stopped_on)) return null;
  const answered = new Set<number>();
  for (const record of doses) {
    if (record.kind !== "medication_dose") continue;
    const dose = readDose(record.data);
    if (dose?.medication_id !== medication.id || typeof dose.scheduled_for !== "string") continue;
    const at = Date.parse(dose.scheduled_for);
    if (Number.isFinite(at)) answered.add(at);
  }
  let best: number | null = null;
  for (const time of slotTimesOn(med.schedule, today)) {
    const at = zonedInstant(today, time, timeZone);
    if (answered.has(at)) continue;
    if (best === null || Math.abs(at - nowMs) < Math.abs(best - nowMs)) best = at;
  }
  return best === null ? null : wireInstant(best);
}
