// Two devices of one family, offline (a real browser, real IndexedDB, a real server): parent A
// owns the child's profile and shares it through the family with parent B (caregiver) and a
// grandmother (viewer). Device A goes offline, logs three doses of the child's medication and
// edits it while B changes its strength online; A's page is opened again still offline and the
// outbox is there (on screen, and in IndexedDB as ciphertext only). Back online, the doses reach
// B, A is offered the conflict with both versions and keeps its own, and B then reads A's
// version. The viewer has no write controls, online or offline, and nothing is queued for her.
import type { BrowserContext } from "@playwright/test";
import {
  acceptInvitation,
  addMedication,
  checkPage,
  confirmTrusting,
  dayOffset,
  dialog,
  expect,
  go,
  registerAccount,
  showMedications,
  storedOutbox,
  test,
  uniqueEmail,
} from "./fixtures";
import { conflictKeptMine, deviceOn, openMedicationsOf, dosesAndEditOffline, outboxOfDosesAndEdit, seesDosesAndKeptVersion, stillWaiting, strengthEditedOnline } from "./offline-steps";

const PASSWORD = "correct horse battery staple";

test("family on two devices: A offline logs doses and edits, B edits online, A resolves the conflict, B sees the result; a viewer cannot write", async ({ browser }) => {
  // Three accounts and two more logins (600,000 PBKDF2 rounds each) on a shared machine.
  test.setTimeout(600_000);
  const contexts = await Promise.all([0, 1, 2].map(() => browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL })));
  const [contextA, contextB, contextGran] = contexts as [BrowserContext, BrowserContext, BrowserContext];
  const anna = uniqueEmail("anna");
  const ben = uniqueEmail("ben");
  const gran = uniqueEmail("gran");
  try {
    let a = await contextA.newPage();
    await registerAccount(a, anna, PASSWORD);
    const b = await contextB.newPage();
    await registerAccount(b, ben, PASSWORD);
    const g = await contextGran.newPage();
    await registerAccount(g, gran, PASSWORD);

    // Anna's family: the child's profile, Ben as caregiver, Gran as viewer; both confirmed.
    await go(a, "/families");
    await a.getByLabel("Family name").fill("Berg family");
    await a.getByRole("button", { name: "Create the family" }).click();
    await expect(a.getByRole("heading", { level: 1 })).toHaveText("Berg family", { timeout: 60_000 });
    await a.getByLabel("Name", { exact: true }).fill("Lena");
    await a.getByLabel("Who is it").selectOption("child");
    await a.getByRole("button", { name: "Add the profile" }).click();
    await expect(a.getByRole("link", { name: "Lena" })).toBeVisible();
    for (const [who, role] of [[ben, "caregiver"], [gran, "viewer"]] as const) {
      await a.getByLabel("Email").fill(who);
      await a.getByLabel("Role", { exact: true }).selectOption(role);
      await a.getByRole("button", { name: "Send the invitation" }).click();
      await expect(a.getByRole("list", { name: "Pending invitations" })).toContainText(who);
    }
    await acceptInvitation(b, anna);
    await acceptInvitation(g, anna);
    await go(a, "/profiles");
    await go(a, "/families");
    await a.getByRole("link", { name: "Berg family" }).click();
    await confirmTrusting(a, ben);
    await confirmTrusting(a, gran);

    // Anna adds the child's medication; both members read it.
    await openMedicationsOf(a, "Lena");
    await addMedication(a, { name: "Amoxicillin", strength: "250 mg", dose: "1 capsule", time: "08:00", startedOn: dayOffset(-2) });
    await showMedications(a);
    await expect(a.getByRole("button", { name: "Amoxicillin 250 mg" })).toBeVisible();
    for (const member of [b, g]) {
      await go(member, "/families");
      await openMedicationsOf(member, "Lena");
      await expect(member.getByRole("button", { name: "Amoxicillin 250 mg" })).toBeVisible();
    }

    // The viewer reads only: no dose buttons or Add menu, online or offline, and nothing queued.
    await contextGran.setOffline(true);
    for (const online of [true, false]) {
      if (!online) await openMedicationsOf(g, "Lena");
      await expect(g.getByText("You can read these records")).toBeVisible();
      await expect(g.getByRole("button", { name: "Add…" })).toHaveCount(0);
      await expect(g.getByRole("button", { name: "Taken now" })).toHaveCount(0);
      await expect(g.getByRole("button", { name: "Skipped" })).toHaveCount(0);
      await g.getByRole("button", { name: "Amoxicillin 250 mg" }).click();
      await expect(dialog(g)).toContainText("1 capsule");
      await expect(dialog(g).getByRole("button", { name: "Edit" })).toHaveCount(0);
      await expect(dialog(g).getByRole("button", { name: "Delete" })).toHaveCount(0);
      await g.keyboard.press("Escape");
      await expect(dialog(g)).toBeHidden();
    }
    await checkPage(g, "offline-family-viewer");
    expect((await storedOutbox(g)).count).toBe(0);

    // Device A goes offline: three doses and an edit, shown at once and marked as waiting.
    await contextA.setOffline(true);
    await dosesAndEditOffline(a);

    // Meanwhile Ben changes the strength on his device, online.
    await strengthEditedOnline(b);

    // A's page is opened again while still offline: the outbox is there, as ciphertext only.
    const before = await outboxOfDosesAndEdit(a, ["Lena"]);
    await a.close();
    a = await deviceOn(contextA, anna, PASSWORD, "Lena");
    await expect(a.getByRole("status").filter({ hasText: "You are offline" })).toBeVisible();
    await stillWaiting(a, before.ops);

    // Back online: the doses upload, the edit meets Ben's and both versions are offered.
    await contextA.setOffline(false);
    await conflictKeptMine(a, "offline-family-conflict");

    // Ben's device, opened again: the three doses and the version Anna chose.
    await b.close();
    await seesDosesAndKeptVersion(await deviceOn(contextB, ben, PASSWORD, "Lena"));
  } finally {
    for (const context of contexts) await context.close();
  }
});
