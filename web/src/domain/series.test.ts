import { describe, expect, it } from "vitest";

import { analyteKey, labAnalytes, labSeries, vitalSeries, vitalTypesPresent } from "./series";
import { rec } from "./testRecords";

describe("vital series", () => {
  const records = [
    rec("health_data", "2026-03-02T08:00:00.000Z", { type: "weight", value: 70, unit: "kg" }),
    rec("health_data", "2026-03-01T08:00:00.000Z", { type: "weight", value: 154, unit: "[lb_av]" }),
    rec("health_data", "2026-03-03T08:00:00.000Z", { type: "blood_pressure", systolic: 128, diastolic: 82, pulse: 71, unit: "mm[Hg]" }),
    rec("health_data", "2026-03-04T08:00:00.000Z", { type: "heart_rate", value: 64, unit: "/min" }),
    rec("note", "2026-03-04T08:00:00.000Z", { text: "not a vital" }),
  ];

  it("sorts by time and converts every point to the chart's unit", () => {
    const chart = vitalSeries(records, "weight", "kg", { adult: true, title: "Weight" });
    expect(chart.x).toEqual([Date.parse("2026-03-01T08:00:00Z") / 1000, Date.parse("2026-03-02T08:00:00Z") / 1000]);
    // 154 lb × 0.45359237 = 69.853… kg, shown to two decimals.
    expect(chart.lines).toEqual([{ label: "Weight", values: [69.85, 70] }]);
    expect(chart.bands).toEqual([]); // weight has no reference range
    const lb = vitalSeries(records, "weight", "[lb_av]", { adult: true, title: "Weight" });
    expect(lb.lines[0]?.values).toEqual([154, 154.32]); // 70 / 0.45359237 = 154.32…
  });

  it("draws systolic and diastolic with the adult ranges, none for a child", () => {
    const adult = vitalSeries(records, "blood_pressure", "mm[Hg]", { adult: true, title: "Blood pressure" });
    expect(adult.lines).toEqual([
      { label: "Systolic", values: [128] },
      { label: "Diastolic", values: [82] },
    ]);
    expect(adult.bands.map((b) => [b.label, b.low, b.high])).toEqual([
      ["Systolic, typical adult range", [90], [120]],
      ["Diastolic, typical adult range", [60], [80]],
    ]);
    expect(vitalSeries(records, "blood_pressure", "mm[Hg]", { adult: false, title: "BP" }).bands).toEqual([]);
  });

  it("puts the pulse of a blood-pressure reading on the heart-rate chart", () => {
    const hr = vitalSeries(records, "heart_rate", "/min", { adult: true, title: "Heart rate" });
    expect(hr.lines[0]?.values).toEqual([71, 64]);
    expect(hr.bands[0]?.low).toEqual([60, 60]);
    expect(hr.bands[0]?.high).toEqual([100, 100]);
  });

  it("converts the glucose guide range to mg/dL", () => {
    const g = [rec("health_data", "2026-03-01T07:00:00.000Z", { type: "glucose", value: 5.0, unit: "mmol/L" })];
    const chart = vitalSeries(g, "glucose", "mg/dL", { adult: true, title: "Glucose" });
    expect(chart.lines[0]?.values).toEqual([90.1]); // 5.0 × 18.0156 = 90.078
    expect(chart.bands[0]?.low).toEqual([70]); // 3.9 × 18.0156 = 70.26 → 70
    expect(chart.bands[0]?.high).toEqual([99]); // 5.5 × 18.0156 = 99.09 → 99
  });

  it("lists the vital types present in display order", () => {
    expect(vitalTypesPresent(records)).toEqual(["blood_pressure", "heart_rate", "weight"]);
    // A pulse recorded with a blood pressure brings the heart-rate chart on its own.
    const bpOnly = [rec("health_data", "2026-03-03T08:00:00.000Z", { type: "blood_pressure", systolic: 128, diastolic: 82, pulse: 71, unit: "mm[Hg]" })];
    expect(vitalTypesPresent(bpOnly)).toEqual(["blood_pressure", "heart_rate"]);
    const noPulse = [rec("health_data", "2026-03-03T08:00:00.000Z", { type: "blood_pressure", systolic: 128, diastolic: 82, unit: "mm[Hg]" })];
    expect(vitalTypesPresent(noPulse)).toEqual(["blood_pressure"]);
  });
});

describe("lab series", () => {
  const records = [
    rec("lab_result", "2026-01-10T08:00:00.000Z", { test: "HbA1c", loinc: "4548-4", value: 6.1, unit: "%", reference_range: { low: 4.0, high: 5.6 } }),
    rec("lab_result", "2026-02-10T08:00:00.000Z", { test: "Hemoglobin A1c", loinc: "4548-4", value: 5.9, unit: "%", reference_range: { high: 5.7 } }),
    rec("lab_result", "2026-03-10T08:00:00.000Z", { test: "HbA1c", loinc: "4548-4", value: 41, unit: "mmol/mol" }),
    rec("lab_result", "2026-03-10T08:00:00.000Z", { test: "Urine glucose", value_text: "negative" }),
    rec("lab_result", "2026-03-10T08:00:00.000Z", { test: " LDL  cholesterol", value: 3.1, unit: "mmol/L" }),
  ];

  it("groups by LOINC (else name) and picks the most used unit", () => {
    const analytes = labAnalytes(records);
    expect(analytes).toEqual([
      // Named as its latest numeric result names it (the 03-10 one, in mmol/mol).
      { key: "loinc:4548-4", test: "HbA1c", unit: "%", count: 2 },
      { key: "test:ldl cholesterol", test: "LDL  cholesterol", unit: "mmol/L", count: 1 },
    ]);
    expect(analyteKey("LDL Cholesterol", null)).toBe("test:ldl cholesterol");
  });

  it("draws each result's own reference range and skips other units", () => {
    const a = labAnalytes(records)[0];
    if (a === undefined) throw new Error("no analyte");
    const chart = labSeries(records, a);
    expect(chart.lines[0]?.values).toEqual([6.1, 5.9]);
    expect(chart.bands).toEqual([{ label: "Reference range", low: [4.0, null], high: [5.6, 5.7] }]);
    expect(chart.skipped).toBe(1);
    expect(chart.unit).toBe("%");
  });
});
