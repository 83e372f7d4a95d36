// Crypto parity through the real server: what the Python reference client writes, the browser
// reads (an account, a child profile and a medication record, decrypted in the browser's
// export); what the browser writes, the Python client reads (an account's keys, checked
// against its published public keys, and its encrypted preferences). Share links cross both
// ways: the browser's viewer opens the Python client's links (with and without a password,
// told apart by the fragment's flag, docs/crypto.md §8), and the Python client opens a link
// made in the browser.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, go, logIn, registerAccount, test, uniqueEmail } from "./fixtures";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const SCRIPT = join(ROOT, "clients", "python", "scripts", "web_interop.py");
const PASSWORD = "shared between two clients";

function python(command: "write" | "read" | "share" | "open", subject: string, password = PASSWORD): Record<string, unknown> {
  const api = process.env.NORMOGEN_API_URL;
  if (!api) throw new Error("NORMOGEN_API_URL is not set");
  const out = execFileSync(PYTHON, [SCRIPT, command, api, subject, password], { encoding: "utf-8", timeout: 180_000 });
  return JSON.parse(out) as Record<string, unknown>;
}

/** A link the Python client made on the API's origin, as served by the web app. */
function onWeb(url: string, web: string): string {
  return `${web}${url.slice(url.indexOf("/s/"))}`;
}

test("data written by the Python client is read in the browser", async ({ page }) => {
  const email = uniqueEmail("py-writer");
  const written = python("write", email);
  await logIn(page, email, PASSWORD);
  await go(page, "/account/export");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download decrypted export" }).click();
  const exported = JSON.parse(readFileSync(await (await download).path(), "utf-8")) as {
    profiles: { id: string; profile_type: string; metadata: { name?: string }; records: { id: string; kind: string; data: unknown; tags: string[] }[] }[];
    skipped: unknown[];
  };
  expect(exported.skipped).toEqual([]);
  const profile = exported.profiles.find((p) => p.id === written.profile_id);
  expect(profile?.profile_type).toBe("child");
  expect(profile?.metadata.name).toBe("Ada");
  const record = profile?.records.find((r) => r.id === written.record_id);
  expect(record?.kind).toBe("medication");
  expect(record?.data).toEqual(written.data);
  expect(record?.tags).toEqual(["heart"]);
});

test("data written in the browser is read by the Python client", async ({ page }) => {
  const email = uniqueEmail("web-writer");
  await registerAccount(page, email, PASSWORD);
  await go(page, "/settings");
  await page.getByLabel("Time zone").selectOption("America/New_York");
  await page.getByLabel("Blood glucose").selectOption("mg/dL");
  await page.getByLabel("Temperature").selectOption("[degF]");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  const read = python("read", email);
  expect(read.timezone).toBe("America/New_York");
  expect(read.preferences).toEqual({ units: { weight: "kg", glucose: "mg/dL", temperature: "[degF]" } });
  expect(read.user_id).toMatch(/^[0-9a-f]{32}$/);
});

test("share links cross between the Python client and the browser", async ({ page, browser, app }) => {
  test.setTimeout(300_000);
  const shared = python("share", uniqueEmail("py-sharer")) as { with_password: string; without_password: string; data: unknown };
  expect(shared.with_password).toMatch(/#1p\.[A-Za-z0-9_-]{43}$/);
  expect(shared.without_password).toMatch(/#1n\.[A-Za-z0-9_-]{43}$/);
  const doctor = await browser.newContext({ baseURL: app });
  const dp = await doctor.newPage();
  await dp.goto(onWeb(shared.without_password, app));
  await expect(dp.getByRole("heading", { level: 1 })).toHaveText("Health records of Ada", { timeout: 60_000 });
  // Decrypted and read as share content: the one record is listed (its data is the Python
  // test's own medication shape, which this app's reader does not summarise).
  await expect(dp.getByRole("region", { name: "Medication (1)" })).toBeVisible();
  const second = await doctor.newPage();
  await second.goto(onWeb(shared.with_password, app));
  await second.getByLabel("Link password").fill(PASSWORD);
  await second.getByRole("button", { name: "Open the records" }).click();
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("Health records of Ada", { timeout: 60_000 });
  await expect(second.getByRole("region", { name: "Medication (1)" })).toBeVisible();
  await doctor.close();

  // The other way: a link made in the browser, opened by the Python client.
  await registerAccount(page, uniqueEmail("web-sharer"), PASSWORD);
  await page.getByLabel("Name").fill("Bea");
  await page.getByLabel("Who is it?").selectOption("self");
  await page.getByRole("button", { name: "Add profile" }).click();
  await page.getByRole("link", { name: /^Bea/ }).click();
  await page.getByRole("button", { name: "Add…" }).click();
  await page.getByRole("button", { name: "Blood pressure", exact: true }).click();
  const d = page.getByRole("dialog");
  await d.getByLabel("Systolic (mmHg)").fill("131");
  await d.getByLabel("Diastolic (mmHg)").fill("83");
  await d.getByRole("button", { name: "Save" }).click();
  await expect(d).toBeHidden();
  await go(page, "/links");
  await page.getByRole("button", { name: "New share link" }).click();
  const form = page.getByRole("form", { name: "New share link" });
  await expect(form.getByText("1 record will be shared.")).toBeVisible();
  await form.getByLabel("Password (optional)").fill("link password 42");
  await form.getByLabel("Repeat the password").fill("link password 42");
  await form.getByRole("button", { name: "Create the link" }).click();
  const urlBox = page.getByLabel("Link", { exact: true });
  await expect(urlBox).toBeVisible({ timeout: 60_000 });
  const url = await urlBox.inputValue();
  expect(url).toMatch(/#1p\.[A-Za-z0-9_-]{43}$/);
  const content = python("open", url, "link password 42") as {
    profile: { metadata: { name?: string } };
    records: { kind: string; data: { systolic?: unknown; diastolic?: unknown } }[];
  };
  expect(content.profile.metadata.name).toBe("Bea");
  expect(content.records.map((r) => [r.kind, r.data.systolic, r.data.diastolic])).toEqual([["health_data", 131, 83]]);
});
