import { describe, expect, it } from "vitest";

import type { FormValues, ParseResult } from "./forms";
import { emptyForm, formFromData, parseForm, parseLabPanel, parseNumber } from "./forms";

const tz = "Europe/Berlin";
const now = Date.parse("2026-03-10T18:30:00.000Z");
const ctx = { timeZone: tz, now };

function ok(result: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected valid input, got ${JSON.stringify(result.errors)}`);
  return result;
}

function errors(result: ParseResult): Record<string, string> {
  if (result.ok) throw new Error("expected errors");
  return result.errors;
}

describe("parseNumber", () => {
  it("reads dots, decimal commas and spaces", () => {
    expect(parseNumber("5.4")).toBe(5.4);
    expect(parseNumber("5,4")).toBe(5.4);
    expect(parseNumber(" 72 ")).toBe(72);
    expect(parseNumber("1 080")).toBe(1080);
    expect(parseNumber("")).toBeNull();
    expect(parseNumber("12abc")).toBeNull();
    expect(parseNumber("1,234,5")).toBeNull();
    expect(parseNumber("Infinity")).toBeNull();
  });
});

describe("vitals", () => {
  it("builds a blood pressure reading in the document's shape", () => {
    const r = ok(
      parseForm(
        "health_data",
        { type: "blood_pressure", unit: "mm[Hg]", systolic: "128", diastolic: "82", pulse: "71", occurred_at: "2026-03-10T08:15" },
        ctx,
      ),
    );
    expect(r.data).toEqual({ type: "blood_pressure", systolic: 128, diastolic: 82, pulse: 71, unit: "mm[Hg]" });
    // 08:15 in Berlin (UTC+1) is 07:15Z.
    expect(r.occurredAt).toBe("2026-03-10T07:15:00.000Z");
  });

  it("names the field in every message and leaves the typed values alone", () => {
    const values: FormValues = {
      type: "blood_pressure",
      unit: "mm[Hg]",
      systolic: "12o",
      diastolic: "",
      occurred_at: "2026-03-10T08:15",
    };
    const copy = { ...values };
    const e = errors(parseForm("health_data", values, ctx));
    expect(e.systolic).toBe("Systolic must be a number (you typed “12o”).");
    expect(e.diastolic).toBe("Diastolic is required.");
    expect(values).toEqual(copy);
  });

  it("enforces the plausible ranges in the unit entered", () => {
    const base = { occurred_at: "2026-03-10T08:15" };
    expect(errors(parseForm("health_data", { ...base, type: "weight", unit: "kg", value: "700" }, ctx)).value).toBe(
      "Weight must be between 0.2 and 650 kg.",
    );
    // 1,400 lb is 635 kg: plausible; 1,500 lb (680 kg) is not.
    expect(ok(parseForm("health_data", { ...base, type: "weight", unit: "[lb_av]", value: "1400" }, ctx)).data).toEqual({
      type: "weight",
      unit: "[lb_av]",
      value: 1400,
    });
    expect(errors(parseForm("health_data", { ...base, type: "weight", unit: "[lb_av]", value: "1500" }, ctx)).value).toBe(
      "Weight must be between 0.4 and 1433 lb.",
    );
    expect(errors(parseForm("health_data", { ...base, type: "temperature", unit: "Cel", value: "46" }, ctx)).value).toBe(
      "Temperature must be between 25 and 45 °C.",
    );
    expect(ok(parseForm("health_data", { ...base, type: "temperature", unit: "[degF]", value: "100.4" }, ctx)).data.value).toBe(100.4);
    expect(errors(parseForm("health_data", { ...base, type: "glucose", unit: "mg/dL", value: "1100" }, ctx)).value).toBe(
      "Glucose must be between 9 and 1080 mg/dL.",
    );
    expect(errors(parseForm("health_data", { ...base, type: "heart_rate", unit: "/min", value: "19" }, ctx)).value).toBe(
      "Heart rate must be between 20 and 300 bpm.",
    );
  });

  it("keeps glucose context, rejects a unit another type uses and diastolic above systolic", () => {
    const g = ok(parseForm("health_data", { type: "glucose", unit: "mmol/L", value: "5,4", context: "fasting", occurred_at: "2026-03-10T07:00" }, ctx));
    expect(g.data).toEqual({ type: "glucose", value: 5.4, unit: "mmol/L", context: "fasting" });
    const e = errors(parseForm("health_data", { type: "glucose", unit: "kg", value: "5", occurred_at: "2026-03-10T07:00" }, ctx));
    expect(e.unit).toBe("Unit must be one of: mmol/L, mg/dL.");
    const bp = errors(parseForm("health_data", { type: "blood_pressure", systolic: "80", diastolic: "90", occurred_at: "2026-03-10T07:00" }, ctx));
    expect(bp.diastolic).toBe("Diastolic must be lower than systolic.");
  });

  it("requires a valid date and time", () => {
    const e = errors(parseForm("health_data", { type: "heart_rate", value: "70", occurred_at: "2026-02-30T10:00" }, ctx));
    expect(e.occurred_at).toBe("Date and time must be a date and time (YYYY-MM-DD HH:MM).");
  });
});

describe("lab results", () => {
  const base = { test: "LDL cholesterol", occurred_at: "2026-03-01T09:00" };
  it("builds a numeric result with its range and panel", () => {
    const r = ok(
      parseForm("lab_result", { ...base, loinc: "13457-7", result: "3.1", unit: "mmol/L", ref_high: "3.0", flag: "high", panel: "Lipid panel" }, ctx),
    );
    expect(r.data).toEqual({
      test: "LDL cholesterol",
      loinc: "13457-7",
      value: 3.1,
      unit: "mmol/L",
      reference_range: { high: 3 },
      flag: "high",
      panel: "Lipid panel",
    });
  });
  it("takes a textual result as value_text", () => {
    const r = ok(parseForm("lab_result", { ...base, test: "Urine glucose", result: "trace" }, ctx));
    expect(r.data).toEqual({ test: "Urine glucose", value_text: "trace" });
  });
  it("names each problem", () => {
    const e = errors(parseForm("lab_result", { occurred_at: base.occurred_at, result: "3.1", ref_low: "5", ref_high: "2", loinc: "abc" }, ctx));
    expect(e.test).toBe("Test is required.");
    expect(e.unit).toBe("Unit is required with a numeric result.");
    expect(e.ref_high).toBe("Reference high must not be lower than reference low.");
    expect(e.loinc).toBe("LOINC code must look like 4548-4.");
  });
  it("validates a panel row by row and shares its time and name", () => {
    const shared = { panel: "Lipid panel", occurred_at: "2026-03-01T09:00", laboratory: "City Lab", tags: "" };
    const rows = [
      { test: "LDL cholesterol", result: "3.1", unit: "mmol/L", ref_high: "3.0" },
      { test: "", result: "", unit: "" }, // an empty row is ignored
      { test: "HDL cholesterol", result: "1.4", unit: "mmol/L", ref_low: "1.0" },
    ];
    const p = parseLabPanel(shared, rows, ctx);
    if (!p.ok) throw new Error(JSON.stringify(p));
    expect(p.results).toHaveLength(2);
    const head = p.results[0];
    if (head === undefined) throw new Error("no first result");
    const first = ok(head);
    expect(first.data).toMatchObject({ panel: "Lipid panel", laboratory: "City Lab", value: 3.1 });
    expect(first.occurredAt).toBe("2026-03-01T08:00:00.000Z");
    const bad = parseLabPanel({ ...shared, panel: "" }, [{ test: "HDL", result: "x1.4", unit: "" }, { test: "LDL", result: "2", unit: "" }], ctx);
    if (bad.ok) throw new Error("expected errors");
    expect(bad.shared.panel).toBe("Panel is required.");
    expect(bad.rows[1]?.unit).toBe("Unit is required with a numeric result.");
    expect(bad.rows[0]).toEqual({});
  });
});

describe("medications", () => {
  it("builds the schedule sorted and starts at midnight UTC of started_on", () => {
    const r = ok(
      parseForm("medication", { name: "Ramipril", strength: "5 mg", form: "tablet", schedule_kind: "daily", times: "20:00, 08:00", started_on: "2026-03-01" }, ctx),
    );
    expect(r.data).toEqual({
      name: "Ramipril",
      strength: "5 mg",
      form: "tablet",
      schedule: { kind: "daily", times: ["08:00", "20:00"] },
      started_on: "2026-03-01",
    });
    expect(r.occurredAt).toBe("2026-03-01T00:00:00.000Z");
  });
  it("orders weekdays and checks the schedule", () => {
    const w = ok(parseForm("medication", { name: "MTX", schedule_kind: "weekly", days: "thu,mon", times: "09:00" }, ctx));
    expect(w.data.schedule).toEqual({ kind: "weekly", days: ["mon", "thu"], times: ["09:00"] });
    expect(w.occurredAt).toBe("2026-03-10T18:30:00.000Z");
    const e = errors(parseForm("medication", { name: "", schedule_kind: "weekly", days: "", times: "25:00", started_on: "2026-03-05", stopped_on: "2026-03-01" }, ctx));
    expect(e.name).toBe("Name is required.");
    expect(e.days).toBe("Days: choose at least one weekday.");
    expect(e.times).toBe("Times: “25:00” is not a time of day (HH:MM, 24 h).");
    expect(e.stopped_on).toBe("Stopped on must not be before Started on.");
    expect(ok(parseForm("medication", { name: "Ibuprofen", schedule_kind: "as_needed", times: "08:00" }, ctx)).data).toEqual({
      name: "Ibuprofen",
      schedule: { kind: "as_needed" },
    });
  });
});

describe("doses, appointments and notes", () => {
  it("builds a skipped dose with its reason", () => {
    const r = ok(parseForm("medication_dose", { medication_id: "m1", status: "skipped", reason: "nausea", occurred_at: "2026-03-10T08:05" }, ctx));
    expect(r.data).toEqual({ medication_id: "m1", status: "skipped", reason: "nausea" });
  });
  it("checks an appointment's duration", () => {
    const e = errors(parseForm("appointment", { title: "Cardiology", duration_minutes: "1.5", occurred_at: "2026-04-01T10:00" }, ctx));
    expect(e.duration_minutes).toBe("Duration (minutes) must be a whole number (you typed “1.5”).");
    const r = ok(parseForm("appointment", { title: "Cardiology", duration_minutes: "30", with: "Dr. Lee", status: "booked", occurred_at: "2026-04-01T10:00" }, ctx));
    expect(r.data).toEqual({ title: "Cardiology", duration_minutes: 30, with: "Dr. Lee", status: "booked" });
  });
  it("limits a note to 20,000 characters and a comment to 2,000", () => {
    const e = errors(parseForm("note", { text: "x".repeat(20001), comment: "y".repeat(2001), occurred_at: "2026-03-10T10:00" }, ctx));
    expect(e.text).toBe("Text is too long (20,001 of at most 20,000 characters).");
    expect(e.comment).toBe("Comment is too long (2,001 of at most 2,000 characters).");
  });
  it("splits tags and caps them at 32", () => {
    const r = ok(parseForm("note", { text: "hello", tags: "diabetes, school ,diabetes", occurred_at: "2026-03-10T10:00" }, ctx));
    expect(r.tags).toEqual(["diabetes", "school"]);
    const many = Array.from({ length: 33 }, (_, i) => `t${i}`).join(",");
    expect(errors(parseForm("note", { text: "x", tags: many, occurred_at: "2026-03-10T10:00" }, ctx)).tags).toBe("Tags: at most 32 (you have 33).");
  });
});

describe("editing keeps what this app does not know", () => {
  it("round-trips a record through its form and keeps unknown keys", () => {
    const data = {
      test: "LDL cholesterol",
      value: 3.1,
      unit: "mmol/L",
      reference_range: { high: 3.0, source: "lab sheet" },
      specimen: "serum",
      flag: "high",
    };
    const values = formFromData("lab_result", data, "2026-03-01T08:00:00.000Z", ["lipids"], tz);
    expect(values.occurred_at).toBe("2026-03-01T09:00");
    expect(values.result).toBe("3.1");
    const edited = ok(
      parseForm("lab_result", { ...values, result: "2.9", flag: "" }, { ...ctx, original: { data, occurredAt: "2026-03-01T08:00:00.000Z" } }),
    );
    expect(edited.data).toEqual({
      test: "LDL cholesterol",
      value: 2.9,
      unit: "mmol/L",
      reference_range: { high: 3.0, source: "lab sheet" },
      specimen: "serum",
    });
    expect(edited.occurredAt).toBe("2026-03-01T08:00:00.000Z");
    expect(edited.tags).toEqual(["lipids"]);
  });

  it("keeps a medication's start when it has no started_on", () => {
    const data = { name: "Ramipril", schedule: { kind: "daily", times: ["08:00"] }, pharmacy: "Corner" };
    const values = formFromData("medication", data, "2026-02-01T10:00:00.000Z", [], tz);
    const edited = ok(parseForm("medication", { ...values, strength: "10 mg" }, { ...ctx, original: { data, occurredAt: "2026-02-01T10:00:00.000Z" } }));
    expect(edited.occurredAt).toBe("2026-02-01T10:00:00.000Z");
    expect(edited.data).toEqual({ name: "Ramipril", strength: "10 mg", schedule: { kind: "daily", times: ["08:00"] }, pharmacy: "Corner" });
  });

  it("starts new forms with sensible defaults", () => {
    expect(emptyForm("health_data", now, tz, "weight")).toMatchObject({ type: "weight", unit: "kg", occurred_at: "2026-03-10T19:30" });
    expect(emptyForm("medication", now, tz)).toMatchObject({ schedule_kind: "daily", times: "08:00" });
  });
});
