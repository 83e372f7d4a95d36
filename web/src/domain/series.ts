/** Chart series of vitals and lab values over time, with their reference ranges. */

import type { HealthRecord, VitalType } from "./kinds";
import { readHealthData, readLabResult } from "./readers";
import { VITAL_UNITS, convert, convertible, roundTo, displayDigits } from "./units";
import { t } from "../i18n";

/** One line of a chart: its values aligned with the chart's `x`. */
export interface Line {
  label: string;
  values: (number | null)[];
}

/** A reference band: `low`/`high` per x (null where that point has no such bound). */
export interface Band {
  label: string;
  low: (number | null)[];
  high: (number | null)[];
}

/** Data for one chart: x in epoch seconds (ascending), as uPlot takes it. */
export interface ChartData {
  title: string;
  unit: string;
  x: number[];
  lines: Line[];
  bands: Band[];
  /** Points left out because their unit does not convert to the chart's unit. */
  skipped: number;
}

function byTime(a: HealthRecord, b: HealthRecord): number {
  return Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.id.localeCompare(b.id);
}

/**
 * Typical adult ranges drawn behind vital charts, in each type's default unit: blood pressure
 * below 120/80 mmHg (normal per the 2017 ACC/AHA guideline), resting heart rate 60–100 /min,
 * fasting glucose 3.9–5.5 mmol/L (70–99 mg/dL, ADA), body temperature 36.1–37.2 °C. They are
 * not shown for children, whose ranges depend on age. Weight has no range.
 */
const ADULT_RANGES: Partial<Record<string, readonly [number | null, number | null]>> = {
  systolic: [90, 120],
  diastolic: [60, 80],
  heart_rate: [60, 100],
  glucose: [3.9, 5.5],
  temperature: [36.1, 37.2],
};

/** The typical adult range of a vital field in `unit`, or null (none, or not adult). */
export function vitalGuide(
  field: string,
  unit: string,
  adult: boolean,
): readonly [number | null, number | null] | null {
  const range = ADULT_RANGES[field];
  if (!adult || range === undefined) return null;
  const base =
    field === "systolic" || field === "diastolic"
      ? "mm[Hg]"
      : ((VITAL_UNITS as Partial<Record<string, readonly string[]>>)[field]?.[0] ?? unit);
  const c = (v: number | null): number | null =>
    v === null ? null : roundTo(convert(v, base, unit), displayDigits(unit));
  return [c(range[0]), c(range[1])];
}

/**
 * The chart of one vital type in `unit` (each point converted from the unit it was recorded
 * in). Blood pressure draws systolic and diastolic; the heart-rate chart includes the pulse
 * recorded with blood pressure.
 */
export function vitalSeries(
  records: readonly HealthRecord[],
  type: VitalType,
  unit: string,
  opts: { adult: boolean; title: string },
): ChartData {
  const points = records
    .filter((r) => r.kind === "health_data")
    .map((r) => ({ r, d: readHealthData(r.data) }))
    .filter(
      (p) =>
        p.d !== null &&
        (p.d.type === type ||
          // A blood-pressure reading's pulse is a heart-rate measurement too.
          (type === "heart_rate" && p.d.type === "blood_pressure" && typeof p.d.pulse === "number")),
    )
    .sort((a, b) => byTime(a.r, b.r));
  const x: number[] = [];
  const first: (number | null)[] = [];
  const second: (number | null)[] = [];
  let skipped = 0;
  const digits = displayDigits(unit) + 1;
  for (const { r, d } of points) {
    if (d === null) continue;
    const at = Math.floor(Date.parse(r.occurredAt) / 1000);
    if (d.type === "blood_pressure" && type === "heart_rate") {
      x.push(at);
      first.push(d.pulse ?? null);
      continue;
    }
    if (!convertible(d.unit, unit)) {
      skipped += 1;
      continue;
    }
    x.push(at);
    if (d.type === "blood_pressure") {
      first.push(roundTo(convert(d.systolic, d.unit, unit), digits));
      second.push(roundTo(convert(d.diastolic, d.unit, unit), digits));
    } else {
      first.push(roundTo(convert(d.value, d.unit, unit), digits));
    }
  }
  const lines: Line[] = [];
  const bands: Band[] = [];
  const band = (field: string, label: string): void => {
    const guide = vitalGuide(field, unit, opts.adult);
    if (guide === null) return;
    bands.push({ label, low: x.map(() => guide[0]), high: x.map(() => guide[1]) });
  };
  if (type === "blood_pressure") {
    lines.push({ label: t("domain.systolic"), values: first }, { label: t("domain.diastolic"), values: second });
    band("systolic", t("domain.systolic_typical_adult_range"));
    band("diastolic", t("domain.diastolic_typical_adult_range"));
  } else {
    lines.push({ label: opts.title, values: first });
    band(type, t("domain.typical_adult_range"));
  }
  return { title: opts.title, unit, x, lines, bands, skipped };
}

/** The key that identifies one analyte across reports: its LOINC code, else its name. */
export function analyteKey(test: string, loinc: string | null | undefined): string {
  if (typeof loinc === "string" && loinc.trim() !== "") return `loinc:${loinc.trim()}`;
  return `test:${test.trim().toLowerCase().replace(/\s+/g, " ")}`;
}

export interface Analyte {
  key: string;
  test: string;
  unit: string;
  /** Numeric results in `unit`. */
  count: number;
}

/** The analytes with numeric results, each with its most used unit, most results first. */
export function labAnalytes(records: readonly HealthRecord[]): Analyte[] {
  const byKey = new Map<string, { test: string; units: Map<string, number>; latest: number }>();
  for (const r of records) {
    if (r.kind !== "lab_result") continue;
    const d = readLabResult(r.data);
    if (d === null || typeof d.value !== "number") continue;
    const key = analyteKey(d.test, d.loinc);
    const entry = byKey.get(key) ?? { test: d.test.trim(), units: new Map<string, number>(), latest: 0 };
    const unit = d.unit ?? "";
    entry.units.set(unit, (entry.units.get(unit) ?? 0) + 1);
    const at = Date.parse(r.occurredAt);
    if (at >= entry.latest) {
      entry.latest = at;
      entry.test = d.test.trim();
    }
    byKey.set(key, entry);
  }
  const out: Analyte[] = [];
  for (const [key, e] of byKey) {
    let unit = "";
    let count = -1;
    for (const [u, n] of e.units) {
      if (n > count || (n === count && u < unit)) {
        unit = u;
        count = n;
      }
    }
    out.push({ key, test: e.test, unit, count });
  }
  return out.sort((a, b) => b.count - a.count || a.test.localeCompare(b.test));
}

/**
 * The chart of one analyte: its numeric results in `unit` (results in another unit are left
 * out and counted in `skipped`: lab units are not converted), with each result's own
 * reference range as the band, since ranges differ between laboratories and over time.
 */
export function labSeries(records: readonly HealthRecord[], analyte: Analyte): ChartData {
  const x: number[] = [];
  const values: (number | null)[] = [];
  const low: (number | null)[] = [];
  const high: (number | null)[] = [];
  let skipped = 0;
  const sorted = records.filter((r) => r.kind === "lab_result").sort(byTime);
  for (const r of sorted) {
    const d = readLabResult(r.data);
    if (d === null || typeof d.value !== "number") continue;
    if (analyteKey(d.test, d.loinc) !== analyte.key) continue;
    if ((d.unit ?? "") !== analyte.unit) {
      skipped += 1;
      continue;
    }
    x.push(Math.floor(Date.parse(r.occurredAt) / 1000));
    values.push(d.value);
    low.push(d.reference_range?.low ?? null);
    high.push(d.reference_range?.high ?? null);
  }
  const bands: Band[] =
    low.some((v) => v !== null) || high.some((v) => v !== null)
      ? [{ label: t("domain.reference_range"), low, high }]
      : [];
  return {
    title: analyte.test,
    unit: analyte.unit,
    x,
    lines: [{ label: analyte.test, values }],
    bands,
    skipped,
  };
}

/** The vital types present among the records, in the order the charts page shows them. */
export function vitalTypesPresent(records: readonly HealthRecord[]): VitalType[] {
  const seen = new Set<string>();
  for (const r of records) {
    if (r.kind !== "health_data") continue;
    const t = r.data.type;
    if (typeof t === "string") seen.add(t);
    // A pulse taken with a blood pressure is drawn on the heart-rate chart.
    if (t === "blood_pressure" && typeof r.data.pulse === "number") seen.add("heart_rate");
  }
  return (["blood_pressure", "heart_rate", "weight", "glucose", "temperature"] as const).filter(
    (t) => seen.has(t),
  );
}
