// Share links and the emergency card in real browsers against a real server: the owner shares
// blood-pressure readings with a password and one open; a doctor in a fresh context (no
// account) opens it, sees the readings and the chart, and the next open gets the neutral page;
// the key never appears in any request. A paramedic opens the emergency card and the owner
// sees the opening. Every new page is checked with axe and captured.
import type { Page, Request } from "@playwright/test";
import { checkPage, expect, go, registerAccount, test, uniqueEmail } from "./fixtures";

const PASSWORD = "correct horse battery staple";
const LINK_PASSWORD = "cardio-visit-2026";

function watchRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on("request", (r) => seen.push(r));
  return seen;
}

function expectNoRequestCarries(requests: readonly Request[], secret: string): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    expect(r.url(), `request URL ${r.url()}`).not.toContain(secret);
    expect(r.postData() ?? "", `request body of ${r.url()}`).not.toContain(secret);
    expect(JSON.stringify(r.headers()), `request headers of ${r.url()}`).not.toContain(secret);
  }
}

async function addBloodPressure(page: Page, systolic: string, diastolic: string, at: string): Promise<void> {
  await page.getByRole("button", { name: "Add…" }).click();
  await page.getByRole("button", { name: "Blood pressure", exact: true }).click();
  const d = page.getByRole("dialog");
  await d.getByLabel("Systolic (mmHg)").fill(systolic);
  await d.getByLabel("Diastolic (mmHg)").fill(diastolic);
  await d.getByLabel("Measured at").fill(at);
  await d.getByRole("button", { name: "Save" }).click();
  await expect(d).toBeHidden();
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

test("a doctor opens a password link once; the key stays in the fragment; the second open is refused", async ({ page, browser }) => {
  test.setTimeout(420_000);
  await registerAccount(page, uniqueEmail("daughter"), PASSWORD);
  await page.getByLabel("Name").fill("Helga");
  await page.getByLabel("Who is it?").selectOption("self");
  await page.getByRole("button", { name: "Add profile" }).click();
  await page.getByRole("link", { name: /^Helga/ }).click();
  await addBloodPressure(page, "142", "91", `${daysAgo(20)}T08:00`);
  await addBloodPressure(page, "138", "88", `${daysAgo(10)}T08:00`);
  await addBloodPressure(page, "151", "95", `${daysAgo(200)}T08:00`); // outside three months

  await go(page, "/links");
  await expect(page.getByRole("heading", { name: "No share links yet" })).toBeVisible();
  await checkPage(page, "sharing-links-empty");
  await page.getByRole("button", { name: "New share link" }).click();
  const form = page.getByRole("form", { name: "New share link" });
  for (const kind of ["Lab result", "Medication"]) await form.getByLabel(kind, { exact: true }).uncheck();
  await form.getByLabel("From (first day)").fill(daysAgo(90));
  await expect(form.getByText("2 records will be shared.")).toBeVisible();
  // Beyond the server's limit (30 days by default) is refused in the form.
  const tooFar = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
  await form.getByLabel("Expires at the end of").fill(tooFar);
  await form.getByLabel("Maximum number of opens (optional)").fill("1");
  await form.getByLabel("Password (optional)").fill(LINK_PASSWORD);
  await form.getByLabel("Repeat the password").fill(LINK_PASSWORD);
  await form.getByLabel("Your note (only you see it)").fill("For Dr. Weber");
  await form.getByRole("button", { name: "Create the link" }).click();
  await expect(form.getByText(/at most 30 days/)).toBeVisible();
  await checkPage(page, "sharing-links-new");
  await form.getByLabel("Expires at the end of").fill(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
  await form.getByRole("button", { name: "Create the link" }).click();
  const urlBox = page.getByLabel("Link", { exact: true });
  await expect(urlBox).toBeVisible({ timeout: 60_000 });
  const url = await urlBox.inputValue();
  // The fragment says the link needs a password ("1p."), then the key (docs/crypto.md §8).
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{32}#1p\.[A-Za-z0-9_-]{43}$/);
  const fragment = (url.split("#")[1] ?? "").slice(3);
  await page.getByRole("button", { name: "Show as QR code" }).click();
  await expect(page.getByRole("img", { name: "QR code of the share link" })).toBeVisible();
  const row = page.getByRole("listitem", { name: "For Dr. Weber" });
  await expect(row).toContainText("1 of 1");
  await expect(row).toContainText("Active");
  await checkPage(page, "sharing-links-created");

  // The doctor: a fresh context, no account.
  const doctor = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const dp = await doctor.newPage();
  const requests = watchRequests(dp);
  const scripts: string[] = [];
  dp.on("response", (r) => {
    if (r.url().endsWith(".js")) scripts.push(r.url());
  });
  await dp.goto(url);
  await expect(dp.getByLabel("Link password")).toBeVisible();
  await expect(dp.getByText("This link opens only with the password you were given with it.")).toBeVisible();
  await checkPage(dp, "sharing-viewer-password");
  await dp.getByLabel("Link password").fill(LINK_PASSWORD);
  await dp.getByRole("button", { name: "Open the records" }).click();
  await expect(dp.getByRole("heading", { level: 1 })).toHaveText("Health records of Helga", { timeout: 60_000 });
  const readings = dp.getByRole("region", { name: /Vitals \(2\)/ });
  await expect(readings.getByRole("cell", { name: "142/91 mmHg" })).toBeVisible();
  await expect(readings.getByRole("cell", { name: "138/88 mmHg" })).toBeVisible();
  await expect(dp.getByText("151/95")).toHaveCount(0);
  await expect(dp.getByRole("img", { name: /Blood pressure: 2 values/ })).toBeVisible();
  await checkPage(dp, "sharing-viewer-records");
  // The public viewer loads neither the records pages nor the families or links pages.
  expect(scripts.some((s) => /ProfileRecordsRoute|FamilyPage|LinksPage|EmergencyPage/.test(s))).toBe(false);
  expectNoRequestCarries(requests, fragment);
  expectNoRequestCarries(requests, LINK_PASSWORD);

  // The second open (the limit was one) gets the neutral page, even with the password.
  const second = await doctor.newPage();
  const secondRequests = watchRequests(second);
  await second.goto(url);
  await second.getByLabel("Link password").fill(LINK_PASSWORD);
  await second.getByRole("button", { name: "Open the records" }).click();
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("This link is not available", { timeout: 60_000 });
  await checkPage(second, "sharing-viewer-not-available");
  expectNoRequestCarries(secondRequests, fragment);
  // A damaged or unknown link gets the very same page.
  const base = url.split("#")[0] ?? "";
  await second.goto("about:blank"); // a change of the fragment alone would not load the viewer again
  await second.goto(`${base}#1p.${fragment.slice(0, 20)}`);
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("This link is not available");
  // A flag flipped to "no password" opens nothing: the password is part of the key.
  const flipped = await doctor.newPage();
  await flipped.goto(`${base}#1n.${fragment}`);
  await expect(flipped.getByRole("heading", { level: 1 })).toHaveText("This link is not available", { timeout: 60_000 });
  await expect(flipped.getByLabel("Link password")).toHaveCount(0);
  await expect(flipped.getByRole("button", { name: "Enter the password again" })).toHaveCount(0);
  await doctor.close();

  // The owner sees the opening and revokes.
  await go(page, "/profiles");
  await go(page, "/links");
  const used = page.getByRole("listitem", { name: "For Dr. Weber" });
  await expect(used).toContainText("Used up");
  await expect(used).toContainText("0 of 1");
  await used.getByRole("button", { name: "Access log" }).click();
  await expect(used.getByRole("table")).toContainText("Opened 1 time");
});

test("a paramedic opens the emergency card; the owner sees the opening", async ({ page, browser }) => {
  test.setTimeout(300_000);
  await registerAccount(page, uniqueEmail("walker"), PASSWORD);
  await page.getByLabel("Name").fill("Jonas");
  await page.getByLabel("Who is it?").selectOption("self");
  await page.getByRole("button", { name: "Add profile" }).click();
  await expect(page.getByRole("link", { name: /^Jonas/ })).toBeVisible();

  await go(page, "/emergency");
  await expect(page.getByRole("heading", { name: "No emergency card for Jonas" })).toBeVisible();
  await checkPage(page, "emergency-empty");
  await page.getByRole("button", { name: "Prepare the emergency card" }).click();
  await page.getByLabel("Blood type").selectOption("A+");
  await page.getByLabel("Allergies (one per line)").fill("Penicillin\nPeanuts");
  await page.getByLabel("Current medications (one per line)").fill("Metoprolol 50 mg");
  await page.getByLabel("Conditions (one per line)").fill("Atrial fibrillation");
  await page.getByLabel("Contact 1: name").fill("Mia");
  await page.getByLabel("Contact 1: relation").fill("daughter");
  await page.getByLabel("Contact 1: phone").fill("+49 170 1234567");
  await page.getByLabel("Note for responders").fill("Pacemaker since 2021.");
  await expect(page.getByLabel("Valid until")).toHaveAttribute("max", /^\d{4}-\d{2}-\d{2}$/);
  await checkPage(page, "emergency-form");
  await page.getByRole("button", { name: "Save the card" }).click();
  const card = page.getByLabel("Wallet card");
  await expect(card).toBeVisible({ timeout: 60_000 });
  await expect(card).toContainText("Blood type: A+");
  await expect(card.getByRole("img", { name: /QR code of Jonas/ })).toBeVisible();
  await checkPage(page, "emergency-card");
  // The card's address (what the QR code holds), shown to the owner for copying.
  const cardUrl = await page.getByLabel("Link", { exact: true }).inputValue();
  expect(cardUrl).toMatch(/\/s\/[A-Za-z0-9_-]{32}#1n\.[A-Za-z0-9_-]{43}$/);
  const fragment = (cardUrl.split("#")[1] ?? "").slice(3);

  // The paramedic: a fresh context, no account, no password.
  const paramedic = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const pp = await paramedic.newPage();
  const requests = watchRequests(pp);
  await pp.goto(cardUrl);
  await expect(pp.getByRole("heading", { level: 1 })).toHaveText("Emergency card: Jonas", { timeout: 60_000 });
  const facts = pp.getByRole("region", { name: "Emergency information" });
  await expect(facts).toContainText("A+");
  await expect(facts).toContainText("Penicillin");
  await expect(facts).toContainText("Metoprolol 50 mg");
  await expect(facts).toContainText("Atrial fibrillation");
  await expect(facts.getByRole("link", { name: "+49 170 1234567" })).toHaveAttribute("href", "tel:+491701234567");
  await checkPage(pp, "emergency-viewer");
  expectNoRequestCarries(requests, fragment);
  await paramedic.close();

  // The owner sees the opening on the card page and in the security events.
  await go(page, "/profiles");
  await go(page, "/emergency");
  await expect(page.getByText("Your emergency card was opened 1 time")).toBeVisible();
  await expect(page.getByRole("table", { name: /Openings of this card/ })).toBeVisible();
  await go(page, "/account/events");
  await expect(page.getByText("Your emergency card was opened").first()).toBeVisible();

  // Updating rotates the link: the old address stops working.
  await go(page, "/emergency");
  await page.getByRole("button", { name: "Update the card" }).click();
  await page.getByLabel("Blood type").selectOption("A−");
  await page.getByRole("button", { name: "Save the card" }).click();
  await expect(page.getByLabel("Wallet card")).toContainText("Blood type: A−", { timeout: 60_000 });
  const fresh = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const fp = await fresh.newPage();
  await fp.goto(cardUrl);
  // The address says the card has no password, so the server's refusal can only mean the link
  // is gone: the one neutral page, no password prompt, no data.
  await expect(fp.getByRole("heading", { level: 1 })).toHaveText("This link is not available", { timeout: 60_000 });
  await expect(fp.getByLabel("Link password")).toHaveCount(0);
  await expect(fp.getByRole("button", { name: "Enter the password again" })).toHaveCount(0);
  await expect(fp.getByRole("region", { name: "Emergency information" })).toHaveCount(0);
  await checkPage(fp, "sharing-viewer-revoked-card");
  // An address made before the flag (the key alone) cannot tell: the viewer says so.
  await fp.goto("about:blank");
  await fp.goto(`${cardUrl.split("#")[0] ?? ""}#${fragment}`);
  await expect(fp.getByText(/not available any more \(expired, revoked or used up\)/)).toBeVisible({ timeout: 60_000 });
  await expect(fp.getByRole("region", { name: "Emergency information" })).toHaveCount(0);
  await fresh.close();
});
