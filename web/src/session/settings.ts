/**
 * Account settings: language and time zone (plaintext on the server, GET/PUT /users/me/settings)
 * and preferences such as units, encrypted under the user key (AAD `preferences`, docs/crypto.md).
 * Loaded after unlock; read anywhere with useSettings().
 */
import { useSyncExternalStore } from "react";
import { api, ok } from "../api/client";
import type { components } from "../api/schema.gen";
import { type AccountKeys, aads, decryptJson, encryptJson } from "../crypto";
import { currentLanguage, setLanguage } from "../i18n";
import { setLocaleSettings } from "../i18n/format";
import { savePrefs } from "./prefs";
import { onKeysDropped } from "./store";

/** An IANA zone the server accepts (the server validates; the picker offers the browser's list). */
type ZoneName = components["schemas"]["AccountSettings"]["timezone"];

export interface Units {
  weight: "kg" | "[lb_av]";
  glucose: "mmol/L" | "mg/dL";
  temperature: "Cel" | "[degF]";
}

export interface Settings {
  language: string;
  timezone: string;
  units: Units;
}

export const DEFAULT_UNITS: Units = { weight: "kg", glucose: "mmol/L", temperature: "Cel" };
const DEFAULTS: Settings = { language: "en", timezone: "UTC", units: DEFAULT_UNITS };

let current: Settings = DEFAULTS;
const listeners = new Set<() => void>();

function set(next: Settings): void {
  current = next;
  setLocaleSettings(next);
  setLanguage(next.language);
  for (const l of listeners) l();
}

// Locking or logging out keeps the interface in the language it was in.
onKeysDropped(() => set({ ...DEFAULTS, language: currentLanguage() }));

function parseUnits(value: unknown): Units {
  const v = (value as { units?: Partial<Units> } | null)?.units ?? {};
  return {
    weight: v.weight === "[lb_av]" ? "[lb_av]" : "kg",
    glucose: v.glucose === "mg/dL" ? "mg/dL" : "mmol/L",
    temperature: v.temperature === "[degF]" ? "[degF]" : "Cel",
  };
}

/** Fetch and decrypt the settings (after login or unlock). */
export async function loadSettings(keys: AccountKeys): Promise<Settings> {
  const body = await ok(api.GET("/api/v1/users/me/settings"));
  let units = DEFAULT_UNITS;
  if (body.preferences) {
    try {
      units = parseUnits(await decryptJson(keys.userKey, body.preferences, aads.preferences(keys.userId)));
    } catch {
      units = DEFAULT_UNITS; // unreadable preferences (written by a broken client): defaults
    }
  }
  const settings = { language: body.language, timezone: body.timezone, units };
  set(settings);
  // The unlock page (and the login page after a reload) keeps showing the account's language.
  savePrefs({ language: settings.language });
  return settings;
}

/** Save the settings (units encrypted). */
export async function saveSettings(keys: AccountKeys, next: Settings): Promise<void> {
  const preferences = await encryptJson(keys.userKey, { units: next.units }, aads.preferences(keys.userId));
  await ok(api.PUT("/api/v1/users/me/settings", { body: { language: next.language, timezone: next.timezone as ZoneName, preferences } }));
  savePrefs({ language: next.language });
  set(next);
}

/** The settings, re-rendering on change. */
export function useSettings(): Settings {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
    () => current,
  );
}

/** The settings outside React. */
export function getSettings(): Settings {
  return current;
}
