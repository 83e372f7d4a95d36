// The steps the offline journeys share (e2e/offline-outbox.spec.ts for one account on two
// devices, e2e/offline-family.spec.ts for two parents of one family, e2e/offline-logout.spec.ts):
// a child's medication, doses and an edit made offline, a conflicting edit made online, and the
// conflict resolved once the network returns. Every step works on the medication
// "Amoxicillin 250 mg" shown on the profile's Medications tab.
import type { BrowserContext, Page } from "@playwright/test";
import { addMedication, checkPage, dayOffset, dialog, expect, logIn, registerAccount, showMedications, storedOutbox } from "./fixtures";

/** From any page of the app: the Medications tab of the profile named `profile`. */
export async function openMedicationsOf(page: Page, profile: string): Promise<void> {
  await page.getByRole("link", { name: "Profiles", exact: true }).first().click();
  await page.getByRole("link", { name: new RegExp(`^${profile}`) }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(profile);
  await showMedications(page);
}

/** A device of `email`: a new page of `context`, logged in (offline: from the device's copy), on `profile`'s medications. */
export async function deviceOn(context: BrowserContext, email: string, password: string, profile: string): Promise<Page> {
  const page = await context.newPage();
  await logIn(page, email, password);
  await openMedicationsOf(page, profile);
  return page;
}

/** A new account on `page` with a child's profile `child` and its daily Amoxicillin, shown. */
export async function accountWithChildMedication(page: Page, email: string, password: string, child: string, startedDaysAgo: number): Promise<void> {
  await registerAccount(page, email, password);
  await expect(page).toHaveURL(/\/profiles$/);
  await page.getByRole("button", { name: "Add profile" }).click();
  await page.getByLabel("Name").fill(child);
  await page.getByLabel("Who is it?").selectOption("child");
  await page.getByRole("button", { name: "Add profile" }).click();
  await page.getByRole("link", { name: new RegExp(`^${child}`) }).click();
  await addMedication(page, { name: "Amoxicillin", strength: "250 mg", dose: "1 capsule", time: "08:00", startedOn: dayOffset(-startedDaysAgo) });
  await showMedications(page);
  await expect(page.getByRole("button", { name: "Amoxicillin 250 mg" })).toBeVisible();
}

/** On an offline device: three doses and the instructions edited, shown at once as waiting. */
export async function dosesAndEditOffline(page: Page): Promise<void> {
  for (let i = 1; i <= 3; i += 1) {
    await page.getByRole("button", { name: "Taken now" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Logged: Amoxicillin 250 mg taken." })).toBeVisible();
  }
  await page.getByRole("button", { name: "Amoxicillin 250 mg" }).click();
  await dialog(page).getByRole("button", { name: "Edit" }).click();
  await dialog(page).getByLabel("Instructions").fill("with food");
  await dialog(page).getByRole("button", { name: "Save" }).click();
  await expect(dialog(page)).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "4 changes wait to upload" })).toBeVisible();
}

/** On an online device, meanwhile: the strength changed to 500 mg. */
export async function strengthEditedOnline(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Amoxicillin 250 mg" }).click();
  await dialog(page).getByRole("button", { name: "Edit" }).click();
  await dialog(page).getByLabel("Strength").fill("500 mg");
  await dialog(page).getByRole("button", { name: "Save" }).click();
  await expect(dialog(page)).toBeHidden();
  await expect(page.getByRole("button", { name: "Amoxicillin 500 mg" })).toBeVisible();
}

/** What the outbox holds after dosesAndEditOffline: four writes in order, ciphertext only. */
export async function outboxOfDosesAndEdit(page: Page, secrets: readonly string[]): Promise<{ ops: string[] }> {
  const stored = await storedOutbox(page);
  expect(stored.ops).toEqual(["create:queued", "create:queued", "create:queued", "replace:queued"]);
  for (const secret of ["Amoxicillin", "with food", "taken", ...secrets]) expect(stored.text).not.toContain(secret);
  return { ops: stored.ops };
}

/** A page opened again while offline: the four writes are still there, stored and on screen. */
export async function stillWaiting(page: Page, ops: readonly string[]): Promise<void> {
  expect((await storedOutbox(page)).ops).toEqual(ops);
  await expect(page.getByRole("status").filter({ hasText: "4 changes wait to upload" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Amoxicillin 250 mg" })).toBeVisible();
  await page.locator(".dose-log summary").click();
  await expect(page.locator(".dose-log li").filter({ hasText: "waiting to upload" })).toHaveCount(3);
}

/**
 * Back online (the caller restored the network): the doses upload, the edit meets the other
 * device's and both versions are offered; the user keeps theirs and nothing waits any more.
 */
export async function conflictKeptMine(page: Page, screenshot: string): Promise<void> {
  const conflict = page.getByRole("region", { name: "This record was changed elsewhere" });
  await expect(conflict).toBeVisible({ timeout: 60_000 });
  const strength = conflict.getByRole("row", { name: /Strength/ });
  await expect(strength.getByRole("cell").nth(0)).toHaveText("250 mg");
  await expect(strength.getByRole("cell").nth(1)).toHaveText("500 mg");
  await expect(conflict.getByRole("row", { name: /Instructions/ }).getByRole("cell").nth(0)).toHaveText("with food");
  await expect(page.getByText(/changes? waits? to upload/)).toHaveCount(0);
  await checkPage(page, screenshot);
  await conflict.getByRole("button", { name: "Keep my version" }).click();
  await expect(conflict).toBeHidden();
  await expect(page.getByRole("button", { name: "Amoxicillin 250 mg" })).toBeVisible();
  expect((await storedOutbox(page)).count).toBe(0);
}

/** The other device, opened again: the three doses and the version the first device kept. */
export async function seesDosesAndKeptVersion(page: Page): Promise<void> {
  await expect(page.getByRole("button", { name: "Amoxicillin 250 mg" })).toBeVisible();
  await page.locator(".dose-log summary").click();
  await expect(page.locator(".dose-log li")).toHaveCount(3);
  await page.getByRole("button", { name: "Amoxicillin 250 mg" }).click();
  await expect(dialog(page)).toContainText("with food");
}
