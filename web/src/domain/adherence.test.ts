import { describe, expect, it } from "vitest";

import { adherence, formatAdherence, roundedPercent, suggestSlot } from "./adherence";
import { dose, rec } from "./testRecords";

// Every expected number below was counted by hand from docs/records.md ("Adherence"); the
// comments show the count.

describe("roundedPercent (whole percentage, half up)", () => {
  it("rounds halves up and the rest to nearest", () => {
    expect(roundedPercent(1, 8)).toBe(13); // 12.5
    expect(roundedPercent(5, 8)).toBe(63); // 62.5
    expect(roundedPercent(7, 8)).toBe(88); // 87.5
    expect(roundedPercent(1, 3)).toBe(33); // 33.33…
    expect(roundedPercent(2, 3)).toBe(67); // 66.67…
    expect(roundedPercent(8, 13)).toBe(62); // 61.54…
    expect(roundedPercent(0, 5)).toBe(0);
    expect(roundedPercent(5, 5)).toBe(100);
  });
  it("is undefined when nothing is expected", () => {
    expect(roundedPercent(0, 0)).toBeNull();
  });
});

describe("daily schedule in Europe/Berlin (UTC+1 in March before the switch)", () => {
  const tz = "Europe/Berlin";
  const med = rec("medication", "2026-03-01T00:00:00.000Z", {
    name: "Ramipril",
    strength: "5 mg",
    schedule: { kind: "daily", times: ["08:00", "20:00"] },
    started_on: "2026-03-01",
  });
  const other = rec("medication", "2026-03-01T00:00:00.000Z", {
    name: "Other",
    schedule: { kind: "daily", times: ["08:00"] },
  });
  // now: 2026-03-10 19:30 in Berlin: today's 08:00 slot is due, 20:00 is not yet.
  const now = "2026-03-10T18:30:00.000Z";
  const doses = [
    dose(med.id, "2026-02-28T07:00:00.000Z"), // before started_on: that day expects nothing
    dose(med.id, "2026-03-03T22:59:00.000Z"), // 23:59 on 03-03 in Berlin
    dose(med.id, "2026-03-04T07:05:00.000Z"),
    dose(med.id, "2026-03-04T19:10:00.000Z"), // 03-04: 2
    dose(med.id, "2026-03-05T07:00:00.000Z"),
    dose(med.id, "2026-03-05T08:00:00.000Z"),
    dose(med.id, "2026-03-05T19:00:00.000Z"), // 03-05: 3, capped at 2
    dose(med.id, "2026-03-06T07:00:00.000Z"),
    dose(med.id, "2026-03-06T19:00:00.000Z", "skipped"), // 03-06: 1 (a skip is not taken)
    dose(other.id, "2026-03-07T07:00:00.000Z"), // another medication: ignored
    dose(med.id, "2026-03-08T23:30:00.000Z"), // 00:30 on 03-09 in Berlin
    dose(med.id, "2026-03-09T19:00:00.000Z"), // 03-09: 2
    dose(med.id, "2026-03-10T07:00:00.000Z"),
    dose(med.id, "2026-03-10T17:00:00.000Z"), // 03-10: 2, capped at today's 1 due slot
    dose(med.id, "2026-03-10T21:00:00.000Z"), // after now, but on today: still capped
  ];

  it("over 7 days: 03-04…03-10, expected 6×2+1 = 13, taken 2+2+1+0+0+2+1 = 8 → 62 %", () => {
    const a = adherence(med, [...doses, other], 7, now, tz);
    expect(a).toEqual({ days: 7, expected: 13, taken: 8, percent: 62 });
    expect(formatAdherence(a)).toBe("62 %");
  });

  it("over 30 days: only 03-01…03-10 are current, expected 9×2+1 = 19, taken 8+1 = 9 → 47 %", () => {
    expect(adherence(med, doses, 30, now, tz)).toEqual({
      days: 30,
      expected: 19,
      taken: 9,
      percent: 47,
    });
  });

  it("a slot at exactly now is due", () => {
    // 20:00 Berlin = 19:00Z: both of today's slots are due, expected 6×2+2 = 14, taken 8+1 = 9.
    expect(adherence(med, doses, 7, "2026-03-10T19:00:00.000Z", tz)).toMatchObject({
      expected: 14,
      taken: 9,
      percent: 64, // 64.29
    });
    // One millisecond earlier the 20:00 slot is still ahead.
    expect(adherence(med, doses, 7, "2026-03-10T18:59:59.999Z", tz)).toMatchObject({
      expected: 13,
      taken: 8,
    });
  });
});

describe("weekly schedule (Mondays and Thursdays at 09:00, UTC)", () => {
  const med = rec("medication", "2026-02-20T00:00:00.000Z", {
    name: "Methotrexate",
    schedule: { kind: "weekly", days: ["mon", "thu"], times: ["09:00"] },
    started_on: "2026-02-20",
  });
  const doses = [dose(med.id, "2026-03-09T10:00:00.000Z"), dose(med.id, "2026-03-12T08:30:00.000Z")];

  it("7 days ending Thursday 2026-03-12 09:00: Mon 03-09 and Thu 03-12 → 2 of 2", () => {
    expect(adherence(med, doses, 7, "2026-03-12T09:00:00.000Z", "UTC")).toEqual({
      days: 7,
      expected: 2,
      taken: 2,
      percent: 100,
    });
  });

  it("before 09:00 on Thursday that day expects nothing, so its early dose counts nothing", () => {
    expect(adherence(med, doses, 7, "2026-03-12T08:59:59.999Z", "UTC")).toEqual({
      days: 7,
      expected: 1,
      taken: 1,
      percent: 100,
    });
  });

  it("30 days: Mondays 02-23, 03-02, 03-09 and Thursdays 02-26, 03-05, 03-12 → 2 of 6", () => {
    // The window starts 02-11, but started_on 02-20 drops Thu 02-12, Mon 02-16 and Thu 02-19.
    expect(adherence(med, doses, 30, "2026-03-12T09:00:00.000Z", "UTC")).toEqual({
      days: 30,
      expected: 6,
      taken: 2,
      percent: 33,
    });
  });
});

describe("stopped, future and as-needed medications", () => {
  it("counts nothing after stopped_on", () => {
    const med = rec("medication", "2026-03-01T00:00:00.000Z", {
      name: "Amoxicillin",
      schedule: { kind: "daily", times: ["08:00"] },
      started_on: "2026-03-01",
      stopped_on: "2026-03-05",
    });
    const doses = [dose(med.id, "2026-03-04T08:00:00.000Z"), dose(med.id, "2026-03-06T08:00:00.000Z")];
    // Window 03-04…03-10; current on 03-04 and 03-05 only; the 03-06 dose has no slot.
    expect(adherence(med, doses, 7, "2026-03-10T12:00:00.000Z", "UTC")).toEqual({
      days: 7,
      expected: 2,
      taken: 1,
      percent: 50,
    });
  });

  it("is undefined (—) when nothing was expected yet", () => {
    const med = rec("medication", "2026-03-11T00:00:00.000Z", {
      name: "Later",
      schedule: { kind: "daily", times: ["08:00"] },
      started_on: "2026-03-11",
    });
    const a = adherence(med, [], 7, "2026-03-10T12:00:00.000Z", "UTC");
    expect(a).toEqual({ days: 7, expected: 0, taken: 0, percent: null });
    expect(formatAdherence(a)).toBe("—");
  });

  it("is not computed for an as-needed schedule", () => {
    const med = rec("medication", "2026-03-01T00:00:00.000Z", {
      name: "Ibuprofen",
      schedule: { kind: "as_needed" },
    });
    expect(adherence(med, [dose(med.id, "2026-03-09T10:00:00.000Z")], 7, "2026-03-10T12:00:00.000Z", "UTC")).toBeNull();
    expect(formatAdherence(null)).toBe("—");
  });

  it("days follow the account's time zone, not UTC", () => {
    // Tokyo is UTC+9: 2026-03-09T16:00Z is 01:00 on 03-10 there.
    const med = rec("medication", "2026-03-01T00:00:00.000Z", {
      name: "Levothyroxine",
      schedule: { kind: "daily", times: ["00:30"] },
      started_on: "2026-03-10",
    });
    const doses = [dose(med.id, "2026-03-09T16:00:00.000Z")];
    // now 03-10 09:00 Tokyo: window 03-04…03-10, current only on 03-10, its 00:30 slot is due.
    expect(adherence(med, doses, 7, "2026-03-10T00:00:00.000Z", "Asia/Tokyo")).toEqual({
      days: 7,
      expected: 1,
      taken: 1,
      percent: 100,
    });
    // Read in UTC the same instant is 03-09, before started_on, and today (03-10 00:00) has no
    // slot due yet: nothing expected.
    expect(adherence(med, doses, 7, "2026-03-10T00:00:00.000Z", "UTC")).toMatchObject({
      expected: 0,
      percent: null,
    });
  });
});

describe("suggestSlot", () => {
  const med = rec("medication", "2026-03-01T00:00:00.000Z", {
    name: "Ramipril",
    schedule: { kind: "daily", times: ["08:00", "20:00"] },
  });
  it("picks today's nearest slot no dose answers yet", () => {
    expect(suggestSlot(med, [], "2026-03-10T08:40:00.000Z", "UTC")).toBe("2026-03-10T08:00:00.000Z");
    const answered = rec("medication_dose", "2026-03-10T08:05:00.000Z", {
      medication_id: med.id,
      status: "taken",
      scheduled_for: "2026-03-10T08:00:00.000Z",
    });
    expect(suggestSlot(med, [answered], "2026-03-10T08:40:00.000Z", "UTC")).toBe(
      "2026-03-10T20:00:00.000Z",
    );
  });
});
