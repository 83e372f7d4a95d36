/**
 * Form values (the strings a person typed) to record `data` and back, with validation per
 * docs/records.md. Errors name the field; the typed strings are never altered, so a form can
 * show its messages next to exactly what the user entered.
 */

import type { JsonObject, RecordKind, VitalType } from "./kinds";
import {
  APPOINTMENT_STATUSES,
  VITAL_LABELS,
  GLUCOSE_CONTEXTS,
  LAB_FLAGS,
  MEDICATION_FORMS,
  VITAL_TYPES,
  WEEKDAYS,
} from "./kinds";
import { isObject } from "./readers";
import {
  fromLocalInput,
  isDate,
  isTimeOfDay,
  midnightUtc,
  toLocalInput,
  wireInstant,
} from "./time";
import { VITAL_UNITS, plausibleRange, roundTo, unitLabel } from "./units";
import { t } from "../i18n";

/** What a form holds: one string per field (lists are comma-separated). */
export type FormValues = Record<string, string>;
export type FieldErrors = Record<string, string>;

export type ParseResult =
  | { ok: true; data: JsonObject; occurredAt: string; tags: string[] }
  | { ok: false; errors: FieldErrors };

export const MAX_COMMENT = 2000;
export const MAX_NOTE_TEXT = 20000;
export const MAX_TAGS = 32;

/** Human names of the form fields, used in every validation message. */
export const FIELD_LABELS: Record<string, string> = {
  get occurred_at() { return t("domain.date_and_time"); },
  get type() { return t("domain.measurement"); },
  get unit() { return t("domain.unit"); },
  get value() { return t("domain.value"); },
  get systolic() { return t("domain.systolic"); },
  get diastolic() { return t("domain.diastolic"); },
  get pulse() { return t("domain.pulse"); },
  get context() { return t("domain.context"); },
  get test() { return t("domain.test"); },
  get loinc() { return t("domain.loinc_code"); },
  get result() { return t("domain.result"); },
  get ref_low() { return t("domain.reference_low"); },
  get ref_high() { return t("domain.reference_high"); },
  get ref_text() { return t("domain.reference_range_text"); },
  get flag() { return t("domain.flag"); },
  get panel() { return t("domain.panel"); },
  get laboratory() { return t("domain.laboratory"); },
  get name() { return t("domain.name"); },
  get strength() { return t("domain.strength"); },
  get form() { return t("domain.form"); },
  get dose() { return t("domain.dose"); },
  get schedule_kind() { return t("domain.schedule"); },
  get times() { return t("domain.times"); },
  get days() { return t("domain.days"); },
  get started_on() { return t("domain.started_on"); },
  get stopped_on() { return t("domain.stopped_on"); },
  get instructions() { return t("domain.instructions"); },
  get prescriber() { return t("domain.prescriber"); },
  get reason() { return t("domain.reason"); },
  get medication_id() { return t("domain.medication"); },
  get status() { return t("domain.status"); },
  get scheduled_for() { return t("domain.scheduled_for"); },
  get title() { return t("domain.title"); },
  get duration_minutes() { return t("domain.duration_minutes"); },
  get location() { return t("domain.location"); },
  get with() { return t("domain.with"); },
  get notes() { return t("domain.notes"); },
  get text() { return t("domain.text"); },
  get comment() { return t("domain.comment"); },
  get tags() { return t("domain.tags"); },
};


/** Parse a typed number: "5.4", "5,4" (decimal comma), " 72 "; null when it is not one. */
export function parseNumber(text: string): number | null {
  let t = text.trim().replace(/\s/g, "");
  if (t === "") return null;
  if (/^-?\d+,\d+$/.test(t)) t = t.replace(",", ".");
  if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Split a comma-separated list, trimming and dropping empty and repeated entries. */
export function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return [
    ...new Set(
      text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
}

class Collector {
  readonly errors: FieldErrors = {};
  readonly data: JsonObject = {};

  constructor(
    private readonly values: FormValues,
    private readonly labels: Record<string, string> = {},
  ) {}

  label(field: string): string {
    return this.labels[field] ?? FIELD_LABELS[field] ?? field;
  }

  raw(field: string): string {
    return (this.values[field] ?? "").trim();
  }

  fail(field: string, message: string): void {
    this.errors[field] ??= message;
  }

  text(field: string, opts: { required?: boolean; max?: number; key?: string } = {}): void {
    const value = this.raw(field);
    const max = opts.max ?? (field === "comment" ? MAX_COMMENT : 500);
    if (value === "") {
      if (opts.required === true) this.fail(field, t("domain.v0_is_required", { v0: this.label(field) }));
      return;
    }
    if (value.length > max) {
      this.fail(field, t("domain.v0_is_too_long_count_of", { v0: this.label(field), count: value.length, max: max }));
      return;
    }
    this.data[opts.key ?? field] = value;
  }

  choice<T extends string>(
    field: string,
    options: readonly T[],
    opts: { required?: boolean; key?: string } = {},
  ): T | null {
    const value = this.raw(field);
    if (value === "") {
      if (opts.required === true) this.fail(field, t("domain.v0_is_required", { v0: this.label(field) }));
      return null;
    }
    if (!(options as readonly string[]).includes(value)) {
      this.fail(field, t("domain.v0_must_be_one_of_v1", { v0: this.label(field), v1: options.join(", ") }));
      return null;
    }
    this.data[opts.key ?? field] = value;
    return value as T;
  }

  number(
    field: string,
    opts: { required?: boolean; min?: number; max?: number; unit?: string; integer?: boolean } = {},
  ): number | null {
    const text = this.raw(field);
    if (text === "") {
      if (opts.required === true) this.fail(field, t("domain.v0_is_required", { v0: this.label(field) }));
      return null;
    }
    const value = parseNumber(text);
    if (value === null || (opts.integer === true && !Number.isInteger(value))) {
      const what = opts.integer === true ? t("domain.a_whole_number") : "a number";
      this.fail(field, t("domain.v0_must_be_what_you_typed", { v0: this.label(field), what: what, text: text }));
      return null;
    }
    const { min, max } = opts;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      const unit = opts.unit === undefined ? "" : ` ${unitLabel(opts.unit)}`;
      const lo = min === undefined ? "" : String(roundTo(min, 1));
      const hi = max === undefined ? "" : String(roundTo(max, 1));
      const range =
        min !== undefined && max !== undefined
          ? `between ${lo} and ${hi}${unit}`
          : min !== undefined
            ? t("domain.at_least_lo_unit", { lo: lo, unit: unit })
            : t("domain.at_most_hi_unit", { hi: hi, unit: unit });
      this.fail(field, t("domain.v0_must_be_range", { v0: this.label(field), range: range }));
      return null;
    }
    return value;
  }

  date(field: string, opts: { required?: boolean } = {}): string | null {
    const value = this.raw(field);
    if (value === "") {
      if (opts.required === true) this.fail(field, t("domain.v0_is_required", { v0: this.label(field) }));
      return null;
    }
    if (!isDate(value)) {
      this.fail(field, t("domain.v0_must_be_a_date_yyyy", { v0: this.label(field) }));
      return null;
    }
    this.data[field] = value;
    return value;
  }

  instant(field: string, timeZone: string, opts: { required?: boolean } = {}): number | null {
    const value = this.raw(field);
    if (value === "") {
      if (opts.required === true) this.fail(field, t("domain.v0_is_required", { v0: this.label(field) }));
      return null;
    }
    const ms = fromLocalInput(value, timeZone);
    if (ms === null) {
      this.fail(field, t("domain.v0_must_be_a_date_and", { v0: this.label(field) }));
      return null;
    }
    return ms;
  }

  tags(): string[] {
    const names = splitList(this.values.tags);
    if (names.length > MAX_TAGS) this.fail("tags", t("domain.tags_at_most_max_tags_you", { MAX_TAGS: MAX_TAGS, count: names.length }));
    const long = names.find((n) => n.length > 100);
    if (long !== undefined) this.fail("tags", t("domain.tags_v0_is_too_long", { v0: long.slice(0, 20) }));
    return names;
  }
}

function occurred(c: Collector, timeZone: string, now: number): string {
  const ms = c.instant("occurred_at", timeZone, { required: true });
  return wireInstant(ms ?? now);
}

function finish(c: Collector, occurredAt: string): ParseResult {
  const tags = c.tags();
  if (Object.keys(c.errors).length > 0) return { ok: false, errors: c.errors };
  return { ok: true, data: c.data, occurredAt, tags };
}

function parseVital(values: FormValues, timeZone: string, now: number): ParseResult {
  const vital = (VITAL_TYPES as readonly string[]).includes(values.type ?? "")
    ? VITAL_LABELS[values.type as VitalType]
    : t("domain.value");
  const c = new Collector(values, { value: vital });
  const type = c.choice("type", VITAL_TYPES, { required: true });
  const occurredAt = occurred(c, timeZone, now);
  if (type !== null) {
    const allowed = VITAL_UNITS[type];
    const unit = c.raw("unit") === "" ? allowed[0] ?? "" : c.raw("unit");
    if (!allowed.includes(unit)) {
      c.fail("unit", t("domain.unit_must_be_one_of_v0", { v0: allowed.map(unitLabel).join(", ") }));
    } else {
      c.data.unit = unit;
    }
    const u = allowed.includes(unit) ? unit : (allowed[0] ?? "");
    if (type === "blood_pressure") {
      const [sMin, sMax] = plausibleRange("systolic", u);
      const [dMin, dMax] = plausibleRange("diastolic", u);
      const [pMin, pMax] = plausibleRange("pulse", "/min");
      const s = c.number("systolic", { required: true, min: sMin, max: sMax, unit: u });
      const d = c.number("diastolic", { required: true, min: dMin, max: dMax, unit: u });
      const p = c.number("pulse", { min: pMin, max: pMax, unit: "/min" });
      if (s !== null && d !== null && d >= s) {
        c.fail("diastolic", t("domain.diastolic_must_be_lower_than_systolic"));
      }
      if (s !== null) c.data.systolic = s;
      if (d !== null) c.data.diastolic = d;
      if (p !== null) c.data.pulse = p;
    } else {
      const [min, max] = plausibleRange(type, u);
      const v = c.number("value", { required: true, min, max, unit: u });
      if (v !== null) c.data.value = v;
      if (type === "glucose") c.choice("context", GLUCOSE_CONTEXTS);
    }
  }
  c.text("comment");
  return finish(c, occurredAt);
}

/** Validate one lab result row (shared by the single form and the panel form). */
function labInto(c: Collector): void {
  c.text("test", { required: true, max: 200 });
  c.text("loinc", { max: 20 });
  if (c.raw("loinc") !== "" && !/^\d{1,7}-\d$/.test(c.raw("loinc"))) {
    c.fail("loinc", t("domain.loinc_code_must_look_like_4548"));
  }
  const result = c.raw("result");
  const numeric = parseNumber(result);
  if (result === "") {
    c.fail("result", t("domain.result_is_required_a_number_or"));
  } else if (numeric !== null) {
    c.data.value = numeric;
    c.text("unit", { max: 50 });
    if (c.raw("unit") === "") c.fail("unit", t("domain.unit_is_required_with_a_numeric"));
  } else {
    c.text("result", { max: 200, key: "value_text" });
    c.text("unit", { max: 50 });
  }
  const low = c.number("ref_low");
  const high = c.number("ref_high");
  if (low !== null && high !== null && low > high) {
    c.fail("ref_high", t("domain.reference_high_must_not_be_lower"));
  }
  const range: JsonObject = {};
  if (low !== null) range.low = low;
  if (high !== null) range.high = high;
  const rangeText = c.raw("ref_text");
  if (rangeText !== "") range.text = rangeText;
  if (Object.keys(range).length > 0) c.data.reference_range = range;
  c.choice("flag", LAB_FLAGS);
  c.text("panel", { max: 200 });
  c.text("laboratory", { max: 200 });
  c.text("comment");
}

function parseLab(values: FormValues, timeZone: string, now: number): ParseResult {
  const c = new Collector(values);
  const occurredAt = occurred(c, timeZone, now);
  labInto(c);
  return finish(c, occurredAt);
}

/** The times of a schedule as typed: a comma-separated list of `HH:MM`. */
function scheduleInto(c: Collector): void {
  const kind = c.choice("schedule_kind", ["daily", "weekly", "as_needed"] as const, {
    required: true,
    key: "__schedule_kind",
  });
  delete c.data.__schedule_kind;
  if (kind === null) return;
  if (kind === "as_needed") {
    c.data.schedule = { kind };
    return;
  }
  const times = splitList(c.raw("times"));
  const bad = times.find((t) => !isTimeOfDay(t));
  if (times.length === 0) c.fail("times", t("domain.times_add_at_least_one_time"));
  else if (bad !== undefined) c.fail("times", t("domain.times_bad_is_not_a_time", { bad: bad }));
  else if (times.length > 12) c.fail("times", t("domain.times_at_most_12_times_a"));
  const sorted = [...times].sort();
  if (kind === "daily") {
    c.data.schedule = { kind, times: sorted };
    return;
  }
  const days = splitList(c.raw("days"));
  const badDay = days.find((d) => !(WEEKDAYS as readonly string[]).includes(d));
  if (days.length === 0) c.fail("days", t("domain.days_choose_at_least_one_weekday"));
  else if (badDay !== undefined) c.fail("days", t("domain.days_badday_is_not_a_weekday", { badDay: badDay }));
  const ordered = WEEKDAYS.filter((d) => days.includes(d));
  c.data.schedule = { kind, days: ordered, times: sorted };
}

function parseMedication(
  values: FormValues,
  original: { occurredAt: string } | null,
  now: number,
): ParseResult {
  const c = new Collector(values);
  c.text("name", { required: true, max: 200 });
  c.text("strength", { max: 100 });
  c.choice("form", MEDICATION_FORMS);
  c.text("dose", { max: 100 });
  scheduleInto(c);
  const started = c.date("started_on");
  const stopped = c.date("stopped_on");
  if (started !== null && stopped !== null && stopped < started) {
    c.fail("stopped_on", t("domain.stopped_on_must_not_be_before"));
  }
  c.text("instructions");
  c.text("prescriber", { max: 200 });
  c.text("reason");
  c.text("comment");
  // docs/records.md: a medication occurred when it was started (midnight UTC of started_on).
  const occurredAt =
    started !== null ? midnightUtc(started) : (original?.occurredAt ?? wireInstant(now));
  return finish(c, occurredAt);
}

function parseDose(values: FormValues, timeZone: string, now: number): ParseResult {
  const c = new Collector(values);
  const occurredAt = occurred(c, timeZone, now);
  c.text("medication_id", { required: true, max: 64 });
  c.choice("status", ["taken", "skipped"] as const, { required: true });
  const scheduled = c.raw("scheduled_for");
  if (scheduled !== "") {
    const ms = Date.parse(scheduled);
    if (!Number.isFinite(ms)) c.fail("scheduled_for", t("domain.scheduled_for_must_be_an_instant"));
    else c.data.scheduled_for = wireInstant(ms);
  }
  c.text("dose", { max: 100 });
  c.text("reason");
  c.text("comment");
  return finish(c, occurredAt);
}

function parseAppointment(values: FormValues, timeZone: string, now: number): ParseResult {
  const c = new Collector(values);
  const occurredAt = occurred(c, timeZone, now);
  c.text("title", { required: true, max: 200 });
  const duration = c.number("duration_minutes", { min: 1, max: 1440, integer: true });
  if (duration !== null) c.data.duration_minutes = duration;
  c.text("location", { max: 300 });
  c.text("with", { max: 200 });
  c.choice("status", APPOINTMENT_STATUSES);
  c.text("notes", { max: MAX_COMMENT });
  c.text("comment");
  return finish(c, occurredAt);
}

function parseNote(values: FormValues, timeZone: string, now: number): ParseResult {
  const c = new Collector(values);
  const occurredAt = occurred(c, timeZone, now);
  c.text("title", { max: 200 });
  c.text("text", { required: true, max: MAX_NOTE_TEXT });
  c.text("comment");
  return finish(c, occurredAt);
}

/** The `data` keys each kind's form owns; any other key of an edited record is kept as is. */
export const FORM_KEYS: Record<RecordKind, readonly string[]> = {
  health_data: ["type", "unit", "value", "systolic", "diastolic", "pulse", "context", "comment"],
  lab_result: [
    "test",
    "loinc",
    "value",
    "value_text",
    "unit",
    "reference_range",
    "flag",
    "panel",
    "laboratory",
    "comment",
  ],
  medication: [
    "name",
    "strength",
    "form",
    "dose",
    "schedule",
    "started_on",
    "stopped_on",
    "instructions",
    "prescriber",
    "reason",
    "comment",
  ],
  medication_dose: ["medication_id", "status", "scheduled_for", "dose", "reason", "comment"],
  appointment: ["title", "duration_minutes", "location", "with", "status", "notes", "comment"],
  note: ["title", "text", "comment"],
};

export interface ParseContext {
  timeZone: string;
  /** Epoch ms; used where the form leaves a time to "now". */
  now: number;
  /** The record being edited: its unknown data keys are carried over untouched. */
  original?: { data: JsonObject; occurredAt: string } | null;
}

/**
 * Validate a kind's form values and build its `data`. On an edit, keys this form does not
 * own (written by a newer client) are kept, as docs/records.md requires; so are unknown
 * members of `reference_range`.
 */
export function parseForm(kind: RecordKind, values: FormValues, ctx: ParseContext): ParseResult {
  const original = ctx.original ?? null;
  let result: ParseResult;
  switch (kind) {
    case "health_data":
      result = parseVital(values, ctx.timeZone, ctx.now);
      break;
    case "lab_result":
      result = parseLab(values, ctx.timeZone, ctx.now);
      break;
    case "medication":
      result = parseMedication(values, original, ctx.now);
      break;
    case "medication_dose":
      result = parseDose(values, ctx.timeZone, ctx.now);
      break;
    case "appointment":
      result = parseAppointment(values, ctx.timeZone, ctx.now);
      break;
    case "note":
      result = parseNote(values, ctx.timeZone, ctx.now);
      break;
  }
  if (!result.ok || original === null) return result;
  return { ...result, data: mergeUnknown(kind, original.data, result.data) };
}

/** The form's new `data` plus every key of `original` the kind's form does not own. */
export function mergeUnknown(kind: RecordKind, original: JsonObject, data: JsonObject): JsonObject {
  const owned = new Set(FORM_KEYS[kind]);
  const merged: JsonObject = {};
  for (const [key, value] of Object.entries(original)) {
    if (!owned.has(key)) merged[key] = value;
  }
  Object.assign(merged, data);
  const oldRange = original.reference_range;
  const newRange = data.reference_range;
  if (kind === "lab_result" && isObject(oldRange) && isObject(newRange)) {
    const range: JsonObject = {};
    for (const [key, value] of Object.entries(oldRange)) {
      if (!["low", "high", "text"].includes(key)) range[key] = value;
    }
    merged.reference_range = Object.assign(range, newRange);
  }
  return merged;
}

/** Validate the rows of a lab panel: one record per non-empty row, sharing panel and time. */
export function parseLabPanel(
  shared: FormValues,
  rows: readonly FormValues[],
  ctx: ParseContext,
): { ok: true; results: ParseResult[] } | { ok: false; shared: FieldErrors; rows: FieldErrors[] } {
  const head = new Collector(shared);
  head.text("panel", { required: true, max: 200 });
  head.instant("occurred_at", ctx.timeZone, { required: true });
  head.text("laboratory", { max: 200 });
  const filled = rows.map((r) => Object.values(r).some((v) => v.trim() !== ""));
  if (!filled.some(Boolean)) head.fail("rows", t("domain.add_at_least_one_result_to"));
  const results = rows.map((row, i) =>
    filled[i] === true
      ? parseForm(
          "lab_result",
          {
            ...row,
            panel: shared.panel ?? "",
            laboratory: shared.laboratory ?? "",
            occurred_at: shared.occurred_at ?? "",
            tags: shared.tags ?? "",
          },
          ctx,
        )
      : null,
  );
  const rowErrors = results.map((r) => (r !== null && !r.ok ? withoutShared(r.errors) : {}));
  const sharedErrors = { ...head.errors };
  const tagError = results.find((r) => r !== null && !r.ok && r.errors.tags !== undefined);
  if (tagError !== undefined && tagError !== null && !tagError.ok && tagError.errors.tags !== undefined) {
    sharedErrors.tags = tagError.errors.tags;
  }
  if (Object.keys(sharedErrors).length > 0 || rowErrors.some((e) => Object.keys(e).length > 0)) {
    return { ok: false, shared: sharedErrors, rows: rowErrors };
  }
  return { ok: true, results: results.filter((r): r is ParseResult => r !== null) };
}

function withoutShared(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    if (!["panel", "laboratory", "occurred_at", "tags"].includes(k)) out[k] = v;
  }
  return out;
}

function s(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return "";
}

/** The form values that show an existing record's `data` (the inverse of `parseForm`). */
export function formFromData(
  kind: RecordKind,
  data: JsonObject,
  occurredAt: string,
  tags: readonly string[],
  timeZone: string,
): FormValues {
  const common: FormValues = {
    occurred_at: toLocalInput(occurredAt, timeZone),
    comment: s(data.comment),
    tags: tags.join(", "),
  };
  switch (kind) {
    case "health_data":
      return {
        ...common,
        type: s(data.type),
        unit: s(data.unit),
        value: s(data.value),
        systolic: s(data.systolic),
        diastolic: s(data.diastolic),
        pulse: s(data.pulse),
        context: s(data.context),
      };
    case "lab_result": {
      const range = isObject(data.reference_range) ? data.reference_range : {};
      return {
        ...common,
        test: s(data.test),
        loinc: s(data.loinc),
        result: typeof data.value === "number" ? s(data.value) : s(data.value_text),
        unit: s(data.unit),
        ref_low: s(range.low),
        ref_high: s(range.high),
        ref_text: s(range.text),
        flag: s(data.flag),
        panel: s(data.panel),
        laboratory: s(data.laboratory),
      };
    }
    case "medication": {
      const schedule = isObject(data.schedule) ? data.schedule : {};
      const list = (v: unknown): string =>
        Array.isArray(v) ? v.filter((x) => typeof x === "string").join(",") : "";
      return {
        ...common,
        name: s(data.name),
        strength: s(data.strength),
        form: s(data.form),
        dose: s(data.dose),
        schedule_kind: s(schedule.kind),
        times: list(schedule.times),
        days: list(schedule.days),
        started_on: s(data.started_on),
        stopped_on: s(data.stopped_on),
        instructions: s(data.instructions),
        prescriber: s(data.prescriber),
        reason: s(data.reason),
      };
    }
    case "medication_dose":
      return {
        ...common,
        medication_id: s(data.medication_id),
        status: s(data.status),
        scheduled_for: s(data.scheduled_for),
        dose: s(data.dose),
        reason: s(data.reason),
      };
    case "appointment":
      return {
        ...common,
        title: s(data.title),
        duration_minutes: s(data.duration_minutes),
        location: s(data.location),
        with: s(data.with),
        status: s(data.status),
        notes: s(data.notes),
      };
    case "note":
      return { ...common, title: s(data.title), text: s(data.text) };
  }
}

/** Fresh form values for a new record of a kind, its time set to `now`. */
export function emptyForm(
  kind: RecordKind,
  now: number,
  timeZone: string,
  vitalType: VitalType = "blood_pressure",
): FormValues {
  const base: FormValues = { occurred_at: toLocalInput(now, timeZone), comment: "", tags: "" };
  switch (kind) {
    case "health_data":
      return { ...base, type: vitalType, unit: VITAL_UNITS[vitalType][0] ?? "" };
    case "medication":
      return { ...base, schedule_kind: "daily", times: "08:00", days: "" };
    case "medication_dose":
      return { ...base, status: "taken" };
    case "appointment":
      return { ...base, status: "booked" };
    default:
      return base;
  }
}
