import { describe, expect, it } from "vitest";

import {
  addDays,
  fromLocalInput,
  isDate,
  localDate,
  midnightUtc,
  toLocalInput,
  weekdayOf,
  zonedInstant,
} from "./time";

describe("calendar days", () => {
  it("reads the day of an instant in the account's zone", () => {
    expect(localDate("2026-03-09T23:30:00.000Z", "Europe/Berlin")).toBe("2026-03-10");
    expect(localDate("2026-03-09T23:30:00.000Z", "UTC")).toBe("2026-03-09");
    expect(localDate("2026-03-10T03:00:00.000Z", "America/Los_Angeles")).toBe("2026-03-09");
  });
  it("adds days across month and year ends", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });
  it("knows weekdays", () => {
    expect(weekdayOf("2026-03-12")).toBe("thu");
    expect(weekdayOf("2026-03-01")).toBe("sun");
    expect(weekdayOf("2026-03-02")).toBe("mon");
  });
  it("rejects impossible dates", () => {
    expect(isDate("2026-02-29")).toBe(false);
    expect(isDate("2024-02-29")).toBe(true);
    expect(isDate("2026-13-01")).toBe(false);
    expect(isDate("26-01-01")).toBe(false);
  });
  it("writes a medication's start as midnight UTC", () => {
    expect(midnightUtc("2026-03-01")).toBe("2026-03-01T00:00:00.000Z");
  });
});

describe("wall clock to instant", () => {
  it("maps ordinary times with the zone's offset", () => {
    // Berlin is UTC+1 in winter and UTC+2 in summer.
    expect(new Date(zonedInstant("2026-01-15", "08:00", "Europe/Berlin")).toISOString()).toBe(
      "2026-01-15T07:00:00.000Z",
    );
    expect(new Date(zonedInstant("2026-07-15", "08:00", "Europe/Berlin")).toISOString()).toBe(
      "2026-07-15T06:00:00.000Z",
    );
  });
  it("moves a time skipped by spring-forward later by the jump", () => {
    // New York skips 02:00–03:00 on 2026-03-08; 02:30 EST (UTC−5) is 07:30Z = 03:30 EDT.
    expect(new Date(zonedInstant("2026-03-08", "02:30", "America/New_York")).toISOString()).toBe(
      "2026-03-08T07:30:00.000Z",
    );
  });
  it("maps a repeated time after fall-back to its first occurrence", () => {
    // 01:30 happens twice on 2026-11-01 in New York; the first is EDT (UTC−4): 05:30Z.
    expect(new Date(zonedInstant("2026-11-01", "01:30", "America/New_York")).toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });
  it("round-trips datetime-local input values", () => {
    const ms = fromLocalInput("2026-03-10T19:30", "Europe/Berlin");
    expect(ms).toBe(Date.parse("2026-03-10T18:30:00.000Z"));
    expect(toLocalInput("2026-03-10T18:30:00.000Z", "Europe/Berlin")).toBe("2026-03-10T19:30");
    expect(fromLocalInput("2026-02-30T10:00", "UTC")).toBeNull();
    expect(fromLocalInput("yesterday", "UTC")).toBeNull();
  });
});
