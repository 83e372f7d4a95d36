/**
 * Account actions over the API and the crypto layer: register, log in, unlock, lock, log out,
 * change password, recovery. The server receives auth keys and wrapped keys only.
 */
import { api, ok, unreachable } from "../api/client";
import {
  type AccountKeys,
  DecryptionError,
  type KdfParams,
  b64encode,
  checkKdf,
  checkUserId,
  createAccount,
  deriveKeys,
  generateRecoveryPhrase,
  loginKeys,
  newKdf,
  recoverUserKey,
  recoveryKeys,
  recoveryMaterial,
  rewrapForNewPassword,
  unlockAccount,
  openWithUserKey,
  wrapKey,
  aads,
} from "../crypto";
import { configureReconnect, keepAccount, resumeOffline, unlockOffline } from "./offline";
import { loadSettings } from "./settings";
import { type Account, getSession, setAnonymous, setLocked, setUnlocked as enterUnlocked } from "./store";
import { getTokens, setTokens } from "./tokens";
import { t } from "../i18n";

/** The password did not open the account's keys (checked locally, before any server call). */
export class WrongPasswordError extends Error {
  override name = "WrongPasswordError";
  constructor() {
    super(t("session.that_password_is_not_right"));
  }
}

/** A short, non-identifying name for this browser in the sessions list. */
export function deviceName(): string {
  const ua = typeof navigator === "undefined" ? "" : navigator.userAgent;
  const pick = (table: [string, string][], fallback: string) => table.find(([needle]) => ua.includes(needle))?.[1] ?? fallback;
  const browser = pick([["Edg/", "Edge"], ["Firefox/", "Firefox"], ["Chrome/", "Chromium"], ["Chromium/", "Chromium"], ["Safari/", "Safari"]], "Browser");
  const os = pick([["Android", "Android"], ["iPhone", "iOS"], ["iPad", "iOS"], ["Mac OS X", "macOS"], ["Windows", "Windows"], ["Linux", "Linux"]], "");
  return `${browser}${os ? ` on ${os}` : ""} (web)`;
}

interface TokenBody {
  access_token: string;
  refresh_token: string;
  session_id: string;
  user_id: string;
}

/** Enter the unlocked state and load the account's settings in the background. */
function setUnlocked(account: Account, keys: AccountKeys): void {
  enterUnlocked(account, keys);
  // The wrapped keys (ciphertext) stay on this device so that it also unlocks offline.
  void keepAccount(account);
  loadSettings(keys).catch(() => {
    // Settings are cosmetic (formats, units): the defaults apply until the next unlock.
  });
}

function keepTokens(body: TokenBody): void {
  setTokens({ accessToken: body.access_token, refreshToken: body.refresh_token, sessionId: body.session_id, userId: body.user_id });
}

/** Put a recovery credential on the account; returns the new phrase, to be shown once. */
export async function setUpRecovery(authKey: string, keys: AccountKeys): Promise<string> {
  const phrase = await generateRecoveryPhrase();
  const material = await recoveryMaterial(keys.userId, keys.userKey, phrase);
  await ok(api.PUT("/api/v1/auth/recovery", { body: { auth_key: authKey, ...material } }));
  return phrase;
}

/**
 * Create an account: keys made here, registration, then a recovery phrase (returned; the UI shows
 * it once and asks the user to confirm it). The session is unlocked afterwards.
 */
export async function register(email: string, password: string): Promise<{ recoveryPhrase: string }> {
  const { registration, keys } = await createAccount(password);
  const body = await ok(api.POST("/api/v1/auth/register", { body: { ...registration, email, device_name: deviceName() } }));
  keepTokens(body);
  const { auth_key: authKey, user_id: userId, ...wrapped } = registration;
  const account: Account = { userId, email, wrapped };
  setUnlocked(account, keys);
  return { recoveryPhrase: await setUpRecovery(authKey, keys) };
}

/** The account's KDF parameters (the downgrade guard refuses weak ones). */
export async function prelogin(email: string): Promise<KdfParams> {
  const body = await ok(api.POST("/api/v1/auth/prelogin", { body: { email } }));
  return checkKdf(body.kdf);
}

/**
 * Log in: KDF in the worker, auth key to the server, keys unwrapped and checked here. Offline,
 * the account opens from the wrapped keys kept on this device (session/offline.ts) and logs in
 * for real once the network returns.
 */
export async function login(email: string, password: string): Promise<void> {
  let kdf: KdfParams;
  try {
    kdf = await prelogin(email);
  } catch (error) {
    if (!unreachable(error)) throw error;
    try {
      const opened = await unlockOffline(email, password);
      setUnlocked(opened.account, opened.keys);
    } catch (offlineError) {
      if (offlineError instanceof DecryptionError) throw new WrongPasswordError();
      throw offlineError;
    }
    return;
  }
  const { authKey, wrapKey: wrap } = await loginKeys(password, kdf);
  const body = await ok(api.POST("/api/v1/auth/login", { body: { email, auth_key: authKey, device_name: deviceName() } }));
  keepTokens(body);
  const wrapped = body.keys;
  let keys: AccountKeys;
  try {
    keys = await unlockAccount(body.user_id, wrap, wrapped);
  } catch (error) {
    // The server accepted our auth key but served keys that do not open or match: refuse.
    await logout();
    throw error;
  }
  setUnlocked({ userId: body.user_id, email: (await ok(api.GET("/api/v1/users/me"))).email, wrapped }, keys);
}

/** Unlock a locked session with the password, locally (the wrapped keys are in memory). */
export async function unlock(password: string): Promise<void> {
  const session = getSession();
  if (session.status !== "locked") return;
  const { account } = session;
  const derived = await loginKeys(password, checkKdf(account.wrapped.kdf));
  let keys: AccountKeys;
  try {
    keys = await unlockAccount(account.userId, derived.wrapKey, account.wrapped);
  } catch (error) {
    if (error instanceof DecryptionError) throw new WrongPasswordError();
    throw error;
  }
  // An offline session locked before it reached the server: it logs in once the network returns.
  if (!getTokens()) resumeOffline(account.email, account.userId, derived.authKey);
  setUnlocked(account, keys);
}

// The server refused an offline session's password once the network returned (changed on
// another device): the session ends and the login page says why.
configureReconnect(deviceName(), () => {
  setTokens(undefined);
  setAnonymous("expired");
  if (typeof window !== "undefined") window.location.assign("/login?expired=1");
});

/** Drop the keys from memory; the tokens and wrapped keys stay for unlocking. */
export function lock(): void {
  setLocked();
}

/** End this session on the server (best effort) and forget everything in memory. */
export async function logout(): Promise<void> {
  if (getTokens()) {
    try {
      await api.POST("/api/v1/auth/logout");
    } catch {
      // Offline or already revoked: the local state is cleared regardless.
    }
  }
  setTokens(undefined);
  setAnonymous("logout");
}

/** The current auth key for a re-authenticated action (change password, delete, email change). */
export async function currentAuthKey(password: string): Promise<string> {
  const session = getSession();
  if (session.status === "anonymous") throw new Error("not logged in");
  const kdf = checkKdf(session.account.wrapped.kdf);
  const { authKey, wrapKey: wrap } = await loginKeys(password, kdf);
  // Check the password locally first: a wrong one must not count against the server's lockout.
  try {
    await unlockAccount(session.account.userId, wrap, session.account.wrapped);
  } catch {
    throw new WrongPasswordError();
  }
  return authKey;
}

/** Change the password: new KDF salt, the user key re-wrapped; other sessions end on the server. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const session = getSession();
  if (session.status !== "unlocked") throw new Error("the vault is locked");
  const currentKey = await currentAuthKey(currentPassword);
  const change = await rewrapForNewPassword(session.keys, newPassword);
  const body = await ok(api.POST("/api/v1/auth/change-password", { body: { current_auth_key: currentKey, ...change } }));
  keepTokens(body);
  const wrapped = { ...session.account.wrapped, kdf: change.new_kdf, wrapped_user_key: change.new_wrapped_user_key };
  setUnlocked({ ...session.account, wrapped }, session.keys);
}

/** Make a new recovery phrase (the old one stops working); returns it to show once. */
export async function regenerateRecovery(password: string): Promise<string> {
  const session = getSession();
  if (session.status !== "unlocked") throw new Error("the vault is locked");
  return setUpRecovery(await currentAuthKey(password), session.keys);
}

/**
 * Reset a forgotten password with the recovery phrase: the user key comes back from its recovery
 * wrap, is wrapped under the new password, and the account is unlocked. The phrase is single use:
 * a new one is made and returned, to be shown once.
 */
export async function recover(email: string, phrase: string, newPassword: string): Promise<{ recoveryPhrase: string }> {
  const kdf = checkKdf((await ok(api.POST("/api/v1/auth/recovery/prelogin", { body: { email } }))).kdf);
  const rk = await recoveryKeys(phrase, kdf);
  const recoveryAuthKey = b64encode(rk.authKey);
  const unlocked = await ok(api.POST("/api/v1/auth/recovery/unlock", { body: { email, recovery_auth_key: recoveryAuthKey } }));
  const userId = checkUserId(unlocked.user_id);
  const userKey = await recoverUserKey(userId, rk.wrapKey, unlocked.recovery_wrapped_user_key);
  const newKdfParams = newKdf();
  const derived = await deriveKeys(newPassword, newKdfParams, "password");
  const newWrapped = await wrapKey(derived.wrapKey, userKey, aads.userKey(userId));
  const body = await ok(
    api.POST("/api/v1/auth/recovery/complete", {
      body: {
        email,
        recovery_auth_key: recoveryAuthKey,
        new_auth_key: b64encode(derived.authKey),
        new_kdf: newKdfParams,
        new_wrapped_user_key: newWrapped,
        device_name: deviceName(),
      },
    }),
  );
  keepTokens(body);
  const wrapped = body.keys;
  const keys = await openWithUserKey(userId, userKey, wrapped);
  setUnlocked({ userId, email, wrapped }, keys);
  return { recoveryPhrase: await setUpRecovery(b64encode(derived.authKey), keys) };
}
