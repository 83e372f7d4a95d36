/**
 * Unlocking without the network, and logging in for real once it returns. Offline, the password
 * opens the wrapped keys kept by src/localstore/accountCache.ts (the KDF runs here; the password
 * is never stored). The auth key derived from it stays in this module's memory until the server
 * takes it (then the session has tokens again) or the session ends.
 */

import { api } from "../api/client";
import type { AccountKeys, WrappedAccountKeys } from "../crypto";
import { DecryptionError, checkKdf, loginKeys, unlockAccount } from "../crypto";
import { t } from "../i18n";
import { accountCache } from "../localstore/accountCache";
import { type Account, getSession, subscribeSession } from "./store";
import { setTokens } from "./tokens";

type Listener = () => void;

/** The pending real log-in of an offline unlock (memory only). */
let pending: { email: string; userId: string; authKey: string } | null = null;
let online = typeof navigator === "undefined" ? true : navigator.onLine;
const listeners = new Set<Listener>();
const reconnected = new Set<Listener>();
let timer: ReturnType<typeof setInterval> | undefined;

function notify(): void {
  for (const l of listeners) l();
}

/** Whether the session runs on this device's copy (offline unlock not yet confirmed online). */
export function isOffline(): boolean {
  return pending !== null || !online;
}

export function subscribeOffline(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Run `hook` when an offline session got its tokens back (the records sync again). */
export function onReconnected(hook: Listener): () => void {
  reconnected.add(hook);
  return () => reconnected.delete(hook);
}

/** No copy of this account on this device: offline, it cannot be opened. */
export class NoOfflineCopyError extends Error {
  override name = "NoOfflineCopyError";
  constructor() {
    super(t("session.offline_no_copy"));
  }
}

/** Keep the account's wrapped keys for offline unlocking (best effort: quota, private mode). */
export async function keepAccount(account: Account): Promise<void> {
  await (await accountCache())?.saveAccount(account.email, account.userId, account.wrapped).catch(() => undefined);
}

/** Delete what was kept for offline use of this account (log out, "forget this device"). */
export async function forgetAccount(userId: string): Promise<void> {
  if (pending?.userId === userId) stopReconnecting();
  await (await accountCache())?.forget(userId);
}

/**
 * Open the account from this device's copy. Wrong password: DecryptionError (the caller shows
 * it); no copy: NoOfflineCopyError. Returns the account and keys to enter the unlocked state.
 */
export async function unlockOffline(email: string, password: string): Promise<{ account: Account; keys: AccountKeys }> {
  const kept = await (await accountCache())?.account(email);
  if (!kept) throw new NoOfflineCopyError();
  const wrapped: WrappedAccountKeys = kept.wrapped;
  const { authKey, wrapKey } = await loginKeys(password, checkKdf(wrapped.kdf));
  const keys = await unlockAccount(kept.userId, wrapKey, wrapped);
  pending = { email, userId: kept.userId, authKey };
  startReconnecting();
  notify();
  // navigator.onLine may be true behind a dead network: try at once, the timer keeps trying.
  void tryReconnect(device);
  return { account: { userId: kept.userId, email, wrapped }, keys };
}

/** Unlocking a locked offline session: the auth key is held again until the server takes it. */
export function resumeOffline(email: string, userId: string, authKey: string): void {
  pending = { email, userId, authKey };
  startReconnecting();
  notify();
  if (online) void tryReconnect(device);
}

function stopReconnecting(): void {
  pending = null;
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
  notify();
}

let trying = false;

/** One attempt at the real log-in; true once the session has tokens (or nothing is pending). */
export async function tryReconnect(deviceName: string): Promise<boolean> {
  const held = pending;
  if (held === null) return true;
  if (trying) return false;
  trying = true;
  try {
    const { data, response } = await api.POST("/api/v1/auth/login", { body: { email: held.email, auth_key: held.authKey, device_name: deviceName } });
    if (pending !== held) return true;
    if (response.ok && data?.user_id === held.userId) {
      setTokens({ accessToken: data.access_token, refreshToken: data.refresh_token, sessionId: data.session_id, userId: data.user_id });
      stopReconnecting();
      for (const hook of reconnected) hook();
      return true;
    }
    if (response.status === 401 || response.status === 403 || response.ok) {
      // The server refuses this password now (changed on another device, account gone): the
      // offline session ends and the user logs in again.
      stopReconnecting();
      onRefused?.();
      return true;
    }
    return false;
  } catch (err) {
    if (err instanceof DecryptionError) throw err;
    return false;
  } finally {
    trying = false;
  }
}

let onRefused: (() => void) | undefined;
let device = "web";

/** What happens when the server refuses the offline session's password (set by auth.ts). */
export function configureReconnect(deviceName: string, refused: () => void): void {
  device = deviceName;
  onRefused = refused;
}

function startReconnecting(): void {
  if (timer !== undefined) clearInterval(timer);
  timer = setInterval(() => void tryReconnect(device), 10_000);
}

if (typeof window !== "undefined") {
  window.addEventListener("online", () => {
    online = true;
    notify();
    void tryReconnect(device);
  });
  window.addEventListener("offline", () => {
    online = false;
    notify();
  });
}

// Locking or ending the session forgets the pending log-in and its auth key (unlocking
// derives it again, auth.ts).
subscribeSession(() => {
  if (getSession().status !== "unlocked" && pending !== null) stopReconnecting();
});
