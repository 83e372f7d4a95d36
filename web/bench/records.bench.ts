// Records figures of the web app (printed, never asserted): with 5,000 encrypted records in one
// profile, the time from opening the profile to its first decrypted rows on screen (first
// meaningful paint of the timeline), to all 5,000 decrypted and rendered, and the frames while
// scrolling the virtualised list. Seeding goes through the real API with the app's own crypto.
import { expect, logIn, test } from "../e2e/fixtures";
import type { RecordDraft } from "../src/features/records/source";
import { load, median, profiled } from "./figures";
import { benchAccount, timelineName } from "./seed";

const COUNT = Number(process.env.BENCH_RECORDS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
// Concurrent creates: the server answers several at once (each is an idempotent POST with its own id).
const WRITERS = Number(process.env.BENCH_WRITERS ?? 24);
const PASSWORD = "correct horse battery staple";

function report(name: string, value: string, target: string): void {
  console.log(`BENCH ${name.padEnd(42)} ${value.padStart(12)}   target ${target}`);
}

/** A plausible mix of kinds over the last two years. */
function draft(i: number, medicationId: string): RecordDraft {
  const at = new Date(Date.now() - i * 3 * 3_600_000).toISOString();
  switch (i % 5) {
    case 0:
      return { kind: "health_data", data: { type: "blood_pressure", systolic: 110 + (i % 30), diastolic: 70 + (i % 15), unit: "mm[Hg]" }, occurredAt: at, tags: [] };
    case 1:
      return { kind: "health_data", data: { type: "weight", value: 70 + (i % 50) / 10, unit: "kg" }, occurredAt: at, tags: [] };
    case 2:
      return { kind: "medication_dose", data: { medication_id: medicationId, status: i % 7 === 0 ? "skipped" : "taken" }, occurredAt: at, tags: [] };
    case 3:
      return {
        kind: "lab_result",
        data: { test: "HbA1c", loinc: "4548-4", value: 5 + (i % 20) / 10, unit: "%", reference_range: { low: 4, high: 5.6 }, panel: "Diabetes check" },
        occurredAt: at,
        tags: ["diabetes"],
      };
    default:
      return { kind: "note", data: { title: `Note ${i}`, text: `Observation number ${i}: slept well, no fever.` }, occurredAt: at, tags: [] };
  }
}

test("5,000 records: first rows, all rows decrypted and rendered, scrolling", async ({ page }) => {
  const apiUrl = process.env.NORMOGEN_API_URL;
  if (!apiUrl) throw new Error("NORMOGEN_API_URL is not set: global-setup did not run");
  const { user, profileId, source } = await benchAccount(apiUrl, PASSWORD);
  const medication = await source.create(profileId, crypto.randomUUID(), {
    kind: "medication",
    data: { name: "Metformin", strength: "500 mg", schedule: { kind: "daily", times: ["08:00", "20:00"] } },
    occurredAt: new Date(Date.now() - 800 * 86_400_000).toISOString(),
    tags: [],
  });
  const seedStart = Date.now();
  let next = 1;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < COUNT) {
        const i = next++;
        await source.create(profileId, crypto.randomUUID(), draft(i, medication.id));
      }
    }),
  );
  report(`seeding ${COUNT} records (API, ${WRITERS} writers)`, `${((Date.now() - seedStart) / 1000).toFixed(1)} s`, "- (setup, not a target)");

  report("load average (1/5/15 min) before measuring", load(), "-");
  await logIn(page, user.email, PASSWORD);
  await expect(page.getByRole("link", { name: /^Benchmark/ })).toBeVisible();
  const first: number[] = [];
  const all: number[] = [];
  // Paint times: each app mark, then the frame after it (when the browser has painted it); the
  // start is when the profile's records begin to load (the click on round 1; after unlocking,
  // the app returns to the timeline and loads it again, from the local copy).
  const observe = () =>
    page.evaluate(() => {
      const w = window as unknown as { __paint: Record<string, number>; __t0: number | undefined };
      w.__paint = {};
      w.__t0 = undefined;
      performance.clearResourceTimings();
      performance.setResourceTimingBufferSize(1000);
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (entry.name === "normogen:records-load-start") {
            w.__t0 ??= entry.startTime;
            continue;
          }
          requestAnimationFrame(() => {
            setTimeout(() => {
              w.__paint[entry.name] = performance.now();
            }, 0);
          });
        }
      }).observe({ type: "mark" });
    });
  const openRound = async (round: number): Promise<{ first: number; all: number }> => {
    if (round > 0) {
      // Locking drops the keys and the decrypted records: the next open decrypts everything again.
      await page.getByRole("button", { name: "Lock" }).click();
      await page.getByLabel("Password").fill(PASSWORD);
      await observe();
      await page.getByRole("button", { name: "Unlock" }).click();
      await expect(page).not.toHaveURL(/\/unlock/, { timeout: 60_000 });
    } else {
      await observe();
      await page.getByRole("link", { name: /^Benchmark/ }).click();
    }
    await expect(page.getByRole("list", { name: timelineName(COUNT) })).toBeVisible({ timeout: 120_000 });
    const times = await page.waitForFunction(() => {
      const w = window as unknown as { __paint: Record<string, number>; __t0: number | undefined };
      const f = w.__paint["normogen:timeline-first-rows"];
      const a = w.__paint["normogen:timeline-all-rows"];
      return f !== undefined && a !== undefined && w.__t0 !== undefined ? { first: f - w.__t0, all: a - w.__t0 } : null;
    });
    return (await times.jsonValue()) as { first: number; all: number };
  };
  for (let round = 0; round < ROUNDS; round++) {
    const value = await (round === ROUNDS - 1 ? profiled(page, "reopen", () => openRound(round)) : openRound(round));
    first.push(Math.round(value.first));
    all.push(Math.round(value.all));
    report(`round ${round + 1}: first rows / all rendered`, `${first.at(-1) ?? 0}/${all.at(-1) ?? 0} ms`, "-");
    // Where the time went: the record requests of this round (list pages or changes-feed pages).
    const net = await page.evaluate(() => {
      const entries = performance
        .getEntriesByType("resource")
        .filter((e) => /\/api\/v1\/(records\?|profiles\/[^/]+\/changes)/.test(e.name)) as PerformanceResourceTiming[];
      const waiting = entries.reduce((sum, e) => sum + (e.responseStart - e.requestStart), 0);
      return { requests: entries.length, waiting: Math.round(waiting) };
    });
    report(`round ${round + 1}: record requests / server time`, `${net.requests} / ${net.waiting} ms`, "- (diagnostic)");
  }
  // Round 1 is a fresh device: the whole profile comes through the changes feed into the local
  // copy (src/localstore/). Later rounds (after lock and unlock) open from the local copy and
  // fetch only what changed: what a returning user sees.
  report(`first full sync of ${COUNT}: first rows / all`, `${first[0] ?? 0}/${all[0] ?? 0} ms`, "- (network-bound)");
  report("first rows of the timeline painted (median, local copy)", `${median(first.slice(1))} ms`, "<= 1000 ms");
  report(`${COUNT} decrypted and rendered (median, local copy)`, `${median(all.slice(1))} ms`, "<= 2000 ms");
  report("rounds (first / all)", `${first.join("/")} | ${all.join("/")}`, "-");

  // The floor, measured in the same page now: AES-256-GCM alone on COUNT payloads of the same
  // size (WebCrypto, no AAD building, parsing, storage or rendering). On a loaded machine both
  // grow together; the ratio says what the app adds on top of the cipher.
  const floor = await page.evaluate(async (count) => {
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const plain = new TextEncoder().encode(JSON.stringify({ data: { type: "blood_pressure", systolic: 120, diastolic: 80, unit: "mm[Hg]" }, tags: [] }));
    const boxes = await Promise.all(
      Array.from({ length: count }, async () => {
        const iv = crypto.getRandomValues(new Uint8Array(12));
        return { iv, data: await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plain) };
      }),
    );
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      await Promise.all(boxes.map((b) => crypto.subtle.decrypt({ name: "AES-GCM", iv: b.iv }, key, b.data)));
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[1] ?? 0;
  }, COUNT);
  report(`floor: AES-GCM alone on ${COUNT} payloads (median)`, `${Math.round(floor)} ms`, "- (floor)");
  report("ratio all rendered (local copy) / floor", (median(all.slice(1)) / floor).toFixed(2), "-");

  // Scroll the whole list at a steady pace and watch the frames.
  const scroll = await profiled(page, "scroll", () => page.evaluate(async () => {
    const gaps: number[] = [];
    const total = document.documentElement.scrollHeight - window.innerHeight;
    const steps = 240;
    let last = performance.now();
    let maxRows = 0;
    for (let s = 1; s <= steps; s++) {
      window.scrollTo(0, (total * s) / steps);
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      maxRows = Math.max(maxRows, document.querySelectorAll(".vrow").length);
    }
    gaps.sort((a, b) => a - b);
    return {
      p95: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
      max: gaps[gaps.length - 1] ?? 0,
      slow: gaps.filter((g) => g > 50).length,
      maxRows,
    };
  }));
  // The frame floor: the same page, the same number of frames, nothing scrolled (what this
  // machine's load alone does to frame times).
  const idle = await page.evaluate(async () => {
    const gaps: number[] = [];
    let last = performance.now();
    for (let s = 0; s < 240; s++) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    gaps.sort((a, b) => a - b);
    return gaps[Math.floor(gaps.length * 0.95)] ?? 0;
  });
  report("floor: idle frame time p95 (no scrolling)", `${idle.toFixed(1)} ms`, "- (floor)");
  report("scroll: frame time p95", `${scroll.p95.toFixed(1)} ms`, "<= 50 ms (no jank)");
  report("ratio scroll p95 / idle p95", (scroll.p95 / Math.max(idle, 1)).toFixed(2), "-");
  report("scroll: longest frame", `${scroll.max.toFixed(1)} ms`, "< 50 ms (no visible jank)");
  report("scroll: frames over 50 ms", `${scroll.slow} of 240`, "0");
  report("load average (1/5/15 min) after measuring", load(), "-");
  report("rows in the DOM at most (virtualised)", `${scroll.maxRows}`, `<< ${COUNT}`);
});
