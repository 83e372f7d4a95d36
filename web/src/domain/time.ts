/** Calendar days and wall-clock times in the account's IANA time zone (docs/records.md). */

import type { Weekday } from "./kinds";
import { WEEKDAYS } from "./kinds";

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows `timeZone` (an IANA name such as `Europe/Berlin`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Parse an instant (RFC 3339 string or epoch milliseconds) to epoch milliseconds. */
export function toMs(instant: string | number): number {
  const ms = typeof instant === "number" ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return ms;
}

/** The wall-clock reading of an instant in a time zone. */
export function zonedParts(instant: string | number, timeZone: string): ZonedParts {
  const ms = toMs(instant);
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** The calendar day (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDate(instant: string | number, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Milliseconds since local midnight of an instant in a time zone (wall clock). */
export function localTimeOfDayMs(instant: string | number, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  return ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 + p.millisecond;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const back = new Date(Date.UTC(y, mo - 1, d));
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
}

/** True for a 24-hour `HH:MM` time of day. */
export function isTimeOfDay(value: string): boolean {
  return TIME_RE.test(value);
}

/** Minutes since midnight of an `HH:MM` time. */
export function minutesOf(time: string): number {
  const m = TIME_RE.exec(time);
  if (m === null) throw new RangeError(`not a time of day: ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function dateUtcMs(date: string): number {
  const m = DATE_RE.exec(date);
  if (m === null || !isDate(date)) throw new RangeError(`not a date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** The calendar day `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  return new Date(dateUtcMs(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The weekday of a calendar day. */
export function weekdayOf(date: string): Weekday {
  // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
  const index = (new Date(dateUtcMs(date)).getUTCDay() + 6) % 7;
  return WEEKDAYS[index] ?? "mon";
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dateUtcMs(b) - dateUtcMs(a)) / 86_400_000);
}

function offsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
  return asUtc - ms;
}

/**
 * The instant at which the wall clock in `timeZone` reads `date` `time`. A repeated time (the
 * hour after a fall-back) maps to its first occurrence; a time skipped by a spring-forward jump
 * is read with the offset before the jump, i.e. moved later by the jump's length (as
 * Temporal's "compatible" disambiguation does).
 */
export function zonedInstant(date: string, time: string, timeZone: string): number {
  const wall = dateUtcMs(date) + minutesOf(time) * 60_000;
  const before = wall - offsetMs(wall - 86_400_000, timeZone);
  const after = wall - offsetMs(wall + 86_400_000, timeZone);
  const valid = [before, after].filter((c) => offsetMs(c, timeZone) === wall - c);
  if (valid.length > 0) return Math.min(...valid);
  return before;
}

/** An instant as the API writes it: RFC 3339 UTC with milliseconds. */
export function wireInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** Midnight UTC of a calendar day, as a wire instant (a medication's `occurred_at`). */
export function midnightUtc(date: string): string {
  return wireInstant(dateUtcMs(date));
}

/** The `YYYY-MM-DDTHH:MM` value of a `datetime-local` input showing an instant in a zone. */
export function toLocalInput(instant: string | number, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The instant of a `datetime-local` value read in a zone; null when it is not one. */
export function fromLocalInput(value: string, timeZone: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value.trim());
  if (m?.[1] === undefined || m[2] === undefined) return null;
  if (!isDate(m[1]) || !isTimeOfDay(m[2])) return null;
  return zonedInstant(m[1], m[2], timeZone);
}
