/**
 * Device preferences that are not secret (the idle-lock delay, the last email used to log in,
 * the interface language shown before login):
 * the only module allowed to touch localStorage. Keys, tokens and health data never go here.
 */
/* eslint-disable no-restricted-globals -- this module is the one sanctioned localStorage user */

export interface DevicePrefs {
  /** Minutes without input before the vault locks (keys dropped); 0 never locks by idling. */
  idleLockMinutes: number;
  /** Remembered only when the user ticks "remember my email" on the login form. */
  rememberedEmail: string | null;
  /** The interface language last used here (the account's setting once unlocked), or null. */
  language: string | null;
}

const KEY = "normogen.prefs.v1";
const DEFAULTS: DevicePrefs = { idleLockMinutes: 15, rememberedEmail: null, language: null };

function storage(): Storage | undefined {
  try {
    return typeof localStorage === "undefined" ? undefined : localStorage;
  } catch {
    return undefined; // storage disabled by the browser: preferences fall back to defaults
  }
}

/** The device preferences (defaults for missing or malformed values). */
export function loadPrefs(): DevicePrefs {
  const raw = storage()?.getItem(KEY);
  if (!raw) return { ...DEFAULTS };
  try {
    const value = JSON.parse(raw) as Partial<DevicePrefs>;
    return {
      idleLockMinutes:
        typeof value.idleLockMinutes === "number" && value.idleLockMinutes >= 0 && value.idleLockMinutes <= 24 * 60
          ? value.idleLockMinutes
          : DEFAULTS.idleLockMinutes,
      rememberedEmail: typeof value.rememberedEmail === "string" ? value.rememberedEmail : null,
      language: typeof value.language === "string" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value.language) ? value.language : null,
    };
  } catch {
    return { ...DEFAULTS };
  }
}

/** Merge and save preferences. */
export function savePrefs(change: Partial<DevicePrefs>): DevicePrefs {
  const next = { ...loadPrefs(), ...change };
  storage()?.setItem(KEY, JSON.stringify(next));
  return next;
}

/** Forget everything this device remembers (log out with "forget this device"). */
export function clearPrefs(): void {
  storage()?.removeItem(KEY);
}
