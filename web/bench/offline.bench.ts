// Offline figures of the web app (printed, never asserted): the first full sync of 5,000 encrypted
// records on a fresh device, then, with them kept on this device, the time to interactive with the network off: reload (the shell from the service
// worker), unlock from the account material kept on the device, open the profile, first rows on
// screen. The floor, measured in the same run and browser, is the password KDF alone (PBKDF2 with
// the account's own parameters), which no offline unlock can skip.
import type { Page } from "@playwright/test";
import { expect, logIn, test } from "../e2e/fixtures";
import type { RecordDraft } from "../src/features/records/source";
import { load, median, profiled } from "./figures";
import { benchAccount, timelineName } from "./seed";

const COUNT = Number(process.env.BENCH_RECORDS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 24);
const PASSWORD = "correct horse battery staple";

function report(name: string, value: string, target: string): void {
  console.log(`BENCH ${name.padEnd(46)} ${value.padStart(12)}   ${target}`);
}

function draft(i: number): RecordDraft {
  const at = new Date(Date.now() - i * 3 * 3_600_000).toISOString();
  if (i % 2 === 0) return { kind: "health_data", data: { type: "weight", value: 70 + (i % 50) / 10, unit: "kg" }, occurredAt: at, tags: [] };
  return { kind: "note", data: { title: `Note ${i}`, text: `Observation number ${i}: slept well, no fever.` }, occurredAt: at, tags: [] };
}

/** performance.now() on the first animation frame where `selector` matches (this document's clock). */
async function when(page: Page, selector: string): Promise<number> {
  const handle = await page.waitForFunction((s) => (document.querySelector(s) ? performance.now() : null), selector, { polling: "raf", timeout: 300_000 });
  return (await handle.jsonValue()) ?? Number.NaN;
}

test(`time to interactive offline with ${COUNT} records kept on the device`, async ({ page, context }) => {
  const apiUrl = process.env.NORMOGEN_API_URL;
  if (!apiUrl) throw new Error("NORMOGEN_API_URL is not set: global-setup did not run");
  const { user, profileId, source } = await benchAccount(apiUrl, PASSWORD);
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < COUNT) {
        const i = next++;
        await source.create(profileId, crypto.randomUUID(), draft(i));
      }
    }),
  );

  report("load average (1/5/15 min) before measuring", load(), "-");
  // Online once: log in, open the profile (the first sync fills the local copy), worker installed.
  await logIn(page, user.email, PASSWORD);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const syncStart = Date.now();
  await page.getByRole("link", { name: /^Benchmark/ }).click();
  await expect(page.getByRole("list", { name: timelineName(COUNT) })).toBeVisible({ timeout: 600_000 });
  const firstSync = Date.now() - syncStart;

  // The floor: the KDF with this account's parameters, in this browser, in this run.
  const iterations = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const req = indexedDB.open("normogen-offline");
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(new Error("open failed"));
    });
    const rows = await new Promise<{ wrapped: { kdf: { iterations: number } } }[]>((ok, fail) => {
      const req = db.transaction("accounts").objectStore("accounts").getAll();
      req.onsuccess = () => ok(req.result as { wrapped: { kdf: { iterations: number } } }[]);
      req.onerror = () => fail(new Error("read failed"));
    });
    db.close();
    return rows[0]?.wrapped.kdf.iterations ?? 0;
  });
  expect(iterations).toBeGreaterThan(0);

  const shell: number[] = [];
  const unlock: number[] = [];
  const total: number[] = [];
  const floor: number[] = [];
  const unlocking: number[] = [];
  await context.setOffline(true);
  for (let round = 0; round < ROUNDS; round++) {
    await page.reload();
    // Navigation start is 0 on this document's clock.
    const shown = await when(page, "input[type=email], input[autocomplete=username]");
    await page.getByLabel("Email", { exact: true }).fill(user.email);
    await page.getByLabel("Password").fill(PASSWORD);
    const clicked = await page.evaluate(() => performance.now());
    // The reload was on the profile's timeline: after unlocking the app returns there.
    const unlockAndOpen = async (): Promise<number> => {
      await page.getByRole("button", { name: "Log in" }).click();
      return when(page, ".vrow");
    };
    const first = await (round === ROUNDS - 1 ? profiled(page, "offline", unlockAndOpen) : unlockAndOpen());
    // Where the time went: the unlock (click to the records starting to load) and the opening of
    // the local copy (to the first rows), from the app's own marks (src/features/records/store.ts).
    const loadStart = await page.evaluate(() => performance.getEntriesByName("normogen:records-load-start").at(-1)?.startTime ?? Number.NaN);
    await expect(page.getByRole("status").filter({ hasText: "You are offline." })).toBeVisible();
    const kdf = await page.evaluate(async (n) => {
      const base = await crypto.subtle.importKey("raw", new TextEncoder().encode("correct horse battery staple"), "PBKDF2", false, ["deriveBits"]);
      const t0 = performance.now();
      await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(16), iterations: n }, base, 256);
      return performance.now() - t0;
    }, iterations);
    shell.push(Math.round(shown));
    unlock.push(Math.round(first - clicked));
    total.push(Math.round(shown + (first - clicked)));
    floor.push(Math.round(kdf));
    unlocking.push(Math.round(loadStart - clicked));
    report(`round ${round + 1}: shell / unlock to first rows`, `${shell.at(-1) ?? 0}/${unlock.at(-1) ?? 0} ms`, "-");
  }
  await context.setOffline(false);
  const f = median(floor);
  report(`first full sync of ${COUNT} (click to all shown)`, `${firstSync} ms`, "fresh device, through the changes feed");
  report("floor: password KDF alone (median, same run)", `${f} ms`, `PBKDF2-SHA256, ${iterations} iterations`);
  report("offline reload: login form shown (median)", `${median(shell)} ms`, "shell from the service worker");
  report(`unlock click to first of ${COUNT} rows (median)`, `${median(unlock)} ms`, `${(median(unlock) / f).toFixed(2)} x floor`);
  report("  of which unlocking (click to records loading)", `${median(unlocking)} ms`, `${(median(unlocking) / f).toFixed(2)} x floor`);
  report("time to interactive offline (median, no typing)", `${median(total)} ms`, `${(median(total) / f).toFixed(2)} x floor`);
  report("load average (1/5/15 min) after measuring", load(), "-");
});
