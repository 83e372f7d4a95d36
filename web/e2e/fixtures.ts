// Shared helpers for the browser tests: the app's URL, axe checks with screenshots, accounts.
import AxeBuilder from "@axe-core/playwright";
import { type Locator, type Page, expect, test as base } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export { expect };

const SCREENSHOTS = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "test-results", "screenshots");

export const test = base.extend<{ app: string }>({
  // The web server's URL (same origin as the API); set by global-setup.ts.
  app: async ({}, use) => {
    const url = process.env.NORMOGEN_WEB_URL;
    if (!url) throw new Error("NORMOGEN_WEB_URL is not set: global-setup did not run");
    await use(url);
  },
  baseURL: async ({}, use) => {
    await use(process.env.NORMOGEN_WEB_URL);
  },
});

/**
 * Check the page with axe-core (WCAG 2.x A/AA rules): no serious or critical violations. Also
 * saves a full-page screenshot as test-results/screenshots/<name>.png (the CI artifact).
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  // "load" and the fonts, not "networkidle": a page that keeps a connection open (or a worker
  // starting) would never count as idle, and the callers have already waited for what they check.
  await page.waitForLoadState("load");
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id} (${v.impact ?? ""}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    `accessibility violations on ${name}`,
  ).toEqual([]);
}

let counter = 0;

/** A fresh, unique email for one test. */
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}@example.org`;
}

/** Register through the UI and confirm the recovery phrase; returns the phrase. Ends unlocked on "/". */
export async function registerAccount(page: Page, email: string, password: string): Promise<string> {
  await page.goto("/register");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat the password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  const phraseBox = page.getByLabel("Recovery phrase", { exact: true });
  await expect(phraseBox).toBeVisible({ timeout: 60_000 });
  const phrase = ((await phraseBox.textContent()) ?? "").trim();
  const groups = (await phraseBox.locator(".phrase-group").allTextContents()).map((g) => g.trim());
  await page.getByLabel(/last group/).fill(groups[groups.length - 1] ?? "");
  await page.getByLabel("I have stored my recovery phrase somewhere safe").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Save your recovery phrase");
  return groups.join("-") || phrase;
}

/** Log in through the UI. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/, { timeout: 60_000 });
}

/**
 * Navigate inside the running app without reloading it. Keys and tokens live in memory only
 * (web/README.md), so page.goto() — a reload — ends the session, exactly as it does for a user.
 */
export async function go(page: Page, path: string): Promise<void> {
  await pushPath(page, path);
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
}

/** Ask the running app for `path` without checking where it lands (a guard may redirect). */
export async function pushPath(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    window.history.pushState(null, "", to);
    window.dispatchEvent(new PopStateEvent("popstate", { state: null }));
  }, path);
}

/** The open dialog. */
export function dialog(page: Page): Locator {
  return page.getByRole("dialog");
}

/** Open the profile page's Add menu, choose `choice`, and return the form's dialog. */
export async function addFromMenu(page: Page, choice: string): Promise<Locator> {
  await page.getByRole("button", { name: "Add…" }).click();
  await page.getByRole("button", { name: choice, exact: true }).click();
  const d = dialog(page);
  await expect(d).toBeVisible();
  return d;
}

/** Add a medication taken once a day from the profile page that is open. */
export async function addMedication(
  page: Page,
  medication: { name: string; strength: string; dose: string; time: string; startedOn?: string },
): Promise<void> {
  const d = await addFromMenu(page, "Medication");
  await d.getByLabel("Name").fill(medication.name);
  await d.getByLabel("Strength").fill(medication.strength);
  await d.getByLabel("Dose", { exact: true }).fill(medication.dose);
  await d.getByLabel("Time 1").fill(medication.time);
  if (medication.startedOn !== undefined) await d.getByLabel("Started on").fill(medication.startedOn);
  await d.getByRole("button", { name: "Save" }).click();
  await expect(d).toBeHidden();
}

/** The safety number shown in the open dialog, digits only. */
export async function shownNumber(page: Page): Promise<string> {
  const box = page.getByRole("dialog").getByLabel("Your safety number with this person");
  await expect(box.locator(".group")).toHaveCount(12);
  return ((await box.textContent()) ?? "").replace(/\D/g, "");
}

/** The invitee accepts (pinning the owner; verified later on the family page); returns the number it sees. */
export async function acceptInvitation(page: Page, ownerEmail: string): Promise<string> {
  await go(page, "/families");
  const card = page.getByRole("listitem", { name: `Invitation from ${ownerEmail}` });
  await card.getByRole("button", { name: `Verify ${ownerEmail}` }).click();
  const number = await shownNumber(page);
  await checkPage(page, `families-verify-${number.slice(0, 4)}`);
  await page.getByRole("dialog").getByText("I cannot compare now").click();
  await page.getByRole("dialog").getByRole("button", { name: "Trust without comparing" }).click();
  await expect(card.getByText("Trusted without comparing")).toBeVisible();
  await card.getByRole("button", { name: "Accept" }).click();
  await expect(card).toHaveCount(0);
  return number;
}

/**
 * The family owner pins a member who accepted without comparing safety numbers (first use), then
 * confirms them (grants the family key); the family's page is open.
 */
export async function confirmTrusting(owner: Page, memberEmail: string): Promise<void> {
  const row = owner.getByRole("listitem", { name: memberEmail });
  await row.getByRole("button", { name: `Verify ${memberEmail}` }).click();
  await owner.getByRole("dialog").getByText("I cannot compare now").click();
  await owner.getByRole("dialog").getByRole("button", { name: "Trust without comparing" }).click();
  await expect(row.getByText("Trusted without comparing")).toBeVisible();
  await row.getByRole("button", { name: `Confirm ${memberEmail}` }).click();
  await expect(row.getByText("Confirmed")).toBeVisible();
}

/** The date `days` from today (YYYY-MM-DD). */
export function dayOffset(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Switch to the profile's Medications tab and wait until it is the one shown (the timeline's
 * rows carry the same medication name). */
export async function showMedications(page: Page): Promise<void> {
  const tab = page.getByRole("link", { name: "Medications" });
  await tab.click();
  await expect(tab).toHaveAttribute("aria-current", "page");
}

/** What this device's outbox holds in IndexedDB, read by the page itself (none: empty). */
export async function storedOutbox(page: Page): Promise<{ count: number; ops: string[]; text: string }> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name ?? "").filter((n) => n.startsWith("normogen-outbox-"));
    if (names.length === 0) return { count: 0, ops: [], text: "" };
    if (names.length !== 1) throw new Error(`outbox databases: ${names.join(", ")}`);
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const req = indexedDB.open(names[0] ?? "");
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error ?? new Error("open failed"));
    });
    const rows = await new Promise<{ op: string; state: string }[]>((ok, fail) => {
      const req = db.transaction("entries", "readonly").objectStore("entries").getAll();
      req.onsuccess = () => ok(req.result as { op: string; state: string }[]);
      req.onerror = () => fail(req.error ?? new Error("read failed"));
    });
    db.close();
    return { count: rows.length, ops: rows.map((r) => `${r.op}:${r.state}`), text: JSON.stringify(rows) };
  });
}
