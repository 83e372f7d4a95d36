/**
 * The records stores of the unlocked session: created on first use from the session's keys,
 * and wiped (decrypted records, profile keys) when the keys are dropped (lock, log out), after
 * sending any deletion still waiting out its undo window.
 */

import type { AccountKeys } from "../../crypto";
import { onKeysDropped } from "../../session/store";
import { authHttp } from "./http";
import type { RecordsStores } from "./services";
import { createStores } from "./services";

let current: { keys: AccountKeys; stores: RecordsStores } | null = null;

function wipe(): void {
  const held = current;
  current = null;
  if (held === null) return;
  void held.stores.records.flush().finally(() => {
    held.stores.records.clear();
    held.stores.profiles.clear();
  });
}

onKeysDropped(wipe);

if (typeof window !== "undefined") {
  // Leaving the page sends the deletions the user did not undo.
  window.addEventListener("pagehide", () => void current?.stores.records.flush());
}

/** The stores for these keys (the same object for as long as the session stays unlocked). */
export function storesFor(keys: AccountKeys): RecordsStores {
  if (current?.keys !== keys) {
    if (current !== null) wipe();
    current = {
      keys,
      stores: createStores(authHttp, {
        user: () => ({ kind: "user", userId: keys.userId, key: keys.userKey }),
        // Family profiles open once the families feature hands out confirmed family keys.
        family: () => Promise.resolve(null),
      }),
    };
  }
  return current.stores;
}
