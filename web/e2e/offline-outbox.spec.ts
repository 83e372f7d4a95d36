// Writes made offline, in a real browser (real IndexedDB) against a real server: one account on
// two devices (two browser contexts). Device A goes offline, logs three doses and edits the
// medication that device B edits online meanwhile; A's page is closed and opened again while
// still offline (unlocked from the device's encrypted copy), and its outbox is still there (in
// IndexedDB, as ciphertext, and on screen); when the network returns the doses reach B and A is
// offered the conflict with both versions and resolves it (the steps: e2e/offline-steps.ts). Last, the server serves A an older ciphertext of
// the medication (rolled back in its database by tamper_record.py): A refuses it and says so.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkPage, dialog, expect, test, uniqueEmail } from "./fixtures";
import { accountWithChildMedication, deviceOn, conflictKeptMine, dosesAndEditOffline, outboxOfDosesAndEdit, seesDosesAndKeptVersion, stillWaiting, strengthEditedOnline } from "./offline-steps";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const TAMPER = join(dirname(fileURLToPath(import.meta.url)), "tamper_record.py");
const PASSWORD = "correct horse battery staple";


function tamper(command: "snapshot" | "rollback", email: string, file: string): unknown {
  const dataDir = process.env.NORMOGEN_DATA_DIR;
  if (!dataDir) throw new Error("NORMOGEN_DATA_DIR is not set (e2e/global-setup.ts)");
  return JSON.parse(execFileSync(PYTHON, [TAMPER, dataDir, command, email, file], { encoding: "utf-8", timeout: 60_000 }));
}

test("offline writes on device A: kept across a reload, uploaded in order, conflict resolved, rollback refused", async ({ browser }) => {
  // Two devices, five logins (600,000 PBKDF2 rounds each) on a shared machine.
  test.setTimeout(480_000);
  const email = uniqueEmail("offline");
  const scratch = mkdtempSync(join(tmpdir(), "normogen-outbox-e2e-"));
  const snapshot = join(scratch, "medication.json");
  const contextA = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const contextB = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  try {
    // Device A: the account, a child's profile and a medication.
    let a = await contextA.newPage();
    await accountWithChildMedication(a, email, PASSWORD, "Ada", 2);
    // The medication as it is now (revision 1), for the rollback at the end.
    expect(tamper("snapshot", email, snapshot)).toEqual({ revision: 1 });

    // Device B: the same account, signed in on another browser.
    const b = await deviceOn(contextB, email, PASSWORD, "Ada");
    await expect(b.getByRole("button", { name: "Amoxicillin 250 mg" })).toBeVisible();

    // A goes offline: three doses and an edit, shown at once and marked as waiting.
    await contextA.setOffline(true);
    await dosesAndEditOffline(a);
    await a.locator(".dose-log summary").click();
    await expect(a.locator(".dose-log li")).toHaveCount(3);
    await expect(a.locator(".dose-log li").filter({ hasText: "waiting to upload" })).toHaveCount(3);
    await checkPage(a, "outbox-offline-waiting");

    // Meanwhile B edits the same medication online.
    await strengthEditedOnline(b);

    // A's page is closed and opened again while still offline: the app opens from this device's
    // encrypted copy (password checked locally) and the outbox is still there.
    const before = await outboxOfDosesAndEdit(a, []);
    await a.close();
    a = await deviceOn(contextA, email, PASSWORD, "Ada");
    await stillWaiting(a, before.ops);

    // The network returns: the doses upload, the edit meets B's and both versions are offered.
    await contextA.setOffline(false);
    await conflictKeptMine(a, "outbox-conflict");

    // B (signed in again) sees the three doses and A's chosen version.
    await b.close();
    await seesDosesAndKeptVersion(await deviceOn(contextB, email, PASSWORD, "Ada"));

    // The server serves A the medication's first ciphertext again: refused, and said so.
    const rolled = tamper("rollback", email, snapshot) as { matched: number; from: number; to: number };
    expect(rolled.matched).toBe(1);
    expect(rolled.to).toBe(1);
    expect(rolled.from).toBeGreaterThan(1);
    await a.close();
    const a3 = await deviceOn(contextA, email, PASSWORD, "Ada");
    await expect(a3.getByRole("alert").filter({ hasText: "1 change was refused" })).toBeVisible();
    await a3.getByRole("button", { name: "Amoxicillin 250 mg" }).click();
    await expect(dialog(a3)).toContainText("with food");
  } finally {
    await contextA.close();
    await contextB.close();
    rmSync(scratch, { recursive: true, force: true });
  }
});
