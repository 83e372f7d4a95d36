// A member's keys replaced behind everyone's back, directly in the server's database (what an
// attacker holding the server could do): the owner, who verified the member's safety number,
// sees the key-changed warning and no way to confirm (grant the family key to) the new keys.
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "@playwright/test";
import { checkPage, expect, go, registerAccount, test, uniqueEmail } from "./fixtures";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const TAMPER = join(dirname(fileURLToPath(import.meta.url)), "tamper_keys.py");
const PASSWORD = "correct horse battery staple";

async function person(browser: Browser, prefix: string): Promise<{ page: Page; email: string }> {
  const context = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const page = await context.newPage();
  const email = uniqueEmail(prefix);
  await registerAccount(page, email, PASSWORD);
  return { page, email };
}

function replaceKeysInDatabase(email: string): void {
  const dataDir = process.env.NORMOGEN_DATA_DIR;
  if (!dataDir) throw new Error("NORMOGEN_DATA_DIR is not set (e2e/global-setup.ts)");
  const out = execFileSync(PYTHON, [TAMPER, dataDir, email], { encoding: "utf-8", timeout: 60_000 });
  expect(JSON.parse(out)).toEqual({ matched: 1 });
}

test("a member's keys changed in the database: the owner is warned and cannot confirm them", async ({ browser }) => {
  test.setTimeout(300_000);
  const owner = await person(browser, "owner");
  const member = await person(browser, "member");

  await go(owner.page, "/families");
  await owner.page.getByLabel("Family name").fill("Lund family");
  await owner.page.getByRole("button", { name: "Create the family" }).click();
  await expect(owner.page.getByRole("heading", { level: 1 })).toHaveText("Lund family", { timeout: 60_000 });
  await owner.page.getByLabel("Email").fill(member.email);
  await owner.page.getByLabel("Role", { exact: true }).selectOption("caregiver");
  await owner.page.getByRole("button", { name: "Send the invitation" }).click();
  await expect(owner.page.getByRole("list", { name: "Pending invitations" })).toContainText(member.email);

  // The member accepts, trusting the owner on first use, and reads out their safety number.
  await go(member.page, "/families");
  const card = member.page.getByRole("listitem", { name: `Invitation from ${owner.email}` });
  await card.getByRole("button", { name: `Verify ${owner.email}` }).click();
  const box = member.page.getByRole("dialog").getByLabel("Your safety number with this person");
  await expect(box.locator(".group")).toHaveCount(12);
  const number = ((await box.textContent()) ?? "").replace(/\D/g, "");
  await member.page.getByRole("dialog").getByText("I cannot compare now").click();
  await member.page.getByRole("dialog").getByRole("button", { name: "Trust without comparing" }).click();
  await card.getByRole("button", { name: "Accept" }).click();
  await expect(card).toHaveCount(0);

  // The owner verifies the member by that number, but has not confirmed them yet.
  await go(owner.page, "/profiles");
  await go(owner.page, "/families");
  await owner.page.getByRole("link", { name: "Lund family" }).click();
  const row = owner.page.getByRole("listitem", { name: member.email });
  await row.getByRole("button", { name: `Verify ${member.email}` }).click();
  await owner.page.getByRole("dialog").getByLabel(`The number ${member.email} sees`).fill(number);
  await owner.page.getByRole("dialog").getByRole("button", { name: "The numbers match: verify" }).click();
  await expect(row.getByText("Verified")).toBeVisible();
  await expect(row.getByRole("button", { name: `Confirm ${member.email}` })).toBeVisible();

  // The server's database now shows other keys for the member.
  replaceKeysInDatabase(member.email);
  await go(owner.page, "/profiles");
  await go(owner.page, "/families");
  await owner.page.getByRole("link", { name: "Lund family" }).click();
  const changed = owner.page.getByRole("listitem", { name: member.email });
  await expect(changed.getByText("Keys changed")).toBeVisible({ timeout: 60_000 });
  await expect(changed.getByRole("alert")).toContainText(`Warning: ${member.email}’s keys have changed`);
  await expect(changed.getByRole("button", { name: "Compare the new safety number" })).toBeVisible();
  await expect(changed.getByRole("button", { name: `Confirm ${member.email}` })).toHaveCount(0);
  await expect(changed.getByText("Waiting for confirmation")).toBeVisible();
  await expect(changed.getByText("Verified", { exact: true })).toHaveCount(0);
  await checkPage(owner.page, "families-member-keys-changed");
});
