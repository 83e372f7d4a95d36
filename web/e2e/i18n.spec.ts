// The interface language: before login the browser's language (with a switcher), after login the
// account's setting. Switching to German in Settings changes the navigation and the records pages
// at once, `<html lang>` follows, a reload keeps it, and axe still passes on the German pages.
import { checkPage, expect, go, registerAccount, test, uniqueEmail } from "./fixtures";

const PASSWORD = "correct horse battery staple";

test("German in settings: navigation and records in German at once, kept after a reload", async ({ page }) => {
  test.setTimeout(300_000);
  const email = uniqueEmail("deutsch");
  await registerAccount(page, email, PASSWORD);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Profiles" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  // Settings: choose Deutsch and save; the page and the navigation switch without a reload.
  await go(page, "/settings");
  await page.getByLabel("Language", { exact: true }).selectOption("de");
  await page.getByRole("button", { name: "Save settings" }).click();
  const navDe = page.getByRole("navigation", { name: "Hauptnavigation" });
  await expect(navDe.getByRole("link", { name: "Einstellungen" })).toBeVisible();
  await expect(navDe.getByRole("link", { name: "Profile", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Einstellungen");
  await expect(page.getByLabel("Sprache", { exact: true })).toHaveValue("de");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page).toHaveTitle("Einstellungen · Normogen");
  await checkPage(page, "i18n-settings-de");

  // A records page: the profiles list, a new profile and its timeline, all in German.
  await navDe.getByRole("link", { name: "Profile", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Wessen Gesundheit behalten Sie im Blick?" })).toBeVisible();
  await page.getByRole("button", { name: "Profil hinzufügen" }).click();
  await expect(page.getByText("Ein Name ist erforderlich.")).toBeVisible();
  await page.getByLabel("Name").fill("Lena");
  await page.getByLabel("Wer ist es?").selectOption("child");
  await page.getByRole("button", { name: "Profil hinzufügen" }).click();
  await page.getByRole("link", { name: /^Lena/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Lena");
  const views = page.getByRole("navigation", { name: "Ansichten der Einträge" });
  await expect(views.getByRole("link", { name: "Verlauf" })).toBeVisible();
  await expect(views.getByRole("link", { name: "Medikamente" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Medikament hinzufügen" })).toBeVisible();
  await checkPage(page, "i18n-records-de");

  // A reload forgets keys and tokens: the login page is German, and so is the app after login.
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anmelden");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await checkPage(page, "i18n-login-de");
  await page.getByLabel("E-Mail", { exact: true }).fill(email);
  await page.getByLabel("Passwort").fill(PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page).not.toHaveURL(/\/login/, { timeout: 60_000 });
  await expect(page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Einstellungen" })).toBeVisible();
});

test("before login: the browser's language, and a switcher that changes the page at once", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: process.env.NORMOGEN_WEB_URL, locale: "es-ES" });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Iniciar sesión");
  await expect(page.locator("html")).toHaveAttribute("lang", "es-ES");
  await expect(page.getByLabel("Correo electrónico", { exact: true })).toBeVisible();
  await checkPage(page, "i18n-login-es");
  await page.getByLabel("Idioma").selectOption("en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Log in");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  // A wrong password is answered in the chosen language (the server's code, translated).
  await page.getByLabel("Language").selectOption("de");
  await page.getByLabel("E-Mail", { exact: true }).fill(uniqueEmail("nobody"));
  await page.getByLabel("Passwort").fill("not the password at all");
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page.getByRole("alert")).toContainText("E-Mail-Adresse oder Passwort stimmen nicht.", { timeout: 60_000 });
  await context.close();
});
