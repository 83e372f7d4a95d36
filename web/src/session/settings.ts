/**
 * Account settings: language and time zone (plaintext on the server, GET/PUT /users/me/settings)
 * and preferences such as units, encrypted under the user key (AAD `preferences`, docs/crypto.md).
 * Loaded after unlock; read anywhere with useSettings(). The answer is kept on the device as
 * served (src/localstore/accountCache.ts), so that offline the records show in the account's
 * time zone and units, not in UTC and kilograms.
 */
import { useSyncExternalStore } from "react";
import { api, ok, unreachable } from "../api/client";
import type { components } from "../api/schema.gen";
import { type AccountKeys, aads, decryptJson, encryptJson } from "../crypto";
import { accountCache } from "../localstore/accountCache";
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

type Served = components["schemas"]["AccountSettings"];
const PATH = "/api/v1/users/me/settings";

/** Keep the answer for offline use (best effort: a full quota keeps the previous one). */
async function keep(userId: string, body: Served): Promise<void> {
  await (await accountCache())?.saveResponse(userId, PATH, body).catch(() => undefined);
}

/** The settings as the server serves them; when it cannot be reached, as it last served them here. */
async function served(userId: string): Promise<Served> {
  try {
    const body = await ok(api.GET(PATH));
    await keep(userId, body);
    return body;
  } catch (error) {
    const kept = unreachable(error) ? await (await accountCache())?.response(userId, PATH) : undefined;
    if (kept === undefined) throw error;
    return kept as Served;
  }
}

/** Fetch (or, offline, read the kept answer) and decrypt the settings (after login or unlock). */
export async function loadSettings(keys: AccountKeys): Promise<Settings> {
  const body = await served(keys.userId);
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
  await keep(keys.userId, await ok(api.PUT(PATH, { body: { language: next.language, timezone: next.timezone as ZoneName, preferences } })));
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
