import { describe, expect, it } from "vitest";

import { convert, convertible, plausibleRange, roundTo, unitLabel } from "./units";

describe("unit conversion", () => {
  it("converts weight with the exact avoirdupois pound (0.45359237 kg)", () => {
    expect(convert(70, "kg", "[lb_av]")).toBeCloseTo(154.3236, 4); // 70 / 0.45359237
    expect(convert(100, "[lb_av]", "kg")).toBeCloseTo(45.359237, 9);
  });
  it("converts temperature between Celsius and Fahrenheit", () => {
    expect(convert(37, "Cel", "[degF]")).toBeCloseTo(98.6, 10);
    expect(convert(100, "[degF]", "Cel")).toBeCloseTo(37.7778, 4); // (100 - 32) × 5/9
    expect(convert(-40, "Cel", "[degF]")).toBeCloseTo(-40, 10);
  });
  it("converts glucose with its molar mass (180.156 g/mol)", () => {
    expect(convert(5.5, "mmol/L", "mg/dL")).toBeCloseTo(99.0858, 4);
    expect(convert(180.156, "mg/dL", "mmol/L")).toBeCloseTo(10, 10);
  });
  it("refuses to convert between quantities", () => {
    expect(convertible("kg", "mmol/L")).toBe(false);
    expect(() => convert(1, "kg", "mmol/L")).toThrow(RangeError);
    expect(convert(120, "mm[Hg]", "mm[Hg]")).toBe(120);
  });
});

describe("plausible ranges", () => {
  it("states the document's bounds in each unit", () => {
    expect(plausibleRange("systolic", "mm[Hg]")).toEqual([40, 300]);
    expect(plausibleRange("glucose", "mg/dL")).toEqual([9, 1080]);
    expect(plausibleRange("temperature", "[degF]")).toEqual([77, 113]);
    const [lo, hi] = plausibleRange("weight", "[lb_av]");
    expect(lo).toBeCloseTo(0.4409, 4); // 0.2 / 0.45359237
    expect(hi).toBeCloseTo(1433.0, 1); // 650 / 0.45359237
  });
});

describe("labels and rounding", () => {
  it("shows friendly labels for UCUM codes", () => {
    expect(unitLabel("mm[Hg]")).toBe("mmHg");
    expect(unitLabel("Cel")).toBe("°C");
    expect(unitLabel("[lb_av]")).toBe("lb");
    expect(unitLabel("mmol/L")).toBe("mmol/L");
    expect(unitLabel(null)).toBe("");
  });
  it("rounds half away from zero without binary artefacts", () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(0.1 + 0.2, 1)).toBe(0.3);
    expect(roundTo(-2.5, 0)).toBe(-3);
  });
});
