// Crypto parity through the real server: what the Python reference client writes, the browser
// reads (an account, a child profile and a medication record, decrypted in the browser's
// export); what the browser writes, the Python client reads (an account's keys, checked
// against its published public keys, and its encrypted preferences).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, go, logIn, registerAccount, test, uniqueEmail } from "./fixtures";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const SCRIPT = join(ROOT, "clients", "python", "scripts", "web_interop.py");
const PASSWORD = "shared between two clients";

function python(command: "write" | "read", email: string): Record<string, unknown> {
  const api = process.env.NORMOGEN_API_URL;
  if (!api) throw new Error("NORMOGEN_API_URL is not set");
  const out = execFileSync(PYTHON, [SCRIPT, command, api, email, PASSWORD], { encoding: "utf-8", timeout: 120_000 });
  return JSON.parse(out) as Record<string, unknown>;
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
