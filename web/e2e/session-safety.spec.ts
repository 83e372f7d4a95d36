// Session safety in the browser: the vault locks after the configured idle time (with a clock
// the test controls, so no waiting), the clipboard holding a recovery phrase is cleared, and a
// phone-sized screen gets the collapsed navigation with no accessibility regressions.
import { checkPage, expect, go, registerAccount, test, uniqueEmail } from "./fixtures";

const PASSWORD = "idle lock test passphrase";

test("the vault locks after the idle time chosen in Settings, and unlocks with the password", async ({ page }) => {
  await page.clock.install();
  await registerAccount(page, uniqueEmail("idle"), PASSWORD);
  await go(page, "/settings");
  await page.getByLabel("Lock when idle").selectOption("1");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  // Activity keeps it open: 50 s idle, a key press, another 50 s.
  await page.clock.fastForward(50_000);
  await page.keyboard.press("Shift");
  await page.clock.fastForward(50_000);
  await expect(page).toHaveURL(/\/settings/);
  // Then 61 s without input: locked, keys gone, the unlock page asks for the password.
  await page.clock.fastForward(61_000);
  await expect(page).toHaveURL(/\/unlock/);
  await expect(page.getByRole("heading", { name: "Unlock" })).toBeVisible();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page).toHaveURL(/\/settings/, { timeout: 60_000 });
});

test("copying the recovery phrase clears the clipboard a minute later", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.clock.install();
  await page.goto("/register");
  const email = uniqueEmail("clip");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Repeat the password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  const phraseBox = page.getByLabel("Recovery phrase", { exact: true });
  await expect(phraseBox).toBeVisible({ timeout: 60_000 });
  const phrase = (await phraseBox.locator(".phrase-group").allTextContents()).map((g) => g.trim()).join("-");
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByText(/The clipboard is cleared in one minute/)).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(phrase);
  await page.clock.fastForward(61_000);
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("navigation collapses into a menu and the pages stay accessible", async ({ page }) => {
    await page.goto("/login");
    await checkPage(page, "phone-login");
    await registerAccount(page, uniqueEmail("phone"), PASSWORD);
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await checkPage(page, "phone-settings");
    await go(page, "/account");
    await checkPage(page, "phone-account");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
