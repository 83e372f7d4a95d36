/** React bindings of the session store. */
import { useSyncExternalStore } from "react";
import type { AccountKeys } from "../crypto";
import { type Account, type SessionState, getSession, subscribeSession } from "./store";

/** The session state, re-rendering on change. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

/** The unlocked account and keys; only for pages behind the unlocked guard (src/app/guards.tsx). */
export function useUnlocked(): { account: Account; keys: AccountKeys } {
  const session = useSession();
  if (session.status !== "unlocked") throw new Error("useUnlocked() outside an unlocked route");
  return { account: session.account, keys: session.keys };
}
