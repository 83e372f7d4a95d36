/** UCUM units of the vital kinds (docs/records.md): labels, conversions, plausible ranges. */

import type { VitalType } from "./kinds";

/** The units each vital type allows, the default first (docs/records.md, `health_data`). */
export const VITAL_UNITS: Record<VitalType, readonly string[]> = {
  blood_pressure: ["mm[Hg]"],
  weight: ["kg", "[lb_av]"],
  heart_rate: ["/min"],
  glucose: ["mmol/L", "mg/dL"],
  temperature: ["Cel", "[degF]"],
};

const LABELS: Record<string, string> = {
  "mm[Hg]": "mmHg",
  "[lb_av]": "lb",
  Cel: "°C",
  "[degF]": "°F",
  "/min": "bpm",
  "10*3/uL": "×10³/µL",
  "10*6/uL": "×10⁶/µL",
  "10*9/L": "×10⁹/L",
  "10*12/L": "×10¹²/L",
  "%": "%",
  "[IU]/L": "IU/L",
  "m[IU]/L": "mIU/L",
  "u[IU]/mL": "µIU/mL",
  ug: "µg",
  "ug/L": "µg/L",
  "ug/dL": "µg/dL",
  umol: "µmol",
  "umol/L": "µmol/L",
  "mL/min/{1.73_m2}": "mL/min/1.73m²",
};

/** The friendly label for a UCUM code (`mmHg` for `mm[Hg]`); unknown codes show as written. */
export function unitLabel(code: string | null | undefined): string {
  if (code === null || code === undefined) return "";
  return LABELS[code] ?? code;
}

/** Pounds per kilogram: the avoirdupois pound is exactly 0.45359237 kg. */
const KG_PER_LB = 0.45359237;
/** mg/dL per mmol/L of glucose: its molar mass is 180.156 g/mol (mmol/L × 180.156 / 10). */
export const GLUCOSE_MG_DL_PER_MMOL_L = 18.0156;

interface Conversion { to: (v: number) => number; from: (v: number) => number }

/** Conversions from each non-default unit to its type's default unit (and back). */
const TO_DEFAULT: Record<string, Conversion> = {
  "[lb_av]": { to: (v) => v * KG_PER_LB, from: (v) => v / KG_PER_LB },
  "mg/dL": {
    to: (v) => v / GLUCOSE_MG_DL_PER_MMOL_L,
    from: (v) => v * GLUCOSE_MG_DL_PER_MMOL_L,
  },
  "[degF]": { to: (v) => ((v - 32) * 5) / 9, from: (v) => (v * 9) / 5 + 32 },
};

const DEFAULT_OF: Record<string, string> = {
  "[lb_av]": "kg",
  "mg/dL": "mmol/L",
  "[degF]": "Cel",
};

function defaultUnitOf(unit: string): string {
  return DEFAULT_OF[unit] ?? unit;
}

/** True when `from` converts to `to` (same quantity). */
export function convertible(from: string, to: string): boolean {
  return defaultUnitOf(from) === defaultUnitOf(to);
}

/** Convert a value between two units of the same quantity; throws on an impossible pair. */
export function convert(value: number, from: string, to: string): number {
  if (from === to) return value;
  if (!convertible(from, to)) throw new RangeError(`cannot convert ${from} to ${to}`);
  const base = TO_DEFAULT[from]?.to(value) ?? value;
  return TO_DEFAULT[to]?.from(base) ?? base;
}

/**
 * Plausible input ranges per vital field, in the type's default unit (docs/records.md). The
 * bounds in another unit are the converted ones, except glucose in mg/dL, where the document
 * states them (9–1,080 mg/dL, i.e. the 18× rule of thumb) and we use them as written.
 */
const PLAUSIBLE: Record<string, readonly [number, number]> = {
  systolic: [40, 300],
  diastolic: [20, 200],
  pulse: [20, 300],
  heart_rate: [20, 300],
  weight: [0.2, 650],
  glucose: [0.5, 60],
  temperature: [25, 45],
};

const STATED_RANGES: Record<string, readonly [number, number]> = {
  "glucose|mg/dL": [9, 1080],
  "temperature|[degF]": [77, 113],
};

/** The plausible [min, max] of a vital field when entered in `unit`. */
export function plausibleRange(field: string, unit: string): readonly [number, number] {
  const stated = STATED_RANGES[`${field}|${unit}`];
  if (stated !== undefined) return stated;
  const range = PLAUSIBLE[field];
  if (range === undefined) throw new RangeError(`no plausible range for ${field}`);
  if (field === "systolic" || field === "diastolic" || field === "pulse") return range;
  const base = defaultUnitOf(unit);
  if (base === unit) return range;
  return [convert(range[0], base, unit), convert(range[1], base, unit)];
}

/** Round to `digits` decimals, half away from zero, without binary artefacts (0.1 + 0.2). */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  const scaled = Math.abs(value) * factor;
  const rounded = Math.floor(scaled + 0.5 + 1e-9) / factor;
  return value < 0 ? -rounded : rounded;
}

/** Decimals worth showing for a vital in a unit (weight to 0.1, glucose mg/dL whole, …). */
export function displayDigits(unit: string): number {
  switch (unit) {
    case "mg/dL":
    case "mm[Hg]":
    case "/min":
      return 0;
    case "mmol/L":
    case "kg":
    case "[lb_av]":
    case "Cel":
    case "[degF]":
      return 1;
    default:
      return 2;
  }
}
