/**
 * The session state machine: anonymous -> unlocked <-> locked -> anonymous. Account keys live
 * here, in memory only; locking drops them (the wrapped copies stay, so unlocking needs only the
 * password and no server round trip). React reads it with useSession() (src/session/hooks.ts).
 */
import type { AccountKeys, WrappedAccountKeys } from "../crypto";

export interface Account {
  userId: string;
  email: string;
  /** The wrapped key material from login/register (ciphertext; what unlock needs). */
  wrapped: WrappedAccountKeys;
}

/**
 * How a session ended: the user logged out (or deleted the account), or the server ended it
 * (expired, revoked elsewhere, password changed elsewhere). Layers that keep data on this device
 * decide from it what to delete (features/records/session.ts keeps the queued writes on expiry).
 */
export type SessionEnd = "logout" | "expired";

export type SessionState =
  | { status: "anonymous"; ended?: SessionEnd }
  | { status: "locked"; account: Account }
  | { status: "unlocked"; account: Account; keys: AccountKeys };

type Listener = () => void;

let state: SessionState = { status: "anonymous" };
const listeners = new Set<Listener>();
const lockHooks = new Set<() => void>();

/** The current state (stable object until the next change, as useSyncExternalStore needs). */
export function getSession(): SessionState {
  return state;
}

/** Subscribe to changes; returns the unsubscribe function. */
export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Run `hook` whenever keys are dropped (lock or log out): layers that cache decrypted data or
 * derived keys (profile keys, the records cache) register here and wipe themselves.
 */
export function onKeysDropped(hook: () => void): () => void {
  lockHooks.add(hook);
  return () => lockHooks.delete(hook);
}

function set(next: SessionState): void {
  const dropped = state.status === "unlocked" && next.status !== "unlocked";
  state = next;
  if (dropped) for (const hook of lockHooks) hook();
  for (const listener of listeners) listener();
}

/** Enter the unlocked state with freshly unwrapped keys. */
export function setUnlocked(account: Account, keys: AccountKeys): void {
  set({ status: "unlocked", account, keys });
}

/** Drop the keys, keep the account (wrapped keys and tokens stay for unlocking). */
export function setLocked(): void {
  if (state.status === "unlocked") set({ status: "locked", account: state.account });
}

/** Forget everything in memory; `ended` says why (see SessionEnd). */
export function setAnonymous(ended: SessionEnd): void {
  set({ status: "anonymous", ended });
}

/** The unlocked keys, or an error for code that runs only while unlocked. */
export function requireKeys(): AccountKeys {
  if (state.status !== "unlocked") throw new Error("the vault is locked");
  return state.keys;
}
