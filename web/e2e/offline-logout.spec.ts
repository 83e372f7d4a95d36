// Logging out never silently loses writes made offline (a real browser, real IndexedDB, a real
// server): device A logs a dose offline and tries to log out; the dialog says one change for the
// child's profile waits and, offline, offers only to discard it or cancel (locked, the same,
// asking to unlock to upload). Cancelling keeps it.
// Back online, "Upload, then log out" sends it (an upload that cannot reach the server keeps the
// session and says so, and Settings list the dose as waiting for the child's profile, next to
// the records kept and the last sync) and logs out; a second device of the same account reads the dose.
import type { Page } from "@playwright/test";
import { checkPage, dialog, expect, go, logIn, showMedications, storedOutbox, test, uniqueEmail } from "./fixtures";
import { accountWithChildMedication, openMedicationsOf } from "./offline-steps";

const PASSWORD = "correct horse battery staple";
const RECORDS = "**/api/v1/records";

/** The Settings page's row of `profile` in the offline copy: records kept, synced, writes waiting. */
async function keptOf(page: Page, profile: string, expected: { records: string; waiting: string }): Promise<void> {
  await go(page, "/settings");
  const table = page.getByRole("table", { name: "Kept on this device, per profile" });
  const row = table.getByRole("row", { name: new RegExp(`^${profile}`) });
  await expect(row.getByRole("cell").nth(0)).toHaveText(expected.records);
  // A complete sync finished today (the date as the app formats it, not "Not synced…").
  await expect(row.getByRole("cell").nth(1)).not.toHaveText("Not synced completely yet");
  await expect(row.getByRole("cell").nth(1)).toHaveText(/\d{1,2}:\d{2}/);
  await expect(row.getByRole("cell").nth(2)).toHaveText(expected.waiting);
}

/** This device's local-copy and outbox databases. */
async function localDatabases(page: Page): Promise<string[]> {
  return page.evaluate(async () =>
    (await indexedDB.databases()).map((d) => d.name ?? "").filter((n) => n.startsWith("normogen-outbox-") || n.startsWith("normogen-local-")),
  );
}

test("log out with a dose waiting: asked first, cancel keeps it, upload-then-log-out sends it", async ({ browser }) => {
  // Two devices, three logins (600,000 PBKDF2 rounds each) on a shared machine.
  test.setTimeout(360_000);
  const email = uniqueEmail("logout");
  const contextA = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const contextB = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  try {
    const a = await contextA.newPage();
    await accountWithChildMedication(a, email, PASSWORD, "Ada", 1);

    // Settings list what this device keeps of Ada: one record, synced, nothing waiting.
    await keptOf(a, "Ada", { records: "1", waiting: "0" });
    await openMedicationsOf(a, "Ada");

    // Offline: a dose is logged and queued.
    await contextA.setOffline(true);
    await a.getByRole("button", { name: "Taken now" }).click();
    await expect(a.getByRole("status").filter({ hasText: "1 change waits to upload" })).toBeVisible();
    expect((await storedOutbox(a)).count).toBe(1);

    // "Log out" asks first: one change, for Ada; offline, only discard or cancel.
    await a.getByRole("button", { name: "Log out" }).click();
    const asked = dialog(a);
    await expect(asked).toBeVisible();
    await expect(asked.getByRole("heading", { name: "Changes not uploaded yet" })).toBeVisible();
    await expect(asked).toContainText("1 change made on this device has not been uploaded yet");
    await expect(asked.getByRole("listitem")).toHaveText(["Ada: 1 change"]);
    await expect(asked).toContainText("You are offline: these changes can only be uploaded once you are back online.");
    await expect(asked.getByRole("button", { name: "Upload, then log out" })).toHaveCount(0);
    await expect(asked.getByRole("button", { name: "Log out and discard 1 change" })).toBeVisible();
    await checkPage(a, "logout-pending-offline");
    await asked.getByRole("button", { name: "Cancel" }).click();
    await expect(asked).toBeHidden();
    await expect(a).toHaveURL(/\/profiles\//);
    await expect(a.getByRole("status").filter({ hasText: "1 change waits to upload" })).toBeVisible();
    expect((await storedOutbox(a)).count).toBe(1);

    // Locked, "Log out instead" asks too (the names need the keys; uploading needs unlocking).
    await a.getByRole("button", { name: "Lock" }).click();
    await expect(a).toHaveURL(/\/unlock/);
    await a.getByRole("button", { name: "Log out instead" }).click();
    await expect(asked.getByRole("listitem")).toHaveText(["A profile (unlock to see its name): 1 change"]);
    await expect(asked).toContainText("Unlock first to upload them");
    await expect(asked.getByRole("button", { name: "Upload, then log out" })).toHaveCount(0);
    await expect(asked.getByRole("button", { name: "Log out and discard 1 change" })).toBeVisible();
    await asked.getByRole("button", { name: "Cancel" }).click();
    await expect(asked).toBeHidden();
    await a.getByLabel("Password").fill(PASSWORD);
    await a.getByRole("button", { name: "Unlock" }).click();
    await expect(a).toHaveURL(/\/profiles\//);
    await expect(a.getByRole("status").filter({ hasText: "1 change waits to upload" })).toBeVisible();
    expect((await storedOutbox(a)).count).toBe(1);

    // Back online, but the server cannot be reached for record writes yet: the automatic upload
    // and the dialog's upload both fail, and the session stays with the change kept.
    await contextA.route(RECORDS, (route) => route.abort("internetdisconnected"));
    await contextA.setOffline(false);
    await a.getByRole("button", { name: "Log out" }).click();
    await expect(asked.getByRole("listitem")).toHaveText(["Ada: 1 change"]);
    await asked.getByRole("button", { name: "Upload, then log out" }).click();
    await expect(asked.getByRole("alert")).toContainText("The server could not be reached: 1 change still waits to upload. You are still logged in.");
    await expect(a).toHaveURL(/\/profiles\//);
    expect((await storedOutbox(a)).count).toBe(1);
    await asked.getByRole("button", { name: "Cancel" }).click();
    await expect(asked).toBeHidden();
    // Settings count the dose as waiting for Ada (the record kept is still the medication).
    await keptOf(a, "Ada", { records: "1", waiting: "1" });
    await checkPage(a, "settings-offline-copy-profiles");
    await a.getByRole("button", { name: "Log out" }).click();
    await expect(asked.getByRole("listitem")).toHaveText(["Ada: 1 change"]);

    // The server answers again: "Upload, then log out" sends the dose, then logs out.
    await contextA.unroute(RECORDS);
    await asked.getByRole("button", { name: "Upload, then log out" }).click();
    await expect(a).toHaveURL(/\/login/, { timeout: 60_000 });
    // Logged out: this device's copy and its (now empty) outbox are deleted.
    await expect.poll(() => localDatabases(a)).toEqual([]);

    // Another device of the account reads the dose from the server.
    const b = await contextB.newPage();
    await logIn(b, email, PASSWORD);
    await b.getByRole("link", { name: "Profiles", exact: true }).first().click();
    await b.getByRole("link", { name: /^Ada/ }).click();
    await showMedications(b);
    await b.locator(".dose-log summary").click();
    await expect(b.locator(".dose-log li")).toHaveCount(1);
    await expect(b.locator(".dose-log li").filter({ hasText: "waiting to upload" })).toHaveCount(0);
  } finally {
    await contextA.close();
    await contextB.close();
  }
});

test("a session ended by the server keeps the dose waiting, and the next log-in uploads it", async ({ browser }) => {
  test.setTimeout(360_000);
  const email = uniqueEmail("expired");
  const contextA = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const contextB = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  try {
    const a = await contextA.newPage();
    await accountWithChildMedication(a, email, PASSWORD, "Ada", 1);
    await contextA.setOffline(true);
    await a.getByRole("button", { name: "Taken now" }).click();
    await expect(a.getByRole("status").filter({ hasText: "1 change waits to upload" })).toBeVisible();
    const queued = await storedOutbox(a);
    expect(queued.count).toBe(1);

    // Another device of the account signs device A out meanwhile.
    const b = await contextB.newPage();
    await logIn(b, email, PASSWORD);
    await go(b, "/account/sessions");
    const others = b.getByRole("button", { name: /^Sign out / });
    await expect(others).toHaveCount(1);
    await others.click();
    await expect(others).toHaveCount(0);

    // A comes back online: its upload meets the ended session, the app goes to the log-in page;
    // the readable copy is deleted, the queued dose (ciphertext) is kept as it was.
    await contextA.setOffline(false);
    await expect(a).toHaveURL(/\/login\?expired=1/, { timeout: 60_000 });
    await expect.poll(() => localDatabases(a)).toEqual([expect.stringMatching(/^normogen-outbox-/)]);
    // (Only its upload attempts were counted: the write itself is unchanged.)
    const unchanged = (text: string): unknown => (JSON.parse(text) as Record<string, unknown>[]).map(({ attempts: _, ...entry }) => entry);
    expect(unchanged((await storedOutbox(a)).text)).toEqual(unchanged(queued.text));

    // The same account logs in again on A: the dose uploads, and B reads it from the server.
    await logIn(a, email, PASSWORD);
    await expect.poll(async () => (await storedOutbox(a)).count, { timeout: 60_000 }).toBe(0);
    await openMedicationsOf(a, "Ada");
    await a.locator(".dose-log summary").click();
    await expect(a.locator(".dose-log li")).toHaveCount(1);
    await expect(a.locator(".dose-log li").filter({ hasText: "waiting to upload" })).toHaveCount(0);
    await openMedicationsOf(b, "Ada");
    await b.locator(".dose-log summary").click();
    await expect(b.locator(".dose-log li")).toHaveCount(1);
  } finally {
    await contextA.close();
    await contextB.close();
  }
});
