// The app as an installable PWA that opens offline, in a real browser against a real server: the
// service worker precaches this build, the account unlocks from its encrypted copy on this device
// with the network off (profiles, timeline, medications, charts, the account's settings, and the
// offline banner), logs in for real when the network returns, offers a new build only on the
// user's click, and two tabs of one account share one local copy.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { addFromMenu, addMedication, checkPage, expect, logIn, registerAccount, test, uniqueEmail } from "./fixtures";
import { startWebServer } from "./servers";

const PASSWORD = "correct horse battery staple";
const DIST = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "dist");

/** Wait until this build's service worker controls the page (its shell is then cached). */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Every URL the service worker cached. */
function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
}

/** Every row of this account's local copy (IndexedDB, as the app stored it). */
function storedRows(page: Page): Promise<unknown[]> {
  return page.evaluate(async () => {
    const name = (await indexedDB.databases()).map((d) => d.name ?? "").find((n) => n.startsWith("normogen-local-"));
    if (name === undefined) return [];
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(new Error("open failed"));
    });
    const rows = await new Promise<unknown[]>((ok, fail) => {
      const req = db.transaction("records").objectStore("records").getAll();
      req.onsuccess = () => ok(req.result as unknown[]);
      req.onerror = () => fail(new Error("read failed"));
    });
    db.close();
    return rows;
  });
}

async function storedRecords(page: Page): Promise<number> {
  return (await storedRows(page)).length;
}

async function addProfileWithRecords(page: Page): Promise<void> {
  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Who is it?").selectOption("child");
  await page.getByRole("button", { name: "Add profile" }).click();
  await page.getByRole("link", { name: /^Ada/ }).click();
  await addMedication(page, { name: "Amoxicillin", strength: "250 mg", dose: "1 capsule", time: "08:00" });
  for (const kg of ["18.4", "18.9"]) {
    const d = await addFromMenu(page, "Weight");
    await d.getByLabel("Weight (kg)").fill(kg);
    await d.getByRole("button", { name: "Save" }).click();
    await expect(d).toBeHidden();
  }
}

test("after a first sync the app opens offline, unlocks from this device's copy, and logs in for real when the network returns", async ({ page, context }) => {
  test.setTimeout(300_000);
  const email = uniqueEmail("offline");
  await registerAccount(page, email, PASSWORD);
  await controlled(page);
  await addProfileWithRecords(page);
  await expect(page.getByText("Amoxicillin").first()).toBeVisible();
  // The copy on this device caught up with what was written (three records, as ciphertext).
  await expect.poll(() => storedRecords(page)).toBe(3);
  expect(JSON.stringify(await storedRows(page))).not.toContain("Amoxicillin");
  // The manifest makes it installable: linked from the page, served as JSON with our icons.
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    return link ? ((await (await fetch(link.href)).json()) as { display: string; start_url: string; icons: { src: string }[] }) : null;
  });
  expect(manifest?.display).toBe("standalone");
  expect(manifest?.start_url).toBe("/");
  expect(manifest?.icons.map((i) => i.src)).toContain("/icons/icon-512.png");
  // The shell is cached; the API never is.
  const cached = await cachedUrls(page);
  expect(cached).toContain("/index.html");
  expect(cached.some((u) => u.startsWith("/assets/"))).toBe(true);
  expect(cached.filter((u) => u.startsWith("/api"))).toEqual([]);

  // The account's settings: weights in pounds (the answer is kept on the device as served).
  await page.getByRole("link", { name: "Settings", exact: true }).first().click();
  await page.getByLabel("Weight", { exact: true }).selectOption("[lb_av]");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  // The network goes away; a reload still opens the app (the keys were in memory: log in again).
  await context.setOffline(true);
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText("That password is not right.")).toBeVisible({ timeout: 60_000 });
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/, { timeout: 60_000 });
  const banner = page.getByRole("status").filter({ hasText: "You are offline." });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("last synced at");

  // The family's profile, its timeline, medications and charts, all from the encrypted copy.
  await page.getByRole("link", { name: "Profiles", exact: true }).first().click();
  await page.getByRole("link", { name: /^Ada/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Ada");
  await expect(page.getByText("Amoxicillin").first()).toBeVisible();
  // The account's settings hold offline: a new weight is offered in pounds, not the default.
  const form = await addFromMenu(page, "Weight");
  await expect(form.getByLabel("Weight (lb)")).toBeVisible();
  await form.getByRole("button", { name: "Cancel" }).click();
  await expect(form).toBeHidden();
  await page.getByRole("link", { name: "Medications" }).click();
  await expect(page.getByText("Amoxicillin").first()).toBeVisible();
  await page.getByRole("link", { name: "Charts" }).click();
  await expect(page.getByRole("figure", { name: /Weight/ }).getByRole("img", { name: /Weight: 2 values/ })).toBeVisible();
  await checkPage(page, "offline-charts");
  // Settings open offline too, with what this device keeps.
  await page.getByRole("link", { name: "Settings", exact: true }).first().click();
  await expect(page.getByLabel("Weight", { exact: true })).toHaveValue("[lb_av]");
  await expect(page.getByRole("table", { name: "Kept on this device, per profile" })).toContainText("Ada");
  await page.getByRole("link", { name: "Profiles", exact: true }).first().click();
  await page.getByRole("link", { name: /^Ada/ }).click();

  // Back online: the app logs in with the auth key it derived, the banner goes, writes work.
  await context.setOffline(false);
  await expect(banner).toBeHidden({ timeout: 60_000 });
  await page.getByRole("link", { name: "Timeline" }).click();
  await addMedication(page, { name: "Ibuprofen", strength: "100 mg", dose: "5 ml", time: "09:00" });
  await expect(page.getByText("Ibuprofen").first()).toBeVisible();

  // Logging out deletes everything kept on this device: offline, the account no longer opens.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await context.setOffline(true);
  await page.reload();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText("this device keeps no copy of that account")).toBeVisible({ timeout: 60_000 });
  const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ""));
  expect(databases.filter((n) => n.startsWith("normogen-local-"))).toEqual([]);
  await context.setOffline(false);
});

test("a new build waits until the user chooses to reload, then replaces the old one whole", async ({ page }) => {
  const apiUrl = process.env.NORMOGEN_API_URL ?? "";
  const dist = mkdtempSync(join(tmpdir(), "normogen-dist-"));
  cpSync(DIST, dist, { recursive: true });
  const server = await startWebServer(dist, apiUrl);
  try {
    await page.goto(`${server.webUrl}/login`);
    await controlled(page);
    const sw = readFileSync(join(dist, "sw.js"), "utf8");
    const version = /const VERSION = "([0-9a-f]+)";/.exec(sw)?.[1] ?? "";
    expect(version).not.toBe("");
    expect(await page.evaluate(() => caches.keys())).toEqual([`normogen-shell-${version}`]);
    await expect(page.getByText("A new version of Normogen is ready.")).toHaveCount(0);

    // A release: the same server now serves a changed worker (a new build's version).
    writeFileSync(join(dist, "sw.js"), sw.replace(`const VERSION = "${version}";`, `const VERSION = "${version}next";`));
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });
    const prompt = page.getByRole("status").filter({ hasText: "A new version of Normogen is ready." });
    await expect(prompt).toBeVisible();
    // Until the click the old build runs: its worker still controls the page, its cache stays.
    expect((await page.evaluate(() => caches.keys())).sort()).toEqual([`normogen-shell-${version}`, `normogen-shell-${version}next`]);
    await checkPage(page, "pwa-update-ready");
    // Listen before the click: the reload can finish before the click call returns.
    const reloaded = page.waitForEvent("load");
    await prompt.getByRole("button", { name: "Reload" }).click();
    await reloaded;
    await controlled(page);
    await expect(async () => {
      expect(await page.evaluate(() => caches.keys())).toEqual([`normogen-shell-${version}next`]);
    }).toPass();
    await expect(page.getByText("A new version of Normogen is ready.")).toHaveCount(0);
  } finally {
    await server.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});

test("two tabs share one copy: a record made in one appears in the other", async ({ context }) => {
  test.setTimeout(300_000);
  const email = uniqueEmail("tabs");
  const first = await context.newPage();
  await registerAccount(first, email, PASSWORD);
  await first.getByLabel("Name").fill("Ada");
  await first.getByLabel("Who is it?").selectOption("child");
  await first.getByRole("button", { name: "Add profile" }).click();
  await first.getByRole("link", { name: /^Ada/ }).click();
  await expect(first.getByText("No records yet for Ada.")).toBeVisible();

  // A second tab of the same browser: its own session (keys are per page), the same copy.
  const second = await context.newPage();
  await logIn(second, email, PASSWORD);
  await second.getByRole("link", { name: "Profiles", exact: true }).first().click();
  await second.getByRole("link", { name: /^Ada/ }).click();
  await expect(second.getByText("No records yet for Ada.")).toBeVisible();

  await addMedication(first, { name: "Amoxicillin", strength: "250 mg", dose: "1 capsule", time: "08:00" });
  // No reload, no click in the second tab: the first one told it, it read the change.
  await expect(second.getByText("Amoxicillin").first()).toBeVisible();
});
