// A family in three browsers against a real server: two parents and a grandmother join with
// verified safety numbers and all see the child's profile; the grandmother (viewer) has no edit
// controls; removing her rotates the family key (progress shown) and she cannot read what is
// written afterwards: her own session, calling the API directly, is refused the family, the
// profile and its records. Every new page is checked with axe and captured.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "@playwright/test";
import { acceptInvitation, checkPage, expect, go, registerAccount, shownNumber, test, uniqueEmail } from "./fixtures";

const PASSWORD = "correct horse battery staple";

async function person(browser: Browser, prefix: string): Promise<{ page: Page; email: string }> {
  const context = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const page = await context.newPage();
  const email = uniqueEmail(prefix);
  await registerAccount(page, email, PASSWORD);
  return { page, email };
}

/** The bearer token this page's app last sent (the session lives in the app's memory only). */
function watchToken(page: Page): () => string {
  let token = "";
  page.on("request", (r) => {
    const auth = r.headers().authorization;
    if (auth?.startsWith("Bearer ")) token = auth.slice("Bearer ".length);
  });
  return () => {
    expect(token, "the app has sent an authenticated request").not.toBe("");
    return token;
  };
}

/** A GET from inside the page with its own session's token, as any script of that user could. */
async function apiGet(page: Page, token: string, path: string): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ([p, t]) => {
      const response = await fetch(p, { headers: { Authorization: `Bearer ${t}` }, cache: "no-store" });
      const text = await response.text();
      return { status: response.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
    },
    [path, token] as const,
  );
}

/** The owner compares with what the member read out, then confirms them. */
async function verifyAndConfirm(owner: Page, memberEmail: string, theirNumber: string): Promise<void> {
  const row = owner.getByRole("listitem", { name: memberEmail });
  await row.getByRole("button", { name: `Verify ${memberEmail}` }).click();
  expect(await shownNumber(owner)).toBe(theirNumber);
  // A wrong number is refused.
  const wrong = `${theirNumber.slice(0, -1)}${(Number(theirNumber.slice(-1)) + 1) % 10}`;
  await owner.getByRole("dialog").getByLabel(`The number ${memberEmail} sees`).fill(wrong);
  await owner.getByRole("dialog").getByRole("button", { name: "The numbers match: verify" }).click();
  await expect(owner.getByRole("dialog").getByRole("alert")).toContainText("The safety numbers do not match");
  await owner.getByRole("dialog").getByLabel(`The number ${memberEmail} sees`).fill(theirNumber.replace(/(\d{5})/g, "$1 "));
  await owner.getByRole("dialog").getByRole("button", { name: "The numbers match: verify" }).click();
  await expect(row.getByText("Verified")).toBeVisible();
  await row.getByRole("button", { name: `Confirm ${memberEmail}` }).click();
  await expect(row.getByText("Confirmed")).toBeVisible();
}

/** The member verifies the owner on the family page (upgrading the first-use pin). */
async function verifyOwner(page: Page, familyName: string, number: string): Promise<void> {
  // Members do not see each other's email addresses: the owner's row is "The owner".
  await go(page, "/profiles");
  await go(page, "/families");
  await page.getByRole("link", { name: familyName }).click();
  const ownerRow = page.getByRole("listitem", { name: "The owner" });
  await expect(ownerRow.getByText("Trusted without comparing")).toBeVisible();
  await ownerRow.getByRole("button", { name: "Verify The owner" }).click();
  await page.getByRole("dialog").getByLabel("The number The owner sees").fill(number);
  await page.getByRole("dialog").getByRole("button", { name: "The numbers match: verify" }).click();
  await expect(ownerRow.getByText("Verified")).toBeVisible();
}

test("two parents and a grandmother: verified family, shared child, viewer read-only, removal rotates the key", async ({ browser }) => {
  test.setTimeout(600_000);
  const anna = await person(browser, "anna");
  const ben = await person(browser, "ben");
  const gran = await person(browser, "gran");
  const granToken = watchToken(gran.page);
  const benToken = watchToken(ben.page);

  // Anna creates the family, adds the child and invites Ben (caregiver) and Gran (viewer).
  await go(anna.page, "/families");
  await checkPage(anna.page, "families-empty");
  await anna.page.getByLabel("Family name").fill("Berg family");
  await anna.page.getByRole("button", { name: "Create the family" }).click();
  await expect(anna.page.getByRole("heading", { level: 1 })).toHaveText("Berg family", { timeout: 60_000 });
  await anna.page.getByLabel("Name", { exact: true }).fill("Lena");
  await anna.page.getByLabel("Who is it").selectOption("child");
  await anna.page.getByRole("button", { name: "Add the profile" }).click();
  await expect(anna.page.getByRole("link", { name: "Lena" })).toBeVisible();
  for (const [who, role] of [[ben.email, "caregiver"], [gran.email, "viewer"]] as const) {
    await anna.page.getByLabel("Email").fill(who);
    await anna.page.getByLabel("Role", { exact: true }).selectOption(role);
    await anna.page.getByRole("button", { name: "Send the invitation" }).click();
    await expect(anna.page.getByRole("list", { name: "Pending invitations" })).toContainText(who);
  }
  // One invitation is withdrawn and sent again (cancel works).
  await anna.page.getByRole("button", { name: `Cancel the invitation to ${gran.email}` }).click();
  await expect(anna.page.getByRole("list", { name: "Pending invitations" })).not.toContainText(gran.email);
  await anna.page.getByLabel("Email").fill(gran.email);
  await anna.page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await anna.page.getByRole("button", { name: "Send the invitation" }).click();
  await expect(anna.page.getByRole("list", { name: "Pending invitations" })).toContainText(gran.email);
  await checkPage(anna.page, "families-family-owner");

  // Ben and Gran accept; Anna verifies each by the number they read out and confirms them.
  const benNumber = await acceptInvitation(ben.page, anna.email);
  const granNumber = await acceptInvitation(gran.page, anna.email);
  await go(anna.page, "/profiles");
  await go(anna.page, "/families");
  await anna.page.getByRole("link", { name: "Berg family" }).click();
  await verifyAndConfirm(anna.page, ben.email, benNumber);
  await verifyAndConfirm(anna.page, gran.email, granNumber);
  await checkPage(anna.page, "families-members-verified");
  // Both verify Anna the same way (the number is the same on both sides).
  await verifyOwner(ben.page, "Berg family", benNumber);
  await verifyOwner(gran.page, "Berg family", granNumber);
  await checkPage(gran.page, "families-family-member");

  // Everyone sees Lena; Ben (caregiver) adds a reading; Gran (viewer) has no edit controls.
  await go(ben.page, "/profiles");
  await ben.page.getByRole("link", { name: /^Lena/ }).click();
  await ben.page.getByRole("button", { name: "Add…" }).click();
  await ben.page.getByRole("button", { name: "Weight", exact: true }).click();
  await ben.page.getByRole("dialog").getByLabel("Weight (kg)").fill("18.4");
  await ben.page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await expect(ben.page.getByRole("dialog")).toBeHidden();
  await go(gran.page, "/profiles");
  await gran.page.getByRole("link", { name: /^Lena/ }).click();
  await expect(gran.page.getByText("18.4 kg").first()).toBeVisible({ timeout: 60_000 });
  await expect(gran.page.getByRole("button", { name: "Add…" })).toHaveCount(0);
  await gran.page.getByText("18.4 kg").first().click();
  await expect(gran.page.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(gran.page.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await checkPage(gran.page, "families-viewer-profile");
  // What Gran's session may read before the removal (the same calls are refused after it).
  const familyId = /\/families\/([^/?#]+)/.exec(anna.page.url())?.[1] ?? "";
  const profileId = /\/profiles\/([^/?#]+)/.exec(gran.page.url())?.[1] ?? "";
  expect(familyId).not.toBe("");
  expect(profileId).not.toBe("");
  const granReads = [
    `/api/v1/families/${familyId}`,
    `/api/v1/profiles/${profileId}`,
    `/api/v1/records?profile_id=${profileId}`,
    `/api/v1/profiles/${profileId}/changes`,
  ];
  for (const path of granReads) expect((await apiGet(gran.page, granToken(), path)).status, path).toBe(200);
  const before = (await apiGet(gran.page, granToken(), `/api/v1/records?profile_id=${profileId}`)).body as {
    records: { id: string; key_epoch: number }[];
  };
  expect(before.records.length).toBe(1);
  const seenRecord = before.records[0]?.id ?? "";
  const granEpoch = ((await apiGet(gran.page, granToken(), `/api/v1/families/${familyId}`)).body as { key_epoch: number }).key_epoch;

  // Anna removes Gran: the family key rotates (progress shown); Ben writes afterwards.
  const granRow = anna.page.getByRole("listitem", { name: gran.email });
  await granRow.getByRole("button", { name: `Remove ${gran.email}` }).click();
  await anna.page.getByRole("dialog").getByRole("button", { name: "Remove and change the key" }).click();
  await expect(anna.page.getByText(/Removed\. The family key was changed/)).toBeVisible({ timeout: 60_000 });
  await expect(anna.page.getByRole("listitem", { name: gran.email })).toHaveCount(0);
  await go(ben.page, "/families");
  await go(ben.page, "/profiles");
  await ben.page.getByRole("link", { name: /^Lena/ }).click();
  await ben.page.getByRole("button", { name: "Add…" }).click();
  await ben.page.getByRole("button", { name: "Weight", exact: true }).click();
  await ben.page.getByRole("dialog").getByLabel("Weight (kg)").fill("19.1");
  await ben.page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await expect(ben.page.getByRole("dialog")).toBeHidden();
  // Gran no longer sees Lena, and the server refuses her the records.
  await go(gran.page, "/families");
  await go(gran.page, "/profiles");
  await expect(gran.page.getByRole("link", { name: /^Lena/ })).toHaveCount(0);
  await expect(gran.page.getByText("19.1 kg")).toHaveCount(0);
  // Her own session, calling the API directly: the family, the profile and its records (the
  // one she saw included) are refused as not hers to see (404, docs/api.md); her sync of the
  // profile is told the access ended (403 access_revoked, docs/sync.md) and carries nothing.
  const [changesPath] = granReads.filter((p) => p.endsWith("/changes"));
  for (const path of [...granReads, `/api/v1/records/${seenRecord}`]) {
    const answer = await apiGet(gran.page, granToken(), path);
    const error = (answer.body as { error?: { code?: string } } | null)?.error?.code;
    if (path === changesPath) expect([answer.status, error], path).toEqual([403, "access_revoked"]);
    else expect([answer.status, error], path).toEqual([404, "not_found"]);
    expect(Object.keys(answer.body as object)).toEqual(["error"]);
  }
  const granProfiles = (await apiGet(gran.page, granToken(), "/api/v1/profiles")).body as { profiles: { id: string }[] };
  expect(granProfiles.profiles.map((p) => p.id)).not.toContain(profileId);
  const granFamilies = (await apiGet(gran.page, granToken(), "/api/v1/families")).body as { families: { id: string }[] };
  expect(granFamilies.families.map((f) => f.id)).not.toContain(familyId);
  // What Ben wrote after the removal is under the new key epoch, which was granted only to the
  // members who remained: the keys Gran ever held cannot open it, and she cannot fetch it.
  const family = (await apiGet(ben.page, benToken(), `/api/v1/families/${familyId}`)).body as { key_epoch: number };
  expect(family.key_epoch).toBeGreaterThan(granEpoch);
  const after = (await apiGet(ben.page, benToken(), `/api/v1/records?profile_id=${profileId}`)).body as {
    records: { id: string; key_epoch: number }[];
  };
  const written = after.records.filter((r) => r.id !== seenRecord);
  expect(written.length).toBe(1);
  const oldEpoch = before.records[0]?.key_epoch ?? 0;
  for (const r of written) {
    expect(r.key_epoch).toBeGreaterThan(oldEpoch);
    expect((await apiGet(gran.page, granToken(), `/api/v1/records/${r.id}`)).status).toBe(404);
  }
  await checkPage(gran.page, "families-removed-member");

  // Ben's decrypted export holds Lena (a profile Anna owns) with her family and both readings.
  await go(ben.page, "/account/export");
  const download = ben.page.waitForEvent("download");
  await ben.page.getByRole("button", { name: "Download decrypted export" }).click();
  const exported = JSON.parse(readFileSync(await (await download).path(), "utf-8")) as {
    profiles: { metadata: { name?: string }; family: { name: string } | null; records: { data: { value?: number } }[] }[];
  };
  const lena = exported.profiles.find((p) => p.metadata.name === "Lena");
  expect(lena?.family?.name).toBe("Berg family");
  expect(lena?.records.map((r) => r.data.value).sort()).toEqual([18.4, 19.1]);
});
