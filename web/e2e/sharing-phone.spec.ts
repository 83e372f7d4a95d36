// Every sharing page at phone size (390×844, touch): families, an invitation, the safety-number
// dialog with its QR code, the links list, the new-link form, a created link's QR code, the
// public viewer (records, password prompt, the neutral page) and the emergency card. On each:
// nothing overflows sideways, every control is a tap target of at least 44×44 px, an open
// dialog fits the screen, axe finds nothing serious; a screenshot goes to test-results/screenshots.
import type { Browser, Page } from "@playwright/test";
import { checkPage, expect, go, registerAccount, test, uniqueEmail } from "./fixtures";

const PASSWORD = "correct horse battery staple";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };

async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ ...PHONE, baseURL: process.env.NORMOGEN_WEB_URL });
  return context.newPage();
}

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  innerHeight: number;
  small: string[];
  /** The innermost elements reaching past the phone's width (what to fix when it overflows). */
  wide: string[];
  dialogs: { left: number; right: number; top: number; bottom: number }[];
}

/** The layout facts of the page as it is now (visible elements only). */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const visible = (el: Element): boolean => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      // Off-screen until focused (the skip link) counts as not shown.
      const onScreen = r.right > 0 && r.bottom + window.scrollY > 0 && r.left < window.innerWidth;
      return r.width > 0 && r.height > 0 && onScreen && style.visibility !== "hidden" && style.display !== "none";
    };
    const describe = (el: Element, r: DOMRect): string =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.getAttribute("aria-label") ?? el.textContent).trim().slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`;
    const small: string[] = [];
    // Controls: buttons, fields, and links that stand on their own (a link inside running text
    // is exempt, as WCAG 2.5.8 allows). A checkbox or radio counts with its label row.
    const controls = Array.from(document.querySelectorAll("button, select, textarea, input, summary, a[href]"));
    for (const el of controls) {
      if (!visible(el)) continue;
      if (el instanceof HTMLInputElement && el.type === "hidden") continue;
      if (el.tagName === "A" && getComputedStyle(el).display === "inline") continue;
      let target: Element = el;
      if (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio")) target = el.closest(".field-check") ?? el;
      const r = target.getBoundingClientRect();
      if (r.height < 44 - 0.5 || r.width < 44 - 0.5) small.push(describe(el, r));
    }
    const wide = Array.from(document.querySelectorAll("main *"))
      .filter((el) => el.getBoundingClientRect().right > 390.5 && !Array.from(el.children).some((c) => c.getBoundingClientRect().right > 390.5))
      .filter((el) => {
        // Inside a box that scrolls or clips sideways (a wide table's wrapper) is not overflow.
        for (let up = el.parentElement; up && up.tagName !== "MAIN"; up = up.parentElement) {
          if (getComputedStyle(up).overflowX !== "visible") return false;
        }
        return true;
      })
      .slice(0, 8)
      .map((el) => describe(el, el.getBoundingClientRect()) + ` .${el.className}`);
    const dialogs = Array.from(document.querySelectorAll("dialog[open]")).map((d) => {
      const r = d.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      small,
      wide,
      dialogs,
    };
  });
}

/** The phone checks, then axe and the screenshot (fixtures.checkPage). */
async function checkPhone(page: Page, name: string): Promise<void> {
  await page.waitForLoadState("load");
  const layout = await measure(page);
  // Soft: one run reports every page's problems, and the test still fails on any of them. (A
  // phone widens its layout viewport to content that does not fit: innerWidth grows too.)
  expect.soft(layout.wide, `${name}: nothing reaches past the screen`).toEqual([]);
  expect.soft(layout.innerWidth, `${name}: the phone viewport`).toBe(390);
  expect.soft(layout.scrollWidth, `${name}: nothing overflows sideways`).toBeLessThanOrEqual(layout.innerWidth);
  expect.soft(layout.small, `${name}: tap targets of at least 44×44 px`).toEqual([]);
  for (const d of layout.dialogs) {
    expect.soft(d.left, `${name}: the dialog fits`).toBeGreaterThanOrEqual(0);
    expect.soft(d.right, `${name}: the dialog fits`).toBeLessThanOrEqual(layout.innerWidth);
    expect.soft(d.top, `${name}: the dialog fits`).toBeGreaterThanOrEqual(0);
    expect.soft(d.bottom, `${name}: the dialog fits`).toBeLessThanOrEqual(layout.innerHeight);
  }
  await checkPage(page, `phone-${name}`);
}

test("every sharing page fits a phone: no sideways scrolling, 44 px targets, dialogs on screen", async ({ browser }) => {
  test.setTimeout(600_000);
  const friend = await phone(browser);
  const friendEmail = uniqueEmail("phone-friend");
  await registerAccount(friend, friendEmail, PASSWORD);
  const owner = await phone(browser);
  const ownerEmail = uniqueEmail("phone-owner");
  await registerAccount(owner, ownerEmail, PASSWORD);
  await owner.getByLabel("Name").fill("Marta");
  await owner.getByLabel("Who is it?").selectOption("self");
  await owner.getByRole("button", { name: "Add profile" }).click();
  await owner.getByRole("link", { name: /^Marta/ }).click();
  await owner.getByRole("button", { name: "Add…" }).click();
  await owner.getByRole("button", { name: "Blood pressure", exact: true }).click();
  const reading = owner.getByRole("dialog");
  await reading.getByLabel("Systolic (mmHg)").fill("128");
  await reading.getByLabel("Diastolic (mmHg)").fill("84");
  await reading.getByRole("button", { name: "Save" }).click();
  await expect(reading).toBeHidden();

  // Families: the empty page, a family with a pending invitation.
  await go(owner, "/families");
  await expect(owner.getByLabel("Family name")).toBeVisible();
  await checkPhone(owner, "families-empty");
  await owner.getByLabel("Family name").fill("A family with a rather long name, as people choose them");
  await owner.getByRole("button", { name: "Create the family" }).click();
  await expect(owner.getByRole("heading", { level: 1 })).toContainText("A family with", { timeout: 60_000 });
  await owner.getByLabel("Email").fill(friendEmail);
  await owner.getByLabel("Role", { exact: true }).selectOption("caregiver");
  await owner.getByRole("button", { name: "Send the invitation" }).click();
  await expect(owner.getByRole("list", { name: "Pending invitations" })).toContainText(friendEmail);
  await checkPhone(owner, "families-family");

  // The invitee: the invitation, then the safety-number dialog with its QR code.
  await go(friend, "/families");
  const invitation = friend.getByRole("listitem", { name: `Invitation from ${ownerEmail}` });
  await expect(invitation).toBeVisible();
  await checkPhone(friend, "families-invitation");
  await invitation.getByRole("button", { name: `Verify ${ownerEmail}` }).click();
  const verify = friend.getByRole("dialog");
  await expect(verify.getByLabel("Your safety number with this person").locator(".group")).toHaveCount(12);
  await expect(verify.getByRole("img", { name: /safety number as a QR code/ })).toBeVisible();
  await checkPhone(friend, "families-verify");

  // Share links: the empty list, the form, a created link with its QR code and access log.
  await go(owner, "/links");
  await expect(owner.getByRole("heading", { name: "No share links yet" })).toBeVisible();
  await checkPhone(owner, "links-empty");
  await owner.getByRole("button", { name: "New share link" }).click();
  const form = owner.getByRole("form", { name: "New share link" });
  await expect(form.getByText("1 record will be shared.")).toBeVisible();
  await checkPhone(owner, "links-new");
  await form.getByRole("radio", { name: "Records I choose one by one" }).check();
  await form.getByRole("checkbox", { name: /128\/84/ }).check();
  await checkPhone(owner, "links-new-picked");
  await form.getByLabel("Your note (only you see it)").fill("For the cardiology appointment on Thursday morning");
  await form.getByRole("button", { name: "Create the link" }).click();
  const urlBox = owner.getByLabel("Link", { exact: true });
  await expect(urlBox).toBeVisible({ timeout: 60_000 });
  const url = await urlBox.inputValue();
  await owner.getByRole("button", { name: "Show as QR code" }).click();
  await expect(owner.getByRole("img", { name: "QR code of the share link" })).toBeVisible();
  const row = owner.getByRole("listitem", { name: "For the cardiology appointment on Thursday morning" });
  await row.getByRole("button", { name: "Access log" }).click();
  await expect(row.getByText("Nobody has opened this link yet.")).toBeVisible();
  await checkPhone(owner, "links-created");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(owner.getByRole("dialog")).toBeVisible();
  await checkPhone(owner, "links-revoke-dialog");
  await owner.getByRole("dialog").getByRole("button", { name: "Keep it" }).click();

  // The public viewer on a phone: the records, the password prompt, the neutral page.
  const viewer = await phone(browser);
  await viewer.goto(url);
  await expect(viewer.getByRole("heading", { level: 1 })).toHaveText("Health records of Marta", { timeout: 60_000 });
  await expect(viewer.getByRole("cell", { name: "128/84 mmHg" })).toBeVisible();
  await checkPhone(viewer, "viewer-records");
  const [base, fragment = ""] = url.split("#");
  // (through a blank page: a change of the fragment alone would not load the viewer again)
  await viewer.goto("about:blank");
  await viewer.goto(`${base ?? ""}#1p.${fragment.slice(3)}`);
  await expect(viewer.getByLabel("Link password")).toBeVisible();
  await checkPhone(viewer, "viewer-password");
  await viewer.goto("about:blank");
  await viewer.goto(`${base ?? ""}#1n.${fragment.slice(3, 30)}`);
  await expect(viewer.getByRole("heading", { level: 1 })).toHaveText("This link is not available");
  await checkPhone(viewer, "viewer-not-available");

  // The emergency card: the form, the wallet card, and the card as a paramedic sees it.
  await go(owner, "/emergency");
  await owner.getByRole("button", { name: "Prepare the emergency card" }).click();
  await owner.getByLabel("Blood type").selectOption("O+");
  await owner.getByLabel("Allergies (one per line)").fill("Penicillin\nLatex");
  await owner.getByLabel("Contact 1: name").fill("Konstantin Papadopoulos-Schmidt");
  await owner.getByLabel("Contact 1: relation").fill("brother");
  await owner.getByLabel("Contact 1: phone").fill("+49 170 7654321");
  await checkPhone(owner, "emergency-form");
  await owner.getByRole("button", { name: "Save the card" }).click();
  const card = owner.getByLabel("Wallet card");
  await expect(card).toBeVisible({ timeout: 60_000 });
  await expect(card.getByRole("img", { name: /QR code of Marta/ })).toBeVisible();
  await checkPhone(owner, "emergency-card");
  const cardUrl = await owner.getByLabel("Link", { exact: true }).inputValue();
  await viewer.goto("about:blank");
  await viewer.goto(cardUrl);
  await expect(viewer.getByRole("heading", { level: 1 })).toHaveText("Emergency card: Marta", { timeout: 60_000 });
  await checkPhone(viewer, "viewer-emergency");
});
