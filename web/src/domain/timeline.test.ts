import { describe, expect, it } from "vitest";

import { loadLanguage, setLanguage } from "../i18n";

import {
  appointmentsUpcomingFirst,
  filterRecords,
  medicationNames,
  newestFirst,
  summarize,
  timelineRows,
} from "./timeline";
import { rec } from "./testRecords";

const tz = "Europe/Berlin";

describe("filtering", () => {
  const late = rec("note", "2026-03-09T23:30:00.000Z", { text: "after midnight in Berlin" });
  const vital = rec("health_data", "2026-03-09T10:00:00.000Z", { type: "heart_rate", value: 70, unit: "/min" });
  const lab = rec("lab_result", "2026-03-01T10:00:00.000Z", { test: "TSH", value: 2.1, unit: "m[IU]/L" });
  const all = [late, vital, lab];

  it("filters by kind", () => {
    expect(filterRecords(all, { kinds: ["note", "lab_result"], from: null, to: null }, tz)).toEqual([late, lab]);
    expect(filterRecords(all, { kinds: [], from: null, to: null }, tz)).toEqual(all);
  });

  it("filters by calendar days in the account's zone, both ends included", () => {
    // 23:30Z on 03-09 is 00:30 on 03-10 in Berlin.
    expect(filterRecords(all, { kinds: null, from: "2026-03-10", to: "2026-03-10" }, tz)).toEqual([late]);
    expect(filterRecords(all, { kinds: null, from: "2026-03-09", to: "2026-03-09" }, tz)).toEqual([vital]);
    expect(filterRecords(all, { kinds: null, from: null, to: "2026-03-09" }, tz)).toEqual([vital, lab]);
    expect(filterRecords(all, { kinds: null, from: "2026-03-09", to: "2026-03-09" }, "UTC")).toEqual([late, vital]);
  });

  it("searches summaries and tags", () => {
    const tagged = rec("note", "2026-03-02T10:00:00.000Z", { text: "x" }, { tags: ["school"] });
    expect(filterRecords([...all, tagged], { kinds: null, from: null, to: null, text: "tsh" }, tz)).toEqual([lab]);
    expect(filterRecords([...all, tagged], { kinds: null, from: null, to: null, text: "SCHOOL" }, tz)).toEqual([tagged]);
  });
});

describe("order", () => {
  it("sorts newest first by the instant, whatever form its time is written in, ties by id", () => {
    const a = rec("note", "2026-03-10T10:00:00.000Z", { text: "a" });
    // 10:30 in UTC written with an offset: newer than `a` though its text sorts before it.
    const b = rec("note", "2026-03-10T11:30:00+01:00", { text: "b" });
    const c = rec("note", "2026-03-09T23:59:59.999Z", { text: "c" });
    const d = rec("note", "2026-03-10T00:00:00.000Z", { text: "d" });
    const tie = { ...d, id: `${d.id}-z` };
    const older = rec("note", "1999-12-31T23:00:00.000Z", { text: "older" });
    expect([c, older, a, d, b, tie].sort(newestFirst)).toEqual([b, a, tie, d, c, older]);
  });
});

describe("rows", () => {
  it("heads each day and shows a panel's results together", () => {
    const t = "2026-03-01T08:00:00.000Z";
    const ldl = rec("lab_result", t, { test: "LDL", value: 3.1, unit: "mmol/L", panel: "Lipid panel" });
    const hdl = rec("lab_result", t, { test: "HDL", value: 1.4, unit: "mmol/L", panel: "Lipid panel" });
    const note = rec("note", "2026-03-02T08:00:00.000Z", { text: "n" });
    const rows = timelineRows([ldl, note, hdl], tz);
    expect(rows.map((r) => r.type)).toEqual(["day", "record", "day", "panel"]);
    const panel = rows[3];
    if (panel?.type !== "panel") throw new Error("no panel row");
    expect(panel.records.map((r) => r.data.test)).toEqual(["HDL", "LDL"]);
    expect(rows[2]).toMatchObject({ date: "2026-03-01", count: 2 });
  });
});

describe("appointments", () => {
  it("lists upcoming ones soonest first, then past ones latest first", () => {
    const now = "2026-03-10T12:00:00.000Z";
    const a = rec("appointment", "2026-03-20T09:00:00.000Z", { title: "later" });
    const b = rec("appointment", "2026-03-11T09:00:00.000Z", { title: "soon" });
    const c = rec("appointment", "2026-03-01T09:00:00.000Z", { title: "long ago" });
    const d = rec("appointment", "2026-03-09T09:00:00.000Z", { title: "yesterday" });
    const { upcoming, past } = appointmentsUpcomingFirst([a, b, c, d], now);
    expect(upcoming.map((r) => r.data.title)).toEqual(["soon", "later"]);
    expect(past.map((r) => r.data.title)).toEqual(["yesterday", "long ago"]);
  });
});

describe("summaries", () => {
  it("describes each kind in one line", () => {
    const med = rec("medication", "2026-03-01T00:00:00.000Z", { name: "Ramipril", strength: "5 mg", schedule: { kind: "daily", times: ["08:00", "20:00"] } });
    const names = medicationNames([med]);
    expect(summarize(med)).toEqual({ title: "Ramipril", detail: "5 mg · daily at 08:00, 20:00", badge: "", tone: "" });
    expect(summarize(rec("medication_dose", "2026-03-01T08:00:00.000Z", { medication_id: med.id, status: "taken" }), names)).toEqual({
      title: "Ramipril 5 mg",
      detail: "taken",
      badge: "taken",
      tone: "taken",
    });
    expect(summarize(rec("health_data", "2026-03-01T08:00:00.000Z", { type: "blood_pressure", systolic: 128, diastolic: 82, unit: "mm[Hg]" })).detail).toBe("128/82 mmHg");
    expect(summarize(rec("lab_result", "2026-03-01T08:00:00.000Z", { test: "LDL", value: 3.1, unit: "mmol/L", reference_range: { low: 0, high: 3 } }))).toEqual({
      title: "LDL",
      detail: "3.1 mmol/L (ref. 0–3)",
      badge: "high", // derived: 3.1 is above the high bound
      tone: "high",
    });
    // One bound is enough to flag: 3.1 is above a high of 3.0, 0.9 below a low of 1.0.
    expect(summarize(rec("lab_result", "2026-03-01T08:00:00.000Z", { test: "LDL", value: 3.1, unit: "mmol/L", reference_range: { high: 3.0 } })).badge).toBe("high");
    expect(summarize(rec("lab_result", "2026-03-01T08:00:00.000Z", { test: "HDL", value: 0.9, unit: "mmol/L", reference_range: { low: 1.0 } })).badge).toBe("low");
    expect(summarize(rec("lab_result", "2026-03-01T08:00:00.000Z", { test: "HDL", value: 1.4, unit: "mmol/L", reference_range: { low: 1.0 } })).badge).toBe("normal");
    expect(summarize(rec("lab_result", "2026-03-01T08:00:00.000Z", { test: "CRP", value: 4, unit: "mg/L", reference_range: { text: "< 5" } })).badge).toBe("");
    // An explicit flag wins over the range.
    expect(summarize(rec("lab_result", "2026-03-01T08:00:00.000Z", { test: "K", value: 6.5, unit: "mmol/L", reference_range: { low: 3.5, high: 5.1 }, flag: "critical_high" })).badge).toBe("critically high");
    expect(summarize(rec("note", "2026-03-01T08:00:00.000Z", { nonsense: true })).detail).toBe(
      "This record's contents are in a form this app does not know.",
    );
  });

  it("says enum values, units of time and schedules in the interface language, with a tone that does not change", async () => {
    await loadLanguage("de");
    setLanguage("de");
    try {
      const med = rec("medication", "2026-03-01T00:00:00.000Z", {
        name: "Ramipril",
        schedule: { kind: "weekly", days: ["mon", "thu"], times: ["08:00"] },
        stopped_on: "2026-04-01",
      });
      expect(summarize(med)).toEqual({ title: "Ramipril", detail: "Mo, Do um 08:00", badge: "abgesetzt am 2026-04-01", tone: "stopped" });
      const names = medicationNames([med]);
      expect(summarize(rec("medication_dose", "2026-03-01T08:00:00.000Z", { medication_id: med.id, status: "skipped", reason: "Übelkeit" }), names)).toEqual({
        title: "Ramipril",
        detail: "ausgelassen: Übelkeit",
        badge: "ausgelassen",
        tone: "skipped",
      });
      const k = summarize(rec("lab_result", "2026-03-01T08:00:00.000Z", { test: "K", value: 6.5, unit: "mmol/L", reference_range: { low: 3.5, high: 5.1 }, flag: "critical_high" }));
      expect(k.detail).toBe("6.5 mmol/L (Ref. 3.5–5.1)");
      expect(k.tone).toBe("critically-high");
      expect(k.badge).not.toBe("critically high");
      expect(summarize(rec("health_data", "2026-03-01T08:00:00.000Z", { type: "glucose", value: 5.2, unit: "mmol/L", context: "before_meal" })).detail).toBe("5.2 mmol/L · vor dem Essen");
      expect(summarize(rec("health_data", "2026-03-01T08:00:00.000Z", { type: "blood_pressure", systolic: 128, diastolic: 82, pulse: 70, unit: "mm[Hg]" })).detail).toBe("128/82 mmHg · Puls 70 bpm");
      const visit = summarize(rec("appointment", "2026-03-01T08:00:00.000Z", { title: "Kardiologie", duration_minutes: 30, status: "cancelled" }));
      expect(visit).toEqual({ title: "Kardiologie", detail: "30 Min.", badge: "abgesagt", tone: "cancelled" });
    } finally {
      setLanguage("en");
    }
  });
});
