// The account journey in a real browser against a real server: register (recovery phrase
// confirmed), log out, log in, lock and unlock, change password, sessions, events, settings,
// export (decrypted and raw), recovery, delete. Every page is checked with axe and captured.
import { readFileSync } from "node:fs";
import { checkPage, expect, go, logIn, pushPath, registerAccount, test, uniqueEmail } from "./fixtures";

const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a completely different passphrase";

test("account journey: register, log out, log in, change password, sessions, export, delete", async ({ page, browser }) => {
  // Four key derivations (register, log in, and both sides of the password change) and axe on
  // every page: like the other journeys (records.spec.ts), more than the default 120 s on a
  // busy two-core machine.
  test.setTimeout(420_000);
  const email = uniqueEmail("journey");
  const workers: string[] = [];
  page.on("worker", (w) => workers.push(w.url()));

  await page.goto("/register");
  await checkPage(page, "register");
  // Mistakes are reported under their fields and what was typed stays.
  await page.getByLabel("Email", { exact: true }).fill("not-an-email");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Repeat the password").fill("different");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter an email address such as name@example.org.")).toBeVisible();
  await expect(page.getByText(/Use at least 10 characters/)).toBeVisible();
  await expect(page.getByText("The two passwords differ.")).toBeVisible();
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue("not-an-email");
  await expect(page.getByLabel("Email", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await checkPage(page, "register-errors");

  // Register; the phrase page must be confirmed with the right group.
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Repeat the password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  const phraseBox = page.getByLabel("Recovery phrase", { exact: true });
  await expect(phraseBox).toBeVisible({ timeout: 60_000 });
  await checkPage(page, "recovery-phrase");
  const groups = (await phraseBox.locator(".phrase-group").allTextContents()).map((g) => g.trim());
  expect(groups).toHaveLength(8);
  const phrase = groups.join("-");
  // The KDF ran in a dedicated worker, not on the page's thread.
  expect(workers.some((url) => url.includes("kdf.worker"))).toBe(true);
  // The download carries the phrase.
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  const download = await downloadPromise;
  expect(readFileSync(await download.path(), "utf-8")).toContain(phrase);
  // A wrong confirmation is refused, the right one continues.
  await page.getByLabel(/last group/).fill("ZZZZ");
  await page.getByLabel("I have stored my recovery phrase somewhere safe").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText(/That is not the last group of your phrase/)).toBeVisible();
  await page.getByLabel(/last group/).fill(groups[7] ?? "");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).not.toHaveURL(/\/register/);

  // Nothing secret at rest: no tokens or keys in localStorage or sessionStorage.
  const stored = await page.evaluate(() => {
    const dump = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i) ?? ""}=${s.getItem(s.key(i) ?? "") ?? ""}`);
    return [...dump(window.localStorage), ...dump(window.sessionStorage)].join("\n");
  });
  expect(stored).not.toMatch(/token|key|eyJ/i);
  expect(stored).not.toContain(phrase);

  // Log out, then log in again (a wrong password first: an error, the email kept).
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await checkPage(page, "login");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill("wrong password here");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toContainText("The email or password is not right.", { timeout: 60_000 });
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/, { timeout: 60_000 });

  // Lock and unlock.
  await page.getByRole("button", { name: "Lock" }).click();
  await expect(page).toHaveURL(/\/unlock/);
  await checkPage(page, "unlock");
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("alert")).toContainText("That password is not right.", { timeout: 60_000 });
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page).not.toHaveURL(/\/unlock/, { timeout: 60_000 });

  // Account page: change the password.
  await go(page, "/account");
  await expect(page.getByRole("heading", { level: 1, name: "Account and security" })).toBeVisible();
  await checkPage(page, "account");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText(/Password changed/)).toBeVisible({ timeout: 60_000 });

  // A second device logs in with the new password; the first sees it in its sessions and revokes it.
  const other = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL });
  const otherPage = await other.newPage();
  await logIn(otherPage, email, NEW_PASSWORD);
  await go(page, "/account/sessions");
  await expect(page.getByRole("table")).toBeVisible();
  await expect(page.getByText("This device")).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(3); // header + two sessions
  await checkPage(page, "sessions");
  await page.getByRole("button", { name: /^Sign out / }).first().click();
  await expect(page.getByRole("row")).toHaveCount(2);
  // The revoked device is sent back to the login on its next request (which may be one it had
  // in flight already, before it is asked for another page).
  await pushPath(otherPage, "/account/sessions").catch((error: unknown) => {
    // Already on its way to the login page: the navigation replaced the page being scripted.
    if (!String(error).includes("Execution context was destroyed")) throw error;
  });
  await expect(otherPage).toHaveURL(/\/login\?expired=1$/, { timeout: 30_000 });
  await other.close();

  // Security events list the logins and the password change.
  await go(page, "/account/events");
  await expect(page.getByText("Password changed")).toBeVisible();
  await expect(page.getByText("Account created")).toBeVisible();
  await checkPage(page, "events");

  // Settings: time zone and units persist (units are encrypted on the server).
  await go(page, "/settings");
  await checkPage(page, "settings");
  await page.getByLabel("Time zone").selectOption("Europe/Berlin");
  await page.getByLabel("Weight").selectOption("[lb_av]");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  // A reload forgets keys and tokens (memory only): log in again; the settings come back.
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
  await logIn(page, email, NEW_PASSWORD);
  await go(page, "/settings");
  await expect(page.getByLabel("Time zone")).toHaveValue("Europe/Berlin");
  await expect(page.getByLabel("Weight")).toHaveValue("[lb_av]");

  // Export: the decrypted file and the raw encrypted one.
  await go(page, "/account/export");
  await checkPage(page, "export");
  let dl = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download decrypted export" }).click();
  const plain = JSON.parse(readFileSync(await (await dl).path(), "utf-8")) as { format: string; account: { email: string } };
  expect(plain.format).toBe("normogen-decrypted-export");
  expect(plain.account.email).toBe(email);
  dl = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download encrypted export" }).click();
  const raw = JSON.parse(readFileSync(await (await dl).path(), "utf-8")) as { sections: { account: unknown } };
  expect(raw.sections.account).toBeTruthy();
  expect(JSON.stringify(raw)).not.toContain(NEW_PASSWORD);

  // Delete: the email must be typed; afterwards the account cannot log in.
  await go(page, "/account/delete");
  await checkPage(page, "delete-account");
  await page.getByLabel("Your password").fill(NEW_PASSWORD);
  await page.getByLabel(/Type your email/).fill("someone-else@example.org");
  await page.getByRole("button", { name: "Delete my account forever" }).click();
  await expect(page.getByText(`Type ${email} to confirm.`)).toBeVisible();
  await page.getByLabel(/Type your email/).fill(email);
  await page.getByRole("button", { name: "Delete my account forever" }).click();
  await expect(page).toHaveURL(/\/login/, { timeout: 60_000 });
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toBeVisible({ timeout: 60_000 });
  await expect(page).toHaveURL(/\/login/);
});

test("recovery: a forgotten password is reset with the phrase, which is then replaced", async ({ page }) => {
  const email = uniqueEmail("recover");
  const phrase = await registerAccount(page, email, PASSWORD);
  await page.getByRole("button", { name: "Log out" }).click();
  await page.goto("/recover");
  await checkPage(page, "recover");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Recovery phrase", { exact: true }).fill(phrase.toLowerCase().replace(/-/g, " "));
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Reset password" }).click();
  const newPhrase = page.getByLabel("Recovery phrase", { exact: true });
  await expect(page.getByRole("heading", { name: "Your new recovery phrase" })).toBeVisible({ timeout: 90_000 });
  const groups = (await newPhrase.locator(".phrase-group").allTextContents()).map((g) => g.trim());
  expect(groups.join("-")).not.toBe(phrase);
  await page.getByLabel(/last group/).fill(groups[7] ?? "");
  await page.getByLabel("I have stored my recovery phrase somewhere safe").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Log out" }).click();
  await logIn(page, email, NEW_PASSWORD);
});

test("guards and not-found: protected pages send anonymous visitors to the login", async ({ page }) => {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await checkPage(page, "not-found");
  await page.goto("/s/doesnotexist#AAAA");
  await expect(page.getByRole("heading", { name: "This link is not available" })).toBeVisible();
  await checkPage(page, "share-unavailable");
});

test("the page is served with a strict Content-Security-Policy and no inline script", async ({ page, app }) => {
  const response = await page.goto(app + "/");
  const csp = response?.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  const inline = await page.evaluate(() => Array.from(document.scripts).filter((s) => !s.src).length);
  expect(inline).toBe(0);
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) violations.push(m.text());
  });
  await page.goto(app + "/register");
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  expect(violations).toEqual([]);
});
