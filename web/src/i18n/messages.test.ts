import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { interfaceLanguage, loadLanguage, serverErrorText, setLanguage, t } from "./index";
import { de } from "./messages/de";
import { type Catalogue, type Plural, en } from "./messages/en";
import { es } from "./messages/es";

const CATALOGUES: Readonly<Record<string, Catalogue>> = { en, de, es };

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
const forms = (message: string | Plural): string[] => {
  if (typeof message === "string") return [message];
  const values: (string | undefined)[] = Object.values(message);
  return values.filter((v): v is string => v !== undefined);
};

beforeAll(async () => {
  await loadLanguage("de");
  await loadLanguage("es");
});
afterEach(() => setLanguage("en"));

describe("message catalogues", () => {
  const languages = Object.keys(CATALOGUES).filter((l) => l !== "en");

  it("speaks German and Spanish besides English", () => {
    expect(languages.sort()).toEqual(["de", "es"]);
    expect(["de", "es", "en"].map(interfaceLanguage)).toEqual(["de", "es", "en"]);
  });

  it.each(languages)("%s has exactly the English keys, no empty text and no English left over in long sentences", (language) => {
    const catalogue = CATALOGUES[language] ?? en;
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
    for (const [key, message] of Object.entries(catalogue) as [keyof typeof en, string | Plural][]) {
      for (const text of forms(message)) expect(text.trim(), `${language} ${key}`).not.toBe("");
      const source = en[key];
      // A long sentence identical to English was not translated.
      if (typeof source === "string" && source.split(" ").length > 4) expect(message, `${language} ${key}`).not.toBe(source);
    }
  });

  it.each(languages)("%s uses the same placeholders as English in every form", (language) => {
    const catalogue = CATALOGUES[language] ?? en;
    for (const [key, source] of Object.entries(en) as [keyof typeof en, string | Plural][]) {
      const expected = placeholders(forms(source).join(" ")).filter((p, i, all) => all.indexOf(p) === i);
      const message = catalogue[key];
      const got = placeholders(forms(message).join(" ")).filter((p, i, all) => all.indexOf(p) === i);
      expect(got, `${language} ${key}`).toEqual(expected);
      // A plural form may drop {count} only when the language says the number in words.
      if (typeof message !== "string") for (const text of forms(message)) expect(placeholders(text).every((p) => expected.includes(p)), `${language} ${key}`).toBe(true);
    }
  });

  it.each(Object.keys(CATALOGUES))("%s has every plural form its language's rules select", (language) => {
    const rules = new Intl.PluralRules(language);
    const needed = rules.resolvedOptions().pluralCategories;
    const entries: [string, string | Plural][] = Object.entries(CATALOGUES[language] ?? en);
    for (const [key, message] of entries) {
      if (typeof message === "string") continue;
      expect(typeof en[key as keyof typeof en], key).toBe("object");
      for (const category of needed) expect(message[category] ?? (category === "other" ? undefined : message.other), `${language} ${key} ${category}`).toBeDefined();
      expect(message.other, `${language} ${key}`).toBeDefined();
    }
  });
});

describe("t", () => {
  it("fills placeholders and formats numbers for the locale", () => {
    expect(t("account.type_email_to_confirm", { email: "a@example.org" })).toBe("Type a@example.org to confirm.");
    setLanguage("de");
    expect(t("records.taken_of_expected_due_doses_taken", { taken: 1200, expected: 1500 })).toBe("1.200 von 1.500 fälligen Dosen genommen");
  });

  it("chooses the plural form by Intl.PluralRules, with zero where given", () => {
    expect(t("records.timeline_count", { count: 1 })).toBe("Timeline, 1 record");
    expect(t("records.timeline_count", { count: 2 })).toBe("Timeline, 2 records");
    expect(t("links.records_will_be_shared", { count: 0 })).toBe("No records will be shared.");
    setLanguage("es");
    expect(t("links.records_will_be_shared", { count: 1 })).toBe("Se compartirá 1 registro.");
    expect(t("links.records_will_be_shared", { count: 5 })).toBe("Se compartirán 5 registros.");
  });

  it("switches language at once, and shows untranslated languages in English", () => {
    setLanguage("de-AT");
    expect(t("records.timeline")).toBe("Verlauf");
    expect(interfaceLanguage("es-MX")).toBe("es");
    setLanguage("fr");
    expect(t("records.timeline")).toBe("Timeline");
    expect(interfaceLanguage("fr")).toBe("en");
  });

  it("shows the server's English message in English and a translation of the documented code otherwise", () => {
    expect(serverErrorText("email_taken", "An account with that email exists.")).toBe("An account with that email exists.");
    setLanguage("de");
    expect(serverErrorText("email_taken", "An account with that email exists.")).toBe("Es gibt bereits ein Konto mit dieser E-Mail-Adresse.");
    expect(serverErrorText("internal_error", "Internal error", "req-7")).toContain("req-7");
    expect(serverErrorText("some_new_code", "Whatever")).toBe("Der Server hat die Anfrage abgelehnt (some_new_code).");
  });
});
