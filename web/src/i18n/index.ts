/**
 * The interface language: a typed message catalogue (messages/en.ts is the source; every other
 * language must have every key, which `tsc` and messages.test.ts check), interpolation of
 * `{name}` placeholders and plural forms chosen with Intl.PluralRules. Dates and numbers follow
 * the same language through format.ts.
 */
import { Fragment, type ReactNode, createElement, useSyncExternalStore } from "react";
import { setLocaleSettings } from "./format";
import { type Catalogue, type MessageKey, type Plural, en } from "./messages/en";

export type { MessageKey } from "./messages/en";

/**
 * The languages the interface is translated into, by base language subtag. English is built in;
 * the others are loaded on first use, so they do not weigh on the initial JavaScript.
 */
const LOADERS: Readonly<Record<string, () => Promise<Catalogue>>> = {
  de: () => import("./messages/de").then((m) => m.de),
  es: () => import("./messages/es").then((m) => m.es),
};
const loaded: Record<string, Catalogue> = { en };

/** The interface languages, named in their own language (for the switchers). */
export const INTERFACE_LANGUAGES: readonly { value: string; label: string }[] = [
  { value: "en", label: "English" },
  { value: "de", label: "Deutsch" },
  { value: "es", label: "Español" },
];

let tag = "en";
let catalogue: Catalogue = en;
const listeners = new Set<() => void>();

/** The catalogue language a tag is shown in ("de-AT" -> "de"; untranslated ones -> "en"). */
export function interfaceLanguage(language: string): string {
  const base = language.toLowerCase().split("-")[0] ?? "en";
  return base in LOADERS ? base : "en";
}

/** The first of the browser's languages that the interface speaks, else English. */
export function browserLanguage(): string {
  const wanted = typeof navigator === "undefined" ? [] : [...navigator.languages, navigator.language];
  for (const w of wanted) if (w && interfaceLanguage(w) !== "en") return w;
  return "en";
}

let pending: string | null = null;

function apply(language: string, next: Catalogue): void {
  setLocaleSettings({ language });
  const ui = next === en ? "en" : interfaceLanguage(language);
  const translated = language.toLowerCase().split("-")[0] === ui;
  if (typeof document !== "undefined") document.documentElement.lang = translated ? language : ui;
  if (language === tag && next === catalogue) return;
  tag = language;
  catalogue = next;
  for (const l of [...listeners]) l();
}

/**
 * Switch the interface (and dates and numbers) to `language`: at once when its catalogue is
 * loaded, else as soon as it is (the page stays in the current language meanwhile; English if
 * the catalogue cannot be fetched). `<html lang>` names the language the text is actually in.
 */
export function setLanguage(language: string): void {
  const ui = interfaceLanguage(language);
  const ready = loaded[ui];
  if (ready) {
    pending = null;
    apply(language, ready);
    return;
  }
  pending = language;
  void loadLanguage(language).then(() => {
    if (pending !== language) return;
    pending = null;
    apply(language, loaded[ui] ?? en);
  });
}

/** Load the catalogue of `language` (once); resolves when t() can speak it. */
export async function loadLanguage(language: string): Promise<void> {
  const ui = interfaceLanguage(language);
  const load = LOADERS[ui];
  if (loaded[ui] || !load) return;
  try {
    loaded[ui] = await load();
  } catch {
    // The chunk could not be fetched (offline, a new deployment): the interface stays English.
  }
}

/** The current language tag (as the account or the switcher set it). */
export function currentLanguage(): string {
  return tag;
}

/** The language tag, re-rendering on change. */
export function useLanguage(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => tag,
    () => tag,
  );
}

export type Params = Readonly<Record<string, string | number>>;

function interpolate(text: string, params: Params | undefined, locale: string): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

/** Pick the plural form for `count` by the language's rules (Intl.PluralRules), else `other`. */
export function pluralForm(message: Plural, count: number, locale: string): string {
  if (count === 0 && message.zero !== undefined) return message.zero;
  const form = new Intl.PluralRules(locale).select(count);
  return message[form] ?? message.other;
}

/**
 * The message `key` in the interface language, with `{name}` placeholders filled from `params`
 * (numbers formatted for the locale); a plural message uses `params.count`.
 */
export function t(key: MessageKey, params?: Params): string {
  const ui = interfaceLanguage(tag);
  const message = catalogue[key];
  const text = typeof message === "string" ? message : pluralForm(message, Number(params?.count ?? 0), ui);
  return interpolate(text, params, tag);
}

/**
 * A message with React nodes in its placeholders (a link, an emphasised email), for sentences
 * whose word order differs between languages.
 */
export function tx(key: MessageKey, nodes: Readonly<Record<string, ReactNode>>): ReactNode[] {
  return t(key)
    .split(/(\{\w+\})/)
    .filter((part) => part !== "")
    .map((part, i) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      const node = name === undefined ? undefined : nodes[name];
      return createElement(Fragment, { key: i }, node === undefined ? part : node);
    });
}

/**
 * A label (a role, a range's name) placed inside a sentence: lower case in the languages that
 * write common nouns so mid-sentence; German keeps the capital its nouns always have.
 */
export function inSentence(label: string): string {
  return interfaceLanguage(tag) === "de" ? label : label.toLocaleLowerCase(tag);
}

/**
 * What the app shows for an error the server answered (docs/api.md, "Errors"): the server's own
 * English message in English, the documented `code` translated in other languages (the code is
 * named when the app has no text for it).
 */
export function serverErrorText(code: string, message: string, requestId?: string): string {
  const key = `app.error.${code}`;
  if (interfaceLanguage(tag) === "en" && message !== "" && code !== "network_error") return message;
  if (key in en) return t(key as MessageKey, { requestId: requestId ?? "" });
  return t("app.error.other", { code });
}
